#include "actorgate/rpc/connection.hpp"

#include <poll.h>

#include <algorithm>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

namespace actorgate::rpc {

using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::transport::TBufferedTransport;
using apache::thrift::transport::TFramedTransport;
using apache::thrift::transport::TSocket;

bool parse_transport(const std::string& s, transport_kind& out) {
  if (s == "framed")
    out = transport_kind::framed;
  else if (s == "buffered")
    out = transport_kind::buffered;
  else
    return false;
  return true;
}

std::string to_string(const endpoint& ep) {
  return ep.host + ":" + std::to_string(ep.port);
}

connection::connection(endpoint ep) : ep_(std::move(ep)) {}

connection::~connection() {
  close();
}

namespace {
int to_ms(std::chrono::milliseconds t) {
  return static_cast<int>(std::clamp<std::int64_t>(t.count(), 1, 3'600'000));
}
} // namespace

void connection::open(std::chrono::milliseconds limit) {
  close();
  socket_ = std::make_shared<TSocket>(ep_.host, ep_.port);
  socket_->setConnTimeout(to_ms(std::min(ep_.connect_timeout, limit)));
  timeout_ms_ = to_ms(ep_.call_timeout);
  socket_->setRecvTimeout(timeout_ms_);
  socket_->setSendTimeout(timeout_ms_);
  socket_->setNoDelay(true);
  socket_->setLinger(false, 0);
  // Both kinds read through a buffer: a framed reply then takes one recv for
  // its size and body together instead of one each.
  auto buffered = std::make_shared<TBufferedTransport>(socket_);
  if (ep_.transport == transport_kind::framed)
    transport_ = std::make_shared<TFramedTransport>(buffered);
  else
    transport_ = buffered;
  protocol_ = std::make_shared<TBinaryProtocol>(transport_);
  try {
    transport_->open();
  } catch (...) {
    close();
    throw;
  }
}

void connection::close() noexcept {
  if (transport_) {
    try {
      transport_->close();
    } catch (...) {
      // Closing a broken socket may throw; the connection is dropped anyway.
    }
  }
  protocol_.reset();
  transport_.reset();
  socket_.reset();
}

bool connection::is_open() const {
  return socket_ && socket_->isOpen();
}

bool connection::stale() const {
  if (!is_open())
    return true;
  pollfd p{socket_->getSocketFD(), POLLIN, 0};
  // Between calls the server sends nothing: readability means EOF, a reset
  // or garbage, and any of them makes the connection unusable.
  return ::poll(&p, 1, 0) != 0;
}

void connection::set_call_timeout(std::chrono::milliseconds t) {
  // Usually the endpoint's call timeout, not the deadline, binds: the same
  // value call after call, which needs no system call.
  auto ms = to_ms(t);
  if (ms == timeout_ms_)
    return;
  timeout_ms_ = ms;
  socket_->setRecvTimeout(ms);
  socket_->setSendTimeout(ms);
}

} // namespace actorgate::rpc
