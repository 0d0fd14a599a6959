"""The `kpi` and `staffing` subcommands, and their part of `demo`."""

from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aftersales import InputError, KpiEngine, Policy, parse_duration, parse_instant, staffing

# Share of a Double 11 day's contacts per hour (00:00-23:00, Asia/Shanghai): the midnight
# rush when the sale opens, a lull before dawn, the daytime plateau and the evening peak.
DOUBLE11_PROFILE = (9, 7, 4, 2, 1, 1, 1, 2, 3, 5, 6, 6, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 8, 9)


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], load: Any, thread_count: Any, order_count: Any
) -> None:
    kpi = commands.add_parser(
        "kpi",
        help="KPIs of tickets (JSON Lines), as a table",
        description="Counts, response and resolution times, SLA, FCR, CSAT, NPS and the other "
        "KPIs of docs/kpi.md per group; with --scorecard, the policy's scorecard instead.",
    )
    kpi.add_argument("--policy", required=True, help="policy document (JSON)")
    kpi.add_argument("tickets", metavar="TICKETS", help="tickets as JSON Lines")
    kpi.add_argument("--at", metavar="T", help="as of T (RFC 3339 with an offset; default: now)")
    kpi.add_argument("--by", default="", metavar="DIMS", help="comma-separated: agent,queue,channel,category,priority,day")
    kpi.add_argument("--day-calendar", metavar="NAME", help="calendar whose time zone days are counted in (default UTC)")
    kpi.add_argument("--orders", type=order_count, metavar="N", help="orders in the period, for complaint_rate")
    kpi.add_argument("--scorecard", metavar="ID", help="print this scorecard of the policy instead")
    kpi.add_argument("--json", action="store_true", help="print the result as JSON instead of a table")
    kpi.add_argument("--threads", type=thread_count, default=0, metavar="N", help="worker threads (0: one per core)")
    kpi.set_defaults(run=lambda args: _run_kpi(args, load(Path(args.policy))))

    plan = commands.add_parser(
        "staffing",
        help="agents needed (Erlang C / Erlang A), for one interval or a peak day",
        description="With --contacts: one interval. With --orders and --contact-rate: a plan per "
        "interval of a day split by --profile (default: an hourly Double 11 profile).",
    )
    plan.add_argument("--contacts", type=float, help="contacts in one interval")
    plan.add_argument("--orders", type=float, help="orders in the day (with --contact-rate)")
    plan.add_argument("--contact-rate", type=float, help="contacts per order, e.g. 0.02")
    plan.add_argument("--profile", help="comma-separated weights per interval (default: Double 11, hourly)")
    plan.add_argument("--interval", default="1h", help="interval length (default 1h)")
    plan.add_argument("--aht", default="4m", help="average handle time (default 4m)")
    plan.add_argument("--answer-time", default="20s", help="target answer time (default 20s)")
    plan.add_argument("--service-level", type=float, default=0.8, help="share answered in time (default 0.8)")
    plan.add_argument("--max-occupancy", type=float, default=0.85, help="default 0.85")
    plan.add_argument("--shrinkage", type=float, default=0.3, help="default 0.3")
    plan.add_argument("--patience", help="mean patience: size with Erlang A (e.g. 90s)")
    plan.set_defaults(run=_run_staffing)


def _run_kpi(args: argparse.Namespace, policy: Policy) -> None:
    at = parse_instant(args.at) if args.at is not None else dt.datetime.now(dt.timezone.utc)
    by = [d for d in args.by.split(",") if d]
    try:
        data = Path(args.tickets).read_bytes()
    except OSError as error:
        raise InputError(f"{args.tickets}: cannot read the tickets: {error.strerror}") from None
    kpi = KpiEngine(policy)
    result = kpi.compute_lines(data, at, group_by=by, day_calendar=args.day_calendar, orders=args.orders,
                                 threads=args.threads)
    if args.scorecard:
        card = kpi.score(args.scorecard, result)
        print(card.to_json() if args.json else scorecard_table(card.to_dict()))
    else:
        print(result.to_json() if args.json else kpi_table(result.to_dict()))


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    minutes, seconds = divmod(round(value), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def _key_cells(key: dict[str, str | None]) -> tuple[str, ...]:
    return tuple("(none)" if v is None else v for v in key.values())


def table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  " + "  ".join(c.rjust(w) if i >= 1 and c[:1].isdigit() or c in "-" else c.ljust(w)
                                      for i, (c, w) in enumerate(zip(row, widths))).rstrip() for row in rows)


def kpi_table(result: dict[str, Any]) -> str:
    head = tuple(result["group_by"]) or ("all",)
    rows: list[tuple[str, ...]] = [head + ("tickets", "resolved", "backlog", "1st reply p50", "resolve p50",
                                           "SLA met", "FCR", "CSAT", "NPS", "reopen", "bot")]
    for g in result["groups"]:
        met = sum(s["achieved"] for s in g["sla"].values())
        total = met + sum(s["breached"] for s in g["sla"].values())
        nps = "-" if g["nps"] is None else f"{g['nps']:+.0f}"
        rows.append((_key_cells(g["key"]) or ("all",)) + (
            str(g["tickets"]), str(g["resolved"]), str(g["backlog"]),
            _seconds(g["first_response_s"]["p50"]), _seconds(g["resolution_s"]["p50"]),
            _percent(met / total if total else None), _percent(g["fcr_rate"]), _percent(g["csat"]), nps,
            _percent(g["reopen_rate"]), _percent(g["bot_resolution_rate"])))
    return table(rows)


def scorecard_table(result: dict[str, Any]) -> str:
    head = tuple(result["group_by"]) or ("all",)
    rows: list[tuple[str, ...]] = [head + ("rank", "score", "stars")]
    ordered = sorted(result["rows"], key=lambda r: (r["rank"] is None, r["rank"] or 0))
    for r in ordered:
        score = "-" if r["score"] is None else f"{r['score']:.1f}"
        stars = "*" * r["stars"] + ("  (critical metric failed)" if r["critical_failed"] else "")
        rows.append((_key_cells(r["key"]) or ("all",)) + ("-" if r["rank"] is None else str(r["rank"]), score, stars))
    return table(rows)


def _s(text: str) -> float:
    return parse_duration(text).total_seconds()


def _run_staffing(args: argparse.Namespace) -> None:
    common: dict[str, Any] = dict(
        aht=_s(args.aht), answer_time=_s(args.answer_time), service_level=args.service_level,
        max_occupancy=args.max_occupancy, shrinkage=args.shrinkage,
    )
    patience = None if args.patience is None else _s(args.patience)
    if args.contacts is not None:
        result = (staffing.erlang_c(args.contacts, _s(args.interval), **common) if patience is None
                  else staffing.erlang_a(args.contacts, _s(args.interval), patience=patience, **common))
        print(table([("agents", "scheduled", "Erlangs", "service level", "P(wait)", "ASA", "occupancy", "abandon"),
                     _staffing_cells(result)]))
        return
    if args.orders is None or args.contact_rate is None:
        raise InputError("give --contacts, or --orders with --contact-rate")
    profile = _weights(args.profile) if args.profile else list(DOUBLE11_PROFILE)
    print(plan_table(staffing.plan(args.orders, args.contact_rate, profile, interval=_s(args.interval),
                                   patience=patience, **common)))


def _weights(text: str) -> list[float]:
    try:
        return [float(weight) for weight in text.split(",")]
    except ValueError:
        raise InputError("--profile: expected comma-separated numbers, such as 9,7,4") from None


def _staffing_cells(r: staffing.StaffingResult) -> tuple[str, ...]:
    asa = "inf" if math.isinf(r.asa_s) else f"{r.asa_s:.1f}s"
    return (str(r.agents), str(r.scheduled), f"{r.traffic:.1f}", _percent(r.service_level),
            _percent(r.probability_wait), asa, _percent(r.occupancy), _percent(r.abandonment))


def plan_table(rows: Sequence[staffing.PlanRow]) -> str:
    cells: list[tuple[str, ...]] = [("start", "contacts", "agents", "scheduled", "Erlangs", "service level",
                                     "P(wait)", "ASA", "occupancy", "abandon")]
    for row in rows:
        minutes = int(row.start.total_seconds() // 60)
        cells.append((f"{minutes // 60:02d}:{minutes % 60:02d}", f"{row.contacts:.0f}") + _staffing_cells(row.staffing))
    return table(cells)


def demo(policy: Policy, tickets_path: Path) -> None:
    """The demo's KPI, scorecard and Double 11 staffing sections."""
    at = dt.datetime(2026, 11, 20, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    print(f"\nKPIs of the example tickets by agent at {at:%Y-%m-%d %H:%M} (Asia/Shanghai)")
    if tickets_path.is_file():
        kpi = KpiEngine(policy)
        result = kpi.compute_lines(tickets_path.read_bytes(), at, group_by=["agent"], day_calendar="cn-service")
        print(kpi_table(result.to_dict()))
        print("\nScorecard agent-monthly (stars at 60/70/80/90 points; CSAT is critical)")
        print(scorecard_table(kpi.score("agent-monthly", result).to_dict()))
    print("\nDouble 11 staffing plan: 3,000,000 orders x 2% contacts, AHT 4m, 80% answered in 20s,")
    print("shrinkage 30%; customers wait 90s on average before hanging up (Erlang A)")
    rows = staffing.plan(3_000_000, 0.02, DOUBLE11_PROFILE, interval=3600, aht=240, answer_time=20,
                         service_level=0.8, shrinkage=0.3, patience=90)
    print(plan_table(rows[:3] + rows[9:12] + rows[20:]))
    peak = max(rows, key=lambda r: r.staffing.scheduled)
    erlang_c = staffing.erlang_c(peak.contacts, 3600, 240, answer_time=20, service_level=0.8, shrinkage=0.3)
    print(f"  Peak: {peak.staffing.scheduled} agents scheduled at {int(peak.start.total_seconds() // 3600):02d}:00 "
          f"(Erlang C, which ignores hang-ups, would ask for {erlang_c.scheduled})")
