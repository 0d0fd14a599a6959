"""The most events a ticket may have (MAX_TICKET_EVENTS, docs/sla.md "Limits"), from every
Python surface and the command line: one more is refused, naming the ticket's events and both
counts, before any event is read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales.cli import main

POLICY: dict[str, Any] = {
    "schema_version": 1,
    "sla": {"policies": [{"id": "p", "targets": {"normal": {"first_response": "5m"}}}]},
    "routing": {"queues": [{"id": "general"}], "default_queue": "general"},
}
AT = aftersales.parse_instant("2026-11-12T00:00:00Z")
# 2026-11-11T00:01:00Z in epoch milliseconds: the shortest form of an instant.
EVENT_AT = 1_794_355_260_000
REFUSED = "invalid ticket: 1 problem\n  events: a ticket may have at most 100000 events, and this one has 100001"


def ticket(events: int, ticket_id: str = "T-1") -> dict[str, Any]:
    return {"id": ticket_id, "created_at": "2026-11-11T00:00:00Z", "events": [{"at": EVENT_AT, "type": "x"}] * events}


def line(events: int, ticket_id: str) -> str:
    # 100,001 events take 3.2 MB: within the 4 MiB a ticket's JSON may take.
    return json.dumps(ticket(events, ticket_id), separators=(",", ":"))


@pytest.fixture(scope="module")
def policy() -> aftersales.Policy:
    return aftersales.Policy.from_json(POLICY)


def test_the_limit_is_exported() -> None:
    assert aftersales.MAX_TICKET_EVENTS == 100_000


def test_a_dict_at_the_limit_is_evaluated(policy: aftersales.Policy) -> None:
    report = aftersales.SlaEngine(policy).evaluate(ticket(100_000), AT)
    # No reply in the day since creation: the 5m first response breached at 00:05.
    assert [(m.metric, m.state) for m in report.metrics] == [("first_response", "breached")]


def test_a_dict_over_the_limit_is_refused_by_every_call(policy: aftersales.Policy) -> None:
    big = ticket(100_001)
    for call in (
        lambda: aftersales.SlaEngine(policy).evaluate(big, AT),
        lambda: aftersales.KpiAccumulator(policy).add(big, AT),
        lambda: aftersales.Router(policy).route(big, AT),
    ):
        with pytest.raises(aftersales.InputError) as caught:
            call()
        assert str(caught.value) == REFUSED
        assert caught.value.path == "events"


def test_a_million_events_are_refused_unread(policy: aftersales.Policy) -> None:
    # A dict has no document size limit: this one ran past 2 minutes before the limit.
    with pytest.raises(aftersales.InputError, match="at most 100000 events, and this one has 1000000$"):
        aftersales.SlaEngine(policy).evaluate(ticket(1_000_000), AT)


def test_in_a_list_or_batch_the_index_is_named(policy: aftersales.Policy) -> None:
    tickets = [ticket(1), ticket(100_001, "T-2")]
    indexed = "tickets[1]: " + REFUSED.replace("  events:", "  tickets[1].events:")
    for call in (
        lambda: aftersales.SlaEngine(policy).evaluate_many(tickets, AT),
        lambda: aftersales.KpiEngine(policy).compute(tickets, AT),
        lambda: aftersales.TicketBatch(tickets),
    ):
        with pytest.raises(aftersales.InputError) as caught:
            call()
        assert str(caught.value) == indexed
        assert caught.value.path == "tickets[1].events"


def test_in_json_lines_the_line_is_named(policy: aftersales.Policy) -> None:
    jsonl = line(1, "T-1") + "\n" + line(100_001, "T-2") + "\n"
    with pytest.raises(aftersales.InputError) as caught:
        aftersales.TicketBatch.from_lines(jsonl)
    assert str(caught.value) == "line 2: " + REFUSED
    records = aftersales.SlaEngine(policy).evaluate_lines(jsonl, AT).splitlines()
    assert json.loads(records[1]) == {"line": 2, "error": REFUSED}


class TestCommandLine:
    @pytest.fixture
    def files(self, tmp_path: Path) -> dict[str, str]:
        paths = {"policy": tmp_path / "policy.json", "agents": tmp_path / "agents.json", "tickets": tmp_path / "t.jsonl"}
        paths["policy"].write_text(json.dumps(POLICY), encoding="utf-8")
        paths["agents"].write_text(json.dumps([{"id": "A-1", "queues": ["general"], "capacity": {"*": 1}}]), encoding="utf-8")
        paths["tickets"].write_text(line(1, "T-1") + "\n" + line(100_001, "T-2") + "\n", encoding="utf-8")
        return {name: str(path) for name, path in paths.items()}

    def test_route_stops_with_one_line_naming_the_line(
        self, capsys: pytest.CaptureFixture[str], files: dict[str, str]
    ) -> None:
        status = main(["route", "--policy", files["policy"], "--agents", files["agents"], files["tickets"]])
        out, err = capsys.readouterr()
        assert status == 2
        assert json.loads(out.splitlines()[0])["ticket"] == "T-1"
        # The ticket on line 2 of the file: the CLI names input lines, not ticket ids (customer data).
        assert err == f"aftersales: error: {files['tickets']}:2: " + REFUSED.replace("\n ", ":") + "\n"

    def test_sla_writes_an_error_record_for_the_line(
        self, capsys: pytest.CaptureFixture[str], files: dict[str, str]
    ) -> None:
        status = main(["sla", "--policy", files["policy"], files["tickets"], "--at", "2026-11-12T00:00:00Z"])
        out, err = capsys.readouterr()
        # Status 3 and a summary since issue 15 (was 0 and nothing).
        assert (status, err) == (3, f"aftersales: {files['tickets']}: 1 line failed (the first: line 2); "
                                    "the others were processed\n")
        records = [json.loads(record) for record in out.splitlines()]
        assert records[0]["ticket"] == "T-1"
        assert records[1] == {"line": 2, "error": REFUSED}

    def test_kpi_stops_with_one_line_naming_the_line(
        self, capsys: pytest.CaptureFixture[str], files: dict[str, str]
    ) -> None:
        status = main(["kpi", "--policy", files["policy"], files["tickets"], "--at", "2026-11-12T00:00:00Z"])
        out, err = capsys.readouterr()
        assert (status, out) == (2, "")
        assert err.count("\n") == 1
        assert "line 2: invalid ticket: 1 problem: events: a ticket may have at most 100000 events" in err
