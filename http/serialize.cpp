#include "actorgate/http/serialize.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>

namespace actorgate::http {

namespace {

// Writes the head of a response into memory sized beforehand: one cursor,
// where a string's appends each checked capacity and length.
class cursor {
public:
  explicit cursor(char* at) : at_(at) {}
  void put(std::string_view s) {
    std::memcpy(at_, s.data(), s.size());
    at_ += s.size();
  }
  /// CR, LF and NUL become spaces: no actor can inject a header.
  void put_clean(std::string_view s) {
    for (char c : s)
      *at_++ = c == '\r' || c == '\n' || c == '\0' ? ' ' : c;
  }
  void put_number(std::size_t n) { at_ = std::to_chars(at_, at_ + max_digits, n).ptr; }
  void put_header(std::string_view name, std::string_view value) {
    put_clean(name);
    put(": ");
    put_clean(value);
    put("\r\n");
  }
  char* at() const { return at_; }

  static constexpr std::size_t max_digits = 20; // of a 64-bit number

private:
  char* at_;
};

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

} // namespace

void serialize(const response& r, const wire_options& o, std::string& out) {
  auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(r.status));
  auto date = has_date(r) ? std::string_view{} : http_date();
  // The head's size at most: its fixed parts (status line, Server, Date,
  // Content-Length, Connection and the names of the others) take under 256.
  auto head = 256 + reason.size() + date.size() + r.content_type.size() + o.request_id.size();
  for (const auto& h : r.headers)
    head += h.name.size() + h.value.size() + 4;
  bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
  bool body = !o.head && !bodiless;
  // One allocation for the whole answer: the session gives its buffer back
  // between requests.
  out.clear();
  out.reserve(head + (body ? r.body.size() : 0));
  out.resize(head);
  cursor c{out.data()};
  c.put(o.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  c.put_number(r.status);
  c.put(" ");
  c.put({reason.data(), reason.size()});
  c.put("\r\nServer: actorgate\r\n");
  if (!date.empty()) {
    c.put("Date: ");
    c.put(date);
    c.put("\r\n");
  }
  // 1xx, 204 and 304 have no content (RFC 9110 6.4.1), and a 1xx or 204
  // must not carry Content-Length (8.6).
  if (!bodiless || !r.content_type.empty())
    c.put_header("Content-Type", r.content_type);
  for (const auto& h : r.headers)
    c.put_header(h.name, h.value);
  if (!o.request_id.empty()) {
    c.put("X-Request-Id: ");
    c.put(o.request_id);
    c.put("\r\n");
  }
  if (!bodiless) {
    c.put("Content-Length: ");
    c.put_number(r.body.size());
    c.put("\r\n");
  }
  if (!o.keep_alive && o.version >= 11)
    c.put("Connection: close\r\n");
  else if (o.keep_alive && o.version == 10)
    c.put("Connection: keep-alive\r\n");
  c.put("\r\n");
  out.resize(static_cast<std::size_t>(c.at() - out.data()));
  if (body)
    out += r.body;
}

} // namespace actorgate::http
