// The OpenAPI validator's second IDL: what everything.thrift does not have.
// Routes of every verb, path and query parameters of several kinds, a
// required argument in a body and in a query, exceptions that share a status
// with each other (oneOf) and with the gateway's own errors (anyOf).
namespace cpp resttest

enum Kind {
  BOOK = 1,
  FILM = 2,
}

struct Item {
  1: required string name,
  2: optional i32 qty = 1,
  3: Kind kind = Kind.BOOK,
  4: map<Kind, list<string>> tags,
}

exception Gone {
  1: string what,
} (http.status = "404")

exception Missing {
  1: i64 id,
} (http.status = "404")

exception Busy {
  1: i32 retry_after_s,
} (http.status = "503")

exception Invalid {
  1: string field,
} (http.status = "400")

service Shop {
  Item get_item(1: i64 id, 2: bool fresh = false) throws (1: Gone gone, 2: Missing missing)
      (http.get = "/items/{id}"),
  list<Item> find(1: required string q, 2: Kind kind, 3: i16 limit = 10, 4: binary cursor)
      (http.get = "/items"),
  void put_item(1: i64 id, 2: required Item item) throws (1: Invalid invalid, 2: Busy busy)
      (http.put = "/items/{id}"),
  Item patch_item(1: i64 id, 2: Kind kind, 3: string name) (http.patch = "/items/{id}"),
  void delete_item(1: i64 id, 2: string reason) throws (1: Gone gone)
      (http.delete = "/items/{id}"),
  i64 create(1: required Item item) throws (1: Busy busy) (http.post = "/items"),
  i32 count_by(1: Kind kind, 2: double min_ratio) (http.get = "/count/{kind}/{min_ratio}"),
  oneway void touch(1: i64 id) (http.post = "/items/{id}/touch"),
}
