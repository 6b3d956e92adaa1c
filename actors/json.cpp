#include "actorgate/actors/json.hpp"

namespace actorgate {

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

void json_fields::key(std::string_view k) {
  text_ += text_.empty() ? '{' : ',';
  text_ += json_quote(k);
  text_ += ':';
}

json_fields& json_fields::add(std::string_view k, std::string_view value) {
  key(k);
  text_ += json_quote(value);
  return *this;
}

json_fields& json_fields::add(std::string_view k, std::int64_t value) {
  key(k);
  text_ += std::to_string(value);
  return *this;
}

checked<bool> read_json(const nlohmann::json& obj, std::initializer_list<json_slot> slots) {
  if (!obj.is_object())
    return checked<bool>::fail("expected a JSON object");
  for (const auto& slot : slots) {
    auto it = obj.find(slot.name());
    if (it == obj.end() || it->is_null()) {
      if (slot.required())
        return checked<bool>::fail(slot.name() + ": missing (required)");
      continue;
    }
    if (auto problem = slot.read(*it); !problem.empty())
      return checked<bool>::fail(problem);
  }
  for (const auto& [name, value] : obj.items()) {
    bool known = false;
    for (const auto& slot : slots)
      known = known || slot.name() == name;
    if (!known)
      return checked<bool>::fail(name + ": unknown field");
  }
  return true;
}

checked<bool> read_json(const request& req, std::initializer_list<json_slot> slots) {
  auto body = req.json_body();
  if (!body)
    return checked<bool>::fail(body.problem());
  return read_json(*body, slots);
}

} // namespace actorgate
