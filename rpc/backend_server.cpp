#include "actorgate/rpc/backend_server.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <future>
#include <stdexcept>

#include <thrift/concurrency/ThreadFactory.h>
#include <thrift/concurrency/ThreadManager.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TThreadPoolServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TServerSocket.h>

#include <thrift/TConfiguration.h>
#include <thrift/TProcessor.h>

namespace actorgate::rpc {

namespace {

using namespace apache::thrift;

// Tells start() the real port once the socket listens (port 0 = ephemeral).
class ready_signal : public server::TServerEventHandler {
public:
  ready_signal(std::shared_ptr<transport::TServerSocket> sock,
               std::shared_ptr<std::promise<std::uint16_t>> p)
      : sock_(std::move(sock)), promise_(std::move(p)) {}
  void preServe() override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    std::uint16_t port = 0;
    if (::getsockname(sock_->getSocketFD(), reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    promise_->set_value(port);
  }

private:
  std::shared_ptr<transport::TServerSocket> sock_;
  std::shared_ptr<std::promise<std::uint16_t>> promise_;
};

// Builds each connection's transport with the server's TConfiguration: its
// limits (frame and message size) live in the transport, and Thrift's own
// factories leave them at the library's defaults.
template <class Transport> class configured_transports final : public transport::TTransportFactory {
public:
  explicit configured_transports(std::shared_ptr<TConfiguration> config)
      : config_(std::move(config)) {}
  std::shared_ptr<transport::TTransport>
  getTransport(std::shared_ptr<transport::TTransport> trans) override {
    return std::make_shared<Transport>(std::move(trans), config_);
  }

private:
  std::shared_ptr<TConfiguration> config_;
};

} // namespace

backend_server::backend_server(server_options opts, std::shared_ptr<TProcessor> processor)
    : opts_(std::move(opts)), processor_(std::move(processor)) {}

backend_server::~backend_server() {
  stop();
}

std::uint16_t backend_server::start() {
  auto sock = std::make_shared<transport::TServerSocket>(opts_.address, opts_.port);
  sock->setRecvTimeout(static_cast<int>(opts_.recv_timeout.count()));
  sock->setSendTimeout(static_cast<int>(opts_.send_timeout.count()));
  auto limits = std::make_shared<TConfiguration>(opts_.max_message_bytes, opts_.max_frame_bytes);
  std::shared_ptr<transport::TTransportFactory> tf;
  if (opts_.transport == transport_kind::framed)
    tf = std::make_shared<configured_transports<transport::TFramedTransport>>(limits);
  else
    tf = std::make_shared<configured_transports<transport::TBufferedTransport>>(limits);
  auto threads = concurrency::ThreadManager::newSimpleThreadManager(opts_.threads);
  threads->threadFactory(std::make_shared<concurrency::ThreadFactory>());
  threads->start();
  server_ = std::make_shared<server::TThreadPoolServer>(
      processor_, sock, tf,
      std::make_shared<protocol::TBinaryProtocolFactory>(opts_.max_string_bytes,
                                                         opts_.max_container_items, false, true),
      threads);

  auto ready = std::make_shared<std::promise<std::uint16_t>>();
  auto port = ready->get_future();
  server_->setServerEventHandler(std::make_shared<ready_signal>(sock, ready));
  thread_ = std::thread([this, ready] {
    try {
      server_->serve();
    } catch (...) {
      try {
        ready->set_exception(std::current_exception());
      } catch (const std::future_error&) {
        // Already listening: the error came later and serve() has returned.
      }
    }
  });
  try {
    return port.get();
  } catch (...) {
    thread_.join();
    server_.reset();
    throw;
  }
}

void backend_server::stop() {
  if (server_)
    server_->stop();
  if (thread_.joinable())
    thread_.join();
  server_.reset();
}

} // namespace actorgate::rpc
