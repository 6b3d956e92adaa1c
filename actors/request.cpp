#include "actorgate/actors/request.hpp"

#include <strings.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

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

const std::string& request::path_param(std::string_view name) const {
  if (const std::string* v = find_value(path_params, name))
    return *v;
  std::string known;
  for (const auto& [k, v] : path_params)
    known += (known.empty() ? "" : ", ") + k;
  throw std::out_of_range("no path parameter '" + std::string(name) + "' in the route " +
                          (known.empty() ? "(it has none)" : "(it has " + known + ")"));
}

const std::string* request::query_param(std::string_view name) const {
  return find_value(query, name);
}

checked<nlohmann::json> request::json_body() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded())
    return checked<nlohmann::json>::fail("request body is not valid JSON");
  if (!j.is_object())
    return checked<nlohmann::json>::fail("request body must be a JSON object");
  return j;
}

const std::string* request::header_value(std::string_view name) const {
  for (const auto& h : headers)
    if (h.name.size() == name.size() && strncasecmp(h.name.data(), name.data(), name.size()) == 0)
      return &h.value;
  return nullptr;
}

} // namespace actorgate
