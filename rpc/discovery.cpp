#include "actorgate/rpc/discovery.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <sstream>

namespace actorgate::rpc {

namespace {

bool parse_port(const std::string& text, std::uint16_t& port) {
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  auto v = std::stoi(text);
  if (v < 1 || v > 65535)
    return false;
  port = static_cast<std::uint16_t>(v);
  return true;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(' ');
  auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// One name's query: where its callback writes.
struct query {
  dns_answer* out;
  bool done = false;
};

void on_answer(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
  auto& q = *static_cast<query*>(arg);
  q.done = true;
  std::set<std::string> found;
  if (status == ARES_SUCCESS && result)
    for (auto* n = result->nodes; n; n = n->ai_next) {
      char text[INET6_ADDRSTRLEN] = {};
      const void* raw = nullptr;
      if (n->ai_family == AF_INET)
        raw = &reinterpret_cast<const sockaddr_in*>(n->ai_addr)->sin_addr;
      else if (n->ai_family == AF_INET6)
        raw = &reinterpret_cast<const sockaddr_in6*>(n->ai_addr)->sin6_addr;
      if (raw && inet_ntop(n->ai_family, raw, text, sizeof text))
        found.insert(text);
    }
  if (result)
    ares_freeaddrinfo(result);
  q.out->addresses.assign(found.begin(), found.end());
  q.out->ok = !found.empty();
  if (!q.out->ok)
    q.out->error = status == ARES_SUCCESS ? std::string("no address") : ares_strerror(status);
}

} // namespace

bool parse_dns_item(const std::string& item, std::string& name, std::uint16_t& port) {
  if (item.rfind("dns:", 0) != 0)
    return false;
  auto rest = item.substr(4);
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return false;
  name = rest.substr(0, colon);
  // A name, not a list or a URL: a stray colon or space is a typo.
  if (std::any_of(name.begin(), name.end(),
                  [](unsigned char c) { return std::isspace(c) || c == ':' || c == '/'; }))
    return false;
  return parse_port(rest.substr(colon + 1), port);
}

bool parse_dns_servers(const std::string& text) {
  auto all = trim(text);
  if (all.empty())
    return true;
  if (all.back() == ',') // getline would not see the empty last item
    return false;
  std::stringstream in{all};
  std::string item;
  std::size_t n = 0;
  while (std::getline(in, item, ',')) {
    item = trim(item);
    std::string host;
    std::uint16_t port = 0;
    if (!item.empty() && item.front() == '[') {
      auto close = item.find("]:");
      if (close == std::string::npos)
        return false;
      host = item.substr(1, close - 1);
      in6_addr a6{};
      if (inet_pton(AF_INET6, host.c_str(), &a6) != 1 || !parse_port(item.substr(close + 2), port))
        return false;
    } else {
      auto colon = item.rfind(':');
      if (colon == std::string::npos)
        return false;
      host = item.substr(0, colon);
      in_addr a4{};
      if (inet_pton(AF_INET, host.c_str(), &a4) != 1 || !parse_port(item.substr(colon + 1), port))
        return false;
    }
    ++n;
  }
  return n > 0;
}

std::vector<dns_answer> resolve_names(const std::vector<std::string>& names,
                                      const std::string& servers,
                                      std::chrono::milliseconds try_timeout,
                                      const std::atomic<bool>& stop) {
  std::vector<dns_answer> answers(names.size());
  auto fail_all = [&answers](const std::string& why) {
    for (auto& a : answers) {
      a = dns_answer{};
      a.error = why;
    }
    return answers;
  };
  static std::once_flag init_once;
  static int init_status = ARES_SUCCESS;
  std::call_once(init_once, [] { init_status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (init_status != ARES_SUCCESS)
    return fail_all(ares_strerror(init_status));

  ares_options opts{};
  int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  opts.timeout = static_cast<int>(std::max<long>(try_timeout.count(), 1));
  opts.tries = 2;
  // Servers of its own are asked, and nothing else: /etc/hosts answering
  // first would hide what they say.
  std::string lookups = "b";
  if (!trim(servers).empty()) {
    opts.lookups = lookups.data();
    mask |= ARES_OPT_LOOKUPS;
  }
  ares_channel channel = nullptr;
  if (auto rc = ares_init_options(&channel, &opts, mask); rc != ARES_SUCCESS)
    return fail_all(std::string("resolver: ") + ares_strerror(rc));
  if (!trim(servers).empty())
    if (auto rc = ares_set_servers_ports_csv(channel, servers.c_str()); rc != ARES_SUCCESS) {
      ares_destroy(channel);
      return fail_all(std::string("dns-servers: ") + ares_strerror(rc));
    }

  std::vector<query> queries(names.size());
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC; // A and AAAA
  hints.ai_socktype = SOCK_STREAM;
  // The order is the pool's business (it sorts); c-ares's RFC 6724 sort
  // would open a socket per address to find it.
  hints.ai_flags = ARES_AI_NOSORT;
  for (std::size_t i = 0; i < names.size(); ++i) {
    queries[i].out = &answers[i];
    ares_getaddrinfo(channel, names[i].c_str(), nullptr, &hints, on_answer, &queries[i]);
  }
  auto pending = [&queries] {
    return std::any_of(queries.begin(), queries.end(), [](const query& q) { return !q.done; });
  };
  while (pending() && !stop.load()) {
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(channel, socks, ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> fds;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short ev = 0;
      if (ARES_GETSOCK_READABLE(bits, i))
        ev |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i))
        ev |= POLLOUT;
      if (ev)
        fds.push_back(pollfd{socks[i], ev, 0});
    }
    // Awake at least every 100 ms to see `stop`.
    timeval most{0, 100'000}, tv{};
    auto* wait = ares_timeout(channel, &most, &tv);
    int ms = static_cast<int>(wait->tv_sec * 1000 + wait->tv_usec / 1000);
    int ready = poll(fds.data(), fds.size(), ms);
    if (ready <= 0) {
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD); // timeouts
      continue;
    }
    for (const auto& p : fds) {
      if (!p.revents)
        continue;
      bool readable = p.revents & (POLLIN | POLLERR | POLLHUP);
      bool writable = p.revents & POLLOUT;
      ares_process_fd(channel, readable ? p.fd : ARES_SOCKET_BAD,
                      writable ? p.fd : ARES_SOCKET_BAD);
    }
  }
  // Calls the callbacks of queries still out (ARES_EDESTRUCTION).
  ares_destroy(channel);
  return answers;
}

endpoint_change diff_endpoints(const std::vector<endpoint>& known, const std::vector<bool>& active,
                               const std::vector<bool>& discovered,
                               const std::vector<endpoint>& wanted) {
  endpoint_change c;
  auto same = [](const endpoint& a, const endpoint& b) {
    return a.host == b.host && a.port == b.port;
  };
  std::vector<bool> still(known.size(), false);
  for (const auto& w : wanted) {
    auto i =
        std::find_if(known.begin(), known.end(), [&](const endpoint& k) { return same(k, w); });
    if (i != known.end()) {
      auto k = static_cast<std::size_t>(i - known.begin());
      still[k] = true;
      if (discovered[k] && !active[k] &&
          std::find(c.reactivated.begin(), c.reactivated.end(), k) == c.reactivated.end())
        c.reactivated.push_back(k);
      continue;
    }
    if (std::none_of(c.added.begin(), c.added.end(), [&](const endpoint& a) { return same(a, w); }))
      c.added.push_back(w);
  }
  for (std::size_t k = 0; k < known.size(); ++k)
    if (discovered[k] && active[k] && !still[k])
      c.removed.push_back(k);
  return c;
}

caf::behavior dns_resolver(caf::event_based_actor* self, std::vector<std::string> names,
                           std::string servers, std::chrono::milliseconds try_timeout,
                           std::shared_ptr<const std::atomic<bool>> stop) {
  return {[self, names = std::move(names), servers = std::move(servers), try_timeout,
           stop](resolve_atom, dns_round& round) {
    round.answers = resolve_names(names, servers, try_timeout, *stop);
    // Straight back to the pool, as the health checker answers.
    self->send(caf::actor_cast<caf::actor>(self->current_sender()), resolved_atom::value,
               std::move(round));
  }};
}

} // namespace actorgate::rpc
