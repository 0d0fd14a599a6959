"""The shared SLA fixture set (tests/fixtures/sla, worked by hand in its README.md): Python gives
exactly the reports C++ and the C ABI are held to, through every way in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import aftersales
from aftersales import cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sla"
NAMES = ("policy.json", "tickets.jsonl", "at.txt", "expected.jsonl")

if not all((FIXTURES / name).is_file() for name in NAMES):
    pytest.skip(f"the shared SLA fixtures ({', '.join(NAMES)}) are not in {FIXTURES}", allow_module_level=True)

TICKETS = (FIXTURES / "tickets.jsonl").read_text(encoding="utf-8")
EXPECTED = (FIXTURES / "expected.jsonl").read_text(encoding="utf-8")
AT_TEXT = (FIXTURES / "at.txt").read_text(encoding="utf-8").strip()
PAIRS = list(zip(TICKETS.splitlines(), EXPECTED.splitlines()))


@pytest.fixture(scope="module")
def policy() -> aftersales.Policy:
    return aftersales.Policy.from_file(FIXTURES / "policy.json")


@pytest.fixture(scope="module")
def at() -> dt.datetime:
    return aftersales.parse_instant(AT_TEXT)


def test_files_line_up() -> None:
    assert AT_TEXT == "2026-11-18T12:00:00+08:00"
    assert len(TICKETS.splitlines()) == len(EXPECTED.splitlines()) == 9


@pytest.mark.parametrize(("ticket", "expected"), PAIRS, ids=[json.loads(t)["id"] for t, _ in PAIRS])
def test_each_ticket_dict_gives_its_expected_report(
    policy: aftersales.Policy, at: dt.datetime, ticket: str, expected: str
) -> None:
    report = aftersales.SlaEngine(policy).evaluate(json.loads(ticket), at)
    assert report.to_dict() == json.loads(expected)
    assert report.to_json() == expected


@pytest.mark.parametrize("threads", [0, 1, 3])
def test_many_equals_expected(policy: aftersales.Policy, at: dt.datetime, threads: int) -> None:
    reports = aftersales.SlaEngine(policy).evaluate_many([json.loads(t) for t, _ in PAIRS], at, threads)
    assert [report.to_json() for report in reports] == EXPECTED.splitlines()


@pytest.mark.parametrize("threads", [0, 1, 3])
def test_lines_equal_expected_file(policy: aftersales.Policy, at: dt.datetime, threads: int) -> None:
    for given in (TICKETS, TICKETS.encode()):
        out = aftersales.SlaEngine(policy).evaluate_lines(given, at, threads)
        assert out.splitlines() == EXPECTED.splitlines()
        assert out == EXPECTED


def test_command_line_prints_expected_file(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sla", "--policy", str(FIXTURES / "policy.json"), str(FIXTURES / "tickets.jsonl"), "--at", AT_TEXT]
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (EXPECTED, "")
