// The OpenAPI document of a service: its paths are http_routes(), its schemas
// the codec's JSON mapping. Checked here for structure; the openapi_valid_*
// CTest tests run a real OpenAPI validator on it.
#include "actorgate/idl/openapi.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

using namespace actorgate::idl;
using nlohmann::json;

namespace {

const std::string idl_dir = ACTORGATE_SOURCE_DIR "/tests/idl/";

const json& everything_doc() {
  static model m = model::from_idl(idl_dir + "everything.thrift");
  static json doc = [] {
    const service_def& s = m.service("Everythings");
    return openapi_document(m, s, http_routes(s, "/rpc"));
  }();
  return doc;
}

const json& schema(const std::string& name) {
  const json& schemas = everything_doc()["components"]["schemas"];
  REQUIRE_MESSAGE(schemas.contains(name), name);
  return schemas[name];
}

const json& prop(const std::string& schema_name, const std::string& field) {
  const json& s = schema(schema_name);
  REQUIRE_MESSAGE(s["properties"].contains(field), (schema_name + "." + field));
  return s["properties"][field];
}

const json& op(const std::string& path, const std::string& verb) {
  const json& paths = everything_doc()["paths"];
  REQUIRE_MESSAGE(paths.contains(path), path);
  REQUIRE_MESSAGE(paths[path].contains(verb), (verb + " " + path));
  return paths[path][verb];
}

json ref(const std::string& name) {
  return {{"$ref", "#/components/schemas/" + name}};
}

const json& body_schema(const json& response) {
  return response["content"]["application/json"]["schema"];
}

std::set<std::string> keys(const json& object) {
  std::set<std::string> out;
  for (const auto& item : object.items())
    out.insert(item.key());
  return out;
}

// The document of service `service` of an IDL text of its own (scratch.thrift),
// beside `others` (file name -> text) that it may include.
json doc_of(const std::string& text, const std::string& service, const std::string& prefix = "/",
            const std::map<std::string, std::string>& others = {}) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "openapi-test-XXXXXX").string();
  std::filesystem::path dir = mkdtemp(tmpl.data());
  std::string file = (dir / "scratch.thrift").string();
  std::ofstream(file) << text;
  for (const auto& [name, other] : others)
    std::ofstream(dir / name) << other;
  try {
    model m = model::from_idl(file);
    const service_def& s = m.service(service);
    json doc = openapi_document(m, s, http_routes(s, prefix));
    std::filesystem::remove_all(dir);
    return doc;
  } catch (...) {
    std::filesystem::remove_all(dir);
    throw;
  }
}

void collect_refs(const json& j, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (const auto& item : j.items()) {
      if (item.key() == "$ref")
        out.push_back(item.value().get<std::string>());
      else
        collect_refs(item.value(), out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j)
      collect_refs(v, out);
  }
}

} // namespace

TEST_CASE("idl openapi: the document's header and a path for every route") {
  const json& doc = everything_doc();
  CHECK(doc["openapi"] == "3.0.3");
  CHECK(doc["info"]["title"] == "Everythings");
  CHECK(doc["info"]["version"] == "1.0.0");
  CHECK(doc["info"]["description"].get<std::string>().find("actorgate") != std::string::npos);
  CHECK(keys(doc["paths"]) ==
        std::set<std::string>{"/rpc/echo", "/rpc/forget", "/rpc/notify", "/rpc/add", "/rpc/route",
                              "/rpc/levels", "/rpc/blob", "/rpc/tree", "/rpc/ping", // from Base
                              "/rpc/add/{a}"});
  for (const auto& [path, item] : doc["paths"].items())
    CHECK_MESSAGE(keys(item) == std::set<std::string>{path == "/rpc/add/{a}" ? "get" : "post"},
                  path);
  CHECK(op("/rpc/echo", "post")["operationId"] == "echo");
  CHECK(op("/rpc/add", "post")["operationId"] == "add");
  CHECK(op("/rpc/add/{a}", "get")["operationId"] == "add_get");
  CHECK(op("/rpc/add/{a}", "get")["x-thrift-annotations"] ==
        json{{"http.get", "/add/{a}"}, {"idempotent", "true"}});
}

TEST_CASE("idl openapi: echo takes its arguments as a JSON object and answers its exceptions") {
  const json& echo = op("/rpc/echo", "post");
  CHECK_FALSE(echo.contains("parameters"));
  const json& body = echo["requestBody"];
  CHECK(body["required"] == false); // no required argument: an empty body is {}
  const json& args = body_schema(body);
  CHECK(args["type"] == "object");
  CHECK(args["properties"] == json{{"value", ref("Everything")}});
  CHECK(args["additionalProperties"] == false);
  CHECK_FALSE(args.contains("required"));

  const json& r = echo["responses"];
  CHECK(keys(r) == std::set<std::string>{"200", "400", "404", "500", "502", "503", "504"});
  CHECK(body_schema(r["200"]) == ref("Everything"));
  CHECK(body_schema(r["404"]) == ref("NotFound-error")); // (http.status = "404")
  CHECK(body_schema(r["500"]) == ref("Broken-error"));   // no annotation
  CHECK(default_exception_status == 500);
  for (const char* status : {"400", "502", "503", "504"})
    CHECK_MESSAGE(body_schema(r[status]) == ref("actorgate-error"), status);
  CHECK(r["503"]["headers"]["Retry-After"]["schema"]["type"] == "integer");
  CHECK_FALSE(r["504"].contains("headers"));
  CHECK(r["400"]["description"].get<std::string>().find("JSON path") != std::string::npos);

  const json& nf = schema("NotFound-error");
  CHECK(nf["required"] == json::array({"error", "status", "detail"}));
  CHECK(nf["properties"]["error"] == json{{"type", "string"}, {"enum", {"NotFound"}}});
  CHECK(nf["properties"]["status"] == json{{"type", "integer"}, {"enum", {404}}});
  CHECK(nf["properties"]["detail"] == ref("NotFound"));
  CHECK(schema("Broken-error")["properties"]["status"]["enum"] == json::array({500}));
  CHECK(keys(schema("NotFound")["properties"]) == std::set<std::string>{"item", "id"});
  CHECK(schema("actorgate-error")["required"] == json::array({"error", "status"}));
}

TEST_CASE("idl openapi: void answers 204, oneway 202, both without a body") {
  const json& forget = op("/rpc/forget", "post")["responses"];
  CHECK(forget.contains("204"));
  CHECK_FALSE(forget.contains("200"));
  CHECK_FALSE(forget["204"].contains("content"));
  CHECK(body_schema(op("/rpc/forget", "post")["requestBody"])["properties"] ==
        json{{"id", {{"type", "integer"}, {"format", "int64"}}}, {"why", {{"type", "string"}}}});
  const json& notify = op("/rpc/notify", "post")["responses"];
  CHECK(notify.contains("202"));
  CHECK_FALSE(notify.contains("200"));
  CHECK_FALSE(notify.contains("204"));
  CHECK_FALSE(notify["202"].contains("content"));
  // ping() has no arguments: no body at all
  CHECK_FALSE(op("/rpc/ping", "post").contains("requestBody"));
  CHECK(body_schema(op("/rpc/ping", "post")["responses"]["200"])["format"] == "int32");
}

TEST_CASE("idl openapi: a GET route binds its path and query parameters, with defaults") {
  const json& add = op("/rpc/add/{a}", "get");
  CHECK_FALSE(add.contains("requestBody"));
  REQUIRE(add["parameters"].size() == 2);
  CHECK(add["parameters"][0] == json{{"name", "a"},
                                     {"in", "path"},
                                     {"required", true},
                                     {"schema",
                                      {{"type", "integer"},
                                       {"format", "int32"},
                                       {"minimum", -2147483648LL},
                                       {"maximum", 2147483647}}}});
  CHECK(add["parameters"][1] ==
        json{{"name", "b"},
             {"in", "query"},
             {"required", false},
             {"schema", {{"type", "integer"}, {"format", "int64"}, {"default", 10}}}});
  CHECK(body_schema(add["responses"]["200"]) == json{{"type", "integer"}, {"format", "int64"}});
  // The POST form of the same method takes both from the body.
  const json& post = body_schema(op("/rpc/add", "post")["requestBody"]);
  CHECK(keys(post["properties"]) == std::set<std::string>{"a", "b"});
  CHECK(post["properties"]["b"]["default"] == 10);
}

TEST_CASE("idl openapi: scalars, containers and maps as the codec maps them") {
  auto p = [](const char* f) -> const json& { return prop("Everything", f); };
  CHECK(p("flag") == json{{"type", "boolean"}});
  CHECK(p("b") == json{{"type", "integer"}, {"minimum", -128}, {"maximum", 127}});
  CHECK(p("tiny") == p("b"));
  CHECK(p("small") == json{{"type", "integer"}, {"minimum", -32768}, {"maximum", 32767}});
  CHECK(p("medium")["format"] == "int32");
  CHECK(p("medium")["minimum"] == -2147483648LL);
  CHECK(p("big") == json{{"type", "integer"}, {"format", "int64"}});
  CHECK(p("ratio") == json{{"type", "number"}, {"format", "double"}});
  CHECK(p("text") == json{{"type", "string"}});
  CHECK(p("blob") == json{{"type", "string"}, {"format", "byte"}}); // base64
  CHECK(p("name") == json{{"type", "string"}});                     // typedef string Name
  CHECK(p("stamp") == p("big"));                                    // typedef i64 Timestamp
  CHECK(p("level") == ref("Level"));
  CHECK(p("color") == ref("common.Color"));
  CHECK(p("inner") == ref("Inner"));
  CHECK(p("choice") == ref("Choice"));
  CHECK(p("tags") == json{{"type", "array"}, {"items", {{"type", "string"}}}});
  CHECK(p("ids")["uniqueItems"] == true);
  CHECK(p("ids")["items"]["format"] == "int32");
  CHECK(p("names")["uniqueItems"] == true);
  CHECK(p("path") == json{{"type", "array"}, {"items", ref("common.Point")}});
  CHECK(p("nested")["items"]["items"] == ref("Inner"));
  // maps with string, integer and enum keys are objects
  CHECK(p("counts") == json{{"type", "object"}, {"additionalProperties", p("big")}});
  CHECK(p("by_id")["type"] == "object");
  CHECK(p("by_id")["additionalProperties"] == json{{"type", "string"}});
  CHECK(p("by_level")["additionalProperties"] == json{{"type", "boolean"}});
  CHECK(p("deep")["additionalProperties"]["items"] == ref("Inner"));
  // map<common.Point, string>: an array of [key, value] pairs
  const json& by_point = p("by_point");
  CHECK(by_point["type"] == "array");
  CHECK(by_point["description"].get<std::string>().find("[key, value] pairs") != std::string::npos);
  CHECK(by_point["items"]["type"] == "array");
  CHECK(by_point["items"]["minItems"] == 2);
  CHECK(by_point["items"]["maxItems"] == 2);
  CHECK(by_point["items"]["items"]["anyOf"] ==
        json::array({ref("common.Point"), {{"type", "string"}}}));
}

TEST_CASE("idl openapi: structs, unions, enums, requiredness and defaults") {
  const json& e = schema("Everything");
  CHECK(e["type"] == "object");
  CHECK(e["additionalProperties"] == false);
  CHECK(e["required"] == json::array({"needed"}));
  CHECK(e["properties"].size() == 35);
  CHECK(e["x-thrift-annotations"] == json{{"note", "all types"}});
  auto p = [](const char* f) -> const json& { return prop("Everything", f); };
  CHECK(p("defaulted")["default"] == 42);
  CHECK(p("greeting")["default"] == "hello");
  CHECK(p("list_default")["default"] == json::array({1, 2, 3}));
  CHECK(p("map_default")["default"] == json{{"a", 1}});
  CHECK(p("ratio_default")["default"] == 1.5);
  CHECK(p("flag_default")["default"] == true);
  // a $ref's siblings are ignored in 3.0: the default goes beside an allOf
  CHECK(p("lvl_default") == json{{"allOf", json::array({ref("Level")})}, {"default", "MID"}});
  CHECK(p("inner_default") ==
        json{{"allOf", json::array({ref("Inner")})}, {"default", {{"label", "x"}}}});
  CHECK_FALSE(p("note").contains("default"));

  const json& point = schema("common.Point");
  CHECK(point["required"] == json::array({"x", "y"}));
  CHECK(point["properties"]["x"]["format"] == "int32");
  CHECK_FALSE(schema("Inner").contains("required"));

  const json& choice = schema("Choice");
  CHECK(choice["minProperties"] == 1);
  CHECK(choice["maxProperties"] == 1);
  CHECK(keys(choice["properties"]) == std::set<std::string>{"text", "number"});

  const json& level = schema("Level");
  CHECK(level["type"] == "string");
  CHECK(level["enum"] == json::array({"LOW", "MID", "HIGH"}));
  CHECK(level["description"].get<std::string>().find("MID = 5") != std::string::npos);
  CHECK(schema("common.Color")["enum"] == json::array({"RED", "GREEN", "BLUE"}));
  CHECK(prop("Tree", "kids")["items"] == ref("Tree")); // recursive
}

TEST_CASE("idl openapi: every $ref resolves, names are valid, operation ids unique") {
  const json& doc = everything_doc();
  std::vector<std::string> refs;
  collect_refs(doc, refs);
  CHECK(refs.size() > 20);
  const std::string prefix = "#/components/schemas/";
  for (const auto& r : refs) {
    REQUIRE_MESSAGE(r.rfind(prefix, 0) == 0, r);
    CHECK_MESSAGE(doc["components"]["schemas"].contains(r.substr(prefix.size())), r);
  }
  const std::regex valid_name("^[a-zA-Z0-9\\.\\-_]+$");
  for (const auto& item : doc["components"]["schemas"].items())
    CHECK_MESSAGE(std::regex_match(item.key(), valid_name), item.key());
  CHECK(keys(doc["components"]["schemas"]) ==
        std::set<std::string>{"Everything", "Inner", "Choice", "Tree", "NotFound", "Broken",
                              "NotFound-error", "Broken-error", "Level", "common.Point",
                              "common.Color", "actorgate-error"});
  std::set<std::string> ids;
  std::size_t operations = 0;
  for (const auto& path : doc["paths"].items())
    for (const auto& o : path.value().items()) {
      ++operations;
      ids.insert(o.value()["operationId"].get<std::string>());
    }
  CHECK(operations == 10);
  CHECK(ids.size() == operations);
}

TEST_CASE("idl openapi: exceptions sharing a status are alternatives") {
  const char* idl = R"(
    exception Gone { 1: string what } (http.status = "404")
    exception Missing { 1: string what } (http.status = "404")
    exception Busy { 1: i32 retry_after } (http.status = "503")
    service S { void f() throws (1: Gone g, 2: Missing m, 3: Busy b) }
  )";
  json doc = doc_of(idl, "S");
  const json& r = doc["paths"]["/f"]["post"]["responses"];
  CHECK(body_schema(r["404"]) ==
        json{{"oneOf", json::array({ref("Gone-error"), ref("Missing-error")})}});
  // the gateway's own 503 body would also match Busy's: anyOf, not oneOf
  CHECK(body_schema(r["503"]) ==
        json{{"anyOf", json::array({ref("Busy-error"), ref("actorgate-error")})}});
  CHECK(r["503"]["description"].get<std::string>().find("Busy") != std::string::npos);
  CHECK(r["503"]["description"].get<std::string>().find("overloaded") != std::string::npos);
  CHECK_FALSE(r.contains("500"));
  CHECK(r.contains("204"));
}

TEST_CASE("idl openapi: an included exception's body names it without its module") {
  const char* shop = R"(
    exception Gone { 1: string what } (http.status = "404")
  )";
  const char* store = R"(
    exception Gone { 1: i64 id } (http.status = "404")
  )";
  const char* idl = R"(
    include "shop.thrift"
    include "store.thrift"
    service S { void f() throws (1: shop.Gone a, 2: store.Gone b) }
  )";
  json doc = doc_of(idl, "S", "/", {{"shop.thrift", shop}, {"store.thrift", store}});
  const json& schemas = doc["components"]["schemas"];
  REQUIRE(schemas.contains("shop.Gone-error"));
  REQUIRE(schemas.contains("store.Gone-error"));
  // as idl/route.cpp answers: {"error": "Gone", "status": 404, "detail": {...}}
  CHECK(schemas["shop.Gone-error"]["properties"]["error"]["enum"] == json::array({"Gone"}));
  CHECK(schemas["shop.Gone-error"]["properties"]["detail"] == ref("shop.Gone"));
  CHECK(schemas["store.Gone-error"]["properties"]["error"]["enum"] == json::array({"Gone"}));
  CHECK(schemas["store.Gone-error"]["properties"]["detail"] == ref("store.Gone"));
  // the same "error" in both: a body can match both, so anyOf
  CHECK(body_schema(doc["paths"]["/f"]["post"]["responses"]["404"]) ==
        json{{"anyOf", json::array({ref("shop.Gone-error"), ref("store.Gone-error")})}});
}

TEST_CASE("idl openapi: REST body routes, required arguments and operation ids") {
  const char* idl = R"(
    struct Item { 1: required string name, 2: optional i32 qty }
    service S {
      void put_item(1: i64 id, 2: required Item item) (http.put = "/items/{id}"),
      Item find(1: required string q, 2: i32 limit) (http.get = "/items"),
      i32 add(1: i32 a) (http.get = "/add"),
      i32 add_get(1: i32 a),
    }
  )";
  json doc = doc_of(idl, "S", "/api/");
  const json& put = doc["paths"]["/api/items/{id}"]["put"];
  CHECK(put["operationId"] == "put_item_put");
  CHECK(put["parameters"] ==
        json::array({{{"name", "id"},
                      {"in", "path"},
                      {"required", true},
                      {"schema", {{"type", "integer"}, {"format", "int64"}}}}}));
  CHECK(put["requestBody"]["required"] == true);
  const json& put_body = body_schema(put["requestBody"]);
  CHECK(put_body["properties"] == json{{"item", ref("Item")}}); // id is in the path
  CHECK(put_body["required"] == json::array({"item"}));
  CHECK(doc["paths"]["/api/put_item"]["post"]["requestBody"]["required"] == true);

  const json& find = doc["paths"]["/api/items"]["get"];
  CHECK(find["parameters"][0]["name"] == "q");
  CHECK(find["parameters"][0]["required"] == true);
  CHECK(find["parameters"][1]["required"] == false);
  CHECK_FALSE(find.contains("requestBody"));

  // "add_get" is a method's own name; add's GET route gives way
  CHECK(doc["paths"]["/api/add_get"]["post"]["operationId"] == "add_get");
  CHECK(doc["paths"]["/api/add"]["get"]["operationId"] == "add_get_2");
  CHECK(doc["paths"]["/api/add"]["post"]["operationId"] == "add");
}

TEST_CASE("idl openapi: two routes on one path and verb are an error") {
  const char* idl = R"(
    service S {
      i32 a() (http.post = "/b"),
      i32 b(),
    }
  )";
  CHECK_THROWS_WITH_AS(doc_of(idl, "S"), "methods b and a are both POST /b", idl_error);
}
