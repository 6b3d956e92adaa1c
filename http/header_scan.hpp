// header_scan: the checks a request header gets as raw bytes, before Beast
// parses it (private to http/). Beast silently unfolds obs-fold, which RFC
// 9112 5.2 requires a server to reject (or replace) because proxies disagree
// on it; it also waits for a CRLFCRLF that a bare LF or CR never brings, and
// reports every line limit as one header_limit. So the session collects the
// header itself and hands it to Beast only once this scan has passed it.
//
// A pure function over the bytes read so far. The session calls it after
// each read of the same header, with the progress the previous call
// returned, so that each byte and each line is looked at once however
// finely the client splits its header (a client sending a byte at a time
// would otherwise cost time quadratic in the header's length).
//
//   header_scan_progress at;
//   for (;;) {
//     auto r = scan_header(buffered, at, limits);
//     drop r.skipped bytes from the front of the buffer;
//     if (r.verdict == header_verdict::incomplete) { at = r.progress; read more; continue; }
//     if (r.verdict == header_verdict::complete) parse the first r.header_bytes;
//     else answer header_status(r.verdict), header_reason(r.verdict) and close;
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace actorgate::http {

/// The limits the scan enforces (server_options has the same fields).
struct header_limits {
  /// The whole header block, request line included: beyond it 431.
  std::size_t max_header_bytes = 8 * 1024;
  /// The request target: beyond it 414.
  std::size_t max_uri_bytes = 4 * 1024;
  /// One header field line: beyond it 431.
  std::size_t max_header_field_bytes = 4 * 1024;
  /// Header fields per request: beyond it 431.
  std::size_t max_headers = 100;
};

/// How far the scans of one header got. Offsets are into the buffer after the
/// bytes the scans skipped.
struct header_scan_progress {
  /// Bytes searched for the header's end.
  std::size_t scanned = 0;
  /// Where the line being read begins.
  std::size_t line_start = 0;
  /// Complete lines, the request line included.
  std::size_t lines = 0;
};

enum class header_verdict : std::uint8_t {
  /// No end of header yet, and nothing wrong so far: read more.
  incomplete,
  /// The header ends within the buffer and passed every check.
  complete,
  /// A CR not followed by LF, an LF not preceded by CR, or a NUL (400).
  bare_control,
  /// A request line with no space in its first 32 bytes: no method is that
  /// long (400).
  bad_request_line,
  /// The request target is longer than max_uri_bytes (414).
  target_too_long,
  /// A header field line is longer than max_header_field_bytes (431).
  field_too_long,
  /// More than max_headers field lines (431).
  too_many_fields,
  /// No end of header within max_header_bytes (431).
  header_too_large,
  /// A field line continued on the next by leading whitespace (400).
  obsolete_fold,
};

struct header_scan_result {
  header_verdict verdict = header_verdict::incomplete;
  /// Empty lines before the request line (RFC 9112 2.2: some clients send a
  /// CRLF after a body), dropped from the front of the buffer before
  /// anything else; every other offset counts from after them.
  std::size_t skipped = 0;
  /// If complete: the header's length, its final CRLFCRLF included.
  std::size_t header_bytes = 0;
  /// Where the next scan of this header goes on from, if incomplete.
  header_scan_progress progress;
};

/// Scans `buffered`, every byte read of this request so far, from where
/// `from` (the previous scan's progress, or a default one for a new request)
/// says the last scan of the same header left off. Empty lines are skipped
/// only while nothing has been scanned. Of several problems, the first one
/// found wins, in this order: a bare CR, LF or NUL in the bytes new to this
/// scan; then each line's limits, line by line; then the header's size; then
/// line folding, once the header is complete.
header_scan_result scan_header(std::string_view buffered, const header_scan_progress& from,
                               const header_limits& limits) noexcept;

/// The HTTP status a verdict other than incomplete or complete is answered
/// with (400, 414 or 431); 0 for those two.
unsigned header_status(header_verdict v) noexcept;

/// The reason given with that status; empty for incomplete and complete.
std::string_view header_reason(header_verdict v) noexcept;

} // namespace actorgate::http
