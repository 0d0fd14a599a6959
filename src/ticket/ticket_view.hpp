#pragma once
// Two light views of a ticket with one interface, so that each engine (SLA, KPIs, conditions,
// routing) reads tickets in one piece of code, templated on the view: TicketRef over a Ticket,
// BatchRow over a row of a TicketBatch's columns, read in place (no Ticket is rebuilt). Their
// events are EventRef (a pointer to an Event) and BatchEvent (a row of the event columns).
//
// A view T offers: id(), created_at(), priority(), channel(), category(), customer_id(),
// customer_tier(), customer_language(), order_amount(), tag_count(), tag(i), field_count(),
// field_name(i), field_value(i) (a FieldView), event_count(), event(i) (a T::EventView),
// custom_status_name(id) (the name of an event's custom_status), may_change() (false when no
// event of the ticket changes its fields or tags; true when some may).
// An event view offers: at(), type(), name() (the type as written), agent(), queue(),
// is_public(), bot(), to_status(), custom_status() (0 or an id the ticket view names),
// to_priority(), score(), metric(), due_at(), change() (a ChangeView of a change event).

#include <aftersales/ticket.hpp>

#include <bit>
#include <optional>
#include <string_view>
#include <variant>

#include "ticket/ticket_columns.hpp"
#include "ticket/ticket_words.hpp"

namespace aftersales::detail {

/// A custom field's value, viewed.
using FieldView = std::variant<std::string_view, double, bool>;

inline FieldView view_of(const FieldScalar& value) noexcept {
  if (const auto* text = std::get_if<std::string>(&value)) return std::string_view(*text);
  if (const auto* flag = std::get_if<bool>(&value)) return *flag;
  return std::get<double>(value);
}

/// What a field_changed, tag_added or tag_removed event changes, viewed: the field and its new
/// value (none: cleared), or the tag.
struct ChangeView {
  ChangeKind kind;
  std::string_view name;
  std::optional<FieldView> value;
};

inline ChangeView view_of(ChangeKind kind, std::string_view name, const std::optional<FieldScalar>& value) noexcept {
  return {kind, name, value ? std::optional(view_of(*value)) : std::nullopt};
}

class EventRef {
 public:
  // The ticket holds the side records an event's `detail` indexes.
  EventRef(const Ticket& t, const Event& e) noexcept : t_(&t), e_(&e) {}

  [[nodiscard]] Instant at() const noexcept { return e_->at; }
  [[nodiscard]] EventType type() const noexcept { return e_->type; }
  [[nodiscard]] std::string_view name() const noexcept { return e_->name; }
  [[nodiscard]] std::string_view agent() const noexcept { return e_->agent; }
  [[nodiscard]] std::string_view queue() const noexcept { return e_->queue; }
  [[nodiscard]] bool is_public() const noexcept { return e_->is_public; }
  [[nodiscard]] bool bot() const noexcept { return e_->bot; }
  [[nodiscard]] Status to_status() const noexcept { return e_->to_status; }
  [[nodiscard]] std::uint32_t custom_status() const noexcept {
    return e_->type == EventType::status ? e_->detail : 0U;
  }
  [[nodiscard]] Priority to_priority() const noexcept { return e_->to_priority; }
  [[nodiscard]] int score() const noexcept { return e_->score; }
  [[nodiscard]] std::string_view metric() const noexcept {
    const DueOverride* o = due_override();
    return o != nullptr ? std::string_view(o->metric) : std::string_view();
  }
  [[nodiscard]] std::optional<Instant> due_at() const noexcept {
    const DueOverride* o = due_override();
    return o != nullptr ? std::optional<Instant>(o->due_at) : std::nullopt;
  }
  // None for a hand-built event whose index is out of range.
  [[nodiscard]] std::optional<ChangeView> change() const {
    const std::uint32_t d = e_->detail;
    if (d == 0 || e_->type != EventType::custom || d > t_->changes.size()) return std::nullopt;
    const auto kind = change_kind(e_->name);
    if (!kind) return std::nullopt;
    return view_of(*kind, t_->changes[d - 1].name, t_->changes[d - 1].value);
  }

 private:
  // An sla_override's record; none for a hand-built event whose index is out of range.
  [[nodiscard]] const DueOverride* due_override() const noexcept {
    const std::uint32_t d = e_->detail;
    if (d == 0 || e_->type != EventType::custom || d > t_->overrides.size() || e_->name != override_event_name)
      return nullptr;
    return &t_->overrides[d - 1];
  }

  const Ticket* t_;
  const Event* e_;
};

class TicketRef {
 public:
  using EventView = EventRef;

  explicit TicketRef(const Ticket& t) noexcept : t_(&t) {}

  [[nodiscard]] std::string_view id() const noexcept { return t_->id; }
  [[nodiscard]] Instant created_at() const noexcept { return t_->created_at; }
  [[nodiscard]] Priority priority() const noexcept { return t_->priority; }
  [[nodiscard]] std::string_view channel() const noexcept { return t_->channel; }
  [[nodiscard]] std::string_view category() const noexcept { return t_->category; }
  [[nodiscard]] std::string_view customer_id() const noexcept { return t_->customer.id; }
  [[nodiscard]] std::string_view customer_tier() const noexcept { return t_->customer.tier; }
  [[nodiscard]] std::string_view customer_language() const noexcept { return t_->customer.language; }
  [[nodiscard]] const std::optional<Money>& order_amount() const noexcept { return t_->order.amount; }
  [[nodiscard]] std::size_t tag_count() const noexcept { return t_->tags.size(); }
  [[nodiscard]] std::string_view tag(std::size_t i) const noexcept { return t_->tags[i]; }
  [[nodiscard]] std::size_t field_count() const noexcept { return t_->fields.size(); }
  [[nodiscard]] std::string_view field_name(std::size_t i) const noexcept { return t_->fields[i].first; }
  [[nodiscard]] FieldView field_value(std::size_t i) const noexcept { return view_of(t_->fields[i].second); }
  [[nodiscard]] std::size_t event_count() const noexcept { return t_->events.size(); }
  [[nodiscard]] EventRef event(std::size_t i) const noexcept { return EventRef(*t_, t_->events[i]); }
  [[nodiscard]] bool may_change() const noexcept { return !t_->changes.empty(); }
  [[nodiscard]] std::string_view custom_status_name(std::uint32_t id) const noexcept {
    // A hand-built ticket's id may be out of range: no name, which no policy maps.
    return id <= t_->custom_statuses.size() ? std::string_view(t_->custom_statuses[id - 1]) : std::string_view();
  }

 private:
  const Ticket* t_;
};

class BatchEvent {
 public:
  BatchEvent(const TicketColumns& c, std::size_t index, Instant at) noexcept : c_(&c), i_(index), at_(at) {}

  [[nodiscard]] Instant at() const noexcept { return at_; }
  [[nodiscard]] EventType type() const noexcept { return c_->type[i_]; }
  [[nodiscard]] std::string_view name() const noexcept {
    const std::uint32_t n = c_->name[i_];
    return n == 0 ? to_string(type()) : c_->names.text(n - 1);
  }
  [[nodiscard]] std::string_view agent() const noexcept { return c_->agents.text(c_->agent[i_]); }
  [[nodiscard]] std::string_view queue() const noexcept { return c_->queues.text(c_->queue[i_]); }
  [[nodiscard]] bool is_public() const noexcept { return (c_->bits[i_] & TicketColumns::is_public_bit) != 0; }
  [[nodiscard]] bool bot() const noexcept { return (c_->bits[i_] & TicketColumns::bot_bit) != 0; }
  [[nodiscard]] Status to_status() const noexcept {
    if (odd()) return c_->odd_event(i_).to_status;
    return type() == EventType::status && nibble() < TicketColumns::first_custom_status ? static_cast<Status>(nibble())
                                                                                        : Event().to_status;
  }
  // An id in the batch's `statuses`, in the nibble or, past its range, in odd_events.
  [[nodiscard]] std::uint32_t custom_status() const noexcept {
    if (odd()) return c_->odd_event(i_).custom_status;
    return type() == EventType::status && nibble() >= TicketColumns::first_custom_status
               ? nibble() - TicketColumns::first_custom_status + 1U
               : 0U;
  }
  [[nodiscard]] Priority to_priority() const noexcept {
    if (odd()) return c_->odd_event(i_).to_priority;
    return type() == EventType::priority ? static_cast<Priority>(nibble()) : Event().to_priority;
  }
  [[nodiscard]] int score() const noexcept {
    if (odd()) return c_->odd_event(i_).score;
    return type() == EventType::satisfaction || type() == EventType::nps ? nibble() : 0;
  }
  // Only an odd event has these: an sla_override or a change is one (ticket_columns.cpp, nibble_of).
  [[nodiscard]] std::string_view metric() const noexcept {
    return odd() && c_->odd_event(i_).due_at ? c_->odd_event(i_).text : std::string_view();
  }
  [[nodiscard]] std::optional<Instant> due_at() const noexcept {
    return odd() ? c_->odd_event(i_).due_at : std::nullopt;
  }
  [[nodiscard]] std::optional<ChangeView> change() const {
    if (!odd() || type() != EventType::custom) return std::nullopt;
    const auto kind = change_kind(name());
    if (!kind) return std::nullopt;
    const OddEvent& e = c_->odd_event(i_);
    return view_of(*kind, e.text, e.value);
  }

 private:
  [[nodiscard]] bool odd() const noexcept { return (c_->bits[i_] & TicketColumns::odd_bit) != 0; }
  [[nodiscard]] std::uint8_t nibble() const noexcept {
    return static_cast<std::uint8_t>(c_->bits[i_] >> TicketColumns::value_shift);
  }

  const TicketColumns* c_;
  std::size_t i_;
  Instant at_;  // read once, when the timeline is built: every engine reads it often
};

class BatchRow {
 public:
  using EventView = BatchEvent;

  BatchRow(const TicketColumns& c, std::size_t row) noexcept
      : c_(&c), row_(row), created_(c.created_at[row]), first_event_(c.begin_of(c.event_ends, row)) {
    if (c.currency[row] != 0) amount_.emplace(c.amount[row], c.currencies[c.currency[row] - 1]);
  }

  [[nodiscard]] std::string_view id() const noexcept { return c_->id_text(3 * row_); }
  [[nodiscard]] Instant created_at() const noexcept { return created_; }
  [[nodiscard]] Priority priority() const noexcept { return c_->priority[row_]; }
  [[nodiscard]] std::string_view channel() const noexcept { return c_->channels.text(c_->channel[row_]); }
  [[nodiscard]] std::string_view category() const noexcept { return c_->categories.text(c_->category[row_]); }
  [[nodiscard]] std::string_view customer_id() const noexcept { return c_->id_text(3 * row_ + 1); }
  [[nodiscard]] std::string_view customer_tier() const noexcept { return c_->tiers.text(c_->tier[row_]); }
  [[nodiscard]] std::string_view customer_language() const noexcept { return c_->languages.text(c_->language[row_]); }
  [[nodiscard]] const std::optional<Money>& order_amount() const noexcept { return amount_; }
  [[nodiscard]] std::size_t tag_count() const noexcept { return c_->tag_ends[row_] - first_tag(); }
  [[nodiscard]] std::string_view tag(std::size_t i) const noexcept { return c_->tags.text(c_->tag[first_tag() + i]); }
  [[nodiscard]] std::size_t field_count() const noexcept { return c_->field_ends[row_] - first_field(); }
  [[nodiscard]] std::string_view field_name(std::size_t i) const noexcept {
    return c_->field_names.text(c_->field_name[first_field() + i]);
  }
  [[nodiscard]] FieldView field_value(std::size_t i) const noexcept {
    const std::size_t f = first_field() + i;
    const std::uint64_t value = c_->field_value[f];
    switch (c_->field_kind[f]) {
      case FieldKind::text: return FieldView(c_->field_texts.text(static_cast<std::uint32_t>(value)));
      case FieldKind::number: return FieldView(std::bit_cast<double>(value));
      default: return FieldView(value != 0);
    }
  }
  [[nodiscard]] std::size_t event_count() const noexcept { return c_->event_ends[row_] - first_event_; }
  [[nodiscard]] BatchEvent event(std::size_t i) const noexcept {
    const std::size_t e = first_event_ + i;
    return BatchEvent(*c_, e, c_->event_at(e, created_));
  }
  [[nodiscard]] std::string_view custom_status_name(std::uint32_t id) const noexcept { return c_->statuses.text(id); }
  // A change event is an odd one: a batch without those has none.
  [[nodiscard]] bool may_change() const noexcept { return !c_->odd_events.empty(); }

 private:
  [[nodiscard]] std::uint64_t first_tag() const noexcept { return c_->begin_of(c_->tag_ends, row_); }
  [[nodiscard]] std::uint64_t first_field() const noexcept { return c_->begin_of(c_->field_ends, row_); }

  const TicketColumns* c_;
  std::size_t row_;
  Instant created_;
  std::uint64_t first_event_;
  std::optional<Money> amount_;
};

}  // namespace aftersales::detail
