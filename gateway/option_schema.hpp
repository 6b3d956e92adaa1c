// option_schema: each configuration option declared once — its name, type,
// default, unit, range, help and the struct field it fills — from which the
// CAF registration, validation, --help, --dump-config, the admin page's JSON
// and the shipped config file are all derived.
//
//   group_schema<my_settings> g{"pool", "kv", "The kv service's client pool."};
//   g.integer("pool-size", at(&my_settings::workers), 1, 1024, "workers",
//             "Blocking workers, each with one connection per endpoint.");
//   g.duration("call-timeout", at(&my_settings::call_timeout), 1, 3'600'000,
//              "Longest a single call may take.");
//   my_settings s = g.read(cfg.content);      // defaults, then what was set
//
// The default is the field's value in a default-constructed struct, so the
// code, the help and the file cannot disagree.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <caf/config_value.hpp>
#include <caf/settings.hpp>
#include <caf/timestamp.hpp>

namespace actorgate {

enum class value_kind { integer, text, duration, boolean };

/// One option as the configuration sees it, without the struct behind it.
struct option {
  std::string name;
  value_kind kind = value_kind::integer;
  /// What an integer counts ("bytes", "connections"); empty for the others.
  std::string unit;
  /// Why and how to set it. Its first sentence is the --help line; all of it
  /// comments the option in the config file.
  std::string help;
  /// The default, written as in the config file ("8080", "\"stdout\"", "10s").
  std::string fallback;
  /// Integers: the range; durations: the range in milliseconds.
  std::int64_t min = 0;
  std::int64_t max = 0;
  /// Text: the allowed values (empty: any).
  std::vector<std::string> choices;
  /// Text: "" is allowed (it means "off").
  bool may_be_empty = false;
  /// Text: a check beyond choices, e.g. a path must start with '/': the
  /// problem ("must start with /"), or "" when the value is fine.
  std::function<std::string(const std::string&)> check_text;

  /// The help's first sentence: what --help and CAF's option list show.
  std::string summary() const;
};

/// A [group] of options, and the checks that span several of them.
struct option_group {
  /// What kind of group: "http", "log", "pool", "server". A program accepts
  /// in its config file a group it does not read when the group's keys are
  /// those of a kind it knows, so a gateway and a backend share one file.
  std::string kind;
  std::string name;
  /// A comment above the group in the config file.
  std::string about;
  std::vector<option> options;
  /// Checks across options (e.g. backoff-initial <= backoff-max), on the
  /// effective values: a problem naming the keys, or "".
  std::vector<std::function<std::string(const caf::settings&)>> checks;

  const option* find(const std::string& name) const;
  std::string key(const option& o) const { return name + "." + o.name; }
};

/// A field of S (or of a member of it): at(&S::http, &http_options::port).
template <class S, class M, class... Ms> auto at(M S::*first, Ms... rest) {
  return [ first, rest... ](S & s) -> auto& {
    return ((s.*first).*....*rest);
  };
}

namespace detail {

template <class T> struct is_duration : std::false_type {};
template <class R, class P> struct is_duration<std::chrono::duration<R, P>> : std::true_type {};

std::string duration_text(std::chrono::milliseconds d);
std::string quoted(const std::string& s);
std::chrono::milliseconds as_ms(const caf::timespan& t);

} // namespace detail

/// The options of one group, each bound to a field of S.
template <class S> class group_schema {
public:
  group_schema(std::string kind, std::string name, std::string about) {
    group_.kind = std::move(kind);
    group_.name = std::move(name);
    group_.about = std::move(about);
  }

  /// An integer field (any integral type, or a std::chrono::duration read as
  /// a count of its unit, e.g. "chain-wait-us").
  template <class F>
  group_schema& integer(const char* name, F field, std::int64_t min, std::int64_t max,
                        std::string unit, std::string help) {
    auto& o = add(name, value_kind::integer, std::move(help));
    o.unit = std::move(unit);
    o.min = min;
    o.max = max;
    S d{};
    o.fallback = std::to_string(count(field(d)));
    readers_.push_back([field, key = key(o)](const caf::settings& c, S& s) {
      if (auto v = caf::get_if<std::int64_t>(&c, key))
        assign_count(field(s), *v);
    });
    return *this;
  }

  /// A std::chrono::duration field, written with a unit ("500ms", "10s");
  /// the range in milliseconds.
  template <class F>
  group_schema& duration(const char* name, F field, std::int64_t min_ms, std::int64_t max_ms,
                         std::string help) {
    auto& o = add(name, value_kind::duration, std::move(help));
    o.min = min_ms;
    o.max = max_ms;
    S d{};
    o.fallback =
        detail::duration_text(std::chrono::duration_cast<std::chrono::milliseconds>(field(d)));
    readers_.push_back([field, key = key(o)](const caf::settings& c, S& s) {
      if (auto v = caf::get_if<caf::timespan>(&c, key)) {
        using D = std::remove_reference_t<decltype(field(s))>;
        field(s) = std::chrono::duration_cast<D>(detail::as_ms(*v));
      }
    });
    return *this;
  }

  /// A std::string field. `may_be_empty`: "" is a valid value ("off").
  template <class F>
  group_schema& text(const char* name, F field, bool may_be_empty, std::string help,
                     std::function<std::string(const std::string&)> check = {}) {
    auto& o = add(name, value_kind::text, std::move(help));
    o.may_be_empty = may_be_empty;
    o.check_text = std::move(check);
    S d{};
    o.fallback = detail::quoted(field(d));
    readers_.push_back([field, key = key(o)](const caf::settings& c, S& s) {
      if (auto v = caf::get_if<std::string>(&c, key))
        field(s) = *v;
    });
    return *this;
  }

  /// A text option with no field of its own ("" by default), read by a
  /// then() step that combines it with others.
  group_schema& text_for_then(const char* name, bool may_be_empty, std::string help,
                              std::function<std::string(const std::string&)> check = {}) {
    auto& o = add(name, value_kind::text, std::move(help));
    o.may_be_empty = may_be_empty;
    o.check_text = std::move(check);
    o.fallback = detail::quoted("");
    return *this;
  }

  /// A field of an enum type E, written as one of `names`' strings.
  template <class F, class E>
  group_schema& choice(const char* name, F field, std::vector<std::pair<std::string, E>> names,
                       std::string help) {
    auto& o = add(name, value_kind::text, std::move(help));
    S d{};
    for (const auto& [text, value] : names) {
      o.choices.push_back(text);
      if (value == field(d))
        o.fallback = detail::quoted(text);
    }
    readers_.push_back([field, names, key = key(o)](const caf::settings& c, S& s) {
      if (auto v = caf::get_if<std::string>(&c, key))
        for (const auto& [text, value] : names)
          if (text == *v)
            field(s) = value;
    });
    return *this;
  }

  template <class F> group_schema& boolean(const char* name, F field, std::string help) {
    auto& o = add(name, value_kind::boolean, std::move(help));
    S d{};
    o.fallback = field(d) ? "true" : "false";
    readers_.push_back([field, key = key(o)](const caf::settings& c, S& s) {
      if (auto v = caf::get_if<bool>(&c, key))
        field(s) = *v;
    });
    return *this;
  }

  /// Every option and check of `part`, a schema of the same group over a
  /// part of S: idl_group takes all of pool_group's options this way.
  template <class T, class F> group_schema& include(const group_schema<T>& part, F field) {
    for (const auto& o : part.group().options)
      group_.options.push_back(o);
    for (const auto& c : part.group().checks)
      group_.checks.push_back(c);
    for (const auto& r : part.readers_)
      readers_.push_back([r, field](const caf::settings& c, S& s) { r(c, field(s)); });
    return *this;
  }

  /// A step after the options are read, for values that combine several
  /// (a list of endpoints that takes the timeouts of the others).
  group_schema& then(std::function<void(const caf::settings&, const std::string& group, S&)> f) {
    readers_.push_back(
        [f = std::move(f), g = group_.name](const caf::settings& c, S& s) { f(c, g, s); });
    return *this;
  }

  /// A check across options, on the effective values; see option_group.
  group_schema& check(std::function<std::string(const S&, const std::string& group)> f) {
    group_.checks.push_back([this_copy = readers_snapshot(), f = std::move(f),
                             g = group_.name](const caf::settings& c) {
      S s{};
      for (const auto& r : *this_copy)
        r(c, s);
      return f(s, g);
    });
    return *this;
  }

  /// The struct: its defaults, then every option that was set in `c`.
  S read(const caf::settings& c) const {
    S s{};
    for (const auto& r : readers_)
      r(c, s);
    return s;
  }

  const option_group& group() const { return group_; }

private:
  template <class> friend class group_schema;
  using reader = std::function<void(const caf::settings&, S&)>;

  option& add(const char* name, value_kind kind, std::string help) {
    option o;
    o.name = name;
    o.kind = kind;
    o.help = std::move(help);
    group_.options.push_back(std::move(o));
    return group_.options.back();
  }

  std::string key(const option& o) const { return group_.key(o); }

  // Checks run on the readers declared before them: a snapshot, because the
  // schema (and its vector) may move or grow after the check is declared.
  std::shared_ptr<const std::vector<reader>> readers_snapshot() const {
    return std::make_shared<const std::vector<reader>>(readers_);
  }

  template <class T> static std::int64_t count(const T& v) {
    if constexpr (detail::is_duration<T>::value)
      return static_cast<std::int64_t>(v.count());
    else
      return static_cast<std::int64_t>(v);
  }
  template <class T> static void assign_count(T& field, std::int64_t v) {
    if constexpr (detail::is_duration<T>::value)
      field = T(v);
    else
      field = static_cast<T>(v);
  }

  option_group group_;
  std::vector<reader> readers_;
};

} // namespace actorgate
