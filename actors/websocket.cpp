#include "actorgate/actors/websocket.hpp"

namespace actorgate {

ws_sink::~ws_sink() = default;

void ws_handle::send_text(std::string s) const {
  if (sink_)
    sink_->send(std::move(s), false);
}

void ws_handle::send_binary(std::string s) const {
  if (sink_)
    sink_->send(std::move(s), true);
}

void ws_handle::close(std::uint16_t code, std::string reason) const {
  if (sink_)
    sink_->close(code, std::move(reason));
}

} // namespace actorgate
