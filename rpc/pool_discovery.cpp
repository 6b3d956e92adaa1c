// pool_discovery: the pool's side of DNS discovery (discovery.hpp). The
// resolver only resolves; the pool keeps each name's last good answer and
// turns the union of them into endpoint changes, on its own thread like
// everything else that touches its endpoints, so that no lock guards them
// there.
#include <algorithm>
#include <iostream>
#include <sstream>

#include <caf/event_based_actor.hpp>

#include "actorgate/rpc/pool_steps.hpp"

namespace actorgate::rpc::detail {

namespace {

// The endpoints as the workers should see them.
void publish_table(pool_state& st) {
  std::vector<bool> active(st.health.size());
  for (std::size_t i = 0; i < active.size(); ++i)
    active[i] = st.health.active(i);
  st.table->publish(st.opts.endpoints, active);
}

void add_endpoint(pool_state& st, const endpoint& ep) {
  auto es = std::make_unique<endpoint_stats>();
  es->address = to_string(ep);
  st.opts.endpoints.push_back(ep);
  st.discovered.push_back(true);
  st.health.add();
  st.exhaustion_reported.emplace_back();
  std::lock_guard<std::mutex> g{st.stats->endpoints_mutex};
  st.stats->endpoints.push_back(std::move(es));
}

// One stderr line per name as it starts failing and as it recovers, not
// one per refresh: a DNS server that is down for an hour must not fill the
// log at the refresh rate (the failures are counted in the metrics).
void note_answer(pool_state& st, std::size_t i, const dns_answer& a) {
  const auto& name = st.opts.discover[i].host;
  if (a.ok) {
    if (st.dns_failing[i])
      std::cerr << "actorgate: pool '" << st.stats->name << "': DNS: " << name
                << " resolves again\n";
    st.dns_failing[i] = false;
    st.last_good[i] = a.addresses;
    return;
  }
  st.stats->dns_failures.fetch_add(1, relaxed);
  if (!st.dns_failing[i])
    std::cerr << "actorgate: pool '" << st.stats->name << "': DNS: " << name << " did not resolve ("
              << a.error << "); keeping its last " << st.last_good[i].size() << " address(es)\n";
  st.dns_failing[i] = true;
}

} // namespace

std::chrono::milliseconds dns_try_timeout(const pool_options& o) {
  using std::chrono::milliseconds;
  return std::clamp(o.dns_refresh, milliseconds(100), milliseconds(2000));
}

void on_dns_tick(pool_actor* self) {
  auto& st = self->state;
  if (st.resolver)
    self->send(st.resolver, resolve_atom::value, dns_round{});
}

void on_resolved(pool_actor* self, dns_round& round) {
  auto& st = self->state;
  // The next round one refresh after this one came back: rounds never
  // overlap, and a slow DNS server slows the beat rather than piling
  // rounds up.
  self->delayed_send(self, st.opts.dns_refresh, dns_tick_atom::value);
  for (std::size_t i = 0; i < st.opts.discover.size() && i < round.answers.size(); ++i)
    note_answer(st, i, round.answers[i]);
  std::vector<endpoint> wanted;
  for (std::size_t i = 0; i < st.opts.discover.size(); ++i)
    for (const auto& addr : st.last_good[i]) {
      auto ep = st.opts.discover[i];
      ep.host = addr;
      wanted.push_back(ep);
    }
  std::vector<bool> active(st.health.size());
  for (std::size_t i = 0; i < active.size(); ++i)
    active[i] = st.health.active(i);
  auto change = diff_endpoints(st.opts.endpoints, active, st.discovered, wanted);
  if (change.empty())
    return;
  std::ostringstream said;
  for (const auto& ep : change.added) {
    add_endpoint(st, ep);
    said << " +" << to_string(ep);
  }
  for (auto k : change.reactivated) {
    st.health.set_active(k, true);
    st.stats->endpoints[k]->state.store(st.health.state(k), relaxed);
    st.stats->endpoints[k]->removed.store(false, relaxed);
    said << " +" << to_string(st.opts.endpoints[k]);
  }
  // Calls in flight to a removed endpoint finish (they hold its index,
  // which keeps its meaning); no new call goes there, and each worker
  // closes its connection to it between calls.
  for (auto k : change.removed) {
    st.health.set_active(k, false);
    st.stats->endpoints[k]->removed.store(true, relaxed);
    said << " -" << to_string(st.opts.endpoints[k]);
  }
  publish_table(st);
  std::size_t found = 0;
  for (std::size_t i = 0; i < st.discovered.size(); ++i)
    found += st.discovered[i] && st.health.active(i) ? 1 : 0;
  st.stats->discovered.store(found, relaxed);
  std::cerr << "actorgate: pool '" << st.stats->name << "': DNS:" << said.str() << "\n";
  rebalance(self); // publishes whether the pool has endpoints (the circuit)
}

} // namespace actorgate::rpc::detail
