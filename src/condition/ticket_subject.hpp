#pragma once
// A ticket's fields as a condition Subject: its strings resolved to the policy's symbols once.
// It belongs to the conditions, which sit above tickets: a ticket knows nothing of conditions.

#include <aftersales/ticket.hpp>

#include <string_view>
#include <vector>

#include "condition/condition_rules.hpp"

namespace aftersales::detail {

/// Holds the storage the subject's list values point into; not copyable for that reason.
class TicketSubject {
 public:
  /// `ticket` is a view of ticket_view.hpp (TicketRef or BatchRow); `priority` and `status`
  /// are the ticket's at the instant being evaluated, the status by its name (a custom
  /// status's own: ticket_timeline.hpp, status_name).
  template <class T>
  TicketSubject(const T& ticket, Priority priority, std::string_view status, const SymbolTable& symbols);
  TicketSubject(const TicketSubject&) = delete;
  TicketSubject& operator=(const TicketSubject&) = delete;

  [[nodiscard]] const Subject& subject() const noexcept { return subject_; }
  /// Rebinds what events change (the SLA replay judges conditions as each event leaves the
  /// ticket); the rest stays bound.
  void set_state(Priority priority, std::string_view status);
  /// Rebinds the queue holding the ticket (a custom SLA metric's conditions see the queue of
  /// the latest `assigned` event naming one); `queue` must outlive the subject.
  void set_queue(std::string_view queue);
  /// The instant calendar conditions are judged at.
  void set_instant(Instant at) noexcept { subject_.set_instant(at); }

 private:
  std::vector<std::string_view> tag_texts_;
  std::vector<Symbol> tag_symbols_;
  const SymbolTable* symbols_;
  Subject subject_;
};

/// Money as condition millionths: 399.00 CNY (39900 minor units, exponent 2) -> 399000000.
std::int64_t money_millionths(const Money& amount);

}  // namespace aftersales::detail
