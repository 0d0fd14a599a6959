#pragma once
// The options of a KPI or scorecard request given as JSON (the C ABI's `options_json`):
// {"group_by": [...], "time_zone": "Asia/Shanghai", "orders": 120000 | {"2026-11-11": 120000},
//  "rank_within": [...], "compensations": [{"ticket": "T1", "currency": "CNY", "total": "10.00"}]}.

#include <aftersales/kpi.hpp>

#include "document/json_reader.hpp"

#include <string_view>
#include <vector>

namespace aftersales::detail {

struct KpiRequest {
  KpiOptions options;
  KpiOrders orders;
  std::vector<KpiDimension> rank_within;
};

/// A list of dimension names (`group_by`, `rank_within`), each problem recorded at its path.
std::vector<KpiDimension> read_dimensions(const Node& node);

/// Reads a request; an empty text is the default request (one group, no orders).
/// @throws InputError naming the JSON path of every problem.
KpiRequest read_kpi_request(std::string_view json);

}  // namespace aftersales::detail
