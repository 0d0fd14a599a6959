#pragma once
// The compiled policy: every concept's rules, and what they share. Built once by
// Policy::from_json, then immutable; each engine is handed its own rules (engines.cpp).

#include <aftersales/policy.hpp>

#include "calendar/calendars.hpp"
#include "compensation/compensation_rules.hpp"
#include "condition/condition_rules.hpp"
#include "kpi/kpi_rules.hpp"
#include "refund/refund_rules.hpp"
#include "routing/routing_rules.hpp"
#include "sla/sla_rules.hpp"

namespace aftersales::detail {

struct PolicyData {
  PolicyData() = default;
  // The rules point at the calendars, the symbols and each other: the whole stays in place.
  PolicyData(const PolicyData&) = delete;
  PolicyData& operator=(const PolicyData&) = delete;

  std::string source;  // the document as given: Policy::to_json returns it byte for byte
  int schema_version = 1;
  Calendars calendars;
  StatusCategories statuses;  // `statuses`: the host's own, each counting as a built-in one
  SymbolTable symbols;  // every string the policy's conditions mention
  SlaRules sla;
  RoutingRules routing;
  RefundRules refunds;
  KpiRules kpi;
  CompensationRules compensation;
};

// The one way into a Policy's compiled rules (Policy befriends it).
struct PolicyAccess {
  // One concept's rules, sharing the policy's ownership: an engine holding them keeps it alive.
  template <class Rules>
  static std::shared_ptr<const Rules> share(const std::shared_ptr<const Policy>& policy, Rules PolicyData::*rules) {
    return {policy, &(policy->data_.get()->*rules)};
  }
};

}  // namespace aftersales::detail
