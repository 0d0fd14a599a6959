#pragma once
// A mergeable quantile sketch for durations in milliseconds: exact while it holds at most
// `exact_limit` values, then a DDSketch (Masson, Rim and Lee, "DDSketch: a fast and
// fully-mergeable quantile sketch with relative-error guarantees", VLDB 2019) with relative
// accuracy alpha = 0.005, so every quantile it returns is within 0.5% of a true one — well
// inside the 1% the spec asks for. Its buckets are dense from the lowest used index to the
// highest; past `max_buckets` the lowest ones are collapsed into one, which only coarsens the
// smallest values (a span of 4096 buckets covers 1 ms to 79 years, so in practice never).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <boost/container/small_vector.hpp>

namespace aftersales::detail {

class QuantileSketch {
 public:
  static constexpr std::size_t exact_limit = 32;
  static constexpr std::size_t max_buckets = 4096;
  static constexpr double alpha = 0.005;

  void add(std::int64_t ms);
  void merge(const QuantileSketch& other);
  /// Whether `merge(other)` keeps the count and the sum within 64 bits (every bucket is at
  /// most the count, so they fit too).
  [[nodiscard]] bool merge_fits(const QuantileSketch& other) const noexcept;

  [[nodiscard]] std::int64_t count() const noexcept { return count_; }
  [[nodiscard]] std::int64_t sum() const noexcept { return sum_; }
  /// The value of rank floor(q × (count − 1)) in ascending order (0-based); null when empty.
  [[nodiscard]] std::optional<double> quantile(double q) const;

  // The state, for serialisation: exact values, or zeros + buckets from `offset`.
  [[nodiscard]] bool exact() const noexcept { return !bucketed_; }
  [[nodiscard]] std::span<const std::int64_t> values() const noexcept { return {values_.data(), values_.size()}; }
  [[nodiscard]] std::int64_t zeros() const noexcept { return zeros_; }
  [[nodiscard]] std::int32_t offset() const noexcept { return offset_; }
  [[nodiscard]] const std::vector<std::int64_t>& buckets() const noexcept { return buckets_; }
  [[nodiscard]] std::int64_t min() const noexcept { return min_; }
  [[nodiscard]] std::int64_t max() const noexcept { return max_; }

  /// Rebuilds a sketch from serialised parts; nullopt if they contradict each other.
  static std::optional<QuantileSketch> exact_from(std::vector<std::int64_t> values);
  static std::optional<QuantileSketch> bucketed_from(std::int64_t sum, std::int64_t min, std::int64_t max,
                                                     std::int64_t zeros, std::int32_t offset,
                                                     std::vector<std::int64_t> buckets);

 private:
  void to_buckets();
  void add_to_bucket(std::int64_t ms, std::int64_t n);
  void add_index(std::int32_t index, std::int64_t n);

  std::int64_t count_ = 0;
  std::int64_t sum_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  bool bucketed_ = false;
  // While exact. Most groups of a slice of tickets (kpi_batch.hpp) get a value or two before
  // they are merged: those are held in place, without an allocation.
  boost::container::small_vector<std::int64_t, 2> values_;
  std::int64_t zeros_ = 0;            // values of 0 ms, once bucketed
  std::int32_t offset_ = 0;           // bucket index of buckets_[0]
  std::vector<std::int64_t> buckets_;
};

}  // namespace aftersales::detail
