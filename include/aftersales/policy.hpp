#pragma once
/// @file
/// The policy document (spec §0): one JSON text holding every configurable rule, validated
/// completely and compiled once into an immutable object. The engines read it: `SlaEngine`
/// (sla.hpp), `RefundEngine` (refund.hpp), `KpiEngine` and `KpiAccumulator` (kpi.hpp) and
/// `Router` (routing.hpp), each built from a `std::shared_ptr<const Policy>` it keeps alive.

#include <aftersales/calendar.hpp>
#include <aftersales/export.h>
#include <aftersales/limits.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales {

namespace detail {
struct PolicyData;
struct PolicyAccess;
}

/// A validated, compiled policy. Build one with `Policy::from_json` or `Policy::from_file`.
///
/// Thread-safety: immutable; share it through `std::shared_ptr<const Policy>` across threads.
/// Swapping in a newly loaded policy never disturbs calls running on the old one.
class AFTERSALES_EXPORT Policy {
 public:
  /// Parses, validates and compiles a policy document.
  /// @throws PolicyError listing every problem with its JSON path (malformed JSON, unknown
  ///         keys, bad values, unknown time zones, limits exceeded).
  static std::shared_ptr<const Policy> from_json(std::string_view json, const LoadLimits& limits = {});

  /// Reads a file and calls `from_json`. A file over `limits.max_bytes` is refused unread.
  /// @throws InputError if the file cannot be read; PolicyError as for `from_json`.
  static std::shared_ptr<const Policy> from_file(const std::filesystem::path& path,
                                                 const LoadLimits& limits = {});

  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  /// The document's `schema_version` (1).
  [[nodiscard]] int schema_version() const noexcept;

  /// The document this policy was loaded from, byte for byte: `from_json(to_json())` gives the
  /// same policy, so a policy travels (to another process, a worker, a pickle) as its text.
  [[nodiscard]] const std::string& to_json() const noexcept;

  /// The calendar named `name`.
  /// @throws NotFoundError naming the calendars that do exist.
  [[nodiscard]] Calendar calendar(std::string_view name) const;

  /// Names of all calendars, sorted.
  [[nodiscard]] std::vector<std::string> calendar_names() const;

 private:
  friend struct detail::PolicyAccess;  // how the engines' constructors reach their compiled rules
  explicit Policy(std::unique_ptr<const detail::PolicyData> data) noexcept;

  std::unique_ptr<const detail::PolicyData> data_;
};

}  // namespace aftersales
