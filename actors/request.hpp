// request: what a route actor receives, independent of any HTTP library.
//
//   [](handle_atom, const request& r, reply_handle& h) {
//     if (auto msg = r.query_param("msg")) h.answer(response::text(200, *msg));
//   }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/deadline.hpp"

namespace actorgate {

enum class method : std::uint8_t { get, head, post, put, del, patch, options, other };

std::string_view to_string(method m);

struct header {
  std::string name;
  std::string value;
};

struct request {
  actorgate::method method = method::get;
  /// Percent-decoded path, e.g. "/echo".
  std::string path;
  /// Values of the route pattern's parameters (":id", "*rest"), decoded.
  std::vector<std::pair<std::string, std::string>> path_params;
  /// Percent-decoded query parameters in the order they were sent.
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<header> headers;
  std::string body;
  actorgate::deadline deadline;

  /// The path parameter called `name`, or nullptr.
  const std::string* path_param(std::string_view name) const;
  /// The first query parameter called `name`, or nullptr.
  const std::string* query_param(std::string_view name) const;
  /// The first header called `name` (case-insensitive), or nullptr.
  const std::string* header_value(std::string_view name) const;
};

} // namespace actorgate
