#pragma once
// Sets of a queue's member positions as bits, and what is counted over them.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aftersales::detail {

/// A set of positions in a queue's order of members, as bits: a walk in position order skips
/// 64 members a word, and intersecting sets costs one AND a word.
class PositionSet {
 public:
  /// Sets `position`; false if it was set already.
  bool insert(std::size_t position) {
    if (bits_.size() <= position / 64) bits_.resize(position / 64 + 1, 0);
    const std::uint64_t bit = std::uint64_t{1} << (position % 64);
    const bool added = (bits_[position / 64] & bit) == 0;
    bits_[position / 64] |= bit;
    return added;
  }
  /// Clears `position`; false if it was not set.
  bool erase(std::size_t position) {
    const std::uint64_t bit = std::uint64_t{1} << (position % 64);
    if (bits_.size() <= position / 64 || (bits_[position / 64] & bit) == 0) return false;
    bits_[position / 64] &= ~bit;
    return true;
  }
  /// A member joined at `position` (not in the set): later positions move up.
  void open(std::size_t position) {
    const std::size_t k = position / 64;
    if (bits_.size() <= k) return;
    if (bits_.back() >> 63 != 0) bits_.push_back(0);
    for (std::size_t i = bits_.size() - 1; i > k; --i) bits_[i] = (bits_[i] << 1) | (bits_[i - 1] >> 63);
    const std::uint64_t below = (std::uint64_t{1} << (position % 64)) - 1;
    bits_[k] = (bits_[k] & below) | ((bits_[k] & ~below) << 1);
  }
  /// The member at `position` left: it leaves the set, later positions move down.
  void close(std::size_t position) {
    const std::size_t k = position / 64, b = position % 64;
    if (bits_.size() <= k) return;
    const auto carry = [&](std::size_t i) { return i + 1 < bits_.size() ? bits_[i + 1] << 63 : 0; };
    const std::uint64_t below = bits_[k] & ((std::uint64_t{1} << b) - 1);
    bits_[k] = below | (b == 63 ? 0 : (bits_[k] >> (b + 1)) << b) | carry(k);
    for (std::size_t i = k + 1; i < bits_.size(); ++i) bits_[i] = (bits_[i] >> 1) | carry(i);
  }
  [[nodiscard]] std::size_t words() const noexcept { return bits_.size(); }
  [[nodiscard]] std::uint64_t word(std::size_t i) const noexcept { return i < bits_.size() ? bits_[i] : 0; }

 private:
  std::vector<std::uint64_t> bits_;  // missing words are zeros
};

}  // namespace aftersales::detail
