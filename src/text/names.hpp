#pragma once
// Text interned to small integers, and maps keyed by text that a std::string_view finds without
// allocating: the router's channels and languages, the values of a KPI group's dimensions.

#include <boost/unordered/unordered_flat_map.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales::detail {

/// Transparent hashing: finding a host's string_view allocates nothing.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};
/// Open addressing: inserting a ticket allocates no node (a short id sits in the string's own
/// buffer). References do not survive an insertion, and iteration order is arbitrary: callers
/// that list entries sort them.
template <class T>
using TextMap = boost::unordered_flat_map<std::string, T, TextHash, std::equal_to<>>;

/// Strings interned in order of arrival, numbered from 0.
class Names {
 public:
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view name) const {
    // A handful of names (a router's channels and languages, a KPI's channels): comparing them
    // beats hashing.
    if (names_.size() <= few) {
      const auto it = std::find(names_.begin(), names_.end(), name);
      if (it == names_.end()) return std::nullopt;
      return static_cast<std::uint32_t>(it - names_.begin());
    }
    const auto it = ids_.find(name);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }
  std::uint32_t intern(std::string_view name) {
    if (const auto id = find(name)) return *id;
    const auto id = static_cast<std::uint32_t>(names_.size());
    names_.emplace_back(name);
    ids_.emplace(std::string(name), id);
    return id;
  }
  [[nodiscard]] std::string_view name_or(std::uint32_t id, std::string_view fallback) const {
    return id < names_.size() ? std::string_view(names_[id]) : fallback;
  }
  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }

 private:
  static constexpr std::size_t few = 8;
  TextMap<std::uint32_t> ids_;
  std::vector<std::string> names_;
};

}  // namespace aftersales::detail
