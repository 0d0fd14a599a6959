"""Replay in batches (spec §9): at an instant before a ticket was created, it did not exist yet.
Every batch form says so instead of failing; one-ticket `evaluate` keeps its error.

One hand-worked set on every Python surface and the CLI: a policy open round the clock in UTC
with a 10-minute first-response target, and three tickets counted at 2026-11-12T00:00Z:
- "1", created 11-11 00:00, answered by A-1 at 00:05 (5 min: achieved);
- "2", created 11-12 08:00, eight hours after the instant: not yet created;
- "3", created 11-11 00:00, answered by A-2 at 00:20 (20 min: breached).
So the KPIs count 2 tickets (1 and 3, neither resolved: backlog 2, first response achieved 1,
breached 1) and leave out 1; the SLA batch's second report is marked. Before 0.2 each of these
calls failed on ticket "2" ("cannot count ticket ... before it was created")."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales.cli import main

UTC = dt.timezone.utc
AT = dt.datetime(2026, 11, 12, tzinfo=UTC)

POLICY: dict[str, Any] = {
    "schema_version": 1,
    "calendars": {"utc": {"timezone": "UTC", "hours": "24x7"}},
    "sla": {"policies": [{"id": "all", "calendar": "utc", "targets": {"normal": {"first_response": "10m"}}}]},
}

TICKETS: list[dict[str, Any]] = [
    {"id": "1", "created_at": "2026-11-11T00:00:00Z",
     "events": [{"at": "2026-11-11T00:05:00Z", "type": "agent_reply", "agent": "A-1"}]},
    {"id": "2", "created_at": "2026-11-12T08:00:00Z", "priority": "high"},
    {"id": "3", "created_at": "2026-11-11T00:00:00Z",
     "events": [{"at": "2026-11-11T00:20:00Z", "type": "agent_reply", "agent": "A-2"}]},
]
JSONL = "".join(json.dumps(t) + "\n" for t in TICKETS)

# The second ticket's report in a batch: its id, the priority it was created with, nothing else.
MARKED: dict[str, Any] = {"ticket": "2", "not_yet_created": True, "policy": None, "priority": "high",
                          "metrics": [], "escalations": [], "next_check_at": None}


@pytest.fixture(scope="module")
def policy() -> aftersales.Policy:
    return aftersales.Policy.from_json(POLICY)


@pytest.fixture(params=["dicts", "batch"])
def tickets(request: pytest.FixtureRequest) -> list[dict[str, Any]] | aftersales.TicketBatch:
    return TICKETS if request.param == "dicts" else aftersales.TicketBatch(TICKETS)


# ---- SLA -------------------------------------------------------------------------------------


def test_one_ticket_before_it_was_created_is_still_an_error(policy: aftersales.Policy) -> None:
    with pytest.raises(aftersales.InputError, match="before it was created"):
        aftersales.SlaEngine(policy).evaluate(TICKETS[1], AT)


@pytest.mark.parametrize("threads", [1, 2])
def test_evaluate_many_marks_the_ticket_not_yet_created(
    policy: aftersales.Policy, tickets: list[dict[str, Any]] | aftersales.TicketBatch, threads: int
) -> None:
    reports = aftersales.SlaEngine(policy).evaluate_many(tickets, AT, threads=threads)
    assert [r.not_yet_created for r in reports] == [False, True, False]
    marked = reports[1]
    assert marked.to_dict() == MARKED
    assert (marked.ticket, marked.policy, marked.priority) == ("2", None, "high")
    assert marked.metrics == [] and marked.escalations == [] and marked.next_check_at is None
    assert repr(marked) == "<aftersales.SlaReport ticket='2' not_yet_created=True>"
    # The others are as evaluated one by one, their JSON without the member.
    one = aftersales.SlaEngine(policy).evaluate(TICKETS[0], AT)
    assert reports[0].to_json() == one.to_json()
    assert "not_yet_created" not in reports[0].to_dict()
    assert [m.state for m in reports[2].metrics if m.metric == "first_response"] == ["breached"]


def test_evaluate_lines_gives_a_report_not_an_error_record(policy: aftersales.Policy) -> None:
    lines = aftersales.SlaEngine(policy).evaluate_lines(JSONL, AT, threads=2).splitlines()
    assert len(lines) == 3
    assert json.loads(lines[1]) == MARKED
    assert lines[1].startswith('{"ticket":"2","not_yet_created":true,')


# ---- KPIs ------------------------------------------------------------------------------------


def check_kpis(result: aftersales.KpiResult) -> None:
    assert result.not_yet_created == 1
    (group,) = result.groups
    assert (group["tickets"], group["resolved"], group["backlog"]) == (2, 0, 2)
    assert group["sla"]["first_response"] == {"achieved": 1, "breached": 1, "rate": 0.5}
    assert result.to_dict()["not_yet_created"] == 1
    assert result.to_json().startswith('{"group_by":[],"time_zone":null,"not_yet_created":1,"groups":[')
    assert repr(result) == "<aftersales.KpiResult groups=1 not_yet_created=1>"


def test_compute_leaves_out_the_ticket_and_counts_it(
    policy: aftersales.Policy, tickets: list[dict[str, Any]] | aftersales.TicketBatch
) -> None:
    check_kpis(aftersales.KpiEngine(policy).compute(tickets, AT, threads=2))


def test_compute_lines_leaves_out_the_ticket_and_counts_it(policy: aftersales.Policy) -> None:
    check_kpis(aftersales.KpiEngine(policy).compute_lines(JSONL.encode(), AT, threads=2))


def test_accumulators_count_as_the_batch_and_their_states_carry_it(
    policy: aftersales.Policy, tickets: list[dict[str, Any]] | aftersales.TicketBatch
) -> None:
    many = aftersales.KpiAccumulator(policy)
    many.add_many(tickets, AT)
    check_kpis(many.result())
    one_by_one = aftersales.KpiAccumulator(policy)
    for ticket in TICKETS:
        one_by_one.add(ticket, AT)
    assert one_by_one.to_json() == many.to_json()
    state = json.loads(many.to_json())
    assert state["not_yet_created"] == 1
    # Shipped and merged: 1 + 1 left out, 2 + 2 counted.
    merged = aftersales.KpiAccumulator.from_json(policy, many.to_json())
    merged.merge(many)
    assert merged.result().not_yet_created == 2
    assert merged.result().groups[0]["tickets"] == 4


def test_a_state_without_the_count_reads_as_none_left_out(policy: aftersales.Policy) -> None:
    """Version 2 states written before the count was kept have no `not_yet_created`."""
    accumulator = aftersales.KpiAccumulator(policy)
    accumulator.add_many(TICKETS, AT)
    state = json.loads(accumulator.to_json())
    del state["not_yet_created"]
    read = aftersales.KpiAccumulator.from_json(policy, json.dumps(state))
    assert read.result().not_yet_created == 0
    assert read.result().groups[0]["tickets"] == 2


def test_the_mark_and_the_count_survive_pickling(policy: aftersales.Policy) -> None:
    report = aftersales.SlaEngine(policy).evaluate_many(TICKETS, AT)[1]
    kpis = aftersales.KpiEngine(policy).compute(TICKETS, AT)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(report, protocol=protocol)).to_dict() == MARKED
        assert pickle.loads(pickle.dumps(kpis, protocol=protocol)).not_yet_created == 1


# ---- CLI -------------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "policy.json").write_text(json.dumps(POLICY))
    (tmp_path / "tickets.jsonl").write_text(JSONL)
    return str(tmp_path / "policy.json"), str(tmp_path / "tickets.jsonl")


def test_cli_sla_at_writes_the_marked_report(capsys: pytest.CaptureFixture[str], files: tuple[str, str]) -> None:
    policy_path, tickets_path = files
    status = main(["sla", "--policy", policy_path, tickets_path, "--at", "2026-11-12T08:00:00+08:00"])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert json.loads(out.splitlines()[1]) == MARKED


def test_cli_kpi_at_says_how_many_it_left_out(capsys: pytest.CaptureFixture[str], files: tuple[str, str]) -> None:
    policy_path, tickets_path = files
    status = main(["kpi", "--policy", policy_path, tickets_path, "--at", "2026-11-12T08:00:00+08:00", "--json"])
    out, err = capsys.readouterr()
    assert status == 0
    assert err == "aftersales: left out 1 ticket created after 2026-11-12T00:00:00Z\n"
    assert json.loads(out)["not_yet_created"] == 1
    assert json.loads(out)["groups"][0]["tickets"] == 2
    # Nothing left out, nothing said.
    status = main(["kpi", "--policy", policy_path, tickets_path, "--at", "2026-11-12T08:00:00Z"])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
