#pragma once
// The "timeline" of a metric in an SLA report's JSON (SlaOptions::explain).

#include <aftersales/sla.hpp>

#include "document/json_writer.hpp"

namespace aftersales::detail {

/// Writes `"timeline": {...}` into the metric object `w` is writing. In a unit of its own: in
/// SlaReport::to_json's, its calls of the writer's functions made GCC inline fewer of them into
/// to_json, which cost a report without timelines 10% (sla_bench, BM_SlaReportToJson).
void write_timeline(JsonWriter& w, const SlaTimeline& timeline);

}  // namespace aftersales::detail
