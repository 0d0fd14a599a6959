"""aftersales.TicketBatch: tickets read once (from dicts or JSON Lines), evaluated many times.

The reports must be those of the dict path and of SlaEngine.evaluate one ticket at a time, on the
shared SLA fixtures (tests/fixtures/sla, worked by hand in its README.md); errors must name the
ticket's index (dicts) or line (JSON Lines)."""

from __future__ import annotations

import copy
import datetime as dt
import gc
import json
import threading
from pathlib import Path
from typing import Any

import pytest

import aftersales

from conftest import REPO, ReleasesGil

# The fixture files as test_sla_fixtures.py reads them (it skips when they are missing).
from test_sla_fixtures import AT_TEXT, EXPECTED as EXPECTED_TEXT, FIXTURES, TICKETS as TICKETS_TEXT

POLICY_TEXT = (FIXTURES / "policy.json").read_text(encoding="utf-8")
EXPECTED = EXPECTED_TEXT.splitlines()
AT = aftersales.parse_instant(AT_TEXT)
TICKETS: list[dict[str, Any]] = [json.loads(line) for line in TICKETS_TEXT.splitlines()]
IDS = [f"T-{n}" for n in range(1, 10)]


@pytest.fixture(scope="module")
def policy() -> aftersales.Policy:
    return aftersales.Policy.from_json(POLICY_TEXT)


@pytest.fixture
def tickets() -> list[dict[str, Any]]:
    return copy.deepcopy(TICKETS)


def as_dicts(reports: list[aftersales.SlaReport]) -> list[dict[str, Any]]:
    return [report.to_dict() for report in reports]


def every_way_in(tmp_path: Path, threads: int) -> dict[str, aftersales.TicketBatch]:
    path = tmp_path / "tickets.jsonl"
    path.write_text(TICKETS_TEXT, encoding="utf-8")
    return {
        "dicts": aftersales.TicketBatch(TICKETS),
        "dict iterator": aftersales.TicketBatch(iter(TICKETS)),
        "str": aftersales.TicketBatch.from_lines(TICKETS_TEXT, threads),
        "bytes": aftersales.TicketBatch.from_lines(TICKETS_TEXT.encode(), threads=threads),
        "file": aftersales.TicketBatch.from_file(path, threads),
        "file name": aftersales.TicketBatch.from_file(str(path), threads=threads),
    }


class TestSameReports:
    @pytest.mark.parametrize("threads", [0, 1, 3])
    def test_every_way_in_gives_the_expected_reports(
        self, policy: aftersales.Policy, tmp_path: Path, threads: int
    ) -> None:
        one_by_one = as_dicts([aftersales.SlaEngine(policy).evaluate(ticket, AT) for ticket in TICKETS])
        assert one_by_one == [json.loads(line) for line in EXPECTED]
        assert as_dicts(aftersales.SlaEngine(policy).evaluate_many(TICKETS, AT, threads)) == one_by_one
        for way, batch in every_way_in(tmp_path, threads).items():
            reports = aftersales.SlaEngine(policy).evaluate_many(batch, AT, threads)
            assert as_dicts(reports) == one_by_one, way
            assert [report.to_json() for report in reports] == EXPECTED, way
            assert all(isinstance(report, aftersales.SlaReport) for report in reports)

    def test_len_ids_and_repr(self) -> None:
        batch = aftersales.TicketBatch(TICKETS)
        assert len(batch) == 9
        assert batch.ids == IDS
        assert repr(batch) == "<aftersales.TicketBatch tickets=9>"
        reports = aftersales.SlaEngine(aftersales.Policy.from_json(POLICY_TEXT)).evaluate_many(batch, AT)
        assert [report.ticket for report in reports] == batch.ids

    def test_the_dicts_are_not_kept(self, policy: aftersales.Policy, tickets: list[dict[str, Any]]) -> None:
        batch = aftersales.TicketBatch(tickets)
        for ticket in tickets:
            ticket.clear()
        tickets.clear()
        assert [report.to_json() for report in aftersales.SlaEngine(policy).evaluate_many(batch, AT)] == EXPECTED

    def test_earlier_instants_replay_the_past(self, policy: aftersales.Policy) -> None:
        batch = aftersales.TicketBatch(TICKETS)
        # The last fixture ticket (T-9) was created Wednesday 10:00 Beijing, 2 h before AT: any
        # instant after it evaluates every ticket, later events ignored.
        for at in (AT - dt.timedelta(minutes=90), AT, AT + dt.timedelta(days=3)):
            assert as_dicts(aftersales.SlaEngine(policy).evaluate_many(batch, at)) == as_dicts(
                [aftersales.SlaEngine(policy).evaluate(ticket, at) for ticket in TICKETS]
            )

    def test_outlives_its_policy_and_serves_two(self, tickets: list[dict[str, Any]]) -> None:
        batch = aftersales.TicketBatch(tickets)
        first = aftersales.Policy.from_json(POLICY_TEXT)
        assert [report.to_json() for report in aftersales.SlaEngine(first).evaluate_many(batch, AT)] == EXPECTED
        del first
        gc.collect()

        # The same document with the regular normal first_response at 2h instead of 1h. T-2
        # (regular, normal, email) was created Mon 20:30 and answered Tue 10:00 Beijing:
        # 30 min (Mon 20:30-21:00) + 60 min (Tue 09:00-10:00) = 5400 s of 7200: 75%, achieved,
        # where the 1h target made it breached (150%). Its 80% threshold (96 min) is not reached
        # before the reply, so its first_response escalations are gone as well.
        document = json.loads(POLICY_TEXT)
        document["sla"]["policies"][1]["targets"]["normal"]["first_response"] = "2h"
        second = aftersales.Policy.from_json(document)
        reports = aftersales.SlaEngine(second).evaluate_many(batch, AT)
        assert as_dicts(reports) == as_dicts([aftersales.SlaEngine(second).evaluate(ticket, AT) for ticket in tickets])
        t2 = reports[1].to_dict()
        assert t2["metrics"][0] == {
            "metric": "first_response", "cycle": 0,
            "target_s": 7200, "elapsed_s": 5400, "remaining_s": 1800, "percent": 75,
            "started_at": "2026-11-16T12:30:00Z", "due_at": None, "state": "achieved",
            "breached_at": None, "completed_at": "2026-11-17T02:00:00Z",
        }  # fmt: skip
        assert [e for e in t2["escalations"] if e["metric"] == "first_response"] == []
        assert reports[1].to_json() != EXPECTED[1]

    def test_many_threads_share_one_batch(self, policy: aftersales.Policy) -> None:
        batch = aftersales.TicketBatch(TICKETS * 50)
        results: list[list[str]] = []

        def evaluate() -> None:
            results.append([report.to_json() for report in aftersales.SlaEngine(policy).evaluate_many(batch, AT, threads=2)])

        workers = [threading.Thread(target=evaluate) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert results == [EXPECTED * 50] * 4


def test_a_ticket_evaluated_too_early_gets_a_marked_report_at_its_index(policy: aftersales.Policy) -> None:
    # T-5 and T-7 (indices 4 and 6) were created Wednesday 09:00 Beijing, T-9 (index 8) at 10:00;
    # the rest earlier. At 09:30 only T-9 is not created yet: its report says so (until 0.2 the
    # batch raised 'tickets[8]: cannot evaluate ticket "T-9" ...'; spec §9).
    batch = aftersales.TicketBatch.from_lines(TICKETS_TEXT)
    at = aftersales.parse_instant("2026-11-18T09:30:00+08:00")
    engine = aftersales.SlaEngine(policy)
    reports = engine.evaluate_many(batch, at, threads=2)
    assert [r.not_yet_created for r in reports] == [False] * 8 + [True]
    assert reports[8].to_dict()["ticket"] == "T-9" and reports[8].metrics == []
    assert [r.to_json() for r in reports[:8]] == [engine.evaluate(t, at).to_json() for t in TICKETS[:8]]


class TestKpi:
    def test_kpi_on_the_batch_equals_kpi_on_the_dicts(self, policy: aftersales.Policy) -> None:
        batch = aftersales.TicketBatch.from_lines(TICKETS_TEXT)
        for group_by in ([], ["agent"], ["channel", "priority"]):
            expected = aftersales.KpiEngine(policy).compute(TICKETS, AT, group_by=group_by).to_dict()
            assert aftersales.KpiEngine(policy).compute(batch, AT, group_by=group_by).to_dict() == expected
            assert aftersales.KpiEngine(policy).compute(batch, AT, group_by=group_by, threads=1).to_dict() == expected

    def test_accumulator_add_many(self, policy: aftersales.Policy) -> None:
        from_dicts = aftersales.KpiAccumulator(policy, ["agent"])
        from_dicts.add_many(TICKETS, AT)
        from_batch = aftersales.KpiAccumulator(policy, ["agent"])
        from_batch.add_many(aftersales.TicketBatch(TICKETS), AT, threads=2)
        assert from_batch.to_json() == from_dicts.to_json()
        assert from_batch.result().to_dict() == from_dicts.result().to_dict()
        # 9 tickets, every one counted once more.
        from_batch.add_many(aftersales.TicketBatch(TICKETS[:2]), AT)
        assert from_batch.result().to_dict()["groups"] != from_dicts.result().to_dict()["groups"]

    def test_kpi_leaves_out_the_tickets_not_yet_created(self, policy: aftersales.Policy) -> None:
        # On Monday 16th at 09:00 Beijing only T-4 (created at 09:00 exactly) exists: 1 ticket
        # counted, the other 8 left out (until 0.2 the call raised, naming tickets[0]).
        batch = aftersales.TicketBatch(TICKETS)
        kpis = aftersales.KpiEngine(policy).compute(batch, aftersales.parse_instant("2026-11-16T09:00:00+08:00"))
        assert (kpis.groups[0]["tickets"], kpis.not_yet_created) == (1, 8)


class TestEmpty:
    def test_empty_inputs(self, policy: aftersales.Policy) -> None:
        for batch in (
            aftersales.TicketBatch([]),
            aftersales.TicketBatch(()),
            aftersales.TicketBatch.from_lines(""),
            aftersales.TicketBatch.from_lines(b"\n \n\t\r\n"),
        ):
            assert len(batch) == 0
            assert batch.ids == []
            assert aftersales.SlaEngine(policy).evaluate_many(batch, AT) == []
            assert aftersales.KpiEngine(policy).compute(batch, AT).to_dict() == aftersales.KpiEngine(policy).compute([], AT).to_dict()

    def test_empty_file(self, tmp_path: Path) -> None:
        (tmp_path / "empty.jsonl").write_bytes(b"")
        assert len(aftersales.TicketBatch.from_file(tmp_path / "empty.jsonl")) == 0


class TestDictErrors:
    def test_a_bad_dict_names_its_index_and_path(self, tickets: list[dict[str, Any]]) -> None:
        tickets[6]["events"][2]["at"] = "soon"
        tickets[4]["events"][1]["type"] = 7
        with pytest.raises(aftersales.InputError) as caught:
            aftersales.TicketBatch(tickets)
        # The first bad ticket in input order, as SlaEngine.evaluate_many reports it.
        assert caught.value.path == "tickets[4].events[1].type"
        assert str(caught.value).startswith("tickets[4]: invalid ticket: 1 problem\n  tickets[4].events[1].type: ")
        assert [path for path, _ in caught.value.problems] == ["tickets[4].events[1].type"]
        with pytest.raises(aftersales.InputError) as many:
            aftersales.SlaEngine(aftersales.Policy.from_json(POLICY_TEXT)).evaluate_many(tickets, AT)
        assert str(many.value) == str(caught.value)
        assert many.value.problems == caught.value.problems

    def test_every_problem_of_the_ticket_is_listed(self, tickets: list[dict[str, Any]]) -> None:
        tickets[0]["created_at"] = "later"
        tickets[0]["priority"] = "asap"
        with pytest.raises(aftersales.InputError) as caught:
            aftersales.TicketBatch(tickets)
        assert sorted(path for path, _ in caught.value.problems) == ["tickets[0].created_at", "tickets[0].priority"]

    def test_an_element_that_is_not_a_dict(self, tickets: list[dict[str, Any]]) -> None:
        with pytest.raises(TypeError, match=r"^tickets\[2\]: expected a dict of the ticket JSON shape, got str$"):
            aftersales.TicketBatch([*tickets[:2], "T-3"])  # type: ignore[list-item]

    def test_values_of_the_wrong_type(self, tickets: list[dict[str, Any]]) -> None:
        tickets[1]["tags"] = {"double11"}
        with pytest.raises(TypeError, match=r"^tickets\[1\]\.tags: set is not a JSON value"):
            aftersales.TicketBatch(tickets)
        with pytest.raises(TypeError):
            aftersales.TicketBatch(42)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            aftersales.TicketBatch(TICKETS[0])  # type: ignore[arg-type]  # a dict iterates over its keys


class TestLineErrors:
    def test_a_bad_line_names_its_number(self) -> None:
        lines = TICKETS_TEXT.splitlines()
        bad = json.loads(lines[3])
        bad["events"][0]["at"] = "soon"
        # Line 1 blank, then T-1..T-3 on lines 2-4, another blank line 5, the bad T-4 on line 6.
        text = "\n" + "\n".join(lines[:3]) + "\n\n" + json.dumps(bad) + "\n" + "\n".join(lines[4:]) + "\n"
        for given in (text, text.encode()):
            with pytest.raises(aftersales.InputError) as caught:
                aftersales.TicketBatch.from_lines(given, threads=2)
            assert str(caught.value).startswith("line 6: invalid ticket: 1 problem\n  events[0].at: ")
            assert caught.value.path == "events[0].at"
            assert [path for path, _ in caught.value.problems] == ["events[0].at"]
            assert '"soon"' in caught.value.problems[0][1]

    def test_the_first_bad_line_in_order(self) -> None:
        # 300 lines on 3 threads: the threads meet line 290 before line 170 as often as not.
        lines = [TICKETS_TEXT.splitlines()[0]] * 300
        lines[289] = '{"id": "T-290", "created_at": 0, "priority": "asap"}'
        lines[169] = '{"id": "T-170", "created_at":'
        with pytest.raises(aftersales.InputError) as caught:
            aftersales.TicketBatch.from_lines("\n".join(lines), threads=3)
        assert str(caught.value).startswith("line 170: invalid ticket: 1 problem\n")

    def test_a_line_that_is_not_json(self) -> None:
        with pytest.raises(aftersales.InputError, match=r"^line 2: invalid ticket: 1 problem\n"):
            aftersales.TicketBatch.from_lines(TICKETS_TEXT.splitlines()[0] + "\nT-2\n")
        with pytest.raises(aftersales.InputError, match=r"^line 1: invalid ticket: .*\n  id: "):
            aftersales.TicketBatch.from_lines('{"created_at": 0}')

    def test_a_bad_line_of_a_file_names_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "double11.jsonl"
        path.write_text(TICKETS_TEXT + '{"id": "T-10", "created_at": "2026-11-11"}\n', encoding="utf-8")
        with pytest.raises(aftersales.InputError) as caught:
            aftersales.TicketBatch.from_file(path)
        assert str(caught.value).startswith(f'line 10 of "{path}": invalid ticket: 1 problem\n  created_at: ')
        assert caught.value.path == "created_at"

    def test_a_file_that_cannot_be_read(self, tmp_path: Path) -> None:
        with pytest.raises(aftersales.InputError, match=r'^cannot read tickets file ".*nowhere\.jsonl": '):
            aftersales.TicketBatch.from_file(tmp_path / "nowhere.jsonl")
        with pytest.raises(aftersales.InputError, match=r"^cannot read tickets file "):
            aftersales.TicketBatch.from_file(tmp_path)

    def test_other_types(self) -> None:
        with pytest.raises(TypeError, match=r"^TicketBatch\.from_lines: expected the JSON Lines as str or bytes, got list$"):
            aftersales.TicketBatch.from_lines(TICKETS_TEXT.splitlines())  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            aftersales.TicketBatch.from_file(7)  # type: ignore[arg-type]


class TestColumns:
    """The batch is held column by column (docs/performance.md, "Compact tickets")."""

    def test_a_ticket_of_the_season_takes_some_150_bytes(self) -> None:
        # bench/peer_tickets.py's shape: ids of 8 characters, 8 events by one of 200 agents.
        # Worked out in tests/cpp/ticket_batch_test.cpp: 86 bytes a ticket and 9 an event, 158.
        start = dt.datetime(2026, 11, 11, tzinfo=dt.timezone.utc)
        tickets = [
            {"id": f"T-{100_000 + i}", "created_at": (start + dt.timedelta(seconds=i)).isoformat(),
             "channel": "chat" if i % 2 == 0 else "email", "customer": {"id": f"C-{200_000 + i}"},
             "events": [{"at": (start + dt.timedelta(seconds=i, minutes=k)).isoformat(), "type": "agent_reply",
                         "agent": f"A-{i % 200:03d}"} for k in range(8)]}
            for i in range(5_000)
        ]
        batch = aftersales.TicketBatch(tickets)
        assert batch.memory_bytes <= 158 * len(tickets) + 8192, batch.memory_bytes / len(tickets)

    def test_a_file_is_read_a_block_at_a_time(self, tmp_path: Path) -> None:
        # Files are read in blocks of 16 MiB: 40,000 copies of the fixtures' tickets (about 24 MB)
        # cut lines at a block's end, and a bad line after the first block keeps its number.
        lines = TICKETS_TEXT.splitlines() * 4_000
        path = tmp_path / "big.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert path.stat().st_size > 16 << 20
        from_file = aftersales.TicketBatch.from_file(path)
        assert from_file.to_bytes() == aftersales.TicketBatch.from_lines(path.read_bytes()).to_bytes()
        assert len(from_file) == 36_000
        lines[35_000] = '{"id": "T-bad"}'
        path.write_text("\n".join(lines), encoding="utf-8")  # and no '\n' after the last line
        with pytest.raises(aftersales.InputError, match=r'^line 35001 of ".*big\.jsonl": invalid ticket: 1 problem\n'):
            aftersales.TicketBatch.from_file(path)


class TestImmutable:
    def test_nothing_can_be_changed(self) -> None:
        batch = aftersales.TicketBatch(TICKETS)
        with pytest.raises(AttributeError):
            batch.ids = []  # type: ignore[misc]
        ids = batch.ids
        ids.clear()
        assert batch.ids == IDS
        with pytest.raises(TypeError):
            batch[0]  # type: ignore[index]  # no item access: see docs/python.md


def test_evaluation_and_parsing_release_the_gil(policy: aftersales.Policy, releases_gil: ReleasesGil) -> None:
    lines = (TICKETS_TEXT * 2_000).encode()
    assert releases_gil(lambda: aftersales.TicketBatch.from_lines(lines, threads=1))
    batch = aftersales.TicketBatch.from_lines(lines)
    assert releases_gil(lambda: aftersales.SlaEngine(policy).evaluate_many(batch, AT, threads=1))
    assert releases_gil(lambda: aftersales.KpiEngine(policy).compute(batch, AT, threads=1))


def test_the_example_in_the_docs_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    section = (REPO / "docs" / "python.md").read_text(encoding="utf-8").split("### Tickets read once")[1]
    code = section.split("```python\n")[1].split("```")[0]
    monkeypatch.chdir(REPO)
    exec(compile(code, "docs/python.md", "exec"), {})  # noqa: S102
    # T-1: a VIP chat answered after 1 minute of its 2. T-2: an email (cn-office, Mon-Fri
    # 09:00-18:00 less the 12:00-13:00 lunch break) created Wednesday 09:30, evaluated Thursday
    # 12:00: Wednesday gives 2.5 h + 5 h = 7.5 h, so 8 office hours end Thursday 09:30 (breached
    # by noon); 12 end Thursday 14:30 (7.5 h + 3 h + 1.5 h after lunch), still active.
    assert capsys.readouterr().out.splitlines() == [
        "[('T-1', 'achieved'), ('T-2', 'breached')]",
        "[('T-1', 'achieved'), ('T-2', 'active')]",
    ]
