// The test IDL's two backends (tests/idl): everything-backend on Thrift's
// generated C++ and py_backend.py on python3-thrift, each framed and
// buffered, as real processes on ephemeral ports. Every method through
// Thrift's generated C++ client: both must answer exactly alike, so that the
// gateway's IDL-serving tests may use either.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <thrift/TApplicationException.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

#include "idltest/Everythings.h"
#include "tests/support/process.hpp"

using namespace actorgate::test;
using namespace std::chrono_literals;
using apache::thrift::TApplicationException;
using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::transport::TBufferedTransport;
using apache::thrift::transport::TFramedTransport;
using apache::thrift::transport::TSocket;
using apache::thrift::transport::TTransport;

namespace {

enum class impl { cpp, python };

struct config {
  impl backend;
  bool framed;
  const char* transport() const { return framed ? "framed" : "buffered"; }
};

// One backend process on an ephemeral port; at the end SIGTERM must make it
// exit 0.
struct running_backend {
  explicit running_backend(config c)
      : name(c.backend == impl::cpp ? "everything-backend" : "everything-py-backend"),
        proc(binary(c), arguments(c)), port(proc.wait_for_port()) {
    if (port == 0)
      FAIL(name << " did not start: " << proc.output());
  }
  ~running_backend() { stop_and_check(proc, name.c_str()); }

  std::string name;
  process proc;
  std::uint16_t port;

private:
  static std::string binary(config c) {
    if (c.backend == impl::cpp)
      return ACTORGATE_EVERYTHING_BACKEND_BIN;
    std::string python = ACTORGATE_PYTHON3;
    if (python.empty())
      throw std::runtime_error("no python3 imports thrift: install the Debian package "
                               "'python3-thrift' (scripts/setup.sh SETUP=test does), then "
                               "configure again");
    return python;
  }
  static std::vector<std::string> arguments(config c) {
    if (c.backend == impl::cpp)
      return {"--config-file=/dev/null", "--everything-server.port=0",
              std::string("--everything-server.transport=") + c.transport()};
    return {ACTORGATE_PY_BACKEND, "--gen-py",   ACTORGATE_PY_GEN_DIR, "--port", "0",
            "--transport",        c.transport()};
  }
};

// Thrift's generated C++ client on its own connection.
struct client {
  client(std::uint16_t port, bool framed) {
    auto socket = std::make_shared<TSocket>("127.0.0.1", port);
    socket->setConnTimeout(5000);
    socket->setRecvTimeout(5000);
    socket->setSendTimeout(5000);
    if (framed)
      transport = std::make_shared<TFramedTransport>(socket);
    else
      transport = std::make_shared<TBufferedTransport>(socket);
    rpc =
        std::make_unique<idltest::EverythingsClient>(std::make_shared<TBinaryProtocol>(transport));
    transport->open();
  }
  ~client() { transport->close(); }
  idltest::EverythingsClient* operator->() { return rpc.get(); }

  std::shared_ptr<TTransport> transport;
  std::unique_ptr<idltest::EverythingsClient> rpc;
};

idltest::Inner inner(const std::string& label) {
  idltest::Inner i;
  i.__set_label(label);
  return i;
}

idltest::Inner inner(const std::string& label, std::int32_t weight) {
  auto i = inner(label);
  i.__set_weight(weight);
  return i;
}

idltest_common::Point point(std::int32_t x, std::int32_t y) {
  idltest_common::Point p;
  p.x = x;
  p.y = y;
  return p;
}

// Every field set to a value other than its default (the optional `note` too),
// extremes of each integer type, non-ASCII text and bytes, nested containers.
idltest::Everything full() {
  idltest::Everything e;
  e.__set_flag(true);
  e.__set_b(-5);
  e.__set_tiny(std::numeric_limits<std::int8_t>::min());
  e.__set_small(std::numeric_limits<std::int16_t>::min());
  e.__set_medium(std::numeric_limits<std::int32_t>::max());
  e.__set_big(std::numeric_limits<std::int64_t>::min());
  e.__set_ratio(-0.1);
  e.__set_text("h\xc3\xa9llo \"q\" \xe2\x9c\x93");
  e.__set_blob(std::string("\x00\xff\x10\x80\x7f\xc3(abc", 10));
  e.__set_level(idltest::Level::HIGH);
  e.__set_color(idltest_common::Color::BLUE);
  e.__set_name("Ann");
  e.__set_inner(inner("in", 3));
  e.__set_tags({"a", "", "b\xc3\xa9"});
  e.__set_ids({-1, 0, 7});
  e.__set_counts({{"x", 9007199254740993}, {"y", -1}});
  e.__set_by_id({{-4, "minus"}, {7, "seven"}});
  e.__set_by_level({{idltest::Level::LOW, true}, {idltest::Level::HIGH, false}});
  e.__set_by_point({{point(1, 2), "p"}, {point(-3, 0), "q"}});
  e.__set_nested({{inner("a"), inner("b", -2)}, {}, {inner("c", 0)}});
  e.__set_path({point(0, -1), point(5, 6)});
  e.__set_stamp(1700000000000);
  e.__set_note("n");
  e.__set_needed(1);
  e.__set_defaulted(43);
  e.__set_greeting("hi");
  e.__set_lvl_default(idltest::Level::LOW);
  e.__set_list_default({});
  e.__set_map_default({{"b", 2}, {"c", -3}});
  idltest::Choice choice;
  choice.__set_number(5);
  e.__set_choice(choice);
  e.__set_names({"x", "y"});
  e.__set_deep({{10, {inner("d")}}, {-10, {}}});
  e.__set_inner_default(inner("y", 9));
  e.__set_ratio_default(-0.5);
  e.__set_flag_default(false);
  return e;
}

idltest::Everything with_text(const std::string& text) {
  auto e = full();
  e.__set_text(text);
  return e;
}

idltest::Tree tree(const std::string& label, std::vector<idltest::Tree> kids = {}) {
  idltest::Tree t;
  t.__set_label(label);
  t.__set_kids(std::move(kids));
  return t;
}

// Every method of one backend; each SUBCASE runs against a fresh process, so
// the notify() count starts at 0.
void check_backend(config c) {
  running_backend be{c};
  client cl{be.port, c.framed};

  SUBCASE("echo returns a fully populated Everything unchanged") {
    auto in = full();
    idltest::Everything out;
    cl->echo(out, in);
    CHECK(out == in);
    // The parts most likely to go wrong, named, should the whole differ.
    CHECK(out.blob == in.blob);
    CHECK(out.text == in.text);
    CHECK(out.big == std::numeric_limits<std::int64_t>::min());
    CHECK(out.by_point == in.by_point);
    CHECK(out.nested == in.nested);
    CHECK(out.deep == in.deep);
    CHECK(bool(out.__isset.note));
    CHECK(bool(out.inner.__isset.weight));
    CHECK_FALSE(bool(out.nested.at(0).at(0).__isset.weight));
    CHECK(bool(out.choice.__isset.number));
    CHECK_FALSE(bool(out.choice.__isset.text));
  }

  SUBCASE("echo leaves unset optional fields unset") {
    auto in = full();
    in.__isset.note = false;
    in.note.clear();
    in.inner.__isset.weight = false;
    in.inner.weight = 0;
    idltest::Everything out;
    cl->echo(out, in);
    CHECK(out == in);
    CHECK_FALSE(bool(out.__isset.note));
    CHECK_FALSE(bool(out.inner.__isset.weight));
  }

  SUBCASE("echo throws the declared exceptions with their fields") {
    auto missing = with_text("missing");
    missing.__set_big(-77);
    idltest::Everything out;
    try {
      cl->echo(out, missing);
      FAIL("echo(missing) returned");
    } catch (const idltest::NotFound& e) {
      CHECK(e.item == "missing");
      CHECK(e.id == -77);
    }
    try {
      cl->echo(out, with_text("broken"));
      FAIL("echo(broken) returned");
    } catch (const idltest::Broken& e) {
      CHECK(e.reason == "broken");
    }
    // The connection stays usable after an exception.
    CHECK(cl->ping() == 0);
  }

  SUBCASE("echo of crash gives a TApplicationException and the connection lives on") {
    idltest::Everything out;
    try {
      cl->echo(out, with_text("crash"));
      FAIL("echo(crash) returned");
    } catch (const TApplicationException& e) {
      // What each implementation makes of an undeclared error: the C++
      // processor sends the what() as UNKNOWN, python-thrift's hides it
      // behind INTERNAL_ERROR.
      if (c.backend == impl::cpp) {
        CHECK(e.getType() == TApplicationException::UNKNOWN);
        CHECK(std::string(e.what()) == "crash");
      } else {
        CHECK(e.getType() == TApplicationException::INTERNAL_ERROR);
        CHECK(std::string(e.what()) == "Internal error");
      }
    }
    CHECK(cl->ping() == 0);
    cl->echo(out, with_text("fine"));
    CHECK(out.text == "fine");
  }

  SUBCASE("echo of slow answers after 300 ms while other connections are served") {
    std::atomic<bool> slow_done{false};
    idltest::Everything slow_out;
    auto start = std::chrono::steady_clock::now();
    std::thread slow{[&] {
      cl->echo(slow_out, with_text("slow"));
      slow_done = true;
    }};
    std::this_thread::sleep_for(50ms);
    client other{be.port, c.framed};
    CHECK(other->add(1, 1) == 2);
    bool answered_meanwhile = !slow_done;
    slow.join();
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(answered_meanwhile);
    CHECK(took >= 300ms);
    CHECK(slow_out == with_text("slow"));
  }

  SUBCASE("forget returns, notify is counted by ping") {
    CHECK(cl->ping() == 0);
    cl->forget(7, "no reason");
    cl->forget(-1, "broken");
    for (int i = 0; i < 3; ++i)
      cl->notify("note " + std::to_string(i));
    // Oneway: no reply says when the backend has counted it.
    auto until = std::chrono::steady_clock::now() + 5s;
    std::int32_t seen = cl->ping();
    while (seen < 3 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(10ms);
      seen = cl->ping();
    }
    CHECK(seen == 3);
    client other{be.port, c.framed};
    CHECK(other->ping() == 3); // one count for the whole process
  }

  SUBCASE("add sums, wrapping at 64 bits") {
    CHECK(cl->add(2, 40) == 42);
    CHECK(cl->add(-2147483647 - 1, -1) == -2147483649LL);
    CHECK(cl->add(1, std::numeric_limits<std::int64_t>::max()) ==
          std::numeric_limits<std::int64_t>::min());
  }

  SUBCASE("route, levels and blob") {
    std::vector<idltest_common::Point> path{point(1, 2), point(-3, 4), point(0, 0)};
    std::vector<idltest_common::Point> routed;
    cl->route(routed, path, idltest_common::Color::GREEN);
    CHECK(routed == path);
    cl->route(routed, {}, idltest_common::Color::RED);
    CHECK(routed.empty());

    std::map<std::string, idltest::Level::type> levels;
    cl->levels(levels);
    CHECK(levels == std::map<std::string, idltest::Level::type>{{"low", idltest::Level::LOW},
                                                                {"mid", idltest::Level::MID},
                                                                {"high", idltest::Level::HIGH}});
    CHECK(levels.at("mid") == 5);

    std::string bytes;
    for (int i = 0; i < 256; ++i)
      bytes += static_cast<char>(255 - i);
    std::string blob;
    cl->blob(blob, bytes);
    CHECK(blob == bytes);
    cl->blob(blob, "");
    CHECK(blob.empty());
  }

  SUBCASE("tree returns a tree nested 3 deep unchanged") {
    auto in = tree("root", {tree("a", {tree("a1", {tree("a1x")}), tree("a2")}), tree("b")});
    idltest::Tree out;
    cl->tree(out, in);
    CHECK(out == in);
    REQUIRE(out.kids.size() == 2);
    REQUIRE(out.kids[0].kids.size() == 2);
    REQUIRE(out.kids[0].kids[0].kids.size() == 1);
    CHECK(out.kids[0].kids[0].kids[0].label == "a1x");
    CHECK(out.kids[0].kids[0].kids[0].kids.empty());
    CHECK(out.kids[1].label == "b");
  }
}

} // namespace

TEST_CASE("idl_backends: C++ everything-backend framed") {
  check_backend({impl::cpp, true});
}

TEST_CASE("idl_backends: C++ everything-backend buffered") {
  check_backend({impl::cpp, false});
}

TEST_CASE("idl_backends: Python py_backend.py framed") {
  check_backend({impl::python, true});
}

TEST_CASE("idl_backends: Python py_backend.py buffered") {
  check_backend({impl::python, false});
}
