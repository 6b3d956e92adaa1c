#include <doctest/doctest.h>

#include <caf/sec.hpp>
#include <ostream>
#include <stdexcept>
#include <typeinfo>

#include "actorgate/actors/errors.hpp"
#include "actorgate/rpc/typed_pool.hpp"

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

namespace {
struct plain_error : std::runtime_error {
  plain_error() : std::runtime_error("plain") {}
};
struct printing_error : std::exception {
  void printTo(std::ostream& out) const { out << "printing_error(code=7)"; }
};
} // namespace

TEST_CASE("typed_pool: a mapped exception's text is its fields if it prints them, else what()") {
  // Any exception type may be mapped, not only Thrift's generated ones.
  CHECK(actorgate::rpc::detail::exception_text(plain_error{}) == "plain");
  CHECK(actorgate::rpc::detail::exception_text(printing_error{}) == "printing_error(code=7)");
  CHECK(actorgate::rpc::detail::exception_text(42) == typeid(int).name());
}
