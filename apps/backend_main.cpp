// compute-backend: the Compute Thrift service on a TThreadPoolServer.
#include <iostream>

#include "apps/app_config.hpp"
#include "apps/signals.hpp"
#include "rpc/backend_server.hpp"
#include "rpc/compute_service.hpp"

using namespace actorgate;

int main(int argc, char** argv) {
  apps::block_stop_signals();
  apps::app_config cfg;
  if (auto rc = cfg.load(argc, argv, "compute-backend", std::cerr))
    return *rc;
  auto opts = cfg.backend();
  rpc::backend_server server{opts, rpc::make_compute_processor()};
  try {
    auto port = server.start();
    std::cout << "compute-backend listening on " << opts.address << ":" << port << " ("
              << opts.threads << " threads, "
              << (opts.transport == rpc::transport_kind::framed ? "framed" : "buffered")
              << " transport, config " << cfg.file_used() << ")" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "compute-backend: cannot serve on " << opts.address << ":" << opts.port << ": "
              << e.what() << std::endl;
    return 1;
  }
  int sig = apps::wait_for_stop_signal();
  std::cout << "compute-backend: signal " << sig << ", stopping" << std::endl;
  server.stop();
  std::cout << "compute-backend: stopped" << std::endl;
  return 0;
}
