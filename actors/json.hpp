// JSON for route actors, with nlohmann::json: reading a request body's
// fields with the checks nlohmann's get<T>() leaves out (it truncates
// 300 into an int8_t and 1.5 into an int without a word), and quoting.
//
//   auto body = req.json_body();                          // 400 if not a JSON object
//   if (!body)
//     return h.answer(body.error());
//   auto qty = json_field<std::int32_t>(*body, "qty");    // 400 if absent, not an
//   auto tags = json_field<std::vector<std::string>>(*body, "tags", {});   // integer, out of range
//   if (!qty || !tags)
//     return h.answer(!qty ? qty.error() : tags.error());
//   h.answer(response::json(200, {{"qty", *qty}, {"tags", *tags}}));
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "actorgate/actors/checked.hpp"
#include "actorgate/actors/request.hpp"

namespace actorgate {

/// `s` as a quoted JSON string literal (RFC 8259), UTF-8 kept; invalid UTF-8
/// becomes U+FFFD rather than an error.
std::string json_quote(std::string_view s);

namespace detail {

template <class T> struct is_vector : std::false_type {};
template <class T> struct is_vector<std::vector<T>> : std::true_type {};

/// `v` as a T; `path` names it in the problem ("item.tags[1]").
template <class T> checked<T> json_as(const nlohmann::json& v, const std::string& path) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean())
      return checked<T>::fail(path + ": expected true or false");
    return v.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    auto range = path + ": expected an integer from " + range_text<T>();
    if (v.is_number_unsigned()) {
      auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
        return checked<T>::fail(range);
      return static_cast<T>(u);
    }
    if (!v.is_number_integer())
      return checked<T>::fail(range);
    auto i = v.get<std::int64_t>(); // negative here: unsigned numbers were taken above
    if constexpr (std::is_unsigned_v<T>)
      return checked<T>::fail(range);
    else if (i < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
             i > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
      return checked<T>::fail(range);
    else
      return static_cast<T>(i);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number())
      return checked<T>::fail(path + ": expected a number");
    return v.get<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string())
      return checked<T>::fail(path + ": expected a string");
    return v.get<std::string>();
  } else if constexpr (std::is_same_v<T, nlohmann::json>) {
    return v;
  } else if constexpr (is_vector<T>::value) {
    if (!v.is_array())
      return checked<T>::fail(path + ": expected an array");
    T out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto item = json_as<typename T::value_type>(v[i], path + "[" + std::to_string(i) + "]");
      if (!item)
        return checked<T>::fail(item.problem());
      out.push_back(std::move(*item));
    }
    return out;
  } else {
    static_assert(std::is_same_v<T, bool>, "json_field reads bool, integers, floating point, "
                                           "std::string, nlohmann::json and std::vector of them");
  }
}

} // namespace detail

/// The member `name` of the object `obj` as a T, checked: absent, of another
/// type, or out of T's range is a problem naming it (400 via error()).
template <class T> checked<T> json_field(const nlohmann::json& obj, const std::string& name) {
  auto it = obj.find(name);
  if (it == obj.end())
    return checked<T>::fail(name + ": missing (required)");
  return detail::json_as<T>(*it, name);
}

/// The same, with `fallback` when the member is absent (null counts as absent).
template <class T>
checked<T> json_field(const nlohmann::json& obj, const std::string& name, T fallback) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null())
    return fallback;
  return detail::json_as<T>(*it, name);
}

/// A flat JSON object written member by member, for a hot route whose
/// answer has a few string or integer members: no nlohmann::json is built
/// (measured on /echo: building and dumping {"msg": ...} that way cost 3.4k
/// instructions per request, 10 % of the gateway's). Keys and values are
/// escaped as json_quote does.
///
///   h.answer(response::json(200, json_fields{}.add("msg", reply)));
class json_fields {
public:
  json_fields& add(std::string_view key, std::string_view value);
  json_fields& add(std::string_view key, std::int64_t value);
  /// The object's text, "{}" when nothing was added.
  std::string str() const { return text_.empty() ? "{}" : text_ + "}"; }

private:
  void key(std::string_view k);
  std::string text_;
};

/// One member read_json fills: its name, where it goes, whether it must be
/// there. The target's type is any json_field reads.
class json_slot {
public:
  template <class T>
  json_slot(std::string name, T& target, bool required = true)
      : name_(std::move(name)), required_(required),
        read_([&target](const nlohmann::json& v, const std::string& path) -> std::string {
          auto x = detail::json_as<T>(v, path);
          if (!x)
            return x.problem();
          target = std::move(*x);
          return {};
        }) {}

  const std::string& name() const { return name_; }
  bool required() const { return required_; }
  /// Reads `v` into the target; a problem, or "" if it was read.
  std::string read(const nlohmann::json& v) const { return read_(v, name_); }

private:
  std::string name_;
  bool required_;
  std::function<std::string(const nlohmann::json&, const std::string&)> read_;
};

/// Reads the members of `obj` into `slots`, strictly: a required member
/// absent, a value of the wrong type or out of range, or a member no slot
/// names is a problem naming it. Targets of optional slots absent from `obj`
/// keep their values (their defaults).
///
///   Item it;
///   auto read = read_json(*body, {{"name", it.name}, {"tags", it.tags, false}});
///   if (!read)
///     return h.answer(read.error());
checked<bool> read_json(const nlohmann::json& obj, std::initializer_list<json_slot> slots);
/// The same for the request's body, which must be a JSON object (see
/// request::json_body).
checked<bool> read_json(const request& req, std::initializer_list<json_slot> slots);

} // namespace actorgate
