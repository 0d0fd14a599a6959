#include "refund/refund_check.hpp"

#include <aftersales/error.hpp>

#include <boost/container/small_vector.hpp>
#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <map>

#include "calendar/zone_converter.hpp"
#include "condition/ticket_subject.hpp"
#include "text/text.hpp"
#include "refund/line_index.hpp"
#include "values/instant_text.hpp"

namespace aftersales::detail {
namespace {

using std::chrono::days;

// `num / den` rounded half up, for num >= 0 and den > 0.
std::int64_t round_half_up(wide num, wide den) { return static_cast<std::int64_t>((num + den / 2) / den); }

// The tax of an amount `base` at `rate` millionths: inside it (a gross price), or on top of it
// (a net price); rounded half up to the minor unit.
std::int64_t tax_of(std::int64_t base, std::int64_t rate, bool included) {
  return round_half_up(static_cast<wide>(base) * rate, included ? number_scale + rate : number_scale);
}

// ---------------------------------------------------------------------------------------------
// Money: what each unit of each line was paid, fixed once per order.

struct LineMoney {
  const RefundOrderLine* line = nullptr;
  std::int64_t value = 0;     // unit_price × quantity
  std::int64_t discount = 0;  // the line's share of the order's discounts
  std::int64_t prior_units = 0;
  std::int64_t prior_money = 0;  // paid back on the line before this request
  std::int64_t tax = 0;          // the line's tax: part of paid(), or on top of it when added
  bool tax_added = false;

  // The line's price after discounts: gross when tax is included, net when it is added.
  [[nodiscard]] std::int64_t paid() const { return value - discount; }
  // What the customer paid for the line, tax included.
  [[nodiscard]] std::int64_t gross() const { return tax_added ? paid() + tax : paid(); }
  [[nodiscard]] std::int64_t units_left() const { return line->quantity - prior_units; }
  [[nodiscard]] std::int64_t money_left() const { return gross() - prior_money; }
  // Money went back on the line, as much as was paid for it. A line that paid nothing (a free
  // gift, a line discounted to zero) and had nothing back is not: its units go back at 0.00,
  // each once (units_left() says when they have).
  [[nodiscard]] bool paid_back() const { return prior_money > 0 && money_left() <= 0; }

  // The discount of units [first, first + count). The line's units are equal, so the
  // largest-remainder split of its discount gives each `discount / quantity` and one minor unit
  // more to the first `discount % quantity` (ties go to the earlier unit).
  [[nodiscard]] std::int64_t units_discount(std::int64_t first, std::int64_t count) const {
    const std::int64_t base = discount / line->quantity;
    const std::int64_t extra = discount % line->quantity;
    const std::int64_t with_extra = std::max<std::int64_t>(0, std::min(first + count, extra) - first);
    return count * base + with_extra;
  }
  [[nodiscard]] std::int64_t units_paid(std::int64_t first, std::int64_t count) const {
    return count * line->unit_price.minor_units() - units_discount(first, count);
  }

  // The tax of units [first, first + count): the difference of the tax of the first units before
  // and after them, each the line's tax in proportion to what those first units paid, rounded
  // half up. Refunds of successive units therefore add up to the line's tax exactly, whatever
  // the steps, and the last unit's brings the rounding home.
  [[nodiscard]] std::int64_t units_tax(std::int64_t first, std::int64_t count) const {
    if (tax == 0) return 0;
    return tax_through(first + count) - tax_through(first);
  }
  [[nodiscard]] std::int64_t units_gross(std::int64_t first, std::int64_t count) const {
    const std::int64_t paid_units = units_paid(first, count);
    return tax_added ? paid_units + units_tax(first, count) : paid_units;
  }

 private:
  [[nodiscard]] std::int64_t tax_through(std::int64_t units) const {
    if (units >= line->quantity) return tax;
    return round_half_up(static_cast<wide>(tax) * units_paid(0, units), paid());
  }
};

// Units of one line that this request covers, and what is found about them.
struct Claim {
  std::size_t line = 0;  // index into the order's lines
  std::int64_t quantity = 0;
  std::string_view condition;
  bool eligible = true;
  std::int64_t amount = 0;    // paid for the units (tax included), capped by what the line has left
  std::int64_t discount = 0;  // the units' share of discounts
  std::int64_t tax = 0;       // the units' share of the line's tax
  const RefundVariant* variant = nullptr;  // an exchange to another variant
};

std::string indexed(std::string_view list, std::size_t i, std::string_view member = {}) {
  return std::string(list) + "[" + std::to_string(i) + "]" + std::string(member);
}

// The index of line `id`; a hand-built request naming a line its order lacks is an InputError
// at the path `make_path()` spells out (only then: paths cost allocations).
template <class Path>
std::size_t line_index(const LineIndex& lines, std::string_view id, const Path& make_path) {
  if (const auto i = lines.find(id)) return *i;
  throw InputError("the order has no line " + detail::quoted(id), make_path());
}

std::int64_t checked_value(const RefundOrderLine& line, std::size_t i) {
  std::int64_t value = 0;
  if (line.quantity < 1)
    throw InputError("a line needs a quantity of at least 1", indexed("order.lines", i, ".quantity"));
  if (line.unit_price.minor_units() < 0)
    throw InputError("a unit price cannot be negative", indexed("order.lines", i, ".unit_price"));
  if (__builtin_mul_overflow(line.unit_price.minor_units(), line.quantity, &value))
    throw RangeError("the line's value overflows the 64-bit range of minor units", indexed("order.lines", i));
  return value;
}

// `amount × value / total` as a whole part and a remainder, in 64 bits when the product fits.
std::pair<std::int64_t, std::int64_t> share_of(std::int64_t amount, std::int64_t value, wide total) {
  std::int64_t product = 0;
  if (!__builtin_mul_overflow(amount, value, &product) && total <= INT64_MAX) {
    const auto t = static_cast<std::int64_t>(total);
    return {product / t, product % t};
  }
  const wide exact = static_cast<wide>(amount) * value;
  return {static_cast<std::int64_t>(exact / total), static_cast<std::int64_t>(exact % total)};
}

// The discounts that apply to one set of lines, spread as one sum: a stack of coupons is shared
// out as a single coupon of their total would be, however the merchant split it.
struct DiscountGroup {
  std::vector<std::size_t> lines;    // indexes, ascending
  std::vector<std::int64_t> shares;  // what each of `lines` took, once spread
  std::int64_t amount = 0;
  std::size_t first = 0;  // the group's first discount in the order, for messages
};

// The indexes of discount `d`'s lines, ascending, or none when it applies to every line (the
// common coupon on the whole order, kept cheap), after checking that the discount alone is not
// worth more than its lines.
std::vector<std::size_t> discount_lines(const std::vector<LineMoney>& money, std::int64_t goods,
                                        const RefundOrder& order, const LineIndex& index, std::size_t d) {
  const RefundDiscount& discount = order.discounts[d];
  std::vector<std::size_t> lines;
  for (std::size_t j = 0; j < discount.lines.size(); ++j)
    lines.push_back(line_index(index, discount.lines[j], [&] {
      return indexed("order.discounts", d, ".lines") + "[" + std::to_string(j) + "]";
    }));
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  if (lines.size() == money.size()) lines.clear();
  std::int64_t value = lines.empty() ? goods : 0;
  for (const std::size_t i : lines) value += money[i].value;
  const std::int64_t amount = discount.amount.minor_units();
  if (amount < 0 || amount > value)
    throw InputError(discount.amount.to_string() + " is not between zero and the value of the goods it applies to",
                     indexed("order.discounts", d, ".amount"));
  return lines;
}

// The order's discounts grouped by the lines they apply to, narrowest first (fewest lines; ties
// in the order of the groups' first discounts): a coupon on one item is taken off that item
// before a coupon on the whole order is spread over what the items are still worth.
std::vector<DiscountGroup> discount_groups(const std::vector<LineMoney>& money, const RefundOrder& order,
                                          const LineIndex& index) {
  std::int64_t goods = 0;  // no overflow: at most the order's total, which fits
  for (const LineMoney& line : money) goods += line.value;
  std::vector<DiscountGroup> groups;
  std::map<std::vector<std::size_t>, std::size_t> by_lines;  // empty: every line
  for (std::size_t d = 0; d < order.discounts.size(); ++d) {
    const auto [it, added] = by_lines.try_emplace(discount_lines(money, goods, order, index, d), groups.size());
    if (added) groups.push_back({it->first, {}, 0, d});
    std::int64_t& amount = groups[it->second].amount;
    if (__builtin_add_overflow(amount, order.discounts[d].amount.minor_units(), &amount))
      throw RangeError("the discounts on the same lines as this one overflow the 64-bit range of minor units",
                       indexed("order.discounts", d, ".amount"));
  }
  for (DiscountGroup& group : groups) {
    if (!group.lines.empty()) continue;
    for (std::size_t i = 0; i < money.size(); ++i) group.lines.push_back(i);
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const DiscountGroup& a, const DiscountGroup& b) { return a.lines.size() < b.lines.size(); });
  return groups;
}

// Spreads the order's discount groups over its lines, one after the other (narrowest first).
class DiscountSpreader {
 public:
  DiscountSpreader(std::vector<LineMoney>& money, const RefundOrder& order, const LineIndex& index)
      : money_(money), order_(order), groups_(discount_groups(money, order, index)), spread_on_(money.size()) {
    rests_.reserve(money.size());
  }

  void spread() {
    for (std::size_t g = 0; g < groups_.size(); ++g) spread_group(g);
  }

 private:
  struct Slot {  // the share of one line in one group
    std::size_t group = 0, slot = 0;
  };
  struct Step {  // of a path in make_room
    std::size_t from = 0;  // the line a share moves from, to the line this step reaches
    Slot from_slot, to_slot;
  };
  std::int64_t& share(const Slot& s) { return groups_[s.group].shares[s.slot]; }

  // Spreads group `g`'s sum over its lines in proportion to what each is still worth (its value
  // less the discounts spread before) by the largest-remainder method: each line gets the whole
  // part of its exact share, the minor units left over go to the largest remainders, ties to the
  // earlier line. No line is taken below zero: a whole part is at most the line's worth (the sum
  // is at most the lines' worth), and a leftover unit only goes to a line whose share has a
  // remainder, whose whole part is then below its worth.
  void spread_group(std::size_t g) {
    DiscountGroup& group = groups_[g];
    group.shares.assign(group.lines.size(), 0);
    // No overflow: the lines' values add up to at most the order's total, which fits.
    std::int64_t worth = 0, value = 0;
    for (const std::size_t i : group.lines) {
      worth += money_[i].paid();
      value += money_[i].value;
    }
    if (group.amount > worth) worth = group.amount - make_room(g, group.amount - worth);
    if (group.amount > worth)
      throw InputError("the discounts on the lines of this one add up to " +
                           Money{group.amount, order_.currency}.to_string() + ", more than the " +
                           Money{worth, order_.currency}.to_string() + " those lines are " +
                           (worth < value ? "still worth after the discounts spread before it" : "worth"),
                       indexed("order.discounts", group.first, ".amount"));
    if (group.amount == 0) return;
    rests_.clear();
    std::int64_t given = 0;
    for (std::size_t slot = 0; slot < group.lines.size(); ++slot) {
      const auto [whole, remainder] = share_of(group.amount, money_[group.lines[slot]].paid(), worth);
      group.shares[slot] = whole;
      given += whole;
      rests_.emplace_back(remainder, slot);
    }
    // Slots follow the lines' order, so the earlier line wins a tie.
    std::sort(rests_.begin(), rests_.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (std::int64_t k = 0; k < group.amount - given; ++k)
      group.shares[rests_[static_cast<std::size_t>(k)].second] += 1;
    for (std::size_t slot = 0; slot < group.lines.size(); ++slot) {
      money_[group.lines[slot]].discount += group.shares[slot];
      spread_on_[group.lines[slot]].push_back({g, slot});
    }
  }

  // When the lines of group `g` are worth less than its sum because groups spread before took
  // from them (line sets that cross: one coupon on A and B, another on B and C), moves those
  // groups' shares to their other lines that are still worth something, no more than needed: the
  // augmenting paths of a flow from discounts to lines, shortest first, lines and groups in
  // order. Returns what is still missing: more than zero only when no split of the discounts fits.
  std::int64_t make_room(std::size_t g, std::int64_t need) {
    // Sized once, and after each search only the lines it reached are cleared: a search costs
    // what it explores, not the order's size.
    if (via_.empty()) {
      via_.resize(money_.size());
      seen_.resize(money_.size());
    }
    while (need > 0) {
      const std::optional<std::size_t> end = find_path(g);
      if (end) {
        std::int64_t moved = std::min(need, money_[*end].paid());
        for (std::size_t j = *end; via_[j]; j = via_[j]->from) moved = std::min(moved, share(via_[j]->from_slot));
        for (std::size_t j = *end; via_[j]; j = via_[j]->from) {
          share(via_[j]->from_slot) -= moved;
          share(via_[j]->to_slot) += moved;
          money_[via_[j]->from].discount -= moved;
          money_[j].discount += moved;
        }
        need -= moved;
      }
      for (const std::size_t j : queue_) {
        seen_[j] = false;
        via_[j].reset();
      }
      if (!end) return need;
      seen_[*end] = false;
      via_[*end].reset();
    }
    return 0;
  }

  // The nearest line still worth something that group `g`'s lines reach through the shares of
  // the groups spread on them, breadth first; `via_` leads back from it. The lines searched
  // through are left in `queue_`.
  std::optional<std::size_t> find_path(std::size_t g) {
    queue_ = groups_[g].lines;
    for (const std::size_t i : queue_) seen_[i] = true;
    for (std::size_t q = 0; q < queue_.size(); ++q) {
      const std::size_t i = queue_[q];
      for (const Slot& from : spread_on_[i]) {
        const DiscountGroup& h = groups_[from.group];
        if (h.shares[from.slot] == 0) continue;
        for (std::size_t to = 0; to < h.lines.size(); ++to) {
          const std::size_t j = h.lines[to];
          if (seen_[j]) continue;
          seen_[j] = true;
          via_[j] = Step{i, from, {from.group, to}};
          if (money_[j].paid() > 0) return j;
          queue_.push_back(j);
        }
      }
    }
    return std::nullopt;
  }

  std::vector<LineMoney>& money_;
  const RefundOrder& order_;
  std::vector<DiscountGroup> groups_;
  std::vector<std::vector<Slot>> spread_on_;  // by line: the groups spread on it so far
  std::vector<std::pair<std::int64_t, std::size_t>> rests_;  // scratch: (remainder, slot)
  // scratch for make_room, by line: how a path reached it, whether a search did
  std::vector<std::optional<Step>> via_;
  std::vector<bool> seen_;
  std::vector<std::size_t> queue_;
};

// What the order's lines carry beyond price and quantity, found in the one pass that taxes them.
struct OrderShape {
  bool taxed = false;          // some line has a tax rate
  bool line_instants = false;  // a split shipment: some line has instants of its own
  bool line_shipped = false;   // some line has shipped on its own
};

std::vector<LineMoney> order_money(const RefundRequest& request, const LineIndex& index, OrderShape& shape) {
  const RefundOrder& order = request.order;
  std::vector<LineMoney> money(order.lines.size());
  if (order.shipping_fee.minor_units() < 0) throw InputError("a delivery fee cannot be negative", "order.shipping_fee");
  // Every sum the decision takes (goods, kept goods, refunds, with delivery) is at most this one.
  std::int64_t total = order.shipping_fee.minor_units();
  for (std::size_t i = 0; i < order.lines.size(); ++i) {
    const RefundOrderLine& line = order.lines[i];
    money[i] = {&line, checked_value(line, i)};
    if (__builtin_add_overflow(total, money[i].value, &total))
      throw RangeError("the order's total overflows the 64-bit range of minor units", "order.lines");
    shape.taxed = shape.taxed || line.tax_rate_ppm;
    shape.line_instants = shape.line_instants || line.shipped_at || line.delivered_at;
    shape.line_shipped = shape.line_shipped || line.shipped_at;
  }
  DiscountSpreader(money, order, index).spread();
  // Tax is reckoned on what a line paid after its discounts, once per line; an untaxed order
  // (most) skips the pass.
  for (std::size_t i = 0; shape.taxed && i < order.lines.size(); ++i) {
    const RefundOrderLine& line = order.lines[i];
    if (!line.tax_rate_ppm) continue;
    if (*line.tax_rate_ppm < 0 || *line.tax_rate_ppm > number_scale)
      throw InputError("a tax rate is from 0 to 1", indexed("order.lines", i, ".tax_rate"));
    LineMoney& m = money[i];
    m.tax_added = !line.tax_included;
    m.tax = tax_of(m.paid(), *line.tax_rate_ppm, line.tax_included);
    if (m.tax_added && __builtin_add_overflow(total, m.tax, &total))
      throw RangeError("the order's total with tax overflows the 64-bit range of minor units", "order.lines");
  }
  // Refunds use up a line's units in order: the first refund takes unit 0, 1, ...
  for (std::size_t r = 0; r < request.refunded.size(); ++r) {
    const PriorRefund& prior = request.refunded[r];
    LineMoney& line = money[line_index(index, prior.line, [&] { return indexed("refunded", r, ".line"); })];
    if (prior.quantity < 0 || prior.quantity > line.units_left())
      throw InputError("prior refunds on line " + detail::quoted(prior.line) + " add up to more units than it has",
                       indexed("refunded", r, ".quantity"));
    line.prior_money += prior.amount ? prior.amount->minor_units() : line.units_gross(line.prior_units, prior.quantity);
    line.prior_units += prior.quantity;
  }
  return money;
}

std::vector<Claim> claims_of(const RefundRequest& request, const std::vector<LineMoney>& money,
                             const LineIndex& index) {
  std::vector<Claim> claims;
  if (request.items.empty()) {
    // No items: everything not refunded yet.
    for (std::size_t i = 0; i < money.size(); ++i)
      if (money[i].units_left() > 0 && !money[i].paid_back()) claims.push_back({i, money[i].units_left(), {}});
    return claims;
  }
  // by line; a typical order's fits on the stack
  boost::container::small_vector<bool, 32> claimed(money.size());
  for (std::size_t k = 0; k < request.items.size(); ++k) {
    const RefundItem& item = request.items[k];
    const std::size_t i = line_index(index, item.line, [&] { return indexed("items", k, ".line"); });
    if (item.quantity < 1) throw InputError("an item needs a quantity of at least 1", indexed("items", k, ".quantity"));
    if (claimed[i])
      throw InputError("line " + detail::quoted(item.line) + " is requested twice", indexed("items", k, ".line"));
    claimed[i] = true;
    claims.push_back({i, item.quantity, item.condition});
    if (item.exchange_for) claims.back().variant = &*item.exchange_for;
  }
  return claims;
}

// ---------------------------------------------------------------------------------------------
// Text of messages: instants in the policy's time zone, amounts with the order's currency.

std::string local_text(Instant t, const date::time_zone& zone) {
  const auto info = zone.get_info(std::chrono::floor<std::chrono::seconds>(t));
  char text[29];
  return {text, detail::write_instant(t, std::chrono::duration_cast<std::chrono::minutes>(info.offset), text)};
}

std::string money_text(std::int64_t minor, const Currency& currency) {
  return Money{minor, currency}.to_string() + " " + std::string(currency.code_view());
}

bool whole_days(Duration d) { return d % days(1) == Duration::zero(); }

std::string length_text(Duration d) {
  if (whole_days(d)) return std::to_string(d / days(1)) + "-day";
  return format_duration(d);
}

std::string_view moment_words(OrderMoment moment) {
  switch (moment) {
    case OrderMoment::placed: return "the order was placed";
    case OrderMoment::paid: return "payment";
    case OrderMoment::shipped: return "shipment";
    case OrderMoment::delivered: return "delivery";
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Windows.

enum class WindowState : std::uint8_t { open, expired, not_started, not_delivered };

struct Window {
  WindowState state = WindowState::open;
  Instant from{}, end{};
  Duration length{};
  bool extended = false;
  std::string_view line;  // a split shipment's line whose own instant the window counts from
};

std::optional<Instant> moment_of(const RefundOrder& order, OrderMoment moment) {
  switch (moment) {
    case OrderMoment::placed: return order.placed_at;
    case OrderMoment::paid: return order.paid_at ? order.paid_at : std::optional<Instant>(order.placed_at);
    case OrderMoment::shipped: return order.shipped_at;
    case OrderMoment::delivered: return order.delivered_at;
  }
  return std::nullopt;
}

Instant local_midnight(const date::time_zone& zone, date::local_days day) {
  return std::chrono::time_point_cast<Duration>(to_instant(zone, date::local_seconds(day)));
}

// The instant line `line` of a split shipment counts from: its own, else the order's; a shipped
// line not known to be delivered counts as delivered the policy's transit time after shipment.
std::optional<Instant> line_moment(const RefundPolicy& policy, const RefundOrder& order, const RefundOrderLine& line,
                                   OrderMoment moment) {
  const std::optional<Instant> shipped = line.shipped_at ? line.shipped_at : order.shipped_at;
  if (moment == OrderMoment::shipped) return shipped;
  if (moment != OrderMoment::delivered) return moment_of(order, moment);
  if (line.delivered_at) return line.delivered_at;
  // The order's delivery is of the parcel a line with no shipment of its own went in.
  if (!line.shipped_at && order.delivered_at) return order.delivered_at;
  if (shipped && policy.transit_time) return *shipped + *policy.transit_time;
  return std::nullopt;
}

// The last line's instant, or nullopt while any line lacks one.
std::optional<Instant> last_line_moment(const RefundPolicy& policy, const RefundOrder& order, OrderMoment moment) {
  std::optional<Instant> last;
  for (const RefundOrderLine& line : order.lines) {
    const auto at = line_moment(policy, order, line, moment);
    if (!at) return std::nullopt;
    if (!last || *at > *last) last = at;
  }
  return last;
}

Window window_of(const RefundPolicy& policy, const RefundReasonRule& reason, Duration length,
                 const RefundRequest& request, std::optional<Instant> from) {
  Window w;
  if (!from) {
    w.state = WindowState::not_delivered;
    return w;
  }
  w.from = *from;
  w.length = length;
  if (reason.next_day) {
    // China's seven days and the UK's thirty both start at 00:00 of the day after; whole days
    // are counted on the local calendar, so a daylight-saving change does not move the end off
    // midnight.
    const auto local = policy.zone->to_local(std::chrono::floor<std::chrono::seconds>(*from));
    const date::local_days next = std::chrono::floor<days>(local) + days(1);
    w.end = whole_days(length) ? local_midnight(*policy.zone, next + std::chrono::floor<days>(length))
                               : local_midnight(*policy.zone, next) + length;
  } else {
    w.end = *from + length;
  }
  for (const WindowExtension& e : policy.extensions) {
    if (request.order.placed_at >= e.orders_from && request.order.placed_at < e.orders_to && e.until > w.end) {
      w.end = e.until;
      w.extended = true;
    }
  }
  if (request.requested_at < w.from) w.state = WindowState::not_started;
  else if (request.requested_at >= w.end) w.state = WindowState::expired;
  return w;
}

bool needs_return(Resolution r) { return r != Resolution::refund_only; }
bool moves_money(Resolution r) { return r == Resolution::return_refund || r == Resolution::refund_only; }

class Decider {
 public:
  Decider(const RefundRules& rules, const RefundRequest& request)
      : rules_(rules), request_(request), currency_(request.order.currency), lines_(request.order.lines),
        money_(order_money(request, lines_, shape_)), claims_(claims_of(request, money_, lines_)) {}

  RefundDecision decide() {
    decision_.refund.total = decision_.refund.shipping = Money{0, currency_};
    policy_ = select_policy();
    if (policy_ == nullptr) {
      note(RefundCode::no_policy, "no refund policy applies to this request", {});
      return finish(false);
    }
    decision_.policy = policy_->id;
    reason_ = policy_->reason(request_.reason);
    if (reason_ == nullptr) {
      note(RefundCode::reason_not_covered,
           "refund policy " + detail::quoted(policy_->id) + " has no rules for the reason " +
               detail::quoted(request_.reason) + " (it covers " + reason_names() + ")",
           {});
      return finish(false);
    }
    shipped_ = request_.order.shipped_at.has_value() || shape_.line_shipped;
    if (!shipped_) note(RefundCode::not_shipped, "the order has not shipped: it is refunded without a return", {});
    if (claims_.empty())
      note(RefundCode::already_refunded,
           "every unit of order " + detail::quoted(request_.order.id) + " has been refunded already", {});
    for (Claim& claim : claims_) check_claim(claim);
    const bool lines_ok = std::all_of(claims_.begin(), claims_.end(), [](const Claim& c) { return c.eligible; });
    choose_resolution();
    return finish(lines_ok && decision_.resolution.has_value() && !claims_.empty());
  }

 private:
  // -- policy selection -----------------------------------------------------------------------

  const RefundPolicy* select_policy() const {
    const SymbolTable& symbols = *rules_.symbols;
    Subject subject(symbols);
    auto text = [&](Field field, std::string_view value) {
      if (!value.empty() && symbols.used(field)) subject.set_text(static_cast<std::size_t>(field), value);
    };
    text(Field::reason, request_.reason);
    if (request_.resolution) text(Field::resolution, to_string(*request_.resolution));
    text(Field::order_currency, currency_.code_view());
    text(Field::customer_tier, request_.customer.tier);
    text(Field::customer_id, request_.customer.id);
    if (symbols.used(Field::order_amount))
      subject.set_number(static_cast<std::size_t>(Field::order_amount),
                         money_millionths(Money{order_paid(), currency_}));
    if (request_.customer.credit_score && symbols.used(Field::customer_credit_score)) {
      const auto score =
          std::clamp<std::int64_t>(*request_.customer.credit_score, -1'000'000'000'000, 1'000'000'000'000);
      subject.set_number(static_cast<std::size_t>(Field::customer_credit_score), score * number_scale);
    }
    const bool per_item =
        !claims_.empty() && (symbols.used(Field::item_category) || symbols.used(Field::item_condition));
    for (const RefundPolicy& policy : rules_.policies) {
      if (!per_item) {
        if (policy.when.matches(subject)) return &policy;
        continue;
      }
      // Item fields differ per line: the policy must fit every line of the request.
      const bool all = std::all_of(claims_.begin(), claims_.end(), [&](const Claim& claim) {
        Subject item = subject;
        const auto set = [&](Field field, std::string_view value) {
          if (!value.empty()) item.set_text(static_cast<std::size_t>(field), value);
        };
        set(Field::item_category, money_[claim.line].line->category);
        set(Field::item_condition, claim.condition);
        return policy.when.matches(item);
      });
      if (all) return &policy;
    }
    return nullptr;
  }

  [[nodiscard]] std::int64_t goods_paid() const {
    std::int64_t sum = 0;
    for (const LineMoney& line : money_) sum += line.gross();
    return sum;
  }
  [[nodiscard]] bool shipping_waived() const {
    const auto& threshold = request_.order.free_shipping_threshold;
    return threshold && goods_paid() >= threshold->minor_units();
  }
  [[nodiscard]] std::int64_t shipping_paid() const {
    return shipping_waived() ? 0 : request_.order.shipping_fee.minor_units();
  }
  [[nodiscard]] std::int64_t order_paid() const { return goods_paid() + shipping_paid(); }

  std::string reason_names() const {
    std::string names;
    for (const auto& r : policy_->reasons) names.append(names.empty() ? "" : ", ").append(r.name);
    return names;
  }

  // -- lines ----------------------------------------------------------------------------------

  void check_claim(Claim& claim) {
    const LineMoney& money = money_[claim.line];
    const RefundOrderLine& line = *money.line;
    const std::string_view id = line.id;
    auto refuse = [&](RefundCode code, std::string message) {
      claim.eligible = false;
      note(code, std::move(message), id);
    };
    if (money.units_left() == 0) {
      refuse(RefundCode::already_refunded, "all " + std::to_string(line.quantity) + " units of line " +
                                               detail::quoted(id) + " have been refunded already");
    } else if (money.paid_back()) {
      refuse(RefundCode::already_refunded, "the " + money_text(money.gross(), currency_) + " paid for line " +
                                               detail::quoted(id) + " has been refunded in full already");
    } else if (claim.quantity > money.units_left()) {
      refuse(RefundCode::quantity_exceeds,
             std::to_string(claim.quantity) + " units requested, but line " + detail::quoted(id) + " has " +
                 std::to_string(money.units_left()) + " of its " + std::to_string(line.quantity) +
                 " units left to refund (" + std::to_string(money.prior_units) + " refunded before)");
    }
    // An order that has not shipped is refunded whatever it holds: nothing comes back.
    if (shipped_) check_rules(claim, line, refuse);
    if (!claim.eligible) return;
    claim.amount = std::min(money.units_gross(money.prior_units, claim.quantity), money.money_left());
    claim.discount = money.units_discount(money.prior_units, claim.quantity);
    claim.tax = std::min(money.units_tax(money.prior_units, claim.quantity), claim.amount);
  }

  template <class Refuse>
  void check_rules(const Claim& claim, const RefundOrderLine& line, Refuse& refuse) const {
    const RefundReasonRule& reason = *reason_;
    const auto listed = [](const std::vector<std::string>& list, std::string_view value) {
      return std::find(list.begin(), list.end(), value) != list.end();
    };
    if (listed(reason.exclude_categories, line.category)) {
      refuse(RefundCode::excluded_category, "line " + detail::quoted(line.id) + " is in the category " +
                                                detail::quoted(line.category) + ", which the reason " +
                                                detail::quoted(reason.name) + " never covers");
    } else if (line.no_return_confirmed && listed(reason.exclude_if_confirmed, line.category)) {
      refuse(RefundCode::confirmed_non_returnable,
             "line " + detail::quoted(line.id) + " is in the category " + detail::quoted(line.category) +
                 " and the customer confirmed at purchase that it cannot be returned for the reason " +
                 detail::quoted(reason.name));
    }
    if (!reason.conditions.empty() && !listed(reason.conditions, claim.condition)) {
      std::string accepted;
      for (const auto& c : reason.conditions) accepted.append(accepted.empty() ? "" : ", ").append(c);
      refuse(
          RefundCode::condition_not_allowed,
          (claim.condition.empty() ? std::string("the item's condition is not stated")
                                   : "the item's condition " + detail::quoted(claim.condition) + " is not accepted") +
              "; the reason " + detail::quoted(reason.name) + " accepts " + accepted);
    }
  }

  [[nodiscard]] std::int64_t goods_amount() const {
    std::int64_t sum = 0;
    for (const Claim& claim : claims_) sum += claim.amount;
    return sum;
  }

  // -- resolutions ----------------------------------------------------------------------------

  // refund_only_max lets a claim of the seller's fault (a reason whose returns the seller pays
  // for) be refunded without a return, inside the return_refund window, when it is small.
  [[nodiscard]] bool refund_only_by_amount() const {
    return policy_->refund_only_max && reason_->return_shipping == ReturnShipping::seller &&
           !reason_->windows[static_cast<std::size_t>(Resolution::refund_only)] &&
           reason_->windows[static_cast<std::size_t>(Resolution::return_refund)];
  }
  [[nodiscard]] bool under_refund_only_max() const {
    return money_millionths(Money{goods_amount(), currency_}) <= *policy_->refund_only_max;
  }

  // The window that governs resolution `r`, or nullopt when the reason does not offer it.
  [[nodiscard]] std::optional<Window> window_for(Resolution r) const {
    auto length = reason_->windows[static_cast<std::size_t>(r)];
    if (!length && r == Resolution::refund_only && refund_only_by_amount())
      length = reason_->windows[static_cast<std::size_t>(Resolution::return_refund)];
    if (!length) return std::nullopt;
    const RefundOrder& order = request_.order;
    const OrderMoment from = reason_->from;
    const bool per_line = from == OrderMoment::shipped || from == OrderMoment::delivered;
    if (!per_line || (!shape_.line_instants && !policy_->transit_time))
      return window_of(*policy_, *reason_, *length, request_, moment_of(order, from));
    if (policy_->windows_from_last_line)
      return window_of(*policy_, *reason_, *length, request_, last_line_moment(*policy_, order, from));
    if (claims_.empty()) return window_of(*policy_, *reason_, *length, request_, moment_of(order, from));
    // Each line counts from its own instant: the first line whose window is not open decides.
    std::optional<Window> first;
    for (const Claim& claim : claims_) {
      const RefundOrderLine& line = *money_[claim.line].line;
      Window w = window_of(*policy_, *reason_, *length, request_, line_moment(*policy_, order, line, from));
      if (shape_.line_instants) w.line = line.id;
      if (w.state != WindowState::open) return w;
      if (!first) first = w;
    }
    return first;
  }

  [[nodiscard]] bool allowed(Resolution r, const std::optional<Window>& w) const {
    if (!shipped_) return r == Resolution::refund_only;
    if (!w || w->state != WindowState::open) return false;
    return r != Resolution::refund_only || reason_->windows[static_cast<std::size_t>(r)] || under_refund_only_max();
  }

  void choose_resolution() {
    std::array<std::optional<Window>, 4> windows;
    for (std::size_t i = 0; i < windows.size(); ++i) {
      const auto r = static_cast<Resolution>(i);
      if (shipped_) windows[i] = window_for(r);
      if (allowed(r, windows[i])) decision_.options.push_back(r);
    }
    const auto offered = [&](Resolution r) {
      return std::find(decision_.options.begin(), decision_.options.end(), r) != decision_.options.end();
    };
    if (request_.resolution) {
      if (offered(*request_.resolution)) decision_.resolution = request_.resolution;
      else explain_refusal(*request_.resolution, windows[static_cast<std::size_t>(*request_.resolution)]);
      return;
    }
    if (!decision_.options.empty()) {
      decision_.resolution = decision_.options.front();
      return;
    }
    for (std::size_t i = 0; i < windows.size(); ++i)
      if (windows[i]) explain_refusal(static_cast<Resolution>(i), windows[i]);
  }

  void explain_refusal(Resolution r, const std::optional<Window>& w) {
    const std::string name(to_string(r));
    if (!shipped_) {
      note(RefundCode::resolution_not_allowed,
           "the order has not shipped, so there is nothing to " +
               std::string(r == Resolution::return_refund ? "return" : name) +
               ": it can be refunded without a return (refund_only)",
           {});
      return;
    }
    if (!w) {
      std::string offered;
      for (std::size_t i = 0; i < reason_->windows.size(); ++i)
        if (reason_->windows[i]) offered.append(offered.empty() ? "" : ", ").append(resolution_names[i]);
      note(RefundCode::resolution_not_allowed,
           "the reason " + detail::quoted(reason_->name) + " offers " + offered + ", not " + name, {});
      return;
    }
    const auto& zone = *policy_->zone;
    const std::string when = "requested at " + local_text(request_.requested_at, zone);
    switch (w->state) {
      case WindowState::open:
        // Only refund_only by amount can be open and refused: the claim is too large.
        note(RefundCode::resolution_not_allowed,
             "a refund without a return is for claims of at most " +
                 money_text(*policy_->refund_only_max / scale(), currency_) + "; this one is " +
                 money_text(goods_amount(), currency_),
             {});
        return;
      case WindowState::not_delivered:
        note(RefundCode::not_yet_delivered,
             "the " + name + " window of the reason " + detail::quoted(reason_->name) +
                 " counts from delivery, and the order has not been delivered",
             w->line);
        return;
      case WindowState::not_started:
        note(RefundCode::window_not_started,
             "the " + name + " window of the reason " + detail::quoted(reason_->name) + " counts from " +
                 std::string(moment_words(reason_->from)) + " at " + local_text(w->from, zone) + "; " + when,
             w->line);
        return;
      case WindowState::expired:
        note(RefundCode::window_expired,
             "the " + length_text(w->length) + " " + name + " window of the reason " + detail::quoted(reason_->name) +
                 " ended at " + local_text(w->end, zone) + " (counted from " +
                 (reason_->next_day ? "the day after " : "") + std::string(moment_words(reason_->from)) + " at " +
                 local_text(w->from, zone) + (w->extended ? ", extended for orders placed in a promotion period" : "") +
                 "); " + when,
             w->line);
        return;
    }
  }

  // Millionths per minor unit of the order's currency.
  [[nodiscard]] std::int64_t scale() const {
    std::int64_t s = number_scale;
    for (int e = 0; e < currency_.exponent; ++e) s /= 10;
    return s;
  }

  // -- money ----------------------------------------------------------------------------------

  void fill_amounts() {
    const Resolution r = *decision_.resolution;
    if (!moves_money(r)) return;
    const std::int64_t goods = goods_amount();
    std::int64_t deductions = 0;
    const auto deduct = [&](std::string type, std::int64_t amount) {
      amount = std::min(amount, goods - deductions);
      if (amount <= 0) return;
      deductions += amount;
      decision_.refund.deductions.push_back({std::move(type), Money{amount, currency_}});
    };
    if (r == Resolution::return_refund && shipped_) deduct("restocking_fee", restocking_fee(goods));
    if (r == Resolution::return_refund && shipped_) deduct("return_shipping", return_shipping_fee());
    if (shipping_waived() && !reason_->refund_shipping_fee) deduct("waived_shipping", lost_free_shipping());
    if (policy_->recompute_min_spend && !reason_->refund_shipping_fee) deduct("lost_promotion", lost_promotions());
    std::int64_t shipping = 0;
    if ((!shipped_ || reason_->refund_shipping_fee) && everything_back()) shipping = shipping_paid();
    decision_.refund.shipping = Money{shipping, currency_};
    decision_.refund.total = Money{goods + shipping - deductions, currency_};
  }

  // Half a minor unit and more rounds up: 15% of 33.33 is 4.9995, a fee of 5.00.
  [[nodiscard]] std::int64_t restocking_fee(std::int64_t goods) const {
    const std::int64_t rate =
        reason_->restocking_fee_rate
            ? *reason_->restocking_fee_rate
            : (reason_->return_shipping == ReturnShipping::buyer ? policy_->restocking_fee_rate : 0);
    const wide scaled = static_cast<wide>(goods) * rate;
    return static_cast<std::int64_t>((scaled + number_scale / 2) / number_scale);
  }

  // The flat fee for a return the buyer pays to ship, when the policy (or the reason) charges one;
  // an amount finer than the currency's minor unit rounds half up.
  std::int64_t return_shipping_fee() {
    const auto fee = reason_->return_shipping_fee ? reason_->return_shipping_fee : policy_->return_shipping_fee;
    if (!fee || *fee == 0 || reason_->return_shipping != ReturnShipping::buyer) return 0;
    const std::int64_t amount = round_half_up(*fee, scale());
    note(RefundCode::return_shipping_charged,
         "the buyer pays the return shipping of the reason " + detail::quoted(reason_->name) + ": " +
             money_text(amount, currency_) + " is deducted",
         {});
    return amount;
  }

  // Minimum-spend coupons whose condition the goods kept no longer meet: each loses its share on
  // the units kept, `amount × kept / value` at list prices (rounded half up), once: when this
  // request takes the kept goods of its lines from at least the minimum to below it, with some
  // of them still kept.
  std::int64_t lost_promotions() {
    std::int64_t lost = 0;
    const auto& discounts = request_.order.discounts;
    for (std::size_t d = 0; d < discounts.size(); ++d) {
      const RefundDiscount& discount = discounts[d];
      if (!discount.min_spend || discount.amount.minor_units() == 0) continue;
      wide value = 0, kept_before = 0, taken = 0;
      std::int64_t units_after = 0;
      const auto add_line = [&](std::size_t i) {
        const LineMoney& line = money_[i];
        const wide price = line.line->unit_price.minor_units();
        value += price * line.line->quantity;
        kept_before += price * line.units_left();
        units_after += line.units_left();
        for (const Claim& claim : claims_) {
          if (claim.line != i) continue;
          taken += price * claim.quantity;
          units_after -= claim.quantity;
        }
      };
      if (discount.lines.empty()) {
        for (std::size_t i = 0; i < money_.size(); ++i) add_line(i);
      } else {
        for (const std::string& id : discount.lines)
          if (const auto i = lines_.find(id)) add_line(*i);
      }
      const wide kept_after = kept_before - taken;
      const std::int64_t minimum = discount.min_spend->minor_units();
      if (units_after <= 0 || kept_before < minimum || kept_after >= minimum || value == 0) continue;
      const std::int64_t share = round_half_up(static_cast<wide>(discount.amount.minor_units()) * kept_after, value);
      note(RefundCode::promotion_lost,
           "the goods kept on the lines of order.discounts[" + std::to_string(d) + "] are worth " +
               money_text(static_cast<std::int64_t>(kept_after), currency_) + " at list price, below its minimum spend of " +
               money_text(minimum, currency_) + ": its discount on them, " + money_text(share, currency_) +
               ", is deducted",
           {});
      lost += share;
    }
    return lost;
  }

  // Every unit of the order is back once this request's are: a line has one claim at most, so
  // each line with units left must have a claim that takes them all.
  [[nodiscard]] bool everything_back() const {
    const auto with_units_left =
        std::count_if(money_.begin(), money_.end(), [](const LineMoney& line) { return line.units_left() > 0; });
    const auto taking_all = std::count_if(claims_.begin(), claims_.end(), [&](const Claim& claim) {
      const std::int64_t left = money_[claim.line].units_left();
      return left > 0 && claim.quantity >= left;
    });
    return taking_all == with_units_left;
  }

  // The waived fee, once: when the goods kept after this request fall below the threshold
  // that made delivery free, and still reached it before. Nothing when nothing is kept.
  std::int64_t lost_free_shipping() {
    std::int64_t kept_before = 0, kept_units = 0;
    for (const LineMoney& line : money_) {
      kept_before += line.units_gross(line.prior_units, line.units_left());
      kept_units += line.units_left();
    }
    std::int64_t kept_after = kept_before;
    for (const Claim& claim : claims_) {
      const LineMoney& line = money_[claim.line];
      kept_after -= line.units_gross(line.prior_units, claim.quantity);
      kept_units -= claim.quantity;
    }
    const std::int64_t threshold = request_.order.free_shipping_threshold->minor_units();
    if (kept_units == 0 || kept_after >= threshold || kept_before < threshold) return 0;
    const std::int64_t fee = request_.order.shipping_fee.minor_units();
    note(RefundCode::free_shipping_lost,
         "the goods kept are worth " + money_text(kept_after, currency_) + ", below the " +
             money_text(threshold, currency_) + " that made delivery free: the waived delivery fee of " +
             money_text(fee, currency_) + " is deducted",
         {});
    return fee;
  }

  // -- the rest of the decision ---------------------------------------------------------------

  RefundDecision finish(bool eligible) {
    decision_.eligible = eligible;
    // A refused line shows zeros; the others keep their amounts even when the request is
    // refused, so that the host can show what a request without the refused lines would give.
    const bool moves = decision_.resolution && moves_money(*decision_.resolution);
    RefundAmounts& refund = decision_.refund;
    refund.taxed = shape_.taxed;
    std::int64_t net = 0, tax = 0;
    for (const Claim& claim : claims_) {
      const bool pays = moves && claim.eligible;
      const std::int64_t amount = pays ? claim.amount : 0, line_tax = pays ? claim.tax : 0;
      refund.lines.push_back({money_[claim.line].line->id, claim.quantity, claim.eligible, Money{amount, currency_},
                              Money{pays ? claim.discount : 0, currency_}, Money{amount - line_tax, currency_},
                              Money{line_tax, currency_}});
      net += amount - line_tax;
      tax += line_tax;
    }
    refund.net = Money{eligible ? net : 0, currency_};
    refund.tax = Money{eligible ? tax : 0, currency_};
    if (!eligible) return std::move(decision_);
    fill_amounts();
    const Resolution r = *decision_.resolution;
    decision_.return_shipping = needs_return(r) ? reason_->return_shipping : ReturnShipping::none;
    if (needs_return(r)) decision_.ship_back_by = policy_->ship_back_within.after(request_.requested_at);
    if (r == Resolution::exchange) price_exchange();
    decide_method();
    if (r == Resolution::return_refund) decide_fast_refund();
    decide_deadline(r);
    return std::move(decision_);
  }

  // An exchange to another variant: the units sent back are worth what they paid; the
  // replacement costs its price less the same share of discount (the units' discount ×
  // replacement value / their value, rounded half up), plus the line's tax on that.
  void price_exchange() {
    std::int64_t returned = 0, returned_tax = 0, replacement = 0, replacement_tax = 0;
    bool any = false;
    for (const Claim& claim : claims_) {
      if (claim.variant == nullptr) continue;
      any = true;
      const LineMoney& line = money_[claim.line];
      returned += line.units_gross(line.prior_units, claim.quantity);
      returned_tax += line.units_tax(line.prior_units, claim.quantity);
      std::int64_t value = 0;
      if (__builtin_mul_overflow(claim.variant->unit_price.minor_units(), claim.quantity, &value))
        throw RangeError("the replacement's value overflows the 64-bit range of minor units", "items");
      const std::int64_t old_value = claim.quantity * line.line->unit_price.minor_units();
      const std::int64_t discount =
          old_value == 0 ? 0 : round_half_up(static_cast<wide>(line.units_discount(line.prior_units, claim.quantity)) * value,
                                             old_value);
      const std::int64_t price = value - std::min(discount, value);
      const auto& rate = line.line->tax_rate_ppm;
      const std::int64_t price_tax = rate ? tax_of(price, *rate, line.line->tax_included) : 0;
      replacement += line.tax_added ? price + price_tax : price;
      replacement_tax += price_tax;
    }
    if (!any) return;
    decision_.exchange = RefundExchange{Money{returned, currency_},
                                        Money{replacement, currency_},
                                        Money{returned_tax, currency_},
                                        Money{replacement_tax, currency_},
                                        Money{std::max<std::int64_t>(0, replacement - returned), currency_},
                                        Money{std::max<std::int64_t>(0, returned - replacement), currency_}};
  }

  void decide_method() {
    const auto& delivered = request_.order.delivered_at;
    if (!policy_->store_credit_after || !delivered || !moves_money(*decision_.resolution)) return;
    const Instant from = *delivered + *policy_->store_credit_after;
    if (request_.requested_at < from) return;
    decision_.method = RefundMethod::store_credit;
    note(RefundCode::store_credit,
         "requested at " + local_text(request_.requested_at, *policy_->zone) + ", " +
             format_duration(*policy_->store_credit_after) + " or more after delivery at " +
             local_text(*delivered, *policy_->zone) + ": refunded as store credit",
         {});
  }

  void decide_fast_refund() {
    if (!policy_->fast_refund) return;
    const FastRefundRule& rule = *policy_->fast_refund;
    const RefundCustomer& customer = request_.customer;
    bool granted = true;
    const auto deny = [&](std::string why) {
      granted = false;
      note(RefundCode::fast_refund_denied, "no refund before the return arrives: " + why, {});
    };
    if (rule.min_credit_score) {
      if (!customer.credit_score)
        deny("the customer's credit score is not known (at least " + std::to_string(*rule.min_credit_score) +
             " is needed)");
      else if (*customer.credit_score < *rule.min_credit_score)
        deny("the customer's credit score " + std::to_string(*customer.credit_score) + " is below " +
             std::to_string(*rule.min_credit_score));
    }
    if (rule.max_amount && money_millionths(decision_.refund.total) > *rule.max_amount)
      deny("the refund of " + money_text(decision_.refund.total.minor_units(), currency_) + " is over the " +
           money_text(*rule.max_amount / scale(), currency_) + " limit");
    if (rule.max_refunds_90d && customer.refunds_90d >= *rule.max_refunds_90d)
      deny("the customer had " + std::to_string(customer.refunds_90d) + " refunds in the last 90 days (fewer than " +
           std::to_string(*rule.max_refunds_90d) + " are allowed)");
    decision_.fast_refund = granted;
  }

  void decide_deadline(Resolution r) {
    if (!policy_->refund_within || !moves_money(r)) return;
    const RefundDeadline& deadline = *policy_->refund_within;
    // Without a return to wait for (refund only, or a fast refund), the clock starts at once.
    if (!deadline.after_return_received || !needs_return(r) || decision_.fast_refund)
      decision_.refund_due_by = deadline.within.after(request_.requested_at);
    else if (request_.return_received_at)
      decision_.refund_due_by = deadline.within.after(*request_.return_received_at);
  }

  void note(RefundCode code, std::string message, std::string_view line) {
    decision_.reasons.push_back({code, std::move(message), std::string(line)});
  }

  const RefundRules& rules_;
  const RefundRequest& request_;
  Currency currency_;
  LineIndex lines_;
  OrderShape shape_;  // filled by order_money, before money_ is
  std::vector<LineMoney> money_;
  std::vector<Claim> claims_;
  const RefundPolicy* policy_ = nullptr;
  const RefundReasonRule* reason_ = nullptr;
  bool shipped_ = false;
  RefundDecision decision_;
};

}  // namespace

RefundDecision check_refund(const RefundRules& rules, const RefundRequest& request) {
  return Decider(rules, request).decide();
}

}  // namespace aftersales::detail
