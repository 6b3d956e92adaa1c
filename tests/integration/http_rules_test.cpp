// RFC 9112 rules at the gateway's front door, over raw sockets; after each
// hostile request a normal one on a fresh connection must still succeed.
#include <doctest/doctest.h>

#include <thread>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace actorgate::test;
using namespace std::chrono_literals;

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

} // namespace

TEST_CASE("request framing that proxies disagree on is refused with 400 and a close") {
  backend_process backend;
  gateway_process gateway{backend.port};
  const char* cases[] = {
      // obs-fold
      "GET /ping HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
      "GET /ping HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n",
      // Host missing or repeated
      "GET /ping HTTP/1.1\r\n\r\n",
      "GET /ping HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      // an invalid Host value
      "GET /ping HTTP/1.1\r\nHost: a b\r\n\r\n",
      "GET /ping HTTP/1.1\r\nHost: a/b\r\n\r\n",
      "GET /ping HTTP/1.1\r\nHost: x:8o\r\n\r\n",
      // Content-Length with Transfer-Encoding, conflicting or bad lengths
      "POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: "
      "chunked\r\n\r\n0\r\n\r\n",
      "POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
      "POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\n",
      // a coding other than a final chunked
      "POST /ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc",
      "POST /ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
      // bad chunk size
      "POST /ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
      "chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
      // bare LF, space before the colon
      "GET /ping HTTP/1.1\nHost: x\n\n",
      "GET /ping HTTP/1.1\r\nHost : x\r\n\r\n",
  };
  for (const char* c : cases) {
    std::string bytes(c);
    CAPTURE(bytes);
    auto got = raw_exchange(gateway.port, bytes, 3s);
    CHECK(starts_with(got, "HTTP/1.1 400 "));
    CHECK(got.find("Connection: close") != std::string::npos);
    CHECK(http_get(gateway.port, "/ping").status == 200);
  }
  // The NUL case, which a C string cannot carry.
  std::string nul = "GET /ping HTTP/1.1\r\nHost: x\r\nX-A: a";
  nul += '\0';
  nul += "b\r\n\r\n";
  CHECK(starts_with(raw_exchange(gateway.port, nul, 3s), "HTTP/1.1 400 "));
}

TEST_CASE("Expect 100-continue gets an interim 100 before the body is sent") {
  backend_process backend;
  gateway_process gateway{backend.port};
  raw_connection conn{gateway.port};
  conn.send("POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  // Only the interim answer can come now: the body has not been sent.
  auto interim = conn.read_all(500ms);
  CHECK(interim == "HTTP/1.1 100 Continue\r\n\r\n");
  conn.send("hello");
  auto final_answer = conn.read_all(500ms);
  CHECK(starts_with(final_answer, "HTTP/1.1 405 ")); // POST /ping: read in full, then refused
}

TEST_CASE("HTTP/1.0 needs no Host and empty lines before a request are ignored") {
  backend_process backend;
  gateway_process gateway{backend.port};
  auto got = raw_exchange(gateway.port, "GET /ping HTTP/1.0\r\n\r\n", 3s);
  CHECK(starts_with(got, "HTTP/1.0 200 "));
  CHECK(got.find("\r\n\r\npong") != std::string::npos);
  auto after_crlf =
      raw_exchange(gateway.port,
                   "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n"
                   "Connection: close\r\n\r\n",
                   3s);
  CHECK(starts_with(after_crlf, "HTTP/1.1 200 "));
  CHECK(after_crlf.find("pong", after_crlf.find("pong") + 4) != std::string::npos);
}

TEST_CASE("a long target gets 414 and a long header line or too many fields get 431") {
  backend_process backend;
  gateway_process gateway{
      backend.port,
      {"--http.max-uri-bytes=100", "--http.max-header-field-bytes=200", "--http.max-headers=10"}};
  auto check = [&](const std::string& bytes, const char* status) {
    auto got = raw_exchange(gateway.port, bytes, 3s);
    CHECK(starts_with(got, std::string("HTTP/1.1 ") + status + " "));
    CHECK(got.find("Connection: close") != std::string::npos);
    CHECK(http_get(gateway.port, "/ping").status == 200);
  };
  auto target = "/echo?msg=" + std::string(90, 'a'); // exactly 100 bytes
  CHECK(raw_exchange(gateway.port,
                     "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3s)
            .rfind("HTTP/1.1 200 ", 0) == 0);
  check("GET " + target + "a HTTP/1.1\r\nHost: x\r\n\r\n", "414");
  // Refused as soon as the line is too long, without waiting for its end.
  check("GET /" + std::string(200, 'b'), "414");
  check("GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(200, 'c') + "\r\n\r\n", "431");
  check("GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(300, 'c'), "431");
  std::string fields = "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
  for (int i = 0; i < 8; ++i)
    fields += "X-" + std::to_string(i) + ": v\r\n";
  // 10 fields pass, 11 do not.
  CHECK(starts_with(raw_exchange(gateway.port, fields + "\r\n", 3s), "HTTP/1.1 200 "));
  check(fields + "X-last: v\r\n\r\n", "431");
}

TEST_CASE("the empty line that ends a header may come in a read of its own") {
  backend_process backend;
  gateway_process gateway{backend.port,
                          {"--http.max-header-field-bytes=200", "--http.max-headers=3"}};
  auto in_two_reads = [&](const std::string& head, const std::string& rest) {
    raw_connection conn{gateway.port};
    conn.send(head);
    // Long enough for the gateway to read and scan the first part alone.
    std::this_thread::sleep_for(100ms);
    conn.send(rest);
    return conn.read_all(3s);
  };
  // Neither the empty line nor the body after it is one more header field:
  // as many fields as allowed pass, and a body longer than a field line is
  // read as a body (POST /ping: read in full, then refused).
  CHECK(starts_with(in_two_reads("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-A: "
                                 "a\r\n",
                                 "\r\n"),
                    "HTTP/1.1 200 "));
  CHECK(starts_with(in_two_reads("POST /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                 "Content-Length: 300\r\n",
                                 "\r\n" + std::string(300, 'a')),
                    "HTTP/1.1 405 "));
}

TEST_CASE("a chunk header or trailer that never ends gets 400, not an ever-growing buffer") {
  backend_process backend;
  gateway_process gateway{backend.port};
  const std::string head = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  // 200 KB of one line, more than the header limit plus a read: the gateway
  // answers once the line outgrows that, and drains the rest of it.
  const std::string endless(200 * 1024, 'a');
  for (const std::string start : {"1;ext=", "1\r\na\r\n0\r\nX-Trailer: "}) {
    CAPTURE(start);
    raw_connection conn{gateway.port};
    conn.send(head + start + endless);
    auto got = conn.read_all(3s);
    CHECK(starts_with(got, "HTTP/1.1 400 "));
    CHECK(got.find("chunk header or trailer too long") != std::string::npos);
    CHECK(got.find("Connection: close") != std::string::npos);
  }
  CHECK(http_get(gateway.port, "/ping").status == 200);
}

TEST_CASE("a space in the request target is a malformed request line, not a version") {
  backend_process backend;
  gateway_process gateway{backend.port};
  CHECK(starts_with(raw_exchange(gateway.port, "GET /pi ng HTTP/1.1\r\nHost: x\r\n\r\n", 3s),
                    "HTTP/1.1 400 "));
  CHECK(starts_with(raw_exchange(gateway.port, "GET /ping HTTP/2.0\r\nHost: x\r\n\r\n", 3s),
                    "HTTP/1.1 505 "));
}

TEST_CASE("methods the server does not implement get 501 and the connection goes on") {
  backend_process backend;
  gateway_process gateway{backend.port};
  for (const auto* line : {"CONNECT 127.0.0.1:443 HTTP/1.1", "TRACE /ping HTTP/1.1",
                           "BREW /ping HTTP/1.1", "get /ping HTTP/1.1"}) {
    CAPTURE(line);
    auto got = raw_exchange(gateway.port,
                            std::string(line) + "\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\n"
                                                "Host: x\r\nConnection: close\r\n\r\n",
                            3s);
    CHECK(starts_with(got, "HTTP/1.1 501 "));
    CHECK(got.find("method not implemented") != std::string::npos);
    CHECK(got.find("\r\n\r\npong") != std::string::npos); // the next request is served
  }
}

TEST_CASE("OPTIONS * is answered for the server, and * with any other method is 400") {
  backend_process backend;
  gateway_process gateway{backend.port};
  auto got = raw_exchange(gateway.port,
                          "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\n"
                          "Host: x\r\nConnection: close\r\n\r\n",
                          3s);
  CHECK(starts_with(got, "HTTP/1.1 204 "));
  CHECK(got.find("\r\nAllow: GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS\r\n") !=
        std::string::npos);
  auto head = got.substr(0, got.find("\r\n\r\n"));
  CHECK(head.find("Content-Length") == std::string::npos); // a 204 has no content
  CHECK(head.find("Content-Type") == std::string::npos);
  CHECK(got.find("\r\n\r\npong") != std::string::npos); // the connection goes on
  auto bad = raw_exchange(gateway.port, "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 3s);
  CHECK(starts_with(bad, "HTTP/1.1 400 "));
}

TEST_CASE("an absolute-form request target is routed by its path, Host still required") {
  backend_process backend;
  gateway_process gateway{backend.port};
  auto authority = "127.0.0.1:" + std::to_string(gateway.port);
  auto ping = raw_exchange(gateway.port,
                           "GET http://" + authority + "/ping HTTP/1.1\r\nHost: " + authority +
                               "\r\nConnection: close\r\n\r\n",
                           3s);
  CHECK(starts_with(ping, "HTTP/1.1 200 "));
  CHECK(ping.find("\r\n\r\npong") != std::string::npos);
  // The authority names another port: routing goes by the path alone.
  auto echo = raw_exchange(
      gateway.port,
      "GET http://127.0.0.1/echo?msg=hi HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3s);
  CHECK(starts_with(echo, "HTTP/1.1 200 "));
  CHECK(echo.find(R"({"msg":"hi"})") != std::string::npos);
  // The Host rules and the origin-form path rules are those of any request.
  for (const auto& bad : {
           "GET http://" + authority + "/ping HTTP/1.1\r\n\r\n",
           "GET http://" + authority + "/ping HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
           "GET http://" + authority + "/ping HTTP/1.1\r\nHost: a b\r\n\r\n",
           "GET http://user@" + authority + "/ping HTTP/1.1\r\nHost: x\r\n\r\n",
           "GET ftp://" + authority + "/ping HTTP/1.1\r\nHost: x\r\n\r\n",
           "GET http://" + authority + "/a/../ping HTTP/1.1\r\nHost: x\r\n\r\n",
       }) {
    CAPTURE(bad);
    auto got = raw_exchange(gateway.port, bad, 3s);
    CHECK(starts_with(got, "HTTP/1.1 400 "));
    CHECK(got.find("Connection: close") != std::string::npos);
  }
  CHECK(http_get(gateway.port, "/ping").status == 200);
}
