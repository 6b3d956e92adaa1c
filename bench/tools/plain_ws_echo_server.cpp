// plain-ws-echo-server: the WebSocket ceiling. A single-threaded Boost.Beast
// WebSocket server that sends every message back as it came, inside the
// session, with no actor and no backend: the cheapest echo built from the
// same WebSocket library on the same machine. Like the gateway it accepts
// the upgrade on any path, keeps permessage-deflate off, limits messages to
// 1 MiB and bounds the handshake and idle time.
//
//   plain-ws-echo-server 127.0.0.1 0   ->  "plain-ws-echo-server listening on 127.0.0.1:PORT"
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class session : public std::enable_shared_from_this<session> {
public:
  explicit session(tcp::socket&& s) : ws_(std::move(s)) {}

  void run() {
    ws_.set_option(
        websocket::stream_base::timeout{std::chrono::seconds(10), std::chrono::seconds(60), true});
    ws_.read_message_max(1024 * 1024);
    ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
      if (!ec)
        self->do_read();
    });
  }

private:
  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec)
        return;
      self->ws_.text(self->ws_.got_text());
      self->ws_.async_write(self->buffer_.data(), [self](beast::error_code e, std::size_t) {
        if (e)
          return;
        self->buffer_.consume(self->buffer_.size());
        self->do_read();
      });
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
};

void do_accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](beast::error_code ec, tcp::socket s) {
    if (!acceptor.is_open())
      return;
    if (!ec) {
      s.set_option(tcp::no_delay(true), ec);
      std::make_shared<session>(std::move(s))->run();
    }
    do_accept(acceptor);
  });
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: plain-ws-echo-server ADDRESS PORT\n";
    return 2;
  }
  try {
    net::io_context io{1};
    tcp::endpoint ep{net::ip::make_address(argv[1]),
                     static_cast<unsigned short>(std::atoi(argv[2]))};
    tcp::acceptor acceptor{io, ep};
    net::signal_set signals{io, SIGINT, SIGTERM};
    signals.async_wait([&](beast::error_code, int) {
      acceptor.close();
      io.stop();
    });
    std::cout << "plain-ws-echo-server listening on " << ep.address().to_string() << ":"
              << acceptor.local_endpoint().port() << std::endl;
    do_accept(acceptor);
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "plain-ws-echo-server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
