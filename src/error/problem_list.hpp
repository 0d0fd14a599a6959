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

/// `path: message` for each of the first max_listed_problems problems (`(document)` standing
/// for the empty path), then "and N more" if any are left, joined by `separator`: the one
/// rendering of a problem list, which the messages below and the C API's last error share.
std::string problem_lines(const std::vector<Problem>& problems, std::string_view separator);

/// `title: N problems` followed by one indented `path: message` line per problem, as
/// problem_lines() bounds them: how every multi-problem error of the library reads.
std::string list_problems(std::string_view title, const std::vector<Problem>& problems);

/// `message` on one line, as the command line prints an error: the first line, then ": " and
/// the others joined by "; ", each trimmed of surrounding blanks, so that a problem list reads
/// "invalid policy: 2 problems: a: ...; b: ...". Lines end at '\n'.
std::string one_line(std::string_view message);

}  // namespace aftersales::detail
