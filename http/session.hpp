// session: one HTTP connection (private to http/). Follows Beast's
// advanced_server: do_x/on_x pairs, a deadline on every read and write.
// Requests are answered in order, one at a time. Each session lives on one
// IO thread's io_context, so its handlers never run concurrently and need no
// strand; replies from actors are posted into that io_context, or written at
// once when they come from an actor hosted on the same IO thread.
//
// One timer, the watchdog, bounds every phase (idle, read, the request's
// deadline, write, linger). Moving a phase's deadline is a store; the timer
// is armed no later than the shortest timeout ahead, so a later deadline
// never needs it re-armed, and when it fires early it re-arms itself. A
// Beast basic_stream plus a deadline timer armed and cancelled three timers
// per request: a heap insert, a removal and an aborted handler each, about
// 5 % of a /ping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "actorgate/actors/backend_timer.hpp"
#include "actorgate/actors/response.hpp"
#include "actorgate/http/exchange.hpp"
#include "actorgate/http/header_scan.hpp"
#include "actorgate/http/request_reader.hpp"
#include "actorgate/http/route_table.hpp"
#include "actorgate/http/server_options.hpp"

namespace boost::asio::ssl {
class context;
}

namespace actorgate::http {

namespace beast = boost::beast;
namespace net = boost::asio;

using executor = net::io_context::executor_type;
using socket_type = net::basic_stream_socket<net::ip::tcp, executor>;
using timer_type = net::basic_waitable_timer<std::chrono::steady_clock,
                                             net::wait_traits<std::chrono::steady_clock>, executor>;

class session_registry; // http/session_registry.hpp
struct tls_stream;      // session.cpp: Beast's ssl_stream over the socket

class session : public std::enable_shared_from_this<session> {
public:
  /// With `tls`, the connection speaks TLS with that context's pair: the
  /// handshake comes first, bounded by the read timeout.
  session(socket_type&& socket, const server_options& opts,
          std::shared_ptr<const route_table> routes, std::shared_ptr<session_registry> registry,
          std::shared_ptr<const observer_list> observers, std::size_t thread = 0,
          std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~session();

  void run();
  /// Called on any thread: closes if idle, else closes after the answer.
  void drain();
  /// Runs on_reply on this session's IO thread; call via the registry.
  void post_reply(std::uint64_t seq, response r);
  std::shared_ptr<session_registry> registry() const { return registry_; }

private:
  enum class phase { reading, awaiting_reply, writing, lingering, closed };
  // Beyond the header limit: a read of the body (Beast reads 64 KiB) on top
  // of an unfinished chunk header.
  static constexpr std::size_t buffer_slack = 64 * 1024 + 4096;

  void on_handshake(beast::error_code ec);
  void do_read();
  void release_request_memory();
  void on_readable(beast::error_code ec);
  void on_first_bytes(beast::error_code ec, std::size_t n);
  void do_read_head();
  void check_head();
  /// Answers `status` and closes the connection after the answer.
  void refuse(unsigned status, std::string_view why);
  void on_head_bytes(beast::error_code ec, std::size_t n);
  void on_header(beast::error_code ec, std::size_t n);
  void do_read_body();
  void on_read(beast::error_code ec, std::size_t n);
  /// Hands the parsed request to its route's actor, or answers it (400, 404,
  /// 405, 501) when no route takes it.
  void route_request();
  /// A request on a WebSocket route: 426 unless it is an upgrade, else the
  /// connection leaves this session for a ws_session.
  void upgrade_websocket(const ws_route& route, upgrade_request upgrade, request req);
  /// The current phase must end within `timeout` from `now`.
  void set_io_deadline(std::chrono::steady_clock::time_point now,
                       std::chrono::steady_clock::duration timeout);
  std::chrono::steady_clock::time_point
  watch_until(std::chrono::steady_clock::time_point now) const;
  void arm_watchdog(std::chrono::steady_clock::time_point at);
  void on_watchdog(std::uint64_t generation, beast::error_code ec);
  void on_timeout();
  /// Whether the client closed or reset the connection (one non-blocking
  /// peek; pipelined bytes, read or not, mean it is still there, except
  /// under TLS when the peer's FIN follows them: see peer_shut_down()).
  bool client_left();
  /// The peer's FIN has arrived, even behind bytes not yet read.
  bool peer_shut_down();
  /// For a client that left while its request waits: tells the request's
  /// actors (request::client_gone), logs 499 and closes.
  void abandon();
  /// Turns a success that lost the race with a timeout into operation_aborted;
  /// true if `ec` is then an error.
  bool settled(beast::error_code& ec) const;
  void on_reply(std::uint64_t seq, response r);
  void do_write(const response& r);
  void on_write(beast::error_code ec, std::size_t n);
  /// Tells the observers, if any, about the exchange that just ended.
  void report(std::size_t bytes_out);
  void assign_request_id();
  void do_close();
  /// The TCP socket, under TLS or not.
  socket_type& sock();
  const socket_type& sock() const;
  /// Calls f(stream) with the stream requests are read from and answers
  /// written to: the socket, or the TLS stream over it.
  template <class F> void with_stream(F&& f);
  void finish_close();

  socket_type socket_; // moved into tls_ under TLS
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  std::unique_ptr<tls_stream> tls_;
  beast::flat_buffer buffer_;
  const server_options& opts_;
  std::shared_ptr<const route_table> routes_;
  std::shared_ptr<session_registry> registry_;
  std::shared_ptr<const observer_list> observers_;
  std::size_t thread_; // the IO thread this session runs on: picks route replicas
  // Made at a request's first byte, gone while the connection is idle.
  std::unique_ptr<request_reader> parser_;
  std::string out_; // the response on the wire; freed while idle
  timer_type watchdog_;
  std::chrono::steady_clock::time_point io_deadline_{}; // of the current phase
  std::chrono::steady_clock::time_point armed_until_ = std::chrono::steady_clock::time_point::max();
  std::uint64_t watch_generation_ = 0; // tells the live wait from cancelled ones
  phase phase_ = phase::reading;
  std::uint64_t seq_ = 0;
  bool keep_alive_ = false;
  bool close_after_write_ = false;
  bool head_ = false;
  unsigned version_ = 11;
  bool draining_ = false;
  bool awaiting_first_byte_ = false;
  std::size_t lingered_ = 0;
  header_scan_progress head_progress_; // of the header being read
  // For the observers: the request being answered.
  std::chrono::steady_clock::time_point started_{};
  std::string_view route_; // points into *routes_
  unsigned status_ = 0;
  // Set once per request (by route_request, or by do_write for an answer the
  // session gives itself); the capacity is reused across requests.
  std::string request_id_;
  std::string client_;                          // the peer's address, only if there are observers
  std::shared_ptr<backend_timer> backend_time_; // only if there are observers
  // Shared with every request of this connection (one at a time); set when
  // the client leaves. One allocation per connection, at its first request.
  std::shared_ptr<std::atomic<bool>> client_gone_;
};

} // namespace actorgate::http
