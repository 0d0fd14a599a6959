#include "sla/sla_replay.hpp"

namespace aftersales::detail {

template SlaReport evaluate_sla(const SlaRules&, const BatchRow&, Instant, const SlaOptions&);
template SlaOutcomes sla_outcomes(const SlaRules&, const BatchRow&, const Timeline<BatchRow>&, const TicketState&,
                                  Instant);

}  // namespace aftersales::detail
