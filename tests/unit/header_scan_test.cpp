#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "actorgate/http/header_scan.hpp"

using namespace actorgate::http;
using namespace std::string_literals;

namespace {

header_limits small_limits() {
  header_limits l;
  l.max_header_bytes = 200;
  l.max_uri_bytes = 20;
  l.max_header_field_bytes = 30;
  l.max_headers = 3;
  return l;
}

header_scan_result scan_once(std::string_view raw, const header_limits& l = small_limits()) {
  return scan_header(raw, header_scan_progress{}, l);
}

// Feeds `chunks` as the session does: each scan sees every byte buffered so
// far, from the previous scan's progress, and skipped bytes leave the buffer.
header_scan_result scan_chunks(const std::vector<std::string>& chunks,
                               const header_limits& l = small_limits()) {
  std::string buffered;
  header_scan_progress at;
  header_scan_result r;
  for (const auto& c : chunks) {
    buffered += c;
    r = scan_header(buffered, at, l);
    buffered.erase(0, r.skipped);
    if (r.verdict != header_verdict::incomplete)
      return r;
    at = r.progress;
  }
  return r;
}

std::vector<std::string> bytes_of(std::string_view s) {
  std::vector<std::string> out;
  for (char c : s)
    out.emplace_back(1, c);
  return out;
}

const std::string ping = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";

} // namespace

TEST_CASE("a complete header is passed with its length") {
  auto r = scan_once(ping + "pipelined");
  CHECK(r.verdict == header_verdict::complete);
  CHECK(r.skipped == 0);
  CHECK(r.header_bytes == ping.size());
  CHECK(header_status(r.verdict) == 0);
  CHECK(header_reason(r.verdict).empty());
}

TEST_CASE("an unfinished header asks for more and says how far it got") {
  auto r = scan_once("GET /ping HTTP/1.1\r\nHost: x\r\n");
  CHECK(r.verdict == header_verdict::incomplete);
  CHECK(r.progress.scanned == 29);
  CHECK(r.progress.lines == 2);
  CHECK(r.progress.line_start == 29);
  CHECK(scan_once("").verdict == header_verdict::incomplete);
  CHECK(header_status(header_verdict::incomplete) == 0);
}

TEST_CASE("a header split across reads, even byte by byte, is found whole") {
  auto whole = scan_once(ping);
  auto r = scan_chunks(bytes_of(ping));
  CHECK(r.verdict == header_verdict::complete);
  CHECK(r.header_bytes == whole.header_bytes);
  // The CRLFCRLF straddles two reads.
  r = scan_chunks({"GET /ping HTTP/1.1\r\nHost: x\r\n\r", "\n"});
  CHECK(r.verdict == header_verdict::complete);
  CHECK(r.header_bytes == ping.size());
}

TEST_CASE("the empty line that ends a header may come in a read of its own") {
  // Neither it nor a body after it is one more field line.
  CHECK(scan_chunks({"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n", "\r\n"}).verdict ==
        header_verdict::complete);
  auto r =
      scan_chunks({"POST / HTTP/1.1\r\nContent-Length: 40\r\n", "\r\n" + std::string(40, 'b')});
  CHECK(r.verdict == header_verdict::complete);
  CHECK(r.header_bytes == 39);
}

TEST_CASE("empty lines before the request line are skipped") {
  auto r = scan_once("\r\n\r\n" + ping);
  CHECK(r.verdict == header_verdict::complete);
  CHECK(r.skipped == 4);
  CHECK(r.header_bytes == ping.size());
  r = scan_once("\r\n");
  CHECK(r.verdict == header_verdict::incomplete);
  CHECK(r.skipped == 2);
  CHECK(r.progress.scanned == 0);
}

TEST_CASE("a bare CR or LF or a NUL is refused with 400 as soon as it arrives") {
  for (auto bad : {"GET /ping HTTP/1.1\nHost: x\r\n\r\n"s, "GET /ping HTTP/1.1\r\nHost: x\rY\r\n"s,
                   "GET /p\0ng HTTP/1.1\r\n"s, "\nGET / HTTP/1.1\r\n"s}) {
    CAPTURE(bad);
    auto r = scan_once(bad);
    CHECK(r.verdict == header_verdict::bare_control);
    CHECK(header_status(r.verdict) == 400);
    CHECK(header_reason(r.verdict) == "bare CR, LF or NUL in the request header");
  }
  // A CR that ends a read is judged once the next byte is there.
  CHECK(scan_once("GET / HTTP/1.1\r").verdict == header_verdict::incomplete);
  CHECK(scan_chunks({"GET / HTTP/1.1\r", "X"}).verdict == header_verdict::bare_control);
  CHECK(scan_chunks({"GET / HTTP/1.1\r", "\n"}).verdict == header_verdict::incomplete);
  // A NUL after the header is the body's business.
  CHECK(scan_once(ping + std::string(1, '\0')).verdict == header_verdict::complete);
}

TEST_CASE("obsolete line folding is refused with 400") {
  for (const char* folded : {"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n",
                             "GET / HTTP/1.1\r\nHost: x\r\n\tmore\r\n\r\n"}) {
    CAPTURE(folded);
    auto r = scan_once(folded);
    CHECK(r.verdict == header_verdict::obsolete_fold);
    CHECK(header_status(r.verdict) == 400);
    CHECK(header_reason(r.verdict) == "obsolete line folding in a header field");
  }
  // Whitespace starting the body is not folding.
  CHECK(scan_once(ping + " body").verdict == header_verdict::complete);
}

TEST_CASE("the request target may be max_uri_bytes long, no longer: 414") {
  auto line = [](std::size_t n) { return "GET /" + std::string(n - 1, 'a') + " HTTP/1.1\r\n"; };
  CHECK(scan_once(line(20) + "Host: x\r\n\r\n").verdict == header_verdict::complete);
  auto r = scan_once(line(21) + "Host: x\r\n\r\n");
  CHECK(r.verdict == header_verdict::target_too_long);
  CHECK(header_status(r.verdict) == 414);
  CHECK(header_reason(r.verdict) == "request target too long");
  // Before its line ends, everything after the first space may be target.
  CHECK(scan_once("GET /" + std::string(20, 'a')).verdict == header_verdict::target_too_long);
  CHECK(scan_once("GET /" + std::string(19, 'a')).verdict == header_verdict::incomplete);
}

TEST_CASE("a request line with no space in its first 32 bytes is malformed") {
  CHECK(scan_once(std::string(32, 'G')).verdict == header_verdict::incomplete);
  auto r = scan_once(std::string(33, 'G'));
  CHECK(r.verdict == header_verdict::bad_request_line);
  CHECK(header_status(r.verdict) == 400);
  CHECK(header_reason(r.verdict) == "malformed request line");
}

TEST_CASE("a field line longer than max_header_field_bytes gets 431") {
  auto field = [](std::size_t n) { return "X-F: " + std::string(n - 5, 'v') + "\r\n"; };
  CHECK(scan_once("GET / HTTP/1.1\r\n" + field(30) + "\r\n").verdict == header_verdict::complete);
  auto r = scan_once("GET / HTTP/1.1\r\n" + field(31) + "\r\n");
  CHECK(r.verdict == header_verdict::field_too_long);
  CHECK(header_status(r.verdict) == 431);
  CHECK(header_reason(r.verdict) == "request header fields too large");
  // Also while the line is still arriving.
  CHECK(scan_once("GET / HTTP/1.1\r\nX-F: " + std::string(26, 'v')).verdict ==
        header_verdict::field_too_long);
}

TEST_CASE("more than max_headers fields get 431") {
  std::string three = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n";
  CHECK(scan_once(three + "\r\n").verdict == header_verdict::complete);
  auto r = scan_once(three + "D: 4\r\n\r\n");
  CHECK(r.verdict == header_verdict::too_many_fields);
  CHECK(header_status(r.verdict) == 431);
  // Counted once each, however the lines arrive.
  CHECK(scan_chunks(bytes_of(three + "\r\n")).verdict == header_verdict::complete);
  CHECK(scan_chunks(bytes_of(three + "D: 4\r\n\r\n")).verdict == header_verdict::too_many_fields);
}

TEST_CASE("no end of header within max_header_bytes gets 431") {
  auto l = small_limits();
  l.max_header_field_bytes = 1000;
  std::string start = "GET / HTTP/1.1\r\nX: ";
  auto r = scan_once(start + std::string(200 - start.size(), 'v'), l);
  CHECK(r.verdict == header_verdict::incomplete);
  r = scan_once(start + std::string(201 - start.size(), 'v'), l);
  CHECK(r.verdict == header_verdict::header_too_large);
  CHECK(header_status(r.verdict) == 431);
  // A complete header over the limit is left to the parser's header_limit,
  // which answers the same 431.
  CHECK(scan_once(start + std::string(300, 'v') + "\r\n\r\n", l).verdict ==
        header_verdict::complete);
}

TEST_CASE("of two problems in one read, a bare control byte is found first") {
  auto r = scan_once("GET /" + std::string(30, 'a') + " HTTP/1.1\r\nX: \n\r\n\r\n");
  CHECK(r.verdict == header_verdict::bare_control);
  // The same bytes in two reads: the long target is seen in the first.
  r = scan_chunks({"GET /" + std::string(30, 'a') + " HTTP/1.1\r\n", "X: \n\r\n\r\n"});
  CHECK(r.verdict == header_verdict::target_too_long);
}
