// discovery: a pool's endpoints found in DNS. An item "dns:NAME:PORT" of
// [backend] endpoints stands for every A and AAAA record of NAME, on PORT,
// resolved again every pool_options::dns_refresh.
//
// Endpoints are append-only: an index, once given, names the same address
// for the pool's whole life, so that an attempt, an outcome, a probe or a
// health round that is on its way while the set changes can never land on
// another endpoint. An address that leaves the answer is only marked
// inactive (the balancer skips it, calls in flight finish, each worker
// closes its connection to it); one that comes back takes its old index
// again, with a clean health record. The table of addresses grows by at most
// the distinct addresses a name ever had, which is small.
//
// Resolution is c-ares's, not getaddrinfo's: getaddrinfo blocks a thread for
// up to its full timeout per name and cannot be given servers of its own. A
// detached actor per pool (dns_resolver) asks for all of its names at once
// and waits in one poll(), as the health checker does with its connects.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "actorgate/rpc/connection.hpp"

namespace actorgate::rpc {

/// Parses "dns:NAME:PORT". False if `item` does not start with "dns:" or
/// is malformed (an empty name, a port outside 1..65535).
bool parse_dns_item(const std::string& item, std::string& name, std::uint16_t& port);

/// Parses "ip:port,ip:port" ("[v6]:port" for IPv6), the DNS servers of
/// pool_options::dns_servers; "" (the system's) is valid too.
bool parse_dns_servers(const std::string& text);

/// What one resolution of one name found.
struct dns_answer {
  /// At least one address came back. An empty answer is not a success: a
  /// pool must not drop every backend because a record was briefly missing.
  bool ok = false;
  /// Numeric addresses, sorted, without duplicates.
  std::vector<std::string> addresses;
  /// Why not, when !ok.
  std::string error;
};

/// Resolves every one of `names` (A and AAAA) at once, through `servers`
/// (parse_dns_servers; "" for the system's configuration), each try bounded
/// by `try_timeout`, two tries. The answers in the order of `names`.
/// Returns within about 100 ms once `stop` is set.
std::vector<dns_answer> resolve_names(const std::vector<std::string>& names,
                                      const std::string& servers,
                                      std::chrono::milliseconds try_timeout,
                                      const std::atomic<bool>& stop);

/// The change that brings a pool's discovered endpoints to `wanted`.
struct endpoint_change {
  /// New addresses, to be appended in this order.
  std::vector<endpoint> added;
  /// Indexes of inactive endpoints that are wanted again.
  std::vector<std::size_t> reactivated;
  /// Indexes of active discovered endpoints that are no longer wanted.
  std::vector<std::size_t> removed;
  bool empty() const { return added.empty() && reactivated.empty() && removed.empty(); }
};

/// Pure: `known` is every endpoint the pool has had, by index, with
/// `active` and `discovered` (found in DNS, not listed) flags of the same
/// length. An address is its host and port. Listed endpoints are never
/// removed, and a wanted address equal to a listed one is not added again.
endpoint_change diff_endpoints(const std::vector<endpoint>& known, const std::vector<bool>& active,
                               const std::vector<bool>& discovered,
                               const std::vector<endpoint>& wanted);

/// The pool's endpoints as its workers see them: the pool publishes every
/// change, each worker looks at the version between calls (one atomic load)
/// and copies the table only when it moved.
class endpoint_table {
public:
  explicit endpoint_table(std::vector<endpoint> eps)
      : endpoints_(std::move(eps)), active_(endpoints_.size(), true) {}
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }
  /// The pool only. The whole table: changes are rare and small.
  void publish(const std::vector<endpoint>& eps, const std::vector<bool>& active) {
    std::lock_guard<std::mutex> g{m_};
    endpoints_ = eps;
    active_ = active;
    version_.fetch_add(1, std::memory_order_release);
  }
  /// The table and its version.
  std::uint64_t read(std::vector<endpoint>& eps, std::vector<bool>& active) const {
    std::lock_guard<std::mutex> g{m_};
    eps = endpoints_;
    active = active_;
    return version_.load(std::memory_order_relaxed);
  }

private:
  mutable std::mutex m_;
  std::vector<endpoint> endpoints_;
  std::vector<bool> active_;
  std::atomic<std::uint64_t> version_{0};
};

/// One round of resolution: the names are the resolver's; the answers come
/// back in their order.
struct dns_round {
  std::vector<dns_answer> answers;
};

/// (resolve_atom, dns_round): resolve every name.
using resolve_atom = caf::atom_constant<caf::atom("ag_dnsres")>;
/// (resolved_atom, dns_round): the resolver's answer, to the sender.
using resolved_atom = caf::atom_constant<caf::atom("ag_dnsok")>;

/// The actor that resolves a pool's names, one round at a time, on a thread
/// of its own (spawn it caf::detached). `stop` cuts a round short as the
/// pool ends.
caf::behavior dns_resolver(caf::event_based_actor* self, std::vector<std::string> names,
                           std::string servers, std::chrono::milliseconds try_timeout,
                           std::shared_ptr<const std::atomic<bool>> stop);

} // namespace actorgate::rpc

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorgate::rpc::dns_round)
