#include "rpc/compute_pool.hpp"

#include <caf/actor_system.hpp>
#include <caf/make_message.hpp>

#include "actors/atoms.hpp"
#include "rpc/gen/Compute.h"

namespace actorgate::rpc {

namespace {

using thrift::ComputeClient;

caf::behavior compute_pool(pool_actor* self, pool_options opts) {
  return make_pool_behavior(
      self, opts,
      {
          [=](echo_atom, std::string& msg, deadline due) {
            return dispatch(self, job{[msg = std::move(msg)](connection& c) {
                                        ComputeClient client{c.protocol()};
                                        std::string reply;
                                        client.echo(reply, msg);
                                        return caf::make_message(std::move(reply));
                                      },
                                      due});
          },
          [=](work_atom, std::int32_t cpu_us, deadline due) {
            return dispatch(self, job{[cpu_us](connection& c) {
                                        ComputeClient client{c.protocol()};
                                        return caf::make_message(client.work(cpu_us));
                                      },
                                      due});
          },
      });
}

} // namespace

namespace {
class compute_pool_actor final : public pool_actor {
public:
  compute_pool_actor(caf::actor_config& cfg, actor_host* host, pool_options opts)
      : pool_actor(cfg, host), opts_(std::move(opts)) {}
  caf::behavior make_behavior() override { return compute_pool(this, opts_); }

private:
  pool_options opts_;
};
} // namespace

caf::actor spawn_compute_pool(caf::actor_system& sys, const pool_options& opts, actor_host* host) {
  return sys.spawn<compute_pool_actor, caf::lazy_init>(host, opts);
}

} // namespace actorgate::rpc
