// Validation of a program's configuration: the config file before CAF reads
// it (CAF skips a value of the wrong type in a file without a word), each
// command-line argument, and the effective values after both.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

#include <caf/config_option_set.hpp>
#include <caf/pec.hpp>

#include "actorgate/gateway/app_config.hpp"
#include "actorgate/gateway/config_check.hpp"

namespace actorgate {

namespace {

std::string str(caf::string_view v) {
  return std::string(v.data(), v.size());
}

// "parser_error(trailing_character, ({"column" = 13, "line" = 5}))" -> readable.
std::string describe_parse_error(const caf::error& err) {
  std::string what = caf::to_string(static_cast<caf::pec>(err.code()));
  std::string ctx = caf::to_string(err.context());
  std::smatch m;
  std::string where;
  if (std::regex_search(ctx, m, std::regex("\"line\" = ([0-9]+)")))
    where += "line " + m[1].str();
  if (std::regex_search(ctx, m, std::regex("\"column\" = ([0-9]+)")))
    where += (where.empty() ? "" : ", ") + std::string("column ") + m[1].str();
  std::string text = where.empty() ? what : where + ": " + what;
  if (what == "trailing_character" || what == "unexpected_character")
    text += " (string values must be quoted, e.g. host=\"127.0.0.1\")";
  return text;
}

const option* find_option(const std::vector<option_group>& groups, const std::string& group,
                          const std::string& name) {
  for (const auto& g : groups)
    if (g.name == group)
      return g.find(name);
  return nullptr;
}

bool declares(const std::vector<option_group>& groups, const std::string& group) {
  return std::any_of(groups.begin(), groups.end(),
                     [&](const option_group& g) { return g.name == group; });
}

// A group this program does not read, as a group of a kind the framework
// knows: [http], [log] and [idl] by name, any other by its keys (a pool's or
// a server's). Nothing if no kind has all its keys.
std::optional<option_group> foreign_kind(const std::string& group, const caf::settings& entries) {
  if (group == "http")
    return http_group().group();
  if (group == "log")
    return log_group().group();
  if (group == "idl")
    return idl_group().group();
  for (auto candidate : {pool_group(group).group(), server_group(group).group()}) {
    bool all = std::all_of(entries.begin(), entries.end(),
                           [&](const auto& kv) { return candidate.find(kv.first) != nullptr; });
    if (all)
      return candidate;
  }
  return std::nullopt;
}

} // namespace

std::string type_hint(value_kind k) {
  switch (k) {
  case value_kind::integer:
    return "an integer";
  case value_kind::text:
    return "a quoted string";
  case value_kind::duration:
    return "a duration such as 500ms or 5s";
  case value_kind::boolean:
    return "true or false";
  }
  return "a value";
}

std::string check_value(const option& o, const std::string& key, const caf::config_value& v) {
  auto wrong_type = [&] {
    return "'" + key + "' must be " + type_hint(o.kind) + ", got " + caf::to_string(v);
  };
  switch (o.kind) {
  case value_kind::integer: {
    auto i = caf::get_if<std::int64_t>(&v);
    if (i == nullptr)
      return wrong_type();
    if (*i < o.min || *i > o.max)
      return "'" + key + "' is " + std::to_string(*i) + ", must be between " +
             std::to_string(o.min) + " and " + std::to_string(o.max);
    return {};
  }
  case value_kind::duration: {
    auto t = caf::get_if<caf::timespan>(&v);
    if (t == nullptr)
      return wrong_type();
    auto ms = detail::as_ms(*t).count();
    if (ms < o.min || ms > o.max)
      return "'" + key + "' is " + std::to_string(ms) + "ms, must be between " +
             detail::duration_text(std::chrono::milliseconds(o.min)) + " and " +
             detail::duration_text(std::chrono::milliseconds(o.max));
    return {};
  }
  case value_kind::boolean:
    return caf::holds_alternative<bool>(v) ? std::string{} : wrong_type();
  case value_kind::text: {
    auto s = caf::get_if<std::string>(&v);
    if (s == nullptr)
      return wrong_type();
    if (s->empty())
      return o.may_be_empty ? std::string{} : "'" + key + "' must not be empty";
    if (!o.choices.empty() &&
        std::find(o.choices.begin(), o.choices.end(), *s) == o.choices.end()) {
      std::string allowed;
      for (const auto& c : o.choices)
        allowed += (allowed.empty() ? "\"" : " or \"") + c + "\"";
      return "'" + key + "' is \"" + *s + "\", must be " + allowed;
    }
    if (o.check_text)
      if (auto problem = o.check_text(*s); !problem.empty())
        return "'" + key + "' is \"" + *s + "\", " + problem;
    return {};
  }
  }
  return {};
}

std::optional<std::string> app_config::check_file(const std::string& path) const {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return "config file '" + path + "': is a directory";
  std::ifstream in{path};
  if (!in) {
    int err = errno; // before any allocation below
    return "config file '" + path + "': cannot open it: " + std::strerror(err);
  }
  auto raw = parse_config(in);
  if (!raw)
    return "config file '" + path + "': " + describe_parse_error(raw.error());
  auto where = "config file '" + path + "': ";
  for (const auto& [group, value] : *raw) {
    auto* entries = caf::get_if<caf::settings>(&value);
    if (entries == nullptr)
      return where + "key '" + group + "' must be inside a [group]";
    std::optional<option_group> foreign;
    if (!declares(groups_, group))
      foreign = foreign_kind(group, *entries);
    for (const auto& [name, v] : *entries) {
      auto key = group + "." + name;
      const option* o = foreign ? foreign->find(name) : find_option(groups_, group, name);
      if (o != nullptr) {
        if (auto problem = check_value(*o, key, v); !problem.empty())
          return where + problem;
        continue;
      }
      // CAF's own groups ([scheduler], ...).
      auto opt = custom_options_.qualified_name_lookup(group, name);
      if (opt == nullptr || declares(groups_, group))
        return where + "unknown key '" + key + "'";
      if (opt->check(v))
        return where + "key '" + key + "' must be a value of type " + str(opt->type_name()) +
               ", got " + caf::to_string(v);
    }
  }
  return std::nullopt;
}

std::optional<std::string> app_config::check_argument(const std::string& arg) const {
  if (arg.rfind("--", 0) != 0)
    return "unexpected argument '" + arg + "' (options look like --http.port=8081)";
  auto eq = arg.find('=');
  auto name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
  auto opt = custom_options_.qualified_name_lookup(name);
  if (opt == nullptr)
    return "unknown option '--" + name + "' (see --help)";
  if (eq == std::string::npos) {
    if (opt->is_flag())
      return std::nullopt;
    return "option '--" + name + "' needs a value: --" + name + "=...";
  }
  auto value = arg.substr(eq + 1);
  if (opt->is_flag()) {
    if (value == "true" || value == "false")
      return std::nullopt;
    return "option '--" + name + "' must be true or false, got '" + value + "'";
  }
  if (!opt->parse(value)) {
    auto dot = name.find('.');
    const option* o = dot == std::string::npos
                          ? nullptr
                          : find_option(groups_, name.substr(0, dot), name.substr(dot + 1));
    auto hint = o != nullptr ? type_hint(o->kind)
                : str(opt->type_name()) == "atom"
                    ? std::string("an atom in single quotes, e.g. 'sharing'")
                    : "a value of type " + str(opt->type_name());
    return "option '--" + name + "' must be " + hint + ", got '" + value + "'";
  }
  return std::nullopt;
}

std::optional<std::string> app_config::check_effective() const {
  for (const auto& g : groups_) {
    for (const auto& o : g.options) {
      auto key = g.key(o);
      if (const auto* v = caf::get_if(&content, key))
        if (auto problem = check_value(o, key, *v); !problem.empty())
          return problem;
    }
    for (const auto& check : g.checks)
      if (auto problem = check(content); !problem.empty())
        return problem;
  }
  return std::nullopt;
}

} // namespace actorgate
