#pragma once
// Conditions (spec §1), as engines evaluate them: a flat program over field slots and interned
// strings, so evaluating one costs no string lookups and no allocation. Compiling one from JSON
// is condition_compile.hpp's business; this header knows no JSON, so an engine need not either.

#include <aftersales/calendar.hpp>
#include <aftersales/values.hpp>

#include <boost/container/small_vector.hpp>

#include <array>
#include <bitset>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ticket/status_categories.hpp"
#include "ticket/ticket_words.hpp"

namespace aftersales::detail {

/// A string interned in a policy's symbol table; strings the policy never mentions all map
/// to `no_symbol`, which equals nothing.
using Symbol = std::uint32_t;
inline constexpr Symbol no_symbol = 0xffffffffu;

/// Where a condition is evaluated; refund requests see more fields than tickets, and a custom
/// SLA metric's conditions, judged as the ticket's events apply, see the queue holding it.
enum class ConditionContext : std::uint8_t { ticket, refund, sla_metric };

/// The fields of spec §1 with a fixed slot; `fields.<name>` get slots after these.
enum class Field : std::uint16_t {
  channel, category, priority, status, customer_tier, customer_language, customer_id, tags, order_amount,
  reason, resolution, order_currency, item_category, item_condition, customer_credit_score, queue,
};
inline constexpr std::size_t fixed_field_count = 16;

/// Numbers are compared exactly as fixed-point millionths (money, scores, custom numbers).
inline constexpr std::int64_t number_scale = 1'000'000;

/// One field's value on the subject being tested.
struct FieldValue {
  enum class Kind : std::uint8_t { absent, text, number, boolean, list };
  Kind kind = Kind::absent;
  Symbol symbol = no_symbol;          // text
  std::string_view text;              // text
  std::int64_t number = 0;            // number, in millionths
  bool flag = false;                  // boolean
  std::span<const Symbol> symbols;    // list (tags)
  std::span<const std::string_view> texts;  // list
};

/// The policy-wide table of interned strings and custom-field slots, filled while loading.
class SymbolTable {
 public:
  SymbolTable();
  Symbol intern(std::string_view text);
  [[nodiscard]] Symbol find(std::string_view text) const;
  /// Slot of `fields.<name>`, allocated on first mention.
  std::size_t custom_field_slot(std::string_view name);
  [[nodiscard]] std::optional<std::size_t> find_custom_field(std::string_view name) const;
  [[nodiscard]] std::size_t slot_count() const noexcept { return fixed_field_count + custom_fields_.size(); }
  /// Records that a condition tests `field`, so subjects bind only the fields that matter.
  void note_use(Field field) noexcept { used_fields_.set(static_cast<std::size_t>(field)); }
  [[nodiscard]] bool used(Field field) const noexcept { return used_fields_.test(static_cast<std::size_t>(field)); }
  /// Records that a condition compares `field`'s text by symbol (eq, in, an ordering), not
  /// only by its characters (prefix, contains) or presence.
  void note_symbol_use(Field field) noexcept { symbol_fields_.set(static_cast<std::size_t>(field)); }
  /// Whether a text bound to `slot` needs its symbol looked up; custom fields always do.
  [[nodiscard]] bool symbol_used(std::size_t slot) const noexcept {
    return slot >= fixed_field_count || symbol_fields_.test(slot);
  }
  /// The policy's custom statuses (its `statuses`), which a condition on `status` may name
  /// beside the built-in ones; they must outlive the table.
  void set_custom_statuses(const StatusCategories& statuses) noexcept { custom_statuses_ = &statuses; }
  [[nodiscard]] bool is_custom_status(std::string_view name) const {
    return custom_statuses_->find(name).has_value();
  }

 private:
  // Transparent hashing: looking up a host's string_view allocates nothing.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
  };
  template <class T>
  using Map = std::unordered_map<std::string, T, Hash, std::equal_to<>>;

  Map<Symbol> symbols_;
  Map<std::size_t> custom_fields_;
  std::bitset<fixed_field_count> used_fields_;
  std::bitset<fixed_field_count> symbol_fields_;
  const StatusCategories* custom_statuses_ = &no_custom_statuses;
};

/// The values of one subject (a ticket, a refund request) indexed by slot. Hosts' strings are
/// resolved to symbols once here, when the subject is bound, not per condition, and only for
/// fields some condition compares by symbol. The fixed fields' values sit inline: a subject is
/// bound for every ticket routed or evaluated, and an allocation of their size would miss the
/// allocator's per-thread cache.
class Subject {
 public:
  explicit Subject(const SymbolTable& symbols) : symbols_(&symbols), values_(symbols.slot_count()) {}
  void set_text(std::size_t slot, std::string_view text);
  void set_number(std::size_t slot, std::int64_t millionths);
  void set_boolean(std::size_t slot, bool value);
  /// Leaves `slot` absent (a field cleared).
  void clear(std::size_t slot) noexcept { values_[slot] = {}; }
  /// `symbols` must have one entry per text, from `intern_list`; both must outlive the subject.
  void set_list(std::size_t slot, std::span<const Symbol> symbols, std::span<const std::string_view> texts);
  [[nodiscard]] std::vector<Symbol> intern_list(std::span<const std::string_view> texts) const;
  [[nodiscard]] const FieldValue& operator[](std::size_t slot) const noexcept { return values_[slot]; }
  /// The instant a calendar condition is judged at (routing: the routing instant; SLA
  /// policies: the ticket's creation). A subject without one matches no calendar condition.
  void set_instant(Instant at) noexcept { at_ = at; }
  [[nodiscard]] const std::optional<Instant>& instant() const noexcept { return at_; }

 private:
  const SymbolTable* symbols_;
  std::optional<Instant> at_;
  boost::container::small_vector<FieldValue, fixed_field_count + 1> values_;
};

/// A compiled condition (compile_condition() makes one). Default-constructed it matches
/// everything (a policy without `when`).
class Condition {
 public:
  Condition() = default;

  [[nodiscard]] bool matches(const Subject& subject) const { return steps_.empty() || evaluate(0, subject); }
  /// Whether it tests a calendar, and so needs the subject's instant.
  [[nodiscard]] bool timed() const noexcept { return !calendars_.empty(); }

  enum class Op : std::uint8_t { all, any, not_, eq, ne, in, not_in, prefix, contains, gt, gte, lt, lte, exists, calendar_open };

  struct Step {
    Op op = Op::exists;
    bool flag = false;                 // exists: the value wanted; eq/ne on booleans
    std::uint16_t operand_kind = 0;    // FieldValue::Kind of the operand
    std::uint32_t slot = 0;            // leaves: the field's slot
    std::uint32_t first = 0, count = 0;  // all/any/not: children in `children_`; in/not_in: operands;
                                         // calendar_open: the calendar in `calendars_`
    Symbol symbol = no_symbol;         // text operand
    std::int64_t number = 0;           // number operand
    std::string text;                  // text operand, for prefix/contains
  };

 private:
  // The compiler (condition_compile.cpp) is the only code that writes a program.
  friend class ConditionCompiler;

  [[nodiscard]] bool evaluate(std::uint32_t step, const Subject& subject) const;
  [[nodiscard]] bool evaluate_leaf(Op op, const Step& step, const FieldValue& value) const;
  [[nodiscard]] bool calendar_open(const Step& step, const Subject& subject) const;

  std::vector<Step> steps_;
  std::vector<std::uint32_t> children_;
  std::vector<Symbol> symbol_operands_;        // in/not_in over text, sorted
  std::vector<std::int64_t> number_operands_;  // in/not_in over numbers, sorted
  std::vector<Calendar> calendars_;            // calendar_open operands
};

/// The calendars a condition may name (`{"calendar": NAME, "open": BOOL}`); only the sections
/// whose conditions are judged at a known instant (routing rules, SLA policies) pass them.
struct ConditionCalendars {
  const std::map<std::string, Calendar, std::less<>>& calendars;
  const std::set<std::string, std::less<>>& invalid;  // failed their own validation: reported there
};

/// A date range a routing rule or SLA policy applies in (`"valid": {"from", "to"}`), as
/// instants: [from, until), milliseconds since the epoch. The default is always.
struct Validity {
  std::int64_t from = INT64_MIN;
  std::int64_t until = INT64_MAX;
  [[nodiscard]] bool contains(Instant at) const noexcept {
    const auto ms = at.time_since_epoch().count();
    return from <= ms && ms < until;
  }
};

/// A binary floating-point number as millionths, rounded; nullopt for NaN and out of range.
std::optional<std::int64_t> double_millionths(double value);

}  // namespace aftersales::detail
