// The shop example's service: a catalogue of items, with a struct, a list of
// them and a declared exception — what a real service's IDL has.
namespace cpp shop

struct Item {
  1: i64 id,
  2: string name,
  3: i32 price_cents,
  4: list<string> tags,
}

// The annotations matter only to actorgate-server's [idl], which serves this
// file with no code (docs/extending.md, rung 0); the generated C++ ignores
// them.
exception NoSuchItem {
  1: i64 id,
} (http.status = "404")

service Shop {
  Item get_item(1: i64 id) throws (1: NoSuchItem missing) (http.get = "/items/{id}"),
  /// The first `limit` items by id.
  list<Item> list_items(1: i32 limit),
  /// Stores `item` under a new id and returns it with that id.
  Item add_item(1: Item item),
  void remove_item(1: i64 id) throws (1: NoSuchItem missing),
}
