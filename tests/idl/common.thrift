// Included by everything.thrift: the types another module brings, so that the
// model's include handling (xml:merge, type-module) is tested.
namespace cpp idltest_common

enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 7,
}

struct Point {
  1: required i32 x,
  2: required i32 y,
}

typedef i64 Timestamp
