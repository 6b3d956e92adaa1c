// args: the bench tools' command line, "--name=value" options plus positional
// arguments. A misspelt option must stop the tool: a silently ignored
// "--thread=32" would benchmark the wrong thing and still print numbers.
//
//   bench::args a{argc, argv, {"threads", "duration"}};
//   auto threads = a.integer("threads", 8);
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

namespace bench {

class args {
public:
  /// Throws std::invalid_argument naming the first unknown option.
  args(int argc, char** argv, std::initializer_list<const char*> known);

  std::string text(const std::string& name, const std::string& fallback) const;
  /// Throws std::invalid_argument if the value is not an integer.
  std::int64_t integer(const std::string& name, std::int64_t fallback) const;
  /// Throws std::invalid_argument if the value is not a number.
  double number(const std::string& name, double fallback) const;
  bool has(const std::string& name) const { return options_.count(name) != 0; }

  const std::vector<std::string>& positional() const { return positional_; }

private:
  std::map<std::string, std::string> options_;
  std::vector<std::string> positional_;
};

} // namespace bench
