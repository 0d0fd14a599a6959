#pragma once
// Which members of a queue could take one more ticket on each channel, kept as the router's
// state changes so that a route that must wait is decided and explained without reading the
// records of the agents who are busy: with everyone at capacity, nothing is walked at all.

#include <array>
#include <cstddef>
#include <cstdint>

#include "routing/position_set.hpp"

namespace aftersales::detail {

/// A queue's online members, counted, and on each of the first `channels` channels those with
/// room (online, load below capacity), as positions in the queue's order and counted. An
/// agent's membership changes when it goes on or off line, and when an assignment fills it or a
/// release frees it: one bit and one count per queue it serves.
class QueueRoom {
 public:
  static constexpr std::uint32_t channels = 8;

  void set_online(bool online) noexcept {
    if (online) ++online_;
    else --online_;
  }
  void set_room(std::uint32_t channel, std::size_t position, bool room) {
    if (room) {
      if (room_[channel].insert(position)) ++count_[channel];
    } else if (room_[channel].erase(position)) {
      --count_[channel];
    }
  }
  /// A member joined at `position` (out of every set): later positions move up.
  void open(std::size_t position) {
    for (PositionSet& set : room_) set.open(position);
  }
  /// The member at `position` (out of every set) left: later positions move down.
  void close(std::size_t position) {
    for (PositionSet& set : room_) set.close(position);
  }
  [[nodiscard]] std::size_t online() const noexcept { return online_; }
  [[nodiscard]] std::size_t with_room(std::uint32_t channel) const noexcept { return count_[channel]; }
  [[nodiscard]] const PositionSet& room(std::uint32_t channel) const noexcept { return room_[channel]; }

 private:
  std::size_t online_ = 0;
  std::array<PositionSet, channels> room_;
  std::array<std::size_t, channels> count_{};
};

}  // namespace aftersales::detail
