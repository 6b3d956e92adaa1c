// What a program prints about its configuration, all from the option
// declarations: --help, --dump-config, the admin page's JSON, and the text of
// a config file that lists every option with its default.
#include <algorithm>
#include <sstream>

#include <caf/config_value.hpp>
#include <nlohmann/json.hpp>

#include "actorgate/gateway/app_config.hpp"
#include "actorgate/gateway/config_check.hpp"

namespace actorgate {

namespace {

const char* type_word(value_kind k) {
  switch (k) {
  case value_kind::integer:
    return "integer";
  case value_kind::text:
    return "string";
  case value_kind::duration:
    return "duration";
  case value_kind::boolean:
    return "boolean";
  }
  return "value";
}

// `text` as comment lines of at most `width` columns.
std::string comment(const std::string& text, std::size_t width = 78) {
  std::string out;
  std::string line = ";";
  std::istringstream words{text};
  std::string word;
  while (words >> word) {
    if (line.size() + 1 + word.size() > width && line != ";") {
      out += line + "\n";
      line = ";";
    }
    line += " " + word;
  }
  if (line != ";")
    out += line + "\n";
  return out;
}

std::string range_text(const option& o) {
  if (o.kind == value_kind::integer)
    return std::to_string(o.min) + " to " + std::to_string(o.max) +
           (o.unit.empty() ? "" : " " + o.unit);
  if (o.kind == value_kind::duration)
    return detail::duration_text(std::chrono::milliseconds(o.min)) + " to " +
           detail::duration_text(std::chrono::milliseconds(o.max));
  return {};
}

// The effective value as CAF prints it (a default parsed first), so that a
// dump loaded back prints the same text: "60s" is read back as 1min either way.
std::string effective_text(const caf::settings& content, const std::string& key, const option& o) {
  // CAF writes a zero timespan as "0d", which its own parser rejects.
  if (o.kind == value_kind::duration) {
    if (auto t = caf::get_if<caf::timespan>(&content, key))
      return detail::duration_text(detail::as_ms(*t));
    return o.fallback;
  }
  if (const auto* v = caf::get_if(&content, key))
    return caf::to_string(*v);
  if (auto parsed = caf::config_value::parse(o.fallback))
    return caf::to_string(*parsed);
  return o.fallback;
}

} // namespace

std::string app_config::help_text(const char* program) const {
  std::ostringstream out;
  out << "usage: " << program << " [--config-file=PATH] [--group.key=value ...]\n\n"
      << "Options are read from the config file (default " << default_file
      << ", INI format) and may be overridden on the command line.\n";
  for (const auto& g : groups_) {
    out << "\n[" << g.name << "]\n";
    for (const auto& o : g.options) {
      std::string lhs = "  --" + g.key(o) + "=<" + type_word(o.kind) + ">";
      auto range = range_text(o);
      out << lhs << std::string(lhs.size() < 40 ? 40 - lhs.size() : 1, ' ') << o.summary() << " ("
          << (range.empty() ? "" : range + "; ") << "default: " << o.fallback << ")\n";
    }
  }
  out << "\n[scheduler] and other CAF groups: see --long-help\n"
      << "  --config-file=<path>" << std::string(20, ' ') << "config file to read\n"
      << "  --dump-config" << std::string(27, ' ')
      << "print the effective configuration as a config file, then exit\n"
      << "  --help, --long-help" << std::string(21, ' ') << "this text; with CAF's own options\n";
  return out.str();
}

std::string app_config::dump_text(const char* program) const {
  std::ostringstream out;
  out << "; " << program << " --dump-config: the effective configuration (built-in\n"
      << "; defaults, then the config file, then the command line). Load it with\n"
      << "; --config-file=PATH; CAF options not listed have CAF's defaults.\n";
  for (const auto& g : groups_) {
    out << "\n[" << g.name << "]\n";
    for (const auto& o : g.options)
      out << o.name << "=" << effective_text(content, g.key(o), o) << "\n";
  }
  for (const auto& [group, value] : content) {
    const auto* entries = caf::get_if<caf::settings>(&value);
    bool ours = std::any_of(groups_.begin(), groups_.end(),
                            [&, &group = group](const option_group& g) { return g.name == group; });
    if (entries == nullptr || ours)
      continue;
    out << "\n[" << group << "]\n";
    for (const auto& [name, v] : *entries)
      if (!caf::holds_alternative<caf::settings>(v))
        out << name << "=" << caf::to_string(v) << "\n";
  }
  return out.str();
}

std::string app_config::settings_json() const {
  auto out = nlohmann::json::object();
  for (const auto& g : groups_) {
    for (const auto& o : g.options) {
      auto key = g.key(o);
      auto& v = out[g.name][o.name];
      switch (o.kind) {
      case value_kind::integer:
        v = caf::get_or(content, key, std::stoll(o.fallback));
        break;
      case value_kind::text:
        v = caf::get_or(content, key, o.fallback.substr(1, o.fallback.size() - 2));
        break;
      case value_kind::duration:
        if (auto t = caf::get_if<caf::timespan>(&content, key))
          v = detail::duration_text(detail::as_ms(*t));
        else
          v = o.fallback;
        break;
      case value_kind::boolean:
        v = caf::get_or(content, key, o.fallback == "true");
        break;
      }
    }
  }
  return out.dump();
}

std::string config_file_text(const std::vector<option_group>& groups, const std::string& header,
                             const std::string& trailer,
                             const std::map<std::string, std::string>& values) {
  std::string out = comment(header);
  for (const auto& g : groups) {
    out += "\n[" + g.name + "]\n";
    if (!g.about.empty())
      out += comment(g.about);
    for (const auto& o : g.options) {
      out += comment(o.help);
      if (auto range = range_text(o); !range.empty())
        out += "; range: " + range + "\n";
      if (auto v = values.find(g.key(o)); v != values.end())
        out += "; default: " + o.fallback + "\n" + o.name + "=" + v->second + "\n";
      else
        out += o.name + "=" + o.fallback + "\n";
    }
  }
  if (!trailer.empty())
    out += "\n" + trailer;
  return out;
}

} // namespace actorgate
