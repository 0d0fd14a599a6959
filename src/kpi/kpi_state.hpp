#pragma once
// The accumulator's state: per group, the counters behind every rate, the two duration
// sketches and the SLA tallies. Shared by the engine (kpi.cpp) and its JSON form.

#include <aftersales/kpi.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kpi/kpi_rules.hpp"
#include "kpi/quantile_sketch.hpp"
#include "text/names.hpp"

#include <boost/container/small_vector.hpp>
#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <date/tz.h>

namespace aftersales::detail {

enum Counter : std::uint8_t {
  tickets, resolved, backlog, ever_resolved, reopened, fcr, one_touch, bot_resolved, escalated, reassigned,
  rated, satisfied, nps_rated, promoters, detractors, complaints,
};
inline constexpr std::size_t counter_count = 16;
inline constexpr std::array<std::string_view, counter_count> counter_names{
    "tickets", "resolved", "backlog", "ever_resolved", "reopened", "fcr", "one_touch", "bot_resolved",
    "escalated", "reassigned", "rated", "satisfied", "nps_rated", "promoters", "detractors", "complaints"};

using GroupKey = std::vector<std::optional<std::string>>;

/// What a field dimension without a name is told.
inline constexpr std::string_view unnamed_field =
    "a field dimension needs the field's name: fields.<name>, such as fields.region";

/// The text of a number (shortest round trip: at most 24 characters).
using NumberText = std::array<char, 32>;

/// The values one group_by dimension has taken in an accumulator, each interned once: a group's
/// key is then a short tuple of small integers, hashed and compared without touching text, and
/// each text is held once, not once per group.
class DimensionValues {
 public:
  /// The id of "no value" (a null key part); a text's id is its number in `names_` plus 1.
  static constexpr std::uint32_t null_id = 0;

  /// The id of `text`, interned if new.
  std::uint32_t id(std::string_view text) { return names_.intern(text) + 1; }
  std::uint32_t id(const std::optional<std::string_view>& text) { return text ? id(*text) : null_id; }
  /// The id of the value numbered `number` (a local day, hour, week or month; a priority), its
  /// text made by `text_of(number)` only the first time the number is met: most tickets find
  /// their time period without writing a date.
  template <class TextOf>
  std::uint32_t id_of_number(std::int64_t number, const TextOf& text_of) {
    // Tickets counted in creation order fall on the same day, ticket after ticket.
    if (last_ && last_->first == number) return last_->second;
    auto found = numbers_.find(number);
    if (found == numbers_.end()) found = numbers_.emplace(number, id(std::string_view(text_of(number)))).first;
    last_ = *found;
    return found->second;
  }
  /// The id of `text` if it was interned, without interning it.
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view text) const {
    const auto number = names_.find(text);
    if (!number) return std::nullopt;
    return *number + 1;
  }
  /// The text of `id`; null for null_id.
  [[nodiscard]] std::optional<std::string_view> text(std::uint32_t id) const {
    if (id == null_id) return std::nullopt;
    return names_.name_or(id - 1, {});
  }
  /// The ids in use are 1 ... size().
  [[nodiscard]] std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(names_.size()); }

 private:
  Names names_;
  boost::unordered_flat_map<std::int64_t, std::uint32_t> numbers_;  // a cache in front of names_
  std::optional<std::pair<std::int64_t, std::uint32_t>> last_;    // the number last asked for, and its id
};

/// A group's key while a ticket is counted: one id per group_by dimension.
using KeyIds = boost::container::small_vector<std::uint32_t, 6>;

/// The sketches of the SLA status clocks requester_wait_time, agent_work_time and on_hold_time,
/// made when a group first counts one: most policies track none, and a pass over many groups
/// pays for each group's size.
class StatusClockSketches {
 public:
  static constexpr std::size_t count = 3;

  StatusClockSketches() = default;
  StatusClockSketches(const StatusClockSketches& other) : sketches_(copy(other)) {}
  StatusClockSketches& operator=(const StatusClockSketches& other) {
    if (this != &other) sketches_ = copy(other);
    return *this;
  }
  StatusClockSketches(StatusClockSketches&&) noexcept = default;
  StatusClockSketches& operator=(StatusClockSketches&&) noexcept = default;
  ~StatusClockSketches() = default;

  /// Clock `k`'s sketch, empty when none was made.
  [[nodiscard]] const QuantileSketch& get(std::size_t k) const {
    static const QuantileSketch empty;
    return sketches_ ? (*sketches_)[k] : empty;
  }
  /// Clock `k`'s sketch, made with its siblings if need be.
  QuantileSketch& make(std::size_t k) {
    if (!sketches_) sketches_ = std::make_unique<Sketches>();
    return (*sketches_)[k];
  }

 private:
  using Sketches = std::array<QuantileSketch, count>;
  static std::unique_ptr<Sketches> copy(const StatusClockSketches& other) {
    return other.sketches_ ? std::make_unique<Sketches>(*other.sketches_) : nullptr;
  }
  std::unique_ptr<Sketches> sketches_;
};

struct GroupState {
  std::array<std::int64_t, counter_count> counts{};
  // With compensation records: tickets compensated, and the minor units of their compensations.
  std::array<std::int64_t, 2> compensation{};
  QuantileSketch first_response;  // milliseconds
  QuantileSketch resolution;
  StatusClockSketches status_clocks;
  std::vector<std::array<std::int64_t, 2>> sla;  // by SLA metric id: achieved, breached

  void merge(const GroupState& other);
};

template <QuantileSketch GroupState::*Member>
const QuantileSketch& member_sketch(const GroupState& g) {
  return g.*Member;
}
template <QuantileSketch GroupState::*Member>
QuantileSketch& make_member_sketch(GroupState& g) {
  return g.*Member;
}
template <std::size_t Clock>
const QuantileSketch& clock_sketch(const GroupState& g) {
  return g.status_clocks.get(Clock);
}
template <std::size_t Clock>
QuantileSketch& make_clock_sketch(GroupState& g) {
  return g.status_clocks.make(Clock);
}

struct GroupSketch {
  std::string_view name;  // in the KPI state
  const QuantileSketch& (*get)(const GroupState&);
  QuantileSketch& (*make)(GroupState&);
};

/// A group's duration sketches, as the KPI state names them; the status clocks' came in
/// version 2 later, so a state may lack them.
inline constexpr std::array<GroupSketch, 5> group_sketches{{
    {"first_response", member_sketch<&GroupState::first_response>, make_member_sketch<&GroupState::first_response>},
    {"resolution", member_sketch<&GroupState::resolution>, make_member_sketch<&GroupState::resolution>},
    {"requester_wait", clock_sketch<0>, make_clock_sketch<0>},
    {"agent_work", clock_sketch<1>, make_clock_sketch<1>},
    {"on_hold", clock_sketch<2>, make_clock_sketch<2>},
}};
inline constexpr std::size_t first_optional_sketch = 2;

/// A group with its key as text: what outputs list, in key order.
struct KeyedGroup {
  GroupKey key;
  const GroupState* group;
};

/// The compensation records, by ticket: built once from KpiOrders::compensations and shared by
/// an accumulator's copies, so that a slice of a batch does not copy them.
struct CompensationIndex {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const noexcept { return boost::hash<std::string_view>()(id); }
  };
  Currency currency;
  boost::unordered_flat_map<std::string, std::int64_t, Hash, std::equal_to<>> minor_by_ticket;

  /// @throws InputError naming the record at fault (records in several currencies, a total of
  ///         zero); RangeError when a ticket's totals pass 2^63 - 1 minor units.
  static std::shared_ptr<const CompensationIndex> of(std::span<const KpiCompensation> records);
};

struct KpiState {
  std::shared_ptr<const KpiRules> rules;  // the policy's, sharing its ownership
  /// As asked, with `time_zone` resolved (docs/kpi.md, "Time zone"): the zone's name with a
  /// time dimension, empty without one. Copies and merges compare it.
  KpiOptions options;
  const date::time_zone* zone = nullptr;  // where days begin; null without a time dimension
  std::optional<std::size_t> agent_slot, tag_slot;  // where agent and tag are in group_by
  std::size_t sla_metric_count = 0;
  std::vector<DimensionValues> values;  // by group_by slot
  std::int64_t not_yet_created = 0;     // tickets left out: created after the instant counted at
  std::shared_ptr<const CompensationIndex> compensations;  // null without records

  /// @throws InputError as KpiAccumulator's constructor.
  KpiState(std::shared_ptr<const KpiRules> r, KpiOptions o,
           std::shared_ptr<const CompensationIndex> records = nullptr);
  /// The place of the group of `key` (at() reaches it), made empty if new. A place stays valid
  /// as groups are added; a reference from at() does not.
  std::uint32_t group(const KeyIds& key);
  /// The group of `key` as text (a state read back), made empty if new.
  GroupState& group(const GroupKey& key);
  /// The place of the group of `key`, if there is one.
  [[nodiscard]] std::optional<std::uint32_t> find(const KeyIds& key) const;
  GroupState& at(std::uint32_t place) { return groups_[place]; }
  [[nodiscard]] const GroupState& at(std::uint32_t place) const { return groups_[place]; }
  [[nodiscard]] std::size_t group_count() const noexcept { return groups_.size(); }
  /// Calls `f(ids, group)` for every group, in no particular order.
  template <class F>
  void for_each_group(const F& f) const {
    for (const auto& [code, place] : short_index_) f(ids_of(code), groups_[place]);
    for (const auto& [code, place] : long_index_) f(ids_of(code), groups_[place]);
  }
  /// The instant `t` in local time, in seconds since 1970-01-01T00:00 local (the state has a zone).
  std::int64_t local_seconds(Instant t);
  /// The groups ordered by key: the order of every output.
  [[nodiscard]] std::vector<KeyedGroup> sorted() const;

 private:
  // A key's code: one integer when its ids fit 64 bits shared equally (two of 32 bits, three of
  // 21, four of 16: every group_by list of one or two dimensions, and longer ones of few
  // values), else the ids' bytes. The width depends only on the key's length, so a key has one
  // code whichever the accumulator it is met in.
  static unsigned id_bits(std::size_t dimensions) noexcept {
    return dimensions <= 2 ? 32 : static_cast<unsigned>(64 / dimensions);
  }
  static bool is_short(const KeyIds& key) noexcept {
    const unsigned bits = id_bits(key.size());
    return bits == 32 || std::all_of(key.begin(), key.end(), [&](std::uint32_t id) { return id >> bits == 0; });
  }
  static std::uint64_t short_code(const KeyIds& key) noexcept {
    const unsigned bits = id_bits(key.size());
    std::uint64_t code = 0;
    for (std::size_t i = 0; i < key.size(); ++i) code |= std::uint64_t{key[i]} << (bits * i);
    return code;
  }
  static std::string_view long_code(const KeyIds& key) noexcept {
    return {reinterpret_cast<const char*>(key.data()), key.size() * sizeof(std::uint32_t)};
  }
  KeyIds ids_of(std::uint64_t code) const;
  static KeyIds ids_of(std::string_view code);
  // The place of the group of `code` in `index`, the group made empty if new.
  template <class Index, class Code>
  std::uint32_t place_in(Index& index, const Code& code);
  // Mixes the ids word by word: a code is a few small integers, not text.
  struct CodeHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view code) const noexcept;
  };

  std::vector<GroupState> groups_;  // in the order first counted
  // Code -> place: one of the two is used, as group_by is long or short.
  boost::unordered_flat_map<std::uint64_t, std::uint32_t> short_index_;
  boost::unordered_flat_map<std::string, std::uint32_t, CodeHash, std::equal_to<>> long_index_;
  date::sys_info offset_{};  // the zone's last period looked up: most tickets fall in it
};

/// The first tally of `target` that `target.merge(other)` would take past 2^63 − 1, by name
/// ("resolved", "resolution", "sla.refund"); nullopt when the merge fits.
std::optional<std::string> merge_overflow(const KpiState& state, const GroupState& target, const GroupState& other);

/// The state as JSON, and back (docs/kpi.md, "partial state").
std::string state_to_json(const KpiState& state);
void state_from_json(KpiState& state, std::string_view json);

}  // namespace aftersales::detail
