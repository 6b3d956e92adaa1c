// greet-backend: the Greeter service (greet.thrift) on actorgate's hardened
// TThreadPoolServer, configured by [greet-server] (the keys of
// [compute-server]: port, threads, ...). Rung 8 (examples/own_backend) says
// more about writing a backend.
#include "actorgate/gateway/backend.hpp"
#include "greet/Greeter.h"

namespace {

class greeter : public greet::GreeterIf {
public:
  void greet(std::string& out, const std::string& name) override { out = "hello " + name; }
};

} // namespace

int main(int argc, char** argv) {
  actorgate::backend be{argc, argv, "greet-backend", "greet-server"};
  if (auto rc = be.exit_code())
    return *rc;
  return be.serve(std::make_shared<greet::GreeterProcessor>(std::make_shared<greeter>()));
}
