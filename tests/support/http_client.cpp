#include "tests/support/http_client.hpp"

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace actorgate::test {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string http_reply::header(const std::string& lower_name) const {
  auto i = headers.find(lower_name);
  return i == headers.end() ? std::string{} : i->second;
}

struct http_client::impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
};

http_client::http_client(std::uint16_t port) : impl_(std::make_unique<impl>()) {
  impl_->stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port});
}

http_client::~http_client() {
  beast::error_code ec;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

http_reply http_client::request(const std::string& method, const std::string& target,
                                std::chrono::milliseconds timeout,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                const std::optional<std::string>& body) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers)
    req.insert(name, value);
  req.keep_alive(true);
  if (body) {
    req.body() = *body;
    req.prepare_payload();
  }
  impl_->stream.expires_after(timeout);
  bhttp::write(impl_->stream.socket(), req);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.skip(method == "HEAD");
  parser.body_limit(64 * 1024 * 1024);
  // The synchronous read has no timeout of its own: read asynchronously and
  // run the context, so tcp_stream's expiry applies.
  beast::error_code ec;
  bhttp::async_read(impl_->stream, impl_->buffer, parser,
                    [&](beast::error_code e, std::size_t) { ec = e; });
  impl_->ioc.restart();
  impl_->ioc.run();
  if (ec)
    throw beast::system_error(ec);
  auto& res = parser.get();
  http_reply out;
  out.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  out.keep_alive = res.keep_alive();
  return out;
}

http_reply http_get(std::uint16_t port, const std::string& target) {
  http_client c{port};
  return c.get(target);
}

struct raw_connection::impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
};

raw_connection::raw_connection(std::uint16_t port) : impl_(std::make_unique<impl>()) {
  impl_->stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port});
}

raw_connection::~raw_connection() = default;

bool raw_connection::wait_closed(std::chrono::milliseconds timeout) {
  // POLLIN says nothing here (unread answers may be waiting): only the
  // peer's FIN (POLLRDHUP) or its reset (POLLHUP, POLLERR) count.
  pollfd p{impl_->stream.socket().native_handle(), POLLRDHUP, 0};
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    p.revents = 0;
    if (::poll(&p, 1, 10) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0)
      return true;
  }
  return false;
}

void raw_connection::send(const std::string& bytes) {
  net::write(impl_->stream.socket(), net::buffer(bytes));
}

void raw_connection::finish_sending() {
  impl_->stream.socket().shutdown(tcp::socket::shutdown_send);
}

std::string raw_connection::read_all(std::chrono::milliseconds timeout) {
  // A timer that cancels the read, not the stream's own expiry, which
  // would close the socket: the connection stays usable afterwards.
  auto& sock = impl_->stream.socket();
  net::steady_timer timer{impl_->ioc};
  timer.expires_after(timeout);
  timer.async_wait([&](beast::error_code ec) {
    if (!ec)
      sock.cancel();
  });
  std::string out;
  char buf[4096];
  std::function<void()> read_more = [&] {
    sock.async_read_some(net::buffer(buf), [&](beast::error_code ec, std::size_t n) {
      out.append(buf, n);
      if (!ec)
        read_more();
      else
        timer.cancel();
    });
  };
  read_more();
  impl_->ioc.restart();
  impl_->ioc.run();
  return out;
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout) {
  raw_connection c{port};
  if (!bytes.empty())
    c.send(bytes);
  return c.read_all(timeout);
}

} // namespace actorgate::test
