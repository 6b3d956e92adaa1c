// backend_server: any Thrift service on a TThreadPoolServer, with the limits
// a server facing untrusted clients needs (sizes, idle and send timeouts).
//
//   backend_server srv{opts, std::make_shared<MyServiceProcessor>(handler)};
//   std::uint16_t port = srv.start();   // serves on a background thread
//   ...
//   srv.stop();                          // stops accepting, joins
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "actorgate/rpc/connection.hpp"

namespace apache::thrift {
class TProcessor;
}
namespace apache::thrift::server {
class TThreadPoolServer;
}

namespace actorgate::rpc {

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 9090;
  /// ThreadManager workers: one per open client connection (not per call).
  std::size_t threads = 16;
  transport_kind transport = transport_kind::framed;
  /// A connection that sends nothing for this long is closed, so idle or
  /// stalled clients cannot hold the (per-connection) threads forever.
  std::chrono::milliseconds recv_timeout{60'000};
  /// A client that does not read its reply for this long is dropped.
  std::chrono::milliseconds send_timeout{10'000};
  /// Largest string or binary field a request may declare: without it a
  /// 4-byte length makes the server allocate up to 2 GiB.
  std::int32_t max_string_bytes = 16 * 1024 * 1024;
  /// Largest list, set or map a request may declare.
  std::int32_t max_container_items = 1'000'000;
  /// Largest frame a framed client may announce (Thrift's TConfiguration).
  std::int32_t max_frame_bytes = 16'384'000;
  /// Largest message a client may send, framed or not (TConfiguration).
  std::int32_t max_message_bytes = 100 * 1024 * 1024;
};

class backend_server {
public:
  backend_server(server_options opts, std::shared_ptr<apache::thrift::TProcessor> processor);
  ~backend_server();
  backend_server(const backend_server&) = delete;
  backend_server& operator=(const backend_server&) = delete;

  /// Binds, starts serving and returns the bound port. Throws on failure.
  std::uint16_t start();
  /// Stops accepting and serving; idempotent.
  void stop();

private:
  server_options opts_;
  std::shared_ptr<apache::thrift::TProcessor> processor_;
  std::shared_ptr<apache::thrift::server::TThreadPoolServer> server_;
  std::thread thread_;
};

} // namespace actorgate::rpc
