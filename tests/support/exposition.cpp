#include "tests/support/exposition.hpp"

#include <sstream>
#include <stdexcept>

#include "tests/support/http_client.hpp"

namespace actorgate::test {

series_values parse_exposition(const std::string& text) {
  series_values out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#')
      continue;
    auto sp = line.rfind(' ');
    if (sp == std::string::npos || sp == 0)
      throw std::runtime_error("no value in line: " + line);
    if (!out.emplace(line.substr(0, sp), line.substr(sp + 1)).second)
      throw std::runtime_error("series twice: " + line);
  }
  return out;
}

std::size_t count_series(const series_values& s, const std::string& name) {
  std::size_t n = 0;
  for (const auto& [series, value] : s)
    n += series == name || series.rfind(name + "{", 0) == 0;
  return n;
}

std::optional<std::string> scrape_series(std::uint16_t port, const std::string& series) {
  auto s = parse_exposition(http_get(port, "/metrics").body);
  auto i = s.find(series);
  if (i == s.end())
    return std::nullopt;
  return i->second;
}

} // namespace actorgate::test
