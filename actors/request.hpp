// request: what a route actor receives, independent of any HTTP library.
//
//   [](handle_atom, const request& req, const reply_handle& h) {
//     auto id = req.path_param_as<std::int64_t>("id");      // route "/items/:id"
//     auto limit = req.query_param_as<int>("limit", 10);    // absent: 10
//     if (!id || !limit)
//       return h.answer(!id ? id.error() : limit.error());  // 400 naming the parameter
//     ...
//   }
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actorgate/actors/backend_timer.hpp"
#include "actorgate/actors/checked.hpp"
#include "actorgate/actors/deadline.hpp"
#include "actorgate/actors/header.hpp"

namespace actorgate {

enum class method : std::uint8_t { get, head, post, put, del, patch, options, other };

std::string_view to_string(method m);

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
  /// The request's id: the client's X-Request-Id if it sent a sane one, else
  /// generated. The response carries it back in X-Request-Id; pass it on to
  /// backends and logs to follow one request across services.
  std::string id;
  /// Where backend calls for this request add their time (the access log's
  /// backend time); null when nobody reads it. typed_pool::call(self, req, f)
  /// takes care of it.
  std::shared_ptr<backend_timer> backend_time;
  /// Set by the HTTP layer once the client has closed its connection while
  /// the request waits for its answer (looked at about once a second); null
  /// if nobody watches. typed_pool::call(self, req, f) passes it on, and the
  /// pool drops a call whose client is gone instead of starting it.
  std::shared_ptr<const std::atomic<bool>> client_gone_flag;

  /// Whether the client has gone away: whatever is still to be done for
  /// this request only matters for its side effects.
  bool client_gone() const {
    return client_gone_flag && client_gone_flag->load(std::memory_order_acquire);
  }

  /// The route pattern's parameter called `name` (":id" -> "id"), decoded.
  /// A name the pattern does not have is a programming error: it throws
  /// std::out_of_range naming it (the client gets 500), never a null.
  const std::string& path_param(std::string_view name) const;
  /// The path parameter `name` as a T (an integer type, bool, double or
  /// std::string); a value that is not one, or out of T's range, is a
  /// problem naming the parameter (checked::error() answers it with 400).
  template <class T> checked<T> path_param_as(std::string_view name) const {
    return detail::parse_text<T>(path_param(name), "path parameter '" + std::string(name) + "'");
  }

  /// The first query parameter called `name`, or nullptr.
  const std::string* query_param(std::string_view name) const;
  /// The query parameter `name` as a T; absent is a problem too.
  template <class T> checked<T> query_param_as(std::string_view name) const {
    auto what = "query parameter '" + std::string(name) + "'";
    if (const std::string* v = query_param(name))
      return detail::parse_text<T>(*v, what);
    return checked<T>::fail("missing " + what);
  }
  /// The same, with `fallback` when the parameter is absent.
  template <class T> checked<T> query_param_as(std::string_view name, T fallback) const {
    if (const std::string* v = query_param(name))
      return detail::parse_text<T>(*v, "query parameter '" + std::string(name) + "'");
    return fallback;
  }

  /// The body as a JSON object (include <nlohmann/json.hpp> to use it):
  /// malformed JSON, or JSON that is not an object, is a problem.
  checked<nlohmann::json> json_body() const;

  /// The first header called `name` (case-insensitive), or nullptr.
  const std::string* header_value(std::string_view name) const;
};

} // namespace actorgate
