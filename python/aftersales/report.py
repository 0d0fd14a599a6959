"""The Double 11 report: what the engines say about a set of tickets at an instant, as one
self-contained HTML page of charts and tables that opens in a browser with no network.

    from aftersales import Policy, TicketBatch, report

    data = report.gather(policy, TicketBatch.from_file("tickets.jsonl"), at, goal={"aht": 240})
    Path("report.html").write_text(report.html(data), encoding="utf-8")

`gather` asks the engines (KpiEngine, SlaEngine, the scorecards, Erlang C/A) and needs nothing
else; `html` draws the charts as inline SVG with matplotlib, the optional extra
`pip install 'aftersales[report]'`. Every number on the page is an engine's, formatted as the
command line formats it (the tables are the demo's and `aftersales kpi`'s).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as _html
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from aftersales import (
    InputError,
    KpiEngine,
    KpiResult,
    Policy,
    ScorecardResult,
    SlaEngine,
    SlaReport,
    TicketBatch,
    __version__,
    format_duration,
    format_instant,
    staffing,
)
from aftersales.cli._common import percent
from aftersales.cli.demo import sla_clock_rows
from aftersales.cli.kpi import by_rank, kpi_rows, scorecard_rows
from aftersales.cli.staffing import STAFFING_HEAD, plan_rows, plan_start, staffing_cells

__all__ = ["MAX_HOURS", "Hour", "MissingDependency", "Report", "gather", "html", "require_plotting"]

# The hourly charts show at most two weeks, the last before the last arrival: a longer span
# would draw bars too thin to read (and replay the backlog once an hour for each of them).
MAX_HOURS = 14 * 24
# The table of running SLA clocks lists at most this many tickets; it says how many it left out.
MAX_CLOCK_TICKETS = 50
INTERVAL_S = 3600
_STILL_RUNNING = ("active", "paused")
_GOAL_TIMES = ("aht", "answer_time", "patience")


class MissingDependency(ImportError):
    """The plotting library the charts need is not installed."""


@dataclasses.dataclass(frozen=True)
class Hour:
    """One local hour of the night: tickets created in it, the backlog at its end (or at the
    report's instant, if sooner), the SLA attainment of its tickets and the staff its arrivals
    need."""

    key: str  # the KPI `hour` key, local time: "2026-11-11T00"
    arrivals: int
    backlog: int
    sla: Mapping[str, float | None]  # metric -> achieved / (achieved + breached); None: none ended
    staff: staffing.StaffingResult


@dataclasses.dataclass(frozen=True)
class Report:
    """The engines' answers the page shows (`gather` makes it)."""

    at: dt.datetime
    time_zone: str
    overall: KpiResult  # every ticket, one group
    by_agent: KpiResult
    hours: list[Hour]
    hours_left_out: int  # hours before the charted ones (MAX_HOURS)
    scorecards: list[ScorecardResult]
    sla: list[SlaReport]  # tickets created by `at`
    goal: Mapping[str, Any]
    plan: Sequence[staffing.PlanRow]  # a peak-day plan shown beside the tickets' staffing, or none


def gather(
    policy: Policy,
    tickets: TicketBatch,
    at: dt.datetime,
    *,
    goal: Mapping[str, Any] | None = None,
    plan: Sequence[staffing.PlanRow] = (),
    time_zone: str | None = None,
    threads: int = 0,
) -> Report:
    """Asks the engines about `tickets` as of `at`. `goal` holds the keyword arguments of
    `staffing.erlang_c` (or `erlang_a`, with `patience`) that are not the library's defaults;
    `plan` (`staffing.plan(...)`), if given, is shown too; hours are read in `time_zone`, else the
    zone the KPIs use (docs/kpi.md, "Time zone").
    Raises InputError when no ticket was created by `at`, or as the engines do."""
    goal = dict(goal or {})
    kpi = KpiEngine(policy)
    by_hour = kpi.compute(tickets, at, ["hour"], time_zone=time_zone, threads=threads)
    if not by_hour.groups:
        raise InputError(f"no ticket was created by {format_instant(at)}: there is nothing to report")
    zone = by_hour.time_zone
    assert zone is not None  # a time dimension was asked for
    arrivals = {g["key"]["hour"]: g for g in by_hour.groups}
    keys = _hour_keys(min(arrivals), max(arrivals))
    left_out = max(0, len(keys) - MAX_HOURS)
    hours = []
    for key in keys[left_out:]:
        group = arrivals.get(key)
        # The backlog is the engine's, replayed as of the hour's end: the tickets created by then
        # and not solved then.
        end = min(_hour_start(key, zone) + dt.timedelta(hours=1), at)
        backlog = sum(g["backlog"] for g in kpi.compute(tickets, end, threads=threads).groups)
        count = 0 if group is None else group["tickets"]
        rates = {} if group is None else {metric: tally["rate"] for metric, tally in group["sla"].items()}
        hours.append(Hour(key, count, backlog, rates, _staff(count, goal)))
    by_agent = kpi.compute(tickets, at, ["agent"], threads=threads)
    reports = SlaEngine(policy).evaluate_many(tickets, at, threads)
    return Report(
        at=at,
        time_zone=zone,
        overall=kpi.compute(tickets, at, threads=threads),
        by_agent=by_agent,
        hours=hours,
        hours_left_out=left_out,
        scorecards=[kpi.score(card, by_agent) for card in _scorecard_ids(policy)],
        sla=[r for r in reports if not r.not_yet_created],
        goal=goal,
        plan=plan,
    )


def _staff(contacts: int, goal: Mapping[str, Any]) -> staffing.StaffingResult:
    if "patience" in goal:
        return staffing.erlang_a(contacts, INTERVAL_S, **goal)
    return staffing.erlang_c(contacts, INTERVAL_S, **goal)


def _scorecard_ids(policy: Policy) -> list[str]:
    document = json.loads(policy.to_json())
    return [card["id"] for card in document.get("kpi", {}).get("scorecards", [])]


def _hour_keys(first: str, last: str) -> list[str]:
    """Every hour key from `first` to `last`: the KPI groups skip hours without arrivals."""
    t, end = (dt.datetime.strptime(key, "%Y-%m-%dT%H") for key in (first, last))
    keys = []
    while t <= end:
        keys.append(f"{t:%Y-%m-%dT%H}")
        t += dt.timedelta(hours=1)
    return keys


def _hour_start(key: str, zone: str) -> dt.datetime:
    return dt.datetime.strptime(key, "%Y-%m-%dT%H").replace(tzinfo=ZoneInfo(zone))


# ---------------------------------------------------------------------------------------------
# The page


def html(report: Report) -> str:
    """The report as one HTML page: inline CSS and SVG, no script, nothing fetched."""
    charts = _Charts()
    zone = ZoneInfo(report.time_zone)
    at = report.at.astimezone(zone)
    overall = report.overall.to_dict()
    total = overall["groups"][0]
    n = report.hours_left_out
    hours_note = (f" The {n} hour{'' if n == 1 else 's'} before the first one drawn {'is' if n == 1 else 'are'} left"
                  f" out of the hourly charts and tables (at most {MAX_HOURS // 24} days are drawn)." if n else "")
    parts = [
        f"<h1>Service report at {_e(f'{at:%Y-%m-%d %H:%M}')} ({_e(report.time_zone)})</h1>",
        f"<p>{total['tickets']} tickets created by {_e(format_instant(report.at))}, {total['resolved']} resolved,"
        f" {total['backlog']} open. Hours are local hours of {_e(report.time_zone)}.{_e(hours_note)}</p>",
        _table("kpi-all", "All tickets", kpi_rows(overall)),
        "<h2>Arrivals and backlog</h2>",
        charts.figure("arrivals", "Tickets created each hour, and the backlog (tickets not solved) at "
                      "the end of the hour", _arrivals_chart, report.hours),
        "<h2>SLA attainment</h2>",
        charts.figure("sla", "SLA attainment of the tickets created each hour, per metric: achieved / "
                      "(achieved + breached) at the report's instant", _sla_chart, report.hours)
        if _metrics(report.hours) else "<p>No SLA clock of these tickets has ended (or the policy has no SLA "
                                       "section): there is no attainment to draw.</p>",
        _table("sla-metrics", "SLA metrics at the report's instant", _sla_metric_rows(total["sla"])),
        _table("hours", "Hour by hour", _hour_rows(report.hours)),
        "<h2>First reply</h2>",
        charts.figure("first-reply", "Time to the first reply that stopped each ticket's first_response "
                      "clock (business time, log scale)", _first_reply_chart, report.sla),
        _sla_clocks(report.sla, zone),
        "<h2>Agents</h2>",
        charts.figure("agents", "Tickets per agent (their owner): resolved, and held unsolved at the "
                      "report's instant", _agents_chart, report.by_agent.to_dict()),
        _table("kpi-agents", "KPIs by agent", kpi_rows(report.by_agent.to_dict())),
    ]
    for card in report.scorecards:
        result = card.to_dict()
        parts += [
            f"<h2>Scorecard {_e(card.scorecard)}</h2>",
            charts.figure(f"scorecard-{card.scorecard}", f"Scorecard {card.scorecard}: score per agent "
                          "(0-100), with its stars", _scorecard_chart, result),
            _table(f"scorecard-{card.scorecard}", f"Scorecard {card.scorecard}", scorecard_rows(result)),
        ]
    parts += [
        "<h2>Staffing</h2>",
        charts.figure("staffing", f"Agents needed for each hour's arrivals ({_goal_text(report.goal)}) and "
                      "scheduled (needed, grossed up for shrinkage)", _staffing_chart,
                      [(_hour_label(h.key), h.staff) for h in report.hours]),
        _table("staffing", "Staff needed by hour (the hours with arrivals)", _staffing_rows(report.hours)),
    ]
    if report.plan:
        parts += [
            charts.figure("plan", "The peak-day plan: agents needed and scheduled in each interval",
                          _staffing_chart, [(plan_start(row), row.staffing) for row in report.plan]),
            _table("plan", "The peak-day plan", plan_rows(report.plan)),
        ]
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta name=\"generator\" content=\"aftersales {_e(__version__)}\">\n"
        f"<title>aftersales report at {_e(format_instant(report.at))}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n{body}\n"
        f"<footer>Made by aftersales {_e(__version__)} from the engines' results; charts drawn with "
        f"matplotlib {_e(charts.version)}.</footer>\n</body>\n</html>\n"
    )


_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #555; }
table { border-collapse: collapse; margin: 1em 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { padding: 0.15em 0.6em; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
div.table { overflow-x: auto; }
footer { margin-top: 3em; font-size: 0.8em; color: #777; }
"""


def _e(text: str) -> str:
    return _html.escape(text, quote=True)


def _table(ident: str, caption: str, rows: Sequence[Sequence[str]], note: str = "") -> str:
    head, *body = rows
    lines = [f"<div class=\"table\"><table id=\"table-{_e(ident)}\">", f"<caption>{_e(caption)}</caption>",
             "<thead><tr>" + "".join(f"<th>{_e(cell)}</th>" for cell in head) + "</tr></thead>", "<tbody>"]
    lines += ["<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in body]
    lines.append("</tbody></table></div>")
    if note:
        lines.append(f"<p>{_e(note)}</p>")
    return "\n".join(lines)


def _metrics(hours: Sequence[Hour]) -> list[str]:
    """The SLA metrics any hour has a rate for, in the order they first appear."""
    return list(dict.fromkeys(metric for hour in hours for metric in hour.sla))


def _sla_metric_rows(sla: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [("metric", "achieved", "breached", "attainment")]
    rows += [(metric, str(t["achieved"]), str(t["breached"]), percent(t["rate"])) for metric, t in sla.items()]
    return rows


def _hour_rows(hours: Sequence[Hour]) -> list[tuple[str, ...]]:
    metrics = _metrics(hours)
    rows: list[tuple[str, ...]] = [("hour", "arrivals", "backlog at end", *(f"{m} met" for m in metrics))]
    rows += [(h.key, str(h.arrivals), str(h.backlog), *(percent(h.sla.get(m)) for m in metrics)) for h in hours]
    return rows


def _staffing_rows(hours: Sequence[Hour]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [("hour", "arrivals", *STAFFING_HEAD)]
    # An hour without arrivals needs nobody: its row would only be zeros (the chart shows it).
    rows += [(h.key, str(h.arrivals), *staffing_cells(h.staff)) for h in hours if h.arrivals]
    return rows


def _sla_clocks(reports: Sequence[SlaReport], zone: ZoneInfo) -> str:
    running = [r for r in reports if any(m.state in _STILL_RUNNING for m in r.metrics)]
    caption = "SLA clocks of the tickets with a clock still running"
    if not running:
        return f"<p>{_e(caption)}: none, every clock has stopped.</p>"
    shown = running[:MAX_CLOCK_TICKETS]
    more = len(running) - len(shown)
    note = f"{more} more ticket{'' if more == 1 else 's'} with a running clock not listed." if more else ""
    return _table("sla-clocks", f"{caption} (times in {zone.key})", sla_clock_rows(shown, zone), note)


def _goal_text(goal: Mapping[str, Any]) -> str:
    model = "Erlang A" if "patience" in goal else "Erlang C"
    given = ", ".join(f"{name.replace('_', ' ')} {_goal_value(name, value)}" for name, value in goal.items())
    return f"{model}, {given}" if given else f"{model}, the library's default goal"


def _goal_value(name: str, value: float) -> str:
    # The goal's times are seconds; said as the options take them (4m, 20s).
    return format_duration(dt.timedelta(seconds=value)) if name in _GOAL_TIMES else f"{value:g}"


# ---------------------------------------------------------------------------------------------
# Charts: matplotlib figures saved as SVG and inlined. Every artist that shows data gets an id
# beginning with "data-" (its gid), so that a test can find what a chart drew.

def require_plotting() -> None:
    """Raises MissingDependency unless the charts can be drawn: a caller can know before it
    gathers."""
    _Charts()


class _Charts:
    def __init__(self) -> None:
        try:
            import matplotlib
            from matplotlib.figure import Figure
        except ImportError:
            raise MissingDependency(
                "the report draws its charts with matplotlib, which is not installed: "
                "pip install 'aftersales[report]'"
            ) from None
        self.version = matplotlib.__version__
        self._matplotlib = matplotlib
        self._figure = Figure

    def figure(self, ident: str, caption: str, draw: Callable[[Any, Any], None], data: Any) -> str:
        settings: Any = {
            # Text stays text (small, selectable), in the reader's own sans-serif: no font is embedded
            # or fetched.
            "svg.fonttype": "none",
            "font.family": ["sans-serif"],
            # The ids of one chart's clip paths and markers differ from every other chart's on the page.
            "svg.hashsalt": ident,
            "font.size": 9,
        }
        with self._matplotlib.rc_context(settings):
            # Fixed margins rather than a layout engine, which draws every chart twice.
            figure = self._figure(figsize=(8, 3.4))
            figure.subplots_adjust(left=0.1, right=0.97, top=0.95, bottom=0.2)
            draw(figure, data)
            buffer = io.StringIO()
            # No date: the same input gives the same page.
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        return (f"<figure class=\"chart\" id=\"chart-{_e(ident)}\">\n{_inline(buffer.getvalue())}\n"
                f"<figcaption>{_e(caption)}</figcaption>\n</figure>")


def _inline(svg: str) -> str:
    """A standalone SVG document as an element of an HTML page: no XML prolog or DOCTYPE, no
    metadata block, no namespace declarations (HTML puts <svg> in its namespace itself). What is
    left refers to nothing outside itself (the tests check)."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    opening_end = svg.index(">")
    opening = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", svg[:opening_end])
    return opening + svg[opening_end:]


def _hour_label(key: str) -> str:
    return f"{key[5:10]}\n{key[11:13]}:00"


def _interval_axis(axes: Any, labels: Sequence[str]) -> None:
    """An x axis of one slot per interval, a dozen of them labelled."""
    step = max(1, math.ceil(len(labels) / 12))
    ticks = list(range(0, len(labels), step))
    axes.set_xticks(ticks, [labels[i] for i in ticks])
    axes.set_xlim(-0.6, len(labels) - 0.4)


def _hour_axis(axes: Any, hours: Sequence[Hour]) -> None:
    _interval_axis(axes, [_hour_label(h.key) for h in hours])


def _counts(axis: Any, label: str) -> None:
    """An axis of whole numbers from 0."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_label_text(label)


def _mark(artists: Iterable[Any], prefix: str) -> None:
    """Gives each artist that shows data its id (a bar container is its bars)."""
    for n, artist in enumerate(artists, 1):
        artist.set_gid(f"data-{prefix}-{n}")


def _arrivals_chart(figure: Any, hours: Sequence[Hour]) -> None:
    axes = figure.add_subplot()
    x = range(len(hours))
    _mark(axes.bar(x, [h.arrivals for h in hours], color="#4c78a8", label="created in the hour"), "arrivals")
    _counts(axes.yaxis, "tickets created")
    _hour_axis(axes, hours)
    # The backlog has its own scale: a night's backlog can be a hundred times an hour's arrivals.
    backlog = axes.twinx()
    _mark(backlog.plot(x, [h.backlog for h in hours], color="#e45756", marker=".", label="backlog at the hour's end"),
          "backlog")
    _counts(backlog.yaxis, "backlog")
    backlog.set_ylim(bottom=0)
    figure.subplots_adjust(right=0.9)
    handles = [artist for a in (axes, backlog) for artist in a.get_legend_handles_labels()[0]]
    backlog.legend(handles=handles, loc="upper left")


def _sla_chart(figure: Any, hours: Sequence[Hour]) -> None:
    axes = figure.add_subplot()
    for metric in _metrics(hours):
        rates = [100 * rate if (rate := h.sla.get(metric)) is not None else math.nan for h in hours]
        _mark(axes.plot(range(len(hours)), rates, marker="o", markersize=3, label=metric), f"sla-{metric}")
    axes.set_ylabel("attainment (%)")
    axes.set_ylim(-5, 105)
    _hour_axis(axes, hours)
    # Beside the plot: there may be a dozen metrics.
    figure.subplots_adjust(right=0.78)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)


def _first_reply_chart(figure: Any, reports: Sequence[SlaReport]) -> None:
    axes = figure.add_subplot()
    minutes: dict[str, list[float]] = {"achieved": [], "breached": []}
    for report in reports:
        for metric in report.metrics:
            stopped = metric.state in minutes and metric.completed_at is not None
            if metric.metric == "first_response" and metric.cycle == 0 and stopped:
                # Clamped to a second: a reply at once would fall off a logarithmic axis.
                minutes[metric.state].append(max(metric.elapsed.total_seconds(), 1) / 60)
    values = minutes["achieved"] + minutes["breached"]
    if not values:
        axes.text(0.5, 0.5, "no first_response clock has stopped", ha="center", va="center", transform=axes.transAxes)
        return
    low, high = min(values), max(values)
    bins = [low / 1.2 * (high * 1.44 / low) ** (i / 24) for i in range(25)]
    _, _, patches = axes.hist([minutes["achieved"], minutes["breached"]], bins=bins, stacked=True,
                              color=["#54a24b", "#e45756"], label=["within target", "breached"])
    _mark((patch for group in patches for patch in group), "first-reply")
    axes.set_xscale("log")
    axes.set_xlabel("minutes to the first reply")
    _counts(axes.yaxis, "tickets")
    axes.legend(loc="upper right")


def _key_label(key: Mapping[str, str | None]) -> str:
    return " / ".join("(none)" if v is None else v for v in key.values()) or "all"


def _agents_chart(figure: Any, result: Mapping[str, Any]) -> None:
    axes = figure.add_subplot()
    groups = result["groups"]
    labels = [_key_label(g["key"]) for g in groups]
    resolved = [g["resolved"] for g in groups]
    _mark(axes.barh(labels, resolved, color="#54a24b", label="resolved"), "resolved")
    _mark(axes.barh(labels, [g["backlog"] for g in groups], left=resolved, color="#f58518", label="held, not solved"),
          "held")
    axes.invert_yaxis()
    _counts(axes.xaxis, "tickets")
    axes.legend(loc="lower right")


def _scorecard_chart(figure: Any, result: Mapping[str, Any]) -> None:
    axes = figure.add_subplot()
    rows = by_rank(result["rows"])
    if all(row["score"] is None for row in rows):
        axes.text(0.5, 0.5, "no agent has data for this scorecard", ha="center", va="center", transform=axes.transAxes)
        return
    labels = [_key_label(r["key"]) for r in rows]
    scores = [r["score"] or 0 for r in rows]
    colors = ["#e45756" if r["critical_failed"] else "#4c78a8" for r in rows]
    bars = axes.barh(labels, scores, color=colors)
    _mark(bars, "score")
    for bar, row in zip(bars, rows):
        text = "-" if row["score"] is None else "*" * row["stars"] + (" critical metric failed" if row["critical_failed"] else "")
        axes.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(4, 0),
                      textcoords="offset points", va="center")
    axes.invert_yaxis()
    axes.set_xlim(0, 110)
    axes.set_xlabel("score")


def _staffing_chart(figure: Any, rows: Sequence[tuple[str, staffing.StaffingResult]]) -> None:
    axes = figure.add_subplot()
    x = range(len(rows))
    _mark(axes.bar(x, [r.scheduled for _, r in rows], color="#bab0ac", label="scheduled"), "scheduled")
    _mark(axes.bar(x, [r.agents for _, r in rows], color="#4c78a8", width=0.5, label="needed"), "needed")
    _counts(axes.yaxis, "agents")
    _interval_axis(axes, [label for label, _ in rows])
    axes.legend(loc="upper left")
