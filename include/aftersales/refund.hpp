#pragma once
/// @file
/// Refunds (spec §6): a customer's request to give back (or be paid back for) some units of an
/// order, and the policy's decision: may it be refunded, how, and for exactly how much.
///
/// Money is exact: every amount is a Money of the order's currency in integer minor units.
/// docs/refunds.md explains the arithmetic (discount allocation, partial returns, deductions)
/// with worked examples.
///
/// `RefundEngine` decides. Thread-safety: requests and decisions are plain values (one thread at
/// a time per object); an engine only reads its policy and may run on any number of threads at once.

#include <aftersales/batch.hpp>
#include <aftersales/export.h>
#include <aftersales/values.hpp>

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
struct RefundRules;
}

/// What the customer wants: the goods back to the seller and the money back, the money back
/// without a return, another unit instead, or the unit repaired.
enum class Resolution : std::uint8_t { return_refund, refund_only, exchange, repair };

/// Who pays for sending the goods back.
enum class ReturnShipping : std::uint8_t { buyer, seller, none };

/// How the money goes back.
enum class RefundMethod : std::uint8_t { original_payment, store_credit };

/// Why a decision says what it says. The names (`to_string`) are the spec's codes; each is
/// documented in docs/refunds.md. Codes marked "note" inform and do not make a request ineligible.
enum class RefundCode : std::uint8_t {
  no_policy,                 ///< no refund policy applies to the request
  reason_not_covered,        ///< the policy has no rules for the request's reason
  window_expired,            ///< requested at or after the window's end
  window_not_started,        ///< requested before the instant the window counts from
  not_yet_delivered,         ///< the window counts from delivery and the order is not delivered
  excluded_category,         ///< the line's category never qualifies for the reason
  confirmed_non_returnable,  ///< the customer confirmed at purchase that the line is not returnable
  condition_not_allowed,     ///< the item's condition is not one the reason allows
  resolution_not_allowed,    ///< the reason does not offer the requested resolution
  quantity_exceeds,          ///< more units requested than remain unrefunded on the line
  already_refunded,          ///< no unit left on the line, or all it paid has been paid back
  fast_refund_denied,        ///< note: the refund waits for the return to arrive
  not_shipped,               ///< note: the order has not shipped, so it is refunded without a return
  store_credit,              ///< note: requested late, refunded as store credit
  free_shipping_lost,        ///< note: the kept items fall below the free-shipping threshold
  promotion_lost,            ///< note: the kept items fall below a discount's minimum spend
  return_shipping_charged,   ///< note: the buyer's return shipping is deducted
};

/// `"return_refund"`, `"buyer"`, `"original_payment"`, `"WINDOW_EXPIRED"`, ...
AFTERSALES_EXPORT std::string_view to_string(Resolution resolution) noexcept;
AFTERSALES_EXPORT std::string_view to_string(ReturnShipping payer) noexcept;
AFTERSALES_EXPORT std::string_view to_string(RefundMethod method) noexcept;
AFTERSALES_EXPORT std::string_view to_string(RefundCode code) noexcept;

/// One line of an order: `quantity` units sold at `unit_price` each (before order discounts).
struct RefundOrderLine {
  std::string id;
  std::string sku;
  std::string category;  ///< matched exactly against a reason's excluded categories
  Money unit_price{0, Currency{}};
  std::int64_t quantity = 1;
  bool no_return_confirmed = false;  ///< the customer confirmed at purchase it is not returnable
  /// The line's tax rate in millionths (130000 is 13%), 0 to 1000000; absent: no tax.
  std::optional<std::int64_t> tax_rate_ppm = std::nullopt;
  /// `unit_price` includes the tax (true) or the tax is added to it (false).
  bool tax_included = true;
  /// A split shipment: this line's own instants. Absent: the order's (docs/refunds.md,
  /// "Split shipments").
  std::optional<Instant> shipped_at = std::nullopt;
  std::optional<Instant> delivered_at = std::nullopt;
};

/// An order-level discount (coupon, voucher) spread over `lines` (all lines when empty).
/// Discounts on the same lines are spread together as one sum, the narrowest first, each over
/// what its lines are still worth: no line is ever discounted below zero (docs/refunds.md).
struct RefundDiscount {
  std::string id;
  Money amount{0, Currency{}};
  std::vector<std::string> lines;
  /// A minimum-spend coupon: the list value of its lines had to reach this amount. A policy
  /// with `recompute_min_spend` deducts the discount of the units kept when they fall below it.
  std::optional<Money> min_spend = std::nullopt;
};

struct RefundOrder {
  std::string id;
  Currency currency;
  Instant placed_at{};
  std::optional<Instant> paid_at;       ///< absent: placed_at
  std::optional<Instant> shipped_at;    ///< absent: not shipped yet
  std::optional<Instant> delivered_at;  ///< absent: not delivered yet
  /// The delivery fee: what the buyer paid for delivery, or, when `free_shipping_threshold`
  /// was reached, the fee that was waived.
  Money shipping_fee{0, Currency{}};
  /// Delivery was free because the goods' paid total reached this amount.
  std::optional<Money> free_shipping_threshold;
  std::vector<RefundOrderLine> lines;
  std::vector<RefundDiscount> discounts;
};

/// The variant an exchange sends instead of the returned units, at its own unit price.
struct RefundVariant {
  std::string sku;
  Money unit_price{0, Currency{}};
};

/// Units of one line that the customer wants refunded.
struct RefundItem {
  std::string line;
  std::int64_t quantity = 1;
  std::string condition;  ///< e.g. "intact", "opened_for_inspection", "damaged"; empty: not stated
  std::optional<RefundVariant> exchange_for = std::nullopt;  ///< an exchange to another variant (price difference)
};

struct RefundCustomer {
  std::string id;
  std::string tier;
  std::optional<std::int64_t> credit_score;
  std::int64_t refunds_90d = 0;  ///< refunds the customer received in the last 90 days
};

/// A refund already made on a line: `quantity` units (their units are used up) and, when
/// known, the `amount` actually paid back. An amount with quantity 0 is a money-only refund
/// (compensation) that lowers what the line can still return.
struct PriorRefund {
  std::string line;
  std::int64_t quantity = 0;
  std::optional<Money> amount;
};

/// A refund request (spec §6).
struct AFTERSALES_EXPORT RefundRequest {
  RefundOrder order;
  std::vector<RefundItem> items;  ///< empty: every unit not refunded yet
  std::string reason;             ///< a reason the policy names: "no_reason", "quality", ...
  std::optional<Resolution> resolution;  ///< absent: the first option the policy allows
  Instant requested_at{};
  RefundCustomer customer;
  std::vector<PriorRefund> refunded;
  /// When the seller received the returned goods; starts a `refund_within` deadline that
  /// counts from `return_received`.
  std::optional<Instant> return_received_at;

  /// Parses the spec §6 request JSON. Amounts are decimal strings in the order's currency;
  /// more decimals than the currency has (`"1.005"` CNY) are an error.
  /// @throws InputError listing every problem with its JSON path (`order.lines[2].unit_price`),
  ///         including items and refunds naming lines the order does not have.
  static RefundRequest from_json(std::string_view json);
};

/// A line of the decision: what this request refunds on it.
struct RefundLineAmount {
  std::string line;
  std::int64_t quantity = 0;
  bool eligible = true;
  Money amount{0, Currency{}};    ///< paid for these units, after their share of discounts, tax included
  Money discount{0, Currency{}};  ///< the units' share of the order's discounts
  Money net{0, Currency{}};       ///< `amount` less `tax`
  Money tax{0, Currency{}};       ///< the units' share of the line's tax (docs/refunds.md, "Tax")
};

/// Money kept back from a refund: `"restocking_fee"`, `"waived_shipping"`, `"return_shipping"`
/// or `"lost_promotion"`.
struct RefundDeduction {
  std::string type;
  Money amount{0, Currency{}};
};

struct RefundAmounts {
  Money total{0, Currency{}};  ///< lines + shipping - deductions; never negative
  std::vector<RefundLineAmount> lines;
  Money shipping{0, Currency{}};  ///< the original delivery fee paid back
  std::vector<RefundDeduction> deductions;
  /// The order has taxed lines: the lines' `net` and `tax` and the sums below are part of the
  /// decision's JSON (left out otherwise, so untaxed orders read as before).
  bool taxed = false;
  Money net{0, Currency{}};  ///< the lines' net amounts added up
  Money tax{0, Currency{}};  ///< the lines' tax added up
};

/// What an exchange to another variant costs or gives back (docs/refunds.md, "Exchanges"):
/// the returned units at what they were paid, the replacement at its price less the same share
/// of discount, both with the line's tax.
struct RefundExchange {
  Money returned{0, Currency{}};     ///< paid for the units sent back, tax included
  Money replacement{0, Currency{}};  ///< the replacement units, discounted alike, tax included
  Money returned_tax{0, Currency{}};
  Money replacement_tax{0, Currency{}};
  Money customer_pays{0, Currency{}};      ///< replacement - returned, when more
  Money customer_receives{0, Currency{}};  ///< returned - replacement, when more
};

/// One reason of a decision; `line` is empty when it concerns the whole request.
struct RefundNote {
  RefundCode code;
  std::string message;
  std::string line;
};

/// What the policy decides about a request (spec §6).
struct AFTERSALES_EXPORT RefundDecision {
  bool eligible = false;
  std::optional<Resolution> resolution;  ///< the one decided on; absent when none is allowed
  std::vector<Resolution> options;       ///< every resolution allowed for this request
  /// When not eligible: total, shipping and deductions are zero (nothing is paid); refused
  /// lines show zeros, and the other lines keep what they would give without the refused ones.
  RefundAmounts refund;
  RefundMethod method = RefundMethod::original_payment;
  ReturnShipping return_shipping = ReturnShipping::none;
  bool fast_refund = false;             ///< paid before the return arrives
  std::optional<Instant> ship_back_by;  ///< when the goods must be sent back, for a return
  std::optional<Instant> refund_due_by;  ///< the merchant's deadline to pay, when known
  std::optional<std::string> policy;     ///< the refund policy that applied
  std::vector<RefundNote> reasons;
  /// An eligible exchange whose items name `exchange_for`: the price difference.
  std::optional<RefundExchange> exchange;

  /// The decision as the spec §6 JSON object (what the C ABI and Python's to_dict() give).
  [[nodiscard]] std::string to_json() const;
};

/// Decides refund requests under a policy's `refunds` section (spec §6).
///
/// Thread-safety: immutable; one engine serves any number of threads at once. It keeps its
/// policy alive, and copies are cheap (they share the policy).
class AFTERSALES_EXPORT RefundEngine {
 public:
  /// @throws InputError if `policy` is null.
  explicit RefundEngine(std::shared_ptr<const Policy> policy);

  /// Decides `request` under the first refund policy whose `when` fits it: eligibility per line
  /// and for the request, the resolutions allowed, the exact amounts and the reasons. A request
  /// no policy covers gets an ineligible decision with NO_POLICY.
  /// @throws InputError if a hand-built request is inconsistent (an item or refund naming a
  ///         line the order does not have, discounts above the goods' value); RangeError if an
  ///         amount overflows 64-bit minor units.
  [[nodiscard]] RefundDecision check(const RefundRequest& request) const;

  /// `check` for many requests on up to `options.threads` threads; the decisions come back in
  /// input order and equal one-by-one checks.
  /// @throws as `check`, for the first request (by index) that cannot be decided, whatever the
  ///         timing of the threads.
  [[nodiscard]] std::vector<RefundDecision> check(std::span<const RefundRequest> requests,
                                                  const BatchOptions& options = {}) const;

  /// `check` of a request given as spec §6 JSON; the decision as JSON.
  /// @throws InputError listing every problem of the request with its JSON path.
  [[nodiscard]] std::string check_json(std::string_view request) const;

  /// `check_json` over JSON Lines: one request per line in, one decision per line out (same
  /// order; blank lines skipped); a bad line yields `{"line": N, "error": "..."}`, N counting
  /// lines from `options.first_line` as in `SlaEngine::evaluate_lines`.
  /// @throws RangeError if a line's number would pass 2^63 - 1.
  [[nodiscard]] std::string check_lines(std::string_view requests, const BatchOptions& options = {}) const;

 private:
  std::shared_ptr<const detail::RefundRules> rules_;  // the policy's, sharing its ownership
};

}  // namespace aftersales
