#pragma once
/// @file
/// A batch of tickets held column by column (docs/performance.md, "Compact tickets"): about 150
/// bytes a ticket of 7.5 events, where `std::vector<Ticket>` takes about 2 KB. Read it once,
/// then evaluate it as often as wanted (`SlaEngine::evaluate`, `KpiEngine::compute`,
/// `KpiAccumulator::add`); the engines read the columns in place, never rebuilding a Ticket.

#include <aftersales/batch.hpp>
#include <aftersales/export.h>
#include <aftersales/ticket.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

namespace aftersales {

class TicketBatch;

namespace detail {
struct TicketColumns;
class ColumnsBuilder;
const TicketColumns& columns_of(const TicketBatch& batch) noexcept;
}  // namespace detail

/// Tickets stored column-wise: event instants, types and flags as small integers, texts that
/// repeat (agents, queues, channels, categories, tiers, languages, tags, custom event names,
/// field names and texts) interned once, ids in one arena.
///
/// Thread-safety: immutable; share it across threads. Copies are cheap (they share the columns).
class AFTERSALES_EXPORT TicketBatch {
 public:
  /// An empty batch.
  TicketBatch();

  /// The tickets of `tickets`, in order, exactly as they are (`ticket(i) == tickets[i]`
  /// member by member): nothing is checked, as the engines check a ticket when they read it.
  static TicketBatch from_tickets(std::span<const Ticket> tickets);

  /// The tickets of JSON Lines `jsonl` (one spec §3 ticket per line, blank lines skipped),
  /// parsed on up to `options.threads` threads, lines counted in `options.progress`. Only a
  /// block of lines is ever held as Tickets.
  /// @throws InputError for the first line (in order) that is not a valid ticket, as
  ///         `KpiEngine::compute_lines` reports it: the ticket's error with "line 8: " in front
  ///         of its message and its path kept, lines counted from `options.first_line`;
  ///         RangeError as `compute_lines`.
  static TicketBatch from_lines(std::string_view jsonl, const BatchOptions& options = {});

  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }

  /// Ticket `index`, rebuilt as a Ticket.
  /// @throws NotFoundError if `index` is not below size().
  [[nodiscard]] Ticket ticket(std::size_t index) const;

  /// The bytes the columns take (their capacity, the interned texts included).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  friend class detail::ColumnsBuilder;
  friend const detail::TicketColumns& detail::columns_of(const TicketBatch& batch) noexcept;
  explicit TicketBatch(std::shared_ptr<const detail::TicketColumns> columns) noexcept;

  std::shared_ptr<const detail::TicketColumns> columns_;
};

}  // namespace aftersales
