#include "actorgate/gateway/backend.hpp"

#include <iostream>

#include "actorgate/gateway/signals.hpp"

namespace actorgate {

backend::backend(int argc, char** argv, const char* program, std::string group)
    : program_(program), cfg_(backend_groups(group)) {
  block_stop_signals();
  exit_code_ = cfg_.load(argc, argv, program, std::cerr);
  if (!exit_code_)
    opts_ = cfg_.server(group);
}

int backend::serve(std::shared_ptr<apache::thrift::TProcessor> processor) {
  rpc::backend_server server{opts_, std::move(processor)};
  try {
    auto port = server.start();
    // The first line's format is stable: scripts and tests read the port.
    std::cout << program_ << " listening on " << opts_.address << ":" << port << " ("
              << opts_.threads << " threads, "
              << (opts_.transport == rpc::transport_kind::framed ? "framed" : "buffered")
              << " transport, config " << cfg_.file_used() << ")" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << program_ << ": cannot serve on " << opts_.address << ":" << opts_.port << ": "
              << e.what() << std::endl;
    return 1;
  }
  int sig = wait_for_stop_signal();
  std::cout << program_ << ": signal " << sig << ", stopping" << std::endl;
  server.stop();
  std::cout << program_ << ": stopped" << std::endl;
  return 0;
}

} // namespace actorgate
