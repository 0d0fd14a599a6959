#pragma once
// The columns of a TicketBatch (docs/performance.md, "Compact tickets"): one array per member of
// an event or a ticket, texts that repeat (agents, queues, channels, tags...) interned once per
// batch and stored as small integers whose width grows with the count of distinct texts (one
// byte for up to 255 agents), the ids every ticket has on its own in one character arena. An
// event takes 9 bytes where a Ticket's Event takes 120; the engines read the columns in place
// through ticket_view.hpp.

#include <aftersales/batch.hpp>
#include <aftersales/error.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "batch/batch.hpp"

namespace aftersales::detail {

/// Small integers in a column whose width (1, 2 or 4 bytes) is the narrowest that holds the
/// largest pushed so far: widening re-encodes the column, at most twice in its life.
class IdColumn {
 public:
  void push_back(std::uint32_t id) {
    // One byte wide, as most columns stay: a plain push_back.
    if (width_ == 1 && id <= UINT8_MAX) return bytes_.push_back(static_cast<std::uint8_t>(id));
    push_wide(id);
  }

  [[nodiscard]] std::uint32_t operator[](std::size_t i) const noexcept {
    switch (width_) {
      case 1: return bytes_[i];
      case 2: return load<std::uint16_t>(i);
      default: return load<std::uint32_t>(i);
    }
  }
  [[nodiscard]] std::size_t size() const noexcept { return bytes_.size() / width_; }
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return bytes_.capacity(); }
  void shrink_to_fit() { bytes_.shrink_to_fit(); }

 private:
  template <class U>
  [[nodiscard]] U load(std::size_t i) const noexcept {
    U value;
    std::memcpy(&value, bytes_.data() + i * sizeof(U), sizeof(U));
    return value;
  }
  void push_wide(std::uint32_t id);
  void widen(unsigned width);

  std::vector<std::uint8_t> bytes_;
  unsigned width_ = 1;
};

/// Texts interned once: id 0 is always the empty text, the others numbered in order of first use.
class Dictionary {
 public:
  Dictionary();
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  Dictionary(Dictionary&&) noexcept = default;
  Dictionary& operator=(Dictionary&&) noexcept = default;
  ~Dictionary() = default;

  /// The id of `text`, added if new.
  std::uint32_t intern(std::string_view text);
  /// Adds `text` with the next id without looking it up, as a dictionary written out is read
  /// back (ids kept, a text twice kept twice); intern() no longer finds what follows.
  void append(std::string_view text);
  [[nodiscard]] std::string_view text(std::uint32_t id) const noexcept {
    return {chars_.data() + ends_[id], ends_[id + 1] - ends_[id]};
  }
  [[nodiscard]] std::size_t size() const noexcept { return ends_.size() - 1; }
  /// Drops the lookup table: a finished batch only reads.
  void seal();
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  std::string chars_;
  std::vector<std::size_t> ends_{0, 0};  // text i is chars_[ends_[i], ends_[i + 1]); text 0 is empty
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
  };
  // Owns its keys: chars_ moves as it grows. Dropped by seal().
  std::unique_ptr<std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>>> ids_;
  std::uint32_t last_ = 0;  // the id intern() gave last
};

/// An event member the nibble of TicketColumns::bits cannot hold (a hand-built event's score
/// of 12, a `to_status` on a reply, a custom status): the event's such members, kept aside.
struct OddEvent {
  std::uint64_t event;
  Status to_status;
  Priority to_priority;
  int score;
  std::string text;  // an sla_override's metric (with due_at), a change's field or tag
  std::optional<Instant> due_at;
  std::optional<FieldScalar> value;  // a field_changed event's value; none: cleared
  std::uint32_t custom_status = 0;  // a status event's custom status: its id in TicketColumns::statuses
};

/// An event more than 2^32 - 2 ms (49 days) after its ticket's creation, or before it (only a
/// hand-built ticket has one): its instant, kept aside.
struct FarEvent {
  std::uint64_t event;
  Instant at;
};

enum class FieldKind : std::uint8_t { text, number, boolean };

/// Every member of every ticket of a batch, column by column. Immutable once built.
struct TicketColumns {
  // An event's `bits`: is_public, bot, and a nibble holding to_status, to_priority or score
  // (the one its type reads); `odd` when the event is in odd_events instead. A status event's
  // nibble from first_custom_status on holds a custom status, id 1 to 10 in `statuses`.
  static constexpr std::uint8_t is_public_bit = 1, bot_bit = 2, odd_bit = 4;
  static constexpr unsigned value_shift = 4;
  static constexpr unsigned first_custom_status = static_cast<unsigned>(Status::closed) + 1;
  static constexpr std::uint32_t far = UINT32_MAX;  // at_ms of an event in far_events

  // Per ticket.
  std::vector<Instant> created_at;
  std::vector<Priority> priority;
  IdColumn channel, category, tier, language;
  std::vector<std::uint64_t> id_ends;  // 3 per ticket: its id, customer id and order id in `ids`
  std::string ids;
  std::vector<std::int64_t> amount;  // minor units; its currency below
  IdColumn currency;                 // 0: no amount, else currencies[id - 1]
  std::vector<Currency> currencies;
  std::vector<std::uint64_t> event_ends, tag_ends, field_ends;  // ticket i's are [ends[i - 1], ends[i])

  // Per event.
  std::vector<std::uint32_t> at_ms;  // after created_at, or `far`
  std::vector<EventType> type;
  std::vector<std::uint8_t> bits;
  IdColumn agent, queue;
  IdColumn name;  // 0: the type's own name, else names.text(id - 1)
  std::vector<FarEvent> far_events;  // by event
  std::vector<OddEvent> odd_events;  // by event

  // Tags and fields.
  IdColumn tag;
  IdColumn field_name;
  std::vector<FieldKind> field_kind;
  std::vector<std::uint64_t> field_value;  // a double's bits, a boolean, or an id in field_texts

  Dictionary channels, categories, tiers, languages, agents, queues, names, tags, field_names, field_texts;
  Dictionary statuses;  // custom statuses (OddEvent::custom_status)

  [[nodiscard]] std::size_t size() const noexcept { return created_at.size(); }
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

  [[nodiscard]] std::uint64_t begin_of(const std::vector<std::uint64_t>& ends, std::size_t ticket) const noexcept {
    return ticket == 0 ? 0 : ends[ticket - 1];
  }
  [[nodiscard]] std::string_view id_text(std::size_t slot) const noexcept {
    const std::uint64_t begin = slot == 0 ? 0 : id_ends[slot - 1];
    return {ids.data() + begin, id_ends[slot] - begin};
  }
  [[nodiscard]] Instant event_at(std::size_t event, Instant created) const noexcept {
    const std::uint32_t ms = at_ms[event];
    return ms != far ? created + Duration{ms} : far_event(event).at;
  }
  [[nodiscard]] const FarEvent& far_event(std::size_t event) const noexcept;
  [[nodiscard]] const OddEvent& odd_event(std::size_t event) const noexcept;

  /// Ticket `index` as a Ticket, equal to the one appended.
  [[nodiscard]] Ticket ticket(std::size_t index) const;
};

/// Builds a batch one ticket at a time, keeping none of them.
class ColumnsBuilder {
 public:
  ColumnsBuilder();

  void append(const Ticket& ticket);
  /// The columns being built, for a reader that fills them itself (ticket_binary.cpp).
  [[nodiscard]] TicketColumns& columns() noexcept { return *c_; }
  /// The batch of the tickets appended; the builder is left empty.
  [[nodiscard]] TicketBatch finish();

 private:
  // `due` and `change` are an sla_override's or a change event's record, or null.
  void append_event(const Event& e, const DueOverride* due, const FieldChange* change, Instant created,
                    std::uint32_t custom_status);
  std::unique_ptr<TicketColumns> c_;
};

/// How a line that is not a valid ticket is reported: throws the error to report for `e`, the
/// error of reading `line`.
using PlaceLineError = std::function<void(const InputError& e, const batch::Line& line)>;

/// Appends the tickets of `lines` to `builder` in order, parsed on up to `threads` threads a
/// block of lines at a time (so that only a block's Tickets are ever held), counted in
/// `progress`.
/// @throws what `place` throws for the first line (in order) that is not a valid ticket.
void append_lines(ColumnsBuilder& builder, std::span<const batch::Line> lines, unsigned threads,
                  batch::Progress& progress, const PlaceLineError& place);

/// @throws NotFoundError if `batch` has no ticket `index`.
void require_row(const TicketBatch& batch, std::size_t index);

/// The columns of `batch`.
[[nodiscard]] const TicketColumns& columns_of(const TicketBatch& batch) noexcept;

}  // namespace aftersales::detail
