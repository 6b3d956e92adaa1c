#include <doctest/doctest.h>

#include <set>
#include <string>

#include "actorgate/http/request_id.hpp"

using namespace actorgate::http;

TEST_CASE("request id: a client's id is kept only if it is visible ASCII of 1 to 128 chars") {
  CHECK(sane_request_id("abc-123"));
  CHECK(sane_request_id("!~\"{}"));
  CHECK(sane_request_id(std::string(128, 'x')));
  CHECK_FALSE(sane_request_id(std::string(129, 'x')));
  CHECK_FALSE(sane_request_id(""));
  CHECK_FALSE(sane_request_id("a b"));
  CHECK_FALSE(sane_request_id("a\tb"));
  CHECK_FALSE(sane_request_id(std::string("a\0b", 3)));
  CHECK_FALSE(sane_request_id("a\x7f"));
  CHECK_FALSE(sane_request_id("caf\xc3\xa9"));
}

TEST_CASE("request id: generated ids are 16 hex digits and differ") {
  std::set<std::string> seen;
  std::string id;
  for (int i = 0; i < 10000; ++i) {
    generate_request_id(id);
    REQUIRE(id.size() == 16);
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(sane_request_id(id));
    seen.insert(id);
  }
  CHECK(seen.size() == 10000);
}
