// The engines' constructors: the one place that hands each engine its compiled rules out of a
// Policy, so that the engines themselves need not know the policy.
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/refund.hpp>
#include <aftersales/sla.hpp>

#include "policy/policy_data.hpp"

namespace aftersales {
namespace {

std::shared_ptr<const detail::PolicyData> rules_of(const std::shared_ptr<const Policy>& policy, std::string_view engine) {
  if (!policy) throw InputError(std::string(engine) + " needs a policy", "policy");
  return detail::PolicyAccess::share(policy);
}

}  // namespace

SlaEngine::SlaEngine(std::shared_ptr<const Policy> policy) : rules_(rules_of(policy, "an SLA engine")) {}

RefundEngine::RefundEngine(std::shared_ptr<const Policy> policy) : rules_(rules_of(policy, "a refund engine")) {}

KpiEngine::KpiEngine(std::shared_ptr<const Policy> policy) : policy_(std::move(policy)) {
  if (!policy_) throw InputError("a KPI engine needs a policy", "policy");
}

}  // namespace aftersales
