"""Not a test module: `mypy --strict` checks this file against the shipped stubs
(test_typing.py runs it). Every line uses the public API the way a user would."""

from __future__ import annotations

import datetime as dt
import decimal
import pickle
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

import aftersales


def check() -> None:
    policy: aftersales.Policy = aftersales.Policy.from_json({"schema_version": 1, "calendars": {}})
    policy = aftersales.Policy.from_json("{}")
    policy = aftersales.Policy.from_file(Path("examples/policies/cn-marketplace.json"))
    policy = aftersales.Policy.from_file("examples/policies/cn-marketplace.json")
    names: list[str] = policy.calendar_names
    version: int = policy.schema_version
    document: str = policy.to_json()
    schema: dict[str, Any] = aftersales.policy_schema()
    calendar: aftersales.Calendar = policy.calendar(names[0])
    label: str = f"{calendar.name} {calendar.time_zone} {version} {aftersales.__version__}"

    t = dt.datetime(2026, 11, 11, tzinfo=dt.timezone.utc)
    is_open: bool = calendar.is_open(t)
    opens: dt.datetime = calendar.next_open(t)
    due: dt.datetime = calendar.add(t, dt.timedelta(hours=2))
    spent: dt.timedelta = calendar.between(start=t, end=due)

    times = np.array(["2026-11-11T00:00"], dtype="datetime64[ms]")
    flags: npt.NDArray[np.bool_] = calendar.is_open_many(times)
    starts: npt.NDArray[np.datetime64] = calendar.next_open_many(times)
    dues: npt.NDArray[np.datetime64] = calendar.add_many(times, dt.timedelta(hours=2))
    dues = calendar.add_many(times, np.array([2], dtype="timedelta64[h]"))
    spans: npt.NDArray[np.timedelta64] = calendar.between_many(times, dues)

    text: str = aftersales.format_instant(aftersales.parse_instant("2026-11-11T00:05:00+08:00"))
    text = aftersales.format_duration(aftersales.parse_duration("1h30m"))

    def handler(level: str, message: str) -> None:
        print(level, message, label, is_open, opens, spent, flags, starts, spans, text)

    aftersales.set_log_handler(handler)
    aftersales.set_log_handler(None)
    aftersales.set_log_level("debug")
    level: str = aftersales.log_level()
    print(level)

    ticket: dict[str, Any] = {"id": "T-1", "created_at": "2026-11-11T00:05:00+08:00", "events": []}
    sla: aftersales.SlaEngine = aftersales.SlaEngine(policy)
    report: aftersales.SlaReport = sla.evaluate(ticket, t)
    policy_id: str | None = report.policy
    priority: str = report.priority
    check_at: dt.datetime | None = report.next_check_at
    not_yet: bool = report.not_yet_created
    as_dict: dict[str, Any] = report.to_dict()
    as_json: str = report.to_json()
    for metric in report.metrics:
        durations: tuple[dt.timedelta, ...] = (metric.target, metric.elapsed, metric.remaining)
        instants: tuple[dt.datetime | None, ...] = (metric.due_at, metric.breached_at, metric.completed_at)
        share: float = metric.percent
        started: dt.datetime = metric.started_at
        print(metric.metric, metric.cycle, metric.state, durations, instants, share, started)
    for escalation in report.escalations:
        whom: str | None = escalation.to
        percent: int = escalation.percent
        offset: dt.timedelta | None = escalation.offset
        held_on: str | None = escalation.calendar
        deliver: dt.datetime = escalation.deliver_at
        print(escalation.metric, escalation.cycle, escalation.at, escalation.action, escalation.reached_at, whom,
              percent, offset, held_on, deliver)
    reports: list[aftersales.SlaReport] = sla.evaluate_many([ticket, ticket], t, threads=2)
    reports = sla.evaluate_many((ticket,), at=t)
    lines: str = sla.evaluate_lines(b'{"id": "T-1", "created_at": 0}\n', t)
    lines = sla.evaluate_lines("", t, threads=0)
    lines = sla.evaluate_lines("", t, first_line=41)
    print(policy_id, priority, check_at, not_yet, as_dict, as_json, reports, lines)

    batch: aftersales.TicketBatch = aftersales.TicketBatch([ticket, ticket])
    batch = aftersales.TicketBatch(iter([ticket]))
    batch = aftersales.TicketBatch.from_lines(b'{"id": "T-1", "created_at": 0}\n', threads=2)
    batch = aftersales.TicketBatch.from_lines("")
    batch = aftersales.TicketBatch.from_file(Path("tickets.jsonl"))
    batch = aftersales.TicketBatch.from_file("tickets.jsonl", threads=0)
    ids: list[str] = batch.ids
    count: int = len(batch)
    reports = sla.evaluate_many(batch, t, threads=1)
    seen: list[tuple[int, int]] = []
    reports = sla.evaluate_many(batch, t, progress=lambda done, total: seen.append((done, total)))
    data: bytes = batch.to_bytes()
    batch = aftersales.TicketBatch.from_bytes(data)
    batch = aftersales.TicketBatch.from_bytes(memoryview(bytearray(data)))
    made_from: aftersales.Policy = sla.policy
    print(ids, count, reports, made_from, calendar.policy, pickle.loads(pickle.dumps(batch)))

    refunds: aftersales.RefundEngine = aftersales.RefundEngine(policy)
    decision: aftersales.RefundDecision = refunds.check({"order": {}, "reason": "no_reason"})
    eligible: bool = decision.eligible
    resolution: str | None = decision.resolution
    options: list[str] = [str(option) for option in decision.options]
    total: decimal.Decimal = decision.refund.total
    for refund_line in decision.refund.lines:
        discount_share: decimal.Decimal = refund_line.discount
        print(refund_line.line, refund_line.quantity, refund_line.eligible, refund_line.amount, discount_share)
    for deduction in decision.refund.deductions:
        print(deduction.type, deduction.amount)
    for reason in decision.reasons:
        concerned: str | None = reason.line
        print(reason.code, reason.message, concerned)
    due_by: dt.datetime | None = decision.refund_due_by
    decisions: str = refunds.check_lines("", threads=1)
    many: list[aftersales.RefundDecision] = refunds.check_many([{"order": {}}], threads=2)
    print(many)
    decisions = refunds.check_lines("", first_line=41)
    print(eligible, resolution, options, total, decision.refund.currency, decision.refund.shipping,
          decision.method, decision.return_shipping, decision.fast_refund, decision.ship_back_by, due_by,
          decision.policy, decision.to_dict(), decision.to_json(), decisions)

    compensation = aftersales.CompensationEngine(policy)
    granted: aftersales.CompensationDecision = compensation.decide({"order": {}})
    for offer in granted.offers:
        offered: aftersales.CompensationOffer = offer
        spend: decimal.Decimal | None = offered.min_spend
        print(offered.rule, offered.type, offered.amount, spend, offered.points, offered.sku, offered.value)
    for why in granted.reasons:
        said: aftersales.CompensationReason = why
        print(said.code, said.message, said.rule)
    late: int | None = granted.late_days
    print(granted.compensate, granted.total, granted.currency, granted.policy, late, granted.ticket,
          granted.category, granted.agent, compensation.decide_lines("", first_line=2), compensation.policy)

    try:
        aftersales.Policy.from_json("{")
    except aftersales.PolicyError as error:
        problems: list[tuple[str, str]] = error.problems
        print(problems)
    except aftersales.RangeError as error:
        where: str = error.path
        every: list[tuple[str, str]] = error.problems
        print(where, every)
    except (aftersales.InputError, aftersales.NotFoundError, aftersales.Error) as error:
        print(error)


def check_routing(policy: aftersales.Policy, t: dt.datetime) -> None:
    router: aftersales.Router = aftersales.Router(policy)
    router.upsert_agent({"id": "A-1", "queues": ["general"], "capacity": {"*": 2}})
    router.set_status("A-1", "away")
    decision: aftersales.RoutingDecision = router.route({"id": "T-1", "created_at": 0}, t)
    agent: str | None = decision.agent
    rule: str | None = decision.rule
    reasons: list[str] = decision.reasons
    as_dict: dict[str, Any] = decision.to_dict()
    later: list[aftersales.RoutingDecision] = router.dispatch(t)
    freed: list[str] = router.remove_agent("A-1")
    waiting: int = router.waiting_count
    withdrawn: bool = router.withdraw("T-1")
    again = aftersales.Router.restore(policy, router.snapshot())
    print(agent, rule, reasons, as_dict, later, freed, waiting, withdrawn, again, decision.priority, decision.queue)
    for load in router.agents():
        status: Literal["online", "away", "offline"] = load.status
        on_channels: dict[str, int] = load.load
        held: list[str] = load.tickets
        offered: list[str] | None = load.offered
        print(load.id, status, load.queues, load.capacity, on_channels, load.total + 0, held, offered, load.to_dict())
    for ticket in router.waiting():
        since: dt.datetime = ticket.waiting_since
        due: dt.datetime | None = ticket.due_at
        print(ticket.ticket, ticket.queue, ticket.priority, ticket.channel, since, due, ticket.to_json())
    counts: aftersales.RouterCounts = router.counts()
    by_name: dict[str, int] = counts.to_dict()
    print(counts.agents + counts.online + counts.away + counts.offline + counts.waiting + counts.assigned + counts.offered, by_name)


def check_kpi(policy: aftersales.Policy, tickets: list[dict[str, Any]]) -> None:
    at = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)
    kpi: aftersales.KpiEngine = aftersales.KpiEngine(policy)
    result: aftersales.KpiResult = kpi.compute(tickets, at, group_by=["agent", "day", "fields.region"], time_zone="Asia/Shanghai")
    zone: str | None = result.time_zone
    groups: list[dict[str, Any]] = result.groups
    csat: float | None = result.metric({"agent": "A-1", "day": "2026-11-11"}, "csat")
    card: aftersales.ScorecardResult = kpi.score("agent-monthly", result, rank_within=["day"])
    rows: list[dict[str, Any]] = card.rows
    acc = aftersales.KpiAccumulator(policy, ["queue"])
    acc.add(tickets[0], at)
    acc.add_many(tickets, at)
    acc.add_many(aftersales.TicketBatch(tickets), at, threads=2)
    result = kpi.compute(aftersales.TicketBatch(tickets), at)
    result = kpi.compute_lines(b"", at, orders={"2026-11-11": 10}, threads=1, first_line=41)
    acc.merge(aftersales.KpiAccumulator.from_json(policy, acc.to_json()))
    total: aftersales.KpiResult = acc.result(orders=1000)
    left_out: int = total.not_yet_created
    need: aftersales.staffing.StaffingResult = aftersales.staffing.erlang_c(100, 1800, 180)
    plan: list[aftersales.staffing.PlanRow] = aftersales.staffing.plan(1e6, 0.02, [1, 2, 1], patience=90)
    print(groups, csat, rows, total, left_out, need.agents, plan[0].staffing.scheduled)
    staffed: aftersales.staffing.Plan = aftersales.staffing.plan(1e6, 0.02, [1])
    frames = (result.to_pandas(), result.to_arrow(), card.to_arrow(), staffed.to_pandas(), staffed.to_arrow())
    reports = aftersales.SlaEngine(policy).evaluate_many(tickets, at)
    batch: aftersales.TicketBatch = aftersales.TicketBatch.from_pandas(frames[0])
    batch = aftersales.TicketBatch.from_arrow(frames[1])
    print(frames, batch, aftersales.sla_frame(reports), aftersales.sla_table(iter(reports)))
