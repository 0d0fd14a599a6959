#pragma once
// A ticket's fields as a condition Subject: its strings resolved to the policy's symbols once.
// It belongs to the conditions, which sit above tickets: a ticket knows nothing of conditions.

#include <aftersales/ticket.hpp>

#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "condition/condition_rules.hpp"
#include "ticket/ticket_view.hpp"

namespace aftersales::detail {

/// Holds the storage the subject's list values point into; not copyable for that reason.
class TicketSubject {
 public:
  /// `ticket` is a view of ticket_view.hpp (TicketRef or BatchRow); `priority` and `status`
  /// are the ticket's at the instant being evaluated, the status by its name (a custom
  /// status's own: ticket_timeline.hpp, status_name). Its fields and tags are as created, and
  /// with `changed_by` as the change events up to that instant leave them (docs/sla.md,
  /// "Events that change fields and tags").
  template <class T>
  TicketSubject(const T& ticket, Priority priority, std::string_view status, const SymbolTable& symbols,
                std::optional<Instant> changed_by = std::nullopt);
  TicketSubject(const TicketSubject&) = delete;
  TicketSubject& operator=(const TicketSubject&) = delete;

  [[nodiscard]] const Subject& subject() const noexcept { return subject_; }
  /// Rebinds what events change (the SLA replay judges conditions as each event leaves the
  /// ticket); the rest stays bound.
  void set_state(Priority priority, std::string_view status);
  /// Rebinds the queue holding the ticket (a custom SLA metric's conditions see the queue of
  /// the latest `assigned` event naming one); `queue` must outlive the subject.
  void set_queue(std::string_view queue);
  /// Applies one change event (the SLA replay applies each as it comes); `change`'s texts must
  /// outlive the subject. Constant time, as each field and tag has its place.
  void apply(const ChangeView& change);
  /// The instant calendar conditions are judged at.
  void set_instant(Instant at) noexcept { subject_.set_instant(at); }

 private:
  void bind_tags();

  std::vector<std::string_view> tag_texts_;
  std::vector<Symbol> tag_symbols_;
  // Each tag's place in tag_texts_, made at the first tag event.
  std::unordered_map<std::string_view, std::size_t> tag_places_;
  const SymbolTable* symbols_;
  Subject subject_;
};

/// Money as condition millionths: 399.00 CNY (39900 minor units, exponent 2) -> 399000000.
std::int64_t money_millionths(const Money& amount);

}  // namespace aftersales::detail
