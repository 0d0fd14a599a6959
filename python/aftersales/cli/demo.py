"""`aftersales demo`: the example policy's calendars, SLA clocks, router, refunds, KPIs and a
Double 11 staffing plan at work."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aftersales import (
    Calendar,
    CompensationEngine,
    KpiEngine,
    Policy,
    RefundEngine,
    Router,
    SlaEngine,
    SlaMetric,
    SlaReport,
    TicketBatch,
    __version__,
    format_duration,
    format_instant,
    staffing,
)
from aftersales.cli._common import Options, UsageError, aligned, compact, described, load, write_text
from aftersales.cli.kpi import kpi_table, scorecard_table
from aftersales.cli.route import staff
from aftersales.cli.staffing import DOUBLE11_PROFILE, plan_table

DEFAULT_POLICY = Path("examples", "policies", "cn-marketplace.json")
DEFAULT_REPORT = Path("double11-report.html")
# The KPIs, the scorecard and the report are as of the week after Double 11: every clock of the
# example tickets has stopped by then.
KPI_AT = dt.datetime(2026, 11, 20, tzinfo=dt.timezone(dt.timedelta(hours=8)))
# The Double 11 service goal the demo plans with, passed explicitly (and printed with the plan):
# hourly, a 4-minute handle time, 80% answered within 20 s, no occupancy cap, 30% shrinkage, and customers who hang up
# after 90 s on average (Erlang A).
DOUBLE11_ORDERS = 3_000_000
DOUBLE11_CONTACT_RATE = 0.02
DOUBLE11_GOAL: dict[str, Any] = {"aht": 240, "answer_time": 20, "service_level": 0.8, "max_occupancy": 1.0,
                                   "shrinkage": 0.3, "patience": 90}


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    demo = commands.add_parser("demo", help="show the example policy's calendars at work", **described(
        "A Double 11 under the example policy: its calendars, SLA clocks, router, refunds, KPIs and a "
        "staffing plan, each value it uses printed beside the answer.",
        "aftersales demo          # from the aftersales source tree",
        "aftersales demo --policy examples/policies/cn-marketplace.json"))
    demo.add_argument(
        "--policy", type=Path, help=f"policy document (default: ./{DEFAULT_POLICY.as_posix()})"
    )
    demo.add_argument(
        "--report", type=Path, default=DEFAULT_REPORT, metavar="PATH",
        help=f"where to write the Double 11 report, an HTML page of charts (default: ./{DEFAULT_REPORT})",
    )
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    path: Path | None = args.policy
    if path is None:
        if not DEFAULT_POLICY.is_file():
            raise UsageError(
                f"no --policy given and ./{DEFAULT_POLICY.as_posix()} does not exist; "
                "run from the aftersales source tree or pass --policy PATH"
            )
        path = DEFAULT_POLICY
    policy = load(path)
    print(f"aftersales {__version__}: a Double 11 under {path.as_posix()}")
    print(f"calendars: {', '.join(policy.calendar_names)}")
    _demo_cn_service(policy.calendar("cn-service"))
    _demo_eu_service(policy.calendar("eu-service"))
    # The example tickets and agents sit beside the example policy: examples/{policies,tickets,agents}/.
    examples = path.parent.parent
    tickets = examples / "tickets" / "double11.jsonl"
    _demo_sla(policy, tickets)
    _demo_routing(policy, tickets, examples / "agents" / "cn-agents.json")
    _demo_refunds(policy)
    _demo_compensation(policy, examples / "compensation" / "double11-late.json")
    _demo_kpi(policy, tickets)
    _demo_report(policy, tickets, args.report)


def _demo_cn_service(calendar: Calendar) -> None:
    zone = ZoneInfo(calendar.time_zone)
    _heading(calendar)

    double11 = dt.datetime(2026, 11, 11, 3, 0, tzinfo=zone)
    _say(f"Open at {_local(double11)} (Double 11)?", _open_answer(calendar, double11, zone))
    normal = dt.datetime(2026, 11, 20, 3, 0, tzinfo=zone)
    _say(f"Open at {_local(normal)}?", _open_answer(calendar, normal, zone))

    sla = dt.timedelta(hours=2)
    started = dt.datetime(2026, 11, 17, 23, 30, tzinfo=zone)
    _say(
        f"A {format_duration(sla)} reply SLA started at {_local(started)} is due",
        _instant(calendar.add(started, sla), zone),
    )

    before = dt.datetime(2026, 9, 30, 18, 0, tzinfo=zone)
    after = dt.datetime(2026, 10, 9, 12, 0, tzinfo=zone)
    _say(
        f"Business time from {_local(before)} to {_local(after)}, across National Day",
        _business_of_elapsed(calendar, before, after),
    )


def _demo_eu_service(calendar: Calendar) -> None:
    zone = ZoneInfo(calendar.time_zone)
    _heading(calendar)
    print("  (clocks go back one hour on Sunday 25 October 2026)")

    friday = dt.datetime(2026, 10, 23, 12, 0, tzinfo=zone)
    monday = dt.datetime(2026, 10, 26, 12, 0, tzinfo=zone)
    _say(
        f"Business time from {_local(friday)} to {_local(monday)}",
        _business_of_elapsed(calendar, friday, monday),
    )
    sla = dt.timedelta(hours=16)
    started = dt.datetime(2026, 10, 23, 15, 0, tzinfo=zone)
    _say(
        f"A {format_duration(sla)} resolution SLA started at {_local(started)} is due",
        _instant(calendar.add(started, sla), zone),
    )


def _demo_sla(policy: Policy, tickets_path: Path) -> None:
    engine = SlaEngine(policy)
    zone = ZoneInfo("Asia/Shanghai")
    at = dt.datetime(2026, 11, 13, 10, 0, tzinfo=zone)
    print(f"\nSLA clocks at {_local(at)}, the morning after Double 11 (times in {zone.key})")
    if not tickets_path.is_file():
        print(f"  (no example tickets at {tickets_path.as_posix()})")
        return
    shown = ("T-1102", "T-1103", "T-1105", "T-1106", "T-1108", "T-1110")
    lines = tickets_path.read_text(encoding="utf-8").splitlines()
    tickets = [ticket for ticket in map(json.loads, filter(str.strip, lines)) if ticket["id"] in shown]
    reports = [engine.evaluate(ticket, at) for ticket in tickets]
    print("\n".join(aligned(sla_clock_rows(reports, zone), "  ")))
    look_again = [f"{r.ticket} at {_short(r.next_check_at, zone)}" for r in reports if r.next_check_at is not None]
    print(f"  Evaluate again (next_check_at): {', '.join(look_again)}")


def sla_clock_rows(reports: Iterable[SlaReport], zone: ZoneInfo) -> list[tuple[str, ...]]:
    """The clocks of SLA `reports` as table cells, a row per metric, times in `zone`, a row of
    headings first (the demo's table, and the report's)."""
    rows: list[tuple[str, ...]] = [("ticket", "policy", "metric", "state", "elapsed / target", "due")]
    for report in reports:
        first = (report.ticket, report.policy or "(none)")
        for metric in report.metrics:
            progress = f"{compact(metric.elapsed)} / {compact(metric.target)}"
            rows.append((*first, _metric_name(metric), metric.state, progress, _due(metric, zone)))
            first = ("", "")
    return rows


def _demo_routing(policy: Policy, tickets_path: Path, agents_path: Path) -> None:
    zone = ZoneInfo("Asia/Shanghai")
    at = dt.datetime(2026, 11, 13, 10, 0, tzinfo=zone)
    print(f"\nRouting: the Double 11 tickets arrive at once at {_local(at)}")
    if not tickets_path.is_file() or not agents_path.is_file():
        print(f"  (no example tickets or agents beside {tickets_path.parent.parent.as_posix()})")
        return
    router = Router(policy)
    staff(router, agents_path)
    lines = tickets_path.read_text(encoding="utf-8").splitlines()
    rows = [("ticket", "category", "queue", "agent", "why")]
    for ticket in map(json.loads, filter(str.strip, lines)):
        decision = router.route(ticket, at)
        who = "bot" if decision.bot else decision.agent or "waits"
        rows.append((decision.ticket, str(ticket["category"]), decision.queue, who, decision.reasons[-1]))
    print("\n".join(aligned(rows, "  ")))
    later = at + dt.timedelta(minutes=6)
    moved = router.dispatch(later)
    print(f"  Dispatch at {_short(later, zone)}: " + (
        ", ".join(f"{d.ticket} -> {d.agent} ({d.reasons[1]})" for d in moved) or "nothing to move"
    ))


def _metric_name(metric: SlaMetric) -> str:
    name = f"{metric.metric} {metric.queue}" if metric.queue else metric.metric  # an OLA: "ola returns"
    return f"{name} #{metric.cycle}" if metric.cycle else name


def _due(metric: SlaMetric, zone: ZoneInfo) -> str:
    if metric.breached_at is not None:
        return f"missed {_short(metric.breached_at, zone)}"
    return _short(metric.due_at, zone) if metric.due_at is not None else "-"


def _short(t: dt.datetime, zone: ZoneInfo) -> str:
    local = t.astimezone(zone)
    return local.strftime("%a %d %b %H:%M:%S" if local.second else "%a %d %b %H:%M")


def _heading(calendar: Calendar) -> None:
    print(f"\n{calendar.name} (hours in {calendar.time_zone})")


def _say(question: str, answer: str) -> None:
    print(f"  {question}{'' if question.endswith('?') else ':'} {answer}")


def _open_answer(calendar: Calendar, t: dt.datetime, zone: ZoneInfo) -> str:
    if calendar.is_open(t):
        return "yes"
    return f"no, it opens {_instant(calendar.next_open(t), zone)}"


def _local(t: dt.datetime) -> str:
    return t.strftime("%a %d %b %Y %H:%M %Z")


def _instant(t: dt.datetime, zone: ZoneInfo) -> str:
    return f"{_local(t.astimezone(zone))} ({format_instant(t)})"


def _business_of_elapsed(calendar: Calendar, start: dt.datetime, end: dt.datetime) -> str:
    # Subtracting datetimes that share a tzinfo ignores a DST change between them; in UTC it
    # is the real elapsed time.
    elapsed = end.astimezone(dt.timezone.utc) - start.astimezone(dt.timezone.utc)
    return f"{_hours(calendar.between(start, end))} of {_hours(elapsed)} elapsed"


def _hours(d: dt.timedelta) -> str:
    minutes = int(d.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"


# A Double 11 order: a coat, three pairs of socks and a face mask the customer confirmed at
# purchase could not be returned once unsealed; a 50.00 coupon; delivery free from 99.00.
_DEMO_ORDER: dict[str, object] = {
    "id": "O-1111",
    "currency": "CNY",
    "placed_at": "2026-11-11T00:10:00+08:00",
    "shipped_at": "2026-11-11T10:00:00+08:00",
    "delivered_at": "2026-11-13T15:00:00+08:00",
    "shipping_fee": "10.00",
    "free_shipping_threshold": "99.00",
    "lines": [
        {"id": "coat", "category": "apparel", "unit_price": "399.00", "quantity": 1},
        {"id": "socks", "category": "apparel", "unit_price": "19.90", "quantity": 3},
        {"id": "mask", "category": "hygiene_unsealed", "unit_price": "59.00", "quantity": 1,
         "no_return_confirmed": True},
    ],
    "discounts": [{"id": "D11-coupon", "amount": "50.00"}],
}


def _demo_refunds(policy: Policy) -> None:
    engine = RefundEngine(policy)
    zone = ZoneInfo("Asia/Shanghai")
    print("\nRefunds of a Double 11 order: coat 399.00, 3 x socks 19.90, mask 59.00, coupon -50.00, free delivery")
    asks = [
        ("one pair of socks, 11-25 (inside the Double 11 extension)", "socks", 1, "2026-11-25T20:00:00+08:00", "no_reason"),
        ("the mask, 11-14", "mask", 1, "2026-11-14T09:00:00+08:00", "no_reason"),
        ("the coat, 12-01", "coat", 1, "2026-12-01T09:00:00+08:00", "no_reason"),
        ("the coat as faulty, 11-15", "coat", 1, "2026-11-15T09:00:00+08:00", "quality"),
    ]
    for label, line, quantity, at, reason in asks:
        decision = engine.check(
            {
                "order": _DEMO_ORDER,
                "items": [{"line": line, "quantity": quantity, "condition": "intact"}],
                "reason": reason,
                "requested_at": at,
                "customer": {"credit_score": 700, "refunds_90d": 0},
            }
        )
        if decision.eligible:
            due = decision.refund_due_by
            answer = (
                f"{decision.resolution}, {decision.refund.total} {decision.refund.currency}"
                f" ({decision.return_shipping} ships back"
                + (", paid before the return arrives" if decision.fast_refund else "")
                + (f", due {_short(due, zone)}" if due is not None else "")
                + ")"
            )
        else:
            answer = "refused: " + "; ".join(f"{r.code} {r.message}" for r in decision.reasons)
        _say(f"{reason} return of {label}", answer)


def _demo_compensation(policy: Policy, request_path: Path) -> None:
    """A Double 11 parcel delivered late, compensated under the policy's compensation section."""
    if not request_path.is_file():
        return
    request = json.loads(request_path.read_text(encoding="utf-8"))
    order = request["order"]
    print(f"\nCompensation of a Double 11 delay: order {order['amount']} {order['currency']} promised by "
          f"{order['promised_by']}, delivered {order['delivered_at'][:10]}")
    decision = CompensationEngine(policy).decide(request)
    if decision.compensate:
        offers = ", ".join(
            f"{offer.type} {offer.value} {decision.currency}"
            + (f" (minimum spend {offer.min_spend})" if offer.min_spend is not None else "")
            for offer in decision.offers
        )
        answer = f"{offers}, {decision.late_days} days late"
    else:
        answer = "nothing: " + "; ".join(r.code for r in decision.reasons)
    _say(f"Compensation for ticket {decision.ticket}", answer)
    for reason in decision.reasons:
        print(f"    {reason.code}: {reason.message}")


def _demo_kpi(policy: Policy, tickets_path: Path) -> None:
    """The demo's KPI, scorecard and Double 11 staffing sections."""
    print(f"\nKPIs of the example tickets by agent at {KPI_AT:%Y-%m-%d %H:%M} (Asia/Shanghai)")
    if tickets_path.is_file():
        engine = KpiEngine(policy)
        result = engine.compute_lines(tickets_path.read_bytes(), KPI_AT, group_by=["agent"])
        print(kpi_table(result.to_dict()))
        print("\nScorecard agent-monthly (stars at 60/70/80/90 points; CSAT is critical)")
        print(scorecard_table(engine.score("agent-monthly", result).to_dict()))
    goal = DOUBLE11_GOAL
    # Every value is passed and printed: the plan's figures must not depend on defaults unseen.
    print(f"\nDouble 11 staffing plan: {DOUBLE11_ORDERS:,} orders x {DOUBLE11_CONTACT_RATE:.0%} contacts, "
          f"hourly, AHT {compact(dt.timedelta(seconds=goal['aht']))}, {goal['service_level']:.0%} answered in "
          f"{goal['answer_time']:g}s,")
    print(f"occupancy at most {goal['max_occupancy']:.0%}, shrinkage {goal['shrinkage']:.0%}; customers wait "
          f"{goal['patience']:g}s on average before hanging up (Erlang A)")
    rows = _double11_plan()
    print(plan_table(rows[:3] + rows[9:12] + rows[20:]))
    peak = max(rows, key=lambda r: r.staffing.scheduled)
    without_patience = {name: value for name, value in goal.items() if name != "patience"}
    erlang_c = staffing.erlang_c(peak.contacts, 3600, **without_patience)
    print(f"  Peak: {peak.staffing.scheduled} agents scheduled at {int(peak.start.total_seconds() // 3600):02d}:00 "
          f"(Erlang C, which ignores hang-ups, would ask for {erlang_c.scheduled})")


def _double11_plan() -> staffing.Plan:
    return staffing.plan(DOUBLE11_ORDERS, DOUBLE11_CONTACT_RATE, DOUBLE11_PROFILE, interval=3600, **DOUBLE11_GOAL)


def _demo_report(policy: Policy, tickets_path: Path, out: Path) -> None:
    print(f"\nDouble 11 report: the example tickets at {KPI_AT:%Y-%m-%d %H:%M} (Asia/Shanghai) and the plan above"
          " as charts and tables")
    if not tickets_path.is_file():
        print(f"  (no example tickets at {tickets_path.as_posix()})")
        return
    # Imported here: the report is the only part of the demo that draws.
    from aftersales import report

    started = time.perf_counter()
    try:
        tickets = TicketBatch.from_file(tickets_path)
        page = report.html(report.gather(policy, tickets, KPI_AT, goal=DOUBLE11_GOAL, plan=_double11_plan()))
    except report.MissingDependency as missing:
        # The rest of the demo needs no plotting library: say what to install and carry on.
        print(f"  not written: {missing}")
        return
    write_text(out, page, "report")
    print(f"  written to {out.resolve()} in {time.perf_counter() - started:.1f} s: open it in a browser (no network needed)")
