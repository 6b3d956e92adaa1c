// Errors a backend call can end with, as CAF errors, and their HTTP answer.
//
//   pool.call(self, req, f).then(
//     [h](std::string& r) { ... }, [h](caf::error& e) { h.answer(error_response(e)); });
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>

#include "actorgate/actors/response.hpp"

namespace actorgate {

enum class backend_errc : std::uint8_t {
  /// The pool's queue is full: 503 with Retry-After.
  overloaded = 1,
  /// No connection to the backend could be made: 503.
  unavailable,
  /// The call's deadline passed: 504.
  timeout,
  /// The connection broke during the call: 502.
  transport,
  /// The backend answered with an exception: 502.
  application,
  /// The gateway is shutting down: 503.
  shutting_down,
  /// The backend accepted a connection but never served it while its other
  /// connections answered: every backend thread is taken. 503.
  exhausted,
  /// The client closed its connection before a worker took the call, which
  /// is then dropped unrun. 499, as nginx logs it; nobody reads the answer.
  abandoned,
};

caf::error make_error(backend_errc x, std::string detail = {});

/// An error that error_response answers with `status` and `message` as is,
/// e.g. a declared backend exception mapped to 404 (typed_pool::map_exception).
caf::error make_http_error(unsigned status, std::string message);

/// Whether `e` is the backend error `x`.
bool is_error(const caf::error& e, backend_errc x);

/// The HTTP answer for an error from a backend call (or any CAF error).
response error_response(const caf::error& e);

const char* to_string(backend_errc x);

} // namespace actorgate
