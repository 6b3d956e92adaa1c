// Reads the Prometheus text format back for tests: each sample line's series
// (name and labels exactly as written) -> its value as written.
//
//   auto s = parse_exposition(body);
//   CHECK(s["actorgate_pool_workers{pool=\"backend\"}"] == "8");
//   CHECK(scrape_series(gateway.port, "actorgate_pool_busy_workers{pool=\"backend\"}") == "0");
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace actorgate::test {

using series_values = std::map<std::string, std::string>;

/// Throws std::runtime_error on a line without a value or a series seen twice.
series_values parse_exposition(const std::string& text);

/// How many series of metric `name` (any labels) there are.
std::size_t count_series(const series_values& s, const std::string& name);

/// One series' value in the /metrics of the gateway on `port`, scraped now;
/// none if the series is absent. Throws as http_get and parse_exposition do
/// if the scrape fails.
std::optional<std::string> scrape_series(std::uint16_t port, const std::string& series);

} // namespace actorgate::test
