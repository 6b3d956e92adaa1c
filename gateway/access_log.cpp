#include "actorgate/gateway/access_log.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

#include <spdlog/async_logger.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/details/periodic_worker.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>

namespace actorgate {

namespace {

using buffer = spdlog::memory_buf_t;

void put(buffer& b, std::string_view s) {
  b.append(s.data(), s.data() + s.size());
}

void put(buffer& b, std::uint64_t n) {
  fmt::format_int text{n};
  b.append(text.data(), text.data() + text.size());
}

const char hex[] = "0123456789abcdef";

// One whitespace-free token, so that a plain line splits on spaces: bytes
// outside visible ASCII are percent-encoded; nothing becomes "-".
void put_token(buffer& b, std::string_view s) {
  if (s.empty())
    return put(b, "-");
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) {
      char esc[3] = {'%', hex[u >> 4], hex[u & 0xf]};
      b.append(esc, esc + 3);
    } else {
      b.push_back(c);
    }
  }
}

// A JSON string. Bytes outside ASCII become \u00XX: a target need not be
// UTF-8, and the line must stay valid JSON.
void put_json(buffer& b, std::string_view s) {
  b.push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      b.push_back('\\');
      b.push_back(c);
    } else if (u < 0x20 || u >= 0x7f) {
      char esc[6] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 0xf]};
      b.append(esc, esc + 6);
    } else {
      b.push_back(c);
    }
  }
  b.push_back('"');
}

std::uint64_t micros(std::chrono::steady_clock::duration d) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return us > 0 ? static_cast<std::uint64_t>(us) : 0;
}

// Every field of a line, in order: the formats differ only in how a key
// and a text value are written, so they cannot drift apart.
template <class Key, class Text>
void put_fields(buffer& b, const http::exchange& x, Key key, Text text) {
  key("id"), text(x.request_id);
  key("client"), text(x.client);
  key("method"), text(x.method);
  key("target"), text(x.target);
  key("route"), text(x.route);
  key("status"), put(b, x.status);
  key("bytes"), put(b, x.bytes_out);
  key("duration_us"), put(b, micros(x.duration));
  key("backend_us"), put(b, micros(x.backend_time));
}

void append_entry(buffer& b, const http::exchange& x, access_log_format f) {
  bool first = true;
  if (f == access_log_format::plain) {
    put_fields(
        b, x,
        [&](std::string_view k) {
          put(b, first ? "" : " "), put(b, k), put(b, "=");
          first = false;
        },
        [&](std::string_view v) { put_token(b, v); });
    return;
  }
  put_fields(
      b, x,
      [&](std::string_view k) {
        put(b, first ? "\"" : ",\""), put(b, k), put(b, "\":");
        first = false;
      },
      [&](std::string_view v) { put_json(b, v); });
}

// How long the writer thread waits, once it has written everything queued,
// before it looks again. Without it, each line wakes the idle writer: one
// futex wake-up and two context switches per request, measured as a third
// of /ping's throughput on 2 cores. With it, lines arrive in the queue while
// the writer waits, and under load it wakes at most 500 times a second. A
// line reaches the file at most this much later; the queue holds 8192 lines,
// 80 ms at 100k requests/s.
constexpr auto writer_pace = std::chrono::milliseconds(2);

// Appends lines to stdout or a file, buffered: spdlog's console sinks flush
// after every line (a system call per request), and its file sink cannot be
// paced. Only the writer thread uses it, hence no mutex of its own; stdio
// locks the FILE per call, so a line never interleaves with other output.
class paced_sink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
  paced_sink(const std::string& target, spdlog::details::thread_pool* writer)
      : name_(target), writer_(writer) {
    if (target == "stdout") {
      file_ = stdout;
      return;
    }
    file_ = std::fopen(target.c_str(), "ab");
    if (file_ == nullptr)
      throw std::runtime_error("access log '" + target +
                               "': cannot open it for appending: " + std::strerror(errno));
    // Fewer, larger writes than stdio's 4 KiB.
    std::setvbuf(file_, nullptr, _IOFBF, 64 * 1024);
  }
  ~paced_sink() override {
    if (file_ == stdout)
      std::fflush(stdout);
    else
      std::fclose(file_);
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    buffer line;
    formatter_->format(msg, line);
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size())
      spdlog::throw_spdlog_ex("cannot write to " + name_, errno);
    if (writer_->queue_size() == 0)
      std::this_thread::sleep_for(writer_pace);
  }
  void flush_() override {
    if (std::fflush(file_) != 0)
      spdlog::throw_spdlog_ex("cannot flush " + name_, errno);
  }

private:
  std::string name_;
  spdlog::details::thread_pool* writer_; // runs this sink, so outlives its use
  std::FILE* file_ = nullptr;
};

} // namespace

std::string format_access_entry(const http::exchange& x, access_log_format f) {
  buffer b;
  append_entry(b, x, f);
  return std::string(b.data(), b.size());
}

struct access_log::impl {
  std::shared_ptr<spdlog::details::thread_pool> pool;
  std::shared_ptr<spdlog::async_logger> logger;
  std::unique_ptr<spdlog::details::periodic_worker> flusher;
  std::mutex mutex; // close() against dropped()
  std::uint64_t dropped_at_close = 0;
};

access_log::access_log(const access_log_options& opts)
    : opts_(opts), impl_(std::make_unique<impl>()) {
  auto& d = *impl_;
  d.pool = std::make_shared<spdlog::details::thread_pool>(opts.queue_lines, 1);
  auto sink = std::make_shared<paced_sink>(opts.target, d.pool.get());
  // The time stamp is formatted on the writer thread, not the IO thread: it
  // is when the line was handed over, i.e. when the response was written.
  const char* pattern = opts.format == access_log_format::plain
                            ? "%Y-%m-%dT%H:%M:%S.%fZ %v"
                            : "{\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",%v}";
  d.logger = std::make_shared<spdlog::async_logger>("access", std::move(sink), d.pool,
                                                    spdlog::async_overflow_policy::overrun_oldest);
  d.logger->set_error_handler([this](const std::string& what) { on_write_error(what); });
  d.logger->set_formatter(
      std::make_unique<spdlog::pattern_formatter>(pattern, spdlog::pattern_time_type::utc));
  // Buffered writes, flushed once a second: a line reaches the file at most
  // a second late, and a busy gateway pays one write per buffer, not per line.
  d.flusher = std::make_unique<spdlog::details::periodic_worker>(
      [logger = d.logger] { logger->flush(); }, std::chrono::seconds(1));
}

access_log::~access_log() {
  close();
}

void access_log::on_exchange(const http::exchange& x) noexcept {
  if (!impl_->logger)
    return;
  try {
    thread_local buffer line;
    line.clear();
    append_entry(line, x, opts_.format);
    impl_->logger->log(spdlog::level::info, spdlog::string_view_t(line.data(), line.size()));
    lines_.fetch_add(1, std::memory_order_relaxed);
  } catch (...) {
    // Out of memory while formatting: the request was answered; lose the line.
  }
}

// On the writer thread. Replaces spdlog's handler, which reports once a
// second without saying that it is the access log that fails.
void access_log::on_write_error(const std::string& what) noexcept {
  auto n = write_errors_.fetch_add(1, std::memory_order_relaxed) + 1;
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  auto last = last_error_report_.load(std::memory_order_relaxed);
  auto every =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::seconds(10))
          .count();
  if (n > 1 && now - last < every)
    return;
  last_error_report_.store(now, std::memory_order_relaxed);
  std::fprintf(stderr, "actorgate: access log %s: %s (%llu write errors so far)\n",
               opts_.target.c_str(), what.c_str(), static_cast<unsigned long long>(n));
}

void access_log::close() {
  std::lock_guard<std::mutex> g{impl_->mutex};
  auto& d = *impl_;
  if (!d.logger)
    return;
  d.flusher.reset();
  d.logger->flush();
  d.dropped_at_close = d.pool->overrun_counter();
  // Queued lines hold the logger: the pool's destructor writes them and
  // joins its thread first, so that the logger's last reference is ours.
  // (Dropped inside the uninstrumented libspdlog, TSan could not order it.)
  d.pool.reset();
  d.logger.reset();
}

std::uint64_t access_log::dropped() const {
  std::lock_guard<std::mutex> g{impl_->mutex};
  return impl_->pool ? impl_->pool->overrun_counter() : impl_->dropped_at_close;
}

} // namespace actorgate
