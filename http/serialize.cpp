#include "actorgate/http/serialize.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>

namespace actorgate::http {

namespace {

void append_clean(std::string& out, const std::string& s) {
  auto start = out.size();
  out += s;
  for (auto i = start; i < out.size(); ++i)
    if (out[i] == '\r' || out[i] == '\n' || out[i] == '\0')
      out[i] = ' ';
}

void append_header(std::string& out, const std::string& name, const std::string& value) {
  append_clean(out, name);
  out += ": ";
  append_clean(out, value);
  out += "\r\n";
}

// The Date header's value (RFC 9110 6.6.1: an origin server with a clock
// must send one), formatted once per second per thread.
// English names whatever the locale, as RFC 9110's IMF-fixdate wants.
std::string_view http_date() {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  thread_local std::time_t formatted = -1;
  thread_local char text[64];
  thread_local std::size_t length = 0;
  auto now = std::time(nullptr);
  if (now != formatted) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    int n = std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                          days[utc.tm_wday], utc.tm_mday, months[utc.tm_mon], utc.tm_year + 1900,
                          utc.tm_hour, utc.tm_min, utc.tm_sec);
    length = n > 0 ? static_cast<std::size_t>(n) : 0;
    formatted = now;
  }
  return {text, length};
}

bool has_date(const response& r) {
  for (const auto& h : r.headers)
    if (boost::beast::iequals(h.name, "Date"))
      return true;
  return false;
}

// Appends `n` in decimal.
void append_number(std::string& out, std::size_t n) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

} // namespace

void serialize(const response& r, const wire_options& o, std::string& out) {
  // One allocation for the whole answer: the session gives its buffer back
  // between requests, and growing it piece by piece cost three or four.
  auto size = 192 + r.content_type.size() + o.request_id.size() + r.body.size();
  for (const auto& h : r.headers)
    size += h.name.size() + h.value.size() + 4;
  out.clear();
  out.reserve(size);
  out += o.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  append_number(out, r.status);
  out += ' ';
  auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(r.status));
  out.append(reason.data(), reason.size());
  out += "\r\nServer: actorgate\r\n";
  if (!has_date(r)) {
    out += "Date: ";
    out += http_date();
    out += "\r\n";
  }
  // 1xx, 204 and 304 have no content (RFC 9110 6.4.1), and a 1xx or 204
  // must not carry Content-Length (8.6).
  bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
  if (!bodiless || !r.content_type.empty())
    append_header(out, "Content-Type", r.content_type);
  for (const auto& h : r.headers)
    append_header(out, h.name, h.value);
  if (!o.request_id.empty()) {
    out += "X-Request-Id: ";
    out += o.request_id;
    out += "\r\n";
  }
  if (!bodiless) {
    out += "Content-Length: ";
    append_number(out, r.body.size());
    out += "\r\n";
  }
  if (!o.keep_alive && o.version >= 11)
    out += "Connection: close\r\n";
  else if (o.keep_alive && o.version == 10)
    out += "Connection: keep-alive\r\n";
  out += "\r\n";
  if (!o.head && !bodiless)
    out += r.body;
}

} // namespace actorgate::http
