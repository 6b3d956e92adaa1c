#include "actorgate/actors/errors.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace actorgate {

namespace {
constexpr caf::atom_value category = caf::atom("backend");
constexpr caf::atom_value http_category = caf::atom("ag_http");
} // namespace

const char* to_string(backend_errc x) {
  switch (x) {
  case backend_errc::overloaded:
    return "backend pool overloaded";
  case backend_errc::unavailable:
    return "backend unavailable";
  case backend_errc::timeout:
    return "backend call timed out";
  case backend_errc::transport:
    return "backend connection failed during the call";
  case backend_errc::application:
    return "backend raised an exception";
  case backend_errc::shutting_down:
    return "gateway is shutting down";
  case backend_errc::exhausted:
    return "backend has no thread free for another connection";
  case backend_errc::abandoned:
    return "client closed the connection before the call started";
  }
  return "backend error";
}

caf::error make_error(backend_errc x, std::string detail) {
  if (detail.empty())
    return caf::error{static_cast<std::uint8_t>(x), category};
  return caf::error{static_cast<std::uint8_t>(x), category, caf::make_message(std::move(detail))};
}

caf::error make_http_error(unsigned status, std::string message) {
  return caf::error{1, http_category,
                    caf::make_message(static_cast<std::uint32_t>(status), std::move(message))};
}

bool is_error(const caf::error& e, backend_errc x) {
  // An empty error has no category in CAF 0.17: asking crashes.
  return e && e.category() == category && e.code() == static_cast<std::uint8_t>(x);
}

response error_response(const caf::error& e) {
  if (e.category() == category) {
    auto code = static_cast<backend_errc>(e.code());
    std::string text = to_string(code);
    switch (code) {
    case backend_errc::overloaded: {
      auto r = response::error(503, text);
      r.headers.push_back({"Retry-After", "1"});
      return r;
    }
    case backend_errc::unavailable:
    case backend_errc::shutting_down:
    case backend_errc::exhausted: {
      auto r = response::error(503, text);
      r.headers.push_back({"Retry-After", "1"});
      return r;
    }
    case backend_errc::timeout:
      return response::error(504, text);
    case backend_errc::transport:
    case backend_errc::application:
      return response::error(502, text);
    case backend_errc::abandoned:
      return response::error(499, text);
    }
  }
  if (e.category() == http_category && e.context().match_elements<std::uint32_t, std::string>())
    return response::error(e.context().get_as<std::uint32_t>(0),
                           e.context().get_as<std::string>(1));
  if (e.category() == caf::atom("system") &&
      e.code() == static_cast<std::uint8_t>(caf::sec::request_timeout))
    return response::error(504, "deadline passed");
  return response::error(500, "internal error");
}

} // namespace actorgate
