"""`aftersales refund`: the policy's decision on one refund request, or on JSON Lines of them."""

from __future__ import annotations

import argparse
from typing import Any

from aftersales import RefundEngine, parse_instant
from aftersales.cli._common import Column, Options, add_requests_parser, load, run_requests


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    add_requests_parser(
        commands,
        options,
        "refund",
        "decide refund requests (a JSON object, or JSON Lines)",
        "Prints the policy's decision on each refund request as JSON.",
        [
            "aftersales refund --policy policy.json examples/refunds/double11-socks.json",
            "aftersales refund --policy policy.json requests.jsonl --format table",
            "cat requests.jsonl | aftersales refund --policy policy.json - --format csv > decisions.csv",
        ],
        "a decision a request; in a table and CSV, its reasons by code",
        run,
    )


_COLUMNS = (
    Column("line"),
    Column("eligible"),
    Column("resolution"),
    Column("total"),
    Column("net"),
    Column("tax"),
    Column("currency"),
    Column("return_shipping", "ships back"),
    Column("fast_refund", "fast"),
    Column("refund_due_by", "due"),
    Column("policy", only="data"),
    Column("reasons"),
)


def run(args: argparse.Namespace) -> None:
    engine = RefundEngine(load(args.policy))
    run_requests(args, engine.check, engine.check_lines, _COLUMNS, _row)


def _zero(amount: str | None) -> str | None:
    """Zero written with the decimals of `amount` ("0.00" beside "12.34", "0" beside "1999")."""
    if amount is None:
        return None
    _, dot, decimals = amount.partition(".")
    return "0" + dot + "0" * len(decimals)


def _row(number: int, d: dict[str, Any]) -> tuple[Any, ...]:
    refund = d.get("refund") or {}
    due = d.get("refund_due_by")
    # An untaxed order's decision has no net and tax: its total is all net.
    return (number, d["eligible"], d.get("resolution"), refund.get("total"), refund.get("net", refund.get("total")),
            refund.get("tax", _zero(refund.get("total"))), refund.get("currency"),
            d.get("return_shipping"), d.get("fast_refund"), None if due is None else parse_instant(due),
            d.get("policy"), " ".join(reason["code"] for reason in d.get("reasons", [])))
