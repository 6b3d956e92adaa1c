#include "apps/compute_handler.hpp"

#include "apps/work.hpp"
#include "compute/Compute.h"

namespace compute {

namespace {

class compute_handler : public ComputeIf {
public:
  void echo(std::string& out, const std::string& msg) override { out = msg; }
  std::int64_t work(std::int32_t cpu_us) override { return burn_cpu(cpu_us); }
};

} // namespace

std::shared_ptr<apache::thrift::TProcessor> make_processor() {
  return std::make_shared<ComputeProcessor>(std::make_shared<compute_handler>());
}

} // namespace compute
