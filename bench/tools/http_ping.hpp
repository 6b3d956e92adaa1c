// http_ping: blocking GET /ping over a plain socket with kernel timeouts
// (SO_RCVTIMEO/SO_SNDTIMEO). Asio's synchronous calls would wait forever on a
// silent server, and a benchmark tool must never hang.
//
//   int fd = bench::connect_tcp("127.0.0.1", port, 5000, err);
//   if (fd < 0 || !bench::ping(fd, err)) std::cerr << err;
#pragma once

#include <cstdint>
#include <string>

namespace bench {

/// A connected TCP socket with send/receive timeouts, or -1 and `err`.
int connect_tcp(const std::string& host, std::uint16_t port, int timeout_ms, std::string& err);

/// Sends a keep-alive "GET /ping" on `fd` and reads the answer; true if it is
/// 200 with body "pong", else false and `err` says what came back.
bool ping(int fd, std::string& err);

} // namespace bench
