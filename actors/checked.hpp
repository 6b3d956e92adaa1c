// checked<T>: a value read from a request — a path or query parameter, the
// JSON body or a field of it — or, if it could not be read, the 400 answer
// that names what was wrong.
//
//   auto id = req.path_param_as<std::int64_t>("id");
//   if (!id)
//     return h.answer(id.error());   // 400 {"error":"path parameter 'id' must be ..."}
//   use(*id);
#pragma once

#include <charconv>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "actorgate/actors/response.hpp"

namespace actorgate {

template <class T> class checked {
public:
  checked(T value) : value_(std::move(value)) {}

  /// No value: `problem` says why, e.g. "query parameter 'limit' must be ...".
  static checked fail(std::string problem) {
    checked c;
    c.problem_ = std::move(problem);
    return c;
  }

  explicit operator bool() const { return value_.has_value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  /// The value; throws std::logic_error naming the problem if there is none.
  T& value() {
    if (!value_)
      throw std::logic_error("checked value used without a check: " + problem_);
    return *value_;
  }
  const T& value() const { return const_cast<checked*>(this)->value(); }

  const std::string& problem() const { return problem_; }
  /// The answer for a client that sent what could not be read: 400.
  response error() const { return response::error(400, problem_); }

private:
  checked() = default;
  std::optional<T> value_;
  std::string problem_;
};

namespace detail {

template <class T> std::string range_text() {
  return std::to_string(std::numeric_limits<T>::min()) + " to " +
         std::to_string(std::numeric_limits<T>::max());
}

/// `text` as a T: integers (range-checked, decimal), bool (true/false/1/0),
/// double, std::string. `what` names the source in the problem, e.g.
/// "query parameter 'limit'".
template <class T> checked<T> parse_text(std::string_view text, const std::string& what) {
  if constexpr (std::is_same_v<T, std::string>) {
    return std::string(text);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (text == "true" || text == "1")
      return true;
    if (text == "false" || text == "0")
      return false;
    return checked<T>::fail(what + " must be true or false, got '" + std::string(text) + "'");
  } else if constexpr (std::is_integral_v<T>) {
    T v{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
      return checked<T>::fail(what + " must be an integer from " + range_text<T>() + ", got '" +
                              std::string(text) + "'");
    return v;
  } else if constexpr (std::is_floating_point_v<T>) {
    T v{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
      return checked<T>::fail(what + " must be a number, got '" + std::string(text) + "'");
    return v;
  } else {
    static_assert(std::is_same_v<T, std::string>,
                  "parameters read as integers, bool, double or std::string");
  }
}

} // namespace detail

} // namespace actorgate
