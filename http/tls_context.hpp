// tls_context: the certificate chain and key a TLS listener serves (private
// to http/), replaceable while the server runs. Each handshake takes the pair
// current at accept and keeps it for the connection's life, so a reload (on
// SIGHUP) changes only connections accepted after it.
//
//   tls_context tls{"cert.pem", "key.pem"};   // throws tls_error if unusable
//   auto ctx = tls.current();                 // for one new connection
//   if (auto why = tls.reload(); !why.empty()) log(why);  // old pair kept
#pragma once

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace actorgate::http {

/// A certificate or key that cannot be served; what() names the file.
struct tls_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class tls_context {
public:
  /// Loads the PEM chain and key: TLS 1.2 and 1.3 only, the key must match
  /// the certificate.
  tls_context(std::string cert_file, std::string key_file);

  std::shared_ptr<boost::asio::ssl::context> current() const;

  /// Reads both files again. Returns "" when the new pair is in use, else
  /// why not (and the old pair stays).
  std::string reload();

private:
  std::string cert_file_;
  std::string key_file_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> ctx_;
};

} // namespace actorgate::http
