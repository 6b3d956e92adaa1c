// The IDL model's and codec's test service: every Thrift type, nested
// containers, defaults, optional and required fields, exceptions with and
// without an http.status, a void and a oneway method, an include.
include "common.thrift"

namespace cpp idltest

typedef string Name
typedef list<common.Point> Path
typedef common.Timestamp When

enum Level {
  LOW,
  MID = 5,
  HIGH,
}

struct Inner {
  1: string label,
  2: optional i32 weight,
}

union Choice {
  1: string text,
  2: i64 number,
}

struct Everything {
  1: bool flag,
  2: byte b,
  3: i8 tiny,
  4: i16 small,
  5: i32 medium,
  6: i64 big,
  7: double ratio,
  8: string text,
  9: binary blob,
  10: Level level,
  11: common.Color color,
  12: Name name,
  13: Inner inner,
  14: list<string> tags,
  15: set<i32> ids,
  16: map<string, i64> counts,
  17: map<i32, string> by_id,
  18: map<Level, bool> by_level,
  19: map<common.Point, string> by_point,
  20: list<list<Inner>> nested,
  21: Path path,
  22: When stamp,
  23: optional string note,
  24: required i32 needed,
  25: i32 defaulted = 42,
  26: string greeting = "hello",
  27: Level lvl_default = Level.MID,
  28: list<i32> list_default = [1, 2, 3],
  29: map<string, i32> map_default = {"a": 1},
  30: Choice choice,
  31: set<string> names,
  32: map<i64, list<Inner>> deep,
  33: Inner inner_default = {"label": "x"},
  34: double ratio_default = 1.5,
  35: bool flag_default = true,
} (note = "all types")

// Recursive through a container: JSON and replies can nest it without end.
struct Tree {
  1: string label,
  2: list<Tree> kids,
}

exception NotFound {
  1: string item,
  2: i64 id,
} (http.status = "404")

exception Broken {
  1: string reason,
}

service Base {
  i32 ping(),
}

service Everythings extends Base {
  /// Returns its argument.
  Everything echo(1: Everything value) throws (1: NotFound missing, 2: Broken broken),
  void forget(1: i64 id, 2: string why),
  oneway void notify(1: string msg),
  i64 add(1: i32 a, 2: i64 b = 10) (idempotent = "true", http.get = "/add/{a}"),
  list<common.Point> route(1: Path path, 2: common.Color color),
  map<string, Level> levels(),
  binary blob(1: binary data),
  Tree tree(1: Tree t),
}
