#include "kpi/quantile_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace aftersales::detail {
namespace {

const double gamma_ = (1 + QuantileSketch::alpha) / (1 - QuantileSketch::alpha);
const double log_gamma = std::log(gamma_);

// Bucket i holds values in (γ^(i−1), γ^i].
std::int32_t index_of(std::int64_t ms) {
  return static_cast<std::int32_t>(std::ceil(std::log(static_cast<double>(ms)) / log_gamma - 1e-12));
}

// The value that is within alpha of everything in bucket i.
double representative(std::int32_t index) { return 2 * std::pow(gamma_, index) / (gamma_ + 1); }

}  // namespace

void QuantileSketch::add(std::int64_t ms) {
  min_ = count_ == 0 ? ms : std::min(min_, ms);
  max_ = count_ == 0 ? ms : std::max(max_, ms);
  ++count_;
  sum_ += ms;
  if (!bucketed_) {
    values_.push_back(ms);
    if (values_.size() > exact_limit) to_buckets();
    return;
  }
  add_to_bucket(ms, 1);
}

void QuantileSketch::to_buckets() {
  bucketed_ = true;
  for (const std::int64_t v : values_) add_to_bucket(v, 1);
  values_.clear();
  values_.shrink_to_fit();
}

void QuantileSketch::add_to_bucket(std::int64_t ms, std::int64_t n) {
  if (ms <= 0) zeros_ += n;
  else add_index(index_of(ms), n);
}

void QuantileSketch::add_index(std::int32_t index, std::int64_t n) {
  if (buckets_.empty()) {
    offset_ = index;
    buckets_.assign(1, 0);
  } else if (index < offset_) {
    buckets_.insert(buckets_.begin(), static_cast<std::size_t>(offset_ - index), 0);
    offset_ = index;
  } else if (static_cast<std::size_t>(index - offset_) >= buckets_.size()) {
    buckets_.resize(static_cast<std::size_t>(index - offset_) + 1, 0);
  }
  buckets_[static_cast<std::size_t>(index - offset_)] += n;
  if (buckets_.size() > max_buckets) {
    // Collapse the lowest buckets into the lowest one kept.
    const std::size_t excess = buckets_.size() - max_buckets;
    std::int64_t folded = 0;
    for (std::size_t i = 0; i <= excess; ++i) folded += buckets_[i];
    buckets_.erase(buckets_.begin(), buckets_.begin() + static_cast<std::ptrdiff_t>(excess));
    buckets_[0] = folded;
    offset_ += static_cast<std::int32_t>(excess);
  }
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (other.count_ == 0) return;
  const std::int64_t merged_count = count_ + other.count_;
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  sum_ += other.sum_;
  if (!bucketed_ && !other.bucketed_ && static_cast<std::size_t>(merged_count) <= exact_limit) {
    values_.insert(values_.end(), other.values_.begin(), other.values_.end());
    count_ = merged_count;
    return;
  }
  if (!bucketed_) to_buckets();
  count_ = merged_count;
  if (!other.bucketed_) {
    for (const std::int64_t v : other.values_) add_to_bucket(v, 1);
    return;
  }
  zeros_ += other.zeros_;
  for (std::size_t i = 0; i < other.buckets_.size(); ++i)
    if (other.buckets_[i] != 0) add_index(other.offset_ + static_cast<std::int32_t>(i), other.buckets_[i]);
}

bool QuantileSketch::merge_fits(const QuantileSketch& other) const noexcept {
  std::int64_t ignored = 0;
  return !__builtin_add_overflow(count_, other.count_, &ignored) && !__builtin_add_overflow(sum_, other.sum_, &ignored);
}

std::optional<double> QuantileSketch::quantile(double q) const {
  if (count_ == 0) return std::nullopt;
  const auto rank = static_cast<std::int64_t>(std::floor(q * static_cast<double>(count_ - 1)));
  if (!bucketed_) {
    std::vector<std::int64_t> sorted(values_.begin(), values_.end());
    std::nth_element(sorted.begin(), sorted.begin() + rank, sorted.end());
    return static_cast<double>(sorted[static_cast<std::size_t>(rank)]);
  }
  std::int64_t seen = zeros_;
  if (rank < seen) return 0.0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (rank < seen) {
      // The exact extremes are known: never report beyond them.
      const double v = representative(offset_ + static_cast<std::int32_t>(i));
      return std::clamp(v, static_cast<double>(min_), static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);
}

std::optional<QuantileSketch> QuantileSketch::exact_from(std::vector<std::int64_t> values) {
  if (values.size() > exact_limit) return std::nullopt;
  QuantileSketch s;
  for (const std::int64_t v : values) {
    if (v < 0) return std::nullopt;
    s.add(v);
  }
  return s;
}

std::optional<QuantileSketch> QuantileSketch::bucketed_from(std::int64_t sum, std::int64_t min, std::int64_t max,
                                                            std::int64_t zeros, std::int32_t offset,
                                                            std::vector<std::int64_t> buckets) {
  if (buckets.size() > max_buckets || zeros < 0 || sum < 0 || min < 0 || max < min) return std::nullopt;
  std::int64_t count = zeros;
  for (const std::int64_t b : buckets) {
    if (b < 0 || count > std::numeric_limits<std::int64_t>::max() - b) return std::nullopt;
    count += b;
  }
  if (count <= static_cast<std::int64_t>(exact_limit)) return std::nullopt;
  // Values of 0 ms are the zeros: the minimum is 0 exactly when there are some. And `count`
  // values between min and max sum to between count × min and count × max.
  if ((zeros > 0) != (min == 0)) return std::nullopt;
  __extension__ typedef __int128 wide;
  if (sum < wide{count} * min || sum > wide{count} * max) return std::nullopt;
  QuantileSketch s;
  s.bucketed_ = true;
  s.count_ = count;
  s.sum_ = sum;
  s.min_ = min;
  s.max_ = max;
  s.zeros_ = zeros;
  s.offset_ = offset;
  s.buckets_ = std::move(buckets);
  return s;
}

}  // namespace aftersales::detail
