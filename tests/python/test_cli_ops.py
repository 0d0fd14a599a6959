"""The command for ops (issue 15, point 3): validate, --format table|jsonl|csv, the SLA table, `now`
and bare dates, - for standard input, exit status 3 with its summary, one set of staffing
defaults, the reading bar of route and --help examples. Expected outputs are worked out by hand
from a two-calendar policy: `office` is open Monday-Friday 09:00-18:00 in Beijing (UTC+8 all
year, 01:00-10:00 UTC), `always` round the clock in UTC; first response within 1h and
resolution within 8h of office time."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from aftersales import Policy, staffing
from aftersales.cli import _common, _parser, main
from aftersales.cli import route as route_command

from conftest import REPO

EXAMPLES = REPO / "examples"

POLICY: dict[str, Any] = {
    "schema_version": 1,
    "calendars": {
        "office": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}},
        "always": {"timezone": "UTC", "hours": "24x7"},
    },
    "sla": {"policies": [{"id": "std", "calendar": "office",
                          "targets": {"normal": {"first_response": "1h", "resolution": "8h"}}}]},
}

# Monday 16 November 2026. T-1 is answered after 20 minutes; T-2 is never answered; line 3 has
# no created_at.
TICKETS = (
    '{"id": "T-1", "created_at": "2026-11-16T10:00:00+08:00", "priority": "normal", "events": ['
    '{"at": "2026-11-16T10:00:00+08:00", "type": "customer_message"}, '
    '{"at": "2026-11-16T10:20:00+08:00", "type": "agent_reply", "agent": "A-1"}]}\n'
    '{"id": "T-2", "created_at": "2026-11-16T09:00:00+08:00", "priority": "normal", "events": ['
    '{"at": "2026-11-16T09:00:00+08:00", "type": "customer_message"}]}\n'
    '{"id": "T-3"}\n'
)
NOON = "2026-11-16T12:00:00+08:00"  # Monday noon in Beijing: 04:00 UTC


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    policy, tickets = tmp_path / "policy.json", tmp_path / "tickets.jsonl"
    policy.write_text(json.dumps(POLICY))
    tickets.write_text(TICKETS)
    return str(policy), str(tickets)


def failed_line_3(tickets: str) -> str:
    return f"aftersales: {tickets}: 1 line failed (the first: line 3); the others were processed\n"


# ---- sla: the SLA table, CSV, exit status 3


# RFC 4180: a header row, CRLF line ends. At Monday 12:00 in Beijing:
# T-1 first response: answered at 10:20 (02:20Z) after 20m = 1200 s of the 3600 s; 2400 s left.
# T-1 resolution: 10:00-12:00 = 7200 s of 28800 s; due 8h of office time after 10:00, that is
#   18:00 Monday (10:00Z).
# T-2 first response: 09:00-12:00 = 10800 s against 3600 s: 7200 s over, due and breached at
#   10:00 (02:00Z); its resolution 10800 s of 28800 s, due 17:00 (09:00Z).
# The ticket status: T-1 has a clock running and none breached (active); T-2's first response
# breached and still runs (active_with_misses). No OLA and no override here: queue and
# override_due_at are empty.
SLA_CSV = (
    "ticket,metric,cycle,state,target_s,elapsed_s,remaining_s,due_at,breached_at,completed_at,ticket_status,"
    "queue,override_due_at\r\n"
    "T-1,first_response,0,achieved,3600,1200,2400,,,2026-11-16T02:20:00Z,active,,\r\n"
    "T-1,resolution,0,active,28800,7200,21600,2026-11-16T10:00:00Z,,,active,,\r\n"
    "T-2,first_response,0,breached,3600,10800,-7200,2026-11-16T02:00:00Z,2026-11-16T02:00:00Z,,active_with_misses,,\r\n"
    "T-2,resolution,0,active,28800,10800,18000,2026-11-16T09:00:00Z,,,active_with_misses,,\r\n"
)
# The same figures, durations compact (negative ones right-aligned too), completed_at and
# override_due_at left out; no OLA, so queue is "-" (right-aligned, as every "-").
SLA_TABLE = (
    "  ticket  metric          cycle  state     target  elapsed  remaining  due                   breached              ticket_status       queue\n"
    "  T-1     first_response      0  achieved      1h      20m        40m                     -                     -  active                  -\n"
    "  T-1     resolution          0  active        8h       2h         6h  2026-11-16T10:00:00Z                     -  active                  -\n"
    "  T-2     first_response      0  breached      1h       3h        -2h  2026-11-16T02:00:00Z  2026-11-16T02:00:00Z  active_with_misses      -\n"
    "  T-2     resolution          0  active        8h       3h         5h  2026-11-16T09:00:00Z                     -  active_with_misses      -\n"
)


@pytest.mark.parametrize(("form", "expected"), [("csv", SLA_CSV), ("table", SLA_TABLE)])
def test_sla_a_row_per_metric_instance(
    capsys: pytest.CaptureFixture[str], files: tuple[str, str], form: str, expected: str
) -> None:
    policy, tickets = files
    status, out, err = run(capsys, "sla", "--policy", policy, tickets, "--at", NOON, "--format", form)
    assert (status, out) == (3, expected)
    # The failed line is named on standard error (the output stays a table), then the summary.
    assert err == f"aftersales: {tickets}:3: invalid ticket: 1 problem: created_at: missing\n" + failed_line_3(tickets)


def test_sla_table_says_why_a_ticket_has_no_clock(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({**POLICY, "sla": {"policies": [{**POLICY["sla"]["policies"][0],
                                                                   "when": {"field": "channel", "eq": "chat"}}]}}))
    tickets = tmp_path / "tickets.jsonl"
    # T-4 is a chat created at 10:00 (the policy applies), T-5 an e-mail (no policy applies), and
    # T-6 a chat created at 13:00, after --at (it did not exist yet).
    tickets.write_text(
        '{"id": "T-4", "created_at": "2026-11-16T10:00:00+08:00", "channel": "chat", "events": []}\n'
        '{"id": "T-5", "created_at": "2026-11-16T10:00:00+08:00", "channel": "email", "events": []}\n'
        '{"id": "T-6", "created_at": "2026-11-16T13:00:00+08:00", "channel": "chat", "events": []}\n')
    status, out, err = run(capsys, "sla", "--policy", str(policy), str(tickets), "--at", NOON, "--format", "csv")
    assert (status, err) == (0, "")
    # T-4 at noon: 2h of office time elapsed on each clock, due 11:00 (03:00Z) and 18:00 (10:00Z);
    # its first response breached at 11:00 and still runs: active_with_misses. T-5 and T-6 have no
    # policy, so no ticket status.
    assert out == (
        "ticket,metric,cycle,state,target_s,elapsed_s,remaining_s,due_at,breached_at,completed_at,ticket_status,"
        "queue,override_due_at\r\n"
        "T-4,first_response,0,breached,3600,7200,-3600,2026-11-16T03:00:00Z,2026-11-16T03:00:00Z,,active_with_misses,,\r\n"
        "T-4,resolution,0,active,28800,7200,21600,2026-11-16T10:00:00Z,,,active_with_misses,,\r\n"
        "T-5,,,no_policy,,,,,,,,,\r\n"
        "T-6,,,not_yet_created,,,,,,,,,\r\n"
    )


def test_sla_json_lines_keep_the_error_record_and_exit_3(
    capsys: pytest.CaptureFixture[str], files: tuple[str, str]
) -> None:
    policy, tickets = files
    status, out, err = run(capsys, "sla", "--policy", policy, tickets, "--at", NOON)
    lines = out.splitlines()
    assert status == 3  # was 0 before issue 15, even when every line failed
    assert [json.loads(line).get("ticket") for line in lines[:2]] == ["T-1", "T-2"]
    assert lines[2] == '{"line":3,"error":"invalid ticket: 1 problem\\n  created_at: missing"}'
    assert err == failed_line_3(tickets)


def test_sla_every_line_good_exits_0(capsys: pytest.CaptureFixture[str], files: tuple[str, str]) -> None:
    policy, tickets = files
    Path(tickets).write_text(TICKETS.split("\n", 1)[0] + "\n")
    assert run(capsys, "sla", "--policy", policy, tickets, "--at", NOON, "--format", "csv")[::2] == (0, "")


def test_sla_counts_every_failed_line_and_names_the_first(
    capsys: pytest.CaptureFixture[str], files: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    policy, tickets = files
    # Blocks of a line or two: the error records come in separate writes and a record may be cut
    # between two of them.
    monkeypatch.setattr("aftersales.cli.sla._BLOCK_BYTES", 64)
    Path(tickets).write_text("\n" + '{"id": "T-9"}\n' + TICKETS + "[]\n")
    status, _, err = run(capsys, "sla", "--policy", policy, tickets, "--at", NOON)
    # Line 1 is blank (skipped), line 2 and line 5 (T-3) and line 6 fail.
    assert (status, err) == (3, f"aftersales: {tickets}: 3 lines failed (the first: line 2); the others were processed\n")


# ---- now and bare dates


def test_now_is_the_clock(capsys: pytest.CaptureFixture[str], files: tuple[str, str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    policy, tickets = files
    monkeypatch.setattr(_common, "now", lambda: dt.datetime(2026, 11, 16, 4, 0, tzinfo=dt.timezone.utc))
    assert run(capsys, "sla", "--policy", policy, tickets, "--at", "now", "--format", "csv") == \
        run(capsys, "sla", "--policy", policy, tickets, "--at", NOON, "--format", "csv")
    # Without --at: now as well.
    assert run(capsys, "sla", "--policy", policy, tickets, "--format", "csv")[1].count("\r\n") == 5


def test_a_bare_date_is_midnight_in_the_zone_the_rule_picks_and_says_so(
    capsys: pytest.CaptureFixture[str], files: tuple[str, str]
) -> None:
    policy, tickets = files
    status, out, err = run(capsys, "sla", "--policy", policy, tickets, "--at", "2026-11-17", "--format", "csv")
    # Calendars in two zones and no kpi.timezone: the first calendar by name, `always`, in UTC:
    # Tuesday 00:00 UTC, 08:00 in Beijing, after Monday's whole office day (09:00-18:00, 9h).
    # T-1 resolution: 10:00-18:00 = 8h = its target, breached at 18:00 (10:00Z), nothing left.
    # T-2 first response: 9h = 32400 s, 28800 s over; resolution 32400 s, 3600 s over, breached at
    # 17:00 (09:00Z). Both tickets have a breached clock still running: active_with_misses.
    assert status == 3
    assert out.splitlines()[1:] == [
        "T-1,first_response,0,achieved,3600,1200,2400,,,2026-11-16T02:20:00Z,active_with_misses,,",
        "T-1,resolution,0,breached,28800,28800,0,2026-11-16T10:00:00Z,2026-11-16T10:00:00Z,,active_with_misses,,",
        "T-2,first_response,0,breached,3600,32400,-28800,2026-11-16T02:00:00Z,2026-11-16T02:00:00Z,,active_with_misses,,",
        "T-2,resolution,0,breached,28800,32400,-3600,2026-11-16T09:00:00Z,2026-11-16T09:00:00Z,,active_with_misses,,",
    ]
    assert err.splitlines()[0] == (
        "aftersales: --at 2026-11-17: midnight in UTC (calendar always, the first of calendars in 2 zones), "
        "2026-11-17T00:00:00Z")


@pytest.mark.parametrize(
    ("document", "zone", "said"),
    [
        # kpi.timezone first, said because there are several calendars.
        ({**POLICY, "kpi": {"timezone": "Europe/Berlin"}}, "Europe/Berlin", True),
        # Calendars that share a zone: that zone; one calendar: nothing to say.
        ({"schema_version": 1, "calendars": {"a": POLICY["calendars"]["office"]}}, "Asia/Shanghai", False),
        ({"schema_version": 1, "calendars": {"b": POLICY["calendars"]["office"], "a": POLICY["calendars"]["office"]}},
         "Asia/Shanghai", True),
        # Several zones: the first calendar by name (`always` before `office`).
        (POLICY, "UTC", True),
        ({"schema_version": 1}, "UTC", False),
    ],
)
def test_the_zone_of_bare_dates(document: dict[str, Any], zone: str, said: bool) -> None:
    chosen = _common.date_zone(Policy.from_json(document))
    assert (chosen.name, chosen.said) == (zone, said)
    # A zone named on the command line (kpi's --time-zone) comes before all of them, unsaid.
    assert _common.date_zone(Policy.from_json(document), "America/New_York").name == "America/New_York"


@pytest.mark.parametrize(
    ("argv", "answer"),
    [
        # Saturday 14 November, 00:00 in Beijing: the office next opens Monday 09:00 (01:00Z).
        (["office", "next-open", "2026-11-14"], "2026-11-16T01:00:00Z"),
        # Monday 00:00 to Tuesday 00:00 in Beijing: Monday's 09:00-18:00.
        (["office", "between", "2026-11-16", "2026-11-17"], "9h"),
        # Midnight in the calendar asked (UTC for `always`): 24 hours.
        (["always", "between", "2026-11-16", "2026-11-17"], "1d"),
    ],
)
def test_calendar_operands_take_bare_dates_in_the_calendars_zone(
    capsys: pytest.CaptureFixture[str], files: tuple[str, str], argv: list[str], answer: str
) -> None:
    # The calendar named says which zone: nothing to say on standard error.
    assert run(capsys, "calendar", "--policy", files[0], *argv) == (0, answer + "\n", "")


def test_calendar_now(capsys: pytest.CaptureFixture[str], files: tuple[str, str],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "now", lambda: dt.datetime(2026, 11, 16, 4, 0, tzinfo=dt.timezone.utc))
    assert run(capsys, "calendar", "--policy", files[0], "office", "is-open", "now") == (0, "true\n", "")
    # 10:00 UTC is 18:00 in Beijing: closed until Tuesday 09:00 (01:00Z).
    monkeypatch.setattr(_common, "now", lambda: dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.timezone.utc))
    assert run(capsys, "calendar", "--policy", files[0], "office", "next-open", "now") == \
        (0, "2026-11-17T01:00:00Z\n", "")


@pytest.mark.parametrize(("text", "problem"), [
    ("2026-02-30", "--at: 2026-02-30 is not a date"),
    ("tomorrow", "(or a date such as 2026-11-11, or now)"),
])
def test_an_instant_that_is_none_of_the_three(capsys: pytest.CaptureFixture[str], files: tuple[str, str],
                                             text: str, problem: str) -> None:
    status, out, err = run(capsys, "sla", "--policy", files[0], files[1], "--at", text)
    assert (status, out) == (2, "")
    assert err.startswith("aftersales: error: ") and problem in err and err.count("\n") == 1


# ---- validate


def test_validate_a_good_policy(capsys: pytest.CaptureFixture[str], files: tuple[str, str]) -> None:
    assert run(capsys, "validate", files[0]) == (0, f"{files[0]}: valid\n", "")


def test_validate_lists_every_problem_with_its_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    calendars = {"a": {"timezone": "Mars/Base", "hours": "24x7"}, "b": {"timezone": "UTC", "hours": "24/7"}}
    path.write_text(json.dumps({"schema_version": 1, "calendars": calendars, "slas": {}}))
    # Three problems, one a line, each FILE: PATH: PROBLEM (the loader's order: unknown keys first),
    # on standard output; status 2.
    assert run(capsys, "validate", str(path)) == (2, (
        f'{path}: slas: unknown key "slas" (did you mean "sla"?)\n'
        f'{path}: calendars.a.timezone: unknown time zone "Mars/Base" (use an IANA name like "Asia/Shanghai")\n'
        f'{path}: calendars.b.hours: "24/7" is not a schedule (an object of day keys, or "24x7")\n'), "")


def test_validate_a_file_that_does_not_open(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    assert run(capsys, "validate", str(missing)) == \
        (2, "", f"aftersales: error: {missing}: cannot read the policy: No such file or directory\n")


def test_validate_from_standard_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"[1]")))
    assert run(capsys, "validate", "-") == (2, "<stdin>: (document): expected an object, found an array\n", "")


# ---- - for standard input, once


def stdin_of(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_kpi_reads_standard_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                  example_policy_path: Path) -> None:
    tickets = EXAMPLES / "tickets" / "double11.jsonl"
    argv = ["kpi", "--policy", str(example_policy_path), "--at", "2026-11-20T00:00:00+08:00", "--by", "agent"]
    from_file = run(capsys, *argv, str(tickets))
    stdin_of(monkeypatch, tickets.read_bytes())
    assert run(capsys, *argv, "-") == from_file


def test_the_policy_from_standard_input(capsys: pytest.CaptureFixture[str], files: tuple[str, str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_of(monkeypatch, json.dumps(POLICY).encode())
    assert run(capsys, "calendar", "--policy", "-", "office", "between", "2026-11-16", "2026-11-17") == \
        (0, "9h\n", "")


def test_standard_input_for_two_inputs_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "sla", "--policy", "-", "-") == \
        (2, "", "aftersales: error: standard input (-) can be one input only, not --policy and TICKETS\n")


# ---- --format elsewhere


def test_refund_csv_and_exit_3(capsys: pytest.CaptureFixture[str], example_policy_path: Path, tmp_path: Path) -> None:
    request = json.loads((EXAMPLES / "refunds" / "double11-socks.json").read_text())
    requests = tmp_path / "requests.jsonl"
    requests.write_text(json.dumps(request) + "\n\n" + '{"reason": "x"}\n')
    status, out, err = run(capsys, "refund", "--policy", str(example_policy_path), str(requests), "--format", "csv")
    # One pair of socks of 19.90 with its share of the 50.00 coupon (1.93, docs/refunds.md) taken off:
    # 17.97, the return shipped by the buyer, refunded fast; line 2 is blank, line 3 fails. An
    # untaxed order: all 17.97 is net, 0.00 tax. Due 3 working days of cn-office after Wednesday
    # 11-25 20:00: Thu 26, Fri 27, Mon 30 at 18:00 Beijing, 10:00Z.
    assert status == 3
    assert out == ("line,eligible,resolution,total,net,tax,currency,return_shipping,fast_refund,refund_due_by,policy,"
                   "reasons\r\n"
                   "1,true,return_refund,17.97,17.97,0.00,CNY,buyer,true,2026-11-30T10:00:00Z,cn-default,\r\n")
    assert err.splitlines()[1] == f"aftersales: {requests}: 1 line failed (the first: line 3); the others were processed"


def test_route_csv_has_the_decisions_of_the_json_lines(capsys: pytest.CaptureFixture[str],
                                                       example_policy_path: Path) -> None:
    argv = ["route", "--policy", str(example_policy_path), "--agents", str(EXAMPLES / "agents" / "cn-agents.json"),
            str(EXAMPLES / "tickets" / "double11.jsonl")]
    status, jsonl, loads = run(capsys, *argv)
    assert run(capsys, *argv, "--format", "csv")[::2] == (0, loads)
    csv_text = run(capsys, *argv, "--format", "csv")[1]
    import csv
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    decisions = [json.loads(line) for line in jsonl.splitlines()]
    assert [(r["ticket"], r["agent"] or None, r["bot"], r["reasons"]) for r in rows] == \
        [(d["ticket"], d["agent"], "true" if d["bot"] else "false", "; ".join(d["reasons"])) for d in decisions]


def test_kpi_csv_has_a_row_a_group(capsys: pytest.CaptureFixture[str], example_policy_path: Path) -> None:
    argv = ["kpi", "--policy", str(example_policy_path), str(EXAMPLES / "tickets" / "double11.jsonl"),
            "--at", "2026-11-20T00:00:00+08:00", "--by", "channel"]
    result = json.loads(run(capsys, *argv, "--json")[1])
    status, out, _ = run(capsys, *argv, "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert [(r["channel"], r["tickets"], r["first_response_p50_s"]) for r in rows] == \
        [(g["key"]["channel"], g["tickets"], g["first_response_s"]["p50"]) for g in result["groups"]]
    header = run(capsys, *argv, "--format", "csv")[1].split("\r\n", 1)[0]
    assert header == ("channel,tickets,resolved,backlog,first_response_p50_s,resolution_p50_s,sla_met_rate,"
                      "fcr_rate,csat,nps,reopen_rate,bot_resolution_rate")


# ---- staffing: one set of defaults


def test_the_defaults_are_cpps() -> None:
    # include/aftersales/staffing.hpp: QueueLoad{interval_s = 1800, aht_s = 180},
    # ServiceGoal{answer_time_s = 20, service_level = 0.8, max_occupancy = 1.0, shrinkage = 0.0}.
    assert staffing.DEFAULTS == {"interval_s": 1800, "aht_s": 180, "answer_time_s": 20, "service_level": 0.8,
                                 "max_occupancy": 1.0, "shrinkage": 0.0}


def test_the_cli_passes_only_what_it_is_given(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []
    real = staffing.plan

    def plan(*args: Any, **kwargs: Any) -> staffing.Plan:
        seen.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(staffing, "plan", plan)
    assert run(capsys, "staffing", "--orders", "3000000", "--contact-rate", "0.02", "--aht", "4m")[0] == 0
    # --aht, and the interval of the built-in hourly profile: nothing else (before issue 15 the
    # command passed max_occupancy 0.85 and shrinkage 0.3 of its own).
    assert seen == [{"aht": 240.0, "interval": 3600.0}]


def test_the_same_plan_gives_the_same_figures_from_python_and_the_command(
    capsys: pytest.CaptureFixture[str]
) -> None:
    from aftersales.cli.staffing import DOUBLE11_PROFILE

    python = staffing.plan(3_000_000, 0.02, DOUBLE11_PROFILE, interval=3600, aht=240)
    status, out, _ = run(capsys, "staffing", "--orders", "3000000", "--contact-rate", "0.02", "--aht", "4m",
                         "--format", "jsonl")
    assert status == 0
    assert [json.loads(line) for line in out.splitlines()] == [row.to_dict() for row in python]
    # The case: the peak (00:00 and 23:00, 9/120 of 60,000 contacts = 4,500 in the hour at
    # 240 s: 300 Erlangs) is the same agents both ways, and scheduled = agents without shrinkage.
    peak = max(python, key=lambda r: r.staffing.agents)
    assert (peak.contacts, peak.staffing.traffic) == (4500, 300)
    assert peak.staffing.scheduled == peak.staffing.agents


def test_staffing_csv_of_one_interval(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "staffing", "--contacts", "100", "--format", "csv")
    python = staffing.erlang_c(100)
    assert status == 0
    header, row = out.split("\r\n")[:2]
    assert header == "agents,scheduled,traffic,service_level,probability_wait,asa_s,occupancy,abandonment"
    # 100 contacts in the default 30 minutes at the default 180 s: 10 Erlangs; docs/staffing.md's 14
    # agents for 80% within 20 s (its 0.85 occupancy cap does not bind at 14).
    assert row.split(",")[:3] == ["14", "14", "10.0"]
    assert row == ",".join(str(v) for v in python.to_dict().values())


def test_the_demo_prints_the_values_it_passes(capsys: pytest.CaptureFixture[str], example_policy_path: Path) -> None:
    out = run(capsys, "demo", "--policy", str(example_policy_path))[1]
    assert ("Double 11 staffing plan: 3,000,000 orders x 2% contacts, hourly, AHT 4m, 80% answered in 20s,\n"
            "occupancy at most 100%, shrinkage 30%; customers wait 90s on average before hanging up (Erlang A)\n") in out


# ---- progress and --help


def test_route_moves_a_bar_while_it_reads(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    text = '{"id": "T", "created_at": "2026-11-16T10:00:00Z"}\n' * 2500
    tickets = route_command._read_tickets(text, "t.jsonl", lambda done, total: calls.append((done, total)))
    # 2,500 lines and the empty one after the last newline; a move every 1,024 lines.
    assert len(tickets) == 2500
    assert calls == [(1024, 2501), (2048, 2501)]


def test_route_shows_the_reading_bar(capsys: pytest.CaptureFixture[str], example_policy_path: Path) -> None:
    pytest.importorskip("tqdm")
    argv = ["route", "--policy", str(example_policy_path), "--agents", str(EXAMPLES / "agents" / "cn-agents.json"),
            str(EXAMPLES / "tickets" / "double11.jsonl"), "--progress"]
    err = run(capsys, *argv)[2]
    # Regression: 100,000 tickets showed nothing for the 4.6 s spent reading them, before the replay.
    assert "line/s" in err and "step/s" in err


def subcommands(parser: argparse.ArgumentParser, prefix: str = "aftersales") -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((f"{prefix} {name}", sub))
                found.extend(subcommands(sub, f"{prefix} {name}"))
    return found


def test_every_command_has_examples_in_its_help() -> None:
    commands = subcommands(_parser())
    assert {"aftersales validate", "aftersales calendar", "aftersales calendar add", "aftersales sla"} <= \
        {name for name, _ in commands}
    for name, parser in commands:
        text = parser.format_help()
        assert "\nexamples:\n  aftersales " in text, name


def test_the_exit_statuses_are_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "exit statuses:\n  0  success\n  1  internal error (a bug)\n" in out
    assert "  3  some input lines failed" in out


@pytest.mark.parametrize(("form", "expected"), [
    # Monday 00:00 and Tuesday 00:00 in Beijing are 16:00Z the day before; 9h = 32400 s.
    ("jsonl", '{"calendar":"office","operation":"between","t1":"2026-11-15T16:00:00Z","t2":"2026-11-16T16:00:00Z",'
              '"answer":32400}\n'),
    ("csv", "calendar,operation,t1,t2,answer\r\noffice,between,2026-11-15T16:00:00Z,2026-11-16T16:00:00Z,32400\r\n"),
    ("table", "9h\n"),  # the default: the answer alone, as before
])
def test_calendar_answers_as_records(capsys: pytest.CaptureFixture[str], files: tuple[str, str], form: str,
                                     expected: str) -> None:
    argv = ["calendar", "--policy", files[0], "office", "between", "2026-11-16", "2026-11-17", "--format", form]
    assert run(capsys, *argv) == (0, expected, "")


def test_route_agents_from_standard_input(capsys: pytest.CaptureFixture[str], example_policy_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    agents = EXAMPLES / "agents" / "cn-agents.json"
    argv = ["route", "--policy", str(example_policy_path), str(EXAMPLES / "tickets" / "double11.jsonl")]
    from_file = run(capsys, *argv, "--agents", str(agents))
    stdin_of(monkeypatch, agents.read_bytes())
    assert run(capsys, *argv, "--agents", "-") == from_file


def test_kpi_reads_a_bare_date_in_its_time_zone(capsys: pytest.CaptureFixture[str], example_policy_path: Path) -> None:
    argv = ["kpi", "--policy", str(example_policy_path), str(EXAMPLES / "tickets" / "double11.jsonl"),
            "--by", "day", "--time-zone", "Asia/Tokyo", "--at"]
    # --time-zone names the zone: midnight in Tokyo (UTC+9), and no note, although the policy has
    # calendars in three zones.
    assert run(capsys, *argv, "2026-11-12") == run(capsys, *argv, "2026-11-12T00:00:00+09:00")
    status, out, err = run(capsys, *argv[:-3], "--time-zone", "Mars/Base", "--at", "2026-11-12")
    assert (status, out, err) == (2, "", "aftersales: error: --at: 2026-11-12: unknown time zone 'Mars/Base' "
                                         "(--time-zone)\n")
