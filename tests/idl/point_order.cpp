// The generated code declares the operator that a struct used as a map key
// needs (everything.thrift's map<common.Point, string>); the user defines
// it. Once, here, for every target that links idltest_thrift.
#include <tuple>

#include "idltest/common_types.h"

bool idltest_common::Point::operator<(const Point& o) const {
  return std::tie(x, y) < std::tie(o.x, o.y);
}
