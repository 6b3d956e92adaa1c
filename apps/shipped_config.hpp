// The shipped config file (config/actorgate.ini) as the option declarations
// make it: the gateway's groups, the demo backend's, and CAF's scheduler
// settings the project recommends.
#pragma once

#include <string>
#include <vector>

#include "actorgate/gateway/option_schema.hpp"

namespace compute {

/// [http], [backend], [compute-server], [log].
std::vector<actorgate::option_group> shipped_groups();
/// The text of config/actorgate.ini.
std::string shipped_config();

} // namespace compute
