"""The `aftersales` command. Expected answers are worked out by hand from the example
policy: cn-service is open 09:00-24:00 every day in Beijing (UTC+8), closed 1-7 October,
open round the clock 10-12 November; eu-service is open Mon-Fri 08:00-20:00 and Sat
10:00-16:00 in Berlin, where clocks go back on Sunday 25 October 2026."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from aftersales.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


Ask = Callable[..., "tuple[int, str, str]"]


@pytest.fixture
def ask(capsys: pytest.CaptureFixture[str], example_policy_path: Path) -> Ask:
    def ask(*argv: str) -> tuple[int, str, str]:
        return run(capsys, "calendar", "--policy", str(example_policy_path), *argv)

    return ask


@pytest.mark.parametrize(
    ("argv", "answer"),
    [
        (["cn-service", "is-open", "2026-11-11T03:00:00+08:00"], "true"),
        (["cn-service", "is-open", "2026-11-20T03:00:00+08:00"], "false"),
        (["cn-service", "next-open", "2026-11-20T03:00:00+08:00"], "2026-11-20T01:00:00Z"),
        (["cn-service", "add", "2026-11-17T23:30:00+08:00", "2h"], "2026-11-18T02:30:00Z"),
        (["cn-service", "add", "2026-11-17T23:30:00+08:00", "1h30m"], "2026-11-18T02:00:00Z"),
        # 30 Sep 18:00-24:00 6h, 8 Oct 15h, 9 Oct 09:00-12:00 3h: 24h.
        (["cn-service", "between", "2026-09-30T18:00:00+08:00", "2026-10-09T12:00:00+08:00"], "1d"),
        (["cn-service", "between", "2026-10-09T12:00:00+08:00", "2026-09-30T18:00:00+08:00"], "-1d"),
        (["eu-service", "between", "2026-10-23T12:00:00+02:00", "2026-10-26T12:00:00+01:00"], "18h"),
        # cn-office: Mon-Fri 09:00-18:00 +08 less a 12:00-13:00 lunch break, Oct 1-7 holidays,
        # Sat Oct 10 a make-up day.
        # 1 h of Thu Oct 8, then Wed Sep 30's last hour from 17:00 +08 = 09:00Z.
        (["cn-office", "subtract", "2026-10-08T10:00:00+08:00", "2h"], "2026-09-30T09:00:00Z"),
        # Exactly at Wed Sep 30's close: the next is Thu Oct 8's lunch break, 12:00 +08 = 04:00Z.
        (["cn-office", "next-close", "2026-09-30T18:00:00+08:00"], "2026-10-08T04:00:00Z"),
        (["cn-office", "previous-close", "2026-10-08T10:00:00+08:00"], "2026-09-30T10:00:00Z"),
        # After Wed Sep 30: Thu Oct 8 (1), Fri Oct 9 (2), make-up Sat Oct 10 (3), ends 18:00 +08.
        (["cn-office", "business-day-end", "2026-09-30T10:00:00+08:00", "3"], "2026-10-10T10:00:00Z"),
        # (Sep 24, Oct 12]: Sep 25-27 and Oct 1-7 off; Sep 28-30 (3), Oct 8, 9 (2), Oct 10 (1), Oct 12 (1).
        (["cn-office", "business-days-between", "2026-09-24", "2026-10-12"], "7"),
    ],
)
def test_calendar_operations(ask: Ask, argv: list[str], answer: str) -> None:
    assert ask(*argv) == (0, answer + "\n", "")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["cn-service", "is-open", "2026-11-11T03:00:00"], "2026-11-11T03:00:00"),  # no offset
        (["cn-service", "add", "2026-11-11T03:00:00Z", "3x"], "3x"),
        (["cn-service", "add", "--", "2026-11-11T03:00:00Z", "-1h"], "negative"),
        (["moon-service", "is-open", "2026-11-11T03:00:00Z"], "moon-service"),
        (["always", "add", "2200-12-31T23:00:00Z", "2h"], "2200"),
        (["cn-office", "business-day-end", "2026-09-30", "three"], "whole number"),
        (["always", "next-close", "2026-09-30T00:00:00Z"], "ends before 2201"),
        (["cn-office", "subtract", "--", "2026-11-11T03:00:00Z", "-1h"], "use add"),
    ],
)
def test_bad_input_is_one_line_and_status_2(ask: Ask, argv: list[str], fragment: str) -> None:
    status, out, err = ask(*argv)
    assert status == 2
    assert out == ""
    assert err.startswith("aftersales: error: ")
    assert err.count("\n") == 1
    assert fragment in err


def test_invalid_policy_lists_every_problem_on_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    calendars = {"a": {"timezone": "Mars/Base", "hours": "24x7"}, "b": {"timezone": "UTC", "hours": "24/7"}}
    path.write_text(json.dumps({"schema_version": 1, "calendars": calendars}))
    status, out, err = run(capsys, "calendar", "--policy", str(path), "a", "is-open", "2026-11-11T03:00:00Z")
    assert status == 2
    assert err.count("\n") == 1
    assert str(path) in err
    assert "calendars.a.timezone" in err
    assert "calendars.b.hours" in err


def test_a_coverage_horizon_crossed_is_status_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Weekdays 09:00-18:00 in Shanghai, holidays known until Thursday 2026-12-31: from Thursday
    # 09:00, 8h end at 17:00 (09:00Z); 10h need an hour of Friday 2027-01-01, past the horizon.
    path = tmp_path / "covered.json"
    desk = {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]},
            "coverage": {"until": "2026-12-31", "beyond": "error"}}
    path.write_text(json.dumps({"schema_version": 1, "calendars": {"desk": desk}}))
    ok = run(capsys, "calendar", "--policy", str(path), "desk", "add", "2026-12-31T09:00:00+08:00", "8h")
    assert ok == (0, "2026-12-31T09:00:00Z\n", "")
    status, out, err = run(capsys, "calendar", "--policy", str(path), "desk", "add", "2026-12-31T09:00:00+08:00", "10h")
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert 'calendar "desk" knows its holidays until 2026-12-31' in err
    assert "needs 2027-01-01 or later (year 2027)" in err


def test_missing_policy_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    status, _, err = run(capsys, "calendar", "--policy", str(missing), "a", "is-open", "2026-11-11T03:00:00Z")
    assert status == 2
    assert str(missing) in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["calendar", "cn-service", "is-open"])
    assert caught.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_demo(capsys: pytest.CaptureFixture[str], example_policy_path: Path) -> None:
    status, out, err = run(capsys, "demo", "--policy", str(example_policy_path))
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert "  Open at Wed 11 Nov 2026 03:00 CST (Double 11)? yes" in lines
    assert "  Open at Fri 20 Nov 2026 03:00 CST? no, it opens Fri 20 Nov 2026 09:00 CST (2026-11-20T01:00:00Z)" in lines
    assert (
        "  A 2h reply SLA started at Tue 17 Nov 2026 23:30 CST is due: "
        "Wed 18 Nov 2026 10:30 CST (2026-11-18T02:30:00Z)" in lines
    )
    # 30 Sep 6h + 8 Oct 15h + 9 Oct 3h; 8 days and 18 hours elapsed.
    assert (
        "  Business time from Wed 30 Sep 2026 18:00 CST to Fri 09 Oct 2026 12:00 CST, "
        "across National Day: 24h of 210h elapsed" in lines
    )
    # Friday 12:00-20:00 8h + Saturday 6h + Monday 08:00-12:00 4h; 72 wall-clock hours plus
    # the hour repeated when the clocks go back.
    assert (
        "  Business time from Fri 23 Oct 2026 12:00 CEST to Mon 26 Oct 2026 12:00 CET: "
        "18h of 73h elapsed" in lines
    )
    # Friday 15:00-20:00 5h + Saturday 6h + Monday 08:00-13:00 5h.
    assert (
        "  A 16h resolution SLA started at Fri 23 Oct 2026 15:00 CEST is due: "
        "Mon 26 Oct 2026 13:00 CET (2026-10-26T12:00:00Z)" in lines
    )
    # The SLA part: T-1110's third reply clock started 09:58:30 on a 3m target (10:01:30 due;
    # 80% = 2m24s -> 10:00:54 is its next escalation), and the report lines for it.
    assert "                    next_response #2   active    1m30s / 3m        Fri 13 Nov 10:01:30" in lines
    # T-1103's returns desk OLA (cn-office): assigned 09:00:30, pending_customer 09:10: 9m30s, paused.
    assert "                    ola returns        paused    9m30s / 16h       -" in lines
    # T-1105, an email on cn-office (8 h a day with the lunch break): resolution from Thu 12 Nov
    # 09:00; its 80% (38h24m) = Thu 8h + Fri 8h + Mon 8h + Tue 8h + Wed 09:00-12:00 3h and
    # 13:00-16:24 3h24m: Wed 18 Nov 16:24.
    assert (
        "  Evaluate again (next_check_at): T-1102 at Fri 13 Nov 11:52, T-1105 at Wed 18 Nov 16:24, "
        "T-1106 at Fri 13 Nov 13:14, T-1110 at Fri 13 Nov 10:00:54" in lines
    )


def test_demo_finds_the_example_policy_from_the_source_tree(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, example_policy_path: Path
) -> None:
    monkeypatch.chdir(example_policy_path.parents[2])
    status, out, _ = run(capsys, "demo")
    assert status == 0
    assert "cn-service" in out


def test_demo_elsewhere_asks_for_a_policy(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "demo")
    assert status == 2
    assert "--policy" in err
    assert err.count("\n") == 1


def test_python_dash_m_and_console_script(example_policy_path: Path) -> None:
    argv = ["calendar", "--policy", str(example_policy_path), "cn-service", "is-open", "2026-11-11T03:00:00+08:00"]
    module = subprocess.run([sys.executable, "-m", "aftersales", *argv], capture_output=True, text=True, check=False)
    assert (module.returncode, module.stdout) == (0, "true\n")
    script = Path(sys.executable).parent / ("aftersales.exe" if os.name == "nt" else "aftersales")
    if not script.exists():
        pytest.skip("the console script is not installed next to this interpreter")
    bad = subprocess.run([str(script), *argv[:-1], "2026-11-11T03:00:00"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert bad.stderr.startswith("aftersales: error: ")


# ---- Input the commands cannot use: one line on stderr, status 2, nothing of the input echoed.

SECRET = "C-SECRET-42"  # a customer id that no message may show
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_route(capsys: pytest.CaptureFixture[str], tmp_path: Path, tickets: bytes) -> tuple[int, str, str, Path]:
    path = tmp_path / "tickets.jsonl"
    path.write_bytes(tickets)
    status, out, err = run(
        capsys, "route", "--policy", str(EXAMPLES / "policies" / "cn-marketplace.json"),
        "--agents", str(EXAMPLES / "agents" / "cn-agents.json"), str(path),
    )
    return status, out, err, path


GOOD_TICKET = b'{"id": "T-1", "created_at": "2026-11-11T00:05:00+08:00", "channel": "chat", "customer": {"id": "C-SECRET-42"}}\n'


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        # Regression: these were a KeyError or AttributeError traceback.
        (b'{"id": "T-2", "customer": {"id": "C-SECRET-42"}}', "created_at: missing"),
        (b'["C-SECRET-42"]', "expected a ticket object, found an array"),
        (b'"C-SECRET-42"', "expected a ticket object, found a string"),
        (b'{"created_at": "2026-11-11T00:05:00+08:00"}', "id: missing"),
        (b'{"id": {"customer": "C-SECRET-42"}, "created_at": "2026-11-11T00:05:00+08:00"}',
         "id: expected a string, found an object"),
        (b'{"id": "T-2", "created_at": 1.5}', "created_at: expected an RFC 3339 instant, found a number"),
        (b'{"id": "T-2", "created_at": "2026-11-11T00:05:00+08:00", "events": {"C-SECRET-42": 1}}',
         "events: expected an array, found an object"),
        (b'{"id": "T-2", "created_at": "2026-11-11T00:05:00+08:00", "events": [{"type": "resolved"}]}',
         "events[0].at: missing"),
        (b'{"id": "T-2", "created_at": "2026-11-11T00:05:00+08:00", "events": ["C-SECRET-42"]}',
         "events[0]: expected an object, found a string"),
        # Regression: not UTF-8 was a UnicodeDecodeError traceback.
        (b'{"id": "T-2", "customer": "C-SECRET-42 \xff"}', "not UTF-8 text"),
    ],
)
def test_route_names_the_line_and_field_of_a_ticket_it_cannot_replay(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, line: bytes, problem: str
) -> None:
    status, out, err, path = run_route(capsys, tmp_path, GOOD_TICKET + line + b"\n")
    assert (status, out) == (2, "")
    # The bad ticket is on line 2.
    assert err == f"aftersales: error: {path}:2: {problem}\n"


def test_route_says_where_a_ticket_the_router_refuses_is_without_its_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A priority the policy does not know: the router names the field; the line number, not the
    # ticket's id, says which ticket.
    bad = b'{"id": "T-2", "created_at": "2026-11-11T00:06:00+08:00", "channel": "chat", "priority": 7}\n'
    status, _, err, path = run_route(capsys, tmp_path, GOOD_TICKET + bad)
    assert status == 2
    assert err.startswith(f"aftersales: error: {path}:2: ")
    assert err.count("\n") == 1
    assert "T-2" not in err.split(":2: ", 1)[0]


def test_agents_listed_twice_are_named_by_position(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    agents = tmp_path / "agents.json"
    agents.write_text(json.dumps([{"id": SECRET, "queues": ["returns"]}, {"id": [SECRET]},
                                  {"id": SECRET, "queues": ["returns"]}]))
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("")
    status, _, err = run(capsys, "route", "--policy", str(EXAMPLES / "policies" / "cn-marketplace.json"),
                         "--agents", str(agents), str(tickets))
    # Regression: an id that is not a string (agents[1]) was a TypeError traceback (unhashable).
    assert (status, err) == (2, f"aftersales: error: {agents}: agents[2].id: the same id as agents[0]\n")


@pytest.mark.parametrize("name", ["request.json", "requests.jsonl"])
def test_refund_input_that_is_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b'{"reason": "C-SECRET-42 \xff"}\n')
    status, out, err = run(capsys, "refund", "--policy", str(EXAMPLES / "policies" / "cn-marketplace.json"), str(path))
    if name.endswith(".jsonl"):
        # JSON Lines go on past a bad line: it gets its error record, naming no content; the exit
        # status (3, was 0 before issue 15) and a summary say that a line failed.
        assert (status, err) == (3, f"aftersales: {path}: 1 line failed (the first: line 1); the others were processed\n")
        record = json.loads(out)
        assert record["line"] == 1
        assert SECRET not in record["error"]
    else:
        # Regression: a UnicodeDecodeError traceback.
        assert (status, out, err) == (2, "", f"aftersales: error: {path}:1: not UTF-8 text\n")


THREADS = "argument --threads: expected a whole number of threads from 0 to 1024 (0: one per core), got"
ORDERS = "argument --orders: expected a whole number of orders from 0 to 9223372036854775807, got"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # Regression: --threads 99999999999 reached the library as an int it cannot take, and
        # pybind11's TypeError printed every argument: the whole tickets file.
        (["sla", "--threads", "99999999999"], f"{THREADS} '99999999999'"),
        (["sla", "--threads", "-1"], f"{THREADS} '-1'"),
        # "²" is a digit to str.isdigit() but not to int(): was a ValueError traceback.
        (["sla", "--threads", "²"], f"{THREADS} '²'"),
        (["refund", "--threads", "1025"], f"{THREADS} '1025'"),
        # Regression: a TypeError traceback; a negative count was taken.
        (["kpi", "--orders", "99999999999999999999"], f"{ORDERS} '99999999999999999999'"),
        (["kpi", "--orders", "-5"], f"{ORDERS} '-5'"),
    ],
)
def test_numbers_out_of_range_are_usage_errors(
    capsys: pytest.CaptureFixture[str], example_policy_path: Path, argv: list[str], message: str
) -> None:
    command, *options = argv
    tickets = EXAMPLES / "tickets" / "double11.jsonl"
    with pytest.raises(SystemExit) as caught:
        main([command, "--policy", str(example_policy_path), str(tickets), *options])
    err = capsys.readouterr().err
    assert caught.value.code == 2
    # One line, as every other error: argparse's usage line is left to --help.
    assert err == f"aftersales {command}: error: {message} (see aftersales {command} --help)\n"
    assert "Traceback" not in err and "T-11" not in err


def test_staffing_profile_that_is_not_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    # Regression: a ValueError traceback.
    status, _, err = run(capsys, "staffing", "--orders", "1000", "--contact-rate", "0.1", "--profile", "9,x")
    assert (status, err) == (2, "aftersales: error: --profile: expected comma-separated numbers, such as 9,7,4\n")


@pytest.mark.parametrize("command", ["sla", "kpi", "refund", "route"])
def test_a_directory_or_a_missing_file(capsys: pytest.CaptureFixture[str], example_policy_path: Path,
                                       tmp_path: Path, command: str) -> None:
    agents = ["--agents", str(EXAMPLES / "agents" / "cn-agents.json")] if command == "route" else []
    what = "requests" if command == "refund" else "tickets"
    for path, reason in ((tmp_path, "Is a directory"), (tmp_path / "none.jsonl", "No such file or directory")):
        status, out, err = run(capsys, command, "--policy", str(example_policy_path), *agents, str(path))
        assert (status, out, err) == (2, "", f"aftersales: error: {path}: cannot read the {what}: {reason}\n")


def test_empty_agents_file(capsys: pytest.CaptureFixture[str], example_policy_path: Path, tmp_path: Path) -> None:
    agents = tmp_path / "agents.json"
    agents.write_bytes(b"")
    status, _, err = run(capsys, "route", "--policy", str(example_policy_path), "--agents", str(agents), "-")
    assert (status, err) == (2, f"aftersales: error: {agents}: not JSON: Expecting value: line 1 column 1 (char 0)\n")


def test_json_nested_too_deeply(capsys: pytest.CaptureFixture[str], example_policy_path: Path, tmp_path: Path) -> None:
    # Regression: Python's decoder raised RecursionError, reported as an internal error.
    path = tmp_path / "request.json"
    path.write_text("[" * 200_000)
    status, _, err = run(capsys, "refund", "--policy", str(example_policy_path), str(path))
    assert (status, err) == (2, f"aftersales: error: {path}: nested too deeply\n")


def test_a_bug_is_reported_in_one_line_without_its_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: object) -> None:
        raise KeyError(SECRET)

    monkeypatch.setattr("aftersales.cli.demo.run", broken)
    status, out, err = run(capsys, "demo")
    line = broken.__code__.co_firstlineno + 1  # the raise
    assert (status, out) == (1, "")
    assert err == f"aftersales: internal error: KeyError at test_cli.py:{line} (please report it)\n"
