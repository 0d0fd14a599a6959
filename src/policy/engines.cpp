// The engines' constructors: the one place that hands each engine its own rules out of a
// Policy, sharing the policy's ownership, so that the engines themselves never see the policy.
#include <aftersales/compensation.hpp>
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/refund.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/sla.hpp>

#include "kpi/kpi_state.hpp"
#include "policy/policy_data.hpp"
#include "routing/router_state.hpp"

namespace aftersales {
namespace {

template <class Rules>
std::shared_ptr<const Rules> rules_of(const std::shared_ptr<const Policy>& policy, Rules detail::PolicyData::*rules,
                                      std::string_view engine) {
  if (!policy) throw InputError(std::string(engine) + " needs a policy", "policy");
  return detail::PolicyAccess::share(policy, rules);
}

}  // namespace

SlaEngine::SlaEngine(std::shared_ptr<const Policy> policy)
    : rules_(rules_of(policy, &detail::PolicyData::sla, "an SLA engine")) {}

RefundEngine::RefundEngine(std::shared_ptr<const Policy> policy)
    : rules_(rules_of(policy, &detail::PolicyData::refunds, "a refund engine")) {}

CompensationEngine::CompensationEngine(std::shared_ptr<const Policy> policy)
    : rules_(rules_of(policy, &detail::PolicyData::compensation, "a compensation engine")) {}

KpiEngine::KpiEngine(std::shared_ptr<const Policy> policy)
    : rules_(rules_of(policy, &detail::PolicyData::kpi, "a KPI engine")) {}

KpiAccumulator::KpiAccumulator(std::shared_ptr<const Policy> policy, KpiOptions options)
    : KpiAccumulator(std::make_unique<detail::KpiState>(rules_of(policy, &detail::PolicyData::kpi, "a KPI accumulator"),
                                                        std::move(options))) {}

KpiAccumulator::KpiAccumulator(std::shared_ptr<const Policy> policy, KpiOptions options,
                               std::span<const KpiCompensation> compensations)
    : KpiAccumulator(std::make_unique<detail::KpiState>(
          rules_of(policy, &detail::PolicyData::kpi, "a KPI accumulator"), std::move(options),
          compensations.empty() ? nullptr : detail::CompensationIndex::of(compensations))) {}

Router::Router(std::shared_ptr<const Policy> policy)
    : state_(std::make_unique<State>(rules_of(policy, &detail::PolicyData::routing, "a router"))) {}

}  // namespace aftersales
