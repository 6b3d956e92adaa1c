// exchange_observer: what the server tells observers (metrics, access log)
// about its connections and each answered request. Register observers with
// server::observe() before server::start().
//
// Calls come on the IO threads (and a connection's close possibly on any
// thread), concurrently: an observer must be thread-safe and must not block
// — count with atomics, or hand the record to a bounded queue.
//
//   struct counter final : http::exchange_observer {
//     std::atomic<std::uint64_t> served{0};
//     void on_exchange(const http::exchange&) noexcept override { ++served; }
//   };
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace actorgate::http {

/// One request and its answer, valid only during on_exchange().
struct exchange {
  /// As on the request line ("GET"); empty if the request line never parsed.
  std::string_view method;
  /// The raw request target ("/echo?msg=hi"); empty as above.
  std::string_view target;
  /// The route pattern that took the request ("/users/:id"); empty if no
  /// route did (404, 405, malformed input).
  std::string_view route;
  unsigned status = 0;
  /// Bytes of the response written to the socket.
  std::size_t bytes_out = 0;
  /// From the request's first byte to the response's last byte written.
  std::chrono::steady_clock::duration duration{};
  /// When the request's first byte arrived.
  std::chrono::steady_clock::time_point started{};
  /// The id sent back in the response's X-Request-Id header: the client's
  /// own if sane (see http/request_id.hpp), else generated. Never empty.
  std::string_view request_id;
  /// The peer, "127.0.0.1:53422" or "[::1]:53422"; empty if unknown.
  std::string_view client;
  /// Time spent inside backend calls made with typed_pool::call(self, req,
  /// f) for this request, summed (overlapping calls of a fan-out add up);
  /// zero if it made none.
  std::chrono::steady_clock::duration backend_time{};
};

class exchange_observer {
public:
  virtual ~exchange_observer() = default;
  virtual void on_connection_open() noexcept {}
  virtual void on_connection_close() noexcept {}
  /// A connection was closed at once because http.max-connections were open.
  virtual void on_connection_refused() noexcept {}
  /// A TLS listener's handshake failed (plain HTTP, TLS below 1.2, a client
  /// that rejected the certificate, a timeout); the connection was closed.
  virtual void on_tls_handshake_failed() noexcept {}
  /// A request was routed and sent to its actor (in flight until answered).
  virtual void on_request_routed() noexcept {}
  /// A response was written (or failed to be): every request that got a
  /// status, routed or not, ends here exactly once.
  virtual void on_exchange(const exchange& x) noexcept = 0;
};

using observer_list = std::vector<std::shared_ptr<exchange_observer>>;

} // namespace actorgate::http
