#pragma once
// An order's lines found by id in constant time: a Double 11 request can name each of
// thousands of lines from its discounts, items and prior refunds.

#include <aftersales/refund.hpp>

#include <boost/unordered/unordered_flat_map.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace aftersales::detail {

/// The index of each of `lines` by id; when lines share an id (a hand-built request can), the
/// first one. The keys view the lines' ids: call update() after adding each line.
class LineIndex {
 public:
  explicit LineIndex(const std::vector<RefundOrderLine>& lines) : lines_(lines) { update(); }

  /// Takes in the lines added since the index was made or last updated.
  void update() {
    if (lines_.size() <= few) return;
    if (lines_.data() != indexed_data_) {
      // The vector grew and moved its lines, and their ids with them: indexed again, which the
      // vector's doubling keeps linear in all.
      ids_.clear();
      indexed_ = 0;
      indexed_data_ = lines_.data();
    }
    for (; indexed_ < lines_.size(); ++indexed_) ids_.try_emplace(lines_[indexed_].id, indexed_);
  }

  [[nodiscard]] std::optional<std::size_t> find(std::string_view id) const {
    if (lines_.size() <= few) {
      for (std::size_t i = 0; i < lines_.size(); ++i)
        if (lines_[i].id == id) return i;
      return std::nullopt;
    }
    const auto it = ids_.find(id);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }

 private:
  // A typical order has a handful of lines: comparing their ids beats hashing and allocates
  // nothing.
  static constexpr std::size_t few = 16;

  const std::vector<RefundOrderLine>& lines_;
  boost::unordered_flat_map<std::string_view, std::size_t, std::hash<std::string_view>> ids_;
  std::size_t indexed_ = 0;                          // lines in `ids_`
  const RefundOrderLine* indexed_data_ = nullptr;  // where those lines were
};

}  // namespace aftersales::detail
