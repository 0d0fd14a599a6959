#pragma once
/// @file
/// Compensation (补偿): what the platform offers a customer it let down — a coupon, store
/// credit, points or a gift — decided by the policy's `compensation` section from facts the
/// host supplies (the complaint's category, the SLA metrics breached, a confirmed quality
/// fault, the customer's earlier compensations) and facts the library computes (how many days
/// late the delivery is).
///
/// Money is exact: every amount is a Money of the order's currency in integer minor units.
/// docs/compensation.md explains each rule, the choice between offers and the limits with
/// worked numbers.
///
/// `CompensationEngine` decides. Thread-safety: requests and decisions are plain values (one
/// thread at a time per object); an engine only reads its policy and may run on any number of
/// threads at once.

#include <aftersales/batch.hpp>
#include <aftersales/export.h>
#include <aftersales/values.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales {

class Policy;

namespace detail {
struct CompensationRules;
}

/// What is offered: a coupon for a later order, store credit, loyalty points, a gift SKU.
enum class OfferType : std::uint8_t { coupon, store_credit, points, gift };

/// Why a decision says what it says. The names (`to_string`) are the codes of
/// docs/compensation.md. Codes marked "note" inform; the others say why nothing is offered.
enum class CompensationCode : std::uint8_t {
  no_policy,                   ///< no compensation policy applies to the request
  no_rule_matched,             ///< no rule of the policy applies
  rule_matched,                ///< note: a rule applies, with the facts that made it apply
  condition_not_met,           ///< note: a rule's `when` does not hold
  not_late_enough,             ///< note: the delivery is not as late as a rule needs
  sla_not_breached,            ///< note: none of the SLA metrics a rule names was breached
  quality_fault_not_confirmed, ///< note: a rule needs a confirmed quality fault
  not_best,                    ///< note: another rule's offer is worth more (combine: best)
  count_limit_reached,         ///< a limit on the number of compensations is used up
  amount_limit_reached,        ///< a limit on the money is used up: no offer fits
  offer_trimmed,               ///< note: an offer is lowered to what a limit leaves
  offer_dropped,               ///< note: an offer that cannot be lowered does not fit a limit
};

/// `"coupon"`, `"store_credit"`, ...; `"NO_POLICY"`, `"OFFER_TRIMMED"`, ...
AFTERSALES_EXPORT std::string_view to_string(OfferType type) noexcept;
AFTERSALES_EXPORT std::string_view to_string(CompensationCode code) noexcept;

struct CompensationOrder {
  std::string id;  ///< matched against the history's `order` for per-order limits
  Currency currency;
  Money amount{0, Currency{}};  ///< what the customer paid: the base of percentage offers
  /// The local date (in the policy's time zone) by which delivery was promised.
  std::optional<std::chrono::year_month_day> promised_by;
  std::optional<Instant> delivered_at;  ///< absent: not delivered yet
};

/// A compensation the customer received before (the host keeps the history).
struct PriorCompensation {
  Instant at{};
  std::string order;            ///< the order it was for; empty when unknown
  Money value{0, Currency{}};   ///< what it was worth, in the order's currency
};

/// A request for a compensation decision: the facts of the case.
struct AFTERSALES_EXPORT CompensationRequest {
  Instant requested_at{};
  CompensationOrder order;
  std::string customer_id;
  std::string customer_tier;
  std::string ticket_id;
  std::string category;  ///< the complaint's category (`complaint/logistics`, ...)
  std::string channel;
  std::string agent;     ///< who handles the ticket: copied to the decision for KPIs
  std::vector<std::string> tags;
  std::vector<std::string> sla_breached;  ///< names of the ticket's SLA metrics that were breached
  bool quality_fault = false;             ///< a quality fault was confirmed
  std::vector<PriorCompensation> history; ///< the customer's earlier compensations

  /// Parses the request JSON of docs/compensation.md. Amounts are decimal strings in the
  /// order's currency; more decimals than it has (`"1.005"` CNY) are an error.
  /// @throws InputError listing every problem with its JSON path (`history[2].value`).
  static CompensationRequest from_json(std::string_view json);
};

/// One thing offered, by one rule.
struct CompensationOffer {
  std::string rule;
  OfferType type = OfferType::coupon;
  /// Coupons and store credit: their face value (after a cap and the limits); zero otherwise.
  Money amount{0, Currency{}};
  std::optional<Money> min_spend;  ///< coupons: the spend the coupon needs to be used
  std::int64_t points = 0;         ///< points offers
  std::string sku;                 ///< gifts
  /// What the offer costs, the figure limits and "best" compare: the amount; the gift's value;
  /// points × the policy's point value.
  Money value{0, Currency{}};
};

/// One reason of a decision; `rule` is empty when it concerns the whole request.
struct CompensationNote {
  CompensationCode code;
  std::string message;
  std::string rule;
};

/// What the policy decides.
struct AFTERSALES_EXPORT CompensationDecision {
  bool compensate = false;
  std::optional<std::string> policy;  ///< the compensation policy that applied
  Money total{0, Currency{}};          ///< the offers' values added up
  std::vector<CompensationOffer> offers;
  /// Whole local days between the promised date and the delivery (or the request, when not
  /// delivered yet); zero when on time; absent without a promised date or a policy.
  std::optional<std::int64_t> late_days;
  std::string ticket;  ///< the request's ticket, category and agent, for KPIs of compensation
  std::string category;
  std::string agent;
  std::vector<CompensationNote> reasons;

  /// The decision as the JSON object of docs/compensation.md.
  [[nodiscard]] std::string to_json() const;
};

/// Decides compensation requests under a policy's `compensation` section.
///
/// Thread-safety: immutable; one engine serves any number of threads at once. It keeps its
/// policy alive, and copies are cheap (they share the policy).
class AFTERSALES_EXPORT CompensationEngine {
 public:
  /// @throws InputError if `policy` is null.
  explicit CompensationEngine(std::shared_ptr<const Policy> policy);

  /// Decides `request` under the first compensation policy of the order's currency whose `when`
  /// fits it: the rules that apply, the offer(s) the policy's `combine` keeps, trimmed by its
  /// limits over the request's history, with the reasons.
  /// @throws InputError if a hand-built request mixes currencies; RangeError on overflow.
  [[nodiscard]] CompensationDecision decide(const CompensationRequest& request) const;

  /// `decide` for many requests on up to `options.threads` threads, in input order.
  /// @throws as `decide`, for the first request (by index) that cannot be decided.
  [[nodiscard]] std::vector<CompensationDecision> decide(std::span<const CompensationRequest> requests,
                                                         const BatchOptions& options = {}) const;

  /// `decide` of a request given as JSON; the decision as JSON.
  /// @throws InputError listing every problem of the request with its JSON path.
  [[nodiscard]] std::string decide_json(std::string_view request) const;

  /// `decide_json` over JSON Lines, as `RefundEngine::check_lines`: a bad line yields
  /// `{"line": N, "error": "..."}`.
  /// @throws RangeError if a line's number would pass 2^63 - 1.
  [[nodiscard]] std::string decide_lines(std::string_view requests, const BatchOptions& options = {}) const;

 private:
  std::shared_ptr<const detail::CompensationRules> rules_;  // the policy's, sharing its ownership
};

}  // namespace aftersales
