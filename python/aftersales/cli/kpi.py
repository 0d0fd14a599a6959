"""`aftersales kpi`: the KPIs of tickets (JSON Lines) per group, or a scorecard, as a table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from aftersales import KpiEngine, format_instant
from aftersales.cli._common import Options, file_size, instant_of, load, open_input, order_count, percent, table
from aftersales.cli._progress import bar


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    kpi = commands.add_parser(
        "kpi",
        parents=[options.policy, options.tickets, options.at, options.threads, options.progress],
        help="KPIs of tickets (JSON Lines), as a table",
        description="Counts, response and resolution times, SLA, FCR, CSAT, NPS and the other "
        "KPIs of docs/kpi.md per group; with --scorecard, the policy's scorecard instead.",
    )
    kpi.add_argument("--group-by", "--by", dest="by", default="", metavar="DIMS",
                     help="comma-separated: agent,queue,channel,category,priority,day,hour,week,month,tier,tag,"
                     "fields.NAME")
    kpi.add_argument("--time-zone", metavar="ZONE",
                     help="IANA zone days, hours, weeks and months are counted in (default: the policy's "
                     "kpi.timezone, else the zone its calendars share; never UTC unasked)")
    kpi.add_argument("--orders", type=order_count, metavar="N", help="orders in the period, for complaint_rate")
    kpi.add_argument("--scorecard", metavar="ID", help="print this scorecard of the policy instead")
    kpi.add_argument("--rank-within", default="", metavar="DIMS",
                     help="with --scorecard: rank within the groups that share these dimensions (e.g. month)")
    kpi.add_argument("--json", action="store_true", help="print the result as JSON instead of a table")
    kpi.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    engine = KpiEngine(load(Path(args.policy)))
    at = instant_of(args)
    by, within = ([d for d in text.split(",") if d] for text in (args.by, args.rank_within))
    # The tickets are counted a block at a time: memory does not grow with the file.
    with open_input(args.tickets, "tickets") as tickets, bar(args.progress, "B", file_size(tickets)) as shown:
        result = engine.compute_file(tickets, at, group_by=by, time_zone=args.time_zone, orders=args.orders,
                                     threads=args.threads, progress=None if shown is None else shown.streamed)
    if result.not_yet_created:
        # A replay as of --at leaves out what did not exist yet; the table alone would not say so.
        n = result.not_yet_created
        print(f"aftersales: left out {n} ticket{'' if n == 1 else 's'} created after {format_instant(at)}",
              file=sys.stderr)
    if args.scorecard:
        card = engine.score(args.scorecard, result, rank_within=within)
        print(card.to_json() if args.json else scorecard_table(card.to_dict()))
    else:
        print(result.to_json() if args.json else kpi_table(result.to_dict()))


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    minutes, seconds = divmod(round(value), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def _key_cells(key: dict[str, str | None]) -> tuple[str, ...]:
    return tuple("(none)" if v is None else v for v in key.values())


def kpi_table(result: dict[str, Any]) -> str:
    # The zone times were read in heads the table: a day means nothing without it.
    zone = f"times in {result['time_zone']}\n" if result.get("time_zone") else ""
    return zone + table(kpi_rows(result))


def kpi_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    """The cells of the KPI table of `result` (`KpiResult.to_dict()`), a row of headings first."""
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
            percent(met / total if total else None), percent(g["fcr_rate"]), percent(g["csat"]), nps,
            percent(g["reopen_rate"]), percent(g["bot_resolution_rate"])))
    return rows


def scorecard_table(result: dict[str, Any]) -> str:
    return table(scorecard_rows(result))


def scorecard_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    """The cells of the table of a scorecard (`ScorecardResult.to_dict()`), best first."""
    head = tuple(result["group_by"]) or ("all",)
    rows: list[tuple[str, ...]] = [head + ("rank", "score", "stars")]
    for r in by_rank(result["rows"]):
        score = "-" if r["score"] is None else f"{r['score']:.1f}"
        stars = "*" * r["stars"] + ("  (critical metric failed)" if r["critical_failed"] else "")
        rows.append((_key_cells(r["key"]) or ("all",)) + ("-" if r["rank"] is None else str(r["rank"]), score, stars))
    return rows


def by_rank(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A scorecard's rows, best first; those without a rank (no data) last."""
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0))
