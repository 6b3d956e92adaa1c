// The Compute service's implementation (echo, work), for a backend_server.
//
//   rpc::backend_server srv{opts, compute::make_processor()};
#pragma once

#include <memory>

namespace apache::thrift {
class TProcessor;
}

namespace compute {

std::shared_ptr<apache::thrift::TProcessor> make_processor();

} // namespace compute
