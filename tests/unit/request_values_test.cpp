// Reading a request's values: typed path and query parameters, the JSON
// body and its fields, each a checked<T> whose problem names the culprit.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "actorgate/actors/errors.hpp"
#include "actorgate/actors/json.hpp"
#include "actorgate/actors/request.hpp"

using namespace actorgate;

namespace {

request with(std::vector<std::pair<std::string, std::string>> params,
             std::vector<std::pair<std::string, std::string>> query, std::string body = {}) {
  request r;
  r.path_params = std::move(params);
  r.query = std::move(query);
  r.body = std::move(body);
  return r;
}

} // namespace

TEST_CASE("path_param_as reads integers range-checked and names the parameter") {
  auto r = with({{"id", "42"}, {"big", "300"}, {"neg", "-1"}, {"word", "4x"}}, {});
  auto id = r.path_param_as<std::int64_t>("id");
  REQUIRE(id);
  CHECK(*id == 42);
  auto small = r.path_param_as<std::int8_t>("big");
  CHECK_FALSE(small);
  CHECK(small.problem() == "path parameter 'big' must be an integer from -128 to 127, got '300'");
  CHECK(small.error().status == 400);
  CHECK(small.error().body.find("path parameter 'big'") != std::string::npos);
  CHECK_FALSE(r.path_param_as<unsigned>("neg"));
  CHECK_FALSE(r.path_param_as<int>("word"));
  CHECK(r.path_param_as<std::string>("word").value() == "4x");
  CHECK_THROWS_AS(r.path_param_as<int>("nope"), std::out_of_range);
  CHECK_THROWS_AS(small.value(), std::logic_error);
}

TEST_CASE("query_param_as: absent is a problem unless there is a fallback") {
  auto r = with({}, {{"limit", "10"}, {"flag", "true"}, {"ratio", "0.5"}, {"bad", ""}});
  CHECK(r.query_param_as<int>("limit").value() == 10);
  CHECK(r.query_param_as<bool>("flag").value());
  CHECK(r.query_param_as<double>("ratio").value() == 0.5);
  auto missing = r.query_param_as<int>("page");
  CHECK_FALSE(missing);
  CHECK(missing.problem() == "missing query parameter 'page'");
  CHECK(r.query_param_as<int>("page", 1).value() == 1);
  CHECK_FALSE(r.query_param_as<int>("bad", 1)); // present but empty: not a number
}

TEST_CASE("json_body: malformed JSON and non-objects are problems") {
  CHECK(with({}, {}, R"({"a":1})").json_body());
  auto malformed = with({}, {}, R"({"a":)").json_body();
  CHECK_FALSE(malformed);
  CHECK(malformed.problem() == "request body is not valid JSON");
  auto list = with({}, {}, "[1,2]").json_body();
  CHECK_FALSE(list);
  CHECK(list.problem() == "request body must be a JSON object");
  CHECK_FALSE(with({}, {}, "").json_body());
}

TEST_CASE("json_field checks type and range where nlohmann's get<T> would truncate") {
  auto j = nlohmann::json::parse(
      R"({"qty":300,"neg":-5,"half":1.5,"name":"x","tags":["a",2],"ok":["a","b"],"big":4294967296})");
  CHECK(json_field<std::int32_t>(j, "qty").value() == 300);
  auto q8 = json_field<std::int8_t>(j, "qty");
  CHECK_FALSE(q8);
  CHECK(q8.problem() == "qty: expected an integer from -128 to 127");
  CHECK_FALSE(json_field<std::uint32_t>(j, "neg"));
  CHECK(json_field<std::int32_t>(j, "neg").value() == -5);
  CHECK_FALSE(json_field<std::int32_t>(j, "half"));
  CHECK_FALSE(json_field<std::int32_t>(j, "big"));
  CHECK(json_field<std::int64_t>(j, "big").value() == 4294967296LL);
  CHECK(json_field<double>(j, "half").value() == 1.5);
  CHECK_FALSE(json_field<std::string>(j, "qty"));
  auto tags = json_field<std::vector<std::string>>(j, "tags");
  CHECK_FALSE(tags);
  CHECK(tags.problem() == "tags[1]: expected a string");
  CHECK(json_field<std::vector<std::string>>(j, "ok").value() ==
        std::vector<std::string>{"a", "b"});
  CHECK(json_field<std::string>(j, "absent").problem() == "absent: missing (required)");
  CHECK(json_field<std::string>(j, "absent", "d").value() == "d");
}

TEST_CASE("response::json takes nlohmann::json and an HTTP error keeps its status and text") {
  auto r = response::json(200, {{"b", 1}, {"a", "\xff"}});
  CHECK(r.content_type == "application/json");
  CHECK(r.body == "{\"a\":\"\xEF\xBF\xBD\",\"b\":1}"); // invalid UTF-8 replaced
  auto e = error_response(make_http_error(404, "NotFound(key=k)"));
  CHECK(e.status == 404);
  CHECK(e.body == R"x({"error":"NotFound(key=k)","status":404})x");
}

TEST_CASE("json_fields writes a flat object with escaped keys and values") {
  CHECK(json_fields{}.str() == "{}");
  auto r = response::json(200, json_fields{}.add("msg", "a\"b\xff").add("n", std::int64_t{-7}));
  CHECK(r.content_type == "application/json");
  CHECK(r.body == "{\"msg\":\"a\\\"b\xEF\xBF\xBD\",\"n\":-7}");
  CHECK(nlohmann::json::parse(r.body)["n"] == -7);
}
