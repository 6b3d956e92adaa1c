// response: what a route actor answers with.
//
//   h.answer(response::text(200, "pong"));
//   h.answer(response::json(200, R"({"ok":true})"));
//   h.answer(response::error(400, "missing query parameter 'msg'"));
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "actorgate/actors/request.hpp"

namespace actorgate {

struct response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  /// Extra headers, e.g. Allow or Retry-After.
  std::vector<header> headers;

  static response text(unsigned status, std::string body);
  static response json(unsigned status, std::string body);
  /// A JSON error body: {"error":"<message>","status":<status>}.
  static response error(unsigned status, std::string_view message);
};

} // namespace actorgate
