#include "bench/tools/args.hpp"

#include <algorithm>
#include <stdexcept>

namespace bench {

args::args(int argc, char** argv, std::initializer_list<const char*> known) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) {
      positional_.push_back(a);
      continue;
    }
    auto eq = a.find('=');
    auto name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return name == k; }))
      throw std::invalid_argument("unknown option '--" + name + "'");
    options_[name] = eq == std::string::npos ? "" : a.substr(eq + 1);
  }
}

std::string args::text(const std::string& name, const std::string& fallback) const {
  auto i = options_.find(name);
  return i == options_.end() ? fallback : i->second;
}

std::int64_t args::integer(const std::string& name, std::int64_t fallback) const {
  auto i = options_.find(name);
  if (i == options_.end())
    return fallback;
  std::size_t used = 0;
  std::int64_t v = 0;
  try {
    v = std::stoll(i->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != i->second.size())
    throw std::invalid_argument("option '--" + name + "' must be an integer, got '" + i->second +
                                "'");
  return v;
}

double args::number(const std::string& name, double fallback) const {
  auto i = options_.find(name);
  if (i == options_.end())
    return fallback;
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(i->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != i->second.size())
    throw std::invalid_argument("option '--" + name + "' must be a number, got '" + i->second +
                                "'");
  return v;
}

} // namespace bench
