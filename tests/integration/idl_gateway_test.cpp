// Serving an IDL with no code ([idl]), through the whole pipeline: the real
// actorgate-server given tests/idl/everything.thrift, real HTTP, and a real
// backend of that IDL behind it: one built from Thrift's generated C++ and
// one in Python (python3-thrift), each over framed and buffered transport,
// so that the gateway's codec is checked against code we did not write.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "actorgate/idl/base64.hpp"
#include "actorgate/idl/model.hpp"
#include "tests/support/exposition.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace actorgate::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace idl = actorgate::idl;

namespace {

const std::string everything_idl = ACTORGATE_SOURCE_DIR "/tests/idl/everything.thrift";

struct backend_kind {
  const char* name;
  bool python;
  const char* transport;
};

const backend_kind backends[] = {
    {"C++ framed", false, "framed"},
    {"C++ buffered", false, "buffered"},
    {"python3-thrift framed", true, "framed"},
    {"python3-thrift buffered", true, "buffered"},
};

std::vector<std::string> backend_command(const backend_kind& b) {
  if (b.python)
    return {
        ACTORGATE_PYTHON3, ACTORGATE_PY_BACKEND, "--gen-py", ACTORGATE_PY_GEN_DIR, "--port", "0",
        "--transport",     b.transport};
  return {ACTORGATE_EVERYTHING_BACKEND_BIN, "--config-file=/dev/null", "--everything-server.port=0",
          std::string("--everything-server.transport=") + b.transport};
}

struct started {
  started(std::vector<std::string> cmd, const char* what)
      : name(what), proc(cmd.front(), std::vector<std::string>(cmd.begin() + 1, cmd.end())),
        port(proc.wait_for_port()) {
    if (port == 0)
      throw std::runtime_error(name + " did not start: " + proc.output());
  }
  ~started() { stop_and_check(proc, name.c_str()); }
  std::string name;
  process proc;
  std::uint16_t port;
};

std::vector<std::string> gateway_command(std::vector<std::string> args) {
  std::vector<std::string> cmd{gateway_binary(), "--config-file=/dev/null", "--http.port=0"};
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

// A backend of everything.thrift and a gateway serving it under /rpc.
struct stack {
  explicit stack(const backend_kind& b, std::vector<std::string> extra = {})
      : backend(backend_command(b), b.python ? "py_backend.py" : "everything-backend"),
        gateway(gateway_command([&] {
                  std::vector<std::string> args{
                      "--idl.file=" + everything_idl, "--idl.service=Everythings",
                      "--idl.endpoints=127.0.0.1:" + std::to_string(backend.port),
                      std::string("--idl.transport=") + b.transport};
                  args.insert(args.end(), extra.begin(), extra.end());
                  return args;
                }()),
                "actorgate-server"),
        client(gateway.port) {}

  http_reply post(const std::string& method, const json& args) {
    return client.send("POST", "/rpc/" + method, args.dump());
  }

  started backend;
  started gateway;
  http_client client;
};

// A fully populated Everything, every type of the IDL in it.
json full_everything() {
  return {
      {"flag", true},
      {"b", -128},
      {"tiny", 127},
      {"small", -32768},
      {"medium", 2147483647},
      {"big", 9007199254740993}, // beyond a double's exact integers
      {"ratio", 0.1},
      {"text", "grüße, 世界"},
      {"blob", idl::base64_encode(std::string("\x00\xff\x80 raw\n", 8))},
      {"level", "HIGH"},
      {"color", "BLUE"},
      {"name", "alias"},
      {"inner", {{"label", "in"}, {"weight", 3}}},
      {"tags", {"a", "b", ""}},
      {"ids", {1, 2, 3}},
      {"counts", {{"x", -9223372036854775807LL - 1}, {"y", 9223372036854775807LL}}},
      {"by_id", {{"1", "one"}, {"-2", "minus two"}}},
      {"by_level", {{"LOW", true}, {"MID", false}}},
      {"by_point", {{{{"x", 1}, {"y", 2}}, "p"}}},
      {"nested", {{{{"label", "n1"}}}, json::array()}},
      {"path", {{{"x", 0}, {"y", -1}}}},
      {"stamp", 1700000000000},
      {"note", "optional, set"},
      {"needed", 7},
      {"defaulted", 1},
      {"greeting", "hi"},
      {"lvl_default", "LOW"},
      {"list_default", json::array()},
      {"map_default", json::object()},
      {"choice", {{"number", 5}}},
      {"names", {"n"}},
      {"deep", {{"3", {{{"label", "d"}}}}}},
      {"inner_default", {{"label", "z"}}},
      {"ratio_default", -2.5},
      {"flag_default", false},
  };
}

json body_of(const http_reply& r) {
  return json::parse(r.body);
}

} // namespace

TEST_CASE("idl: every type round-trips through the gateway and each backend") {
  for (const auto& b : backends) {
    INFO("backend: ", b.name);
    stack s{b};
    auto in = full_everything();
    auto r = s.post("echo", {{"value", in}});
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    CHECK(body_of(r) == in);

    // Absent fields take their IDL defaults; an unset optional stays unset.
    r = s.post("echo", {{"value", {{"needed", 1}}}});
    REQUIRE(r.status == 200);
    auto out = body_of(r);
    CHECK(out["defaulted"] == 42);
    CHECK(out["greeting"] == "hello");
    CHECK(out["lvl_default"] == "MID");
    CHECK(out["list_default"] == json({1, 2, 3}));
    CHECK(out["map_default"] == json({{"a", 1}}));
    CHECK(out["inner_default"] == json({{"label", "x"}}));
    CHECK(out["ratio_default"] == 1.5);
    CHECK(out["flag_default"] == true);
    CHECK_FALSE(out.contains("note"));

    // An enum by number, an i64 as a string of digits.
    r = s.post("echo", {{"value", {{"needed", 1}, {"level", 6}, {"big", "-9223372036854775808"}}}});
    REQUIRE(r.status == 200);
    CHECK(body_of(r)["level"] == "HIGH");
    CHECK(body_of(r)["big"] == json(-9223372036854775807LL - 1));

    r = s.post("route", {{"path", {{{"x", 1}, {"y", 2}}, {{"x", 3}, {"y", 4}}}}, {"color", "RED"}});
    CHECK(r.status == 200);
    CHECK(r.body == R"([{"x":1,"y":2},{"x":3,"y":4}])");
    r = s.post("levels", json::object());
    CHECK(r.status == 200);
    CHECK(body_of(r) == json({{"low", "LOW"}, {"mid", "MID"}, {"high", "HIGH"}}));
    auto bytes = idl::base64_encode(std::string("\x01\x02\xfe\xff", 4));
    r = s.post("blob", {{"data", bytes}});
    CHECK(r.status == 200);
    CHECK(body_of(r) == bytes);
    json tree = {
        {"label", "a"},
        {"kids", {{{"label", "b"}, {"kids", {{{"label", "c"}, {"kids", json::array()}}}}}}}};
    r = s.post("tree", {{"t", tree}});
    CHECK(r.status == 200);
    CHECK(body_of(r) == tree);
    // A method of the parent service, with an empty body.
    r = s.client.send("POST", "/rpc/ping", "");
    CHECK(r.status == 200);
    CHECK(r.body == "0");
  }
}

TEST_CASE("idl: void answers 204, oneway 202, a result 200 with a bare JSON value") {
  for (const auto& b : backends) {
    INFO("backend: ", b.name);
    stack s{b};
    auto r = s.post("forget", {{"id", 1}, {"why", "done"}});
    CHECK(r.status == 204);
    CHECK(r.body.empty());
    for (int i = 0; i < 3; ++i) {
      r = s.post("notify", {{"msg", "n" + std::to_string(i)}});
      CHECK(r.status == 202);
    }
    // The backend counts the oneway calls; ping answers the count.
    std::string count;
    for (int i = 0; i < 50 && count != "3"; ++i) {
      count = s.post("ping", json::object()).body;
      if (count != "3")
        std::this_thread::sleep_for(20ms);
    }
    CHECK(count == "3");
    r = s.post("add", {{"a", 2}, {"b", 40}});
    CHECK(r.status == 200);
    CHECK(r.body == "42");
    r = s.post("add", {{"a", 2}}); // b's default, 10
    CHECK(r.body == "12");
  }
}

TEST_CASE("idl: declared exceptions answer their http.status, others 502") {
  for (const auto& b : backends) {
    INFO("backend: ", b.name);
    stack s{b};
    auto r = s.post("echo", {{"value", {{"needed", 1}, {"text", "missing"}, {"big", 9}}}});
    CHECK(r.status == 404);
    CHECK(body_of(r) == json({{"error", "NotFound"},
                              {"status", 404},
                              {"detail", {{"item", "missing"}, {"id", 9}}}}));
    r = s.post("echo", {{"value", {{"needed", 1}, {"text", "broken"}}}});
    CHECK(r.status == 500); // Broken has no http.status
    CHECK(body_of(r) ==
          json({{"error", "Broken"}, {"status", 500}, {"detail", {{"reason", "broken"}}}}));
    // An undeclared exception reaches the gateway as a TApplicationException.
    r = s.post("echo", {{"value", {{"needed", 1}, {"text", "crash"}}}});
    CHECK(r.status == 502);
    CHECK(body_of(r)["status"] == 502);
    // The connection stays usable after each.
    r = s.post("add", {{"a", 1}, {"b", 1}});
    CHECK(r.status == 200);
  }
}

TEST_CASE("idl: REST annotations bind path and query arguments, typed from the IDL") {
  for (const auto& b : backends) {
    INFO("backend: ", b.name);
    stack s{b};
    auto r = s.client.get("/rpc/add/5?b=6");
    CHECK(r.status == 200);
    CHECK(r.body == "11");
    r = s.client.get("/rpc/add/5");
    CHECK(r.body == "15");
    r = s.client.get("/rpc/add/x");
    CHECK(r.status == 400);
    CHECK(body_of(r)["error"] == "a: expected an integer");
    r = s.client.get("/rpc/add/5?b=1&c=2");
    CHECK(r.status == 400);
    CHECK(body_of(r)["error"].get<std::string>().rfind("c: ", 0) == 0);
    r = s.client.get("/rpc/add/99999999999");
    CHECK(r.status == 400);
    CHECK(body_of(r)["error"] == "a: expected an integer from -2147483648 to 2147483647");
  }
}

TEST_CASE("idl: bad input is a 400 naming the JSON path, and nothing reaches the backend") {
  stack s{backends[0]};
  auto bad = [&](const std::string& method, const std::string& body) {
    auto r = s.client.send("POST", "/rpc/" + method, body);
    CHECK(r.status == 400);
    return body_of(r)["error"].get<std::string>();
  };
  CHECK(bad("echo", R"({"value":)").rfind("malformed JSON: ", 0) == 0);
  CHECK(bad("echo", "[1]") == "the body must be a JSON object of the arguments by name");
  CHECK(bad("echo", R"({"value":{"needed":1,"tags":["a",5]}})") ==
        "value.tags[1]: expected a string");
  CHECK(bad("echo", R"({"value":{"needed":1,"tiny":128}})") ==
        "value.tiny: expected an integer from -128 to 127");
  CHECK(bad("echo", R"({"value":{"tiny":1}})") == "value.needed: missing (required)");
  CHECK(bad("echo", R"({"value":{"needed":1,"nope":1}})").rfind("value.nope: ", 0) == 0);
  CHECK(bad("echo", R"({"value":{"needed":1,"blob":"@@@"}})").rfind("value.blob: ", 0) == 0);
  CHECK(bad("echo", R"({"value":{"needed":1,"level":"TOP"}})").rfind("value.level: ", 0) == 0);
  CHECK(bad("add", R"({"a":1,"b":"x"})").rfind("b: ", 0) == 0);
  CHECK(bad("add", R"({"a":1,"extra":2})").rfind("extra: ", 0) == 0);
  auto r = s.client.send("GET", "/rpc/echo", "");
  CHECK(r.status == 405);
  CHECK(r.header("allow").find("POST") != std::string::npos);
  r = s.client.send("POST", "/rpc/no_such_method", "{}");
  CHECK(r.status == 404);
  // None of it reached the pool, let alone the backend.
  auto calls = [&] {
    return parse_exposition(
        s.client.get("/metrics").body)["actorgate_pool_calls_total{pool=\"idl\"}"];
  };
  CHECK(calls() == "0");
  r = s.post("add", {{"a", 1}, {"b", 2}});
  CHECK(r.body == "3");
  CHECK(calls() == "1");
}

namespace {

std::string utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// Random JSON input for any IDL type, as a client would send it: every
// field that is not optional given (an absent one would come back as its
// type's zero), optional ones at random, a union with one field.
struct random_json {
  std::mt19937_64 rng;

  std::size_t below(std::size_t n) { return static_cast<std::size_t>(rng() % n); }

  template <class T> json integer() {
    constexpr T lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
    switch (below(4)) {
    case 0:
      return static_cast<std::int64_t>(below(2) ? lo : hi);
    case 1:
      return static_cast<std::int64_t>(below(3)) - 1;
    default:
      return static_cast<std::int64_t>(std::uniform_int_distribution<std::int64_t>{lo, hi}(rng));
    }
  }

  json value(const idl::type_ref& t, int depth) {
    using K = idl::type_kind;
    std::size_t n = depth > 3 ? 0 : below(4);
    switch (t.kind) {
    case K::bool_:
      return below(2) == 1;
    case K::i8:
      return integer<std::int8_t>();
    case K::i16:
      return integer<std::int16_t>();
    case K::i32:
      return integer<std::int32_t>();
    case K::i64:
      return integer<std::int64_t>();
    case K::double_: {
      const double picks[] = {0.0, 0.1, -2.5, 1e300, -1e-300, 5e-324, 123456.789};
      return below(2) ? picks[below(7)] : std::uniform_real_distribution<double>{-1e6, 1e6}(rng);
    }
    case K::string: {
      const char32_t picks[] = {U'a', U'Z', U' ', U'\n', U'\x01', U'"', U'\\', U'é', U'世', U'😀'};
      std::string s;
      for (std::size_t i = below(8); i > 0; --i)
        s += utf8(picks[below(10)]);
      return s;
    }
    case K::binary: {
      std::string bytes;
      for (std::size_t i = below(8); i > 0; --i)
        bytes += static_cast<char>(below(256));
      return idl::base64_encode(bytes);
    }
    case K::enum_:
      return t.enumeration->values[below(t.enumeration->values.size())].first;
    case K::list: {
      json a = json::array();
      while (n-- > 0)
        a.push_back(value(*t.elem, depth + 1));
      return a;
    }
    case K::set: {
      json a = json::array();
      while (n-- > 0) {
        auto v = value(*t.elem, depth + 1);
        if (std::find(a.begin(), a.end(), v) == a.end())
          a.push_back(v);
      }
      return a;
    }
    case K::map: {
      json out = t.key->object_key() ? json::object() : json::array();
      std::vector<json> keys;
      while (n-- > 0) {
        auto k = value(*t.key, depth + 1);
        if (std::find(keys.begin(), keys.end(), k) != keys.end())
          continue;
        keys.push_back(k);
        auto v = value(*t.elem, depth + 1);
        if (t.key->object_key())
          out[k.is_string() ? k.get<std::string>() : k.dump()] = v;
        else
          out.push_back({k, v});
      }
      return out;
    }
    case K::struct_:
      return fields(*t.structure, depth + 1);
    case K::void_:
      break;
    }
    return nullptr;
  }

  json fields(const idl::struct_def& s, int depth) {
    json out = json::object();
    if (s.kind == idl::struct_kind::union_) {
      const auto& f = s.fields[below(s.fields.size())];
      out[f.name] = value(*f.type, depth);
      return out;
    }
    for (const auto& f : s.fields)
      if (f.req != idl::requiredness::optional || below(2))
        out[f.name] = value(*f.type, depth);
    return out;
  }
};

// `v` with the order a backend may change taken out: sets and maps written
// as [key, value] pairs are compared as sorted arrays.
json normalized(const idl::type_ref& t, const json& v) {
  using K = idl::type_kind;
  auto sorted = [](json a) {
    std::sort(a.begin(), a.end(), [](const json& x, const json& y) { return x.dump() < y.dump(); });
    return a;
  };
  switch (t.kind) {
  case K::list:
  case K::set: {
    json a = json::array();
    for (const auto& e : v)
      a.push_back(normalized(*t.elem, e));
    return t.kind == K::set ? sorted(a) : a;
  }
  case K::map:
    if (t.key->object_key()) {
      json o = json::object();
      for (const auto& [k, e] : v.items())
        o[k] = normalized(*t.elem, e);
      return o;
    } else {
      json a = json::array();
      for (const auto& p : v)
        a.push_back({normalized(*t.key, p[0]), normalized(*t.elem, p[1])});
      return sorted(a);
    }
  case K::struct_: {
    json o = json::object();
    for (const auto& [k, e] : v.items()) {
      const auto* f = t.structure->find(k);
      o[k] = f ? normalized(*f->type, e) : e;
    }
    return o;
  }
  default:
    return v;
  }
}

} // namespace

TEST_CASE("idl: random values of every type round-trip through each backend (property)") {
  auto model = idl::model::from_idl(everything_idl);
  const auto& svc = model.service("Everythings");
  const auto* echo = svc.find("echo");
  const auto* tree = svc.find("tree");
  REQUIRE(echo);
  REQUIRE(tree);
  for (const auto& b : backends) {
    INFO("backend: ", b.name);
    stack s{b};
    const std::uint64_t seed = 20261205;
    random_json gen{std::mt19937_64{seed}};
    for (int i = 0; i < 40; ++i) {
      CAPTURE(i);
      auto v = gen.fields(*echo->args[0].type->structure, 0);
      v["text"] = "plain"; // not one of the words that make the backend throw
      auto r = s.post("echo", {{"value", v}});
      REQUIRE_MESSAGE(r.status == 200, r.body, " for ", v.dump());
      CHECK_MESSAGE(normalized(*echo->returns, json::parse(r.body)) ==
                        normalized(*echo->returns, v),
                    "sent ", v.dump(), "\ngot  ", r.body);
      auto t = gen.fields(*tree->args[0].type->structure, 0);
      r = s.post("tree", {{"t", t}});
      REQUIRE(r.status == 200);
      CHECK(json::parse(r.body) == t);
    }
  }
}

TEST_CASE("idl: an IDL that cannot be served stops the gateway with exit code 2 and one line") {
  temp_dir dir{"idl-errors"};
  auto fails = [&](std::vector<std::string> args) {
    auto cmd = gateway_command(std::move(args));
    auto r = run_command(cmd.front(), std::vector<std::string>(cmd.begin() + 1, cmd.end()));
    CHECK(r.exit_code == 2);
    return r.output;
  };
  auto broken = dir.write("broken.thrift", "service S {\n  i32 f(1: i32 a\n}\n");
  auto out = fails({"--idl.file=" + broken});
  CHECK(out.find("broken.thrift:") != std::string::npos);
  CHECK(out.find("idl.file") != std::string::npos);

  out = fails({"--idl.file=" + dir.path() + "/absent.thrift"});
  CHECK(out.find("absent.thrift") != std::string::npos);

  out = fails({"--idl.file=" + everything_idl, "--idl.service=Nope"});
  CHECK(out.find("Everythings") != std::string::npos); // the services there are

  auto two = dir.write("two.thrift", "service A { i32 f() }\nservice B { i32 g() }\n");
  out = fails({"--idl.file=" + two});
  CHECK(out.find("idl.service") != std::string::npos);

  auto rest = dir.write("rest.thrift", "service S { i32 f(1: i32 a) (http.get = \"/f/{b}\") }\n");
  out = fails({"--idl.file=" + rest});
  CHECK(out.find("{b} names no argument") != std::string::npos);

  auto status = dir.write("status.thrift", "exception E { 1: string m } (http.status = \"200\")\n"
                                           "service S { void f() throws (1: E e) }\n");
  out = fails({"--idl.file=" + status});
  CHECK(out.find("http.status") != std::string::npos);

  out = fails({"--idl.file=" + everything_idl, "--idl.prefix=rpc"});
  CHECK(out.find("idl.prefix") != std::string::npos);
}

TEST_CASE("idl: a model file written by thrift --gen xml:merge serves like the IDL") {
  temp_dir dir{"idl-xml"};
  auto gen = run_command(find_program("thrift"),
                         {"--gen", "xml:merge", "-out", dir.path(), everything_idl});
  REQUIRE(gen.exit_code == 0);
  auto b = backends[0];
  started backend{backend_command(b), "everything-backend"};
  started gw{
      gateway_command({"--idl.file=" + dir.path() + "/everything.xml", "--idl.service=Everythings",
                       "--idl.endpoints=127.0.0.1:" + std::to_string(backend.port)}),
      "actorgate-server"};
  http_client c{gw.port};
  auto r = c.send("POST", "/rpc/add", R"({"a":20,"b":22})");
  CHECK(r.status == 200);
  CHECK(r.body == "42");
}

TEST_CASE(
    "idl: the shipped config serves the Compute IDL under /rpc beside the hand-written routes") {
  backend_process backend;
  auto port = "127.0.0.1:" + std::to_string(backend.port);
  started gw{{gateway_binary(), "--config-file=" ACTORGATE_SOURCE_DIR "/config/actorgate.ini",
              "--http.port=0", "--idl.file=" ACTORGATE_SOURCE_DIR "/apps/compute.thrift",
              "--backend.endpoints=" + port, "--idl.endpoints=" + port},
             "actorgate-server"};
  http_client c{gw.port};
  auto r = c.send("POST", "/rpc/echo", R"({"msg":"hi"})");
  CHECK(r.status == 200);
  CHECK(r.body == "\"hi\"");
  r = c.get("/echo?msg=hi");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"msg":"hi"})");
  r = c.send("POST", "/rpc/work", R"({"cpu_us":10})");
  CHECK(r.status == 200);
  // Metrics are labelled by method, as the route's pattern.
  auto m = c.get("/metrics");
  CHECK(m.body.find("route=\"/rpc/echo\"") != std::string::npos);
  CHECK(m.body.find("route=\"/rpc/work\"") != std::string::npos);
  CHECK(m.body.find("pool=\"idl\"") != std::string::npos);
}

TEST_CASE("idl: a method annotated idempotent is retried on another endpoint, others are not") {
  started a{backend_command(backends[0]), "everything-backend"};
  started b{backend_command(backends[0]), "everything-backend"};
  started gw{gateway_command({"--idl.file=" + everything_idl, "--idl.service=Everythings",
                              "--idl.endpoints=127.0.0.1:" + std::to_string(a.port) +
                                  ",127.0.0.1:" + std::to_string(b.port),
                              "--idl.balance=round-robin", "--idl.pool-size=1",
                              "--idl.call-timeout=300ms", "--idl.eject-after=1000"}),
             "actorgate-server"};
  http_client c{gw.port};
  // Stopped, `a` takes calls and never answers: only an idempotent call may
  // be repeated after its call timeout, since it may have reached `a`.
  a.proc.signal(SIGSTOP);
  for (int i = 0; i < 4; ++i) {
    auto r = c.send("POST", "/rpc/add", R"({"a":1,"b":2})"); // (idempotent = "true")
    CHECK(r.status == 200);
    CHECK(r.body == "3");
  }
  int timed_out = 0;
  for (int i = 0; i < 2; ++i) {
    auto r = c.send("POST", "/rpc/echo", R"({"value":{"needed":1}})");
    CHECK((r.status == 200 || r.status == 504));
    timed_out += r.status == 504;
  }
  CHECK(timed_out == 1);
  auto m = parse_exposition(c.get("/metrics").body);
  CHECK(std::stoi(m["actorgate_pool_retries_total{pool=\"idl\"}"]) >= 2);
  a.proc.signal(SIGCONT);
}

TEST_CASE("idl: {prefix}/openapi.json is the service's OpenAPI document, valid for a real "
          "validator") {
  stack s{backends[0]};
  auto r = s.client.get("/rpc/openapi.json");
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "application/json");
  auto doc = json::parse(r.body);
  CHECK(doc["openapi"] == "3.0.3");
  CHECK(doc["info"]["title"] == "Everythings");
  CHECK(doc["paths"].contains("/rpc/echo"));
  CHECK(doc["paths"]["/rpc/add/{a}"].contains("get"));
  CHECK(doc["paths"]["/rpc/echo"]["post"]["responses"].contains("404"));
  temp_dir dir{"openapi"};
  auto file = dir.write("served.json", r.body);
  auto verdict =
      run_command(ACTORGATE_NODE, {ACTORGATE_SOURCE_DIR "/tests/openapi/validate.js", file});
  CHECK_MESSAGE(verdict.exit_code == 0, verdict.output);
  CHECK(verdict.output.find("valid OpenAPI 3.0.3") != std::string::npos);
}
