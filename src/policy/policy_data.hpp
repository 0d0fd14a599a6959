#pragma once
// The compiled policy, read by the engines. Built once by Policy::from_json, then immutable.

#include <aftersales/calendar.hpp>

#include <map>
#include <string>

#include "condition/condition_rules.hpp"
#include "routing/routing_policy.hpp"
#include "refund/refund_policy.hpp"
#include "kpi/kpi_policy.hpp"
#include "sla/sla_policy.hpp"

namespace aftersales::detail {

struct PolicyData {
  int schema_version = 1;
  std::map<std::string, Calendar, std::less<>> calendars;
  SymbolTable symbols;  // every string the policy's conditions mention
  SlaSection sla;
  RoutingSection routing;
  RefundSection refunds;
  KpiSection kpi;
};

}  // namespace aftersales::detail
