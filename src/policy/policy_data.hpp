#pragma once
// The compiled policy, read by the engines. Built once by Policy::from_json, then immutable.

#include <aftersales/calendar.hpp>
#include <aftersales/policy.hpp>

#include <map>
#include <string>

#include "condition/condition.hpp"
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

// The one way into a Policy's compiled rules (Policy befriends it).
struct PolicyAccess {
  static const PolicyData& data(const Policy& policy) noexcept { return *policy.data_; }

  // The compiled rules, sharing the policy's ownership: an engine holding them keeps it alive.
  static std::shared_ptr<const PolicyData> share(const std::shared_ptr<const Policy>& policy) {
    return {policy, policy->data_.get()};
  }
};

}  // namespace aftersales::detail
