// The check of one option's value, shared by the config file's check, the
// effective values' check and the config file renderer's own test.
#pragma once

#include <string>

#include <caf/config_value.hpp>

#include "actorgate/gateway/option_schema.hpp"

namespace actorgate {

/// Why `v` is no value for `o` under `key` ("'http.port' is 70000, must be
/// between 0 and 65535"), or "" if it is one.
std::string check_value(const option& o, const std::string& key, const caf::config_value& v);

/// "an integer", "a quoted string", "a duration such as 500ms or 5s", ...
std::string type_hint(value_kind k);

} // namespace actorgate
