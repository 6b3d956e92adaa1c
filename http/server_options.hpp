// Limits and timeouts of the HTTP listener; every field is a config key in
// the [http] group (see config/actorgate.ini).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace actorgate::http {

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t io_threads = 1;
  std::size_t max_connections = 10000;
  /// The whole header block, request line included: beyond it 431.
  std::size_t max_header_bytes = 8 * 1024;
  /// The request target: beyond it 414.
  std::size_t max_uri_bytes = 4 * 1024;
  /// One header field line: beyond it 431.
  std::size_t max_header_field_bytes = 4 * 1024;
  /// Header fields per request: beyond it 431.
  std::size_t max_headers = 100;
  std::size_t max_body_bytes = 1024 * 1024;
  /// From a request's first byte to its last.
  std::chrono::milliseconds read_timeout{10'000};
  /// How long a keep-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{30'000};
  /// How long writing one response may take.
  std::chrono::milliseconds write_timeout{10'000};
  /// The deadline of each request: past it the client gets 504.
  std::chrono::milliseconds request_timeout{5'000};
  /// PEM certificate chain and private key: when both are set, the listener
  /// speaks only TLS (1.2 and 1.3).
  std::string tls_cert;
  std::string tls_key;
  /// WebSocket: frames an actor may have queued and not yet written on one
  /// connection; one more closes it with 1008.
  std::size_t ws_max_queued_messages = 1024;
  /// WebSocket: a received message larger than this closes with 1009.
  std::size_t ws_max_message_bytes = 1024 * 1024;
  /// WebSocket: a connection that receives nothing for this long is closed;
  /// the gateway pings it at half of it, so a live client always answers.
  std::chrono::milliseconds ws_idle_timeout{60'000};
};

} // namespace actorgate::http
