#include "actorgate/gateway/option_schema.hpp"

namespace actorgate {

std::string option::summary() const {
  auto end = help.find(". ");
  return end == std::string::npos ? help : help.substr(0, end + 1);
}

const option* option_group::find(const std::string& option_name) const {
  for (const auto& o : options)
    if (o.name == option_name)
      return &o;
  return nullptr;
}

namespace detail {

std::string duration_text(std::chrono::milliseconds d) {
  auto n = d.count();
  if (n != 0 && n % 1000 == 0)
    return std::to_string(n / 1000) + "s";
  return std::to_string(n) + "ms";
}

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

std::chrono::milliseconds as_ms(const caf::timespan& t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t);
}

} // namespace detail

} // namespace actorgate
