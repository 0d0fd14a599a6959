// CompensationRequest::from_json: the request of docs/compensation.md read with every problem
// and its JSON path.

#include <aftersales/compensation.hpp>
#include <aftersales/error.hpp>
#include <aftersales/limits.hpp>


#include "calendar/calendar_compile.hpp"
#include "document/json_amounts.hpp"
#include "document/json_reader.hpp"
#include "text/text.hpp"

namespace aftersales {
namespace {

using detail::Node;

// Requests arrive one per complaint: a tighter limit than a policy's. A customer's history of
// compensations is short; ten thousand entries is far beyond any real one.
constexpr LoadLimits request_limits{1u << 20, 16};
constexpr std::size_t max_history = 10'000;
constexpr std::size_t max_names = 1'000;  // tags, breached metrics
constexpr std::string_view title = "invalid compensation request";

using detail::present;
using detail::read_money;
using detail::text_of;

std::vector<std::string> names_of(const Node& node) {
  std::vector<std::string> names;
  if (const auto size = node.array_size(); size && *size > max_names) {
    node.problem("at most " + std::to_string(max_names) + " names, not " + std::to_string(*size));
    return names;
  }
  node.for_each_element([&](const Node& entry) {
    if (const auto text = entry.string()) names.emplace_back(*text);
  });
  return names;
}

class Reader {
 public:
  Reader(const Node& root, CompensationRequest& request) : root_(root), request_(request) {}

  void read() {
    if (const auto at = root_.required("requested_at")) request_.requested_at = at->instant().value_or(Instant{});
    if (const auto order = root_.required("order")) read_order(*order);
    if (const auto customer = present(root_, "customer")) read_customer(*customer);
    if (const auto ticket = present(root_, "ticket")) read_ticket(*ticket);
    if (const auto sla = present(root_, "sla_breached")) request_.sla_breached = names_of(*sla);
    if (const auto fault = present(root_, "quality_fault")) request_.quality_fault = fault->boolean().value_or(false);
    if (const auto history = present(root_, "history")) read_history(*history);
  }

 private:
  void read_order(const Node& node) {
    if (!node.object({"id", "currency", "amount", "promised_by", "delivered_at"})) return;
    CompensationOrder& order = request_.order;
    order.id = text_of(node, "id");
    if (const auto code = node.required("currency")) currency_ = detail::read_currency(*code);
    if (currency_) order.currency = *currency_;
    order.amount = Money{0, order.currency};
    if (const auto amount = node.required("amount")) order.amount = read_money(*amount, currency_).value_or(order.amount);
    if (const auto promised = present(node, "promised_by")) {
      if (const auto day = detail::parse_date(*promised))
        order.promised_by = std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{*day}}};
    }
    if (const auto delivered = present(node, "delivered_at")) order.delivered_at = delivered->instant();
  }

  void read_customer(const Node& node) {
    if (!node.object({"id", "tier"})) return;
    request_.customer_id = text_of(node, "id");
    request_.customer_tier = text_of(node, "tier");
  }

  void read_ticket(const Node& node) {
    if (!node.object({"id", "category", "channel", "agent", "tags"})) return;
    request_.ticket_id = text_of(node, "id");
    request_.category = text_of(node, "category");
    request_.channel = text_of(node, "channel");
    request_.agent = text_of(node, "agent");
    if (const auto tags = present(node, "tags")) request_.tags = names_of(*tags);
  }

  void read_history(const Node& node) {
    if (const auto size = node.array_size(); size && *size > max_history) {
      node.problem("a history of at most " + std::to_string(max_history) + " compensations, not " +
                   std::to_string(*size));
      return;
    }
    node.for_each_element([&](const Node& entry) {
      if (!entry.object({"at", "order", "value"})) return;
      PriorCompensation prior;
      prior.value = Money{0, request_.order.currency};
      if (const auto at = entry.required("at")) prior.at = at->instant().value_or(Instant{});
      prior.order = text_of(entry, "order");
      if (const auto value = entry.required("value")) prior.value = read_money(*value, currency_).value_or(prior.value);
      request_.history.push_back(std::move(prior));
    });
  }

  const Node& root_;
  CompensationRequest& request_;
  std::optional<Currency> currency_;
};

}  // namespace

CompensationRequest CompensationRequest::from_json(std::string_view json) {
  CompensationRequest request;
  detail::read_request(json, request_limits, title,
                       {"requested_at", "order", "customer", "ticket", "sla_breached", "quality_fault", "history"},
                       [&request](const Node& root) { Reader(root, request).read(); });
  return request;
}

}  // namespace aftersales
