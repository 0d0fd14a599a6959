// Reason texts spelled in one allocation (reason_text.hpp).

#include <string>

#include "routing/reason_text.hpp"

namespace aftersales::detail {

std::string skills_text(const RoutingRules& routing, std::span<const SkillNeed> needs) {
  constexpr std::string_view head = "requires skills ";
  std::size_t size = head.size();
  for (const SkillNeed& need : needs)
    size += routing.skill_names[need.skill].size() + std::string_view(Digits(need.level)).size() + 6;  // " >= ", ", "
  std::string text;
  text.reserve(size);
  text += head;
  for (const SkillNeed& need : needs) {
    if (&need != needs.data()) text += ", ";
    text.append(routing.skill_names[need.skill]).append(" >= ").append(Digits(need.level));
  }
  return text;
}

}  // namespace aftersales::detail
