// request_reader: Beast's HTTP/1 request parser, reading straight into the
// parts of an actorgate::request. Beast's own request_parser first builds a
// beast::http::fields (an allocation per field, an index the gateway never
// looks up twice) that the session then copied field by field into the
// request; this reader keeps the fields as the request's headers, so the
// session moves them. Parsing, limits and errors are Beast's: only where the
// parts go differs.
//
//   request_reader r{max_header_bytes, max_body_bytes};
//   buffer.consume(r.put(buffer.data(), ec));   // or beast::http::async_read
//   if (r.is_header_done() && r.host_count() == 1) ... r.target() ...
//   req.headers = std::move(r.headers());
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "actorgate/actors/header.hpp"

namespace actorgate::http {

/// A request as Beast's message: what the WebSocket handshake takes.
using upgrade_request = boost::beast::http::request<boost::beast::http::string_body>;

class request_reader final : public boost::beast::http::basic_parser<true> {
public:
  using verb_type = boost::beast::http::verb;

  request_reader(std::uint32_t header_limit, std::uint64_t body_limit);

  // After the request line:
  verb_type verb() const { return verb_; }
  /// The method as sent (also one Beast does not know).
  std::string_view method_string() const;
  std::string_view target() const { return target_; }
  /// 10 or 11 (Beast refuses other versions).
  unsigned version() const { return version_; }

  // After the header (is_header_done()), until headers() are moved out:
  std::vector<header>& headers() { return headers_; }
  const std::vector<header>& headers() const { return headers_; }
  std::size_t host_count() const { return host_count_; }
  /// The first Host value; empty if none.
  std::string_view host() const { return value_at(host_); }
  bool has_transfer_encoding() const { return transfer_encoding_; }
  /// The first Expect value; empty if none.
  std::string_view expect() const { return value_at(expect_); }
  /// The first X-Request-Id value; empty if none.
  std::string_view request_id() const { return value_at(request_id_); }

  // After the message (is_done()):
  std::string& body() { return body_; }

  /// The request as a Beast message (a copy), for the WebSocket handshake.
  upgrade_request to_message() const;

private:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);
  // Empty also once the headers were moved out.
  std::string_view value_at(std::size_t i) const {
    return i < headers_.size() ? std::string_view{headers_[i].value} : std::string_view{};
  }

  void on_request_impl(verb_type method, boost::beast::string_view method_str,
                       boost::beast::string_view target, int version,
                       boost::beast::error_code& ec) override;
  void on_response_impl(int, boost::beast::string_view, int, boost::beast::error_code&) override {}
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::beast::error_code& ec) override;
  void on_header_impl(boost::beast::error_code& ec) override { ec = {}; }
  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         boost::beast::error_code& ec) override;
  std::size_t on_body_impl(boost::beast::string_view body, boost::beast::error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view,
                            boost::beast::error_code& ec) override {
    ec = {};
  }
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                 boost::beast::error_code& ec) override {
    return on_body_impl(body, ec);
  }
  void on_finish_impl(boost::beast::error_code& ec) override { ec = {}; }

  verb_type verb_ = verb_type::unknown;
  unsigned version_ = 11;
  std::string method_; // only for a method Beast does not know
  std::string target_;
  std::vector<header> headers_;
  std::size_t host_ = none, expect_ = none, request_id_ = none; // indexes into headers_
  std::size_t host_count_ = 0;
  bool transfer_encoding_ = false;
  std::string body_;
};

} // namespace actorgate::http
