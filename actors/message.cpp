#include <strings.h>

#include <nlohmann/json.hpp>

#include "actorgate/actors/json.hpp"
#include "actorgate/actors/request.hpp"
#include "actorgate/actors/response.hpp"

namespace actorgate {

std::string_view to_string(method m) {
  switch (m) {
  case method::get:
    return "GET";
  case method::head:
    return "HEAD";
  case method::post:
    return "POST";
  case method::put:
    return "PUT";
  case method::del:
    return "DELETE";
  case method::patch:
    return "PATCH";
  case method::options:
    return "OPTIONS";
  case method::other:
    break;
  }
  return "OTHER";
}

namespace {
const std::string* find_value(const std::vector<std::pair<std::string, std::string>>& kvs,
                              std::string_view name) {
  for (const auto& [k, v] : kvs)
    if (k == name)
      return &v;
  return nullptr;
}
} // namespace

const std::string* request::path_param(std::string_view name) const {
  return find_value(path_params, name);
}

const std::string* request::query_param(std::string_view name) const {
  return find_value(query, name);
}

const std::string* request::header_value(std::string_view name) const {
  for (const auto& h : headers)
    if (h.name.size() == name.size() && strncasecmp(h.name.data(), name.data(), name.size()) == 0)
      return &h.value;
  return nullptr;
}

std::string json_quote(std::string_view s) {
  // Printable ASCII other than '"' and '\\' stands for itself: the common
  // case skips building a JSON value.
  bool plain = true;
  for (char c : s)
    plain = plain && c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
  if (plain) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    out += s;
    out += '"';
    return out;
  }
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

response response::text(unsigned status, std::string body) {
  return response{status, "text/plain; charset=utf-8", std::move(body), {}};
}

response response::json(unsigned status, std::string body) {
  return response{status, "application/json", std::move(body), {}};
}

response response::error(unsigned status, std::string_view message) {
  std::string body = "{\"error\":";
  body += json_quote(message);
  body += ",\"status\":";
  body += std::to_string(status);
  body += '}';
  return json(status, std::move(body));
}

} // namespace actorgate
