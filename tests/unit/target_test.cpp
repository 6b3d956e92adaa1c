#include <doctest/doctest.h>

#include "actorgate/http/target.hpp"

using actorgate::http::parse_target;
using actorgate::http::parsed_target;
using actorgate::http::percent_decode;
using actorgate::http::valid_host;

TEST_CASE("percent decoding") {
  std::string out;
  CHECK(percent_decode("a%20b%2Fc", out, false));
  CHECK(out == "a b/c");
  CHECK(percent_decode("a+b", out, false));
  CHECK(out == "a+b");
  CHECK(percent_decode("a+b", out, true));
  CHECK(out == "a b");
  CHECK(percent_decode("%C3%A9t%c3%a9", out, true));
  CHECK(out == "\xC3\xA9t\xC3\xA9");
  CHECK(percent_decode("", out, true));
  CHECK(out.empty());
  SUBCASE("malformed escapes are rejected") {
    CHECK_FALSE(percent_decode("%", out, true));
    CHECK_FALSE(percent_decode("%4", out, true));
    CHECK_FALSE(percent_decode("ab%4", out, true));
    CHECK_FALSE(percent_decode("%zz", out, true));
    CHECK_FALSE(percent_decode("%g0", out, true));
  }
  SUBCASE("an encoded NUL never reaches a route") {
    CHECK_FALSE(percent_decode("a%00b", out, true));
  }
}

TEST_CASE("request targets split into path and decoded query") {
  parsed_target t;
  REQUIRE(parse_target("/echo?msg=hello%20world&x=1&flag&=v&&y=a%2Bb+c", t));
  CHECK(t.path == "/echo");
  REQUIRE(t.query.size() == 5);
  CHECK(t.query[0] == std::pair<std::string, std::string>{"msg", "hello world"});
  CHECK(t.query[1] == std::pair<std::string, std::string>{"x", "1"});
  CHECK(t.query[2] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(t.query[3] == std::pair<std::string, std::string>{"", "v"});
  CHECK(t.query[4] == std::pair<std::string, std::string>{"y", "a+b c"});

  REQUIRE(parse_target("/a%20b", t));
  CHECK(t.path == "/a b");
  CHECK(t.query.empty());

  REQUIRE(parse_target("/p?q=1#frag", t));
  CHECK(t.query.size() == 1);
  CHECK(t.query[0].second == "1");
  REQUIRE(parse_target("/ping#frag", t)); // a fragment ends the path too
  CHECK(t.path == "/ping");
  CHECK(t.segments == std::vector<std::string>{"ping"});

  REQUIRE(parse_target("/p?msg=a=b", t));
  CHECK(t.query[0].second == "a=b");

  CHECK_FALSE(parse_target("", t));
  CHECK_FALSE(parse_target("echo", t));
  CHECK_FALSE(parse_target("/echo?msg=%zz", t));
  CHECK_FALSE(parse_target("/ec%00ho", t));
}

TEST_CASE("request paths split into segments before decoding") {
  parsed_target t;
  REQUIRE(parse_target("/files/a%2Fb/c%20d?x=1", t));
  REQUIRE(t.segments.size() == 3);
  CHECK(t.segments[0] == "files");
  CHECK(t.segments[1] == "a/b"); // an encoded slash stays inside its segment
  CHECK(t.segments[2] == "c d");
  CHECK(t.path == "/files/a/b/c d");
  REQUIRE(parse_target("/", t));
  CHECK(t.segments == std::vector<std::string>{""});
  REQUIRE(parse_target("/a/", t));
  CHECK(t.segments == std::vector<std::string>{"a", ""});
  SUBCASE("dot segments, plain or encoded, are refused") {
    CHECK_FALSE(parse_target("/a/../b", t));
    CHECK_FALSE(parse_target("/a/./b", t));
    CHECK_FALSE(parse_target("/..", t));
    CHECK_FALSE(parse_target("/a/%2E%2E/b", t));
    CHECK_FALSE(parse_target("/a/.%2e", t));
    CHECK(parse_target("/a/...", t)); // just a name
  }
  SUBCASE("a dot segment behind an encoded slash is refused too") {
    // Found by tests/fuzz: "..%2Fx" decoded to one segment "../x", which a
    // wildcard or parameter route received intact.
    CHECK_FALSE(parse_target("/files/..%2Fx", t));
    CHECK_FALSE(parse_target("/files/x%2F..", t));
    CHECK_FALSE(parse_target("/files/a%2F.%2Fb", t));
    CHECK_FALSE(parse_target("/files/%2E%2E%2f%2e%2e%2Fetc", t));
    CHECK(parse_target("/files/a%2F..b", t)); // "..b" is just a name
    CHECK(t.segments.back() == "a/..b");
    CHECK(parse_target("/files/a%2F%2Fb", t)); // empty parts are no dot segments
  }
}

TEST_CASE("absolute-form targets are routed by their path and query") {
  parsed_target t;
  for (const char* ok : {"http://127.0.0.1:8080/ping", "https://example.com/ping",
                         "HTTP://example.com/ping", "hTtPs://[::1]:443/ping", "http://x:/ping",
                         "http://ex%41mple/ping", "http://x/ping#frag"}) {
    CAPTURE(ok);
    REQUIRE(parse_target(ok, t));
    CHECK(t.path == "/ping");
    CHECK(t.segments == std::vector<std::string>{"ping"});
    CHECK(t.query.empty());
  }
  REQUIRE(parse_target("http://x/echo?msg=a%20b&n=1", t));
  CHECK(t.path == "/echo");
  REQUIRE(t.query.size() == 2);
  CHECK(t.query[0] == std::pair<std::string, std::string>{"msg", "a b"});
  CHECK(t.query[1] == std::pair<std::string, std::string>{"n", "1"});
  REQUIRE(parse_target("http://x/files/a%2Fb/", t)); // split before decoding, as origin-form
  CHECK(t.segments == std::vector<std::string>{"files", "a/b", ""});
}

TEST_CASE("an absolute-form target with an empty path asks for /") {
  parsed_target t;
  for (const char* root : {"http://x", "http://x:80", "https://[::1]", "http://x#frag"}) {
    CAPTURE(root);
    REQUIRE(parse_target(root, t));
    CHECK(t.path == "/");
    CHECK(t.segments == std::vector<std::string>{""});
    CHECK(t.query.empty());
  }
  REQUIRE(parse_target("http://x?q=1", t));
  CHECK(t.path == "/");
  REQUIRE(t.query.size() == 1);
  CHECK(t.query[0] == std::pair<std::string, std::string>{"q", "1"});
}

TEST_CASE("absolute-form targets: other schemes, userinfo and bad authorities are refused") {
  parsed_target t;
  SUBCASE("only http and https") {
    for (const char* bad :
         {"ftp://x/ping", "httpx://x/ping", "htt://x/ping", "ws://x/ping", "://x/ping",
          "http:/x/ping", "http:x/ping", "http//x/ping", " http://x/ping"})
      CHECK_MESSAGE(!parse_target(bad, t), bad);
  }
  SUBCASE("userinfo is deprecated and refused") {
    for (const char* bad : {"http://user@x/ping", "http://user:pw@x/ping", "http://@x/ping"})
      CHECK_MESSAGE(!parse_target(bad, t), bad);
    CHECK(parse_target("http://x/a@b", t)); // an '@' in the path is just a character
    CHECK(t.path == "/a@b");
  }
  SUBCASE("the authority must be a valid, non-empty host[:port]") {
    for (const char* bad :
         {"http:///ping", "http://", "http://?q", "http://:80/ping", "http://x:8o/ping",
          "http://x:80:80/ping", "http://[::1/ping", "http://[]/ping", "http://[::1]x/ping",
          "http://ex%zzample/ping", "http://a\\b/ping", "http://a\"b/ping"})
      CHECK_MESSAGE(!parse_target(bad, t), bad);
  }
  SUBCASE("other forms keep their 400: asterisk and authority form") {
    CHECK_FALSE(parse_target("*", t));
    CHECK_FALSE(parse_target("example.com:443", t));
  }
}

TEST_CASE("the path of an absolute-form target follows every origin-form rule") {
  parsed_target t;
  for (const char* bad :
       {"http://x/a/../b", "http://x/./ping", "http://x/..", "http://x/a/%2E%2E",
        "http://x/files/..%2Fx", "http://x/ec%00ho", "http://x/echo?msg=%zz", "http://x/a%4"})
    CHECK_MESSAGE(!parse_target(bad, t), bad);
  CHECK_FALSE(parse_target(std::string_view("http://x/a\0b", 12), t));
}

TEST_CASE("Host values: a name, an address or an IP literal, and digits for the port") {
  for (const char* ok : {"", "example.com", "example.com:8080", "127.0.0.1:80", "[::1]", "[::1]:80",
                         "a-b_c~d.e", "ex%41mple", "x:", "[v1.fe80::a+b]"})
    CHECK_MESSAGE(valid_host(ok), ok);
  for (const char* bad : {"a b", "a/b", "a@b", "x:8o", "x:80:80", "[::1", "[]", "[::1]x",
                          "[::1]:8o", "ex%4mple", "ex%zzample", "a\"b", "a\\b"})
    CHECK_MESSAGE(!valid_host(bad), bad);
  CHECK_FALSE(valid_host(std::string_view("a\0b", 3)));
}
