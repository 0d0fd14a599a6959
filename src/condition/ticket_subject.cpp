#include "condition/ticket_subject.hpp"

#include "ticket/ticket_view.hpp"

#include <algorithm>
#include <span>
#include <utility>
#include <vector>


namespace aftersales::detail {
namespace {

std::size_t slot(Field field) { return static_cast<std::size_t>(field); }

void set_if_given(Subject& subject, const SymbolTable& symbols, Field field, std::string_view text) {
  if (!text.empty() && symbols.used(field)) subject.set_text(slot(field), text);
}

}  // namespace

std::int64_t money_millionths(const Money& amount) {
  std::int64_t scale = number_scale;
  for (int e = 0; e < amount.currency().exponent; ++e) scale /= 10;
  std::int64_t result = 0;
  // Saturate rather than wrap: an amount this large compares above every operand anyway.
  if (__builtin_mul_overflow(amount.minor_units(), scale, &result))
    return amount.minor_units() < 0 ? INT64_MIN : INT64_MAX;
  return result;
}

namespace {

void set_field(Subject& subject, std::size_t slot, const FieldView& value) {
  if (const auto* text = std::get_if<std::string_view>(&value)) subject.set_text(slot, *text);
  else if (const auto* flag = std::get_if<bool>(&value)) subject.set_boolean(slot, *flag);
  // A number no condition could compare (NaN, out of range) is left out, as if absent.
  else if (const auto n = double_millionths(std::get<double>(value))) subject.set_number(slot, *n);
  else subject.clear(slot);
}

// The change events of `ticket` up to `by`, in the order they apply: by time, ties in event order.
template <class T>
std::vector<std::pair<Instant, ChangeView>> changes_by(const T& ticket, Instant by) {
  std::vector<std::pair<Instant, ChangeView>> changes;
  for (std::size_t i = 0; i < ticket.event_count(); ++i) {
    const auto e = ticket.event(i);
    if (e.type() != EventType::custom || e.at() > by) continue;
    if (const auto change = e.change()) changes.emplace_back(e.at(), *change);
  }
  std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return changes;
}

}  // namespace

template <class T>
TicketSubject::TicketSubject(const T& ticket, Priority priority, std::string_view status, const SymbolTable& symbols,
                             std::optional<Instant> changed_by)
    : symbols_(&symbols), subject_(symbols) {
  // Only the fields some condition tests are bound: each costs a symbol lookup.
  set_if_given(subject_, symbols, Field::channel, ticket.channel());
  set_if_given(subject_, symbols, Field::category, ticket.category());
  set_if_given(subject_, symbols, Field::priority, to_string(priority));
  set_if_given(subject_, symbols, Field::status, status);
  set_if_given(subject_, symbols, Field::customer_tier, ticket.customer_tier());
  set_if_given(subject_, symbols, Field::customer_language, ticket.customer_language());
  set_if_given(subject_, symbols, Field::customer_id, ticket.customer_id());
  if (symbols.used(Field::tags)) {
    tag_texts_.resize(ticket.tag_count());
    for (std::size_t i = 0; i < tag_texts_.size(); ++i) tag_texts_[i] = ticket.tag(i);
    tag_symbols_ = subject_.intern_list(tag_texts_);
    bind_tags();
  }
  if (const auto& amount = ticket.order_amount(); amount && symbols.used(Field::order_amount))
    subject_.set_number(slot(Field::order_amount), money_millionths(*amount));
  for (std::size_t i = 0; i < ticket.field_count(); ++i) {
    const auto field_slot = symbols.find_custom_field(ticket.field_name(i));
    if (!field_slot) continue;  // no condition mentions it
    set_field(subject_, *field_slot, ticket.field_value(i));
  }
  if (changed_by && ticket.may_change())
    for (const auto& [at, change] : changes_by(ticket, *changed_by)) apply(change);
}

void TicketSubject::bind_tags() { subject_.set_list(slot(Field::tags), tag_symbols_, tag_texts_); }

void TicketSubject::apply(const ChangeView& change) {
  if (change.kind == ChangeKind::field) {
    const auto field_slot = symbols_->find_custom_field(change.name);
    if (!field_slot) return;  // no condition mentions it
    if (change.value) set_field(subject_, *field_slot, *change.value);
    else subject_.clear(*field_slot);
    return;
  }
  if (!symbols_->used(Field::tags)) return;
  if (tag_places_.empty())
    for (std::size_t i = 0; i < tag_texts_.size(); ++i) tag_places_.try_emplace(tag_texts_[i], i);
  const auto place = tag_places_.find(change.name);
  if (change.kind == ChangeKind::tag_added) {
    if (place != tag_places_.end()) return;  // a tag is on a ticket once
    tag_places_.emplace(change.name, tag_texts_.size());
    tag_texts_.push_back(change.name);
    tag_symbols_.push_back(subject_.intern_list(std::span(&change.name, 1))[0]);
  } else {
    if (place == tag_places_.end()) return;
    // The last tag takes the removed one's place: a list's order means nothing to a condition.
    const std::size_t i = place->second;
    tag_places_.erase(place);
    if (i + 1 != tag_texts_.size()) {
      tag_texts_[i] = tag_texts_.back();
      tag_symbols_[i] = tag_symbols_.back();
      tag_places_[tag_texts_[i]] = i;
    }
    tag_texts_.pop_back();
    tag_symbols_.pop_back();
  }
  bind_tags();  // the vectors may have moved
}

void TicketSubject::set_state(Priority priority, std::string_view status) {
  set_if_given(subject_, *symbols_, Field::priority, to_string(priority));
  set_if_given(subject_, *symbols_, Field::status, status);
}

void TicketSubject::set_queue(std::string_view queue) { set_if_given(subject_, *symbols_, Field::queue, queue); }

template TicketSubject::TicketSubject(const TicketRef&, Priority, std::string_view, const SymbolTable&,
                                      std::optional<Instant>);
template TicketSubject::TicketSubject(const BatchRow&, Priority, std::string_view, const SymbolTable&,
                                      std::optional<Instant>);

}  // namespace aftersales::detail
