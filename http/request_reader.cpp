#include "actorgate/http/request_reader.hpp"

#include <algorithm>
#include <limits>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace actorgate::http {

namespace bhttp = boost::beast::http;

request_reader::request_reader(std::uint32_t header_limit, std::uint64_t body_limit) {
  this->header_limit(header_limit);
  this->body_limit(body_limit);
}

std::string_view request_reader::method_string() const {
  if (verb_ != verb_type::unknown) {
    auto s = bhttp::to_string(verb_);
    return {s.data(), s.size()};
  }
  return method_;
}

void request_reader::on_request_impl(verb_type method, boost::beast::string_view method_str,
                                     boost::beast::string_view target, int version,
                                     boost::beast::error_code& ec) {
  verb_ = method;
  if (method == verb_type::unknown)
    method_.assign(method_str.data(), method_str.size());
  target_.assign(target.data(), target.size());
  version_ = static_cast<unsigned>(version);
  ec = {};
}

void request_reader::on_field_impl(bhttp::field name, boost::beast::string_view name_string,
                                   boost::beast::string_view value, boost::beast::error_code& ec) {
  // Most requests carry a handful of fields: one allocation, not three.
  if (headers_.capacity() == 0)
    headers_.reserve(8);
  auto index = headers_.size();
  switch (name) {
  case bhttp::field::host:
    if (host_count_++ == 0)
      host_ = index;
    break;
  case bhttp::field::expect:
    if (expect_ == none)
      expect_ = index;
    break;
  case bhttp::field::transfer_encoding:
    transfer_encoding_ = true;
    break;
  case bhttp::field::unknown:
    if (request_id_ == none && boost::beast::iequals(name_string, "X-Request-Id"))
      request_id_ = index;
    break;
  default:
    break;
  }
  headers_.push_back({std::string(name_string.data(), name_string.size()),
                      std::string(value.data(), value.size())});
  ec = {};
}

void request_reader::on_body_init_impl(const boost::optional<std::uint64_t>& length,
                                       boost::beast::error_code& ec) {
  // The parser has checked the length against the body limit already.
  if (length)
    body_.reserve(static_cast<std::size_t>(
        std::min<std::uint64_t>(*length, std::numeric_limits<std::size_t>::max())));
  ec = {};
}

std::size_t request_reader::on_body_impl(boost::beast::string_view body,
                                         boost::beast::error_code& ec) {
  body_.append(body.data(), body.size());
  ec = {};
  return body.size();
}

upgrade_request request_reader::to_message() const {
  upgrade_request m;
  if (verb_ != verb_type::unknown)
    m.method(verb_);
  else
    m.method_string(method_);
  m.target(target_);
  m.version(static_cast<int>(version_));
  for (const auto& h : headers_)
    m.insert(h.name, h.value);
  m.body() = body_;
  return m;
}

} // namespace actorgate::http
