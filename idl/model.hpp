// A Thrift IDL as data: services, methods, structs, enums, with typedefs and
// includes resolved. It comes from the Thrift compiler itself
// (`thrift --gen xml:merge`), never from a parser of our own, so that what the
// gateway serves is exactly what the backend was generated from.
//
//   auto m = idl::model::from_idl("shop.thrift");          // throws idl::idl_error
//   const idl::service_def& shop = m.service("Shop");
//   const idl::method_def* get = shop.find("get_item");   // parents searched too
//   for (const auto& a : get->args)
//     std::cout << a.id << ": " << a.name << " " << a.type->name << "\n";
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace actorgate::idl {

/// An IDL that does not compile, a model file that does not parse, or a name
/// the IDL lacks. Compiler errors read "FILE:LINE: message", as the compiler
/// printed them.
class idl_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

enum class type_kind : std::uint8_t {
  void_,
  bool_,
  i8,
  i16,
  i32,
  i64,
  double_,
  string,
  binary,
  list,
  set,
  map,
  struct_, ///< struct, union or exception
  enum_,
};

struct struct_def;
struct enum_def;
struct type_ref;
using type_ptr = std::shared_ptr<const type_ref>;
using annotations = std::map<std::string, std::string, std::less<>>;

/// A resolved type: typedefs are gone (`name` keeps the name as written, e.g.
/// "Name" for `typedef string Name`), struct and enum references point into
/// the model that owns them.
struct type_ref {
  type_kind kind = type_kind::void_;
  std::string name; ///< "i32", "list<string>", "Inner", "common.Point"
  type_ptr elem;    ///< list and set: the element; map: the value
  type_ptr key;     ///< map: the key
  const struct_def* structure = nullptr;
  const enum_def* enumeration = nullptr;

  /// A map with this key type is a JSON object (string, integer and enum
  /// keys); any other key makes it an array of [key, value] pairs.
  bool object_key() const;
};

enum class requiredness : std::uint8_t { default_, required, optional };

struct field_def {
  std::int16_t id = 0;
  std::string name;
  type_ptr type;
  requiredness req = requiredness::default_;
  /// The IDL default in the codec's JSON output form (an enum by name, binary
  /// as base64), or none.
  std::optional<nlohmann::json> default_value;
  idl::annotations annotations;
};

enum class struct_kind : std::uint8_t { struct_, union_, exception };

struct struct_def {
  std::string module; ///< the document (file) it comes from, e.g. "common"
  std::string name;
  struct_kind kind = struct_kind::struct_;
  std::vector<field_def> fields;
  idl::annotations annotations;

  const field_def* find(std::string_view field_name) const;
  const field_def* find(std::int16_t id) const;
};

struct enum_def {
  std::string module;
  std::string name;
  std::vector<std::pair<std::string, std::int32_t>> values; ///< in IDL order
  idl::annotations annotations;

  /// The member's name for `v`, or null when no member has it.
  const std::string* name_of(std::int32_t v) const;
  std::optional<std::int32_t> value_of(std::string_view member) const;
};

struct method_def {
  std::string name;
  type_ptr returns; ///< kind void_ for void (and for every oneway method)
  std::vector<field_def> args;
  std::vector<field_def> throws; ///< each a field of the result struct, type an exception
  bool oneway = false;
  idl::annotations annotations;

  /// The annotation's value, or `fallback` (e.g. annotation("idempotent") == "true").
  std::string annotation(std::string_view key, std::string fallback = {}) const;
};

struct service_def {
  std::string module;
  std::string name;
  const service_def* extends = nullptr;
  std::vector<method_def> methods; ///< its own, in IDL order (not the parents')
  idl::annotations annotations;

  /// The method `method_name` of this service or, failing that, of its parents.
  const method_def* find(std::string_view method_name) const;
  /// Every method it serves, its own first, then its parents'.
  std::vector<const method_def*> all_methods() const;
};

/// How from_idl runs the compiler.
struct compile_options {
  std::string compiler = "thrift";       ///< a path, or a name looked up in PATH
  std::vector<std::string> include_dirs; ///< each passed as -I DIR
};

/// The whole IDL: the main file's document first, then the included ones.
/// Move-only: types point at the structs and enums it owns.
class model {
public:
  model();
  model(model&&) noexcept;
  model& operator=(model&&) noexcept;
  ~model();

  /// Runs `thrift --gen xml:merge` on `thrift_file` and loads its output.
  static model from_idl(const std::string& thrift_file, const compile_options& opts = {});
  /// Loads a file that `thrift --gen xml:merge` wrote earlier.
  static model from_xml_file(const std::string& xml_file);
  /// Loads the XML text itself; `origin` names it in errors.
  static model from_xml(std::string_view xml, const std::string& origin);

  /// The main document's name (the main .thrift file without its extension).
  const std::string& main_module() const { return main_module_; }
  /// The compiler's warnings, "FILE:LINE: message", for the log.
  const std::vector<std::string>& warnings() const { return warnings_; }

  /// By "Name" (the main module first, then any module where it is unique)
  /// or "module.Name"; null when there is none.
  const service_def* find_service(std::string_view name) const;
  const struct_def* find_struct(std::string_view name) const;
  const enum_def* find_enum(std::string_view name) const;
  /// find_service, or an idl_error listing the services there are.
  const service_def& service(std::string_view name) const;

  const std::vector<std::unique_ptr<service_def>>& services() const { return services_; }
  const std::vector<std::unique_ptr<struct_def>>& structs() const { return structs_; }
  const std::vector<std::unique_ptr<enum_def>>& enums() const { return enums_; }

private:
  friend class model_loader;
  std::string main_module_;
  std::vector<std::string> warnings_;
  std::vector<std::unique_ptr<service_def>> services_;
  std::vector<std::unique_ptr<struct_def>> structs_;
  std::vector<std::unique_ptr<enum_def>> enums_;
};

/// Runs the compiler (no shell) and returns the XML text; an idl_error with
/// the compiler's "FILE:LINE: message" lines when it fails. Warnings go to
/// `warnings`.
std::string compile_to_xml(const std::string& thrift_file, const compile_options& opts,
                           std::vector<std::string>& warnings);

} // namespace actorgate::idl
