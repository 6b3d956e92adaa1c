// The codec's refusals: each bad input with the JSON path of the culprit
// (what a 400 will say), nothing written for a refused call, and nesting
// bounded both ways.
#include "actorgate/idl/codec.hpp"

#include <doctest/doctest.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TProtocolException.h>
#include <thrift/transport/TBufferTransports.h>

#include "idltest/Everythings.h"

using namespace actorgate::idl;
using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::protocol::TProtocolException;
using apache::thrift::transport::TMemoryBuffer;
using nlohmann::json;
namespace proto = apache::thrift::protocol;

namespace {

const model& everything() {
  static model m = model::from_idl(ACTORGATE_SOURCE_DIR "/tests/idl/everything.thrift");
  return m;
}

const method_def& echo() {
  return *everything().service("Everythings").find("echo");
}

// The error write_call gives for echo({"value": {"needed": 1, <fields>}}),
// after checking that it wrote nothing.
std::string echo_error(const json& fields) {
  json value = {{"needed", 1}};
  value.update(fields);
  auto buf = std::make_shared<TMemoryBuffer>();
  TBinaryProtocol p(buf);
  try {
    write_call(p, echo(), json{{"value", value}}, 1);
  } catch (const input_error& e) {
    CHECK(buf->available_read() == 0);
    return e.what();
  }
  return "(accepted)";
}

std::string call_error(const char* method, const json& args) {
  auto buf = std::make_shared<TMemoryBuffer>();
  TBinaryProtocol p(buf);
  try {
    write_call(p, *everything().service("Everythings").find(method), args, 1);
  } catch (const input_error& e) {
    return e.what();
  }
  return "(accepted)";
}

json tree(int depth) {
  json t = {{"label", "leaf"}};
  for (int i = 0; i < depth; ++i)
    t = {{"kids", json::array({t})}};
  return t;
}

} // namespace

TEST_CASE("idl codec errors: the body and the arguments") {
  CHECK(call_error("echo", json::array()) == "expected a JSON object");
  CHECK(call_error("echo", "text") == "expected a JSON object");
  CHECK(call_error("echo", {{"valu", 1}}) == "valu: unknown field");
  CHECK(call_error("echo", {{"value", 1}}) == "value: expected an object");
  CHECK(call_error("echo", {{"value", json::object()}}) == "value.needed: missing (required)");
  CHECK(call_error("echo", {{"value", {{"needed", nullptr}}}}) ==
        "value.needed: missing (required)");
  CHECK(call_error("add", {{"a", "1"}}) == "a: expected an integer from -2147483648 to 2147483647");
  CHECK(call_error("add", json::object()) == "(accepted)"); // arguments are never required
  CHECK(call_error("ping", json::object()) == "(accepted)");
  CHECK(call_error("ping", {{"x", 1}}) == "x: unknown field");
}

TEST_CASE("idl codec errors: wrong types and ranges name their path") {
  CHECK(echo_error({{"flag", 1}}) == "value.flag: expected true or false");
  CHECK(echo_error({{"b", -129}}) == "value.b: expected an integer from -128 to 127");
  CHECK(echo_error({{"tiny", 128}}) == "value.tiny: expected an integer from -128 to 127");
  CHECK(echo_error({{"small", 32768}}) == "value.small: expected an integer from -32768 to 32767");
  CHECK(echo_error({{"medium", -2147483649LL}}) ==
        "value.medium: expected an integer from -2147483648 to 2147483647");
  CHECK(echo_error({{"medium", 1.5}}) ==
        "value.medium: expected an integer from -2147483648 to 2147483647");
  const std::string i64 = "value.big: expected an integer from -9223372036854775808 to "
                          "9223372036854775807 (a number or a string of digits)";
  CHECK(echo_error({{"big", 9223372036854775808ULL}}) == i64);
  CHECK(echo_error({{"big", "9223372036854775808"}}) == i64);
  CHECK(echo_error({{"big", "-9223372036854775809"}}) == i64);
  CHECK(echo_error({{"big", "12a"}}) == i64);
  CHECK(echo_error({{"big", ""}}) == i64);
  CHECK(echo_error({{"big", "-"}}) == i64);
  CHECK(echo_error({{"big", "+1"}}) == i64);
  CHECK(echo_error({{"big", 1e3}}) == i64);
  CHECK(echo_error({{"big", true}}) == i64);
  CHECK(echo_error({{"ratio", "0.5"}}) == "value.ratio: expected a number");
  CHECK(echo_error({{"text", 5}}) == "value.text: expected a string");
  CHECK(echo_error({{"name", json::array()}}) == "value.name: expected a string"); // typedef
  CHECK(echo_error({{"tags", {"a", 2}}}) == "value.tags[1]: expected a string");
  CHECK(echo_error({{"tags", "a"}}) == "value.tags: expected an array");
  CHECK(echo_error({{"ids", {1, "2"}}}) ==
        "value.ids[1]: expected an integer from -2147483648 to 2147483647");
  CHECK(echo_error({{"inner", json::array()}}) == "value.inner: expected an object");
  CHECK(echo_error({{"inner", {{"labl", "x"}}}}) == "value.inner.labl: unknown field");
  CHECK(echo_error({{"nested", {{{{"label", 5}}}}}}) ==
        "value.nested[0][0].label: expected a string");
  CHECK(echo_error({{"path", {{{"x", 1}}}}}) == "value.path[0].y: missing (required)");
  CHECK(echo_error({{"stamp", "x"}}) ==
        "value.stamp: expected an integer from -9223372036854775808 to 9223372036854775807 "
        "(a number or a string of digits)");
}

TEST_CASE("idl codec errors: binary, enums and unions") {
  for (const char* bad : {"Zg", "Zg=", "Zm9v\n", "Zh==", "Zm-v", "Zm9v Zg=="})
    CHECK(echo_error({{"blob", bad}}) == "value.blob: expected base64 (RFC 4648, padded)");
  CHECK(echo_error({{"blob", 1}}) == "value.blob: expected a base64 string");
  CHECK(echo_error({{"level", "TOP"}}) ==
        "value.level: unknown Level 'TOP' (expected one of LOW, MID, HIGH or its number)");
  CHECK(echo_error({{"level", "low"}}) ==
        "value.level: unknown Level 'low' (expected one of LOW, MID, HIGH or its number)");
  CHECK(echo_error({{"level", 3}}) ==
        "value.level: unknown Level number 3 (expected one of LOW, MID, HIGH or its number)");
  CHECK(echo_error({{"level", 4294967301ULL}}) ==
        "value.level: unknown Level number 4294967301 (expected one of LOW, MID, HIGH or its "
        "number)");
  CHECK(echo_error({{"color", 1.0}}) ==
        "value.color: expected a Color name (RED, GREEN, BLUE) or number");
  CHECK(echo_error({{"choice", json::object()}}) ==
        "value.choice: expected exactly one of text, number");
  CHECK(echo_error({{"choice", {{"text", "a"}, {"number", 1}}}}) ==
        "value.choice: expected exactly one of text, number");
  CHECK(echo_error({{"choice", {{"text", 1}}}}) == "value.choice.text: expected a string");
  CHECK(echo_error({{"choice", {{"text", "a"}, {"number", nullptr}}}}) == "(accepted)");
}

TEST_CASE("idl codec errors: map keys and [key, value] pairs") {
  CHECK(echo_error({{"counts", {{"a", true}}}}) ==
        "value.counts[\"a\"]: expected an integer from -9223372036854775808 to "
        "9223372036854775807 (a number or a string of digits)");
  CHECK(echo_error({{"counts", json::array()}}) == "value.counts: expected an object");
  CHECK(echo_error({{"by_id", {{"x", "a"}}}}) == "value.by_id[\"x\"]: expected an integer key");
  CHECK(echo_error({{"by_id", {{"2147483648", "a"}}}}) ==
        "value.by_id[\"2147483648\"]: expected an integer from -2147483648 to 2147483647");
  CHECK(echo_error({{"by_level", {{"TOP", true}}}}) ==
        "value.by_level[\"TOP\"]: unknown Level key (expected one of LOW, MID, HIGH or its "
        "number)");
  CHECK(echo_error({{"by_level", {{"3", true}}}}) ==
        "value.by_level[\"3\"]: unknown Level key (expected one of LOW, MID, HIGH or its "
        "number)");
  CHECK(echo_error({{"by_level", {{"MID", 1}}}}) ==
        "value.by_level[\"MID\"]: expected true or false");
  CHECK(echo_error({{"by_point", json::object()}}) ==
        "value.by_point: expected an array of [key, value] pairs");
  CHECK(echo_error({{"by_point", {{1}}}}) == "value.by_point[0]: expected a [key, value] pair");
  CHECK(echo_error({{"by_point", {json::array({{{"x", 1}}, "a"})}}}) ==
        "value.by_point[0][0].y: missing (required)");
  CHECK(echo_error({{"by_point", {json::array({{{"x", 1}, {"y", 2}}, 3})}}}) ==
        "value.by_point[0][1]: expected a string");
  CHECK(echo_error({{"deep", {{"1", {{{"weight", "x"}}}}}}}) ==
        "value.deep[\"1\"][0].weight: expected an integer from -2147483648 to 2147483647");
  CHECK(echo_error({{"map_default", {{"a b\"c", "x"}}}}) ==
        "value.map_default[\"a b\\\"c\"]: expected an integer from -2147483648 to 2147483647");
}

TEST_CASE("idl codec errors: the shop example's path, as the issue words it") {
  auto shop = model::from_idl(ACTORGATE_SOURCE_DIR "/examples/shop/shop.thrift");
  auto buf = std::make_shared<TMemoryBuffer>();
  TBinaryProtocol p(buf);
  CHECK_THROWS_WITH_AS(write_call(p, *shop.service("Shop").find("add_item"),
                                  json{{"item", {{"tags", {"a", 1}}}}}, 1),
                       "item.tags[1]: expected a string", input_error);
  try {
    check_args(*shop.service("Shop").find("add_item"), json{{"item", {{"id", "x"}}}});
  } catch (const input_error& e) {
    CHECK(e.path() == "item.id");
    CHECK(e.problem() == "expected an integer from -9223372036854775808 to 9223372036854775807 "
                         "(a number or a string of digits)");
  }
}

TEST_CASE("idl codec errors: nesting is bounded in input and in replies") {
  auto t = everything().service("Everythings").find("tree");
  REQUIRE(t);
  // Each Tree level is a struct and a list: two of the 64 levels.
  CHECK(call_error("tree", {{"t", tree(31)}}) == "(accepted)");
  auto deep = call_error("tree", {{"t", tree(40)}});
  std::string path = "t";
  for (int i = 0; i < 32; ++i)
    path += ".kids[0]";
  CHECK(deep == path + ": nested deeper than 64 levels");

  // A backend's reply nested deeper than that: a protocol error, no crash.
  auto buf = std::make_shared<TMemoryBuffer>();
  TBinaryProtocol p(buf);
  for (int i = 0; i < 100; ++i) {
    p.writeStructBegin("Tree");
    p.writeFieldBegin("kids", proto::T_LIST, 2);
    p.writeListBegin(proto::T_STRUCT, 1);
  }
  CHECK_THROWS_AS(read_value(p, *t->returns), TProtocolException);

  // A generated tree of 20 levels reads back whole.
  idltest::Tree root;
  root.label = "0";
  for (int i = 1; i < 20; ++i) {
    idltest::Tree up;
    up.label = std::to_string(i);
    up.kids.push_back(root);
    root = up;
  }
  auto buf2 = std::make_shared<TMemoryBuffer>();
  TBinaryProtocol p2(buf2);
  root.write(&p2);
  auto out = read_value(p2, *t->returns);
  const json* at = &out;
  for (int i = 19; i > 0; --i) {
    CHECK((*at)["label"] == std::to_string(i));
    at = &(*at)["kids"][0];
  }
  CHECK(*at == json{{"label", "0"}, {"kids", json::array()}});
}

TEST_CASE("idl codec errors: a reply of another element type is a protocol error") {
  auto levels = everything().service("Everythings").find("levels");
  auto buf = std::make_shared<TMemoryBuffer>();
  TBinaryProtocol p(buf);
  p.writeMapBegin(proto::T_STRING, proto::T_STRING, 1); // the IDL says map<string, Level>
  p.writeString(std::string("a"));
  p.writeString(std::string("b"));
  p.writeMapEnd();
  CHECK_THROWS_AS(read_value(p, *levels->returns), TProtocolException);
}
