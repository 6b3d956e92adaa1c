// Blocking HTTP/1.1 client for tests: one keep-alive connection, plus raw
// socket helpers for sending bytes no well-behaved client would send.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace actorgate::test {

struct http_reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
  bool keep_alive = false;
  std::string header(const std::string& lower_name) const;
};

class http_client {
public:
  explicit http_client(std::uint16_t port);
  ~http_client();
  /// Sends one request (with `headers` besides Host) and reads the reply.
  /// Throws on a transport error.
  http_reply request(const std::string& method, const std::string& target,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10),
                     const std::vector<std::pair<std::string, std::string>>& headers = {},
                     const std::optional<std::string>& body = std::nullopt);
  http_reply get(const std::string& target) { return request("GET", target); }
  /// `method` with `body` (Content-Length set).
  http_reply send(const std::string& method, const std::string& target, const std::string& body) {
    return request(method, target, std::chrono::seconds(10), {}, body);
  }

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// GET on a fresh connection.
http_reply http_get(std::uint16_t port, const std::string& target);

/// A raw TCP connection for sending bytes in pieces.
class raw_connection {
public:
  explicit raw_connection(std::uint16_t port);
  ~raw_connection();
  void send(const std::string& bytes);
  /// Half-closes: the server reads end of stream, answers can still come.
  void finish_sending();
  /// Everything read until the server closes or `timeout` passes.
  std::string read_all(std::chrono::milliseconds timeout);
  /// Waits, reading nothing, until the server has closed or reset the
  /// connection; false if `timeout` passes first.
  bool wait_closed(std::chrono::milliseconds timeout);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Connects, writes `bytes`, and returns everything read until the server
/// closes or `timeout` passes.
std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

} // namespace actorgate::test
