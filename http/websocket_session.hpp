// websocket_session: one WebSocket connection (private to http/), taken over
// from an HTTP session whose request was an upgrade on a WebSocket route.
// Beast's websocket::stream over the session's stream: the handshake is
// bounded by http.read-timeout, an idle connection is pinged and closed
// after http.ws-idle-timeout, messages above http.ws-max-message-bytes close
// with 1009, permessage-deflate is off.
//
// Every handler runs on the connection's IO thread (no strand, like the
// HTTP session); what the actor sends through its ws_handle is posted there.
// Frames leave one write at a time, in order, from a queue bounded by
// http.ws-max-queued-messages (counted from the handle, so a flood of posts
// cannot grow the io_context's queue either); overflow closes with 1008.
//
// A class template over the next layer: instantiated for socket_type (ws)
// and beast::ssl_stream<socket_type> (wss). Under TLS the SSL object keeps
// its own reference to the listener's SSL_CTX, so a reload on SIGHUP leaves
// a WebSocket taken over from an HTTPS session as it is.
//
//   // in session::upgrade_websocket, once the request is a valid upgrade:
//   start_websocket(route, std::move(socket_), parser_->release(), std::move(req),
//                   opts_, registry_, thread_);
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include <boost/beast/ssl/ssl_stream.hpp>

#include "actorgate/actors/request.hpp"
#include "actorgate/actors/response.hpp"
#include "actorgate/http/server_options.hpp"
#include "actorgate/http/session.hpp"
#include "actorgate/http/session_registry.hpp"
#include "actorgate/http/ws_route.hpp"

namespace actorgate::http {

/// Whether `req` may become a WebSocket: a valid upgrade, with nothing read
/// after it (`unread` bytes: RFC 6455 4.1 lets the client send frames only
/// after the 101).
bool is_websocket_upgrade(const upgrade_request& req, std::size_t unread);

/// The answer to a request on a WebSocket route that cannot be upgraded:
/// 426 with "Upgrade: websocket" (or 400 for frames sent before the 101).
response websocket_refusal(const upgrade_request& req, std::size_t unread);

/// `code` if a close frame may carry it (RFC 6455 7.4: 1000-1003,
/// 1007-1014, 3000-4999), else 1011: 1005, 1006 and 1015 are only reported,
/// never sent, and a client fails the connection on a code it must not get.
std::uint16_t sendable_close_code(std::uint16_t code);

/// Makes the connection a WebSocket: answers the handshake, then spawns the
/// route's actor. The stream must be open with no operation pending.
template <class NextLayer>
void start_websocket(const ws_route& route, NextLayer&& stream, upgrade_request req,
                     request upgrade, const server_options& opts,
                     std::shared_ptr<session_registry> registry, std::size_t thread);

extern template void start_websocket<socket_type>(const ws_route&, socket_type&&, upgrade_request,
                                                  request, const server_options&,
                                                  std::shared_ptr<session_registry>, std::size_t);

extern template void
start_websocket<beast::ssl_stream<socket_type>>(const ws_route&, beast::ssl_stream<socket_type>&&,
                                                upgrade_request, request, const server_options&,
                                                std::shared_ptr<session_registry>, std::size_t);

} // namespace actorgate::http
