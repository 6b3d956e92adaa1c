// The IDL model from `thrift --gen xml:merge`: every kind of type, typedefs
// and includes resolved, defaults, requiredness, annotations, services that
// extend others, and the errors an IDL can have.
#include "actorgate/idl/model.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "actorgate/idl/base64.hpp"

using namespace actorgate::idl;

namespace {

const std::string idl_dir = ACTORGATE_SOURCE_DIR "/tests/idl/";

const model& everything() {
  static model m = model::from_idl(idl_dir + "everything.thrift");
  return m;
}

const field_def& field(const struct_def& s, const char* name) {
  const field_def* f = s.find(name);
  REQUIRE_MESSAGE(f, name);
  return *f;
}

// A .thrift file of its own in a fresh directory, removed afterwards.
struct scratch_idl {
  std::filesystem::path dir;
  std::string file;
  explicit scratch_idl(const std::string& text, const std::string& name = "scratch.thrift") {
    std::string tmpl = (std::filesystem::temp_directory_path() / "idl-test-XXXXXX").string();
    dir = mkdtemp(tmpl.data());
    file = (dir / name).string();
    std::ofstream(file) << text;
  }
  ~scratch_idl() { std::filesystem::remove_all(dir); }
};

std::string idl_error_of(const std::string& text) {
  scratch_idl f(text);
  try {
    model::from_idl(f.file);
  } catch (const idl_error& e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("idl model: base types, typedefs and enums resolved") {
  const auto& m = everything();
  CHECK(m.main_module() == "everything");
  const struct_def* e = m.find_struct("Everything");
  REQUIRE(e);
  CHECK(e->kind == struct_kind::struct_);
  CHECK(field(*e, "flag").type->kind == type_kind::bool_);
  CHECK(field(*e, "b").type->kind == type_kind::i8); // byte is i8
  CHECK(field(*e, "tiny").type->kind == type_kind::i8);
  CHECK(field(*e, "small").type->kind == type_kind::i16);
  CHECK(field(*e, "medium").type->kind == type_kind::i32);
  CHECK(field(*e, "big").type->kind == type_kind::i64);
  CHECK(field(*e, "ratio").type->kind == type_kind::double_);
  CHECK(field(*e, "text").type->kind == type_kind::string);
  CHECK(field(*e, "blob").type->kind == type_kind::binary);
  const auto& level = *field(*e, "level").type;
  CHECK(level.kind == type_kind::enum_);
  REQUIRE(level.enumeration);
  CHECK(level.enumeration->values ==
        std::vector<std::pair<std::string, std::int32_t>>{{"LOW", 0}, {"MID", 5}, {"HIGH", 6}});
  CHECK(*level.enumeration->name_of(6) == "HIGH");
  CHECK(level.enumeration->name_of(1) == nullptr);
  CHECK(level.enumeration->value_of("MID") == 5);
  // typedef string Name: a string, named as written
  CHECK(field(*e, "name").type->kind == type_kind::string);
  CHECK(field(*e, "name").type->name == "Name");
  // typedef common.Timestamp When: a typedef of a typedef in another module
  CHECK(field(*e, "stamp").type->kind == type_kind::i64);
  // typedef list<common.Point> Path
  const auto& path = *field(*e, "path").type;
  CHECK(path.kind == type_kind::list);
  CHECK(path.elem->kind == type_kind::struct_);
  CHECK(path.elem->structure == m.find_struct("common.Point"));
  CHECK(path.elem->name == "common.Point");
}

TEST_CASE("idl model: containers nest with their key, value and element types") {
  const struct_def& e = *everything().find_struct("Everything");
  CHECK(field(e, "tags").type->kind == type_kind::list);
  CHECK(field(e, "tags").type->elem->kind == type_kind::string);
  CHECK(field(e, "ids").type->kind == type_kind::set);
  CHECK(field(e, "ids").type->name == "set<i32>");
  const auto& counts = *field(e, "counts").type;
  CHECK(counts.kind == type_kind::map);
  CHECK(counts.key->kind == type_kind::string);
  CHECK(counts.elem->kind == type_kind::i64);
  CHECK(counts.key->object_key());
  CHECK(field(e, "by_id").type->key->object_key());
  CHECK(field(e, "by_level").type->key->object_key()); // enum keys
  const auto& by_point = *field(e, "by_point").type;
  CHECK(by_point.key->kind == type_kind::struct_);
  CHECK_FALSE(by_point.key->object_key());
  const auto& nested = *field(e, "nested").type;
  CHECK(nested.name == "list<list<Inner>>");
  CHECK(nested.elem->elem->structure == everything().find_struct("Inner"));
  const auto& deep = *field(e, "deep").type;
  CHECK(deep.key->kind == type_kind::i64);
  CHECK(deep.elem->kind == type_kind::list);
}

TEST_CASE("idl model: requiredness, ids, defaults and annotations") {
  const auto& m = everything();
  const struct_def& e = *m.find_struct("Everything");
  CHECK(field(e, "flag").id == 1);
  CHECK(field(e, "deep").id == 32);
  CHECK(field(e, "flag").req == requiredness::default_);
  CHECK(field(e, "note").req == requiredness::optional);
  CHECK(field(e, "needed").req == requiredness::required);
  CHECK_FALSE(field(e, "flag").default_value);
  CHECK(*field(e, "defaulted").default_value == 42);
  CHECK(*field(e, "greeting").default_value == "hello");
  CHECK(*field(e, "lvl_default").default_value == "MID"); // enums by name
  CHECK(*field(e, "list_default").default_value == nlohmann::json{1, 2, 3});
  CHECK(*field(e, "map_default").default_value == nlohmann::json{{"a", 1}});
  CHECK(*field(e, "inner_default").default_value == nlohmann::json{{"label", "x"}});
  CHECK(*field(e, "ratio_default").default_value == 1.5);
  CHECK(*field(e, "flag_default").default_value == true);
  CHECK(e.annotations.at("note") == "all types");
  const struct_def* nf = m.find_struct("NotFound");
  REQUIRE(nf);
  CHECK(nf->kind == struct_kind::exception);
  CHECK(nf->annotations.at("http.status") == "404");
  CHECK(m.find_struct("Broken")->annotations.empty());
  const struct_def* choice = m.find_struct("Choice");
  REQUIRE(choice);
  CHECK(choice->kind == struct_kind::union_);
  CHECK(choice->find(std::int16_t{2})->name == "number");
  CHECK(choice->find(std::int16_t{9}) == nullptr);
}

TEST_CASE("idl model: services, methods, throws, oneway and extends") {
  const auto& m = everything();
  const service_def& s = m.service("Everythings");
  CHECK(s.module == "everything");
  REQUIRE(s.extends);
  CHECK(s.extends->name == "Base");
  CHECK(s.find("ping") == &s.extends->methods.at(0)); // inherited
  CHECK(s.find("nope") == nullptr);
  CHECK(s.all_methods().size() == s.methods.size() + 1);

  const method_def& echo = *s.find("echo");
  CHECK(echo.returns->structure == m.find_struct("Everything"));
  REQUIRE(echo.args.size() == 1);
  CHECK(echo.args[0].id == 1);
  CHECK(echo.args[0].name == "value");
  REQUIRE(echo.throws.size() == 2);
  CHECK(echo.throws[0].id == 1);
  CHECK(echo.throws[0].name == "missing");
  CHECK(echo.throws[0].type->structure == m.find_struct("NotFound"));
  CHECK(echo.throws[1].type->name == "Broken");
  CHECK_FALSE(echo.oneway);

  CHECK(s.find("forget")->returns->kind == type_kind::void_);
  CHECK(s.find("notify")->oneway);
  const method_def& add = *s.find("add");
  CHECK(add.annotation("idempotent") == "true");
  CHECK(add.annotation("http.get") == "/add/{a}");
  CHECK(add.annotation("http.post", "none") == "none");
  CHECK(*add.args.at(1).default_value == 10);
  CHECK(s.find("route")->args.at(1).type->enumeration == m.find_enum("Color"));
  CHECK(s.find("levels")->returns->elem->enumeration == m.find_enum("Level"));
}

TEST_CASE("idl model: includes are merged and looked up by module") {
  const auto& m = everything();
  const enum_def* color = m.find_enum("common.Color");
  REQUIRE(color);
  CHECK(color == m.find_enum("Color")); // unique, so the short name works too
  CHECK(color->module == "common");
  CHECK(color->value_of("BLUE") == 7);
  CHECK(m.find_struct("Point")->fields.at(0).req == requiredness::required);
  CHECK(m.find_struct("everything.Point") == nullptr);
  CHECK(m.find_service("everything.Base") == m.service("Everythings").extends);
  CHECK(m.find_service("Nope") == nullptr);
  CHECK_THROWS_WITH_AS(m.service("Nope"),
                       "no service 'Nope' in the IDL (it has: everything.Base, "
                       "everything.Everythings)",
                       idl_error);
}

TEST_CASE("idl model: the shop example as the compiler sees it") {
  auto m = model::from_idl(ACTORGATE_SOURCE_DIR "/examples/shop/shop.thrift");
  const auto& shop = m.service("Shop");
  CHECK(shop.methods.size() == 4);
  CHECK(shop.find("list_items")->returns->name == "list<Item>");
  CHECK(shop.find("remove_item")->throws.at(0).type->name == "NoSuchItem");
}

TEST_CASE("idl model: a pre-generated XML file loads the same") {
  scratch_idl dir("");
  std::vector<std::string> warnings;
  auto xml = compile_to_xml(idl_dir + "everything.thrift", {}, warnings);
  CHECK(warnings.size() == 1); // "byte" is an alias of i8
  CHECK(warnings.at(0).find("everything.thrift:30: The \"byte\" type") != std::string::npos);
  std::string file = (dir.dir / "everything.xml").string();
  std::ofstream(file) << xml;
  auto m = model::from_xml_file(file);
  CHECK(m.main_module() == "everything");
  CHECK(m.service("Everythings").find("echo")->throws.size() == 2);
  CHECK_THROWS_AS(model::from_xml_file(file + ".missing"), idl_error);
  CHECK_THROWS_WITH_AS(model::from_xml("<nope/>", "x.xml"),
                       "x.xml: not XML from thrift --gen xml:merge (no <idl><document>)",
                       idl_error);
  CHECK_THROWS_AS(model::from_xml("<idl><document", "x.xml"), idl_error);
}

TEST_CASE("idl model: an IDL error names the file and line the compiler printed") {
  auto syntax = idl_error_of("struct A {\n  1: i32 x,\n  2 i32 y;\n}\n");
  CHECK_MESSAGE(syntax.find("scratch.thrift:3: syntax error (last token was 'i32')") !=
                    std::string::npos,
                syntax);
  auto keyword = idl_error_of("struct A {\n  1: i32 when,\n}\n");
  CHECK_MESSAGE(keyword.find("scratch.thrift: Cannot use reserved language keyword: \"when\"") !=
                    std::string::npos,
                keyword);
  // The compiler only warns about these two; the model refuses them.
  auto include = idl_error_of("include \"missing.thrift\"\nstruct A { 1: i32 x }\n");
  CHECK_MESSAGE(include.find("scratch.thrift:1: Could not find include file missing.thrift") !=
                    std::string::npos,
                include);
  auto undefined = idl_error_of("struct A {\n  1: i32 x,\n  2: Nope y,\n}\n");
  CHECK_MESSAGE(undefined.find("scratch.thrift: scratch.A.y: unknown type 'scratch.Nope'") !=
                    std::string::npos,
                undefined);
  CHECK_THROWS_AS(model::from_idl("/nonexistent/x.thrift"), idl_error);
  compile_options bad_compiler;
  bad_compiler.compiler = "/nonexistent/thrift";
  CHECK_THROWS_WITH_AS(model::from_idl(idl_dir + "everything.thrift", bad_compiler),
                       doctest::Contains("cannot run the thrift compiler '/nonexistent/thrift'"),
                       idl_error);
}

TEST_CASE("idl model: include directories reach the compiler") {
  scratch_idl lib("struct Shared { 1: i32 x }\n", "lib.thrift");
  scratch_idl main("include \"lib.thrift\"\nservice S { lib.Shared get() }\n", "main.thrift");
  CHECK_THROWS_AS(model::from_idl(main.file), idl_error);
  compile_options opts;
  opts.include_dirs.push_back(lib.dir.string());
  auto m = model::from_idl(main.file, opts);
  CHECK(m.service("S").find("get")->returns->structure == m.find_struct("lib.Shared"));
}

TEST_CASE("base64: RFC 4648 test vectors, strict on input") {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [raw, text] : vectors) {
    CHECK(base64_encode(raw) == text);
    CHECK(base64_decode(text) == std::string(raw));
  }
  CHECK(base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
  for (const char* bad : {"Zg", "Zg=", "Zm9v\n",
                          "Z===", "====", "Zh==", "Zm9=", "Zm9v Zg==", "Zm-v", "Zg==Zg==", "=Zg="})
    CHECK_MESSAGE(!base64_decode(bad), bad);
}
