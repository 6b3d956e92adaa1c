// Thrift -> JSON. A field the IDL does not know, or one of another wire type,
// is skipped as the generated code skips it (a newer backend may have added
// it); a container whose element types contradict the IDL is a protocol
// error, since its bytes cannot be read as the IDL says.
#include "actorgate/idl/codec.hpp"

#include <thrift/protocol/TProtocolException.h>
#include <thrift/transport/TTransport.h>

#include "actorgate/idl/base64.hpp"

namespace actorgate::idl {

using apache::thrift::TApplicationException;
using apache::thrift::protocol::TProtocol;
using apache::thrift::protocol::TProtocolException;
using apache::thrift::protocol::TType;
namespace proto = apache::thrift::protocol;

namespace {

void expect(TType got, const type_ref& t, std::uint32_t size) {
  // An empty container's element type says nothing: some writers put T_STOP.
  if (size > 0 && got != wire_type(t))
    throw TProtocolException(TProtocolException::INVALID_DATA, "a container of " + t.name +
                                                                   " holds elements of wire type " +
                                                                   std::to_string(int(got)));
}

// An object member name for a map key: a string as it is, an integer in
// decimal, an enum by name (its number when the IDL names none).
std::string key_text(const nlohmann::json& key) {
  return key.is_string() ? key.get<std::string>() : key.dump();
}

class decoder {
public:
  explicit decoder(TProtocol& in) : in_(in) {}

  nlohmann::json read(const type_ref& t) {
    switch (t.kind) {
    case type_kind::void_:
      return nullptr;
    case type_kind::bool_: {
      bool x = false;
      in_.readBool(x);
      return x;
    }
    case type_kind::i8: {
      std::int8_t x = 0;
      in_.readByte(x);
      return x;
    }
    case type_kind::i16: {
      std::int16_t x = 0;
      in_.readI16(x);
      return x;
    }
    case type_kind::i32: {
      std::int32_t x = 0;
      in_.readI32(x);
      return x;
    }
    case type_kind::i64: {
      std::int64_t x = 0;
      in_.readI64(x);
      return x;
    }
    case type_kind::double_: {
      double x = 0;
      in_.readDouble(x);
      return x;
    }
    case type_kind::string: {
      std::string x;
      in_.readString(x);
      return x;
    }
    case type_kind::binary: {
      std::string x;
      in_.readBinary(x);
      return base64_encode(x);
    }
    case type_kind::enum_: {
      std::int32_t x = 0;
      in_.readI32(x);
      // A value the IDL does not name (a newer backend's) stays a number.
      if (const std::string* name = t.enumeration->name_of(x))
        return *name;
      return x;
    }
    case type_kind::list:
    case type_kind::set:
      return sequence(t);
    case type_kind::map:
      return map(t);
    case type_kind::struct_:
      return fields(t.structure->fields);
    }
    return nullptr;
  }

  nlohmann::json fields(const std::vector<field_def>& fields) {
    apache::thrift::protocol::TInputRecursionTracker depth(in_);
    auto out = nlohmann::json::object();
    std::string name;
    in_.readStructBegin(name);
    for (;;) {
      TType type = proto::T_STOP;
      std::int16_t id = 0;
      in_.readFieldBegin(name, type, id);
      if (type == proto::T_STOP)
        break;
      const field_def* f = nullptr;
      for (const auto& candidate : fields)
        if (candidate.id == id)
          f = &candidate;
      if (f && type == wire_type(*f->type))
        out[f->name] = read(*f->type);
      else
        in_.skip(type);
      in_.readFieldEnd();
    }
    in_.readStructEnd();
    return out;
  }

private:
  nlohmann::json sequence(const type_ref& t) {
    apache::thrift::protocol::TInputRecursionTracker depth(in_);
    TType type = proto::T_STOP;
    std::uint32_t size = 0;
    if (t.kind == type_kind::list)
      in_.readListBegin(type, size);
    else
      in_.readSetBegin(type, size);
    expect(type, *t.elem, size);
    auto out = nlohmann::json::array();
    for (std::uint32_t i = 0; i < size; ++i)
      out.push_back(read(*t.elem));
    if (t.kind == type_kind::list)
      in_.readListEnd();
    else
      in_.readSetEnd();
    return out;
  }

  nlohmann::json map(const type_ref& t) {
    apache::thrift::protocol::TInputRecursionTracker depth(in_);
    TType key_type = proto::T_STOP, value_type = proto::T_STOP;
    std::uint32_t size = 0;
    in_.readMapBegin(key_type, value_type, size);
    expect(key_type, *t.key, size);
    expect(value_type, *t.elem, size);
    bool object = t.key->object_key();
    auto out = object ? nlohmann::json::object() : nlohmann::json::array();
    for (std::uint32_t i = 0; i < size; ++i) {
      auto key = read(*t.key);
      auto value = read(*t.elem);
      if (object)
        out[key_text(key)] = std::move(value);
      else
        out.push_back(nlohmann::json::array({std::move(key), std::move(value)}));
    }
    in_.readMapEnd();
    return out;
  }

  TProtocol& in_;
};

struct json_and_field {
  nlohmann::json value;
  const field_def* field = nullptr;
};

reply application_error(reply r, TApplicationException::TApplicationExceptionType type,
                        const std::string& message) {
  r.what = reply::kind::application_error;
  r.app_error = TApplicationException(type, message);
  return r;
}

} // namespace

nlohmann::json read_value(TProtocol& in, const type_ref& t) {
  return decoder(in).read(t);
}

reply read_reply(TProtocol& in, const method_def& m) {
  reply r;
  std::string name;
  proto::TMessageType type = proto::T_REPLY;
  in.readMessageBegin(name, type, r.seqid);
  auto finish = [&] {
    in.readMessageEnd();
    in.getTransport()->readEnd();
  };
  if (type == proto::T_EXCEPTION) {
    r.what = reply::kind::application_error;
    r.app_error.read(&in);
    finish();
    return r;
  }
  if (type != proto::T_REPLY || name != m.name) {
    in.skip(proto::T_STRUCT);
    finish();
    if (type != proto::T_REPLY)
      return application_error(std::move(r), TApplicationException::INVALID_MESSAGE_TYPE,
                               m.name + " failed: reply of message type " +
                                   std::to_string(int(type)));
    return application_error(std::move(r), TApplicationException::WRONG_METHOD_NAME,
                             m.name + " failed: reply for " + name);
  }
  // The result struct: field 0 is the success value, the others the
  // declared exceptions; the generated client looks at success first.
  bool returns = m.returns->kind != type_kind::void_, got_success = false;
  json_and_field thrown;
  {
    apache::thrift::protocol::TInputRecursionTracker depth(in);
    decoder d(in);
    in.readStructBegin(name);
    for (;;) {
      TType type = proto::T_STOP;
      std::int16_t id = 0;
      in.readFieldBegin(name, type, id);
      if (type == proto::T_STOP)
        break;
      const field_def* t = nullptr;
      for (const auto& candidate : m.throws)
        if (candidate.id == id)
          t = &candidate;
      if (id == 0 && returns && type == wire_type(*m.returns)) {
        r.value = d.read(*m.returns);
        got_success = true;
      } else if (t && type == proto::T_STRUCT && !thrown.field) {
        thrown = {d.read(*t->type), t};
      } else {
        in.skip(type);
      }
      in.readFieldEnd();
    }
    in.readStructEnd();
  }
  finish();
  if (got_success)
    return r;
  if (thrown.field) {
    r.what = reply::kind::exception;
    r.thrown = thrown.field;
    r.value = std::move(thrown.value);
    return r;
  }
  if (!returns)
    return r;
  return application_error(std::move(r), TApplicationException::MISSING_RESULT,
                           m.name + " failed: unknown result");
}

} // namespace actorgate::idl
