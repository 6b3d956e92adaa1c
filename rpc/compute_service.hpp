// The Compute service's implementation (echo, work), for a backend_server.
//
//   rpc::backend_server srv{opts, rpc::make_compute_processor()};
#pragma once

#include <memory>

namespace apache::thrift {
class TProcessor;
}

namespace actorgate::rpc {

std::shared_ptr<apache::thrift::TProcessor> make_compute_processor();

} // namespace actorgate::rpc
