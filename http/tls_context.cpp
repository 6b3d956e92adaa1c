#include "actorgate/http/tls_context.hpp"

#include <cstdlib>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace actorgate::http {

namespace ssl = boost::asio::ssl;

namespace {

// Asio clears OpenSSL's error queue before every SSL_read and SSL_write, and
// OpenSSL 3's ERR_clear_error frees two null pointers for each of its 16
// slots: about 100 free(nullptr) per HTTPS request. tcmalloc's free (which
// actorgate-server links) spends ~30 instructions on a null pointer, 3.4k of
// a TLS /ping's 40k (callgrind). Routing OpenSSL's allocations through
// functions that skip null first removes that. OpenSSL takes them only
// before its first allocation, hence a constructor that runs ahead of the
// static ones (Asio's OpenSSL initialisation among them); if something
// allocated earlier, OpenSSL keeps its own and nothing changes.
void* crypto_malloc(std::size_t n, const char*, int) {
  return std::malloc(n);
}
void* crypto_realloc(void* p, std::size_t n, const char*, int) {
  return std::realloc(p, n);
}
void crypto_free(void* p, const char*, int) {
  if (p != nullptr)
    std::free(p);
}
[[gnu::constructor(101)]] void skip_null_frees() {
  CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free);
}

// OpenSSL's own reason for the last failure, e.g. "no start line" for a file
// that is not PEM, or "key values mismatch".
std::string openssl_reason(const boost::system::error_code& ec) {
  auto text = ec.message();
  ERR_clear_error();
  return text;
}

// ALPN (RFC 7301): a client that offers protocols learns the server speaks
// HTTP/1.1 (curl reports "ALPN: server accepted http/1.1"); one that offers
// only others (h2 alone) gets the RFC's no_application_protocol alert
// rather than HTTP/1.1 bytes it did not ask for. A client that offers none
// is served as before.
int select_http11(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
                  unsigned int in_len, void*) {
  static constexpr unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, out_len, http11, sizeof http11, in, in_len) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

std::shared_ptr<ssl::context> load(const std::string& cert, const std::string& key) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  // Below TLS 1.2 nothing is offered (RFC 8996); compression off (CRIME).
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::no_compression | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  // A TLS 1.2 client asking to renegotiate again and again costs the server
  // a handshake each time; nothing here needs renegotiation.
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_alpn_select_cb(ctx->native_handle(), select_http11, nullptr);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert, ec);
  if (ec)
    throw tls_error("http.tls-cert \"" + cert + "\": " + openssl_reason(ec));
  ctx->use_private_key_file(key, ssl::context::pem, ec);
  auto mismatch = [&] {
    return "http.tls-key \"" + key + "\": does not match the certificate in \"" + cert + "\"";
  };
  if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
    ERR_clear_error();
    throw tls_error(mismatch());
  }
  if (ec)
    throw tls_error("http.tls-key \"" + key + "\": " + openssl_reason(ec));
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    ERR_clear_error();
    throw tls_error(mismatch());
  }
  return ctx;
}

} // namespace

tls_context::tls_context(std::string cert_file, std::string key_file)
    : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)),
      ctx_(load(cert_file_, key_file_)) {}

std::shared_ptr<ssl::context> tls_context::current() const {
  std::lock_guard<std::mutex> g{mutex_};
  return ctx_;
}

std::string tls_context::reload() {
  try {
    auto fresh = load(cert_file_, key_file_);
    std::lock_guard<std::mutex> g{mutex_};
    ctx_ = std::move(fresh);
    return {};
  } catch (const tls_error& e) {
    return e.what();
  }
}

} // namespace actorgate::http
