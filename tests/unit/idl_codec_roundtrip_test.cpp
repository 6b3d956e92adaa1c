// A round-trip property: random values of every type in the test IDL, made
// from the model itself, go JSON -> codec -> Thrift's generated C++ (an echo:
// read the call, write the reply) -> codec -> JSON, and come back equal.
#include "actorgate/idl/codec.hpp"

#include <algorithm>
#include <random>

#include <doctest/doctest.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include "actorgate/idl/base64.hpp"
#include "idltest/Everythings.h"

using namespace actorgate::idl;
using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::transport::TMemoryBuffer;
using nlohmann::json;
namespace proto = apache::thrift::protocol;

namespace {

class generator {
public:
  explicit generator(std::uint32_t seed) : rng_(seed) {}

  // A value of `t` in the codec's output form. The generated C++ writes
  // every field that is not optional, sorts sets and maps and keeps one of
  // equal keys, so the value is made that way to compare equal.
  json value(const type_ref& t, int depth = 0) {
    switch (t.kind) {
    case type_kind::bool_:
      return pick(2) == 1;
    case type_kind::i8:
      return integer(-128, 127);
    case type_kind::i16:
      return integer(-32768, 32767);
    case type_kind::i32:
      return integer(INT32_MIN, INT32_MAX);
    case type_kind::i64:
      return integer(INT64_MIN, INT64_MAX);
    case type_kind::double_: {
      const double edges[] = {0.0, -0.0, 1e308, -4.9e-324, 0.1, 1.0 / 3};
      if (pick(3) == 0)
        return edges[pick(std::size(edges))];
      return std::uniform_real_distribution<double>(-1e12, 1e12)(rng_);
    }
    case type_kind::string:
      return text();
    case type_kind::binary: {
      std::string raw(pick(9), '\0');
      for (auto& c : raw)
        c = static_cast<char>(pick(256));
      return base64_encode(raw);
    }
    case type_kind::enum_: {
      const auto& values = t.enumeration->values;
      return values[pick(values.size())].first;
    }
    case type_kind::list:
    case type_kind::set: {
      auto out = json::array();
      for (std::size_t n = depth > 4 ? 0 : pick(4); n > 0; --n)
        out.push_back(value(*t.elem, depth + 1));
      if (t.kind == type_kind::set) {
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
      }
      return out;
    }
    case type_kind::map: {
      bool object = t.key->object_key();
      auto out = object ? json::object() : json::array();
      for (std::size_t n = depth > 4 ? 0 : pick(4); n > 0; --n) {
        auto k = value(*t.key, depth + 1);
        auto v = value(*t.elem, depth + 1);
        if (object)
          out[k.is_string() ? k.get<std::string>() : k.dump()] = v;
        else if (std::none_of(out.begin(), out.end(), [&](const json& p) { return p[0] == k; }))
          out.push_back({k, v});
      }
      if (!object)
        std::sort(out.begin(), out.end());
      return out;
    }
    case type_kind::struct_: {
      const struct_def& s = *t.structure;
      auto out = json::object();
      if (s.kind == struct_kind::union_) {
        const auto& f = s.fields[pick(s.fields.size())];
        out[f.name] = value(*f.type, depth + 1);
        return out;
      }
      for (const auto& f : s.fields)
        if (f.req != requiredness::optional || pick(2) == 1)
          out[f.name] = value(*f.type, depth + 1);
      return out;
    }
    case type_kind::void_:
      break;
    }
    return nullptr;
  }

private:
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  json integer(std::int64_t lo, std::int64_t hi) {
    switch (pick(4)) {
    case 0:
      return lo;
    case 1:
      return hi;
    case 2:
      return std::uniform_int_distribution<std::int64_t>(-3, 3)(rng_);
    default:
      return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
    }
  }

  // UTF-8 of one to four bytes a character, quotes and controls included.
  std::string text() {
    static const char* pieces[] = {"a",  "Z",    " ",        "\"",           "\\",
                                   "\n", "\x01", "\xc3\xa9", "\xe2\x9c\x93", "\xf0\x9f\x98\x80",
                                   "/",  "{"};
    std::string out;
    for (std::size_t n = pick(6); n > 0; --n)
      out += pieces[pick(std::size(pieces))];
    return out;
  }

  std::mt19937 rng_;
};

} // namespace

TEST_CASE("idl codec: random values of every type survive a round trip through generated C++") {
  static const model m = model::from_idl(ACTORGATE_SOURCE_DIR "/tests/idl/everything.thrift");
  const method_def& echo = *m.service("Everythings").find("echo");
  generator gen(20261204);
  auto buf = std::make_shared<TMemoryBuffer>();
  TBinaryProtocol p(buf);
  for (int i = 0; i < 300; ++i) {
    json value = gen.value(*echo.args.at(0).type);
    write_call(p, echo, json{{"value", value}}, i);
    // The backend's part, as Thrift's generated processor does it.
    std::string name;
    proto::TMessageType type;
    std::int32_t seqid = 0;
    p.readMessageBegin(name, type, seqid);
    idltest::Everythings_echo_args args;
    args.read(&p);
    p.readMessageEnd();
    idltest::Everythings_echo_result result;
    result.success = args.value;
    result.__isset.success = true;
    p.writeMessageBegin(name, proto::T_REPLY, seqid);
    result.write(&p);
    p.writeMessageEnd();

    auto r = read_reply(p, echo);
    REQUIRE(r.what == reply::kind::success);
    CHECK(r.seqid == i);
    if (r.value != value) {
      INFO("sent     " << value.dump(-1, ' ', false, json::error_handler_t::replace));
      INFO("received " << r.value.dump(-1, ' ', false, json::error_handler_t::replace));
      FAIL("round trip " << i << " differs");
    }
    CHECK(buf->available_read() == 0);
  }
}
