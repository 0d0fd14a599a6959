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
  [[nodiscard]] std::size_t words() const noexcept { return bits_.size(); }
  [[nodiscard]] std::uint64_t word(std::size_t i) const noexcept { return i < bits_.size() ? bits_[i] : 0; }

 private:
  std::vector<std::uint64_t> bits_;  // missing words are zeros
};

}  // namespace aftersales::detail
