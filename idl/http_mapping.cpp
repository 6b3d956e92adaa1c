#include "actorgate/idl/http_mapping.hpp"

#include <cerrno>
#include <cstdlib>
#include <utility>

#include "actorgate/idl/codec.hpp"

namespace actorgate::idl {

namespace {

struct verb_annotation {
  const char* key;
  actorgate::method verb;
};

constexpr verb_annotation verbs[] = {
    {"http.get", actorgate::method::get},    {"http.post", actorgate::method::post},
    {"http.put", actorgate::method::put},    {"http.patch", actorgate::method::patch},
    {"http.delete", actorgate::method::del},
};

const field_def* find_arg(const method_def& m, std::string_view name) {
  for (const auto& a : m.args)
    if (a.name == name)
      return &a;
  return nullptr;
}

// "/items/{id}" -> the route for it; throws idl_error naming the method.
http_route rest_route(const method_def& m, const verb_annotation& v, std::string_view prefix) {
  const std::string& text = m.annotations.find(v.key)->second;
  auto fail = [&](const std::string& problem) {
    return idl_error("method " + m.name + ": " + v.key + "=\"" + text + "\": " + problem);
  };
  if (text.empty() || text.front() != '/')
    throw fail("the path must start with /");
  http_route r;
  r.m = &m;
  r.verb = v.verb;
  r.rest = true;
  r.path = under_prefix(prefix, text);
  std::string pattern;
  for (std::size_t i = 0; i < r.path.size();) {
    char c = r.path[i];
    if (c == '}' || c == ':' || c == '*')
      throw fail(std::string("'") + c + "' outside a {variable}");
    if (c != '{') {
      pattern += c;
      ++i;
      continue;
    }
    auto end = r.path.find('}', i);
    if (end == std::string::npos)
      throw fail("an unclosed {");
    std::string name = r.path.substr(i + 1, end - i - 1);
    bool whole_segment =
        (i > 0 && r.path[i - 1] == '/') && (end + 1 == r.path.size() || r.path[end + 1] == '/');
    if (!whole_segment)
      throw fail("{" + name + "} must be a whole path segment");
    const field_def* a = find_arg(m, name);
    if (!a)
      throw fail("{" + name + "} names no argument");
    if (!binds_from_text(*a->type))
      throw fail("{" + name + "} is a " + a->type->name + "; only scalars bind to the path");
    for (const auto* seen : r.path_args)
      if (seen == a)
        throw fail("{" + name + "} appears twice");
    r.path_args.push_back(a);
    pattern += ':' + name;
    i = end + 1;
  }
  r.pattern = std::move(pattern);
  bool from_query = v.verb == actorgate::method::get || v.verb == actorgate::method::del;
  r.body = !from_query;
  if (from_query) {
    for (const auto& a : m.args) {
      bool in_path = false;
      for (const auto* p : r.path_args)
        in_path = in_path || p == &a;
      if (in_path)
        continue;
      if (!binds_from_text(*a.type))
        throw fail("argument '" + a.name + "' is a " + a.type->name +
                   "; a GET or DELETE route binds only scalars (from the query): use http.post");
      r.query_args.push_back(&a);
    }
  }
  return r;
}

} // namespace

std::string under_prefix(std::string_view prefix, std::string_view path) {
  std::string out{prefix};
  while (!out.empty() && out.back() == '/')
    out.pop_back();
  if (path.empty() || path.front() != '/')
    out += '/';
  out += path;
  return out;
}

bool binds_from_text(const type_ref& t) {
  switch (t.kind) {
  case type_kind::bool_:
  case type_kind::i8:
  case type_kind::i16:
  case type_kind::i32:
  case type_kind::i64:
  case type_kind::double_:
  case type_kind::string:
  case type_kind::binary:
  case type_kind::enum_:
    return true;
  default:
    return false;
  }
}

std::vector<http_route> http_routes(const service_def& s, std::string_view prefix) {
  auto methods = s.all_methods();
  std::vector<http_route> out;
  for (const method_def* m : methods) {
    http_route r;
    r.m = m;
    r.path = r.pattern = under_prefix(prefix, m->name);
    out.push_back(std::move(r));
    for (const auto& e : m->throws)
      exception_status(*e.type->structure); // a bad annotation fails at start-up
  }
  for (const method_def* m : methods)
    for (const auto& v : verbs)
      if (m->annotations.count(v.key))
        out.push_back(rest_route(*m, v, prefix));
  return out;
}

unsigned success_status(const method_def& m) {
  if (m.oneway)
    return 202;
  return m.returns->kind == type_kind::void_ ? 204 : 200;
}

unsigned exception_status(const struct_def& e) {
  auto it = e.annotations.find("http.status");
  if (it == e.annotations.end())
    return default_exception_status;
  const std::string& v = it->second;
  unsigned status = 0;
  bool digits = v.size() == 3;
  for (char c : v) {
    digits = digits && c >= '0' && c <= '9';
    status = status * 10 + static_cast<unsigned>(c - '0');
  }
  if (!digits || status < 400 || status > 599)
    throw idl_error("exception " + e.name + ": http.status=\"" + v +
                    "\" must be a status from 400 to 599");
  return status;
}

nlohmann::json json_from_text(const type_ref& t, const std::string& text, const std::string& path) {
  auto integer = [&]() -> nlohmann::json {
    std::size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
    bool ok = text.size() > i && text.size() <= 20;
    for (std::size_t k = i; k < text.size(); ++k)
      ok = ok && text[k] >= '0' && text[k] <= '9';
    if (!ok)
      throw input_error(path, "expected an integer");
    errno = 0;
    long long v = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == ERANGE)
      throw input_error(path, "expected an integer from -9223372036854775808 to "
                              "9223372036854775807");
    return static_cast<std::int64_t>(v);
  };
  switch (t.kind) {
  case type_kind::bool_:
    if (text == "true" || text == "false")
      return text == "true";
    throw input_error(path, "expected true or false");
  case type_kind::i8:
  case type_kind::i16:
  case type_kind::i32:
  case type_kind::i64:
    return integer();
  case type_kind::double_: {
    char* end = nullptr;
    double d = text.empty() ? 0 : std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size())
      throw input_error(path, "expected a number");
    return d;
  }
  case type_kind::enum_:
    if (!text.empty() && (text[0] == '-' || (text[0] >= '0' && text[0] <= '9')))
      return integer();
    return text;
  default:
    return text; // string and binary; the codec checks the rest
  }
}

} // namespace actorgate::idl
