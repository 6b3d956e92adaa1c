#include <doctest/doctest.h>

#include "actorgate/actors/json.hpp"
#include "actorgate/actors/request.hpp"
#include "actorgate/actors/response.hpp"

using actorgate::json_quote;
using actorgate::response;

TEST_CASE("JSON strings are escaped and keep UTF-8") {
  CHECK(json_quote("hi") == "\"hi\"");
  CHECK(json_quote("") == "\"\"");
  CHECK(json_quote("a\"b") == "\"a\\\"b\"");
  CHECK(json_quote("a\\b") == "\"a\\\\b\"");
  CHECK(json_quote("line\nnext\ttab\r") == "\"line\\nnext\\ttab\\r\"");
  CHECK(json_quote(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(json_quote("</script>") == "\"</script>\"");
  std::string printable; // stands for itself, as does DEL
  for (char c = 0x20; c < 0x7f; ++c)
    if (c != '"' && c != '\\')
      printable += c;
  CHECK(json_quote(printable) == "\"" + printable + "\"");
  CHECK(json_quote("\x7f") == "\"\x7f\"");
  // UTF-8 stays as it is, not \u-escaped.
  CHECK(json_quote("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80") ==
        "\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  // Invalid UTF-8 becomes U+FFFD instead of producing invalid JSON.
  CHECK(json_quote("a\xFF"
                   "b") == "\"a\xEF\xBF\xBD"
                           "b\"");
  CHECK(json_quote("\xC3") == "\"\xEF\xBF\xBD\"");
}

TEST_CASE("error responses carry a JSON body") {
  auto r = response::error(400, "missing \"msg\"");
  CHECK(r.status == 400);
  CHECK(r.content_type == "application/json");
  CHECK(r.body == R"({"error":"missing \"msg\"","status":400})");
}

TEST_CASE("request accessors: headers case-insensitively, first query value, path parameters") {
  actorgate::request r;
  r.headers = {{"Content-Type", "text/plain"}, {"X-Id", "1"}, {"x-id", "2"}};
  r.query = {{"a", "1"}, {"a", "2"}, {"b", ""}};
  r.path_params = {{"id", "42"}};
  REQUIRE(r.header_value("content-type") != nullptr);
  CHECK(*r.header_value("CONTENT-TYPE") == "text/plain");
  CHECK(*r.header_value("x-id") == "1");
  CHECK(r.header_value("content") == nullptr);
  CHECK(*r.query_param("a") == "1");
  CHECK(*r.query_param("b") == "");
  CHECK(r.query_param("c") == nullptr);
  CHECK(r.path_param("id") == "42");
  CHECK_THROWS_AS(r.path_param("ID"), std::out_of_range);
}
