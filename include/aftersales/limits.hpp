#pragma once
/// @file
/// Limits on a JSON document's size and nesting (docs/policy.md, "Limits"), given to
/// `Policy::from_json` and `Policy::from_file`. They have a header of their own because the
/// document reader, which sits below every concept, enforces them (tickets' and requests' fixed
/// limits take the same shape).

#include <cstddef>

namespace aftersales {

/// Limits that keep a hostile document from exhausting memory or the stack.
struct LoadLimits {
  std::size_t max_bytes = 16u << 20;  ///< larger documents are refused before parsing
  std::size_t max_depth = 64;         ///< deepest nesting of JSON arrays and objects
};

}  // namespace aftersales
