"""`aftersales validate`: every problem of a policy document, one a line with its JSON path."""

from __future__ import annotations

import argparse

from aftersales import Policy, PolicyError
from aftersales.cli._common import BAD_INPUT, Options, described, input_name, read_text


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], options: Options) -> None:
    validate = commands.add_parser(
        "validate",
        help="check a policy document: every problem, with its JSON path",
        **described(
            "Loads the policy as every other command would and prints each problem found on a line "
            "of its own, as FILE: PATH: PROBLEM (PATH is (document) for the document as a whole), "
            "or FILE: valid. Exit status 0 when valid, 2 when not.",
            "aftersales validate examples/policies/cn-marketplace.json",
            "aftersales validate - < policy.json",
            "aftersales validate policy.json | cut -d: -f2 | sort | uniq -c   # problems per path",
        ),
    )
    validate.add_argument("policy", metavar="POLICY", help="policy document (JSON), or - for standard input")
    validate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    name = input_name(args.policy)
    try:
        Policy.from_json(read_text(args.policy, "policy"))
    except PolicyError as error:
        for path, problem in error.problems:
            print(f"{name}: {path or '(document)'}: {problem}")
        return BAD_INPUT
    print(f"{name}: valid")
    return 0
