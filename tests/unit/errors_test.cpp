#include <doctest/doctest.h>

#include <caf/sec.hpp>

#include "actorgate/actors/errors.hpp"

using namespace actorgate;

TEST_CASE("backend errors map to HTTP statuses") {
  auto over = error_response(make_error(backend_errc::overloaded));
  CHECK(over.status == 503);
  REQUIRE(over.headers.size() == 1);
  CHECK(over.headers[0].name == "Retry-After");
  CHECK(error_response(make_error(backend_errc::unavailable, "refused")).status == 503);
  CHECK(error_response(make_error(backend_errc::timeout)).status == 504);
  CHECK(error_response(make_error(backend_errc::transport)).status == 502);
  CHECK(error_response(make_error(backend_errc::application)).status == 502);
  CHECK(error_response(make_error(backend_errc::shutting_down)).status == 503);
  CHECK(error_response(make_error(backend_errc::abandoned)).status == 499);
  CHECK(error_response(caf::make_error(caf::sec::request_timeout)).status == 504);
  CHECK(error_response(caf::make_error(caf::sec::unexpected_message)).status == 500);
  CHECK(error_response(make_error(backend_errc::timeout)).content_type == "application/json");
}

TEST_CASE("is_error tells a backend error by its kind, and an empty error is none") {
  CHECK(is_error(make_error(backend_errc::abandoned), backend_errc::abandoned));
  CHECK_FALSE(is_error(make_error(backend_errc::timeout), backend_errc::abandoned));
  CHECK_FALSE(is_error(caf::error{}, backend_errc::abandoned));
  // Same code, other category.
  CHECK_FALSE(is_error(caf::make_error(caf::sec::unexpected_message), backend_errc::overloaded));
}
