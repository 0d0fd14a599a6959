#pragma once
// How a routing decision's reasons are spelled, from pieces: decisions are made by the million,
// so each reason is one allocation. Free of the router's state: the rule planning uses them too.

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "routing/routing_rules.hpp"

namespace aftersales::detail {

// A reason from pieces in one allocation.
inline std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (const std::string_view part : parts) size += part.size();
  std::string text(size, '\0');
  char* out = text.data();
  for (const std::string_view part : parts) out = std::copy(part.begin(), part.end(), out);
  return text;
}

// An integer's digits without an allocation, for concat.
class Digits {
 public:
  explicit Digits(long long value) : size_(static_cast<std::size_t>(std::to_chars(text_, text_ + sizeof text_, value).ptr - text_)) {}
  operator std::string_view() const noexcept { return {text_, size_}; }

 private:
  char text_[24];
  std::size_t size_;
};

/// "requires skills a >= 1, b >= 2".
std::string skills_text(const RoutingRules& routing, std::span<const SkillNeed> needs);

}  // namespace aftersales::detail
