// RefundRequest::from_json: the spec §6 request read with every problem and its JSON path.

#include <aftersales/error.hpp>
#include <aftersales/limits.hpp>
#include <aftersales/refund.hpp>


#include <algorithm>

#include "condition/condition_compile.hpp"
#include "condition/condition_rules.hpp"
#include "document/json_amounts.hpp"
#include "document/json_reader.hpp"
#include "text/text.hpp"
#include "refund/line_index.hpp"
#include "refund/refund_rules.hpp"

namespace aftersales {
namespace {

using detail::Node;

// Requests arrive one per customer action: a tighter limit than a policy's.
constexpr LoadLimits request_limits{1u << 20, 32};
constexpr std::int64_t max_quantity = 1'000'000;
constexpr std::string_view title = "invalid refund request";

using detail::present;
using detail::read_money;
using detail::text_of;

std::optional<std::int64_t> read_quantity(const Node& node, std::int64_t min) {
  const auto value = node.integer();
  if (value && (*value < min || *value > max_quantity)) {
    node.problem("a quantity is " + std::to_string(min) + " to " + std::to_string(max_quantity) + ", not " +
                 std::to_string(*value));
    return std::nullopt;
  }
  return value;
}

// A tax rate from 0 to 1 (`"0.13"` is 13%), in millionths.
std::optional<std::int64_t> read_rate(const Node& node) {
  const auto value = detail::parse_millionths(node.value());
  if (!value || *value < 0 || *value > detail::number_scale) {
    node.problem(detail::describe(node.value()) + " is not a tax rate from 0 to 1 (like \"0.13\" for 13%)");
    return std::nullopt;
  }
  return value;
}

class Reader {
 public:
  Reader(const Node& root, RefundRequest& request) : root_(root), request_(request) {}

  void read() {
    if (const auto order = root_.required("order")) read_order(*order);
    if (const auto items = root_.member("items")) read_items(*items);
    request_.reason = text_of(root_, "reason");
    if (const auto reason = root_.required("reason"); reason && reason->value().is_string() && request_.reason.empty())
      reason->problem("the reason is empty");
    if (const auto resolution = present(root_, "resolution")) {
      if (const auto text = resolution->string()) {
        const auto& names = detail::resolution_names;
        const auto it = std::find(names.begin(), names.end(), *text);
        if (it == names.end())
          resolution->problem(detail::quoted(*text) +
                              " is not a resolution (return_refund, refund_only, exchange, repair)");
        else request_.resolution = static_cast<Resolution>(it - names.begin());
      }
    }
    if (const auto at = root_.required("requested_at")) {
      if (const auto t = at->instant()) {
        request_.requested_at = *t;
        if (placed_ && *t < *placed_)
          at->problem("the request is at " + format_instant(*t) + ", before the order was placed (" +
                      format_instant(*placed_) + ")");
      }
    }
    if (const auto received = present(root_, "return_received_at")) request_.return_received_at = received->instant();
    if (const auto customer = root_.member("customer")) read_customer(*customer);
    if (const auto refunded = root_.member("refunded")) read_refunded(*refunded);
  }

 private:
  void read_order(const Node& node) {
    if (!node.object({"id", "currency", "placed_at", "paid_at", "shipped_at", "delivered_at", "shipping_fee",
                      "free_shipping_threshold", "lines", "discounts"}))
      return;
    RefundOrder& order = request_.order;
    order.id = text_of(node, "id");
    if (const auto code_node = node.required("currency")) {
      if (const auto code = code_node->string()) {
        try {
          currency_ = currency(*code);
          order.currency = *currency_;
        } catch (const Error& e) {
          code_node->problem(e.what());
        }
      }
    }
    if (const auto placed = node.required("placed_at")) {
      placed_ = placed->instant();
      if (placed_) order.placed_at = *placed_;
    }
    read_moments(node);
    order.shipping_fee = Money{0, order.currency};
    if (const auto fee = present(node, "shipping_fee"))
      order.shipping_fee = read_money(*fee, currency_).value_or(order.shipping_fee);
    if (const auto threshold = present(node, "free_shipping_threshold"))
      order.free_shipping_threshold = read_money(*threshold, currency_);
    const std::size_t before = root_.problems().size();
    if (const auto lines = node.required("lines")) read_lines(*lines);
    lines_clean_ = root_.problems().size() == before;
    if (const auto discounts = node.member("discounts")) read_discounts(*discounts);
  }

  // paid, shipped and delivered happen in that order, none before the order was placed.
  void read_moments(const Node& node) {
    RefundOrder& order = request_.order;
    std::optional<Instant> previous = placed_;
    std::string_view previous_name = "placed_at";
    const std::array<std::pair<std::string_view, std::optional<Instant>*>, 3> moments{
        {{"paid_at", &order.paid_at}, {"shipped_at", &order.shipped_at}, {"delivered_at", &order.delivered_at}}};
    for (const auto& [key, slot] : moments) {
      const auto member = present(node, key);
      if (!member) continue;
      *slot = member->instant();
      if (!*slot) continue;
      if (previous && **slot < *previous)
        member->problem(std::string(key) + " (" + format_instant(**slot) + ") is before " + std::string(previous_name) +
                        " (" + format_instant(*previous) + ")");
      previous = *slot;
      previous_name = key;
    }
    if (order.delivered_at && !order.shipped_at)
      node.problem("a delivered order needs shipped_at (when it left the seller)");
  }

  void read_lines(const Node& node) {
    if (const auto* list = node.value().if_array(); list != nullptr && list->empty())
      node.problem("an order needs at least one line");
    node.for_each_element([&](const Node& entry) {
      const auto* members = entry.object({"id", "sku", "category", "unit_price", "quantity", "no_return_confirmed",
                                          "tax_rate", "tax_included", "shipped_at", "delivered_at"});
      if (members == nullptr) return;
      RefundOrderLine line;
      line.unit_price = Money{0, request_.order.currency};
      if (const auto id = entry.required("id")) {
        if (const auto text = id->string()) {
          line.id = std::string(*text);
          if (index_.find(line.id)) id->problem("another line already has the id " + detail::quoted(*text));
        }
      }
      line.sku = text_of(entry, "sku");
      line.category = text_of(entry, "category");
      if (const auto price = entry.required("unit_price"))
        line.unit_price = read_money(*price, currency_).value_or(line.unit_price);
      if (const auto quantity = entry.required("quantity")) line.quantity = read_quantity(*quantity, 1).value_or(1);
      if (const auto flag = present(entry, "no_return_confirmed"))
        line.no_return_confirmed = flag->boolean().value_or(false);
      if (has_extras(*members)) read_line_extras(entry, line);
      request_.order.lines.push_back(std::move(line));
      index_.update();
    });
  }

  // Most lines have neither tax nor instants of their own: a glance at the members' names spares
  // a lookup for each of those keys, which keeps reading today's requests as fast as before.
  static bool has_extras(const boost::json::object& members) {
    constexpr std::array<std::string_view, 6> basic{"id", "sku", "category", "unit_price", "quantity",
                                                    "no_return_confirmed"};
    return std::any_of(members.begin(), members.end(), [&](const auto& member) {
      const std::string_view key(member.key().data(), member.key().size());
      return std::find(basic.begin(), basic.end(), key) == basic.end();
    });
  }

  // A line's tax, and a split shipment's instants: shipped after the order was placed,
  // delivered after the line shipped.
  void read_line_extras(const Node& entry, RefundOrderLine& line) {
    if (const auto rate = present(entry, "tax_rate")) line.tax_rate_ppm = read_rate(*rate);
    if (const auto flag = present(entry, "tax_included")) line.tax_included = flag->boolean().value_or(true);
    if (const auto shipped = present(entry, "shipped_at")) {
      line.shipped_at = shipped->instant();
      if (line.shipped_at && placed_ && *line.shipped_at < *placed_)
        shipped->problem("shipped_at (" + format_instant(*line.shipped_at) + ") is before the order was placed (" +
                         format_instant(*placed_) + ")");
    }
    const auto delivered = present(entry, "delivered_at");
    if (!delivered) return;
    line.delivered_at = delivered->instant();
    const auto shipped = line.shipped_at ? line.shipped_at : request_.order.shipped_at;
    if (!line.delivered_at) return;
    if (!shipped)
      delivered->problem("a delivered line needs a shipped_at (its own or the order's)");
    else if (*line.delivered_at < *shipped)
      delivered->problem("delivered_at (" + format_instant(*line.delivered_at) + ") is before the line shipped (" +
                         format_instant(*shipped) + ")");
  }

  // The index of the line named by `node`, recording a problem when the order has none of that id.
  std::optional<std::size_t> line_of(const Node& node) const {
    const auto text = node.string();
    if (!text) return std::nullopt;
    const auto i = index_.find(*text);
    if (!i) node.problem("the order has no line " + detail::quoted(*text));
    return i;
  }

  void read_discounts(const Node& node) {
    const auto& lines = request_.order.lines;
    // by line: 1 + the last discount that listed it, so that a discount listing it again is told
    std::vector<std::size_t> listed_by(lines.size());
    std::size_t number = 0;
    node.for_each_element([&](const Node& entry) {
      ++number;
      if (!entry.object({"id", "amount", "lines", "min_spend"})) return;
      RefundDiscount discount;
      discount.id = text_of(entry, "id");
      if (const auto min_spend = present(entry, "min_spend")) discount.min_spend = read_money(*min_spend, currency_);
      const auto amount_node = entry.required("amount");
      const auto amount = amount_node ? read_money(*amount_node, currency_) : std::nullopt;
      const std::size_t before = root_.problems().size();
      detail::wide value = 0;  // of the lines listed
      if (const auto listed = entry.member("lines")) {
        listed->for_each_element([&](const Node& id) {
          const auto i = line_of(id);
          if (!i) return;
          const RefundOrderLine& line = lines[*i];
          if (listed_by[*i] == number) {
            id.problem("line " + detail::quoted(line.id) + " is listed twice");
          } else {
            listed_by[*i] = number;
            discount.lines.push_back(line.id);
            value += value_of(line);
          }
        });
      }
      if (!amount) return;
      discount.amount = *amount;
      // Lines with problems have no value to compare with.
      if (lines_clean_ && root_.problems().size() == before)
        check_discount_fits(*amount_node, discount, discount.lines.empty() ? goods() : value);
      request_.order.discounts.push_back(std::move(discount));
    });
  }

  static detail::wide value_of(const RefundOrderLine& line) {
    return static_cast<detail::wide>(line.unit_price.minor_units()) * line.quantity;
  }

  // What all the lines are worth, added up once for every discount that names no line.
  detail::wide goods() {
    if (!goods_) {
      goods_ = 0;
      for (const auto& line : request_.order.lines) *goods_ += value_of(line);
    }
    return *goods_;
  }

  // A discount larger than the goods it applies to would make some unit's paid amount negative.
  static void check_discount_fits(const Node& node, const RefundDiscount& discount, detail::wide value) {
    if (discount.amount.minor_units() > value)
      node.problem(discount.amount.to_string() + " is more than the goods it applies to are worth");
  }

  void read_items(const Node& node) {
    std::vector<bool> requested(request_.order.lines.size());  // by line
    node.for_each_element([&](const Node& entry) {
      if (!entry.object({"line", "quantity", "condition", "exchange_for"})) return;
      RefundItem item;
      if (const auto line_node = entry.required("line")) {
        if (const auto i = line_of(*line_node)) {
          item.line = request_.order.lines[*i].id;
          if (requested[*i]) line_node->problem("line " + detail::quoted(item.line) + " is requested twice");
          requested[*i] = true;
        }
      }
      if (const auto quantity = present(entry, "quantity")) item.quantity = read_quantity(*quantity, 1).value_or(1);
      item.condition = text_of(entry, "condition");
      if (const auto variant = present(entry, "exchange_for")) item.exchange_for = read_variant(*variant);
      request_.items.push_back(std::move(item));
    });
  }

  std::optional<RefundVariant> read_variant(const Node& node) const {
    if (!node.object({"sku", "unit_price"})) return std::nullopt;
    RefundVariant variant;
    variant.sku = text_of(node, "sku");
    const auto price = node.required("unit_price");
    const auto amount = price ? read_money(*price, currency_) : std::nullopt;
    if (!amount) return std::nullopt;
    variant.unit_price = *amount;
    return variant;
  }

  void read_customer(const Node& node) {
    if (!node.object({"id", "tier", "credit_score", "refunds_90d"})) return;
    RefundCustomer& customer = request_.customer;
    customer.id = text_of(node, "id");
    customer.tier = text_of(node, "tier");
    if (const auto score = present(node, "credit_score")) customer.credit_score = score->integer();
    if (const auto count = present(node, "refunds_90d")) customer.refunds_90d = read_quantity(*count, 0).value_or(0);
  }

  void read_refunded(const Node& node) {
    std::vector<std::int64_t> units(request_.order.lines.size());  // by line: refunded so far
    node.for_each_element([&](const Node& entry) {
      if (!entry.object({"line", "quantity", "amount"})) return;
      PriorRefund prior;
      std::optional<std::size_t> i;
      if (const auto line_node = entry.required("line")) i = line_of(*line_node);
      if (const auto quantity = present(entry, "quantity")) prior.quantity = read_quantity(*quantity, 0).value_or(0);
      if (const auto amount = present(entry, "amount")) prior.amount = read_money(*amount, currency_);
      if (!i) return;
      const RefundOrderLine& line = request_.order.lines[*i];
      prior.line = line.id;
      if (prior.quantity == 0 && !entry.member("amount"))
        entry.problem("a prior refund needs a quantity of at least 1, or an amount");
      units[*i] += prior.quantity;
      if (units[*i] > line.quantity)
        entry.problem("refunds on line " + detail::quoted(line.id) + " add up to " + std::to_string(units[*i]) +
                      " units; the line has " + std::to_string(line.quantity));
      request_.refunded.push_back(std::move(prior));
    });
  }

  const Node& root_;
  RefundRequest& request_;
  std::optional<Currency> currency_;
  std::optional<Instant> placed_;
  bool lines_clean_ = false;
  detail::LineIndex index_{request_.order.lines};
  std::optional<detail::wide> goods_;
};

}  // namespace

RefundRequest RefundRequest::from_json(std::string_view json) {
  RefundRequest request;
  detail::read_request(json, request_limits, title,
                       {"order", "items", "reason", "resolution", "requested_at", "customer", "refunded",
                        "return_received_at"},
                       [&request](const Node& root) { Reader(root, request).read(); });
  return request;
}

}  // namespace aftersales
