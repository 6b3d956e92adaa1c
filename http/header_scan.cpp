#include "actorgate/http/header_scan.hpp"

#include <algorithm>
#include <cstring>

namespace actorgate::http {

namespace {

// The verdict for one line of the header, or incomplete if it breaks no
// limit. `lines` counts the complete lines before it; `complete` says whether
// its CRLF has arrived.
header_verdict check_line(std::string_view line, bool complete, std::size_t lines,
                          const header_limits& limits) {
  if (lines == 0) {
    // "METHOD SP target SP HTTP/x.y": the target is what lies between the
    // first and the last space; until the line is complete, all after the
    // first space may be target.
    auto first = line.find(' ');
    if (first == std::string_view::npos)
      return line.size() > 32 ? header_verdict::bad_request_line : header_verdict::incomplete;
    auto last = complete ? line.rfind(' ') : line.size();
    auto target = last > first ? last - first - 1 : 0;
    return target > limits.max_uri_bytes ? header_verdict::target_too_long
                                         : header_verdict::incomplete;
  }
  if (line.size() > limits.max_header_field_bytes)
    return header_verdict::field_too_long;
  // The line being counted is a field if complete and not the empty line
  // that ends the header.
  if (complete && !line.empty() && lines > limits.max_headers)
    return header_verdict::too_many_fields;
  return header_verdict::incomplete;
}

} // namespace

header_scan_result scan_header(std::string_view raw, const header_scan_progress& from,
                               const header_limits& limits) noexcept {
  header_scan_result r;
  auto& at = r.progress;
  at = from;
  if (at.scanned == 0) {
    while (raw.size() - r.skipped >= 2 && raw.substr(r.skipped, 2) == "\r\n")
      r.skipped += 2;
    raw.remove_prefix(r.skipped);
  }
  // Three bytes back: the CRLFCRLF may straddle two reads, and a CR that
  // ended the last read is only now known to be followed by LF or not.
  auto begin = at.scanned > 3 ? at.scanned - 3 : 0;
  auto end = raw.find("\r\n\r\n", begin);
  // A bare LF or CR or a NUL would otherwise leave the session waiting for a
  // CRLFCRLF that never comes: refused as soon as it arrives.
  // Each pass jumps from one NUL, CR or LF to the next with memchr: this
  // runs on every request, and a byte-by-byte loop over the header cost about
  // 25 instructions a byte (callgrind: 1.9k of a GET's 34k).
  auto limit = end == std::string_view::npos ? raw.size() : end;
  auto next = [&](char c, std::size_t from) -> std::size_t {
    if (from >= limit)
      return limit;
    const void* p = std::memchr(raw.data() + from, c, limit - from);
    return p ? static_cast<std::size_t>(static_cast<const char*>(p) - raw.data()) : limit;
  };
  bool bad = next('\0', begin) < limit;
  for (auto i = next('\r', begin); !bad && i < limit; i = next('\r', i + 1))
    bad = i + 1 < raw.size() && raw[i + 1] != '\n';
  for (auto i = next('\n', begin); !bad && i < limit; i = next('\n', i + 1))
    bad = i == 0 || raw[i - 1] != '\r';
  if (bad) {
    r.verdict = header_verdict::bare_control;
    return r;
  }
  // Line limits, each line once: the request target, one header field and
  // the number of fields. Every LF here follows a CR (checked above).
  for (auto i = next('\n', std::max(at.scanned, at.line_start)); i < limit;
       i = next('\n', i + 1)) {
    r.verdict =
        check_line(raw.substr(at.line_start, i - 1 - at.line_start), true, at.lines, limits);
    if (r.verdict != header_verdict::incomplete)
      return r;
    ++at.lines;
    at.line_start = i + 1;
  }
  // The line being read, unless the header ended with the CRLF of a line
  // already checked: its empty line came in a read of its own.
  if (at.line_start <= limit) {
    r.verdict = check_line(raw.substr(at.line_start, limit - at.line_start),
                           end != std::string_view::npos, at.lines, limits);
    if (r.verdict != header_verdict::incomplete)
      return r;
  }
  if (end == std::string_view::npos) {
    if (raw.size() > limits.max_header_bytes)
      r.verdict = header_verdict::header_too_large;
    else
      at.scanned = raw.size();
    return r;
  }
  auto head = raw.substr(0, end + 2);
  for (auto pos = head.find("\r\n"); pos != std::string_view::npos;
       pos = head.find("\r\n", pos + 2)) {
    if (pos + 2 < head.size() && (head[pos + 2] == ' ' || head[pos + 2] == '\t')) {
      r.verdict = header_verdict::obsolete_fold;
      return r;
    }
  }
  r.verdict = header_verdict::complete;
  r.header_bytes = end + 4;
  return r;
}

unsigned header_status(header_verdict v) noexcept {
  switch (v) {
  case header_verdict::incomplete:
  case header_verdict::complete:
    return 0;
  case header_verdict::target_too_long:
    return 414;
  case header_verdict::field_too_long:
  case header_verdict::too_many_fields:
  case header_verdict::header_too_large:
    return 431;
  case header_verdict::bare_control:
  case header_verdict::bad_request_line:
  case header_verdict::obsolete_fold:
    return 400;
  }
  return 400;
}

std::string_view header_reason(header_verdict v) noexcept {
  switch (v) {
  case header_verdict::incomplete:
  case header_verdict::complete:
    return {};
  case header_verdict::bare_control:
    return "bare CR, LF or NUL in the request header";
  case header_verdict::bad_request_line:
    return "malformed request line";
  case header_verdict::target_too_long:
    return "request target too long";
  case header_verdict::field_too_long:
  case header_verdict::too_many_fields:
  case header_verdict::header_too_large:
    return "request header fields too large";
  case header_verdict::obsolete_fold:
    return "obsolete line folding in a header field";
  }
  return {};
}

} // namespace actorgate::http
