#include "actorgate/metrics/process_metrics.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#ifndef ACTORGATE_VERSION
#error "ACTORGATE_VERSION must be defined by the build (CMake's PROJECT_VERSION)"
#endif

namespace actorgate::metrics {

namespace {

std::optional<std::string> read_all(const char* path) {
  std::ifstream in{path};
  if (!in)
    return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The number after `key` at the start of a line, e.g. "Threads:" in
// /proc/self/status or "btime" in /proc/stat.
std::optional<std::uint64_t> field(const std::string& text, std::string_view key) {
  std::size_t pos = 0;
  if (text.compare(0, key.size(), key) != 0) {
    pos = text.find("\n" + std::string(key));
    if (pos == std::string::npos)
      return std::nullopt;
    ++pos;
  }
  pos += key.size();
  std::istringstream in{text.substr(pos)};
  std::uint64_t v = 0;
  if (!(in >> v))
    return std::nullopt;
  return v;
}

} // namespace

std::string_view build_version() {
  return ACTORGATE_VERSION;
}

std::optional<process_sample> read_process() {
  auto statm = read_all("/proc/self/statm");
  auto stat = read_all("/proc/self/stat");
  auto status = read_all("/proc/self/status");
  auto sys_stat = read_all("/proc/stat");
  if (!statm || !stat || !status || !sys_stat)
    return std::nullopt;
  process_sample s;
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const auto ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));

  std::uint64_t size = 0, resident = 0;
  std::istringstream{*statm} >> size >> resident;
  s.resident_bytes = resident * page;

  s.threads = field(*status, "Threads:").value_or(0);

  // The directory iterator's own descriptor is listed too: not counted.
  std::error_code ec;
  std::uint64_t fds = 0;
  for (std::filesystem::directory_iterator it{"/proc/self/fd", ec}, end; !ec && it != end;
       it.increment(ec))
    ++fds;
  s.open_fds = fds > 0 ? fds - 1 : 0;

  // /proc/self/stat: "pid (comm) state ..." — comm may hold spaces and
  // parentheses, so the fields are counted from the last ')'. After it come
  // field 3 (state) onwards; utime, stime are 14 and 15, starttime 22.
  auto close = stat->rfind(')');
  if (close != std::string::npos) {
    std::istringstream in{stat->substr(close + 1)};
    std::vector<std::string> f{std::istream_iterator<std::string>(in),
                               std::istream_iterator<std::string>()};
    if (f.size() >= 20) {
      s.cpu_seconds = (std::stod(f[14 - 3]) + std::stod(f[15 - 3])) / ticks;
      auto started_after_boot = std::stod(f[22 - 3]) / ticks;
      auto boot = static_cast<double>(field(*sys_stat, "btime ").value_or(0));
      s.start_time = boot + started_after_boot;
      auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                     .count();
      s.uptime = now - s.start_time;
    }
  }
  return s;
}

void render_process(text_writer& w) {
  if (auto p = read_process()) {
    w.single("actorgate_process_resident_memory_bytes", metric_type::gauge,
             "Resident memory of the gateway process.", p->resident_bytes);
    w.single("actorgate_process_open_fds", metric_type::gauge,
             "Open file descriptors (sockets included).", p->open_fds);
    w.single("actorgate_process_threads", metric_type::gauge, "OS threads of the process.",
             p->threads);
    w.single("actorgate_process_cpu_seconds_total", metric_type::counter,
             "User and system CPU time of the process.", p->cpu_seconds);
    w.single("actorgate_process_start_time_seconds", metric_type::gauge,
             "When the process started, in seconds since the Unix epoch.", p->start_time);
    w.single("actorgate_process_uptime_seconds", metric_type::gauge,
             "Seconds since the process started.", p->uptime);
  }
  w.family("actorgate_build_info", metric_type::gauge, "Always 1; the labels say which build.");
  w.sample("actorgate_build_info", {{"version", build_version()}}, std::uint64_t{1});
}

} // namespace actorgate::metrics
