#pragma once

#include <aftersales/error.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace aftersales::detail {

/// `title: N problems` followed by one `path: message` line per problem: how every
/// multi-problem error of the library reads.
std::string list_problems(std::string_view title, const std::vector<Problem>& problems);

}  // namespace aftersales::detail
