#include "actorgate/http/websocket_session.hpp"

#include <atomic>
#include <deque>
#include <string>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actorgate/http/linger.hpp"

namespace actorgate::http {

namespace websocket = beast::websocket;

bool is_websocket_upgrade(const upgrade_request& req, std::size_t unread) {
  return unread == 0 && websocket::is_upgrade(req);
}

response websocket_refusal(const upgrade_request& req, std::size_t unread) {
  if (unread > 0 && websocket::is_upgrade(req))
    return response::error(400, "WebSocket frames sent before the handshake's answer");
  auto r = response::error(426, "this route takes WebSocket connections only");
  r.headers.push_back({"Upgrade", "websocket"});
  return r;
}

std::uint16_t sendable_close_code(std::uint16_t code) {
  bool ok = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
            (code >= 3000 && code <= 4999);
  return ok ? code : ws_close::internal_error;
}

namespace {

struct frame {
  std::string payload;
  bool binary = false;
};

template <class NextLayer> class ws_session;

// The connection's end of a ws_handle. Counts the frames handed to the
// connection and not yet written, so that the bound holds before anything
// is posted; holds the session weakly (an actor that keeps its handle must
// not keep the connection).
template <class Session> class session_sink final : public ws_sink {
public:
  session_sink(std::shared_ptr<session_registry> registry, std::weak_ptr<Session> s, executor ex,
               std::size_t limit)
      : registry_(std::move(registry)), session_(std::move(s)), ex_(ex), limit_(limit) {}

  void send(std::string payload, bool binary) override {
    if (queued_.fetch_add(1, std::memory_order_acq_rel) >= limit_) {
      written();
      if (!overflowed_.exchange(true, std::memory_order_acq_rel))
        run([](Session& s) { s.overflow(); });
      return;
    }
    run([f = frame{std::move(payload), binary}](Session& s) mutable { s.enqueue(std::move(f)); },
        true);
  }

  void close(std::uint16_t code, std::string reason) override {
    run([code, reason = std::move(reason)](Session& s) { s.close(code, reason, false); });
  }

  /// A frame left the queue, written or dropped.
  void written() { queued_.fetch_sub(1, std::memory_order_acq_rel); }

  /// Runs f(session) on its IO thread: at once from that thread (a hosted
  /// actor), else posted; dropped once the server or the session is gone.
  template <class F> void run(F f, bool counted = false) {
    bool ran = false;
    registry_->if_open([&] {
      if (auto s = session_.lock()) {
        ran = true;
        net::dispatch(ex_, [s = std::move(s), f = std::move(f)]() mutable { f(*s); });
      }
    });
    if (counted && !ran)
      written();
  }

private:
  std::shared_ptr<session_registry> registry_;
  std::weak_ptr<Session> session_;
  executor ex_;
  std::size_t limit_;
  std::atomic<std::size_t> queued_{0};
  std::atomic<bool> overflowed_{false};
};

template <class NextLayer>
class ws_session final : public drainable_connection,
                         public std::enable_shared_from_this<ws_session<NextLayer>> {
public:
  using sink_type = session_sink<ws_session>;

  ws_session(const ws_route& route, NextLayer&& stream, upgrade_request req, request upgrade,
             const server_options& opts, std::shared_ptr<session_registry> registry,
             std::size_t thread)
      : ws_(std::move(stream)), ex_(ws_.get_executor()), req_(std::move(req)),
        upgrade_(std::move(upgrade)), route_(route), opts_(opts), registry_(std::move(registry)),
        thread_(thread), cut_timer_(ws_.get_executor()) {}

  ~ws_session() override { registry_->remove(static_cast<drainable_connection*>(this)); }

  void run() {
    sink_ = std::make_shared<sink_type>(registry_, this->weak_from_this(), ex_,
                                        opts_.ws_max_queued_messages);
    ws_.set_option(
        websocket::stream_base::timeout{opts_.read_timeout, opts_.ws_idle_timeout, true});
    websocket::permessage_deflate pmd;
    pmd.server_enable = false;
    pmd.client_enable = false;
    ws_.set_option(pmd);
    ws_.read_message_max(opts_.ws_max_message_bytes);
    ws_.async_accept(
        req_, [self = this->shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  // From any thread: ex_, unlike the stream, is never written after
  // construction.
  void drain() override {
    net::post(ex_, [self = this->shared_from_this()] {
      self->close(ws_close::going_away, "server shutting down", false);
    });
  }

  void enqueue(frame f) {
    if (closing_ || finished_) {
      sink_->written();
      return;
    }
    queue_.push_back(std::move(f));
    if (!writing_)
      do_write();
  }

  void overflow() {
    route_.stats->overflow_closes.fetch_add(1, std::memory_order_relaxed);
    close(ws_close::policy, "outbound queue full", true);
  }

  /// Sends the close frame after what is queued (or, with `discard`, after
  /// the write in progress only); a write that hangs past write-timeout
  /// cuts the connection.
  void close(std::uint16_t code, const std::string& reason, bool discard) {
    if (closing_ || finished_ || !accepted_)
      return;
    closing_ = true;
    code = sendable_close_code(code);
    sent_code_ = code;
    // A close frame carries at most 125 bytes: the code and 123 of reason.
    close_reason_ = websocket::close_reason{static_cast<websocket::close_code>(code),
                                            beast::string_view(reason).substr(0, 123)};
    if (discard)
      while (queue_.size() > (writing_ ? 1u : 0u)) {
        queue_.pop_back();
        sink_->written();
      }
    cut_timer_.expires_after(opts_.write_timeout + opts_.read_timeout);
    cut_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec && !self->finished_) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->ws_).close(ignored);
      }
    });
    if (!writing_)
      do_close();
  }

  void actor_ended() { close(ws_close::normal, {}, false); }

private:
  void on_accept(beast::error_code ec) {
    if (ec)
      return; // no actor yet: nobody to tell
    accepted_ = true;
    route_.stats->open.fetch_add(1, std::memory_order_relaxed);
    auto* host = route_.hosts.empty() ? nullptr : route_.hosts[thread_ % route_.hosts.size()];
    actor_ = route_.make(host, ws_handle{sink_}, upgrade_);
    // The upgrade request was the factory's; a connection may stay open for
    // days, and a browser's request carries cookies and more.
    req_ = {};
    upgrade_ = {};
    do_read();
    if (!actor_)
      return close(ws_close::internal_error, "no actor", false);
    if (registry_->draining()) // the drain passed by during the handshake
      close(ws_close::going_away, "server shutting down", false);
    // Runs where the actor ends (or here, if it already has).
    actor_->attach_functor(
        [sink = sink_](const caf::error&) { sink->run([](ws_session& s) { s.actor_ended(); }); });
  }

  void do_read() {
    ws_.async_read(in_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec)
      return finish(ec);
    route_.stats->messages_in.fetch_add(1, std::memory_order_relaxed);
    auto text = beast::buffers_to_string(in_.data());
    in_.consume(in_.size());
    if (!closing_) {
      if (ws_.got_text())
        caf::anon_send(actor_, ws_text_atom::value, std::move(text));
      else
        caf::anon_send(actor_, ws_binary_atom::value, std::move(text));
    }
    do_read();
  }

  void do_write() {
    writing_ = true;
    auto& f = queue_.front();
    ws_.binary(f.binary);
    ws_.async_write(net::buffer(f.payload),
                    [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                      self->on_write(ec);
                    });
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    queue_.pop_front();
    sink_->written();
    if (ec) {
      // The read in progress ends too and reports; what is queued is lost.
      while (!queue_.empty()) {
        queue_.pop_front();
        sink_->written();
      }
      return;
    }
    route_.stats->messages_out.fetch_add(1, std::memory_order_relaxed);
    if (!queue_.empty())
      return do_write();
    if (closing_)
      do_close();
  }

  void do_close() {
    writing_ = true; // a close is a write: nothing else may start
    ws_.async_close(close_reason_, [self = this->shared_from_this()](beast::error_code) {
      // The read in progress ends with error::closed once the client answers.
    });
  }

  // Ends the connection once: the actor is told how and ended.
  void finish(beast::error_code ec) {
    if (finished_)
      return;
    finished_ = true;
    cut_timer_.cancel();
    std::uint16_t code = ws_close::abnormal;
    if (closing_)
      code = sent_code_;
    else if (ec == websocket::error::closed)
      code = ws_.reason().code;
    else if (ec == websocket::error::message_too_big)
      code = ws_close::too_big;
    while (queue_.size() > (writing_ ? 1u : 0u)) {
      queue_.pop_back();
      sink_->written();
    }
    route_.stats->open.fetch_sub(1, std::memory_order_relaxed);
    if (actor_) {
      caf::anon_send(actor_, ws_closed_atom::value, code);
      caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
    }
    linger();
  }

  // No more sending, then what the client still sends is dropped until it
  // closes, within the linger bounds (http/linger.hpp), so that the close
  // frame just written is not destroyed by a RST. Under TLS the bytes dropped
  // are records; nothing is decrypted.
  void linger() {
    auto& sock = beast::get_lowest_layer(ws_);
    beast::error_code ec;
    sock.shutdown(net::socket_base::shutdown_send, ec);
    if (ec) {
      sock.close(ec);
      return;
    }
    cut_timer_.expires_after(linger_time);
    cut_timer_.async_wait([self = this->shared_from_this()](beast::error_code e) {
      if (!e) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->ws_).close(ignored);
      }
    });
    drop_input(sock, in_, lingered_, this->shared_from_this(), [self = this->shared_from_this()] {
      self->cut_timer_.cancel();
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).close(ignored);
    });
  }

  websocket::stream<NextLayer> ws_;
  executor ex_;
  upgrade_request req_;
  request upgrade_;
  const ws_route& route_;
  const server_options& opts_;
  std::shared_ptr<session_registry> registry_;
  std::size_t thread_;
  timer_type cut_timer_;
  std::shared_ptr<sink_type> sink_;
  caf::actor actor_;
  beast::flat_buffer in_;
  std::deque<frame> queue_; // front: being written while writing_
  websocket::close_reason close_reason_;
  std::uint16_t sent_code_ = ws_close::normal;
  bool accepted_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
  std::size_t lingered_ = 0;
};

} // namespace

template <class NextLayer>
void start_websocket(const ws_route& route, NextLayer&& stream, upgrade_request req,
                     request upgrade, const server_options& opts,
                     std::shared_ptr<session_registry> registry, std::size_t thread) {
  auto s = std::make_shared<ws_session<NextLayer>>(route, std::move(stream), std::move(req),
                                                   std::move(upgrade), opts, registry, thread);
  registry->add(std::static_pointer_cast<drainable_connection>(s));
  s->run();
}

template void start_websocket<socket_type>(const ws_route&, socket_type&&, upgrade_request, request,
                                           const server_options&, std::shared_ptr<session_registry>,
                                           std::size_t);
template void
start_websocket<beast::ssl_stream<socket_type>>(const ws_route&, beast::ssl_stream<socket_type>&&,
                                                upgrade_request, request, const server_options&,
                                                std::shared_ptr<session_registry>, std::size_t);

} // namespace actorgate::http
