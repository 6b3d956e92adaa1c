// backend: one object that runs a Thrift service's executable from the
// config file and command line: the hardened TThreadPoolServer of
// rpc/backend_server.hpp on the options of one server group, the stop
// signals, and an orderly stop. The shipped compute-backend is built with it.
//
//   int main(int argc, char** argv) {
//     actorgate::backend be{argc, argv, "kv-backend", "kv-server"};
//     if (auto rc = be.exit_code())
//       return *rc;                                // --help, or a bad option
//     return be.serve(std::make_shared<KeyValueProcessor>(std::make_shared<store>()));
//   }
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "actorgate/gateway/app_config.hpp"
#include "actorgate/rpc/backend_server.hpp"

namespace apache::thrift {
class TProcessor;
}

namespace actorgate {

class backend {
public:
  /// Blocks the stop signals and loads the configuration, with the server
  /// group `group` (the keys of [compute-server]). On --help or a bad
  /// option, exit_code() says how to end and serve() may not be called.
  backend(int argc, char** argv, const char* program, std::string group);

  std::optional<int> exit_code() const { return exit_code_; }
  /// The server group's options, as loaded.
  const rpc::server_options& options() const { return opts_; }

  /// Serves `processor` until SIGTERM/SIGINT, then stops accepting, lets the
  /// server's threads end and returns the exit code (1 if it cannot listen).
  int serve(std::shared_ptr<apache::thrift::TProcessor> processor);

private:
  std::string program_;
  app_config cfg_;
  std::optional<int> exit_code_;
  rpc::server_options opts_;
};

} // namespace actorgate
