#include "ticket/ticket_binary.hpp"

#include <aftersales/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <unordered_map>
#include <variant>

#include "text/text.hpp"
#include "ticket/ticket_columns.hpp"
#include "ticket/ticket_limits.hpp"

namespace aftersales::detail {

namespace {

constexpr std::string_view magic = "ASTB";
constexpr std::uint8_t version = 1;

// The path of ticket `index` and below: tickets[3].events[2].score.
std::string ticket_path(std::size_t index, std::string_view below = {}) {
  std::string path = "tickets[" + std::to_string(index) + "]";
  if (!below.empty()) path.append(".").append(below);
  return path;
}

std::string event_path(std::size_t ticket, std::size_t event, std::string_view member) {
  return ticket_path(ticket, "events[" + std::to_string(event) + "]." + std::string(member));
}

// Text that repeats from ticket to ticket (a channel, an agent, a tag) is written once: its
// first use as 0 and the text, each later one as its number in order of first use, plus one.
class WrittenNames {
 public:
  void code(BinaryWriter& a, const std::string& name) {
    if (const auto it = numbers_.find(std::string_view(name)); it != numbers_.end()) return a.natural(it->second + 1);
    numbers_.emplace(name, numbers_.size());
    a.natural(0);
    a.text(name);
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
  };
  // Owns its keys: each ticket is rebuilt from the batch's columns only while it is written.
  std::unordered_map<std::string, std::uint64_t, Hash, std::equal_to<>> numbers_;
};

class ReadNames {
 public:
  void code(BinaryReader& a, std::string& name) {
    const std::uint64_t number = a.below(names_.size() + 1);
    if (number == 0) names_.push_back(a.text());
    name.assign(names_[number == 0 ? names_.size() - 1 : number - 1]);
  }

 private:
  std::vector<std::string_view> names_;  // views into the data read
};

// One description of a ticket for both directions (A = BinaryWriter with const tickets, or
// BinaryReader), checking as it reads what the ticket readers check.
template <class A>
class TicketCoder {
 public:
  explicit TicketCoder(A& a) : a_(a) {}

  template <class T>
  void ticket(T& t, std::size_t index) {
    index_ = index;
    code_all(a_, t.id, t.created_at);
    names(t.channel, t.category);
    code(a_, t.priority);
    code(a_, t.customer.id);
    names(t.customer.tier, t.customer.language);
    code_all(a_, t.order.id, t.order.amount);
    list(t.tags, [&](auto& tag) { names(tag); });
    list(t.fields, [&](auto& field) {
      names(field.first);
      code(a_, field.second);
    });
    if constexpr (A::reading) check_fields(t);
    events(t);
  }

 private:
  template <class... S>
  void names(S&... texts) {
    (names_.code(a_, texts), ...);
  }

  template <class List, class Item>
  void list(List& items, Item&& item) {
    if constexpr (A::reading) {
      const std::size_t size = a_.count();
      for (std::size_t i = 0; i < size; ++i) item(items.emplace_back());
    } else {
      a_.natural(items.size());
      for (auto& each : items) item(each);
    }
  }

  template <class T>
  void events(T& t) {
    if constexpr (A::reading) {
      const std::size_t size = a_.count();
      if (size > max_ticket_events) throw InputError(too_many_events(size), ticket_path(index_, "events"));
      t.events.resize(size);
    } else {
      a_.natural(t.events.size());
    }
    for (std::size_t i = 0; i < t.events.size(); ++i) event(t.events[i], t.created_at, i);
  }

  template <class E>
  void event(E& e, Instant created, std::size_t i) {
    code(a_, e.type);
    if (e.type == EventType::custom) {
      names(e.name);
      if constexpr (A::reading) check_custom_name(e.name, i);
    } else if constexpr (A::reading) {
      e.name.assign(to_string(e.type));
    }
    since(e.at, created, i);
    names(e.agent, e.queue);
    flags(e);
    if (e.type == EventType::status) {
      code(a_, e.to_status);
      if constexpr (A::reading) {
        if (e.to_status != Status::open && e.to_status != Status::pending_customer && e.to_status != Status::on_hold)
          throw InputError(quoted(to_string(e.to_status)) + " is not a status an event can set", event_path(index_, i, "to"));
      }
    } else if (e.type == EventType::priority) {
      code(a_, e.to_priority);
    } else if (e.type == EventType::satisfaction || e.type == EventType::nps) {
      code(a_, e.score);
      if constexpr (A::reading) check_score(e, i);
    }
  }

  // An event's instant, as milliseconds after the ticket's creation: the readers refuse an
  // event before it.
  template <class I>
  void since(I& at, Instant created, std::size_t i) {
    if constexpr (A::reading) {
      const std::uint64_t after = a_.natural();
      if (after > static_cast<std::uint64_t>((max_instant - created).count()))
        throw InputError("an event after the supported range (years 1970-2200)", event_path(index_, i, "at"));
      at = created + Duration{static_cast<std::int64_t>(after)};
    } else {
      if (at < created)
        throw InputError("the event is at " + format_instant(at) + ", before the ticket was created (" +
                             format_instant(created) + ")",
                         event_path(index_, i, "at"));
      a_.natural(static_cast<std::uint64_t>((at - created).count()));
    }
  }

  template <class E>
  void flags(E& e) {
    if constexpr (A::reading) {
      const std::uint64_t bits = a_.below(4);
      e.is_public = (bits & 1u) != 0;
      e.bot = (bits & 2u) != 0;
    } else {
      a_.natural((e.is_public ? 1u : 0u) | (e.bot ? 2u : 0u));
    }
  }

  void check_custom_name(const std::string& name, std::size_t i) const {
    if (name.empty()) throw InputError("the event type is empty", event_path(index_, i, "type"));
    // A built-in type is written by its number: its name here means the data was made otherwise.
    if (event_type(name) != EventType::custom)
      throw InputError(quoted(name) + " is a built-in event type written as a custom one", event_path(index_, i, "type"));
  }

  void check_score(const Event& e, std::size_t i) const {
    const int low = e.type == EventType::satisfaction ? 1 : 0;
    const int high = e.type == EventType::satisfaction ? 5 : 10;
    if (e.score < low || e.score > high)
      throw InputError("a " + e.name + " score is " + std::to_string(low) + " to " + std::to_string(high) + ", not " +
                           std::to_string(e.score),
                       event_path(index_, i, "score"));
  }

  void check_fields(const Ticket& t) const {
    for (std::size_t i = 0; i < t.fields.size(); ++i) {
      // Not a structured binding: clang 14, which builds the fuzzers, cannot capture one.
      const std::string& name = t.fields[i].first;
      const std::string path = ticket_path(index_, "fields." + name);
      if (const double* number = std::get_if<double>(&t.fields[i].second); number && !std::isfinite(*number))
        throw InputError("a field must be text, a number, true or false", path);
      const auto before = t.fields.begin() + static_cast<std::ptrdiff_t>(i);
      if (std::any_of(t.fields.begin(), before, [&](const auto& other) { return other.first == name; }))
        throw InputError("a field named twice", path);
    }
  }

  A& a_;
  std::conditional_t<A::reading, ReadNames, WrittenNames> names_;
  std::size_t index_ = 0;
};

}  // namespace

std::string write_tickets(const TicketBatch& batch) {
  BinaryWriter writer(magic, version);
  writer.natural(batch.size());
  TicketCoder coder(writer);
  const TicketColumns& columns = columns_of(batch);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Ticket ticket = columns.ticket(i);
    coder.ticket(ticket, i);
  }
  return std::move(writer).finish();
}

TicketBatch read_tickets(std::string_view data) {
  BinaryReader reader(data, magic, version, "ticket batch data");
  const std::size_t size = reader.count();
  ColumnsBuilder builder;
  TicketCoder coder(reader);
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t start = reader.offset();
    Ticket ticket;
    coder.ticket(ticket, i);
    if (reader.offset() - start > max_ticket_bytes)
      throw InputError("a ticket may take at most " + std::to_string(max_ticket_bytes >> 20) + " MiB", ticket_path(i));
    builder.append(ticket);
  }
  reader.finish();
  return builder.finish();
}

}  // namespace aftersales::detail
