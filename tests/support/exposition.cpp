#include "tests/support/exposition.hpp"

#include <sstream>
#include <stdexcept>

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

} // namespace actorgate::test
