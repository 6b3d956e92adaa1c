// connection: one synchronous Thrift client connection (socket, transport,
// protocol) with connect, send and receive timeouts. Owned by one worker.
//
//   connection c{ep};
//   c.open();
//   c.set_call_timeout(std::chrono::milliseconds(200));
//   ComputeClient client{c.protocol()};
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace apache::thrift::protocol {
class TProtocol;
}
namespace apache::thrift::transport {
class TSocket;
class TTransport;
} // namespace apache::thrift::transport

namespace actorgate::rpc {

enum class transport_kind { framed, buffered };

/// Parses "framed" or "buffered".
bool parse_transport(const std::string& s, transport_kind& out);

struct endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9090;
  transport_kind transport = transport_kind::framed;
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds call_timeout{3000};
};

/// "host:port", as in [backend] endpoints.
std::string to_string(const endpoint& ep);

class connection {
public:
  explicit connection(endpoint ep);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Connects within min(connect timeout, `limit`). Throws TTransportException.
  void open(std::chrono::milliseconds limit);
  void close() noexcept;
  bool is_open() const;

  /// True if the idle connection was closed by the peer (or has unexpected
  /// bytes): it must not be used for a call.
  bool stale() const;

  /// Send and receive timeout for the next call; the connection is never
  /// reused after a timeout, so it cannot get out of step with the server.
  void set_call_timeout(std::chrono::milliseconds t);

  const std::shared_ptr<apache::thrift::protocol::TProtocol>& protocol() const { return protocol_; }
  const endpoint& target() const { return ep_; }

private:
  endpoint ep_;
  std::shared_ptr<apache::thrift::transport::TSocket> socket_;
  std::shared_ptr<apache::thrift::transport::TTransport> transport_;
  std::shared_ptr<apache::thrift::protocol::TProtocol> protocol_;
  int timeout_ms_ = 0; // what the socket's send and receive timeouts are set to
};

} // namespace actorgate::rpc
