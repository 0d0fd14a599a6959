// The compensation decision (docs/compensation.md), in four steps that each leave a reason:
//
// 1. The policy: the first of the order's currency whose `when` holds.
// 2. The rules, in document order: each applies when its `when`, `late_days`, `sla_breached` and
//    `quality_fault` all hold; it then makes one candidate offer with an exact value.
// 3. Count limits: when any is used up, nothing is offered. A decision is one compensation,
//    however many offers it carries, as the host records it in the history.
// 4. Amount limits and the combination: what the tightest amount limit leaves bounds the offers.
//    A coupon or store credit worth more is trimmed to it; a gift or points, which cannot be
//    cut, are dropped. `best` trims each candidate on its own, then keeps the highest value
//    (ties: the earlier rule); `sum` fits the candidates in rule order, each in what the
//    earlier ones left.
//
// All money is integer minor units of the order's currency; percentages round half up.

#include "compensation/compensation_decide.hpp"

#include <aftersales/error.hpp>

#include <date/tz.h>

#include <algorithm>

#include "condition/ticket_subject.hpp"
#include "text/text.hpp"

namespace aftersales::detail {
namespace {

__extension__ typedef __int128 wide;

using Code = CompensationCode;

std::string money_words(std::int64_t minor, const Currency& currency) {
  return Money{minor, currency}.to_string() + " " + std::string(currency.code_view());
}

std::string days_words(std::int64_t n) { return std::to_string(n) + (n == 1 ? " day" : " days"); }

std::string date_words(std::chrono::year_month_day day) {
  return date::format("%F", std::chrono::sys_days{day});
}

std::string rule_words(const CompensationRule& rule) { return "rule " + quoted(rule.id); }

// The request's ticket facts as a condition subject: the fields of spec §1 a compensation
// request has (category, channel, customer tier and id, tags, order amount).
class RequestSubject {
 public:
  RequestSubject(const CompensationRequest& request, const SymbolTable& symbols) : subject_(symbols) {
    const auto set = [&](Field field, std::string_view text) {
      if (!text.empty() && symbols.used(field)) subject_.set_text(static_cast<std::size_t>(field), text);
    };
    set(Field::category, request.category);
    set(Field::channel, request.channel);
    set(Field::customer_tier, request.customer_tier);
    set(Field::customer_id, request.customer_id);
    if (symbols.used(Field::tags)) {
      tag_texts_.assign(request.tags.begin(), request.tags.end());
      tag_symbols_ = subject_.intern_list(tag_texts_);
      subject_.set_list(static_cast<std::size_t>(Field::tags), tag_symbols_, tag_texts_);
    }
    if (symbols.used(Field::order_amount))
      subject_.set_number(static_cast<std::size_t>(Field::order_amount), money_millionths(request.order.amount));
  }
  [[nodiscard]] const Subject& get() const noexcept { return subject_; }

 private:
  Subject subject_;
  std::vector<std::string_view> tag_texts_;
  std::vector<Symbol> tag_symbols_;
};

void check_currencies(const CompensationRequest& request) {
  const Currency& currency = request.order.currency;
  const auto mismatch = [&](const Money& amount, const std::string& path) {
    if (!(amount.currency() == currency))
      throw InputError("the amount is in " + std::string(amount.currency().code_view()) + "; the order is in " +
                           std::string(currency.code_view()),
                       path);
  };
  mismatch(request.order.amount, "order.amount");
  for (std::size_t i = 0; i < request.history.size(); ++i)
    mismatch(request.history[i].value, "history[" + std::to_string(i) + "].value");
}

// The candidate offer of a rule that applies.
struct Candidate {
  const CompensationRule* rule = nullptr;
  CompensationOffer offer;
};

class Decider {
 public:
  Decider(const CompensationPolicy& policy, const CompensationRequest& request, CompensationDecision& decision)
      : policy_(policy), request_(request), decision_(decision), currency_(request.order.currency) {}

  void run(const Subject& subject) {
    decision_.policy = policy_.id;
    late_days_ = late_days();
    decision_.late_days = late_days_;
    std::vector<Candidate> candidates;
    for (const CompensationRule& rule : policy_.rules)
      if (applies(rule, subject)) candidates.push_back(candidate(rule));
    if (candidates.empty()) {
      note(Code::no_rule_matched, "no rule of compensation policy " + quoted(policy_.id) + " applies", "");
      return;
    }
    if (count_limit_reached()) return;
    const Room room = amount_room();
    std::vector<CompensationOffer> kept = policy_.sum ? fit_all(candidates, room) : fit_best(candidates, room);
    if (kept.empty()) {
      note(Code::amount_limit_reached,
           "no offer fits: " + (room.limit ? limit_words(*room.limit) + ": " + room.used_words : "nothing is worth more than zero"),
           "");
      return;
    }
    std::int64_t total = 0;
    for (const CompensationOffer& offer : kept) total = add(total, offer.value.minor_units());
    decision_.total = Money{total, currency_};
    decision_.offers = std::move(kept);
    decision_.compensate = true;
  }

 private:
  // What the amount limits leave: the least room of any of them, and which limit that is.
  struct Room {
    std::optional<std::int64_t> left;  // absent: no amount limit
    const CompensationLimit* limit = nullptr;
    std::string used_words;
  };

  void note(Code code, std::string message, const std::string& rule) {
    decision_.reasons.push_back({code, std::move(message), rule});
  }

  static std::int64_t add(std::int64_t a, std::int64_t b) {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) throw RangeError("a compensation total overflows the 64-bit range of minor units");
    return sum;
  }

  [[nodiscard]] std::string money(std::int64_t minor) const { return money_words(minor, currency_); }

  // Local calendar days from the promised date to the delivery's (or, not delivered yet, the
  // request's) date in the policy's time zone; never below zero.
  [[nodiscard]] std::optional<std::int64_t> late_days() const {
    const auto& promised = request_.order.promised_by;
    if (!promised) return std::nullopt;
    const Instant at = request_.order.delivered_at.value_or(request_.requested_at);
    const auto local = policy_.zone->to_local(std::chrono::floor<std::chrono::seconds>(at));
    const auto day = std::chrono::floor<std::chrono::days>(local).time_since_epoch().count();
    const auto late = day - std::chrono::sys_days{*promised}.time_since_epoch().count();
    return std::max<std::int64_t>(0, late);
  }

  [[nodiscard]] std::string late_words() const {
    const std::string promised = date_words(*request_.order.promised_by);
    if (request_.order.delivered_at)
      return "delivered " + days_words(*late_days_) + " late (promised by " + promised + ")";
    return "not delivered, " + days_words(*late_days_) + " past the promised " + promised;
  }

  // Whether `rule` applies; a note says why or why not, with the facts.
  bool applies(const CompensationRule& rule, const Subject& subject) {
    if (!rule.when.matches(subject)) {
      note(Code::condition_not_met, rule_words(rule) + ": the ticket does not meet its condition (when)", rule.id);
      return false;
    }
    std::vector<std::string> facts;
    if (rule.late_days) {
      if (!late_days_) {
        note(Code::not_late_enough, rule_words(rule) + " needs a delivery at least " + days_words(*rule.late_days) +
                                        " late; the order has no promised delivery date",
             rule.id);
        return false;
      }
      if (*late_days_ < *rule.late_days) {
        note(Code::not_late_enough, rule_words(rule) + " needs a delivery at least " + days_words(*rule.late_days) +
                                        " late; " + late_words(),
             rule.id);
        return false;
      }
      facts.push_back(late_words() + ", at least " + days_words(*rule.late_days));
    }
    if (!rule.sla_breached.empty()) {
      const auto breached = std::find_first_of(rule.sla_breached.begin(), rule.sla_breached.end(),
                                               request_.sla_breached.begin(), request_.sla_breached.end());
      if (breached == rule.sla_breached.end()) {
        note(Code::sla_not_breached, rule_words(rule) + " needs one of the SLA metrics " + names(rule.sla_breached) +
                                         " breached; " + breached_words(),
             rule.id);
        return false;
      }
      facts.push_back("SLA metric " + quoted(*breached) + " breached");
    }
    if (rule.quality_fault) {
      if (!request_.quality_fault) {
        note(Code::quality_fault_not_confirmed, rule_words(rule) + " needs a confirmed quality fault", rule.id);
        return false;
      }
      facts.emplace_back("quality fault confirmed");
    }
    std::string because;
    for (const std::string& fact : facts) because += (because.empty() ? " (" : "; ") + fact;
    if (!because.empty()) because += ")";
    pending_match_ = rule_words(rule) + " applies" + because;
    return true;
  }

  static std::string names(const std::vector<std::string>& list) {
    std::string text;
    for (const std::string& name : list) text += (text.empty() ? "" : ", ") + quoted(name);
    return text;
  }

  [[nodiscard]] std::string breached_words() const {
    if (request_.sla_breached.empty()) return "no SLA metric was breached";
    return "breached: " + names(request_.sla_breached);
  }

  // The rule's offer with its exact value; the RULE_MATCHED note describes it.
  Candidate candidate(const CompensationRule& rule) {
    const OfferRule& o = rule.offer;
    CompensationOffer offer;
    offer.rule = rule.id;
    offer.type = o.type;
    offer.amount = Money{0, currency_};
    if (o.min_spend) offer.min_spend = Money{*o.min_spend, currency_};
    std::string words;
    std::int64_t value = 0;
    switch (o.type) {
      case OfferType::coupon:
      case OfferType::store_credit: {
        std::string how;
        if (o.amount) {
          value = *o.amount;
        } else {
          // Half a minor unit and more rounds up: 5% of 199.99 is 9.9995, a coupon of 10.00.
          const wide scaled = static_cast<wide>(request_.order.amount.minor_units()) * *o.percent;
          const wide hundred = static_cast<wide>(100) * number_scale;
          value = static_cast<std::int64_t>((scaled + hundred / 2) / hundred);
          how = " (" + percent_words(*o.percent) + " of " + money(request_.order.amount.minor_units());
          if (o.cap && value > *o.cap) {
            how += " = " + money(value) + ", capped at " + money(*o.cap);
            value = *o.cap;
          }
          how += ")";
        }
        offer.amount = Money{value, currency_};
        words = (o.type == OfferType::coupon ? "a coupon of " : "store credit of ") + money(value) + how;
        if (o.min_spend) words += ", for a spend of at least " + money(*o.min_spend);
        break;
      }
      case OfferType::points: {
        value = (Money{*policy_.point_value, currency_} * o.points).minor_units();
        offer.points = o.points;
        words = std::to_string(o.points) + " points worth " + money(value) + " (" + money(*policy_.point_value) +
                " a point)";
        break;
      }
      case OfferType::gift:
        value = o.gift_value;
        offer.sku = o.sku;
        words = "the gift " + quoted(o.sku) + " worth " + money(value);
        break;
    }
    offer.value = Money{value, currency_};
    note(Code::rule_matched, pending_match_ + ": offers " + words, rule.id);
    return {&rule, std::move(offer)};
  }

  // Millionths of a percent as a person writes them: "5%", "12.5%".
  static std::string percent_words(std::int64_t millionths) {
    std::string text = std::to_string(millionths / number_scale);
    if (std::int64_t rest = millionths % number_scale; rest != 0) {
      std::string digits = std::to_string(number_scale + rest).substr(1);  // six digits, leading zeros kept
      digits.erase(digits.find_last_not_of('0') + 1);
      text += "." + digits;
    }
    return text + "%";
  }

  // History entries a limit counts: those up to the request, within the period before it (a
  // customer limit: the instants in (requested_at - period, requested_at]) or on this order.
  [[nodiscard]] bool counted(const CompensationLimit& limit, const PriorCompensation& prior) const {
    if (prior.at > request_.requested_at) return false;
    if (limit.per == LimitScope::order) return !request_.order.id.empty() && prior.order == request_.order.id;
    return prior.at > request_.requested_at - *limit.period;
  }

  [[nodiscard]] std::string limit_words(const CompensationLimit& limit) const {
    const auto index = static_cast<std::size_t>(&limit - policy_.limits.data());
    std::string bound;
    if (limit.max_count) bound = "at most " + std::to_string(*limit.max_count) + (*limit.max_count == 1 ? " compensation" : " compensations");
    if (limit.max_amount) bound += (bound.empty() ? "at most " : " and ") + money(*limit.max_amount);
    std::string scope = " per order";
    if (limit.per == LimitScope::customer) {
      const Duration period = *limit.period;
      scope = " per customer in " + (period % std::chrono::days(1) == Duration::zero()
                                         ? days_words(period / std::chrono::days(1))
                                         : format_duration(period));
    }
    return "limits[" + std::to_string(index) + "] (" + bound + scope + ")";
  }

  bool count_limit_reached() {
    bool reached = false;
    for (const CompensationLimit& limit : policy_.limits) {
      if (!limit.max_count) continue;
      const auto count = std::count_if(request_.history.begin(), request_.history.end(),
                                       [&](const PriorCompensation& p) { return counted(limit, p); });
      if (count < *limit.max_count) continue;
      note(Code::count_limit_reached,
           limit_words(limit) + ": " + std::to_string(count) + (count == 1 ? " compensation" : " compensations") +
               " counted already",
           "");
      reached = true;
    }
    return reached;
  }

  [[nodiscard]] Room amount_room() const {
    Room room;
    for (const CompensationLimit& limit : policy_.limits) {
      if (!limit.max_amount) continue;
      std::int64_t used = 0;
      for (const PriorCompensation& p : request_.history)
        if (counted(limit, p)) used = add(used, p.value.minor_units());
      const std::int64_t left = std::max<std::int64_t>(0, *limit.max_amount - used);
      // The tightest limit binds; of equally tight ones, the first.
      if (room.left && *room.left <= left) continue;
      room.left = left;
      room.limit = &limit;
      room.used_words = money(used) + " used, " + money(left) + " left";
    }
    return room;
  }

  // The candidate's offer within `left`, trimmed (coupons, store credit) when it is worth more;
  // nullopt (with a note) when it cannot fit.
  std::optional<CompensationOffer> fit(const Candidate& c, const Room& room, std::optional<std::int64_t> left) {
    const CompensationOffer& offer = c.offer;
    const std::string& rule = c.rule->id;
    if (offer.value.minor_units() == 0) {
      note(Code::offer_dropped, rule_words(*c.rule) + "'s offer comes to " + money(0) + ": nothing to offer", rule);
      return std::nullopt;
    }
    if (!left || offer.value.minor_units() <= *left) return offer;
    const std::string why = limit_words(*room.limit) + ": " + room.used_words +
                            (left != room.left ? ", " + money(*left) + " after the offers before it" : "");
    const bool money_offer = offer.type == OfferType::coupon || offer.type == OfferType::store_credit;
    if (!money_offer || *left == 0) {
      note(Code::offer_dropped,
           rule_words(*c.rule) + "'s " + std::string(to_string(offer.type)) + " worth " +
               money(offer.value.minor_units()) + " is left out: " + why,
           rule);
      return std::nullopt;
    }
    note(Code::offer_trimmed,
         rule_words(*c.rule) + "'s " + std::string(to_string(offer.type)) + " of " + money(offer.value.minor_units()) +
             " is trimmed to " + money(*left) + ": " + why,
         rule);
    CompensationOffer trimmed = offer;
    trimmed.amount = trimmed.value = Money{*left, currency_};
    return trimmed;
  }

  std::vector<CompensationOffer> fit_all(const std::vector<Candidate>& candidates, const Room& room) {
    std::vector<CompensationOffer> kept;
    std::optional<std::int64_t> left = room.left;
    for (const Candidate& c : candidates) {
      auto offer = fit(c, room, left);
      if (!offer) continue;
      if (left) *left -= offer->value.minor_units();
      kept.push_back(std::move(*offer));
    }
    return kept;
  }

  std::vector<CompensationOffer> fit_best(const std::vector<Candidate>& candidates, const Room& room) {
    std::vector<std::pair<const Candidate*, CompensationOffer>> fitted;
    for (const Candidate& c : candidates)
      if (auto offer = fit(c, room, room.left)) fitted.emplace_back(&c, std::move(*offer));
    if (fitted.empty()) return {};
    // The highest value wins; max_element keeps the first of equal ones, the earlier rule.
    const auto best = std::max_element(fitted.begin(), fitted.end(), [](const auto& a, const auto& b) {
      return a.second.value.minor_units() < b.second.value.minor_units();
    });
    for (const auto& [c, offer] : fitted) {
      if (c == best->first) continue;
      const bool tie = offer.value == best->second.value;
      note(Code::not_best,
           rule_words(*c->rule) + "'s offer worth " + money(offer.value.minor_units()) + (tie ? " is no more than " : " is less than ") +
               rule_words(*best->first->rule) + "'s " + money(best->second.value.minor_units()) +
               (tie ? ", which comes first" : "") + ": the best offer wins",
           c->rule->id);
    }
    return {best->second};
  }

  const CompensationPolicy& policy_;
  const CompensationRequest& request_;
  CompensationDecision& decision_;
  Currency currency_;
  std::optional<std::int64_t> late_days_;
  std::string pending_match_;  // applies() → candidate(): why the rule applies
};

}  // namespace

CompensationDecision decide_compensation(const CompensationRules& rules, const CompensationRequest& request) {
  check_currencies(request);
  CompensationDecision decision;
  decision.total = Money{0, request.order.currency};
  decision.ticket = request.ticket_id;
  decision.category = request.category;
  decision.agent = request.agent;
  const RequestSubject subject(request, *rules.symbols);
  for (const CompensationPolicy& policy : rules.policies) {
    if (!(policy.currency == request.order.currency) || !policy.when.matches(subject.get())) continue;
    Decider(policy, request, decision).run(subject.get());
    return decision;
  }
  decision.reasons.push_back({Code::no_policy,
                              "no compensation policy applies to this " +
                                  std::string(request.order.currency.code_view()) + " order",
                              ""});
  return decision;
}

}  // namespace aftersales::detail
