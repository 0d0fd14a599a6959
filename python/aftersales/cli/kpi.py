"""`aftersales kpi`: the KPIs of tickets (JSON Lines) per group, or a scorecard, as a table."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from aftersales import KpiEngine, format_instant
from aftersales.cli._common import (
    Column,
    Options,
    UsageError,
    add_format,
    at_argument,
    described,
    file_size,
    load,
    open_input,
    order_count,
    table_cells,
    table_lines,
    write_rows,
)
from aftersales.cli._progress import bar


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    kpi = commands.add_parser(
        "kpi",
        parents=[options.policy, options.tickets, options.at, options.threads, options.progress],
        help="KPIs of tickets (JSON Lines), as a table",
        **described(
            "Counts, response and resolution times, SLA, FCR, CSAT, NPS and the other KPIs of "
            "docs/kpi.md per group; with --scorecard, the policy's scorecard instead. A table (the "
            "default), a row a group in JSON Lines or CSV (--format), or the whole result as one "
            "JSON document (--json).",
            "aftersales kpi --policy policy.json tickets.jsonl --at 2026-11-20 --by agent",
            "aftersales kpi --policy policy.json - --at now --by day --format csv < tickets.jsonl",
            "aftersales kpi --policy policy.json tickets.jsonl --at 2026-12-01 --by agent --scorecard agent-monthly",
            "aftersales kpi --policy policy.json tickets.jsonl --by agent,day --time-zone Asia/Shanghai --json",
            "aftersales kpi --policy policy.json tickets.jsonl --by category --compensations decisions.jsonl",
        ),
    )
    kpi.add_argument("--group-by", "--by", dest="by", default="", metavar="DIMS",
                     help="comma-separated: agent,queue,channel,category,priority,day,hour,week,month,tier,tag,"
                     "fields.NAME")
    kpi.add_argument("--time-zone", metavar="ZONE",
                     help="IANA zone days, hours, weeks and months are counted in (default: the policy's "
                     "kpi.timezone, else the zone its calendars share; never UTC unasked)")
    kpi.add_argument("--orders", type=order_count, metavar="N", help="orders in the period, for complaint_rate")
    kpi.add_argument("--compensations", metavar="FILE",
                     help="compensations granted (JSON Lines of {ticket, currency, total}, or the decisions "
                     "`aftersales compensate` writes): adds each group's cost per ticket and compensation rate")
    kpi.add_argument("--scorecard", metavar="ID", help="print this scorecard of the policy instead")
    kpi.add_argument("--rank-within", default="", metavar="DIMS",
                     help="with --scorecard: rank within the groups that share these dimensions (e.g. month)")
    output = kpi.add_mutually_exclusive_group()
    output.add_argument("--json", dest="format", action="store_const", const="json", default="table",
                        help="print the result as one JSON document (docs/kpi.md)")
    add_format(output, "table", "a row per group")
    kpi.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    policy = load(args.policy)
    engine = KpiEngine(policy)
    at = at_argument(args, policy)
    by, within = ([d for d in text.split(",") if d] for text in (args.by, args.rank_within))
    compensations = None if args.compensations is None else _compensations(args.compensations)
    # The tickets are counted a block at a time: memory does not grow with the file.
    with open_input(args.tickets, "tickets") as tickets, bar(args.progress, "B", file_size(tickets)) as shown:
        result = engine.compute_file(tickets, at, group_by=by, time_zone=args.time_zone, orders=args.orders,
                                     threads=args.threads, progress=None if shown is None else shown.streamed,
                                     compensations=compensations)
    if result.not_yet_created:
        # A replay as of --at leaves out what did not exist yet; the table alone would not say so.
        n = result.not_yet_created
        print(f"aftersales: left out {n} ticket{'' if n == 1 else 's'} created after {format_instant(at)}",
              file=sys.stderr)
    if args.scorecard:
        card = engine.score(args.scorecard, result, rank_within=within)
        _print(card, args.format, scorecard_table, score_rows)
    else:
        _print(result, args.format, kpi_table, group_rows)


def _compensations(path: str) -> list[dict[str, Any]]:
    """The records of a JSON Lines file; decisions that compensate nothing are not compensations."""
    records = []
    with open_input(path, "compensations") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                raise UsageError(f"{path}: line {number}: not a JSON object") from None
            if not isinstance(record, dict):
                raise UsageError(f"{path}: line {number}: not a JSON object")
            if record.get("compensate") is not False:
                records.append(record)
    return records


def _print(result: Any, form: str, shown: Callable[[dict[str, Any]], str],
           rows: Callable[[dict[str, Any]], tuple[list[Column], list[list[Any]]]]) -> None:
    if form == "json":
        print(result.to_json())
    elif form == "table":
        print(shown(result.to_dict()))
    else:
        write_rows(*rows(result.to_dict()), form, sys.stdout)


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    minutes, seconds = divmod(round(value), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def _key(value: str | None) -> str:
    return "(none)" if value is None else value


def _keys(result: dict[str, Any]) -> tuple[list[Column], Callable[[dict[str, str | None]], list[str | None]]]:
    """The columns of a result's group keys, and a group's values in them: one column "all" when the
    result is not grouped."""
    if not result["group_by"]:
        return [Column("all")], lambda key: ["all"]
    return [Column(name, show=_key) for name in result["group_by"]], lambda key: list(key.values())


_GROUP_COLUMNS = (
    Column("tickets"),
    Column("resolved"),
    Column("backlog"),
    Column("first_response_p50_s", "1st reply p50", show=_seconds),
    Column("resolution_p50_s", "resolve p50", show=_seconds),
    Column("sla_met_rate", "SLA met", "ratio"),
    Column("fcr_rate", "FCR", "ratio"),
    Column("csat", "CSAT", "ratio"),
    Column("nps", "NPS", show=lambda nps: "-" if nps is None else f"{nps:+.0f}"),
    Column("reopen_rate", "reopen", "ratio"),
    Column("bot_resolution_rate", "bot", "ratio"),
)

_COMPENSATION_COLUMNS = (
    Column("compensation_rate", "compensated", "ratio"),
    Column("cost_per_ticket", "cost/ticket"),
)


def group_rows(result: dict[str, Any]) -> tuple[list[Column], list[list[Any]]]:
    """A KPI result's groups as columns and a row a group."""
    columns, values = _keys(result)
    rows = []
    for g in result["groups"]:
        met = sum(s["achieved"] for s in g["sla"].values())
        total = met + sum(s["breached"] for s in g["sla"].values())
        rows.append(values(g["key"]) + [
            g["tickets"], g["resolved"], g["backlog"], g["first_response_s"]["p50"], g["resolution_s"]["p50"],
            met / total if total else None, g["fcr_rate"], g["csat"], g["nps"], g["reopen_rate"],
            g["bot_resolution_rate"]])
    if result["groups"] and "compensation" in result["groups"][0]:
        # Given compensation records, every group has them: two columns after the others.
        for row, g in zip(rows, result["groups"]):
            row += [g["compensation"]["rate"], g["compensation"]["cost_per_ticket"]]
        return columns + list(_GROUP_COLUMNS) + list(_COMPENSATION_COLUMNS), rows
    return columns + list(_GROUP_COLUMNS), rows


def kpi_table(result: dict[str, Any]) -> str:
    # The zone times were read in heads the table: a day means nothing without it.
    zone = f"times in {result['time_zone']}\n" if result.get("time_zone") else ""
    return zone + table_lines(*group_rows(result))


_SCORE_COLUMNS = (
    Column("rank"),
    Column("score", show=lambda score: "-" if score is None else f"{score:.1f}"),
    Column("stars", only="data"),
    Column("critical_failed", only="data"),
    Column("stars_shown", "stars", only="table"),
)


def score_rows(result: dict[str, Any]) -> tuple[list[Column], list[list[Any]]]:
    """A scorecard's rows, best rank first (unranked last), as columns and a row a group."""
    columns, values = _keys(result)
    rows = []
    for r in by_rank(result["rows"]):
        shown = "*" * r["stars"] + ("  (critical metric failed)" if r["critical_failed"] else "")
        rows.append(values(r["key"]) + [r["rank"], r["score"], r["stars"], r["critical_failed"], shown])
    return columns + list(_SCORE_COLUMNS), rows


def scorecard_table(result: dict[str, Any]) -> str:
    return table_lines(*score_rows(result))


def by_rank(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A scorecard's rows, best first; those without a rank (no data) last."""
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0))


def kpi_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    """The cells of the KPI table of `result` (`KpiResult.to_dict()`), a row of headings first."""
    return table_cells(*group_rows(result))


def scorecard_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    """The cells of the table of a scorecard (`ScorecardResult.to_dict()`), best first."""
    return table_cells(*score_rows(result))
