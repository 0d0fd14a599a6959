#include "condition/ticket_subject.hpp"

#include "ticket/ticket_view.hpp"


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

template <class T>
TicketSubject::TicketSubject(const T& ticket, Priority priority, std::string_view status, const SymbolTable& symbols)
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
    subject_.set_list(slot(Field::tags), tag_symbols_, tag_texts_);
  }
  if (const auto& amount = ticket.order_amount(); amount && symbols.used(Field::order_amount))
    subject_.set_number(slot(Field::order_amount), money_millionths(*amount));
  for (std::size_t i = 0; i < ticket.field_count(); ++i) {
    const auto field_slot = symbols.find_custom_field(ticket.field_name(i));
    if (!field_slot) continue;  // no condition mentions it
    const FieldView value = ticket.field_value(i);
    if (const auto* text = std::get_if<std::string_view>(&value)) subject_.set_text(*field_slot, *text);
    else if (const auto* flag = std::get_if<bool>(&value)) subject_.set_boolean(*field_slot, *flag);
    // A number no condition could compare (NaN, out of range) is left out, as if absent.
    else if (const auto n = double_millionths(std::get<double>(value))) subject_.set_number(*field_slot, *n);
  }
}

void TicketSubject::set_state(Priority priority, std::string_view status) {
  set_if_given(subject_, *symbols_, Field::priority, to_string(priority));
  set_if_given(subject_, *symbols_, Field::status, status);
}

void TicketSubject::set_queue(std::string_view queue) { set_if_given(subject_, *symbols_, Field::queue, queue); }

template TicketSubject::TicketSubject(const TicketRef&, Priority, std::string_view, const SymbolTable&);
template TicketSubject::TicketSubject(const BatchRow&, Priority, std::string_view, const SymbolTable&);

}  // namespace aftersales::detail
