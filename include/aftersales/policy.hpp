#pragma once
/// @file
/// The policy document (SPEC §0): one JSON text holding every configurable rule, validated
/// completely and compiled once into an immutable object that every engine reads.

#include <aftersales/calendar.hpp>
#include <aftersales/export.h>
#include <aftersales/limits.hpp>
#include <aftersales/refund.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales {

namespace detail {
struct PolicyData;
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

  explicit Policy(std::unique_ptr<const detail::PolicyData> data) noexcept;
  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  /// The document's `schema_version` (1).
  [[nodiscard]] int schema_version() const noexcept;

  /// The calendar named `name`.
  /// @throws NotFoundError naming the calendars that do exist.
  [[nodiscard]] Calendar calendar(std::string_view name) const;

  /// Names of all calendars, sorted.
  [[nodiscard]] std::vector<std::string> calendar_names() const;

  /// Every SLA clock of `ticket` as of `at` (SPEC §4): events after `at` are ignored, so an
  /// earlier `at` replays the past. Thread-safe.
  /// @throws InputError if `at` is before the ticket was created, or the ticket has more than
  ///         max_ticket_events events.
  [[nodiscard]] SlaReport evaluate_sla(const Ticket& ticket, Instant at) const;

  /// `evaluate_sla` for many tickets on up to `threads` threads (0: one per core); the
  /// reports come back in input order and equal one-by-one evaluation.
  /// @throws InputError for the first ticket (by index) that cannot be evaluated, whatever the
  ///         timing of the threads.
  [[nodiscard]] std::vector<SlaReport> evaluate_sla(std::span<const Ticket> tickets, Instant at,
                                                    unsigned threads = 0) const;

  /// `evaluate_sla` over JSON Lines: one SPEC §3 ticket per line in, one report per line out
  /// (same order; blank lines skipped). A line that cannot be evaluated yields
  /// `{"line": N, "error": "..."}` instead of stopping the batch; N counts every line, blank ones
  /// included, from `first_line` (the number of the text's first line: a block cut from the
  /// middle of a file keeps the file's numbering).
  /// @throws RangeError if a line's number would pass 2^63 - 1.
  [[nodiscard]] std::string evaluate_sla_lines(std::string_view tickets, Instant at, unsigned threads = 0,
                                               std::size_t first_line = 1) const;

  /// Decides a refund request under the first refund policy whose `when` fits it (SPEC §6):
  /// eligibility per line and for the request, the resolutions allowed, the exact amounts and
  /// the reasons. A request no policy covers gets an ineligible decision with NO_POLICY.
  /// Thread-safe.
  /// @throws InputError if a hand-built request is inconsistent (an item or refund naming a
  ///         line the order does not have, discounts above the goods' value); RangeError if an
  ///         amount overflows 64-bit minor units.
  [[nodiscard]] RefundDecision check_refund(const RefundRequest& request) const;

  /// `check_refund` of a request given as SPEC §6 JSON; the decision as JSON.
  /// @throws InputError listing every problem of the request with its JSON path.
  [[nodiscard]] std::string check_refund_json(std::string_view request) const;

  /// `check_refund_json` over JSON Lines: one request per line in, one decision per line out
  /// (same order; blank lines skipped); a bad line yields `{"line": N, "error": "..."}`, N
  /// counting lines from `first_line` as in `evaluate_sla_lines`.
  /// @throws RangeError if a line's number would pass 2^63 - 1.
  [[nodiscard]] std::string check_refund_lines(std::string_view requests, unsigned threads = 0,
                                               std::size_t first_line = 1) const;

  /// The compiled rules; for the library's engines, not for hosts.
  [[nodiscard]] const detail::PolicyData& data() const noexcept { return *data_; }

 private:
  std::unique_ptr<const detail::PolicyData> data_;
};

}  // namespace aftersales
