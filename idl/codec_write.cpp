// JSON -> Thrift. One walk does both jobs: with no protocol it only checks,
// with one it writes. write_call checks first, so a bad body never leaves half
// a message on a connection.
#include "actorgate/idl/codec.hpp"

#include <charconv>
#include <limits>

#include "actorgate/idl/base64.hpp"

namespace actorgate::idl {

using apache::thrift::protocol::TProtocol;
using apache::thrift::protocol::TType;
namespace proto = apache::thrift::protocol;

input_error::input_error(std::string path, std::string problem)
    : std::runtime_error(path.empty() ? problem : path + ": " + problem), path_(std::move(path)),
      problem_(std::move(problem)) {}

TType wire_type(const type_ref& t) {
  switch (t.kind) {
  case type_kind::void_:
    return proto::T_VOID;
  case type_kind::bool_:
    return proto::T_BOOL;
  case type_kind::i8:
    return proto::T_BYTE;
  case type_kind::i16:
    return proto::T_I16;
  case type_kind::i32:
  case type_kind::enum_:
    return proto::T_I32;
  case type_kind::i64:
    return proto::T_I64;
  case type_kind::double_:
    return proto::T_DOUBLE;
  case type_kind::string:
  case type_kind::binary:
    return proto::T_STRING;
  case type_kind::list:
    return proto::T_LIST;
  case type_kind::set:
    return proto::T_SET;
  case type_kind::map:
    return proto::T_MAP;
  case type_kind::struct_:
    return proto::T_STRUCT;
  }
  return proto::T_VOID;
}

namespace {

template <class T> std::string range_text() {
  return "expected an integer from " + std::to_string(std::numeric_limits<T>::min()) + " to " +
         std::to_string(std::numeric_limits<T>::max());
}

// "-?[0-9]+" as an int64, or none (also when out of range).
std::optional<std::int64_t> parse_int(const std::string& s) {
  std::size_t digits = s.size() - (!s.empty() && s[0] == '-');
  if (digits == 0 || s.find_first_not_of("0123456789", s.size() - digits) != std::string::npos)
    return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size())
    return std::nullopt;
  return v;
}

std::string enum_names(const enum_def& e) {
  std::string out;
  for (const auto& [name, value] : e.values)
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

class encoder {
public:
  encoder(TProtocol* out, std::string path) : out_(out), path_(std::move(path)) {}

  void fields(const std::string& struct_name, const std::vector<field_def>& fields, bool is_union,
              const nlohmann::json& v) {
    if (!v.is_object())
      fail(path_.empty() ? "expected a JSON object" : "expected an object");
    for (const auto& [name, value] : v.items()) {
      bool known = false;
      for (const auto& f : fields)
        known = known || f.name == name;
      if (!known) {
        enter_field(name);
        fail("unknown field");
      }
    }
    if (is_union) {
      std::size_t set = 0;
      for (const auto& [name, value] : v.items())
        set += !value.is_null();
      if (set != 1) {
        std::string names;
        for (const auto& f : fields)
          names += (names.empty() ? "" : ", ") + f.name;
        fail("expected exactly one of " + names);
      }
    }
    if (out_)
      out_->writeStructBegin(struct_name.c_str());
    for (const auto& f : fields) {
      auto it = v.find(f.name);
      const nlohmann::json* value = it != v.end() && !it->is_null() ? &*it : nullptr;
      if (!value && f.default_value && !is_union)
        value = &*f.default_value;
      std::size_t mark = enter_field(f.name);
      if (!value) {
        if (f.req == requiredness::required)
          fail("missing (required)");
        path_.resize(mark);
        continue;
      }
      if (out_)
        out_->writeFieldBegin(f.name.c_str(), wire_type(*f.type), f.id);
      write(*f.type, *value);
      if (out_)
        out_->writeFieldEnd();
      path_.resize(mark);
    }
    if (out_) {
      out_->writeFieldStop();
      out_->writeStructEnd();
    }
  }

  void write(const type_ref& t, const nlohmann::json& v) {
    switch (t.kind) {
    case type_kind::void_:
      fail("a void value cannot be written");
    case type_kind::bool_:
      if (!v.is_boolean())
        fail("expected true or false");
      if (out_)
        out_->writeBool(v.get<bool>());
      return;
    case type_kind::i8: {
      auto x = integer<std::int8_t>(v);
      if (out_)
        out_->writeByte(static_cast<std::int8_t>(x));
      return;
    }
    case type_kind::i16: {
      auto x = integer<std::int16_t>(v);
      if (out_)
        out_->writeI16(static_cast<std::int16_t>(x));
      return;
    }
    case type_kind::i32: {
      auto x = integer<std::int32_t>(v);
      if (out_)
        out_->writeI32(static_cast<std::int32_t>(x));
      return;
    }
    case type_kind::i64: {
      auto x = integer<std::int64_t>(v);
      if (out_)
        out_->writeI64(x);
      return;
    }
    case type_kind::double_:
      if (!v.is_number())
        fail("expected a number");
      if (out_)
        out_->writeDouble(v.get<double>());
      return;
    case type_kind::string:
      if (!v.is_string())
        fail("expected a string");
      if (out_)
        out_->writeString(v.get_ref<const std::string&>());
      return;
    case type_kind::binary: {
      if (!v.is_string())
        fail("expected a base64 string");
      auto raw = base64_decode(v.get_ref<const std::string&>());
      if (!raw)
        fail("expected base64 (RFC 4648, padded)");
      if (out_)
        out_->writeBinary(*raw);
      return;
    }
    case type_kind::enum_: {
      auto x = enum_value(*t.enumeration, v);
      if (out_)
        out_->writeI32(x);
      return;
    }
    case type_kind::list:
    case type_kind::set:
      return sequence(t, v);
    case type_kind::map:
      return map(t, v);
    case type_kind::struct_: {
      deeper();
      const auto& s = *t.structure;
      fields(s.name, s.fields, s.kind == struct_kind::union_, v);
      --depth_;
      return;
    }
    }
  }

  [[noreturn]] void fail(const std::string& problem) { throw input_error(path_, problem); }

private:
  std::size_t enter_field(const std::string& name) {
    std::size_t mark = path_.size();
    if (!path_.empty())
      path_ += '.';
    path_ += name;
    return mark;
  }

  void deeper() {
    if (++depth_ > max_depth)
      fail("nested deeper than " + std::to_string(max_depth) + " levels");
  }

  template <class T> std::int64_t integer(const nlohmann::json& v) {
    constexpr bool i64 = std::is_same_v<T, std::int64_t>;
    auto problem = [] {
      return i64 ? range_text<T>() + " (a number or a string of digits)" : range_text<T>();
    };
    if (i64 && v.is_string()) {
      auto x = parse_int(v.get_ref<const std::string&>());
      if (!x)
        fail(problem());
      return *x;
    }
    if (v.is_number_unsigned()) {
      if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
        fail(problem());
      return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    if (!v.is_number_integer())
      fail(problem());
    auto x = v.get<std::int64_t>();
    if (x < std::numeric_limits<T>::min() || x > std::numeric_limits<T>::max())
      fail(problem());
    return x;
  }

  std::int32_t enum_value(const enum_def& e, const nlohmann::json& v) {
    if (v.is_string()) {
      if (auto x = e.value_of(v.get_ref<const std::string&>()))
        return *x;
      fail("unknown " + e.name + " '" + v.get<std::string>() + "' (expected one of " +
           enum_names(e) + " or its number)");
    }
    if (v.is_number_integer()) {
      bool in_range = v.is_number_unsigned() ? v.get<std::uint64_t>() <= std::uint64_t(INT32_MAX)
                                             : v.get<std::int64_t>() >= INT32_MIN &&
                                                   v.get<std::int64_t>() <= INT32_MAX;
      if (in_range && e.name_of(static_cast<std::int32_t>(v.get<std::int64_t>())))
        return static_cast<std::int32_t>(v.get<std::int64_t>());
      fail("unknown " + e.name + " number " + v.dump() + " (expected one of " + enum_names(e) +
           " or its number)");
    }
    fail("expected a " + e.name + " name (" + enum_names(e) + ") or number");
  }

  void sequence(const type_ref& t, const nlohmann::json& v) {
    if (!v.is_array())
      fail("expected an array");
    deeper();
    auto size = static_cast<std::uint32_t>(v.size());
    if (out_) {
      if (t.kind == type_kind::list)
        out_->writeListBegin(wire_type(*t.elem), size);
      else
        out_->writeSetBegin(wire_type(*t.elem), size);
    }
    std::size_t mark = path_.size();
    for (std::size_t i = 0; i < v.size(); ++i) {
      path_ += '[' + std::to_string(i) + ']';
      write(*t.elem, v[i]);
      path_.resize(mark);
    }
    if (out_) {
      if (t.kind == type_kind::list)
        out_->writeListEnd();
      else
        out_->writeSetEnd();
    }
    --depth_;
  }

  void map(const type_ref& t, const nlohmann::json& v) {
    const type_ref& key = *t.key;
    bool object = key.object_key();
    if (object ? !v.is_object() : !v.is_array())
      fail(object ? "expected an object" : "expected an array of [key, value] pairs");
    deeper();
    if (out_)
      out_->writeMapBegin(wire_type(key), wire_type(*t.elem), static_cast<std::uint32_t>(v.size()));
    std::size_t mark = path_.size();
    if (object) {
      for (const auto& [k, value] : v.items()) {
        path_ += '[' + nlohmann::json(k).dump() + ']';
        object_key(key, k);
        write(*t.elem, value);
        path_.resize(mark);
      }
    } else {
      for (std::size_t i = 0; i < v.size(); ++i) {
        path_ += '[' + std::to_string(i) + ']';
        if (!v[i].is_array() || v[i].size() != 2)
          fail("expected a [key, value] pair");
        std::size_t pair = path_.size();
        path_ += "[0]";
        write(key, v[i][0]);
        path_.resize(pair);
        path_ += "[1]";
        write(*t.elem, v[i][1]);
        path_.resize(mark);
      }
    }
    if (out_)
      out_->writeMapEnd();
    --depth_;
  }

  // A JSON object's member name as a key: a string as it is, an integer in
  // decimal, an enum by name or number.
  void object_key(const type_ref& key, const std::string& k) {
    if (key.kind == type_kind::string) {
      if (out_)
        out_->writeString(k);
      return;
    }
    auto number = parse_int(k);
    if (key.kind == type_kind::enum_) {
      const enum_def& e = *key.enumeration;
      auto x = e.value_of(k);
      if (!x && number && *number >= INT32_MIN && *number <= INT32_MAX &&
          e.name_of(static_cast<std::int32_t>(*number)))
        x = static_cast<std::int32_t>(*number);
      if (!x)
        fail("unknown " + e.name + " key (expected one of " + enum_names(e) + " or its number)");
      if (out_)
        out_->writeI32(*x);
      return;
    }
    if (!number)
      fail("expected an integer key");
    write(key, nlohmann::json(*number)); // the range check and the write
  }

  TProtocol* out_;
  std::string path_;
  int depth_ = 0;
};

} // namespace

void check_args(const method_def& m, const nlohmann::json& args) {
  encoder(nullptr, "").fields(m.name + "_args", m.args, false, args);
}

void write_call(TProtocol& out, const method_def& m, const nlohmann::json& args,
                std::int32_t seqid) {
  check_args(m, args);
  write_checked_call(out, m, args, seqid);
}

void write_checked_call(TProtocol& out, const method_def& m, const nlohmann::json& args,
                        std::int32_t seqid) {
  out.writeMessageBegin(m.name, m.oneway ? proto::T_ONEWAY : proto::T_CALL, seqid);
  encoder(&out, "").fields(m.name + "_args", m.args, false, args);
  out.writeMessageEnd();
  out.getTransport()->writeEnd();
  out.getTransport()->flush();
}

void write_value(TProtocol& out, const type_ref& t, const nlohmann::json& v,
                 const std::string& path) {
  encoder(nullptr, path).write(t, v);
  encoder(&out, path).write(t, v);
}

} // namespace actorgate::idl
