// response: what a route actor answers with.
//
//   h.answer(response::text(200, "pong"));
//   h.answer(response::json(200, {{"id", 7}, {"tags", tags}}));   // nlohmann::json
//   h.answer(response::created("/items/7", item_json));             // 201 + Location
//   h.answer(response::no_content());                                // 204
//   h.answer(response::error(404, "no item 7"));                     // {"error":...,"status":404}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "actorgate/actors/header.hpp"

namespace actorgate {

class json_fields; // actors/json.hpp

struct response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  /// Extra headers, e.g. Allow or Retry-After.
  std::vector<header> headers;

  static response text(unsigned status, std::string body);
  /// `body` serialized as application/json; invalid UTF-8 in its strings is
  /// replaced with U+FFFD rather than failing.
  static response json(unsigned status, const nlohmann::json& body);
  /// A string would become a JSON *string* value: say which is meant, with
  /// json(status, nlohmann::json(...)) or raw_json(status, text).
  static response json(unsigned status, const char*) = delete;
  static response json(unsigned status, const std::string&) = delete;
  /// A flat object written without nlohmann::json, for hot routes.
  static response json(unsigned status, const json_fields& fields);
  /// `text` that already is JSON, sent as application/json unchanged.
  static response raw_json(unsigned status, std::string text);
  /// A JSON error body: {"error":"<message>","status":<status>}.
  static response error(unsigned status, std::string_view message);
  /// 201 Created with a Location header and `body` as JSON.
  static response created(std::string location, const nlohmann::json& body);
  /// 204 No Content: no body, and no Content-Length either (RFC 9110 8.6).
  static response no_content();
};

} // namespace actorgate
