"""aftersales: the rules of e-commerce after-sales service.

Load a policy document once, then ask its business calendars and its engines (SlaEngine,
RefundEngine, KpiEngine, Router) questions::

    import datetime as dt
    import aftersales

    policy = aftersales.Policy.from_file("examples/policies/cn-marketplace.json")
    service = policy.calendar("cn-service")
    start = dt.datetime(2026, 11, 11, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    due = service.add(start, dt.timedelta(hours=2))
    ticket = {"id": "T-1", "created_at": "2026-11-11T23:30:00+08:00", "customer": {"tier": "vip"}}
    report = aftersales.SlaEngine(policy).evaluate(ticket, at=start + dt.timedelta(minutes=3))
    report.metrics[0].state                  # 'breached': a VIP's first reply is due in 2 minutes

Datetimes must be aware; results are aware UTC datetimes. See docs/python.md.
"""

from aftersales._core import (
    MAX_TICKET_EVENTS,
    AgentLoad,
    Calendar,
    CompensationDecision,
    CompensationEngine,
    CompensationOffer,
    CompensationReason,
    Error,
    InputError,
    KpiAccumulator,
    KpiEngine,
    KpiResult,
    NotFoundError,
    Policy,
    PolicyError,
    RangeError,
    RefundAmounts,
    RefundDecision,
    RefundDeduction,
    RefundExchange,
    RefundEngine,
    RefundLine,
    RefundReason,
    Router,
    RouterCounts,
    RoutingDecision,
    ScorecardResult,
    SlaEngine,
    SlaEscalation,
    SlaMetric,
    SlaMiss,
    SlaReport,
    TicketBatch,
    WaitExplanation,
    WaitingTicket,
    __version__,
    format_duration,
    format_instant,
    log_level,
    parse_duration,
    parse_instant,
    set_log_handler,
    set_log_level,
)
from aftersales import staffing
from aftersales._schema import policy_schema
from aftersales._frames import sla_frame, sla_table, tickets_from_arrow, tickets_from_pandas

# Written in Python, where pandas and pyarrow are imported only when called.
TicketBatch.from_pandas = staticmethod(tickets_from_pandas)  # type: ignore[method-assign]
TicketBatch.from_arrow = staticmethod(tickets_from_arrow)  # type: ignore[method-assign]
del tickets_from_arrow, tickets_from_pandas

__all__ = [
    "MAX_TICKET_EVENTS",
    "AgentLoad",
    "Calendar",
    "CompensationDecision",
    "CompensationEngine",
    "CompensationOffer",
    "CompensationReason",
    "Error",
    "InputError",
    "KpiAccumulator",
    "KpiEngine",
    "KpiResult",
    "NotFoundError",
    "Policy",
    "PolicyError",
    "RangeError",
    "RefundAmounts",
    "RefundDecision",
    "RefundDeduction",
    "RefundExchange",
    "RefundEngine",
    "RefundLine",
    "RefundReason",
    "Router",
    "RouterCounts",
    "RoutingDecision",
    "ScorecardResult",
    "SlaEngine",
    "SlaEscalation",
    "SlaMetric",
    "SlaMiss",
    "SlaReport",
    "TicketBatch",
    "WaitExplanation",
    "WaitingTicket",
    "__version__",
    "format_duration",
    "format_instant",
    "log_level",
    "parse_duration",
    "parse_instant",
    "policy_schema",
    "set_log_handler",
    "set_log_level",
    "sla_frame",
    "sla_table",
    "staffing",
]
