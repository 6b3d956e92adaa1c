// compute-backend: the demo Compute service on a TThreadPoolServer, with the
// options of [compute-server].
#include "actorgate/gateway/backend.hpp"
#include "apps/compute_handler.hpp"

int main(int argc, char** argv) {
  actorgate::backend be{argc, argv, "compute-backend", "compute-server"};
  if (auto rc = be.exit_code())
    return *rc;
  return be.serve(compute::make_processor());
}
