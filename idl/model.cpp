// Loading the XML that `thrift --gen xml:merge` writes (one <document> per
// file, the main one first; a type reference is type="id" with type-module and
// type-id) into the model, resolving typedefs and cross-module references.
#include "actorgate/idl/model.hpp"

#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

#include <pugixml.hpp>

#include "actorgate/idl/base64.hpp"

namespace actorgate::idl {

bool type_ref::object_key() const {
  switch (kind) {
  case type_kind::string:
  case type_kind::i8:
  case type_kind::i16:
  case type_kind::i32:
  case type_kind::i64:
  case type_kind::enum_:
    return true;
  default:
    return false;
  }
}

const field_def* struct_def::find(std::string_view field_name) const {
  for (const auto& f : fields)
    if (f.name == field_name)
      return &f;
  return nullptr;
}

const field_def* struct_def::find(std::int16_t id) const {
  for (const auto& f : fields)
    if (f.id == id)
      return &f;
  return nullptr;
}

const std::string* enum_def::name_of(std::int32_t v) const {
  for (const auto& [n, value] : values)
    if (value == v)
      return &n;
  return nullptr;
}

std::optional<std::int32_t> enum_def::value_of(std::string_view member) const {
  for (const auto& [n, value] : values)
    if (n == member)
      return value;
  return std::nullopt;
}

std::string method_def::annotation(std::string_view key, std::string fallback) const {
  auto it = annotations.find(key);
  return it == annotations.end() ? fallback : it->second;
}

const method_def* service_def::find(std::string_view method_name) const {
  for (const service_def* s = this; s; s = s->extends)
    for (const auto& m : s->methods)
      if (m.name == method_name)
        return &m;
  return nullptr;
}

std::vector<const method_def*> service_def::all_methods() const {
  std::vector<const method_def*> out;
  for (const service_def* s = this; s; s = s->extends)
    for (const auto& m : s->methods)
      if (!find(m.name) || find(m.name) == &m) // a parent's method of the same name is hidden
        out.push_back(&m);
  return out;
}

model::model() = default;
model::model(model&&) noexcept = default;
model& model::operator=(model&&) noexcept = default;
model::~model() = default;

namespace {

// By "module.Name", or by "Name": the main module first, then any module
// where the name is unique.
template <class T>
const T* find_named(const std::vector<std::unique_ptr<T>>& all, const std::string& main,
                    std::string_view name) {
  auto dot = name.find('.');
  if (dot != std::string_view::npos) {
    for (const auto& x : all)
      if (x->module == name.substr(0, dot) && x->name == name.substr(dot + 1))
        return x.get();
    return nullptr;
  }
  const T* found = nullptr;
  int count = 0;
  for (const auto& x : all) {
    if (x->name != name)
      continue;
    if (x->module == main)
      return x.get();
    found = x.get();
    ++count;
  }
  return count == 1 ? found : nullptr;
}

} // namespace

const service_def* model::find_service(std::string_view name) const {
  return find_named(services_, main_module_, name);
}
const struct_def* model::find_struct(std::string_view name) const {
  return find_named(structs_, main_module_, name);
}
const enum_def* model::find_enum(std::string_view name) const {
  return find_named(enums_, main_module_, name);
}

const service_def& model::service(std::string_view name) const {
  if (const auto* s = find_service(name))
    return *s;
  std::string known;
  for (const auto& s : services_)
    known += (known.empty() ? "" : ", ") + s->module + "." + s->name;
  throw idl_error("no service '" + std::string(name) +
                  "' in the IDL (it has: " + (known.empty() ? "none" : known) + ")");
}

class model_loader {
public:
  explicit model_loader(std::string origin) : origin_(std::move(origin)) {}

  model load(std::string_view xml) {
    pugi::xml_document doc;
    auto parsed = doc.load_buffer(xml.data(), xml.size());
    if (!parsed)
      throw idl_error(origin_ + ": not XML from thrift --gen xml:merge: " + parsed.description() +
                      " at offset " + std::to_string(parsed.offset));
    auto idl = doc.child("idl");
    if (!idl || !idl.child("document"))
      throw idl_error(origin_ + ": not XML from thrift --gen xml:merge (no <idl><document>)");
    m_.main_module_ = idl.child("document").attribute("name").value();
    // Declare every named thing before reading any type, so that references
    // work in any order, across modules and for recursive structs.
    for (auto d : idl.children("document")) {
      std::string mod = d.attribute("name").value();
      for (auto n : d.children()) {
        std::string tag = n.name(), key = mod + "." + n.attribute("name").value();
        if (tag == "typedef") {
          typedefs_[key] = n;
        } else if (tag == "enum") {
          auto e = std::make_unique<enum_def>();
          e->module = mod;
          e->name = n.attribute("name").value();
          for (auto v : n.children("member"))
            e->values.emplace_back(v.attribute("name").value(), v.attribute("value").as_int());
          e->annotations = read_annotations(n);
          enums_[key] = e.get();
          m_.enums_.push_back(std::move(e));
        } else if (tag == "struct" || tag == "union" || tag == "exception") {
          auto s = std::make_unique<struct_def>();
          s->module = mod;
          s->name = n.attribute("name").value();
          s->kind = tag == "struct"  ? struct_kind::struct_
                    : tag == "union" ? struct_kind::union_
                                     : struct_kind::exception;
          structs_[key] = {s.get(), n};
          m_.structs_.push_back(std::move(s));
        } else if (tag == "service") {
          auto s = std::make_unique<service_def>();
          s->module = mod;
          s->name = n.attribute("name").value();
          services_[key] = {s.get(), n};
          m_.services_.push_back(std::move(s));
        }
      }
    }
    // Defaults second: a struct-typed default needs that struct's fields.
    for (auto& [key, entry] : structs_) {
      for (auto f : entry.second.children("field"))
        entry.first->fields.push_back(read_field(f, key, false));
      entry.first->annotations = read_annotations(entry.second);
    }
    for (auto& [key, entry] : structs_) {
      std::size_t i = 0;
      for (auto f : entry.second.children("field")) {
        auto& def = entry.first->fields[i++];
        if (auto d = f.child("default"))
          def.default_value = const_value(d.first_child(), *def.type, key + "." + def.name);
      }
    }
    for (auto& [key, entry] : services_)
      read_service(*entry.first, entry.second, key);
    return std::move(m_);
  }

private:
  [[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw idl_error(origin_ + ": " + where + ": " + what);
  }

  static annotations read_annotations(pugi::xml_node n) {
    annotations out;
    for (auto a : n.children("annotation"))
      out[a.attribute("key").value()] = a.attribute("value").value();
    return out;
  }

  // `n` carries type="..." (and type-module/type-id, or elemType, keyType,
  // valueType children).
  type_ptr read_type(pugi::xml_node n, const std::string& where, int depth = 0) {
    if (depth > 32)
      fail(where, "typedefs nest too deep (a cycle?)");
    std::string t = n.attribute("type").value();
    auto r = std::make_shared<type_ref>();
    r->name = t;
    static const std::unordered_map<std::string, type_kind> base{
        {"void", type_kind::void_},   {"bool", type_kind::bool_},     {"i8", type_kind::i8},
        {"byte", type_kind::i8},      {"i16", type_kind::i16},        {"i32", type_kind::i32},
        {"i64", type_kind::i64},      {"double", type_kind::double_}, {"string", type_kind::string},
        {"binary", type_kind::binary}};
    if (auto it = base.find(t); it != base.end()) {
      r->kind = it->second;
    } else if (t == "list" || t == "set") {
      r->kind = t == "list" ? type_kind::list : type_kind::set;
      r->elem = read_type(n.child("elemType"), where, depth + 1);
      r->name = t + "<" + r->elem->name + ">";
    } else if (t == "map") {
      r->kind = type_kind::map;
      r->key = read_type(n.child("keyType"), where, depth + 1);
      r->elem = read_type(n.child("valueType"), where, depth + 1);
      r->name = "map<" + r->key->name + "," + r->elem->name + ">";
    } else if (t == "id") {
      std::string mod = n.attribute("type-module").value(), id = n.attribute("type-id").value();
      std::string key = mod + "." + id;
      std::string shown = mod == m_.main_module_ ? id : key;
      if (auto it = typedefs_.find(key); it != typedefs_.end()) {
        auto target = read_type(it->second, key, depth + 1);
        auto copy = std::make_shared<type_ref>(*target);
        copy->name = shown;
        return copy;
      }
      if (auto it = enums_.find(key); it != enums_.end()) {
        r->kind = type_kind::enum_;
        r->enumeration = it->second;
      } else if (auto it = structs_.find(key); it != structs_.end()) {
        r->kind = type_kind::struct_;
        r->structure = it->second.first;
      } else {
        // The compiler accepts an undefined name (and only warns about a
        // missing include): the reference dangles, so this is where it fails.
        fail(where, "unknown type '" + key + "'");
      }
      r->name = shown;
    } else {
      fail(where, "unknown type kind '" + t + "'");
    }
    return r;
  }

  field_def read_field(pugi::xml_node n, const std::string& owner, bool with_default = true) {
    field_def f;
    f.name = n.attribute("name").value();
    std::string where = owner + "." + f.name;
    int id = n.attribute("field-id").as_int();
    if (id < std::numeric_limits<std::int16_t>::min() ||
        id > std::numeric_limits<std::int16_t>::max())
      fail(where, "field id " + std::to_string(id) + " out of range");
    f.id = static_cast<std::int16_t>(id);
    std::string req = n.attribute("required").value();
    f.req = req == "required"   ? requiredness::required
            : req == "optional" ? requiredness::optional
                                : requiredness::default_;
    f.type = read_type(n, where);
    f.annotations = read_annotations(n);
    if (auto d = n.child("default"); d && with_default)
      f.default_value = const_value(d.first_child(), *f.type, where);
    return f;
  }

  // An IDL constant (<int>, <double>, <string>, <list>, <map>) as the codec's
  // JSON output for `t`.
  nlohmann::json const_value(pugi::xml_node v, const type_ref& t, const std::string& where) {
    std::string tag = v.name();
    auto bad = [&]() { fail(where, "default value does not fit type " + t.name); };
    auto as_int = [&]() -> std::int64_t {
      if (tag != "int")
        bad();
      return v.text().as_llong();
    };
    auto in_range = [&](std::int64_t lo, std::int64_t hi) {
      auto x = as_int();
      if (x < lo || x > hi)
        bad();
      return nlohmann::json(x);
    };
    switch (t.kind) {
    case type_kind::bool_:
      return as_int() != 0;
    case type_kind::i8:
      return in_range(-128, 127);
    case type_kind::i16:
      return in_range(-32768, 32767);
    case type_kind::i32:
      return in_range(std::numeric_limits<std::int32_t>::min(),
                      std::numeric_limits<std::int32_t>::max());
    case type_kind::i64:
      return as_int();
    case type_kind::double_:
      if (tag == "double")
        return v.text().as_double();
      return double(as_int());
    case type_kind::string:
    case type_kind::binary:
      if (tag != "string")
        bad();
      return t.kind == type_kind::string ? nlohmann::json(v.text().get())
                                         : nlohmann::json(base64_encode(v.text().get()));
    case type_kind::enum_: {
      auto x = as_int();
      const std::string* name = t.enumeration->name_of(static_cast<std::int32_t>(x));
      if (!name)
        bad();
      return *name;
    }
    case type_kind::list:
    case type_kind::set: {
      if (tag != "list")
        bad();
      auto out = nlohmann::json::array();
      for (auto e : v.children("entry"))
        out.push_back(const_value(e.first_child(), *t.elem, where));
      return out;
    }
    case type_kind::map: {
      if (tag != "map")
        bad();
      auto out = t.key->object_key() ? nlohmann::json::object() : nlohmann::json::array();
      for (auto e : v.children("entry")) {
        auto k = const_value(e.child("key").first_child(), *t.key, where);
        auto val = const_value(e.child("value").first_child(), *t.elem, where);
        if (out.is_object())
          out[k.is_string() ? k.get<std::string>() : k.dump()] = std::move(val);
        else
          out.push_back({std::move(k), std::move(val)});
      }
      return out;
    }
    case type_kind::struct_: {
      if (tag != "map")
        bad();
      auto out = nlohmann::json::object();
      for (auto e : v.children("entry")) {
        std::string name = e.child("key").child("string").text().get();
        const field_def* f = t.structure->find(name);
        if (!f)
          fail(where, "default value names no field '" + name + "' of " + t.name);
        out[name] = const_value(e.child("value").first_child(), *f->type, where + "." + name);
      }
      return out;
    }
    case type_kind::void_:
      break;
    }
    fail(where, "default value does not fit type " + t.name);
  }

  void read_service(service_def& s, pugi::xml_node n, const std::string& key) {
    if (auto parent = n.attribute("parent-id")) {
      std::string pkey = std::string(n.attribute("parent-module").value()) + "." + parent.value();
      auto it = services_.find(pkey);
      if (it == services_.end())
        fail(key, "extends unknown service '" + pkey + "'");
      s.extends = it->second.first;
    }
    s.annotations = read_annotations(n);
    for (auto mn : n.children("method")) {
      method_def m;
      m.name = mn.attribute("name").value();
      std::string where = key + "." + m.name;
      m.oneway = std::string_view(mn.attribute("oneway").value()) == "true";
      m.returns = read_type(mn.child("returns"), where);
      for (auto a : mn.children("arg"))
        m.args.push_back(read_field(a, where));
      for (auto t : mn.children("throws")) {
        m.throws.push_back(read_field(t, where));
        if (m.throws.back().type->kind != type_kind::struct_ ||
            m.throws.back().type->structure->kind != struct_kind::exception)
          fail(where, "throws '" + m.throws.back().name + "', which is not an exception");
      }
      m.annotations = read_annotations(mn);
      s.methods.push_back(std::move(m));
    }
  }

  std::string origin_;
  model m_;
  std::unordered_map<std::string, pugi::xml_node> typedefs_;
  std::unordered_map<std::string, enum_def*> enums_;
  std::map<std::string, std::pair<struct_def*, pugi::xml_node>> structs_;
  std::map<std::string, std::pair<service_def*, pugi::xml_node>> services_;
};

model model::from_xml(std::string_view xml, const std::string& origin) {
  return model_loader(origin).load(xml);
}

model model::from_xml_file(const std::string& xml_file) {
  std::ifstream in(xml_file, std::ios::binary);
  if (!in)
    throw idl_error(xml_file + ": cannot read the IDL model file");
  std::ostringstream text;
  text << in.rdbuf();
  return from_xml(text.str(), xml_file);
}

model model::from_idl(const std::string& thrift_file, const compile_options& opts) {
  std::vector<std::string> warnings;
  auto xml = compile_to_xml(thrift_file, opts, warnings);
  auto m = from_xml(xml, thrift_file);
  m.warnings_ = std::move(warnings);
  return m;
}

} // namespace actorgate::idl
