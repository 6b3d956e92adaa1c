// JSON <-> Thrift, driven by the IDL model, over any TProtocol (binary,
// compact; framed or buffered transport): a method's call from a JSON object
// of its arguments by name, and its reply as JSON.
//
//   const idl::method_def& m = *model.service("Shop").find("get_item");
//   idl::write_call(*protocol, m, nlohmann::json{{"id", 7}}, seqid);  // throws idl::input_error
//   idl::reply r = idl::read_reply(*protocol, m);
//   if (r.what == idl::reply::kind::success) ...  // r.value: the result as JSON
//
// The mapping: bool; i8, i16, i32, i64 range-checked, i64 also from a string
// of digits; double; string; binary as padded base64; enum by name (by name
// or number on input); struct, union and exception as an object by field
// name; list and set as arrays; map as an object for string, integer and enum
// keys, else an array of [key, value] pairs. Input: null is absent, an absent
// field takes its IDL default, an absent required field or an unknown one is
// an error, a union has exactly one field. Output: the fields set; fields of
// the wire unknown to the IDL are skipped.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>
#include <thrift/TApplicationException.h>
#include <thrift/protocol/TProtocol.h>

#include "actorgate/idl/model.hpp"

namespace actorgate::idl {

/// JSON input the IDL does not accept (an HTTP 400): what() is
/// "PATH: PROBLEM", e.g. "item.tags[1]: expected a string", or the problem
/// alone for the body itself.
class input_error : public std::runtime_error {
public:
  input_error(std::string path, std::string problem);
  const std::string& path() const { return path_; }
  const std::string& problem() const { return problem_; }

private:
  std::string path_;
  std::string problem_;
};

/// How deeply structs and containers may nest in JSON input and in a reply:
/// a recursive struct lets a hostile body or backend nest without end.
constexpr int max_depth = 64;

/// Writes the call of `m` with `args` (a JSON object of the arguments by
/// name) as a T_CALL (T_ONEWAY for a oneway method) message, then ends and
/// flushes the transport's write, as Thrift's generated client does. The
/// whole input is checked before the first byte is written: an input_error
/// leaves the protocol untouched.
void write_call(apache::thrift::protocol::TProtocol& out, const method_def& m,
                const nlohmann::json& args, std::int32_t seqid);

/// The checks of write_call alone.
void check_args(const method_def& m, const nlohmann::json& args);

/// write_call without its checks, for `args` that passed check_args: the
/// gateway checks a body on the HTTP thread and writes it on a worker.
void write_checked_call(apache::thrift::protocol::TProtocol& out, const method_def& m,
                        const nlohmann::json& args, std::int32_t seqid);

/// One value of type `t` from JSON, checked first like write_call; `path`
/// prefixes the paths in errors.
void write_value(apache::thrift::protocol::TProtocol& out, const type_ref& t,
                 const nlohmann::json& v, const std::string& path = "");

/// A method's reply, read.
struct reply {
  enum class kind {
    success,           ///< value: the result, null for void
    exception,         ///< value: the declared exception's fields; thrown: which
    application_error, ///< a TApplicationException, from the backend or ours
  };
  kind what = kind::success;
  nlohmann::json value;
  const field_def* thrown = nullptr; ///< thrown->type->structure is the exception
  apache::thrift::TApplicationException app_error;
  std::int32_t seqid = 0;
};

/// Reads the reply to `m` and ends the transport's read. A reply that is no
/// T_REPLY, names another method, or has no result (non-void) is an
/// application_error, as the generated client makes it. A reply that does not
/// fit the IDL (a container of another element type, nesting beyond
/// max_depth) throws TProtocolException: the connection is out of step.
reply read_reply(apache::thrift::protocol::TProtocol& in, const method_def& m);

/// One value of type `t` as JSON.
nlohmann::json read_value(apache::thrift::protocol::TProtocol& in, const type_ref& t);

/// The wire type of `t` (an enum is T_I32, binary T_STRING).
apache::thrift::protocol::TType wire_type(const type_ref& t);

} // namespace actorgate::idl
