#include "rpc/compute_service.hpp"

#include "rpc/gen/Compute.h"
#include "rpc/work.hpp"

namespace actorgate::rpc {

namespace {

class compute_handler : public thrift::ComputeIf {
public:
  void echo(std::string& out, const std::string& msg) override { out = msg; }
  std::int64_t work(std::int32_t cpu_us) override { return burn_cpu(cpu_us); }
};

} // namespace

std::shared_ptr<apache::thrift::TProcessor> make_compute_processor() {
  return std::make_shared<thrift::ComputeProcessor>(std::make_shared<compute_handler>());
}

} // namespace actorgate::rpc
