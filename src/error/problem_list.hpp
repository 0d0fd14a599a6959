#pragma once

#include <aftersales/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales::detail {

/// How many problems a message spells out; the rest are counted ("and 5 more"), so that a
/// message stays short however broken the input (the full list stays in `problems()`).
inline constexpr std::size_t max_listed_problems = 100;

/// Appends `separator` and `path: message` for each of the first max_listed_problems problems
/// (`(document)` standing for the empty path), then `separator` and "and N more" if any are left.
void append_problems(std::string& text, const std::vector<Problem>& problems, std::string_view separator);

/// `title: N problems` followed by one indented `path: message` line per problem, as
/// append_problems() bounds them: how every multi-problem error of the library reads.
std::string list_problems(std::string_view title, const std::vector<Problem>& problems);

}  // namespace aftersales::detail
