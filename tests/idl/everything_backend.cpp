// everything-backend: the test IDL's service (everything.thrift, service
// Everythings extends Base) on Thrift's generated C++ and actorgate's
// backend facade, for the gateway's IDL-serving tests. py_backend.py does
// exactly the same on python3-thrift; keep the two in step.
//
//   everything-backend --config-file=/dev/null --everything-server.port=0
//                      [--everything-server.transport=framed|buffered]
//
// ping()        the number of notify() calls received so far
// echo(v)       v, except: v.text "missing" throws NotFound{"missing", v.big},
//               "broken" throws Broken{"broken"}, "crash" throws an
//               undeclared error (a TApplicationException to the client),
//               "slow" answers after 300 ms
// forget        returns; notify (oneway) is counted; add(a, b) is a + b
//               (wrapping on overflow); route, blob and tree return their
//               argument; levels() is {"low": LOW, "mid": MID, "high": HIGH}
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <thread>

#include "actorgate/gateway/backend.hpp"
#include "idltest/Everythings.h"

namespace {

// Called on many server threads at once (one per connection): the only
// state, the notify() count, is atomic.
class everything_handler : public idltest::EverythingsIf {
public:
  int32_t ping() override { return notified_.load(); }

  void echo(idltest::Everything& out, const idltest::Everything& value) override {
    if (value.text == "missing") {
      idltest::NotFound e;
      e.__set_item("missing");
      e.__set_id(value.big);
      throw e;
    }
    if (value.text == "broken") {
      idltest::Broken e;
      e.__set_reason("broken");
      throw e;
    }
    if (value.text == "crash")
      throw std::runtime_error("crash");
    if (value.text == "slow")
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    out = value;
  }

  void forget(const int64_t, const std::string&) override {}

  void notify(const std::string&) override { ++notified_; }

  int64_t add(const int32_t a, const int64_t b) override {
    // Two's complement wrap, as the Python backend does; signed overflow
    // would be undefined.
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  }

  void route(std::vector<idltest_common::Point>& out, const idltest::Path& path,
             const idltest_common::Color::type) override {
    out = path;
  }

  void levels(std::map<std::string, idltest::Level::type>& out) override {
    out = {
        {"low", idltest::Level::LOW}, {"mid", idltest::Level::MID}, {"high", idltest::Level::HIGH}};
  }

  void blob(std::string& out, const std::string& data) override { out = data; }

  void tree(idltest::Tree& out, const idltest::Tree& t) override { out = t; }

private:
  std::atomic<int32_t> notified_{0};
};

} // namespace

int main(int argc, char** argv) {
  actorgate::backend be{argc, argv, "everything-backend", "everything-server"};
  if (auto rc = be.exit_code())
    return *rc;
  return be.serve(
      std::make_shared<idltest::EverythingsProcessor>(std::make_shared<everything_handler>()));
}
