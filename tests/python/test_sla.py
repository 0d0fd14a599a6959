"""SLA evaluation from Python: report objects, to_dict, errors with paths, the batch calls and
the `aftersales sla` command. The C++ suite has the exhaustive metric rules; the values here
are worked out by hand for two tickets:

- VIP (policy "vip", calendar "always": plain elapsed time), created 2026-11-11 00:00 UTC:
  a bot reply at 00:04, the first human reply at 00:08, pending_customer from 00:10 until the
  customer writes at 00:30, the agent answers at 00:40. Evaluated at 01:00.
- STANDARD (policy "standard", calendar "office": Mon-Fri 09:00-18:00 Beijing), created
  Friday 13 Nov 17:30 Beijing with no events yet. Evaluated Monday 16 Nov 09:45 Beijing.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales import cli

from conftest import OFFICE_POLICY, ReleasesGil

UTC = dt.timezone.utc
BEIJING = dt.timezone(dt.timedelta(hours=8))

SLA_POLICY: dict[str, Any] = {
    **OFFICE_POLICY,
    "sla": {
        "policies": [
            {
                "id": "vip",
                "when": {"field": "customer.tier", "in": ["vip"]},
                "calendar": "always",
                "targets": {"normal": {"first_response": "10m", "next_response": "5m", "resolution": "2h"}},
                "pause_on": ["pending_customer"],
                "escalations": [
                    {"at": "50%", "action": "warn"},
                    {"at": "100%", "action": "escalate", "to": "senior"},
                ],
            },
            {
                "id": "standard",
                "calendar": "office",
                "targets": {"normal": {"first_response": "1h", "resolution": "8h"}},
            },
        ]
    },
}

VIP_TICKET: dict[str, Any] = {
    "id": "T-VIP",
    "created_at": "2026-11-11T08:00:00+08:00",  # 00:00 UTC
    "channel": "chat",
    "customer": {"id": "C-1", "tier": "vip"},
    "events": [
        {"at": "2026-11-11T00:00:00Z", "type": "customer_message"},
        {"at": "2026-11-11T00:04:00Z", "type": "agent_reply", "bot": True},
        {"at": "2026-11-11T00:08:00Z", "type": "agent_reply", "agent": "A-7"},
        {"at": "2026-11-11T00:10:00Z", "type": "status", "to": "pending_customer"},
        {"at": "2026-11-11T00:30:00Z", "type": "customer_message"},
        # 00:40 UTC as epoch milliseconds: instants may be given either way, as in JSON.
        {"at": int(dt.datetime(2026, 11, 11, 0, 40, tzinfo=UTC).timestamp()) * 1000, "type": "agent_reply"},
    ],
}
VIP_AT = dt.datetime(2026, 11, 11, 1, 0, tzinfo=UTC)

# first_response: 8 of 10 minutes when the human reply came (the bot's does not count); its
# 50% threshold (5 min) was reached at 00:05, before the reply.
# next_response: the customer's 00:30 message after a human reply starts cycle 0; 5 minutes
# were up at 00:35 (50% at 00:32:30), the reply came at 00:40: 10 minutes, breached for good.
# resolution: ran 00:00-00:10 and 00:30-01:00 (paused while pending_customer): 40 of 120 min;
# 80 min to go, so due at 02:20, and its 50% threshold (60 min) comes at 01:20: next_check_at.
VIP_REPORT: dict[str, Any] = {
    "ticket": "T-VIP",
    "policy": "vip",
    "priority": "normal",
    "metrics": [
        {
            "metric": "first_response", "cycle": 0,
            "target_s": 600, "elapsed_s": 480, "remaining_s": 120, "percent": 80,
            "started_at": "2026-11-11T00:00:00Z", "due_at": None, "state": "achieved",
            "breached_at": None, "completed_at": "2026-11-11T00:08:00Z",
        },
        {
            "metric": "next_response", "cycle": 0,
            "target_s": 300, "elapsed_s": 600, "remaining_s": -300, "percent": 200,
            "started_at": "2026-11-11T00:30:00Z", "due_at": None, "state": "breached",
            "breached_at": "2026-11-11T00:35:00Z", "completed_at": "2026-11-11T00:40:00Z",
        },
        {
            "metric": "resolution", "cycle": 0,
            "target_s": 7200, "elapsed_s": 2400, "remaining_s": 4800, "percent": 33.33,
            "started_at": "2026-11-11T00:00:00Z", "due_at": "2026-11-11T02:20:00Z", "state": "active",
            "breached_at": None, "completed_at": None,
        },
    ],
    "escalations": [
        {"metric": "first_response", "cycle": 0, "at": "50%", "action": "warn", "to": None,
         "reached_at": "2026-11-11T00:05:00Z"},
        {"metric": "next_response", "cycle": 0, "at": "50%", "action": "warn", "to": None,
         "reached_at": "2026-11-11T00:32:30Z"},
        {"metric": "next_response", "cycle": 0, "at": "100%", "action": "escalate", "to": "senior",
         "reached_at": "2026-11-11T00:35:00Z"},
    ],
    # resolution still runs and next_response missed at 00:35: active with that one miss.
    "status": "active_with_misses",
    "misses": [{"metric": "next_response", "cycle": 0, "breached_at": "2026-11-11T00:35:00Z"}],
    "next_check_at": "2026-11-11T01:20:00Z",
}  # fmt: skip

STANDARD_TICKET: dict[str, Any] = {"id": "T-STD", "created_at": "2026-11-13T17:30:00+08:00"}
STANDARD_AT = dt.datetime(2026, 11, 16, 9, 45, tzinfo=BEIJING)

# Business time: Friday 17:30-18:00 and Monday 09:00-09:45, 75 minutes. first_response (1 h)
# ran out at Monday 09:30 and is still running, so due_at stays at the breach. resolution
# (8 h): 6 h 45 min to go from Monday 09:45 ends at 16:30 the same day. 4500/28800 = 15.625%.
STANDARD_REPORT: dict[str, Any] = {
    "ticket": "T-STD",
    "policy": "standard",
    "priority": "normal",
    "metrics": [
        {
            "metric": "first_response", "cycle": 0,
            "target_s": 3600, "elapsed_s": 4500, "remaining_s": -900, "percent": 125,
            "started_at": "2026-11-13T09:30:00Z", "due_at": "2026-11-16T01:30:00Z", "state": "breached",
            "breached_at": "2026-11-16T01:30:00Z", "completed_at": None,
        },
        {
            "metric": "resolution", "cycle": 0,
            "target_s": 28800, "elapsed_s": 4500, "remaining_s": 24300, "percent": 15.63,
            "started_at": "2026-11-13T09:30:00Z", "due_at": "2026-11-16T08:30:00Z", "state": "active",
            "breached_at": None, "completed_at": None,
        },
    ],
    "escalations": [],
    # Both clocks run, first_response missed at Monday 09:30 (01:30Z).
    "status": "active_with_misses",
    "misses": [{"metric": "first_response", "cycle": 0, "breached_at": "2026-11-16T01:30:00Z"}],
    "next_check_at": "2026-11-16T08:30:00Z",
}  # fmt: skip


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture(scope="module")
def sla() -> aftersales.SlaEngine:
    return aftersales.SlaEngine(aftersales.Policy.from_json(SLA_POLICY))


@pytest.fixture
def vip_ticket() -> dict[str, Any]:
    return copy.deepcopy(VIP_TICKET)


class TestReport:
    def test_to_dict(self, sla: aftersales.SlaEngine) -> None:
        assert sla.evaluate(VIP_TICKET, VIP_AT).to_dict() == VIP_REPORT
        assert sla.evaluate(STANDARD_TICKET, STANDARD_AT).to_dict() == STANDARD_REPORT

    def test_to_dict_is_json_loads_of_to_json(self, sla: aftersales.SlaEngine) -> None:
        report = sla.evaluate(VIP_TICKET, VIP_AT)
        text = report.to_json()
        assert isinstance(text, str)
        assert report.to_dict() == json.loads(text)
        # Compact and in the documented key order.
        assert text.startswith('{"ticket":"T-VIP","policy":"vip","priority":"normal","status":"active_with_misses",'
                               '"metrics":[{"metric":')

    def test_report_attributes(self, sla: aftersales.SlaEngine) -> None:
        report = sla.evaluate(VIP_TICKET, VIP_AT)
        assert (report.ticket, report.policy, report.priority) == ("T-VIP", "vip", "normal")
        assert report.next_check_at == utc(2026, 11, 11, 1, 20)
        assert [(m.metric, m.cycle, m.state) for m in report.metrics] == [
            ("first_response", 0, "achieved"),
            ("next_response", 0, "breached"),
            ("resolution", 0, "active"),
        ]
        assert [(e.metric, e.percent, e.action, e.to, e.reached_at) for e in report.escalations] == [
            ("first_response", 50, "warn", None, utc(2026, 11, 11, 0, 5)),
            ("next_response", 50, "warn", None, utc(2026, 11, 11, 0, 32, 30)),
            ("next_response", 100, "escalate", "senior", utc(2026, 11, 11, 0, 35)),
        ]
        assert all(e.cycle == 0 for e in report.escalations)

    def test_metric_attributes(self, sla: aftersales.SlaEngine) -> None:
        first, following, resolution = sla.evaluate(VIP_TICKET, VIP_AT).metrics
        assert (first.target, first.elapsed, first.remaining) == (
            dt.timedelta(minutes=10), dt.timedelta(minutes=8), dt.timedelta(minutes=2)
        )
        assert first.percent == 80.0
        assert (first.started_at, first.due_at, first.breached_at, first.completed_at) == (
            utc(2026, 11, 11), None, None, utc(2026, 11, 11, 0, 8)
        )
        assert following.remaining == dt.timedelta(minutes=-5)
        assert following.percent == 200.0
        assert (following.breached_at, following.completed_at) == (utc(2026, 11, 11, 0, 35), utc(2026, 11, 11, 0, 40))
        # Unrounded, unlike to_dict(): 40 of 120 minutes.
        assert resolution.percent == pytest.approx(100 / 3, abs=1e-12)
        assert resolution.elapsed == dt.timedelta(minutes=40)
        assert resolution.due_at == utc(2026, 11, 11, 2, 20)

    def test_datetimes_are_aware_utc_and_durations_timedelta(self, sla: aftersales.SlaEngine) -> None:
        report = sla.evaluate(STANDARD_TICKET, STANDARD_AT)
        first = report.metrics[0]
        for t in (first.started_at, first.due_at, first.breached_at, report.next_check_at):
            assert isinstance(t, dt.datetime)
            assert t.tzinfo is UTC
        assert first.started_at == dt.datetime(2026, 11, 13, 17, 30, tzinfo=BEIJING)
        for d in (first.target, first.elapsed, first.remaining):
            assert isinstance(d, dt.timedelta)
        assert isinstance(first.percent, float)
        assert isinstance(first.cycle, int)

    def test_paused_what_if_replay(self, sla: aftersales.SlaEngine) -> None:
        # At 00:20 the ticket is pending_customer: resolution stands at 10 minutes, paused; the
        # 00:30 message and 00:40 reply have not happened yet, so no next_response cycle.
        report = sla.evaluate(VIP_TICKET, utc(2026, 11, 11, 0, 20))
        assert [(m.metric, m.state) for m in report.metrics] == [("first_response", "achieved"), ("resolution", "paused")]
        resolution = report.metrics[1]
        assert (resolution.elapsed, resolution.due_at) == (dt.timedelta(minutes=10), None)
        assert report.next_check_at is None

    def test_no_policy_matches(self) -> None:
        only_vip = copy.deepcopy(SLA_POLICY)
        del only_vip["sla"]["policies"][1]
        report = aftersales.SlaEngine(aftersales.Policy.from_json(only_vip)).evaluate(STANDARD_TICKET, STANDARD_AT)
        assert (report.policy, report.metrics, report.escalations, report.next_check_at) == (None, [], [], None)
        assert report.to_dict()["policy"] is None

    def test_metric_outlives_its_report(self, sla: aftersales.SlaEngine) -> None:
        metric = sla.evaluate(VIP_TICKET, VIP_AT).metrics[2]
        assert metric.metric == "resolution"
        assert metric.elapsed == dt.timedelta(minutes=40)

    def test_reports_are_read_only(self, sla: aftersales.SlaEngine) -> None:
        report = sla.evaluate(VIP_TICKET, VIP_AT)
        with pytest.raises(AttributeError):
            report.ticket = "other"  # type: ignore[misc]
        with pytest.raises(AttributeError):
            report.metrics[0].state = "achieved"  # type: ignore[misc]

    def test_repr(self, sla: aftersales.SlaEngine) -> None:
        report = sla.evaluate(VIP_TICKET, VIP_AT)
        assert repr(report) == "<aftersales.SlaReport ticket='T-VIP' policy='vip' priority=normal metrics=3 escalations=3>"
        assert repr(report.metrics[1]) == "<aftersales.SlaMetric 'next_response' cycle=0 breached>"
        assert repr(report.escalations[2]) == "<aftersales.SlaEscalation 'next_response' cycle=0 100% 'escalate'>"


class TestTicketInput:
    def test_at_must_be_aware(self, sla: aftersales.SlaEngine) -> None:
        with pytest.raises(ValueError, match="naive datetime"):
            sla.evaluate(VIP_TICKET, dt.datetime(2026, 11, 11, 1, 0))

    def test_bad_instant_names_its_path(self, sla: aftersales.SlaEngine, vip_ticket: dict[str, Any]) -> None:
        vip_ticket["events"][1]["at"] = "yesterday"
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate(vip_ticket, VIP_AT)
        assert caught.value.path == "events[1].at"
        assert [path for path, _ in caught.value.problems] == ["events[1].at"]
        assert str(caught.value).startswith("invalid ticket: 1 problem\n  events[1].at: ")
        assert "yesterday" in str(caught.value)

    def test_every_problem_is_listed(self, sla: aftersales.SlaEngine, vip_ticket: dict[str, Any]) -> None:
        vip_ticket["priority"] = "asap"
        vip_ticket["events"][3]["to"] = "resolved"
        vip_ticket["colour"] = "red"
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate(vip_ticket, VIP_AT)
        problems = dict(caught.value.problems)
        assert sorted(problems) == ["colour", "events[3].to", "priority"]
        assert "asap" in problems["priority"]
        assert "resolved" in problems["events[3].to"]
        for path, message in caught.value.problems:
            assert f"\n  {path}: {message}" in str(caught.value)

    def test_event_before_creation(self, sla: aftersales.SlaEngine, vip_ticket: dict[str, Any]) -> None:
        vip_ticket["events"][0]["at"] = "2026-11-10T23:59:59Z"
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate(vip_ticket, VIP_AT)
        assert caught.value.path == "events[0].at"

    def test_at_before_creation(self, sla: aftersales.SlaEngine) -> None:
        with pytest.raises(aftersales.InputError, match="T-VIP.*before it was created"):
            sla.evaluate(VIP_TICKET, utc(2026, 11, 10))

    def test_same_errors_as_json_text(self, sla: aftersales.SlaEngine, vip_ticket: dict[str, Any]) -> None:
        """A dict is validated exactly like the JSON text it stands for."""
        vip_ticket["events"][4]["score"] = 5
        vip_ticket["events"][1]["at"] = 12.5
        vip_ticket["events"][2]["bogus"] = 0  # (None is a missing value, as if the key were absent)
        vip_ticket["customer"]["tier"] = 3
        vip_ticket["priority"] = "p1"
        vip_ticket["tags"] = "double11"
        vip_ticket["fields"] = {"weight": 1.5, "gift": [True], "big": 2**70}
        with pytest.raises(aftersales.InputError) as from_dict:
            sla.evaluate(vip_ticket, VIP_AT)
        assert len(from_dict.value.problems) == 7
        line = json.dumps(vip_ticket)
        record = json.loads(sla.evaluate_lines(line, VIP_AT))
        assert record == {"line": 1, "error": str(from_dict.value)}

    def test_instants_as_aware_datetimes(self, sla: aftersales.SlaEngine, vip_ticket: dict[str, Any]) -> None:
        as_text = sla.evaluate(vip_ticket, VIP_AT).to_dict()
        def aware(instant: str | int) -> dt.datetime:
            if isinstance(instant, int):
                return dt.datetime.fromtimestamp(instant / 1000, UTC)
            return dt.datetime.fromisoformat(instant)

        vip_ticket["created_at"] = aware(vip_ticket["created_at"])
        for event in vip_ticket["events"]:
            event["at"] = aware(event["at"])
        assert sla.evaluate(vip_ticket, VIP_AT).to_dict() == as_text
        vip_ticket["events"][2]["at"] = dt.datetime(2026, 11, 11, 0, 8)
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate(vip_ticket, VIP_AT)
        assert caught.value.path == "events[2].at"
        assert "naive" in str(caught.value)

    def test_a_tzinfo_that_empties_the_ticket_while_it_is_read(self, sla: aftersales.SlaEngine) -> None:
        ticket: dict[str, Any] = copy.deepcopy(VIP_TICKET)

        class Vandal(dt.tzinfo):
            def utcoffset(self, _: dt.datetime | None) -> dt.timedelta:
                if ticket:
                    ticket["events"].clear()
                    ticket.clear()
                return dt.timedelta(0)

        ticket["events"][0]["at"] = dt.datetime(2026, 11, 11, 0, 5, tzinfo=Vandal())
        with pytest.raises(ValueError, match="changed while it was read"):
            sla.evaluate(ticket, VIP_AT)

    def test_a_tzinfo_that_adds_a_missing_key_while_it_is_read(self, sla: aftersales.SlaEngine) -> None:
        # The event is read as it was when its keys were walked: "type" was missing then, and
        # the tzinfo adding it afterwards must not turn the event into one dropped in silence.
        ticket: dict[str, Any] = copy.deepcopy(VIP_TICKET)
        event = ticket["events"][0]

        class Sneak(dt.tzinfo):
            def utcoffset(self, _: dt.datetime | None) -> dt.timedelta:
                event["type"] = "customer_message"
                return dt.timedelta(0)

        del event["type"]
        event["at"] = dt.datetime(2026, 11, 11, 0, 5, tzinfo=Sneak())
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate(ticket, VIP_AT)
        assert [(path, message) for path, message in caught.value.problems] == [("events[0].type", "missing")]

    def test_python_values_without_a_json_form(self, sla: aftersales.SlaEngine, vip_ticket: dict[str, Any]) -> None:
        vip_ticket["events"][2]["agent"] = dt.date(2026, 11, 11)
        with pytest.raises(TypeError, match=r"^events\[2\]\.agent: datetime\.date is not a JSON value"):
            sla.evaluate(vip_ticket, VIP_AT)
        with pytest.raises(TypeError, match=r"^tags: set is not a JSON value"):
            sla.evaluate({**VIP_TICKET, "tags": {"a"}}, VIP_AT)
        with pytest.raises(TypeError, match=r"^fields: a key must be a str, not int"):
            sla.evaluate({**VIP_TICKET, "fields": {1: "x"}}, VIP_AT)
        with pytest.raises(TypeError, match=r"^ticket: expected a dict"):
            sla.evaluate(json.dumps(VIP_TICKET), VIP_AT)  # type: ignore[arg-type]

    def test_infinities_and_lone_surrogates_are_input_errors(self, sla: aftersales.SlaEngine) -> None:
        # (NaN is a missing value, as if the key were absent: test_frames.py.)
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate({**VIP_TICKET, "fields": {"weight": float("inf")}}, VIP_AT)
        assert caught.value.path == "fields.weight"
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate({**VIP_TICKET, "tags": ["ok", "\ud800"]}, VIP_AT)
        assert caught.value.path == "tags[1]"
        assert "UTF-8" in str(caught.value)

    def test_a_list_that_contains_itself(self, sla: aftersales.SlaEngine) -> None:
        tags: list[Any] = []
        tags.append(tags)
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate({**VIP_TICKET, "tags": tags}, VIP_AT)
        assert caught.value.problems == [("tags[0]", "expected a string, found an array")]

    def test_tuples_unicode_and_escapes(self, sla: aftersales.SlaEngine) -> None:
        ticket = {**VIP_TICKET, "id": 'T-"售后"\\\n', "tags": ("双11", "a\tb"), "fields": {"w": 1.0, "n": 2**70}}
        report = sla.evaluate(ticket, VIP_AT)
        assert report.ticket == 'T-"售后"\\\n'
        assert report.to_dict() == {**VIP_REPORT, "ticket": 'T-"售后"\\\n'}


def numbered_tickets(count: int) -> list[dict[str, Any]]:
    """VIP tickets created a second apart before the same events, so that their reports differ."""
    tickets = []
    for i in range(count):
        ticket = copy.deepcopy(VIP_TICKET)
        ticket["id"] = f"T-{i}"
        ticket["created_at"] = (utc(2026, 11, 11) - dt.timedelta(seconds=i)).isoformat()
        tickets.append(ticket)
    return tickets


class TestBatch:
    @pytest.mark.parametrize("threads", [0, 1, 3])
    def test_many_equals_one_by_one(self, sla: aftersales.SlaEngine, threads: int) -> None:
        tickets = [*numbered_tickets(150), STANDARD_TICKET]
        at = utc(2026, 11, 16, 2, 0)
        reports = sla.evaluate_many(tickets, at, threads=threads)
        assert [r.to_dict() for r in reports] == [sla.evaluate(t, at).to_dict() for t in tickets]
        assert all(isinstance(r, aftersales.SlaReport) for r in reports)

    def test_many_accepts_any_sequence(self, sla: aftersales.SlaEngine) -> None:
        assert sla.evaluate_many((), VIP_AT) == []
        reports = sla.evaluate_many((VIP_TICKET, STANDARD_TICKET), STANDARD_AT)
        assert [r.ticket for r in reports] == ["T-VIP", "T-STD"]

    def test_many_reports_the_first_bad_ticket_in_input_order(self, sla: aftersales.SlaEngine) -> None:
        tickets = numbered_tickets(300)
        tickets[290]["events"][0]["type"] = ""
        tickets[170]["events"][2]["at"] = "soon"
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate_many(tickets, utc(2026, 11, 12), threads=2)
        assert caught.value.path == "tickets[170].events[2].at"
        assert str(caught.value).startswith("tickets[170]: invalid ticket: 1 problem\n  tickets[170].events[2].at: ")
        assert [path for path, _ in caught.value.problems] == ["tickets[170].events[2].at"]
        assert "soon" in caught.value.problems[0][1]

    def test_many_marks_the_ticket_evaluated_too_early(self, sla: aftersales.SlaEngine) -> None:
        # Until 0.2 this raised "tickets[0]: cannot evaluate ticket "T-STD" ...": a batch now
        # replays at any instant, and T-STD, created later, did not exist yet (spec §9).
        reports = sla.evaluate_many([STANDARD_TICKET, VIP_TICKET], utc(2026, 11, 12))
        assert [r.not_yet_created for r in reports] == [True, False]
        assert (reports[0].ticket, reports[0].policy, reports[0].metrics) == ("T-STD", None, [])
        assert reports[1].to_json() == sla.evaluate(VIP_TICKET, utc(2026, 11, 12)).to_json()

    def test_many_beyond_one_chunk(self, sla: aftersales.SlaEngine) -> None:
        # The dicts are read 8192 at a time.
        tickets = numbered_tickets(8200)
        reports = sla.evaluate_many(tickets, VIP_AT)
        assert [r.ticket for r in reports] == [f"T-{i}" for i in range(8200)]
        for i in (0, 8191, 8192, 8199):
            assert reports[i].to_json() == sla.evaluate(tickets[i], VIP_AT).to_json()
        tickets[8195]["events"] = {}
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate_many(tickets, VIP_AT)
        assert caught.value.path == "tickets[8195].events"
        tickets[10]["events"] = "none"  # (None would be a missing value: no events)
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate_many(tickets, VIP_AT)
        assert caught.value.path == "tickets[10].events"

    def test_many_type_errors_name_the_ticket(self, sla: aftersales.SlaEngine) -> None:
        with pytest.raises(TypeError, match=r"^tickets\[1\]: expected a dict"):
            sla.evaluate_many([VIP_TICKET, "T-2"], VIP_AT)  # type: ignore[list-item]
        with pytest.raises(TypeError, match=r"^tickets\[0\]\.events\[0\]: object is not a JSON value"):
            sla.evaluate_many([{**VIP_TICKET, "events": [object()]}], VIP_AT)

    def test_lines(self, sla: aftersales.SlaEngine) -> None:
        jsonl = "\n".join([json.dumps(VIP_TICKET), "", '{"id": "T-bad"}', json.dumps(STANDARD_TICKET)]) + "\n"
        for given in (jsonl, jsonl.encode()):
            out = sla.evaluate_lines(given, STANDARD_AT, threads=2)
            assert isinstance(out, str)
            lines = out.splitlines()
            assert len(lines) == 3
            assert lines[0] == sla.evaluate(VIP_TICKET, STANDARD_AT).to_json()
            record = json.loads(lines[1])
            assert record["line"] == 3
            assert record["error"].startswith("invalid ticket: 1 problem\n  created_at: ")
            assert json.loads(lines[2]) == STANDARD_REPORT

    def test_lines_numbered_from_first_line(self, sla: aftersales.SlaEngine) -> None:
        # The text as lines 41 to 44 of a file: the bad ticket, its third line, is line 41 + 2 = 43.
        jsonl = "\n".join([json.dumps(VIP_TICKET), "", '{"id": "T-bad"}', json.dumps(STANDARD_TICKET)]) + "\n"
        lines = sla.evaluate_lines(jsonl, STANDARD_AT, threads=2, first_line=41).splitlines()
        assert json.loads(lines[1])["line"] == 43
        with pytest.raises(TypeError):
            sla.evaluate_lines(jsonl, STANDARD_AT, 2, 41)  # type: ignore[misc]

    def test_lines_rejects_other_types(self, sla: aftersales.SlaEngine) -> None:
        with pytest.raises(TypeError, match="SlaEngine.evaluate_lines: expected the JSON Lines as str or bytes, got list"):
            sla.evaluate_lines([json.dumps(VIP_TICKET)], VIP_AT)  # type: ignore[arg-type]


def test_batch_releases_the_gil(sla: aftersales.SlaEngine, releases_gil: ReleasesGil) -> None:
    jsonl = (json.dumps(VIP_TICKET) + "\n") * 20_000
    assert releases_gil(lambda: sla.evaluate_lines(jsonl, VIP_AT, threads=1))
    tickets = [VIP_TICKET] * 20_000
    assert releases_gil(lambda: sla.evaluate_many(tickets, VIP_AT, threads=1))


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(SLA_POLICY))
    return path


class TestCommandLine:
    def run(self, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
        status = cli.main(list(argv))
        out, err = capsys.readouterr()
        return status, out.splitlines(), err

    def test_reports_and_error_records(
        self, capsys: pytest.CaptureFixture[str], policy_file: Path, tmp_path: Path
    ) -> None:
        tickets = write_jsonl(tmp_path / "t.jsonl", [json.dumps(VIP_TICKET), "", "{", json.dumps(STANDARD_TICKET)])
        status, lines, err = self.run(
            capsys, "sla", "--policy", str(policy_file), str(tickets), "--at", "2026-11-16T09:45:00+08:00"
        )
        # Status 3 and a summary since issue 15 (was 0 and nothing): line 3 failed.
        assert (status, err) == (3, f"aftersales: {tickets}: 1 line failed (the first: line 3); the others were processed\n")
        assert len(lines) == 3
        assert json.loads(lines[0])["ticket"] == "T-VIP"
        assert json.loads(lines[1])["line"] == 3
        assert json.loads(lines[2]) == STANDARD_REPORT

    def test_error_records_count_lines_across_blocks(
        self, capsys: pytest.CaptureFixture[str], policy_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("aftersales.cli.sla._BLOCK_BYTES", 50)  # a block or two per line
        tickets = write_jsonl(tmp_path / "t.jsonl", ["{", json.dumps(VIP_TICKET), "", "[]", json.dumps(VIP_TICKET), "x"])
        status, lines, err = self.run(capsys, "sla", "--policy", str(policy_file), str(tickets), "--at", "2026-11-11T01:00:00Z")
        # Lines 1, 4 and 6 failed: status 3 (was 0 before issue 15), the records counted across blocks.
        assert (status, err) == (3, f"aftersales: {tickets}: 3 lines failed (the first: line 1); the others were processed\n")
        assert [json.loads(line).get("line") for line in lines] == [1, None, 4, None, 6]
        assert json.loads(lines[1]) == VIP_REPORT

    def test_standard_input_and_threads(
        self, capsys: pytest.CaptureFixture[str], policy_file: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        stdin = io.TextIOWrapper(io.BytesIO((json.dumps(VIP_TICKET) + "\n").encode()))
        monkeypatch.setattr(sys, "stdin", stdin)
        status, lines, _ = self.run(
            capsys, "sla", "--policy", str(policy_file), "-", "--at", "2026-11-11T01:00:00Z", "--threads", "1"
        )
        assert status == 0
        assert [json.loads(line) for line in lines] == [VIP_REPORT]

    def test_at_defaults_to_now(self, capsys: pytest.CaptureFixture[str], policy_file: Path, tmp_path: Path) -> None:
        # Created 2020, no events: by now both clocks have long run out on the office calendar.
        tickets = write_jsonl(tmp_path / "t.jsonl", [json.dumps({"id": "T-old", "created_at": "2020-01-06T09:00:00+08:00"})])
        before = dt.datetime.now(UTC)
        status, lines, _ = self.run(capsys, "sla", "--policy", str(policy_file), str(tickets))
        assert status == 0
        report = json.loads(lines[0])
        assert [m["state"] for m in report["metrics"]] == ["breached", "breached"]
        # The clocks ran up to the instant evaluated, which was now.
        assert aftersales.parse_instant(report["metrics"][0]["due_at"]) <= before

    @pytest.mark.parametrize(
        ("argv", "fragment"),
        [
            (["--at", "2026-11-11T01:00:00"], "2026-11-11T01:00:00"),  # no offset
            (["--at", "tomorrow"], "tomorrow"),
        ],
    )
    def test_bad_at(
        self, capsys: pytest.CaptureFixture[str], policy_file: Path, tmp_path: Path, argv: list[str], fragment: str
    ) -> None:
        tickets = write_jsonl(tmp_path / "t.jsonl", [json.dumps(VIP_TICKET)])
        status, lines, err = self.run(capsys, "sla", "--policy", str(policy_file), str(tickets), *argv)
        assert (status, lines) == (2, [])
        assert err.startswith("aftersales: error: ")
        assert err.count("\n") == 1
        assert fragment in err

    def test_missing_tickets_file(self, capsys: pytest.CaptureFixture[str], policy_file: Path, tmp_path: Path) -> None:
        missing = tmp_path / "none.jsonl"
        status, lines, err = self.run(capsys, "sla", "--policy", str(policy_file), str(missing))
        assert (status, lines) == (2, [])
        assert err == f"aftersales: error: {missing}: cannot read the tickets: No such file or directory\n"

    def test_bad_policy(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({**SLA_POLICY, "sla": {"policies": [{"id": "x", "targets": {"normal": {"first_response": "0s"}}}]}}))
        tickets = write_jsonl(tmp_path / "t.jsonl", [json.dumps(VIP_TICKET)])
        status, lines, err = self.run(capsys, "sla", "--policy", str(bad), str(tickets))
        assert (status, lines) == (2, [])
        assert err.count("\n") == 1
        assert str(bad) in err
        assert "sla.policies[0].targets.normal.first_response" in err

    def test_negative_threads(self, capsys: pytest.CaptureFixture[str], policy_file: Path) -> None:
        with pytest.raises(SystemExit) as caught:
            cli.main(["sla", "--policy", str(policy_file), "-", "--threads", "-1"])
        assert caught.value.code == 2
        assert "whole number of threads" in capsys.readouterr().err

    def test_reader_that_stops_early(self, policy_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """`aftersales sla ... | head`: a pipe whose reader has gone ends the run quietly."""
        read_end, write_end = os.pipe()
        os.close(read_end)
        stdin = io.TextIOWrapper(io.BytesIO((json.dumps(VIP_TICKET) + "\n").encode()))
        monkeypatch.setattr(sys, "stdin", stdin)
        with open(write_end, "w", encoding="utf-8") as closed_pipe:
            monkeypatch.setattr(sys, "stdout", closed_pipe)
            assert cli.main(["sla", "--policy", str(policy_file), "-", "--at", "2026-11-11T01:00:00Z"]) == 1

    def test_python_dash_m(self, policy_file: Path) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "aftersales", "sla", "--policy", str(policy_file), "-", "--at", "2026-11-11T01:00:00Z"],
            input=json.dumps(VIP_TICKET) + "\n",
            capture_output=True,
            text=True,
            check=False,
        )
        assert (result.returncode, result.stderr) == (0, "")
        assert json.loads(result.stdout) == VIP_REPORT


# The status clocks (docs/sla.md), on the office calendar (Mon-Fri 09:00-18:00 Beijing) and in
# plain elapsed time. Monday 2 March 2026 (zoneinfo: a Monday, Asia/Shanghai at +08:00), created
# 08:00, an hour before the office opens:
#   new 08:00-09:30, open 09:30-10:00, pending_customer 10:00-11:00, open 11:00-12:00,
#   on_hold 12:00-14:00, open 14:00-16:00, resolved at 16:00; public replies at 09:30 and 15:00.
STATUS_CLOCK_TICKET: dict[str, Any] = {
    "id": "T-CLOCKS",
    "created_at": "2026-03-02T08:00:00+08:00",
    "events": [
        {"at": "2026-03-02T09:30:00+08:00", "type": "agent_reply", "agent": "A-1"},
        {"at": "2026-03-02T10:00:00+08:00", "type": "status", "to": "pending_customer"},
        {"at": "2026-03-02T11:00:00+08:00", "type": "customer_message"},
        {"at": "2026-03-02T12:00:00+08:00", "type": "status", "to": "on_hold"},
        {"at": "2026-03-02T14:00:00+08:00", "type": "status", "to": "open"},
        {"at": "2026-03-02T15:00:00+08:00", "type": "agent_reply", "agent": "A-1"},
        {"at": "2026-03-02T16:00:00+08:00", "type": "resolved"},
    ],
}
STATUS_CLOCK_AT = dt.datetime(2026, 3, 2, 17, 0, tzinfo=BEIJING)
STATUS_CLOCK_TARGETS = {"normal": {"requester_wait_time": "8h", "agent_work_time": "3h30m", "on_hold_time": "1h",
                                   "pausable_update": "4h"}}  # fmt: skip


def status_clock_policy(calendar: str | None) -> dict[str, Any]:
    policy: dict[str, Any] = {"id": "clocks", "targets": STATUS_CLOCK_TARGETS}
    if calendar:
        policy["calendar"] = calendar
    return {**OFFICE_POLICY, "sla": {"policies": [policy]}}


class TestStatusClocks:
    def test_business_time(self) -> None:
        report = aftersales.SlaEngine(aftersales.Policy.from_json(status_clock_policy("office"))).evaluate(
            STATUS_CLOCK_TICKET, STATUS_CLOCK_AT
        )
        h, m = dt.timedelta(hours=1), dt.timedelta(minutes=1)
        # requester_wait_time (new, open, on_hold): office time 09:00-10:00 + 11:00-16:00 = 6h.
        # agent_work_time (new, open): 6h less on_hold's 2h = 4h, past 3h30m at 15:30 (2h by 12:00,
        # then 14:00 + 1h30m). on_hold_time: 12:00-14:00 = 2h, past 1h at 13:00.
        # pausable_update: 09:30-10:00 + 11:00-15:00 (pending not counted) = 4h30m, past 4h at
        # 14:30; then 15:00-16:00 = 1h.
        assert [(x.metric, x.cycle, x.elapsed, x.state, x.breached_at) for x in report.metrics] == [
            ("requester_wait_time", 0, 6 * h, "achieved", None),
            ("agent_work_time", 0, 4 * h, "breached", dt.datetime(2026, 3, 2, 15, 30, tzinfo=BEIJING)),
            ("on_hold_time", 0, 2 * h, "breached", dt.datetime(2026, 3, 2, 13, 0, tzinfo=BEIJING)),
            ("pausable_update", 0, 4 * h + 30 * m, "breached", dt.datetime(2026, 3, 2, 14, 30, tzinfo=BEIJING)),
            ("pausable_update", 1, 1 * h, "achieved", None),
        ]

    def test_calendar_time_on_the_command_line(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        policy = tmp_path / "policy.json"
        policy.write_text(json.dumps(status_clock_policy(None)))
        tickets = write_jsonl(tmp_path / "t.jsonl", [json.dumps(STATUS_CLOCK_TICKET)])
        status = cli.main(["sla", "--policy", str(policy), str(tickets), "--at", "2026-03-02T17:00:00+08:00"])
        out, _ = capsys.readouterr()
        metrics = json.loads(out)["metrics"]
        # Plain elapsed time adds new's 08:00-09:00 to requester_wait_time (7h) and agent_work_time
        # (5h, past 3h30m at 14:30 UTC+8 = 06:30Z: 08:00-12:00 less pending's hour is 3h, then 30m).
        assert status == 0
        assert [(x["metric"], x["cycle"], x["elapsed_s"], x["state"], x["breached_at"]) for x in metrics] == [
            ("requester_wait_time", 0, 7 * 3600, "achieved", None),
            ("agent_work_time", 0, 5 * 3600, "breached", "2026-03-02T06:30:00Z"),
            ("on_hold_time", 0, 2 * 3600, "breached", "2026-03-02T05:00:00Z"),
            ("pausable_update", 0, 4 * 3600 + 1800, "breached", "2026-03-02T06:30:00Z"),
            ("pausable_update", 1, 3600, "achieved", None),
        ]

    def test_kpi_durations_are_the_clocks_elapsed(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        policy = aftersales.Policy.from_json(status_clock_policy("office"))
        report = aftersales.SlaEngine(policy).evaluate(STATUS_CLOCK_TICKET, STATUS_CLOCK_AT)
        elapsed = {m.metric: m.elapsed.total_seconds() for m in report.metrics}
        result = aftersales.KpiEngine(policy).compute([STATUS_CLOCK_TICKET], STATUS_CLOCK_AT)
        (g,) = result.groups
        # Business time as in test_business_time: 6h, 4h, 2h, one solved ticket each.
        assert (elapsed["requester_wait_time"], elapsed["agent_work_time"], elapsed["on_hold_time"]) == (21600, 14400, 7200)
        for kpi_name, metric in (("requester_wait_s", "requester_wait_time"), ("agent_work_s", "agent_work_time"),
                                 ("on_hold_s", "on_hold_time")):
            assert g[kpi_name] == {"count": 1, "mean": elapsed[metric], "p50": elapsed[metric], "p90": elapsed[metric]}
        frame = result.to_pandas()
        assert frame["on_hold_s.p90"].tolist() == [7200]
        # The command line's JSON carries them too.
        policy_file = tmp_path / "policy.json"
        policy_file.write_text(json.dumps(status_clock_policy("office")))
        tickets = write_jsonl(tmp_path / "t.jsonl", [json.dumps(STATUS_CLOCK_TICKET)])
        assert cli.main(["kpi", "--policy", str(policy_file), str(tickets), "--at", "2026-03-02T17:00:00+08:00", "--json"]) == 0
        (cli_group,) = json.loads(capsys.readouterr().out)["groups"]
        assert cli_group["agent_work_s"] == g["agent_work_s"]
