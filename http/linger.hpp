// Lingering close, shared by the HTTP and the WebSocket session.
//
// Closing a socket with unread input makes the kernel send RST, which can
// destroy the answer just written before the client reads it (a 413 to a
// client still sending its body; a 1009 close frame to a client still
// sending its oversized message arrived as 1006). So a session stops
// sending, then reads and drops what the client still sends until it
// closes, for at most linger_time and linger_bytes; then it closes.
//
//   sock.shutdown(net::socket_base::shutdown_send, ec);
//   drop_input(sock, buffer_, dropped_, shared_from_this(),
//              [self = shared_from_this()] { self->finish_close(); });
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace actorgate::http {

inline constexpr std::chrono::milliseconds linger_time{1000};
inline constexpr std::size_t linger_bytes = 256 * 1024;

/// Reads and drops what arrives on `sock` until the peer closes, an error
/// (a timer closing `sock` included), or `dropped` passes linger_bytes;
/// then calls done(). `owner` keeps `sock`, `buf` and `dropped` alive; the
/// caller bounds the time (its own timer closes `sock`).
template <class Socket, class Owner, class Done>
void drop_input(Socket& sock, boost::beast::flat_buffer& buf, std::size_t& dropped,
                std::shared_ptr<Owner> owner, Done done) {
  buf.clear();
  sock.async_read_some(buf.prepare(4096),
                       [&sock, &buf, &dropped, owner = std::move(owner), done = std::move(done)](
                           boost::beast::error_code ec, std::size_t n) mutable {
                         dropped += n;
                         if (ec || !sock.is_open() || dropped > linger_bytes)
                           return done();
                         drop_input(sock, buf, dropped, std::move(owner), std::move(done));
                       });
}

} // namespace actorgate::http
