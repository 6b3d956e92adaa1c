// libFuzzer target: arbitrary bytes through the gateway's real front door.
// One in-process http::server with route actors hosted on its IO thread, as
// in production; each input is written to a fresh loopback connection, the
// write side is shut, and everything the server answers is checked:
//
//   - the answer is a sequence of well-formed HTTP/1.x responses, nothing
//     after one that closes the connection, only statuses the session can
//     legitimately produce (a 500 would mean a dropped reply handle);
//   - a 200 from a route comes only for a method and path that route was
//     registered for, with path parameters that are consistent with the
//     decoded path and safe (no NUL, no dot segment);
//   - the server closes every connection once the client has finished, and
//     after every 100 inputs a fresh /ping is still answered 200.
//
// Any broken invariant abort()s, so libFuzzer keeps the input.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/actors/routes.hpp"
#include "actorgate/http/route_table.hpp"
#include "actorgate/http/server.hpp"
#include "tests/fuzz/fuzz_common.hpp"

using namespace actorgate;
using namespace actorgate::fuzz;

namespace {

// Answers with what the session handed it, in a form the harness can check
// without trusting the server: the pattern it was registered for, the method,
// the decoded path and the parameters (hex, since they may hold any byte).
caf::behavior report_route(caf::event_based_actor*, std::string pattern) {
  return {[pattern](handle_atom, const request& req, const reply_handle& h) {
    std::string out = "pattern " + pattern + "\nmethod " + std::string(to_string(req.method)) +
                      "\npath " + hex(req.path) + "\n";
    for (const auto& [name, value] : req.path_params)
      out += "param " + name + " " + hex(value) + "\n";
    out += "body " + hex(req.body) + "\n";
    h.answer(response::text(200, out));
  }};
}

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<http::server> server;
  std::uint16_t port = 0;

  fixture() {
    // One scheduler thread: the fuzzer already shares the machine with the
    // IO thread, and every route actor here is hosted on that IO thread.
    cfg.set("scheduler.max-threads", 1);
    sys = std::make_unique<caf::actor_system>(cfg);
    http::server_options o;
    o.address = "127.0.0.1";
    o.port = 0;
    // Short enough that a stuck request shows as a hang well inside the
    // harness's own limit; our routes answer at once.
    o.read_timeout = std::chrono::milliseconds(2000);
    o.request_timeout = std::chrono::milliseconds(2000);
    // Well below -max_len=8192, so that inputs reach every limit (414, 431,
    // 413) and the header scan's limit checks.
    o.max_header_bytes = 2048;
    o.max_uri_bytes = 256;
    o.max_header_field_bytes = 512;
    o.max_headers = 16;
    o.max_body_bytes = 2048;
    server = std::make_unique<http::server>(*sys, o);
    auto table = std::make_shared<http::route_table>();
    for (const auto& r : routes()) {
      caf::actor a = std::string_view(r.pattern) == "/ping"
                         ? spawn_hosted(*sys, server->host(), ping_route)
                         : spawn_hosted(*sys, server->host(), report_route, std::string(r.pattern));
      table->add(r.verb, r.pattern, a);
    }
    port = server->start(table);
  }
};

fixture& the_fixture() {
  // Never destroyed: tearing the actor system down at exit would only race
  // with libFuzzer's own exit path.
  static fixture* f = new fixture;
  return *f;
}

struct exchange_result {
  std::string received;
  bool reset = false;
};

// Writes `chunks` (pausing between them, so the session sees them in
// separate reads), shuts the write side, reads until EOF. Reading and
// writing interleave so that neither side can block the other on full
// socket buffers.
exchange_result send_and_read(std::uint16_t port, const std::vector<std::string_view>& chunks) {
  exchange_result res;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    fail("socket() failed", std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  // Non-blocking, so that libFuzzer's SIGALRM (its -timeout watchdog) cannot
  // interrupt a blocking connect halfway: the connect just completes later.
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS && errno != EINTR)
      fail("cannot connect to the in-process server", std::strerror(errno));
    pollfd p{fd, POLLOUT, 0};
    while (::poll(&p, 1, 10'000) < 0 && errno == EINTR) {
    }
    int err = ETIMEDOUT;
    socklen_t len = sizeof err;
    if (p.revents != 0)
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0)
      fail("cannot connect to the in-process server", std::strerror(err));
  }

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::size_t chunk = 0;
  std::size_t offset = 0;
  bool write_open = true;
  char buf[16384];
  for (;;) {
    while (write_open && chunk < chunks.size() && offset == chunks[chunk].size()) {
      ++chunk;
      offset = 0;
      if (chunk < chunks.size())
        ::usleep(300);
    }
    if (write_open && chunk == chunks.size()) {
      ::shutdown(fd, SHUT_WR);
      write_open = false;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0)
      fail("the server neither answered nor closed within 10 s", res.received);
    pollfd p{fd, static_cast<short>(POLLIN | (write_open ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, static_cast<int>(left)) < 0 && errno != EINTR)
      fail("poll() failed", std::strerror(errno));
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n == 0)
        break;
      if (n > 0) {
        res.received.append(buf, static_cast<std::size_t>(n));
      } else if (errno == ECONNRESET || errno == EPIPE) {
        res.reset = true;
        break;
      } else if (errno != EAGAIN && errno != EINTR) {
        fail("recv() failed", std::strerror(errno));
      }
    }
    if (write_open && (p.revents & POLLOUT)) {
      auto part = chunks[chunk].substr(offset);
      auto n = ::send(fd, part.data(), part.size(), MSG_NOSIGNAL);
      if (n > 0) {
        offset += static_cast<std::size_t>(n);
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        // The server closed early (an answer to a bad header); what it
        // answered is still to be read.
        write_open = false;
      }
    }
  }
  // An abortive close: the answer is complete, and TIME_WAIT on every
  // fuzz connection would soon exhaust the ephemeral ports.
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
  return res;
}

// ---- the answer's framing ---------------------------------------------------

struct response_head {
  unsigned status = 0;
  std::size_t body_at = 0;
  std::size_t content_length = 0;
  bool last = false; // the connection must close after it
  std::map<std::string, std::string> headers;
};

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

// Parses one response head at `pos`; false if it is not one the session
// could have written.
bool parse_head(std::string_view s, std::size_t pos, response_head& h) {
  auto line_end = s.find("\r\n", pos);
  if (line_end == s.npos)
    return false;
  auto line = s.substr(pos, line_end - pos);
  if (line.size() < 13 || (line.substr(0, 9) != "HTTP/1.1 " && line.substr(0, 9) != "HTTP/1.0 "))
    return false;
  bool v10 = line[7] == '0';
  for (int i = 9; i < 12; ++i)
    if (!std::isdigit(static_cast<unsigned char>(line[i])))
      return false;
  h.status = static_cast<unsigned>(std::stoi(std::string(line.substr(9, 3))));
  if (line[12] != ' ' || h.status < 100 || h.status > 599)
    return false;
  for (char c : line)
    if (c == '\0' || c == '\r' || c == '\n')
      return false;
  h.headers.clear();
  auto at = line_end + 2;
  for (;;) {
    auto eol = s.find("\r\n", at);
    if (eol == s.npos)
      return false;
    if (eol == at)
      break;
    auto field = s.substr(at, eol - at);
    auto colon = field.find(':');
    if (colon == 0 || colon == field.npos || field.substr(colon, 2) != ": ")
      return false;
    for (char c : field.substr(0, colon))
      if (!is_tchar(c))
        return false;
    if (field.find('\0') != field.npos || field.find('\n') != field.npos)
      return false;
    std::string name(field.substr(0, colon));
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (h.headers.count(name))
      return false; // the session never repeats a header
    h.headers[name] = std::string(field.substr(colon + 2));
    at = eol + 2;
  }
  h.body_at = at + 2;
  if (h.status < 200) {
    // The one interim answer: 100 Continue, bare.
    return h.status == 100 && !v10 && h.headers.empty();
  }
  auto cl = h.headers.find("content-length");
  if (cl == h.headers.end() || cl->second.empty() || cl->second.size() > 9 ||
      cl->second.find_first_not_of("0123456789") != std::string::npos)
    return false;
  h.content_length = std::stoul(cl->second);
  auto conn = h.headers.find("connection");
  std::string c = conn == h.headers.end() ? "" : conn->second;
  if (v10)
    h.last = c != "keep-alive";
  else
    h.last = c == "close";
  return true;
}

struct parsed_response {
  response_head head;
  std::string_view body;
};

// Splits `s` into responses. A response to HEAD carries the Content-Length
// of a body it does not send, and the harness does not know which request
// was HEAD: both readings are tried (memoized, so linear in the responses).
bool split_responses(std::string_view s, std::vector<parsed_response>& out) {
  std::vector<signed char> memo(s.size() + 1, -1); // -1 unknown, 0 no, 1 yes
  std::vector<parsed_response> choice(s.size() + 1);
  std::vector<std::size_t> next(s.size() + 1, 0);
  // Iterative over a stack would avoid recursion, but the depth is bounded
  // by the number of responses in at most a few KiB of answers.
  auto solve = [&](auto& self, std::size_t pos) -> bool {
    if (pos == s.size())
      return true;
    if (memo[pos] >= 0)
      return memo[pos] == 1;
    memo[pos] = 0;
    response_head h;
    if (!parse_head(s, pos, h))
      return false;
    auto try_end = [&](std::size_t end, std::string_view body) {
      if (end > s.size() || (h.last && end != s.size()))
        return false;
      if (!self(self, end))
        return false;
      choice[pos] = {h, body};
      next[pos] = end;
      memo[pos] = 1;
      return true;
    };
    if (h.status < 200)
      return try_end(h.body_at, {});
    if (h.body_at + h.content_length <= s.size() &&
        try_end(h.body_at + h.content_length, s.substr(h.body_at, h.content_length)))
      return true;
    return h.content_length > 0 && try_end(h.body_at, {});
  };
  if (!solve(solve, 0))
    return false;
  for (std::size_t pos = 0; pos != s.size(); pos = next[pos])
    out.push_back(choice[pos]);
  return true;
}

// ---- what a route may answer -------------------------------------------------

std::map<unsigned, std::uint64_t> status_counts;
std::map<std::string, std::uint64_t> route_hits;
std::uint64_t resets = 0;

std::vector<std::string_view> split_path(std::string_view p) {
  std::vector<std::string_view> out;
  p.remove_prefix(1);
  for (;;) {
    auto slash = p.find('/');
    out.push_back(p.substr(0, slash));
    if (slash == p.npos)
      return out;
    p.remove_prefix(slash + 1);
  }
}

void check_report(std::string_view body) {
  std::map<std::string, std::string> fields;
  std::vector<std::pair<std::string, std::string>> params;
  while (!body.empty()) {
    auto eol = body.find('\n');
    if (eol == body.npos)
      fail("route report without a final newline", body);
    auto line = body.substr(0, eol);
    body.remove_prefix(eol + 1);
    auto sp = line.find(' ');
    std::string key(line.substr(0, sp));
    std::string rest(sp == line.npos ? "" : line.substr(sp + 1));
    if (key == "param") {
      auto sp2 = rest.find(' ');
      std::string value;
      if (sp2 == rest.npos || !unhex(rest.substr(sp2 + 1), value))
        fail("malformed param line in a route report", line);
      params.emplace_back(rest.substr(0, sp2), value);
    } else {
      fields[key] = rest;
    }
  }
  const std::string& pattern = fields["pattern"];
  const std::string& verb = fields["method"];
  std::string path;
  if (!unhex(fields["path"], path))
    fail("malformed path in a route report", fields["path"]);
  // The route must exist for this method (HEAD is served by GET routes).
  bool registered = false;
  for (const auto& r : routes())
    if (r.pattern == pattern &&
        (to_string(r.verb) == verb || (verb == "HEAD" && r.verb == method::get)))
      registered = true;
  if (!registered)
    fail("a route answered 200 for a method it was not registered for", pattern + " " + verb);
  // The parameters are the pattern's, in order, and put back into the
  // pattern they give exactly the decoded path: the route matched this path.
  std::string rebuilt;
  std::size_t k = 0;
  for (auto seg : split_path(pattern)) {
    rebuilt += '/';
    if (!seg.empty() && (seg[0] == ':' || seg[0] == '*')) {
      if (k == params.size() || params[k].first != seg.substr(1))
        fail("path parameters do not follow the route pattern", pattern);
      if (auto why = unsafe_param(params[k].second, seg[0] == ':'))
        fail(why, params[k].second);
      rebuilt += params[k].second;
      ++k;
    } else {
      rebuilt += seg;
    }
  }
  if (k != params.size())
    fail("more path parameters than the route pattern has", pattern);
  if (rebuilt != path)
    fail("a route answered for a path it was not registered for", pattern + " <- " + path);
  // A literal segment wins over a parameter.
  if (pattern == "/users/:id" && (verb == "GET" || verb == "HEAD") && params[0].second == "me")
    fail("GET /users/me reached /users/:id, not the literal route", path);
  ++route_hits[pattern + " " + verb];
}

void check_answer(std::string_view input, const exchange_result& got) {
  if (got.reset) {
    // The tail of the answer may be lost to the RST; what came is still
    // checked below, as far as it goes.
    ++resets;
  }
  std::vector<parsed_response> rs;
  if (!split_responses(got.received, rs)) {
    if (got.reset)
      return;
    fail("the answer is not a sequence of well-formed HTTP responses",
         std::string(got.received) + "\n  --- for input: " + std::string(input));
  }
  for (const auto& r : rs) {
    ++status_counts[r.head.status];
    switch (r.head.status) {
    case 100:
    case 400:
    case 404:
    case 413:
    case 414:
    case 431:
    case 501:
    case 505:
      break;
    case 405:
      if (!r.head.headers.count("allow"))
        fail("405 without Allow", got.received);
      break;
    case 200:
      if (!r.body.empty() && r.body != "pong")
        check_report(r.body);
      break;
    default:
      fail("a status the session should never produce here", got.received);
    }
  }
}

void check_still_serving(std::uint16_t port) {
  static const char ping[] = "GET /ping HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n";
  auto got = send_and_read(port, {std::string_view(ping, sizeof ping - 1)});
  const auto& r = got.received;
  if (r.rfind("HTTP/1.1 200 ", 0) != 0 || r.size() < 4 || r.substr(r.size() - 4) != "pong")
    fail("a fresh GET /ping is no longer answered 200", r);
}

void print_summary() {
  std::fprintf(stderr, "http_request_fuzz: statuses");
  for (const auto& [status, n] : status_counts)
    std::fprintf(stderr, " %u:%llu", status, static_cast<unsigned long long>(n));
  std::fprintf(stderr, "; connections reset: %llu\nhttp_request_fuzz: route answers",
               static_cast<unsigned long long>(resets));
  for (const auto& [route, n] : route_hits)
    std::fprintf(stderr, " [%s]:%llu", route.c_str(), static_cast<unsigned long long>(n));
  std::fprintf(stderr, "\n");
}

std::uint32_t fnv1a(const std::uint8_t* data, std::size_t size) {
  std::uint32_t h = 2166136261u;
  for (std::size_t i = 0; i < size; ++i)
    h = (h ^ data[i]) * 16777619u;
  return h;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  the_fixture();
  std::atexit(print_summary);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::uint64_t runs = 0;
  auto& fx = the_fixture();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // One input in eight arrives in two reads, split at a point the input
  // chooses, so that the header scan resumes across a read boundary.
  std::vector<std::string_view> chunks{input};
  auto h = fnv1a(data, size);
  if (size >= 4 && h % 8 == 0) {
    auto cut = 1 + (h >> 3) % (size - 1);
    chunks = {input.substr(0, cut), input.substr(cut)};
  }
  auto got = send_and_read(fx.port, chunks);
  // For replaying one input by hand: shows what the server answered.
  static const bool verbose = std::getenv("ACTORGATE_FUZZ_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "--- %zu bytes in %zu write(s), answer%s:\n%s\n---\n", size, chunks.size(),
                 got.reset ? " (reset)" : "", got.received.c_str());
  check_answer(input, got);
  if (++runs % 100 == 0)
    check_still_serving(fx.port);
  return 0;
}
