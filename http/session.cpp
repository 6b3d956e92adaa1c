// Longer than 450 lines on purpose: what is left here is the session's state
// machine (reading, routing, awaiting the answer, writing, lingering, the
// watchdog), whose handlers hand over to one another through the members in
// session.hpp; split by phase, one connection's life would read across files.
// What needs none of that state lives apart: the header pre-scan
// (header_scan.cpp), the set of open sessions (session_registry.cpp), the
// wire format (serialize.cpp) and the request target (target.cpp).
#include "actorgate/http/session.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <caf/send.hpp>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/reply_handle.hpp"
#include "actorgate/http/linger.hpp"
#include "actorgate/http/request_id.hpp"
#include "actorgate/http/serialize.hpp"
#include "actorgate/http/session_registry.hpp"
#include "actorgate/http/target.hpp"
#include "actorgate/http/websocket_session.hpp"

namespace actorgate::http {

namespace bhttp = beast::http;

struct tls_stream {
  tls_stream(socket_type&& s, net::ssl::context& ctx) : stream(std::move(s), ctx) {}
  beast::ssl_stream<socket_type> stream;
};

// ---- reply sink ---------------------------------------------------------------

namespace {

// The session's end of a reply handle. Holds the session weakly: a client
// that went away must not keep its session alive.
class session_sink final : public reply_sink {
public:
  session_sink(std::shared_ptr<session_registry> reg, std::weak_ptr<session> s, std::uint64_t seq)
      : registry_(std::move(reg)), session_(std::move(s)), seq_(seq) {}

protected:
  void deliver(response r) noexcept override {
    registry_->post_reply(session_, seq_, std::move(r));
  }

private:
  std::shared_ptr<session_registry> registry_;
  std::weak_ptr<session> session_;
  std::uint64_t seq_;
};

method to_method(bhttp::verb v) {
  switch (v) {
  case bhttp::verb::get:
    return method::get;
  case bhttp::verb::head:
    return method::head;
  case bhttp::verb::post:
    return method::post;
  case bhttp::verb::put:
    return method::put;
  case bhttp::verb::delete_:
    return method::del;
  case bhttp::verb::patch:
    return method::patch;
  case bhttp::verb::options:
    return method::options;
  default:
    return method::other;
  }
}

// True if the request line is "method SP target SP HTTP/d.d": a space in
// the target ("GET /a b HTTP/1.1") makes a malformed line, not a version.
bool well_formed_version(std::string_view head) {
  auto eol = head.find("\r\n");
  if (eol == std::string_view::npos || eol < 12) // "M / HTTP/d.d"
    return false;
  auto line = head.substr(0, eol);
  if (std::count(line.begin(), line.end(), ' ') != 2 || line[eol - 9] != ' ')
    return false;
  auto v = head.substr(eol - 8, 8);
  return v.substr(0, 5) == "HTTP/" && std::isdigit(static_cast<unsigned char>(v[5])) &&
         v[6] == '.' && std::isdigit(static_cast<unsigned char>(v[7]));
}

// The answer for a request Beast could not parse; `head` is what was read.
response parse_error_response(const beast::error_code& ec, std::string_view head) {
  if (ec == bhttp::error::header_limit)
    return response::error(431, "request header fields too large");
  if (ec == bhttp::error::body_limit)
    return response::error(413, "request body too large");
  if (ec == bhttp::error::buffer_overflow)
    return response::error(400, "chunk header or trailer too long");
  // Beast reports any unparsable version as bad_version; only a well-formed
  // but unsupported one ("HTTP/2.0" in an HTTP/1 request line) is a 505.
  if (ec == bhttp::error::bad_version && well_formed_version(head))
    return response::error(505, "HTTP version not supported");
  return response::error(400, "malformed request: " + ec.message());
}

// The answer to "OPTIONS *": the methods this server implements.
response server_options_response() {
  response r;
  r.status = 204;
  r.content_type.clear();
  r.headers.push_back({"Allow", "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS"});
  return r;
}

header_limits header_limits_of(const server_options& o) {
  return {o.max_header_bytes, o.max_uri_bytes, o.max_header_field_bytes, o.max_headers};
}

std::string peer_text(const socket_type& sock) {
  beast::error_code ec;
  auto ep = sock.remote_endpoint(ec);
  if (ec)
    return {};
  auto ip = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + ip + "]" : ip) + ":" + std::to_string(ep.port());
}

} // namespace

// ---- session ------------------------------------------------------------------

session::session(socket_type&& socket, const server_options& opts,
                 std::shared_ptr<const route_table> routes,
                 std::shared_ptr<session_registry> registry,
                 std::shared_ptr<const observer_list> observers, std::size_t thread,
                 std::shared_ptr<net::ssl::context> tls)
    : socket_(std::move(socket)), tls_context_(std::move(tls)), opts_(opts),
      routes_(std::move(routes)), registry_(std::move(registry)), observers_(std::move(observers)),
      thread_(thread), watchdog_(socket_.get_executor()) {
  // The parser takes body bytes out of the buffer as they come, but keeps a
  // chunk header or a trailer until its line ends: without a bound, one that
  // never ends grows the buffer for as long as the client sends. A header
  // is checked against max_header_bytes before it gets here.
  buffer_.max_size(opts_.max_header_bytes + buffer_slack);
  // Once per connection, and only for someone who reads it.
  if (!observers_->empty())
    client_ = peer_text(socket_);
  for (const auto& o : *observers_)
    o->on_connection_open();
  if (tls_context_) {
    tls_ = std::make_unique<tls_stream>(std::move(socket_), *tls_context_);
  } else {
    beast::error_code ignored; // a failure shows as a failing read later
    socket_.non_blocking(true, ignored);
  }
}

session::~session() {
  registry_->remove(this);
  for (const auto& o : *observers_)
    o->on_connection_close();
}

void session::run() {
  net::dispatch(watchdog_.get_executor(), [self = shared_from_this()] {
    if (!self->tls_)
      return self->do_read();
    self->set_io_deadline(std::chrono::steady_clock::now(), self->opts_.read_timeout);
    self->tls_->stream.async_handshake(
        net::ssl::stream_base::server,
        beast::bind_front_handler(&session::on_handshake, self->shared_from_this()));
  });
}

// Plain HTTP, an old protocol version, a client that rejects the
// certificate, or one that never finishes: counted, and closed unanswered.
void session::on_handshake(beast::error_code ec) {
  if (settled(ec)) {
    for (const auto& o : *observers_)
      o->on_tls_handshake_failed();
    return finish_close();
  }
  do_read();
}

socket_type& session::sock() {
  return tls_ ? tls_->stream.next_layer() : socket_;
}
const socket_type& session::sock() const {
  return tls_ ? tls_->stream.next_layer() : socket_;
}

template <class F> void session::with_stream(F&& f) {
  if (tls_)
    f(tls_->stream);
  else
    f(socket_);
}

void session::drain() {
  net::post(watchdog_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    // Between requests nothing is lost by closing: the pending read ends and
    // on_first_bytes closes (the watchdog may have closed the socket in this
    // same round already, hence no throwing cancel). Mid-request the answer
    // is written first and the connection closes after it.
    beast::error_code ignored;
    if (self->awaiting_first_byte_)
      self->sock().cancel(ignored);
  });
}

void session::post_reply(std::uint64_t seq, response r) {
  // From an actor hosted on this session's IO thread the answer is written
  // at once; from any other thread it is posted. It may run inside
  // route_request(): a message to an actor that is gone is dropped inside
  // anon_send, and its reply handle answers 500 there. So route_request()
  // must end with the send and touch nothing after it.
  net::dispatch(watchdog_.get_executor(),
                [self = shared_from_this(), seq, r = std::move(r)]() mutable {
                  self->on_reply(seq, std::move(r));
                });
}

void session::do_read() {
  if (draining_ || registry_->draining())
    return do_close();
  phase_ = phase::reading;
  head_ = false;
  version_ = 11;
  if (buffer_.size() > 0)
    return do_read_head(); // pipelined: the next request is already here
  // Waiting for a request's first byte is the keep-alive idle time; reading
  // the rest of it is bounded separately by read_timeout.
  awaiting_first_byte_ = true;
  set_io_deadline(std::chrono::steady_clock::now(), opts_.idle_timeout);
  release_request_memory();
  if (tls_) {
    tls_->stream.async_read_some(
        buffer_.prepare(4096),
        beast::bind_front_handler(&session::on_first_bytes, shared_from_this()));
    return;
  }
  // An idle connection holds no read buffer: it was most of what one cost
  // (4 KiB of about 6). Waiting for readability instead of reading also
  // saves the read that finds nothing yet.
  buffer_.shrink_to_fit();
  socket_.async_wait(net::socket_base::wait_read,
                     beast::bind_front_handler(&session::on_readable, shared_from_this()));
}

// Between requests a keep-alive connection keeps only what the next one
// needs. Taking it again costs each request an allocation or three; on a
// server holding 10,000 mostly idle connections it is about 0.6 KB each.
void session::release_request_memory() {
  parser_.reset();
  std::string().swap(out_);
  std::string().swap(request_id_);
  backend_time_.reset();
}

void session::on_readable(beast::error_code ec) {
  if (settled(ec)) {
    awaiting_first_byte_ = false;
    return do_close();
  }
  auto n = socket_.read_some(buffer_.prepare(4096), ec); // non-blocking: see the constructor
  if (ec == net::error::would_block) {                   // woken without data
    socket_.async_wait(net::socket_base::wait_read,
                       beast::bind_front_handler(&session::on_readable, shared_from_this()));
    return;
  }
  on_first_bytes(ec, n);
}

void session::on_first_bytes(beast::error_code ec, std::size_t n) {
  awaiting_first_byte_ = false;
  if (settled(ec))
    return do_close();
  buffer_.commit(n);
  do_read_head();
}

void session::do_read_head() {
  parser_ = std::make_unique<request_reader>(static_cast<std::uint32_t>(opts_.max_header_bytes),
                                             opts_.max_body_bytes);
  started_ = std::chrono::steady_clock::now();
  route_ = {};
  request_id_.clear();
  backend_time_.reset();
  set_io_deadline(started_, opts_.read_timeout);
  head_progress_ = {};
  check_head();
}

// The header is collected and checked as raw bytes (http/header_scan.hpp)
// before Beast parses it.
void session::check_head() {
  auto data = buffer_.cdata();
  auto scan = scan_header(std::string_view(static_cast<const char*>(data.data()), data.size()),
                          head_progress_, header_limits_of(opts_));
  buffer_.consume(scan.skipped);
  if (scan.verdict == header_verdict::incomplete) {
    head_progress_ = scan.progress;
    with_stream([this](auto& stream) {
      stream.async_read_some(
          buffer_.prepare(4096),
          beast::bind_front_handler(&session::on_head_bytes, shared_from_this()));
    });
    return;
  }
  if (scan.verdict != header_verdict::complete)
    return refuse(header_status(scan.verdict), header_reason(scan.verdict));
  // The whole header is in the buffer: parse it here, without another
  // asynchronous round trip.
  beast::error_code ec;
  buffer_.consume(parser_->put(buffer_.data(), ec));
  if (!ec && !parser_->is_header_done())
    ec = bhttp::error::partial_message;
  on_header(ec, 0);
}

void session::refuse(unsigned status, std::string_view why) {
  close_after_write_ = true;
  do_write(response::error(status, why));
}

void session::on_head_bytes(beast::error_code ec, std::size_t n) {
  if (settled(ec))
    return on_read(ec, 0);
  buffer_.commit(n);
  check_head();
}

void session::on_header(beast::error_code ec, std::size_t) {
  if (ec)
    return on_read(ec, 0);
  const auto& msg = *parser_;
  auto reject = [this](unsigned status, const char* why) {
    version_ = parser_->version() == 10 ? 10 : 11;
    head_ = parser_->verb() == bhttp::verb::head;
    refuse(status, why);
  };
  // RFC 9112 3.2: exactly one Host in HTTP/1.1.
  auto hosts = msg.host_count();
  if ((msg.version() >= 11 && hosts == 0) || hosts > 1)
    return reject(400, "an HTTP/1.1 request needs exactly one Host header");
  if (hosts == 1 && !valid_host(msg.host()))
    return reject(400, "invalid Host header");
  // RFC 9112 6.1: a request whose body length rests on any coding but a
  // final chunked cannot be framed reliably (request smuggling).
  if (msg.has_transfer_encoding() && !msg.chunked())
    return reject(400, "Transfer-Encoding must end with chunked");
  if (msg.is_done())
    return route_request();
  auto expect = msg.expect();
  if (msg.version() >= 11 && beast::iequals(expect, "100-continue")) {
    static const char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";
    with_stream([this](auto& stream) {
      net::async_write(stream, net::buffer(continue_line, sizeof continue_line - 1),
                       [self = shared_from_this()](beast::error_code e, std::size_t) {
                         if (self->settled(e))
                           return self->do_close();
                         self->do_read_body();
                       });
    });
    return;
  }
  do_read_body();
}

void session::do_read_body() {
  with_stream([this](auto& stream) {
    bhttp::async_read(stream, buffer_, *parser_,
                      beast::bind_front_handler(&session::on_read, shared_from_this()));
  });
}

void session::on_read(beast::error_code ec, std::size_t) {
  settled(ec);
  // operation_aborted, bad_descriptor: the watchdog closed the socket.
  // Under TLS also stream_truncated (a client that closed without
  // close_notify, as most do) and any TLS error: nothing can be written back.
  if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
      ec == net::error::bad_descriptor || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == net::ssl::error::stream_truncated ||
      ec.category() == net::error::get_ssl_category())
    return do_close();
  if (ec) {
    close_after_write_ = true;
    auto data = buffer_.cdata();
    return do_write(parse_error_response(
        ec, std::string_view(static_cast<const char*>(data.data()), data.size())));
  }
  route_request();
}

void session::route_request() {
  auto& msg = *parser_;
  keep_alive_ = msg.keep_alive();
  close_after_write_ = false;
  version_ = msg.version();
  head_ = msg.verb() == bhttp::verb::head;
  assign_request_id();

  request req;
  req.method = to_method(msg.verb());
  // The method first: CONNECT's authority-form target and TRACE are methods
  // this server does not implement (501), not malformed targets (400).
  if (req.method == method::other)
    return do_write(response::error(501, "method not implemented"));
  // RFC 9110 9.3.7: "OPTIONS *" asks about the server, not a resource.
  if (req.method == method::options && msg.target() == "*")
    return do_write(server_options_response());
  parsed_target target;
  if (!parse_target(msg.target(), target))
    return refuse(400, "malformed request target");
  auto match = routes_->find(req.method, target.segments, thread_);
  if (match.actor == nullptr && match.websocket == nullptr) {
    if (!match.path_known)
      return do_write(response::error(404, "no route for " + target.path));
    auto r = response::error(405, "method not allowed");
    r.headers.push_back({"Allow", match.allow});
    return do_write(std::move(r));
  }
  route_ = match.pattern;
  for (const auto& o : *observers_)
    o->on_request_routed();
  req.path = std::move(target.path);
  req.path_params = std::move(match.params);
  req.query = std::move(target.query);
  // The WebSocket handshake wants Beast's message: a copy, made only there.
  std::optional<upgrade_request> upgrade;
  if (match.websocket != nullptr)
    upgrade = msg.to_message();
  req.headers = std::move(msg.headers());
  req.body = std::move(msg.body());
  auto now = std::chrono::steady_clock::now();
  req.deadline = deadline{now + opts_.request_timeout};
  req.id = request_id_;
  if (!observers_->empty()) {
    backend_time_ = std::make_shared<backend_timer>();
    req.backend_time = backend_time_;
  }
  if (!client_gone_)
    client_gone_ = std::make_shared<std::atomic<bool>>(false);
  req.client_gone_flag = client_gone_;
  if (match.websocket != nullptr)
    return upgrade_websocket(*match.websocket, std::move(*upgrade), std::move(req));

  auto seq = ++seq_;
  phase_ = phase::awaiting_reply;
  // The watchdog holds the session while the reply is awaited: the reply
  // handle holds it only weakly.
  set_io_deadline(now, opts_.request_timeout);
  auto handle = make_reply_handle<session_sink>(registry_, weak_from_this(), seq);
  // Non-blocking and thread-safe: the IO thread never waits for an actor.
  // Last: the answer may be written inside it (see post_reply).
  caf::anon_send(*match.actor, handle_atom::value, std::move(req), std::move(handle));
}

void session::upgrade_websocket(const ws_route& route, upgrade_request upgrade, request req) {
  if (!is_websocket_upgrade(upgrade, buffer_.size()))
    return do_write(websocket_refusal(upgrade, buffer_.size()));
  status_ = 101;
  report(0);
  phase_ = phase::closed;
  watchdog_.cancel();
  if (tls_) {
    start_websocket(route, std::move(tls_->stream), std::move(upgrade), std::move(req), opts_,
                    registry_, thread_);
    tls_.reset(); // sock() is now the moved-from socket_: closed, harmless
    return;
  }
  start_websocket(route, std::move(socket_), std::move(upgrade), std::move(req), opts_, registry_,
                  thread_);
}

void session::set_io_deadline(std::chrono::steady_clock::time_point now,
                              std::chrono::steady_clock::duration timeout) {
  io_deadline_ = now + timeout;
  if (io_deadline_ < armed_until_ && phase_ != phase::closed)
    arm_watchdog(watch_until(now));
}

// Waiting for a next request may last its full idle time: the request's own
// deadlines re-arm once if they come earlier. Every other phase is looked at
// again within one step, so that the deadlines set meanwhile (all at least
// one step ahead) find the watchdog armed early enough and re-arm nothing.
std::chrono::steady_clock::time_point
session::watch_until(std::chrono::steady_clock::time_point now) const {
  if (awaiting_first_byte_)
    return io_deadline_;
  // The shortest timeout a phase can set; at least 1 ms, so that it never spins.
  auto step = std::max({std::chrono::milliseconds(1),
                        std::min({opts_.read_timeout, opts_.write_timeout, opts_.request_timeout,
                                  std::chrono::milliseconds(linger_time)})});
  return std::min(io_deadline_, now + step);
}

void session::arm_watchdog(std::chrono::steady_clock::time_point at) {
  armed_until_ = at;
  auto generation = ++watch_generation_;
  watchdog_.expires_at(at); // a wait still pending ends as operation_aborted
  watchdog_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
    self->on_watchdog(generation, ec);
  });
}

void session::on_watchdog(std::uint64_t generation, beast::error_code ec) {
  // A cancelled wait, or one that fired just before being replaced.
  if (ec || generation != watch_generation_ || phase_ == phase::closed)
    return;
  armed_until_ = std::chrono::steady_clock::time_point::max();
  auto now = std::chrono::steady_clock::now();
  if (now >= io_deadline_)
    return on_timeout();
  // The session reads nothing while an answer is awaited, so a client that
  // gives up would go unnoticed until the answer is written. Looked at once
  // per watchdog step (at most a second), so that the request path pays
  // nothing: a call queued behind busy workers for longer is then dropped
  // unrun instead of taking a backend thread for nobody.
  if (phase_ == phase::awaiting_reply && client_left())
    return abandon();
  arm_watchdog(watch_until(now));
}

bool session::client_left() {
  char byte;
  auto n = ::recv(sock().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // End of stream with a pipelined request still unread in our buffer: the
  // client half-closed after sending all it had, and waits for the answers.
  if (n == 0)
    return buffer_.size() == 0;
  if (n > 0)
    return tls_ && peer_shut_down() && buffer_.size() == 0;
  return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

// Under TLS a client that closes sends its close_notify alert before its
// FIN: the peek above sees the alert's bytes, never the end of stream
// behind them, and the abandoned call would run to its end. The kernel
// knows the FIN came (POLLRDHUP) even while bytes before it are unread;
// a TLS client that half-closes and still waits for an answer cannot be
// told from one that left, as over plain HTTP (see abandon()).
bool session::peer_shut_down() {
  pollfd p{sock().native_handle(), POLLRDHUP, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

// Like nginx (499, "client closed request"), an end of stream counts as
// leaving: HTTP/1.1 has no way to tell a half-close that still waits for
// the answer from a client that gave up, and the latter is the common case.
void session::abandon() {
  client_gone_->store(true, std::memory_order_release);
  status_ = 499;
  report(0);
  finish_close();
}

// An operation that completed in the same round as the watchdog's timeout,
// whose handler ran first and closed the socket: it counts as aborted, so
// that nothing goes on with a connection the client saw cut (a request
// sent to its route, a 400 written to a closed socket). Beast's basic_stream turns
// such a late success into error::timeout the same way.
bool session::settled(beast::error_code& ec) const {
  if (!ec && !sock().is_open())
    ec = net::error::operation_aborted;
  return static_cast<bool>(ec);
}

void session::on_timeout() {
  if (phase_ == phase::awaiting_reply)
    return do_write(response::error(504, "deadline passed before the answer"));
  // Reading, writing or lingering: the pending operation ends as aborted and
  // its handler closes, as Beast's basic_stream does on a timeout.
  beast::error_code ignored;
  sock().close(ignored);
}

void session::on_reply(std::uint64_t seq, response r) {
  // A late answer (after 504) or one for a closed connection is dropped.
  if (phase_ != phase::awaiting_reply || seq != seq_)
    return;
  do_write(r);
}

void session::do_write(const response& r) {
  phase_ = phase::writing;
  status_ = r.status;
  assign_request_id();
  bool keep = keep_alive_ && !close_after_write_ && !draining_ && !registry_->draining();
  close_after_write_ = !keep;
  serialize(r, wire_options{version_, keep, head_, request_id_}, out_);
  set_io_deadline(std::chrono::steady_clock::now(), opts_.write_timeout);
  std::size_t sent = 0;
  // Most answers fit the socket's buffer: written here, they end here, not
  // in a completion posted for the next round of the io_context. Not with a
  // pipelined request waiting: on_write would read and answer it inside
  // this call, and a long pipeline would grow the stack.
  if (!tls_ && buffer_.size() == 0) {
    beast::error_code ec;
    sent = socket_.write_some(net::buffer(out_), ec); // non-blocking
    if (sent == out_.size() || (ec && ec != net::error::would_block))
      return on_write(ec, sent);
  }
  with_stream([this, sent](auto& stream) {
    net::async_write(stream, net::buffer(out_) + sent,
                     [self = shared_from_this(), sent](beast::error_code ec, std::size_t n) {
                       self->on_write(ec, sent + n);
                     });
  });
}

void session::on_write(beast::error_code ec, std::size_t n) {
  report(n);
  if (settled(ec) || close_after_write_)
    return do_close();
  do_read();
}

void session::report(std::size_t bytes_out) {
  if (observers_->empty())
    return;
  exchange x;
  if (parser_ && parser_->is_header_done()) {
    x.method = parser_->method_string();
    x.target = parser_->target();
  }
  x.route = route_;
  x.status = status_;
  x.bytes_out = bytes_out;
  x.started = started_;
  x.duration = std::chrono::steady_clock::now() - started_;
  x.request_id = request_id_;
  x.client = client_;
  if (backend_time_)
    x.backend_time = backend_time_->total();
  for (const auto& o : *observers_)
    o->on_exchange(x);
}

// The client's X-Request-Id if its header was parsed and the id is sane,
// else a new one. Also for answers the session writes itself (400, 431,
// 504), so that every response carries one.
void session::assign_request_id() {
  if (!request_id_.empty())
    return;
  if (parser_ && parser_->is_header_done()) {
    auto given = parser_->request_id();
    if (!given.empty() && sane_request_id(given)) {
      request_id_.assign(given);
      return;
    }
  }
  generate_request_id(request_id_);
}

void session::do_close() {
  if (phase_ == phase::closed || phase_ == phase::lingering)
    return;
  phase_ = phase::lingering;
  set_io_deadline(std::chrono::steady_clock::now(), linger_time);
  if (tls_) {
    // close_notify, then the client's, bounded by the linger time; most
    // clients just close, which ends it as well.
    tls_->stream.async_shutdown(
        [self = shared_from_this()](beast::error_code) { self->finish_close(); });
    return;
  }
  beast::error_code ec;
  socket_.shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (ec)
    return finish_close();
  // The answer just written must reach the client first (http/linger.hpp);
  // the io deadline above bounds the time.
  drop_input(socket_, buffer_, lingered_, shared_from_this(),
             [self = shared_from_this()] { self->finish_close(); });
}

void session::finish_close() {
  phase_ = phase::closed;
  beast::error_code ignored;
  sock().close(ignored);
  watchdog_.cancel();
}

} // namespace actorgate::http
