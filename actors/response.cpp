#include "actorgate/actors/response.hpp"

#include <nlohmann/json.hpp>

#include "actorgate/actors/json.hpp"

namespace actorgate {

response response::text(unsigned status, std::string body) {
  return response{status, "text/plain; charset=utf-8", std::move(body), {}};
}

response response::json(unsigned status, const nlohmann::json& body) {
  return raw_json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

response response::json(unsigned status, const json_fields& fields) {
  return raw_json(status, fields.str());
}

response response::raw_json(unsigned status, std::string text) {
  return response{status, "application/json", std::move(text), {}};
}

response response::created(std::string location, const nlohmann::json& body) {
  auto r = json(201, body);
  r.headers.push_back({"Location", std::move(location)});
  return r;
}

response response::no_content() {
  return response{204, "", "", {}};
}

response response::error(unsigned status, std::string_view message) {
  std::string body = "{\"error\":";
  body += json_quote(message);
  body += ",\"status\":";
  body += std::to_string(status);
  body += '}';
  return raw_json(status, std::move(body));
}

} // namespace actorgate
