// header: one HTTP header field, as requests and responses carry them.
#pragma once

#include <string>

namespace actorgate {

struct header {
  std::string name;
  std::string value;
};

} // namespace actorgate
