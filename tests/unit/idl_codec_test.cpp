// The JSON <-> Thrift codec against Thrift's own C++ code generated from the
// same IDL (tests/idl/everything.thrift): what the codec writes, the
// generated read() reads as meant; what the generated write() writes, the
// codec reads as the expected JSON. Every type, defaults, calls and replies.
#include "actorgate/idl/codec.hpp"

#include <doctest/doctest.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include "idltest/Everythings.h"

using namespace actorgate::idl;
using apache::thrift::TApplicationException;
using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::protocol::TCompactProtocol;
using apache::thrift::protocol::TProtocol;
using apache::thrift::transport::TMemoryBuffer;
using nlohmann::json;
namespace proto = apache::thrift::protocol;

namespace {

const model& everything() {
  static model m = model::from_idl(ACTORGATE_SOURCE_DIR "/tests/idl/everything.thrift");
  return m;
}

const method_def& method(const char* name) {
  const method_def* m = everything().service("Everythings").find(name);
  REQUIRE(m);
  return *m;
}

type_ref struct_type(const char* name) {
  type_ref t;
  t.kind = type_kind::struct_;
  t.structure = everything().find_struct(name);
  REQUIRE(t.structure);
  t.name = name;
  return t;
}

struct wire {
  std::shared_ptr<TMemoryBuffer> buf = std::make_shared<TMemoryBuffer>();
  TBinaryProtocol p{buf};
};

// Every field of Everything set, in the codec's output form.
json full() {
  return json::parse(R"({
    "flag": true, "b": -5, "tiny": 127, "small": -32768, "medium": 2147483647,
    "big": -9223372036854775808, "ratio": 0.25, "text": "h\u00e9llo \"q\" \u2713",
    "blob": "AP8QYWJj", "level": "HIGH", "color": "BLUE", "name": "Ann",
    "inner": {"label": "in", "weight": 3}, "tags": ["a", "b"], "ids": [1, 2, 3],
    "counts": {"x": 9007199254740993, "y": -1}, "by_id": {"-4": "minus", "7": "seven"},
    "by_level": {"LOW": true, "HIGH": false}, "by_point": [[{"x": 1, "y": 2}, "p"]],
    "nested": [[{"label": "a"}], []], "path": [{"x": 0, "y": -1}], "stamp": 1700000000000,
    "note": "n", "needed": 1, "defaulted": 43, "greeting": "hi", "lvl_default": "LOW",
    "list_default": [], "map_default": {"b": 2}, "choice": {"number": 5}, "names": ["x", "y"],
    "deep": {"10": [{"label": "d"}]}, "inner_default": {"label": "y"}, "ratio_default": -0.5,
    "flag_default": false})");
}

} // namespace

TEST_CASE("idl codec: JSON of every type is read by the generated C++ as meant") {
  wire w;
  write_value(w.p, struct_type("Everything"), full());
  idltest::Everything e;
  e.read(&w.p);
  CHECK(e.flag);
  CHECK(e.b == -5);
  CHECK(e.tiny == 127);
  CHECK(e.small == -32768);
  CHECK(e.medium == 2147483647);
  CHECK(e.big == std::numeric_limits<std::int64_t>::min());
  CHECK(e.ratio == 0.25);
  CHECK(e.text == "h\xc3\xa9llo \"q\" \xe2\x9c\x93");
  CHECK(e.blob == std::string("\x00\xff\x10"
                              "abc",
                              6));
  CHECK(e.level == idltest::Level::HIGH);
  CHECK(e.color == idltest_common::Color::BLUE);
  CHECK(e.name == "Ann");
  CHECK(e.inner.label == "in");
  CHECK(bool(e.inner.__isset.weight));
  CHECK(e.inner.weight == 3);
  CHECK(e.tags == std::vector<std::string>{"a", "b"});
  CHECK(e.ids == std::set<std::int32_t>{1, 2, 3});
  CHECK(e.counts.at("x") == 9007199254740993); // above 2^53: exact
  CHECK(e.by_id.at(-4) == "minus");
  CHECK(e.by_level.at(idltest::Level::LOW));
  CHECK_FALSE(e.by_level.at(idltest::Level::HIGH));
  idltest_common::Point p;
  p.x = 1;
  p.y = 2;
  CHECK(e.by_point.at(p) == "p");
  CHECK(e.nested.size() == 2);
  CHECK(e.nested[0][0].label == "a");
  CHECK_FALSE(bool(e.nested[0][0].__isset.weight));
  CHECK(e.path.at(0).y == -1);
  CHECK(e.stamp == 1700000000000);
  CHECK(bool(e.__isset.note));
  CHECK(e.needed == 1);
  CHECK(e.defaulted == 43);
  CHECK(e.map_default == std::map<std::string, std::int32_t>{{"b", 2}});
  CHECK(bool(e.choice.__isset.number));
  CHECK_FALSE(bool(e.choice.__isset.text));
  CHECK(e.choice.number == 5);
  CHECK(e.deep.at(10).at(0).label == "d");
  CHECK(e.inner_default.label == "y");
  CHECK_FALSE(e.flag_default);
  CHECK(w.buf->available_read() == 0);
}

TEST_CASE("idl codec: what the generated C++ writes reads back as the same JSON") {
  // JSON -> codec -> generated read() -> generated write() -> codec -> JSON
  wire w;
  write_value(w.p, struct_type("Everything"), full());
  idltest::Everything e;
  e.read(&w.p);
  e.write(&w.p);
  CHECK(read_value(w.p, struct_type("Everything")) == full());

  idltest::Everything made;
  made.needed = 7;
  made.blob = std::string("\0\x01", 2);
  // A newer backend's value. 3 is not declared but lies within the C++
  // enum's range (0..7 for LOW=0, MID=5, HIGH=6); 99 would be undefined
  // behaviour in the generated code itself (UBSan: -fsanitize=enum).
  made.level = static_cast<idltest::Level::type>(3);
  made.by_id[3] = "three";
  made.__isset.by_id = true;
  made.write(&w.p);
  auto out = read_value(w.p, struct_type("Everything"));
  CHECK(out["needed"] == 7);
  CHECK(out["blob"] == "AAE=");
  CHECK(out["level"] == 3);
  CHECK(out["by_id"] == json{{"3", "three"}});
  CHECK(out["defaulted"] == 42); // the generated constructor's IDL default
  CHECK(out["lvl_default"] == "MID");
  CHECK(out["inner_default"] == json{{"label", "x"}});
  CHECK_FALSE(out.contains("note"));          // optional and unset: omitted
  CHECK(out["inner"] == json{{"label", ""}}); // its optional weight unset
  CHECK(out["choice"] == json::object());     // a union with nothing set
}

TEST_CASE("idl codec: absent fields take their IDL default, absent optional ones stay unset") {
  wire w;
  write_value(w.p, struct_type("Everything"), json{{"needed", 0}, {"note", nullptr}});
  idltest::Everything e;
  e.defaulted = 0;
  e.greeting.clear();
  e.read(&w.p);
  CHECK(bool(e.__isset.defaulted));
  CHECK(e.defaulted == 42);
  CHECK(e.greeting == "hello");
  CHECK(e.lvl_default == idltest::Level::MID);
  CHECK(e.list_default == std::vector<std::int32_t>{1, 2, 3});
  CHECK(e.map_default.at("a") == 1);
  CHECK(e.inner_default.label == "x");
  CHECK(e.ratio_default == 1.5);
  CHECK(e.flag_default);
  CHECK_FALSE(bool(e.__isset.note)); // null is absent
  CHECK_FALSE(bool(e.__isset.flag)); // no IDL default: not sent
  CHECK_FALSE(bool(e.__isset.choice));
}

TEST_CASE("idl codec: i64 from a string of digits, enums by number, integer keys") {
  wire w;
  write_value(w.p, struct_type("Everything"),
              json{{"needed", 1},
                   {"big", "-9223372036854775808"},
                   {"stamp", "9223372036854775807"},
                   {"level", 5},
                   {"color", 2},
                   {"by_level", {{"6", true}, {"LOW", false}}},
                   {"deep", {{"-9223372036854775808", json::array()}}}});
  idltest::Everything e;
  e.read(&w.p);
  CHECK(e.big == std::numeric_limits<std::int64_t>::min());
  CHECK(e.stamp == std::numeric_limits<std::int64_t>::max());
  CHECK(e.level == idltest::Level::MID);
  CHECK(e.color == idltest_common::Color::GREEN);
  CHECK(e.by_level.at(idltest::Level::HIGH));
  CHECK(e.deep.count(std::numeric_limits<std::int64_t>::min()) == 1);
}

TEST_CASE("idl codec: a call is the generated args struct, oneway included") {
  wire w;
  write_call(w.p, method("echo"), json{{"value", full()}}, 41);
  std::string name;
  proto::TMessageType type;
  std::int32_t seqid = 0;
  w.p.readMessageBegin(name, type, seqid);
  CHECK(name == "echo");
  CHECK(type == proto::T_CALL);
  CHECK(seqid == 41);
  idltest::Everythings_echo_args args;
  args.read(&w.p);
  w.p.readMessageEnd();
  CHECK(args.value.medium == 2147483647);
  CHECK(args.value.by_point.size() == 1);

  write_call(w.p, method("notify"), json{{"msg", "hi"}}, 1);
  w.p.readMessageBegin(name, type, seqid);
  CHECK(name == "notify");
  CHECK(type == proto::T_ONEWAY);
  idltest::Everythings_notify_args notify;
  notify.read(&w.p);
  CHECK(notify.msg == "hi");

  write_call(w.p, method("add"), json{{"a", -3}}, 2); // b defaults to 10
  w.p.readMessageBegin(name, type, seqid);
  idltest::Everythings_add_args add;
  add.b = 0;
  add.read(&w.p);
  CHECK(add.a == -3);
  CHECK(add.b == 10);

  write_call(w.p, method("ping"), json::object(), 3); // inherited from Base
  w.p.readMessageBegin(name, type, seqid);
  CHECK(name == "ping");
  idltest::Base_ping_args ping;
  ping.read(&w.p);
  CHECK(w.buf->available_read() == 0);
}

namespace {

template <class Result>
reply reply_of(const char* method_name, Result& result, proto::TMessageType type = proto::T_REPLY,
               const char* name = nullptr) {
  wire w;
  w.p.writeMessageBegin(name ? name : method_name, type, 9);
  result.write(&w.p);
  w.p.writeMessageEnd();
  auto r = read_reply(w.p, method(method_name));
  CHECK(r.seqid == 9);
  CHECK(w.buf->available_read() == 0);
  return r;
}

} // namespace

TEST_CASE("idl codec: replies: a result, a declared exception, void, application errors") {
  wire w;
  write_value(w.p, struct_type("Everything"), full());
  idltest::Everythings_echo_result echo;
  echo.success.read(&w.p);
  echo.__isset.success = true;
  auto ok = reply_of("echo", echo);
  CHECK(ok.what == reply::kind::success);
  CHECK(ok.value == full());

  idltest::Everythings_echo_result thrown;
  thrown.missing.item = "shoe";
  thrown.missing.id = 12;
  thrown.__isset.missing = true;
  auto ex = reply_of("echo", thrown);
  CHECK(ex.what == reply::kind::exception);
  REQUIRE(ex.thrown);
  CHECK(ex.thrown->name == "missing");
  CHECK(ex.thrown->type->structure->name == "NotFound");
  CHECK(ex.thrown->type->structure->annotations.at("http.status") == "404");
  CHECK(ex.value == json{{"item", "shoe"}, {"id", 12}});

  idltest::Everythings_echo_result broken;
  broken.__isset.broken = true;
  auto ex2 = reply_of("echo", broken);
  CHECK(ex2.thrown->type->structure->name == "Broken");
  CHECK(ex2.value == json{{"reason", ""}});

  idltest::Everythings_forget_result forget;
  auto v = reply_of("forget", forget);
  CHECK(v.what == reply::kind::success);
  CHECK(v.value.is_null());

  idltest::Everythings_levels_result levels;
  levels.success = {{"a", idltest::Level::LOW}, {"b", idltest::Level::HIGH}};
  levels.__isset.success = true;
  CHECK(reply_of("levels", levels).value == json{{"a", "LOW"}, {"b", "HIGH"}});

  idltest::Everythings_blob_result blob;
  blob.success = std::string("\xfb\xff", 2);
  blob.__isset.success = true;
  CHECK(reply_of("blob", blob).value == "+/8=");

  idltest::Everythings_add_result missing; // no result set: the generated client's error
  auto none = reply_of("add", missing);
  CHECK(none.what == reply::kind::application_error);
  CHECK(none.app_error.getType() == TApplicationException::MISSING_RESULT);
  CHECK(std::string(none.app_error.what()) == "add failed: unknown result");

  TApplicationException app(TApplicationException::UNKNOWN_METHOD, "no such method");
  auto x = reply_of("add", app, proto::T_EXCEPTION);
  CHECK(x.what == reply::kind::application_error);
  CHECK(x.app_error.getType() == TApplicationException::UNKNOWN_METHOD);
  CHECK(std::string(x.app_error.what()) == "no such method");

  idltest::Everythings_add_result wrong;
  wrong.success = 1;
  wrong.__isset.success = true;
  auto other = reply_of("add", wrong, proto::T_REPLY, "ping");
  CHECK(other.app_error.getType() == TApplicationException::WRONG_METHOD_NAME);
  auto call = reply_of("add", wrong, proto::T_CALL);
  CHECK(call.app_error.getType() == TApplicationException::INVALID_MESSAGE_TYPE);
  CHECK(reply_of("add", wrong).value == 1);
}

TEST_CASE("idl codec: fields unknown to the IDL are skipped in a reply") {
  wire w;
  w.p.writeStructBegin("Inner");
  w.p.writeFieldBegin("newer", proto::T_LIST, 7);
  w.p.writeListBegin(proto::T_MAP, 1);
  w.p.writeMapBegin(proto::T_STRING, proto::T_STRUCT, 1);
  w.p.writeString(std::string("k"));
  w.p.writeStructBegin("X");
  w.p.writeFieldStop();
  w.p.writeStructEnd();
  w.p.writeMapEnd();
  w.p.writeListEnd();
  w.p.writeFieldEnd();
  w.p.writeFieldBegin("label", proto::T_STRING, 1);
  w.p.writeString(std::string("kept"));
  w.p.writeFieldEnd();
  w.p.writeFieldBegin("weight", proto::T_STRING, 2); // another type than the IDL's
  w.p.writeString(std::string("skipped"));
  w.p.writeFieldEnd();
  w.p.writeFieldStop();
  w.p.writeStructEnd();
  CHECK(read_value(w.p, struct_type("Inner")) == json{{"label", "kept"}});
  CHECK(w.buf->available_read() == 0);
}

TEST_CASE("idl codec: the compact protocol works the same") {
  auto buf = std::make_shared<TMemoryBuffer>();
  TCompactProtocol p(buf);
  write_value(p, struct_type("Everything"), full());
  idltest::Everything e;
  e.read(&p);
  e.write(&p);
  CHECK(read_value(p, struct_type("Everything")) == full());
}
