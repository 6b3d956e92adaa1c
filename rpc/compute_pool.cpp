#include "rpc/compute_pool.hpp"

#include <caf/actor_system.hpp>
#include <caf/make_message.hpp>

#include "actors/atoms.hpp"
#include "rpc/gen/Compute.h"
#include "rpc/typed_pool.hpp"

namespace actorgate::rpc {

namespace {

using thrift::ComputeClient;

caf::message_handler compute_handlers(pool_actor* self) {
  return {
      [self](echo_atom, std::string& msg, deadline due) {
        return dispatch(self,
                        make_job<ComputeClient>(due, [msg = std::move(msg)](ComputeClient& c) {
                          std::string reply;
                          c.echo(reply, msg);
                          return reply;
                        }));
      },
      [self](work_atom, std::int32_t cpu_us, deadline due) {
        return dispatch(self, make_job<ComputeClient>(
                                  due, [cpu_us](ComputeClient& c) { return c.work(cpu_us); }));
      },
  };
}

} // namespace

caf::actor spawn_compute_pool(caf::actor_system& sys, const pool_options& opts, actor_host* host) {
  return spawn_pool(sys, opts, host, compute_handlers);
}

} // namespace actorgate::rpc
