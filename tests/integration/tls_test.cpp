// TLS on the listener ([http] tls-cert, tls-key), through the real
// actorgate-server and compute-backend, with real clients: curl, openssl
// s_client, and a Boost.Asio TLS client that can hold a connection open
// across a reload and send hostile bytes. The certificates are made for each
// run by the openssl command: a root CA, an intermediate, and a leaf for
// 127.0.0.1 signed by the intermediate, served as the chain leaf +
// intermediate, so that a client trusting only the root verifies it.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tests/support/exposition.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wait.hpp"

using namespace actorgate::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

// Runs openssl with `args`; fails the test with its output if it fails.
void openssl(std::vector<std::string> args) {
  auto r = run_command(find_program("openssl"), std::move(args));
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
}

// A CA hierarchy in `dir`: root.pem trusts chain-<cn>.pem + key-<cn>.pem.
struct test_pki {
  explicit test_pki(const temp_dir& d) : dir(d.path()) {
    REQUIRE_MESSAGE(!find_program("openssl").empty(), "the openssl command is not installed");
    d.write("ca.ext", "[v3]\nbasicConstraints=critical,CA:TRUE\n"
                      "keyUsage=critical,keyCertSign,cRLSign\n");
    d.write("leaf.ext", "[v3]\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                        "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    new_key("root");
    openssl({"req", "-x509", "-new", "-key", file("root.key"), "-out", file("root.pem"), "-days",
             "2", "-subj", "/CN=actorgate test root"});
    sign("inter", "root", "ca.ext");
  }

  // A leaf with common name `cn`, signed by the intermediate; returns the
  // chain file (leaf + intermediate). Its key is key(cn).
  std::string leaf(const std::string& cn) {
    sign(cn, "inter", "leaf.ext");
    auto chain = file("chain-" + cn + ".pem");
    run_command("/bin/sh", {"-c", "cat '" + file(cn + ".pem") + "' '" + file("inter.pem") +
                                      "' > '" + chain + "'"});
    return chain;
  }
  std::string key(const std::string& cn) const { return file(cn + ".key"); }
  std::string root() const { return file("root.pem"); }
  std::string file(const std::string& name) const { return dir + "/" + name; }

private:
  void new_key(const std::string& name) {
    openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
             file(name + ".key")});
  }
  void sign(const std::string& cn, const std::string& issuer, const std::string& ext) {
    new_key(cn);
    openssl({"req", "-new", "-key", file(cn + ".key"), "-out", file(cn + ".csr"), "-subj",
             "/CN=" + cn});
    openssl({"x509", "-req", "-in", file(cn + ".csr"), "-CA", file(issuer + ".pem"), "-CAkey",
             file(issuer + ".key"), "-CAcreateserial", "-out", file(cn + ".pem"), "-days", "2",
             "-extfile", file(ext), "-extensions", "v3"});
  }
  std::string dir;
};

// One TLS connection that verifies the server against `ca`.
class tls_connection {
public:
  tls_connection(std::uint16_t port, const std::string& ca) : ctx_(ssl::context::tls_client) {
    ctx_.load_verify_file(ca);
    stream_.emplace(io_, ctx_);
    stream_->set_verify_mode(ssl::verify_peer);
    stream_->set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    net::ip::tcp::endpoint ep{net::ip::make_address("127.0.0.1"), port};
    stream_->next_layer().connect(ep);
    timeval tv{5, 0}; // a hung server fails the test instead of stalling it
    ::setsockopt(stream_->next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    stream_->handshake(ssl::stream_base::client);
  }

  bhttp::response<bhttp::string_body> get(const std::string& target) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(*stream_, req);
    return read_response();
  }

  bhttp::response<bhttp::string_body> read_response() {
    bhttp::response<bhttp::string_body> res;
    bhttp::read(*stream_, buffer_, res);
    return res;
  }

  void send(const std::string& bytes) { net::write(*stream_, net::buffer(bytes)); }

  // The common name of the certificate the server sent.
  std::string peer_name() {
    X509* cert = SSL_get1_peer_certificate(stream_->native_handle());
    REQUIRE(cert != nullptr);
    char cn[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
    X509_free(cert);
    return cn;
  }

private:
  net::io_context io_;
  ssl::context ctx_;
  std::optional<ssl::stream<net::ip::tcp::socket>> stream_;
  beast::flat_buffer buffer_;
};

// A TLS client on its socket directly, as curl is (no BIO pair, unlike
// Asio's ssl::stream, whose SSL_shutdown writes into a buffer that only
// Asio's own shutdown flushes): what SSL_shutdown sends reaches the wire.
class socket_tls_client {
public:
  socket_tls_client(std::uint16_t port, const std::string& ca) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    REQUIRE(SSL_CTX_load_verify_locations(ctx_, ca.c_str(), nullptr) == 1);
    sock_.connect({net::ip::make_address("127.0.0.1"), port});
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, sock_.native_handle());
    REQUIRE(SSL_connect(ssl_) == 1);
  }
  ~socket_tls_client() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  void send(const std::string& bytes) {
    REQUIRE(SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) ==
            static_cast<int>(bytes.size()));
  }
  // Reads until `until` has arrived.
  std::string read_until(const std::string& until) {
    std::string got;
    char buf[4096];
    while (got.find(until) == std::string::npos) {
      int n = SSL_read(ssl_, buf, sizeof buf);
      if (n <= 0)
        break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }
  // Leaves as a TLS client does: its close_notify alert, then its FIN,
  // without waiting for the server's alert.
  void leave() {
    SSL_shutdown(ssl_);
    beast::error_code ignored;
    sock_.close(ignored);
  }

private:
  net::io_context io_;
  net::ip::tcp::socket sock_{io_};
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

std::vector<std::string> tls_args(const std::string& chain, const std::string& key) {
  return {"--http.tls-cert=" + chain, "--http.tls-key=" + key};
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string handshake_failures(std::uint16_t port, const std::string& ca) {
  tls_connection c{port, ca};
  auto r = c.get("/metrics");
  REQUIRE(r.result_int() == 200);
  auto s = parse_exposition(r.body());
  REQUIRE(s.count("actorgate_http_tls_handshake_failures_total") == 1);
  return s["actorgate_http_tls_handshake_failures_total"];
}

struct tls_fixture {
  temp_dir dir{"actorgate-tls"};
  test_pki pki{dir};
  std::string chain = pki.leaf("first");
  backend_process backend;
};

} // namespace

TEST_CASE("tls: curl verifies the served chain and gets answers from the backend, keep-alive") {
  tls_fixture f;
  gateway_process gw{f.backend.port, tls_args(f.chain, f.pki.key("first"))};
  auto base = "https://127.0.0.1:" + std::to_string(gw.port);
  auto r = run_command(find_program("curl"),
                       {"-sS", "--cacert", f.pki.root(), "-w", " %{http_code} %{num_connects}\\n",
                        base + "/echo?msg=hello", base + "/ping"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  // Two requests on one connection: the second connected nothing new.
  CHECK(r.output.find("{\"msg\":\"hello\"} 200 1") != std::string::npos);
  CHECK(r.output.find("pong 200 0") != std::string::npos);
  // Without the root the chain does not verify: the server is not trusted by
  // accident (curl's own CA store knows nothing of it).
  auto untrusted = run_command(find_program("curl"), {"-sS", base + "/ping"});
  CHECK(untrusted.exit_code != 0);
}

TEST_CASE("tls: TLS 1.2 and 1.3 are served, 1.1 and 1.0 refused and counted") {
  tls_fixture f;
  gateway_process gw{f.backend.port, tls_args(f.chain, f.pki.key("first"))};
  auto base = "https://127.0.0.1:" + std::to_string(gw.port);
  for (const auto* v : {"1.2", "1.3"}) {
    CAPTURE(v);
    auto r = run_command(find_program("curl"),
                         {"-sS", "--cacert", f.pki.root(), std::string("--tlsv") + v, "--tls-max",
                          v, "-w", "%{http_code}", base + "/ping"});
    CHECK(r.output == "pong200");
  }
  auto before = handshake_failures(gw.port, f.pki.root());
  // SECLEVEL=0 lets this client offer the old versions at all: the refusal
  // must come from the server.
  for (const auto* flag : {"-tls1_1", "-tls1"}) {
    CAPTURE(flag);
    auto r = run_command(find_program("openssl"),
                         {"s_client", "-connect", "127.0.0.1:" + std::to_string(gw.port), flag,
                          "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", f.pki.root()},
                         "/dev/null", 10s);
    CHECK(r.exit_code != 0);
    CHECK(r.output.find("Cipher is (NONE)") != std::string::npos);
  }
  CHECK(std::stoi(handshake_failures(gw.port, f.pki.root())) == std::stoi(before) + 2);
  auto tls13 = run_command(find_program("openssl"),
                           {"s_client", "-connect", "127.0.0.1:" + std::to_string(gw.port),
                            "-tls1_3", "-CAfile", f.pki.root(), "-verify_return_error"},
                           "/dev/null", 10s);
  CHECK(tls13.output.find("Verify return code: 0 (ok)") != std::string::npos);
  CHECK(tls13.output.find("TLSv1.3") != std::string::npos);
}

TEST_CASE("tls: ALPN: http/1.1 is selected when offered; a client offering only h2 is refused "
          "with no_application_protocol") {
  tls_fixture f;
  gateway_process gw{f.backend.port, tls_args(f.chain, f.pki.key("first"))};
  auto connect = "127.0.0.1:" + std::to_string(gw.port);
  auto offered = [&](const char* protocols) {
    return run_command(
        find_program("openssl"),
        {"s_client", "-connect", connect, "-alpn", protocols, "-CAfile", f.pki.root()}, "/dev/null",
        10s);
  };
  auto both = offered("h2,http/1.1");
  CHECK(both.output.find("ALPN protocol: http/1.1") != std::string::npos);
  auto h2 = offered("h2");
  CHECK(h2.exit_code != 0);
  CHECK(h2.output.find("no application protocol") != std::string::npos);
  // curl offers h2 and http/1.1 by itself, and gets its answer.
  auto r = run_command(find_program("curl"),
                       {"-sS", "-v", "--cacert", f.pki.root(), "https://" + connect + "/ping"});
  CHECK(r.output.find("ALPN: server accepted http/1.1") != std::string::npos);
  CHECK(r.output.find("pong") != std::string::npos);
}

TEST_CASE("tls: a TLS 1.2 client asking to renegotiate is refused") {
  tls_fixture f;
  gateway_process gw{f.backend.port, tls_args(f.chain, f.pki.key("first"))};
  // s_client renegotiates on a line "R"; stdin stays open long enough for
  // the server's answer to arrive.
  auto r =
      run_command("/bin/sh",
                  {"-c", "(echo R; sleep 1) | '" + find_program("openssl") +
                             "' s_client -tls1_2 -connect 127.0.0.1:" + std::to_string(gw.port) +
                             " -CAfile '" + f.pki.root() + "'"},
                  "", 10s);
  CHECK(r.output.find("RENEGOTIATING") != std::string::npos);
  CHECK(r.output.find("no renegotiation") != std::string::npos);
  tls_connection c{gw.port, f.pki.root()};
  CHECK(c.get("/ping").body() == "pong");
}

TEST_CASE("tls: plain HTTP on the TLS port is never served") {
  tls_fixture f;
  gateway_process gw{f.backend.port, tls_args(f.chain, f.pki.key("first"))};
  auto before = handshake_failures(gw.port, f.pki.root());
  auto got = raw_exchange(gw.port, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n", 3s);
  CHECK(got.find("pong") == std::string::npos);
  CHECK(got.find("HTTP/1.1 200") == std::string::npos);
  CHECK(std::stoi(handshake_failures(gw.port, f.pki.root())) == std::stoi(before) + 1);
  // And the listener goes on serving TLS.
  tls_connection c{gw.port, f.pki.root()};
  CHECK(c.get("/ping").body() == "pong");
}

TEST_CASE("tls: a client that leaves with close_notify while its call waits is seen to leave "
          "(499) and its call is dropped unrun") {
  tls_fixture f;
  // One worker, busy for 2 s with two 1 s calls (one running, one queued);
  // a 200 ms read timeout makes the session look at its client every 200 ms.
  auto args = tls_args(f.chain, f.pki.key("first"));
  for (const auto* a : {"--backend.pool-size=1", "--http.read-timeout=200ms",
                        "--http.request-timeout=60s", "--backend.call-timeout=60s"})
    args.push_back(a);
  gateway_process gw{f.backend.port, args};
  auto metric = [&](const std::string& series) {
    tls_connection c{gw.port, f.pki.root()};
    auto s = parse_exposition(c.get("/metrics").body());
    return s.count(series) ? s[series] : std::string("0");
  };
  auto busy = "actorgate_pool_busy_workers{pool=\"backend\"}";
  auto depth = "actorgate_pool_queue_depth{pool=\"backend\"}";
  auto left = "actorgate_http_requests_total{route=\"/work\",method=\"GET\",code=\"4xx\"}";
  std::vector<std::thread> running;
  for (int i = 0; i < 2; ++i)
    running.emplace_back([&] {
      tls_connection c{gw.port, f.pki.root()};
      CHECK(c.get("/work?us=1000000").result_int() == 200);
    });
  CHECK(wait_until([&] { return metric(busy) == "1" && metric(depth) == "1"; }, 10s, 20ms));
  auto began = std::chrono::steady_clock::now();
  {
    socket_tls_client leaving{gw.port, f.pki.root()};
    // An answer read first takes in the session tickets TLS 1.3 sends after
    // the handshake: closing with them unread would send a RST, which any
    // peek sees, instead of a real client's close_notify and FIN.
    leaving.send("GET /ping HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(leaving.read_until("pong").find("pong") != std::string::npos);
    leaving.send("GET /work?us=1000 HTTP/1.1\r\nHost: t\r\n\r\n");
    leaving.leave();
  }
  // Seen within a few watchdog steps, long before the busy worker is free.
  CHECK(wait_until([&] { return metric(left) == "1"; }, 10s, 20ms));
  CHECK(elapsed_since(began) < 1500ms);
  for (auto& t : running)
    t.join();
  CHECK(wait_until(
      [&] {
        return metric("actorgate_pool_errors_total{pool=\"backend\",kind=\"abandoned\"}") == "1";
      },
      5s, 20ms));
}

TEST_CASE("tls: a handshake that never comes is cut at read-timeout") {
  tls_fixture f;
  auto args = tls_args(f.chain, f.pki.key("first"));
  args.push_back("--http.read-timeout=300ms");
  gateway_process gw{f.backend.port, args};
  raw_connection silent{gw.port};
  auto began = std::chrono::steady_clock::now();
  CHECK(silent.wait_closed(3s));
  CHECK(elapsed_since(began) >= 250ms);
}

TEST_CASE("tls: hostile input gets the same answers as over plain HTTP") {
  tls_fixture f;
  gateway_process gw{f.backend.port, tls_args(f.chain, f.pki.key("first"))};
  {
    tls_connection c{gw.port, f.pki.root()};
    c.send("GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10000, 'a') + "\r\n\r\n");
    CHECK(c.read_response().result_int() == 431);
  }
  {
    tls_connection c{gw.port, f.pki.root()};
    c.send("GET /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n");
    CHECK(c.read_response().result_int() == 400);
  }
  {
    tls_connection c{gw.port, f.pki.root()};
    c.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(c.read_response().result_int() == 404);
    CHECK(c.get("/ping").body() == "pong"); // the connection is still good
  }
}

TEST_CASE("tls: SIGHUP reloads the pair for new connections, open ones go on, a bad pair is kept "
          "out") {
  tls_fixture f;
  // The gateway reads the files named in its options: the test replaces
  // their contents, as a certificate renewal does.
  auto chain = f.dir.write("served-chain.pem", read_file(f.chain));
  auto key = f.dir.write("served-key.pem", read_file(f.pki.key("first")));
  gateway_process gw{f.backend.port, tls_args(chain, key), stderr_to::output};
  tls_connection open{gw.port, f.pki.root()};
  CHECK(open.peer_name() == "first");
  CHECK(open.get("/ping").body() == "pong");

  f.dir.write("served-chain.pem", read_file(f.pki.leaf("second")));
  f.dir.write("served-key.pem", read_file(f.pki.key("second")));
  gw.proc.signal(SIGHUP);
  REQUIRE(gw.proc.wait_for_line("TLS certificate and key reloaded", 5s));
  tls_connection fresh{gw.port, f.pki.root()};
  CHECK(fresh.peer_name() == "second");
  CHECK(fresh.get("/ping").body() == "pong");
  CHECK(open.get("/ping").body() == "pong"); // accepted before: untouched

  // A broken file: the reload fails, says why, and the last good pair stays.
  f.dir.write("served-chain.pem", "not a certificate\n");
  gw.proc.signal(SIGHUP);
  REQUIRE(gw.proc.wait_for_line("kept the TLS pair in use", 5s));
  tls_connection after{gw.port, f.pki.root()};
  CHECK(after.peer_name() == "second");
  CHECK(after.get("/ping").body() == "pong");
}

TEST_CASE("tls: a pair that cannot be served stops the start with exit 2 and one line") {
  tls_fixture f;
  auto start = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--config-file=/dev/null", "--http.port=0"});
    return run_command(gateway_binary(), args);
  };
  auto missing = start(tls_args(f.dir.path() + "/none.pem", f.pki.key("first")));
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("http.tls-cert \"" + f.dir.path() + "/none.pem\"") !=
        std::string::npos);
  f.pki.leaf("other");
  auto mismatch = start(tls_args(f.chain, f.pki.key("other")));
  CHECK(mismatch.exit_code == 2);
  CHECK(mismatch.output.find("does not match the certificate") != std::string::npos);
  auto half = start({"--http.tls-cert=" + f.chain});
  CHECK(half.exit_code == 2);
  CHECK(half.output.find("'http.tls-cert' needs http.tls-key") != std::string::npos);
}
