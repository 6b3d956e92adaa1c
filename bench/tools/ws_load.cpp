// ws-load: WebSocket echo load. Opens --connections WebSocket connections to
// --path, then on each sends a --bytes text message and waits for it to
// come back, again and again for --duration seconds (one message in flight
// per connection, like wrk's one request per connection). Every answer must
// equal what was sent: anything else, or a closed connection, is an error.
// With --hold=S it instead opens the connections, prints "ws-load holding N
// connections", keeps them idle for S seconds and closes them: for reading a
// server's memory per idle WebSocket.
//
//   ws-load --port=8080 --path=/ws/echo --connections=64 --duration=5 --bytes=64
//   -> tool=ws-load connections=64 requests=... errors=0 duration_s=... rps=... p50_us=...
#include <chrono>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "bench/tools/args.hpp"
#include "bench/tools/latency.hpp"

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

struct totals {
  std::vector<std::uint64_t> ns;
  std::int64_t errors = 0;
  std::string first_error;
};

class connection : public std::enable_shared_from_this<connection> {
public:
  connection(net::io_context& io, std::string message, clock_type::time_point until)
      : ws_(io), message_(std::move(message)), until_(until) {}

  void open(const tcp::endpoint& ep, const std::string& path) {
    ws_.next_layer().connect(ep);
    ws_.next_layer().set_option(tcp::no_delay(true));
    ws_.read_message_max(64 * 1024 * 1024);
    ws_.handshake("127.0.0.1", path);
  }

  void start() { send(); }

  void close() {
    beast::error_code ec;
    ws_.close(websocket::close_code::normal, ec);
  }

  totals result;

private:
  void send() {
    sent_at_ = clock_type::now();
    ws_.text(true);
    ws_.async_write(net::buffer(message_),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec)
                        return self->fail("write: " + ec.message());
                      self->receive();
                    });
  }

  void receive() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec)
        return self->fail("read: " + ec.message());
      auto now = clock_type::now();
      if (beast::buffers_to_string(self->in_.data()) != self->message_)
        return self->fail("the answer differs from the message sent");
      self->in_.consume(self->in_.size());
      self->result.ns.push_back(static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - self->sent_at_).count()));
      if (now < self->until_)
        self->send();
      else
        self->ws_.async_close(websocket::close_code::normal, [self](beast::error_code) {});
    });
  }

  void fail(const std::string& why) {
    if (result.errors++ == 0)
      result.first_error = why;
  }

  websocket::stream<tcp::socket> ws_;
  std::string message_;
  clock_type::time_point until_;
  clock_type::time_point sent_at_;
  beast::flat_buffer in_;
};

} // namespace

int main(int argc, char** argv) try {
  bench::args a{argc, argv, {"host", "port", "path", "connections", "duration", "bytes", "hold"}};
  auto host = a.text("host", "127.0.0.1");
  auto port = a.integer("port", 0);
  auto path = a.text("path", "/ws/echo");
  auto conns = a.integer("connections", 64);
  auto duration = a.number("duration", 5);
  auto bytes = a.integer("bytes", 64);
  auto hold = a.integer("hold", 0);
  if (port <= 0 || conns <= 0 || bytes <= 0 || duration <= 0) {
    std::cerr << "ws-load: --port, --connections, --bytes and --duration must be positive\n";
    return 2;
  }
  tcp::endpoint ep{net::ip::make_address(host), static_cast<unsigned short>(port)};
  net::io_context io{1};
  auto start = clock_type::now();
  auto until = start + std::chrono::duration_cast<clock_type::duration>(
                           std::chrono::duration<double>(duration));
  std::vector<std::shared_ptr<connection>> all;
  for (std::int64_t i = 0; i < conns; ++i) {
    all.push_back(std::make_shared<connection>(io, std::string(bytes, 'm'), until));
    all.back()->open(ep, path);
  }
  if (hold > 0) {
    std::cout << "ws-load holding " << conns << " connections" << std::endl;
    std::this_thread::sleep_for(std::chrono::seconds(hold));
    for (auto& c : all)
      c->close();
    std::cout << "tool=ws-load connections=" << conns << " held=" << conns << std::endl;
    return 0;
  }
  start = clock_type::now();
  for (auto& c : all)
    c->start();
  io.run();
  auto seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  totals sum;
  for (auto& c : all) {
    sum.ns.insert(sum.ns.end(), c->result.ns.begin(), c->result.ns.end());
    if (sum.errors == 0 && c->result.errors > 0)
      sum.first_error = c->result.first_error;
    sum.errors += c->result.errors;
  }
  auto messages = static_cast<std::int64_t>(sum.ns.size());
  auto lat = bench::summarize(sum.ns);
  std::cout << std::fixed << std::setprecision(1) << "tool=ws-load connections=" << conns
            << " bytes=" << bytes << " requests=" << messages << " errors=" << sum.errors
            << " duration_s=" << std::setprecision(3) << seconds << std::setprecision(1)
            << " rps=" << (seconds > 0 ? static_cast<double>(messages) / seconds : 0.0)
            << " p50_us=" << lat.p50_us << " p99_us=" << lat.p99_us << " p999_us=" << lat.p999_us
            << " max_us=" << lat.max_us << std::endl;
  if (sum.errors > 0) {
    std::cerr << "ws-load: " << sum.errors << " errors; first: " << sum.first_error << "\n";
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "ws-load: " << e.what() << "\n";
  return 1;
}
