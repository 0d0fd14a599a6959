"""`aftersales report`: the tickets at an instant as one self-contained HTML page of charts and
tables (aftersales.report), for a browser with no network."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aftersales import InputError, TicketBatch, staffing
from aftersales.cli._common import Options, UsageError, at_argument, described, load, order_count, read_bytes, write_text
from aftersales.cli.staffing import DOUBLE11_PROFILE, add_goal_options, given, profile_weights


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    report = commands.add_parser(
        "report",
        parents=[options.policy, options.tickets, options.at, options.threads],
        help="the tickets as an HTML report of charts and tables (needs matplotlib)",
        **described(
            "Writes one HTML page that opens with no network: arrivals and backlog by hour, SLA attainment "
            "by hour, the first-reply distribution, agents' load, the policy's scorecards and the staff each "
            "hour's arrivals need (Erlang C, or Erlang A with --patience), with the tables behind them. "
            "Needs matplotlib: pip install 'aftersales[report]'.",
            "aftersales report --policy examples/policies/cn-marketplace.json examples/tickets/double11.jsonl "
            "--at 2026-11-20T00:00:00+08:00 -o report.html",
            "aftersales report --policy examples/policies/cn-marketplace.json examples/tickets/double11.jsonl "
            "--at 2026-11-20 --orders 3000000 --contact-rate 0.02 --aht 4m --patience 90s -o report.html",
        ),
    )
    report.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the HTML file to write")
    report.add_argument("--time-zone", metavar="ZONE",
                        help="IANA zone the hours are read in (default: the zone of the policy's KPIs)")
    # The service goal of the staffing chart: only what is given is passed, the rest is the
    # library's default goal (docs/staffing.md).
    add_goal_options(report.add_argument_group("staffing goal (default: the library's)"))
    plan = report.add_argument_group("a peak-day plan beside the tickets (as aftersales staffing --orders)")
    plan.add_argument("--orders", type=order_count, metavar="N", help="orders in the day (with --contact-rate)")
    plan.add_argument("--contact-rate", type=float, metavar="R", help="contacts per order, e.g. 0.02")
    plan.add_argument("--profile", type=_profile, metavar="W,W,...",
                      help="weights per hour (default: an hourly Double 11 profile)")
    report.set_defaults(run=run)


def _profile(text: str) -> list[float]:
    try:
        return profile_weights(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run(args: argparse.Namespace) -> None:
    # Imported here: `aftersales report --help` and the other commands need no plotting library.
    from aftersales import report

    try:
        report.require_plotting()
    except report.MissingDependency as missing:
        raise UsageError(str(missing)) from None
    policy = load(args.policy)
    at = at_argument(args, policy)
    tickets = TicketBatch.from_lines(read_bytes(args.tickets, "tickets"), args.threads)
    goal = given(args)
    if (args.orders is None) != (args.contact_rate is None):
        raise UsageError("--orders and --contact-rate go together (a peak-day plan needs both)")
    plan = [] if args.orders is None else staffing.plan(
        args.orders, args.contact_rate, args.profile or DOUBLE11_PROFILE, interval=report.INTERVAL_S, **goal)
    data = report.gather(policy, tickets, at, goal=goal, plan=plan, time_zone=args.time_zone, threads=args.threads)
    write_text(args.output, report.html(data), "report")
    print(f"aftersales: wrote {args.output} ({len(data.sla)} tickets at {args.at or 'now'})", file=sys.stderr)
