#include "kpi/kpi_request.hpp"

#include <aftersales/error.hpp>

#include <boost/json/monotonic_resource.hpp>

#include "document/json_amounts.hpp"
#include "document/json_reader.hpp"

namespace aftersales::detail {
namespace {

std::optional<std::int64_t> order_count(const Node& node) {
  const auto n = node.integer();
  if (n && *n < 0) node.problem("an order count cannot be negative");
  return n && *n >= 0 ? n : std::nullopt;
}

void read_orders(const Node& node, KpiOrders& orders) {
  if (!node.value().is_object()) {
    orders.total = order_count(node);
    return;
  }
  for (const auto& [key, value] : node.value().get_object()) {
    const std::string_view day(key.data(), key.size());
    if (const auto n = order_count(node.child(day, value))) orders.by_day.emplace(std::string(day), *n);
  }
}

// Records as a compensation decision names them: `ticket`, `currency`, `total` (what
// KpiOrders::compensations holds; its checks name the same paths).
void read_compensations(const Node& node, std::vector<KpiCompensation>& records) {
  node.for_each_element([&](const Node& entry) {
    if (!entry.object({"ticket", "currency", "total"})) return;
    const auto ticket = entry.required("ticket");
    const auto code = entry.required("currency");
    const auto total = entry.required("total");
    if (!ticket || !code || !total) return;
    const auto id = ticket->string();
    const auto amount = read_money(*total, read_currency(*code));
    if (id && amount) records.push_back({std::string(*id), *amount});
  });
}

}  // namespace

std::vector<KpiDimension> read_dimensions(const Node& node) {
  std::vector<KpiDimension> list;
  node.for_each_element([&](const Node& entry) {
    const auto name = entry.string();
    if (!name) return;
    try {
      list.push_back(kpi_dimension(*name));
    } catch (const InputError& e) {
      entry.problem(e.what());
    }
  });
  return list;
}

KpiRequest read_kpi_request(std::string_view json) {
  KpiRequest request;
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) return request;
  Problems problems;
  boost::json::monotonic_resource scratch;
  const auto document = parse_json(json, LoadLimits{}, problems, &scratch);
  if (!document) problems.throw_input("invalid KPI options");
  const Node root(*document, problems);
  if (root.object({"group_by", "time_zone", "orders", "rank_within", "compensations"})) {
    if (const auto node = root.member("group_by")) request.options.group_by = read_dimensions(*node);
    if (const auto node = root.member("time_zone"))
      if (const auto name = node->string()) request.options.time_zone = std::string(*name);
    if (const auto node = root.member("orders")) read_orders(*node, request.orders);
    if (const auto node = root.member("rank_within")) request.rank_within = read_dimensions(*node);
    if (const auto node = root.member("compensations")) read_compensations(*node, request.orders.compensations);
  }
  if (!problems.empty()) problems.throw_input("invalid KPI options");
  return request;
}

}  // namespace aftersales::detail
