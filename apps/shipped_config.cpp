#include "apps/shipped_config.hpp"

#include "actorgate/gateway/app_config.hpp"

namespace compute {

std::vector<actorgate::option_group> shipped_groups() {
  using namespace actorgate;
  return {http_group().group(), pool_group("backend").group(), idl_group().group(),
          server_group("compute-server").group(), log_group().group()};
}

std::string shipped_config() {
  return actorgate::config_file_text(
      shipped_groups(),
      "actorgate configuration: one file for the gateway (actorgate-server) and the demo "
      "backend (compute-backend). Every option is listed with its help, range and default; the "
      "file is generated from the option declarations (gateway/option_groups.cpp: "
      "build/apps/actorgate-server --print-shipped-config), and a test checks that it is. "
      "Strings must be quoted. Durations take a unit: ms, s, min. Any key can be overridden "
      "on the command line: --http.port=8081. An unknown key or a bad value stops the program "
      "with exit code 2.",
      "[scheduler]\n"
      "; CAF's scheduler (CAF's own keys; see --long-help). It runs scheduled actors:\n"
      "; in the shipped gateway only CAF's own (the route actors and the pool are\n"
      "; hosted on the IO thread), in yours the actors that do CPU work. One thread\n"
      "; per core (CAF's default is 4 on any machine). 'sharing' (one queue, woken\n"
      "; by a condition variable) instead of the default 'stealing', whose idle\n"
      "; workers poll and then sleep in 50 us steps that a message arriving at an\n"
      "; idle gateway waits out: with route actors on the scheduler, /ping p50 at 4\n"
      "; connections went from 110 us to 60 us on 2 cores.\n"
      "max-threads=2\n"
      "policy='sharing'\n",
      // The Compute IDL served with no code beside the hand-written routes:
      // POST /rpc/echo {"msg":"hi"}. Paths are relative to the working
      // directory: run from the source tree (scripts/run.sh does).
      {{"idl.file", "\"apps/compute.thrift\""}, {"idl.service", "\"Compute\""}});
}

} // namespace compute
