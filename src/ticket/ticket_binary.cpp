#include "ticket/ticket_binary.hpp"

#include <aftersales/error.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

#include "text/text.hpp"
#include "ticket/ticket_columns.hpp"
#include "ticket/ticket_limits.hpp"
#include "ticket/ticket_view.hpp"
#include "ticket/ticket_words.hpp"

namespace aftersales::detail {

namespace {

constexpr std::string_view magic = "ASTB";
// 2: the columns of a TicketBatch (1 wrote ticket by ticket, which meant rebuilding each). An
// sla_override event's metric and due instant follow its values: a form for another process of
// the same library (read_tickets), which this one cannot meet written without them.
// 3: custom statuses (docs/sla.md, "Status categories"): a dictionary of their names, and a status
// event's value from enum_count<Status> on is a custom status's id in it plus enum_count<Status> - 1.
// 4: the events that change fields and tags (docs/sla.md, "Events that change fields and
// tags"): after a field_changed event's values, its field's name, then its value's kind (0
// cleared, then FieldKind + 1) and value as a field's; after a tag event's, its tag.
constexpr std::uint8_t version = 4;

// The path of ticket `index` and below: tickets[3].events[2].score.
std::string ticket_path(std::size_t index, std::string_view below = {}) {
  std::string path = "tickets[" + std::to_string(index) + "]";
  if (!below.empty()) path.append(".").append(below);
  return path;
}

std::string event_path(std::size_t ticket, std::size_t event, std::string_view member) {
  return ticket_path(ticket, "events[" + std::to_string(event) + "]." + std::string(member));
}

// The dictionaries in the order of the form.
template <class C>
auto dictionaries(C& c) {
  return std::array{&c.channels, &c.categories, &c.tiers,       &c.languages,   &c.agents,  &c.queues,
                    &c.names,    &c.tags,       &c.field_names, &c.field_texts, &c.statuses};
}

template <class C>
auto ticket_ids(C& c) {
  return std::array{&c.channel, &c.category, &c.tier, &c.language};
}

// Calls `f(ticket, k, event)` for each event of each ticket, in order.
template <class F>
void for_each_event(const std::vector<std::uint64_t>& event_ends, F&& f) {
  std::uint64_t e = 0;
  for (std::size_t t = 0; t < event_ends.size(); ++t)
    for (std::size_t k = 0; e < event_ends[t]; ++k, ++e) f(t, k, e);
}

bool is_scored(EventType type) { return type == EventType::satisfaction || type == EventType::nps; }

void write_override(BinaryWriter& w, const BatchEvent& event, std::size_t t, std::size_t k) {
  // Only a hand-built ticket lacks one; the readers refuse it, so this form cannot hold it.
  if (!event.due_at()) throw InputError("an sla_override event needs a due instant", event_path(t, k, "due_at"));
  w.text(event.metric());
  w.integer(event.due_at()->time_since_epoch().count());
}

void write_change(BinaryWriter& w, const ChangeView& change) {
  w.text(change.name);
  if (change.kind != ChangeKind::field) return;
  if (!change.value) return w.natural(0);
  if (const auto* text = std::get_if<std::string_view>(&*change.value)) {
    w.natural(static_cast<std::uint64_t>(FieldKind::text) + 1);
    w.text(*text);
  } else if (const auto* number = std::get_if<double>(&*change.value)) {
    w.natural(static_cast<std::uint64_t>(FieldKind::number) + 1);
    w.real(*number);
  } else {
    w.natural(static_cast<std::uint64_t>(FieldKind::boolean) + 1);
    w.natural(std::get<bool>(*change.value) ? 1 : 0);
  }
}

void write_events(BinaryWriter& w, const TicketColumns& c) {
  for (const EventType type : c.type) w.natural(static_cast<std::uint64_t>(type));
  // A built-in event is written by its type alone, and read back with its own name.
  for (std::size_t e = 0; e < c.type.size(); ++e)
    if (c.type[e] == EventType::custom) w.natural(c.name[e] == 0 ? 0 : c.name[e] - 1);  // its id in `names`
  for_each_event(c.event_ends, [&](std::size_t t, std::size_t k, std::uint64_t e) {
    const Instant created = c.created_at[t];
    const Instant at = c.event_at(e, created);
    // Only a hand-built ticket has one; the readers refuse it, so this form cannot hold it.
    if (at < created)
      throw InputError("the event is at " + format_instant(at) + ", before the ticket was created (" +
                           format_instant(created) + ")",
                       event_path(t, k, "at"));
    w.natural(static_cast<std::uint64_t>((at - created).count()));
  });
  for (const IdColumn* column : {&c.agent, &c.queue})
    for (std::size_t e = 0; e < column->size(); ++e) w.natural((*column)[e]);
  for (const std::uint8_t bits : c.bits) w.natural(bits & (TicketColumns::is_public_bit | TicketColumns::bot_bit));
  for_each_event(c.event_ends, [&](std::size_t t, std::size_t k, std::uint64_t e) {
    const BatchEvent event(c, e, c.created_at[t]);
    if (event.type() == EventType::status && event.custom_status() != 0)
      w.natural(enum_count<Status> - 1 + event.custom_status());
    else if (event.type() == EventType::status) w.natural(static_cast<std::uint64_t>(event.to_status()));
    else if (event.type() == EventType::priority) w.natural(static_cast<std::uint64_t>(event.to_priority()));
    else if (is_scored(event.type())) w.integer(event.score());
    else if (event.type() == EventType::custom && event.name() == override_event_name) write_override(w, event, t, k);
    else if (const auto change = event.change()) write_change(w, *change);
  });
}

void write_fields(BinaryWriter& w, const TicketColumns& c) {
  for (std::size_t f = 0; f < c.field_name.size(); ++f) {
    w.natural(c.field_name[f]);
    w.natural(static_cast<std::uint64_t>(c.field_kind[f]));
    if (c.field_kind[f] == FieldKind::number) w.real(std::bit_cast<double>(c.field_value[f]));
    else w.natural(c.field_value[f]);
  }
}

// Reads the form into the columns of a batch, checking what the ticket readers check.
class ColumnsReader {
 public:
  ColumnsReader(BinaryReader& r, TicketColumns& c) : r_(r), c_(c) {}

  void read() {
    const std::size_t count = r_.count();
    for (Dictionary* d : dictionaries(c_)) {
      const std::size_t size = r_.count();
      for (std::size_t i = 0; i < size; ++i) d->append(r_.text());
    }
    read_currencies();
    for (std::size_t t = 0; t < count; ++t) c_.created_at.push_back(r_.instant());
    for (std::size_t t = 0; t < count; ++t) c_.priority.push_back(static_cast<Priority>(r_.below(enum_count<Priority>)));
    const auto dictionary = dictionaries(c_);
    const auto ids = ticket_ids(c_);
    for (std::size_t column = 0; column < ids.size(); ++column)
      for (std::size_t t = 0; t < count; ++t) ids[column]->push_back(id_below(dictionary[column]->size()));
    read_ids(count);
    for (std::size_t t = 0; t < count; ++t) {
      const auto currency = static_cast<std::uint32_t>(r_.below(c_.currencies.size() + 1));
      c_.currency.push_back(currency);
      c_.amount.push_back(currency != 0 ? r_.integer() : 0);
    }
    read_ends(count);
    read_events();
    // A batch of no tickets has no ends (fuzz_ticket_batch found it).
    const std::uint64_t tags = count == 0 ? 0 : c_.tag_ends.back();
    for (std::uint64_t i = 0; i < tags; ++i) c_.tag.push_back(id_below(c_.tags.size()));
    read_fields(count);
    r_.finish();
  }

 private:
  std::uint32_t id_below(std::size_t size) { return static_cast<std::uint32_t>(r_.below(size)); }

  void read_currencies() {
    const std::size_t size = r_.count();
    for (std::size_t i = 0; i < size; ++i) {
      const std::string_view code = r_.text();
      try {
        c_.currencies.push_back(currency(code));
      } catch (const InputError& e) {
        r_.fail(e.what());
      }
    }
  }

  void read_ids(std::size_t count) {
    for (std::size_t t = 0; t < count; ++t) {
      const std::size_t start = c_.ids.size();
      for (int slot = 0; slot < 3; ++slot) {
        c_.ids += r_.text();
        c_.id_ends.push_back(c_.ids.size());
      }
      // As a ticket's JSON may take: no id is longer than a document the readers accept.
      if (c_.ids.size() - start > max_ticket_bytes)
        throw InputError("a ticket may take at most " + std::to_string(max_ticket_bytes >> 20) + " MiB", ticket_path(t));
    }
  }

  // The ends of each ticket's events, tags and fields, from their counts.
  void read_ends(std::size_t count) {
    for (auto* ends : {&c_.event_ends, &c_.tag_ends, &c_.field_ends}) {
      std::uint64_t end = 0;
      for (std::size_t t = 0; t < count; ++t) {
        const std::size_t size = r_.count();
        if (ends == &c_.event_ends && size > max_ticket_events)
          throw InputError(too_many_events(size), ticket_path(t, "events"));
        ends->push_back(end += size);
      }
    }
  }

  void read_events() {
    // Each event takes a byte at least in each column: no more are made than the data holds.
    for_each_event(c_.event_ends, [&](std::size_t, std::size_t, std::uint64_t) {
      c_.type.push_back(static_cast<EventType>(r_.below(enum_count<EventType>)));
    });
    for_each_event(c_.event_ends, [&](std::size_t t, std::size_t k, std::uint64_t e) {
      if (c_.type[e] != EventType::custom) return c_.name.push_back(0);
      const std::uint32_t name = id_below(c_.names.size());
      const std::string_view text = c_.names.text(name);
      if (text.empty()) throw InputError("the event type is empty", event_path(t, k, "type"));
      // A built-in type is written by its number: its name here means the data was made otherwise.
      if (event_type(text) != EventType::custom)
        throw InputError(quoted(text) + " is a built-in event type written as a custom one", event_path(t, k, "type"));
      c_.name.push_back(name + 1);
    });
    for_each_event(c_.event_ends, [&](std::size_t t, std::size_t k, std::uint64_t e) {
      const Instant created = c_.created_at[t];
      const std::uint64_t after = r_.natural();
      if (after > static_cast<std::uint64_t>((max_instant - created).count()))
        throw InputError("an event after the supported range (years 1970-2200)", event_path(t, k, "at"));
      if (after < TicketColumns::far) {
        c_.at_ms.push_back(static_cast<std::uint32_t>(after));
      } else {
        c_.at_ms.push_back(TicketColumns::far);
        c_.far_events.push_back({e, created + Duration{static_cast<std::int64_t>(after)}});
      }
    });
    for (IdColumn* column : {&c_.agent, &c_.queue}) {
      const std::size_t size = (column == &c_.agent ? c_.agents : c_.queues).size();
      for (std::size_t e = 0; e < c_.type.size(); ++e) column->push_back(id_below(size));
    }
    for (std::size_t e = 0; e < c_.type.size(); ++e) c_.bits.push_back(static_cast<std::uint8_t>(r_.below(4)));
    for_each_event(c_.event_ends, [&](std::size_t t, std::size_t k, std::uint64_t e) { read_value(t, k, e); });
  }

  // The member its type has, into the nibble of the event's bits.
  void read_value(std::size_t t, std::size_t k, std::uint64_t e) {
    const EventType type = c_.type[e];
    std::uint64_t value = 0;
    if (type == EventType::status) {
      value = r_.below(enum_count<Status> - 1 + c_.statuses.size());
      if (value >= enum_count<Status>) return read_custom_status(t, k, e, value - (enum_count<Status> - 1));
      const auto status = static_cast<Status>(value);
      if (status != Status::open && status != Status::pending_customer && status != Status::on_hold)
        throw InputError(quoted(to_string(status)) + " is not a status an event can set", event_path(t, k, "to"));
    } else if (type == EventType::priority) {
      value = r_.below(enum_count<Priority>);
    } else if (is_scored(type)) {
      const std::int64_t score = r_.integer();
      const int low = type == EventType::satisfaction ? 1 : 0;
      const int high = type == EventType::satisfaction ? 5 : 10;
      if (score < low || score > high)
        throw InputError("a " + std::string(to_string(type)) + " score is " + std::to_string(low) + " to " +
                             std::to_string(high) + ", not " + std::to_string(score),
                         event_path(t, k, "score"));
      value = static_cast<std::uint64_t>(score);
    } else if (type == EventType::custom && c_.name[e] != 0) {
      const std::string_view name = c_.names.text(c_.name[e] - 1);
      if (name == override_event_name) return read_override(t, k, e);
      if (const auto kind = change_kind(name)) return read_change(t, k, e, *kind);
    }
    c_.bits[e] = static_cast<std::uint8_t>(c_.bits[e] | value << TicketColumns::value_shift);
  }

  // A custom status, id `id` of `statuses` (not 0, the empty text), in the nibble as the
  // columns hold it, or past its range in odd_events.
  void read_custom_status(std::size_t t, std::size_t k, std::uint64_t e, std::uint64_t id) {
    const auto status = static_cast<std::uint32_t>(id);
    // The ticket readers give a built-in status its enum, and refuse an empty one.
    const std::string_view name = c_.statuses.text(status);
    if (name.empty() || status_named(name))
      throw InputError(quoted(name) + " is not a custom status", event_path(t, k, "to"));
    if (status <= 16 - TicketColumns::first_custom_status) {
      c_.bits[e] = static_cast<std::uint8_t>(c_.bits[e] | (TicketColumns::first_custom_status + status - 1)
                                                              << TicketColumns::value_shift);
      return;
    }
    c_.odd_events.push_back({e, Event().to_status, Event().to_priority, 0, {}, std::nullopt, std::nullopt, status});
    c_.bits[e] = static_cast<std::uint8_t>(c_.bits[e] | TicketColumns::odd_bit);
  }

  // An sla_override's metric and due instant, checked as the ticket reader checks them.
  void read_override(std::size_t t, std::size_t k, std::uint64_t e) {
    OddEvent odd{e, Event().to_status, Event().to_priority, 0, std::string(r_.text()), r_.instant(), std::nullopt, 0};
    if (odd.text.empty()) throw InputError("the metric is empty", event_path(t, k, "metric"));
    if (*odd.due_at <= c_.event_at(e, c_.created_at[t]))
      throw InputError("the due instant must be after the event's own", event_path(t, k, "due_at"));
    c_.odd_events.push_back(std::move(odd));
    c_.bits[e] = static_cast<std::uint8_t>(c_.bits[e] | TicketColumns::odd_bit);
  }

  // A change event's field or tag, and a field's new value, checked as the ticket reader checks them.
  void read_change(std::size_t t, std::size_t k, std::uint64_t e, ChangeKind kind) {
    const bool field = kind == ChangeKind::field;
    OddEvent odd{e, Event().to_status, Event().to_priority, 0, std::string(r_.text()), std::nullopt, std::nullopt, 0};
    if (odd.text.empty())
      throw InputError(field ? "the field name is empty" : "the tag is empty", event_path(t, k, field ? "field" : "tag"));
    if (field) {
      switch (r_.below(4)) {
        case 0: break;
        case static_cast<std::uint64_t>(FieldKind::text) + 1: odd.value = std::string(r_.text()); break;
        case static_cast<std::uint64_t>(FieldKind::number) + 1: {
          const double number = r_.real();
          if (!std::isfinite(number))
            throw InputError("a field's value must be text, a number, true, false or null", event_path(t, k, "value"));
          odd.value = number;
          break;
        }
        default: odd.value = r_.below(2) != 0; break;
      }
    }
    c_.odd_events.push_back(std::move(odd));
    c_.bits[e] = static_cast<std::uint8_t>(c_.bits[e] | TicketColumns::odd_bit);
  }

  void read_fields(std::size_t count) {
    for (std::size_t t = 0; t < count; ++t) {
      const std::uint64_t first = c_.field_name.size();
      for (std::uint64_t f = first; f < c_.field_ends[t]; ++f) {
        const std::uint32_t name = id_below(c_.field_names.size());
        const std::string path = ticket_path(t, "fields." + std::string(c_.field_names.text(name)));
        for (std::uint64_t other = first; other < f; ++other)
          if (c_.field_names.text(c_.field_name[other]) == c_.field_names.text(name))
            throw InputError("a field named twice", path);
        c_.field_name.push_back(name);
        const auto kind = static_cast<FieldKind>(r_.below(3));
        c_.field_kind.push_back(kind);
        if (kind == FieldKind::number) {
          const double number = r_.real();
          if (!std::isfinite(number)) throw InputError("a field must be text, a number, true or false", path);
          c_.field_value.push_back(std::bit_cast<std::uint64_t>(number));
        } else {
          c_.field_value.push_back(r_.below(kind == FieldKind::text ? c_.field_texts.size() : 2));
        }
      }
    }
  }

  BinaryReader& r_;
  TicketColumns& c_;
};

}  // namespace

std::string write_tickets(const TicketBatch& batch) {
  const TicketColumns& c = columns_of(batch);
  BinaryWriter w(magic, version);
  w.natural(c.size());
  for (const Dictionary* d : dictionaries(c)) {
    w.natural(d->size() - 1);  // the empty text, id 0, goes without saying
    for (std::uint32_t id = 1; id < d->size(); ++id) w.text(d->text(id));
  }
  w.natural(c.currencies.size());
  for (const Currency& currency : c.currencies) w.text(currency.code_view());
  for (const Instant created : c.created_at) w.integer(created.time_since_epoch().count());
  for (const Priority priority : c.priority) w.natural(static_cast<std::uint64_t>(priority));
  for (const IdColumn* column : ticket_ids(c))
    for (std::size_t t = 0; t < c.size(); ++t) w.natural((*column)[t]);
  for (std::size_t slot = 0; slot < c.id_ends.size(); ++slot) w.text(c.id_text(slot));
  for (std::size_t t = 0; t < c.size(); ++t) {
    w.natural(c.currency[t]);
    if (c.currency[t] != 0) w.integer(c.amount[t]);
  }
  for (const auto* ends : {&c.event_ends, &c.tag_ends, &c.field_ends})
    for (std::size_t t = 0; t < c.size(); ++t) w.natural((*ends)[t] - c.begin_of(*ends, t));
  write_events(w, c);
  for (std::size_t i = 0; i < c.tag.size(); ++i) w.natural(c.tag[i]);
  write_fields(w, c);
  return std::move(w).finish();
}

TicketBatch read_tickets(std::string_view data) {
  // Version 1 is not read: a pickle is for another process of the same library.
  BinaryReader reader(data, magic, version, "ticket batch data", version);
  ColumnsBuilder builder;
  ColumnsReader(reader, builder.columns()).read();
  return builder.finish();
}

}  // namespace aftersales::detail
