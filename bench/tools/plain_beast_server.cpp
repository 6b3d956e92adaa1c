// plain-beast-server: the HTTP ceiling. A single-threaded Boost.Beast
// HTTP/1.1 keep-alive server that answers GET /ping with "pong" inside the
// session, with no actor hop: the cheapest /ping server built from the same
// HTTP library on the same machine. It parses with Beast's parser and keeps
// a deadline on every read and write, as the gateway does, but writes a
// response prepared once, so no per-request serialization can make the
// ceiling lower than the gateway it bounds.
//
//   plain-beast-server 127.0.0.1 0   ->  "plain-beast-server listening on 127.0.0.1:PORT"
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto io_timeout = std::chrono::seconds(30);

// Built once: the ceiling must not pay for serializing a response.
std::string answer(const char* status, const char* body, bool keep_alive) {
  std::string b = body;
  return std::string("HTTP/1.1 ") + status +
         "\r\nServer: plain-beast-server\r\nContent-Type: text/plain; charset=utf-8\r\n"
         "Content-Length: " +
         std::to_string(b.size()) + (keep_alive ? "" : "\r\nConnection: close") + "\r\n\r\n" + b;
}
const std::string pong_keep_alive = answer("200 OK", "pong", true);
const std::string pong_close = answer("200 OK", "pong", false);
const std::string not_found_keep_alive = answer("404 Not Found", "not found", true);
const std::string not_found_close = answer("404 Not Found", "not found", false);

class session : public std::enable_shared_from_this<session> {
public:
  explicit session(tcp::socket&& s) : stream_(std::move(s)) {}

  void do_read() {
    req_ = {};
    stream_.expires_after(io_timeout);
    bhttp::async_read(
        stream_, buffer_, req_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

private:
  void on_read(beast::error_code ec) {
    if (ec)
      return close();
    bool ping = req_.method() == bhttp::verb::get && req_.target() == "/ping";
    keep_alive_ = req_.keep_alive();
    const std::string& out = ping ? (keep_alive_ ? pong_keep_alive : pong_close)
                                  : (keep_alive_ ? not_found_keep_alive : not_found_close);
    stream_.expires_after(io_timeout);
    net::async_write(stream_, net::buffer(out),
                     [self = shared_from_this()](beast::error_code e, std::size_t) {
                       if (e || !self->keep_alive_)
                         return self->close();
                       self->do_read();
                     });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> req_;
  bool keep_alive_ = true;
};

void do_accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](beast::error_code ec, tcp::socket s) {
    if (ec == net::error::operation_aborted)
      return;
    if (!ec)
      std::make_shared<session>(std::move(s))->do_read();
    do_accept(acceptor);
  });
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: plain-beast-server ADDRESS PORT   (PORT 0 picks a free port)\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  try {
    // Concurrency hint 1: one thread, so Asio can skip its locking.
    net::io_context ioc{1};
    tcp::endpoint ep{net::ip::make_address(argv[1]),
                     static_cast<unsigned short>(std::atoi(argv[2]))};
    tcp::acceptor acceptor{ioc};
    acceptor.open(ep.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(net::socket_base::max_listen_connections);
    net::signal_set stop{ioc, SIGINT, SIGTERM};
    stop.async_wait([&ioc](beast::error_code, int) { ioc.stop(); });
    do_accept(acceptor);
    std::cout << "plain-beast-server listening on " << argv[1] << ":"
              << acceptor.local_endpoint().port() << std::endl;
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "plain-beast-server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
