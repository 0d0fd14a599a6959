#include "sla/sla_replay.hpp"

namespace aftersales::detail {

template SlaReport evaluate_sla(const SlaRules&, const TicketRef&, Instant, const SlaOptions&);
template SlaOutcomes sla_outcomes(const SlaRules&, const TicketRef&, const Timeline<TicketRef>&, const TicketState&,
                                  Instant);

}  // namespace aftersales::detail
