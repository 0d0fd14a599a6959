"""`aftersales compensate`: the policy's compensation decision on one request, or on JSON Lines of them."""

from __future__ import annotations

import argparse
from typing import Any

from aftersales import CompensationEngine
from aftersales.cli._common import Column, Options, add_requests_parser, load, run_requests


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    add_requests_parser(
        commands,
        options,
        "compensate",
        "decide compensation requests (a JSON object, or JSON Lines)",
        "Prints the policy's compensation decision on each request as JSON (docs/compensation.md).",
        [
            "aftersales compensate --policy examples/policies/cn-marketplace.json "
            "examples/compensation/double11-late.json",
            "aftersales compensate --policy policy.json requests.jsonl --format table",
        ],
        "a decision a request; in a table and CSV, its offers and reasons by code",
        run,
    )


_COLUMNS = (
    Column("line"),
    Column("compensate"),
    Column("total"),
    Column("currency"),
    Column("offers"),
    Column("late_days", "late"),
    Column("policy", only="data"),
    Column("reasons"),
)


def run(args: argparse.Namespace) -> None:
    engine = CompensationEngine(load(args.policy))
    run_requests(args, engine.decide, engine.decide_lines, _COLUMNS, _row)


def _row(number: int, d: dict[str, Any]) -> tuple[Any, ...]:
    offers = " ".join(f"{offer['type']}:{offer['value']}" for offer in d.get("offers", []))
    return (number, d["compensate"], d.get("total"), d.get("currency"), offers, d.get("late_days"),
            d.get("policy"), " ".join(reason["code"] for reason in d.get("reasons", [])))
