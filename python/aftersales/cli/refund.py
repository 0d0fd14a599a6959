"""`aftersales refund`: the policy's decision on one refund request, or on JSON Lines of them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aftersales import RefundEngine
from aftersales.cli._common import Options, UsageError, load, parse_json, read_bytes, read_text
from aftersales.cli._progress import bar


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    refund = commands.add_parser(
        "refund",
        parents=[options.policy, options.threads, options.progress],
        help="decide refund requests (a JSON object, or JSON Lines)",
        description="Prints the policy's decision on each refund request as JSON. REQUESTS is one "
        "request object (a .json file), or JSON Lines (a .jsonl file, or - for standard input) "
        "with one decision line per request line; a bad line gives {\"line\": N, \"error\": ...}.",
    )
    refund.add_argument("requests", metavar="REQUESTS", help="request.json, requests.jsonl, or - for JSON Lines")
    refund.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    engine = RefundEngine(load(Path(args.policy)))
    if args.requests == "-" or args.requests.endswith(".jsonl"):
        # As bytes: a line that is not UTF-8 is one bad line, with its error record.
        requests = read_bytes(args.requests, "requests")
        with bar(args.progress, "line") as progress:
            decisions = engine.check_lines(requests, args.threads, progress=progress)
        sys.stdout.write(decisions)
        return
    request = parse_json(read_text(args.requests, "requests"), args.requests)
    if not isinstance(request, dict):
        raise UsageError(f"{args.requests}: expected one request object (use a .jsonl file for many)")
    print(engine.check(request).to_json())
