"""KPIs, scorecards and accumulators from Python. The tickets are the five of
tests/cpp/kpi_test.cpp, worked out by hand there (times +08:00, business hours 09:00-18:00
Wed 11th - Fri 13th November 2026); the sums are repeated where a value is checked."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales.cli import main

CST = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2026, 11, 13, 12, 0, tzinfo=CST)

POLICY: dict[str, Any] = {
    "schema_version": 1,
    "calendars": {"cn": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}}},
    "sla": {"policies": [{"id": "std", "calendar": "cn", "targets": {
        "normal": {"first_response": "1h", "resolution": "8h"},
        "high": {"first_response": "30m", "resolution": "4h"}}}]},
    "kpi": {"scorecards": [{"id": "agent-monthly", "metrics": {
        "csat": {"weight": 0.4, "target": 0.95, "floor": 0.7},
        "first_response_s.p50": {"weight": 0.3, "target": 60, "floor": 600},
        "fcr_rate": {"weight": 0.3, "target": 0.8, "floor": 0.4}},
        "stars": [60, 70, 80, 90]}]},
}


def ev(at: str, type_: str, **extra: Any) -> dict[str, Any]:
    return {"at": f"2026-11-{at}+08:00", "type": type_, **extra}


TICKETS: list[dict[str, Any]] = [
    {"id": "T1", "created_at": "2026-11-11T10:00:00+08:00", "channel": "chat", "events": [
        ev("11T10:05:00", "assigned", agent="A-1", queue="returns"), ev("11T10:20:00", "agent_reply", agent="A-1"),
        ev("11T11:00:00", "resolved"), ev("11T11:30:00", "satisfaction", score=5)]},
    {"id": "T2", "created_at": "2026-11-11T17:30:00+08:00", "channel": "phone", "events": [
        ev("11T17:31:00", "assigned", agent="A-1", queue="returns"), ev("12T09:30:00", "agent_reply", agent="A-1"),
        ev("12T10:00:00", "agent_reply", agent="A-1"), ev("12T10:30:00", "resolved"), ev("12T11:00:00", "reopened"),
        ev("12T11:05:00", "assigned", agent="A-2", queue="returns"), ev("12T11:10:00", "agent_reply", agent="A-2"),
        ev("12T11:20:00", "resolved"), ev("12T11:30:00", "satisfaction", score=3)]},
    {"id": "T3", "created_at": "2026-11-12T09:00:00+08:00", "channel": "email", "priority": "high", "events": [
        ev("12T09:01:00", "agent_reply", bot=True), ev("12T09:02:00", "resolved")]},
    {"id": "T4", "created_at": "2026-11-12T10:00:00+08:00", "channel": "chat", "events": [
        ev("12T10:01:00", "assigned", agent="A-2", queue="returns"), ev("12T10:30:00", "escalated"),
        ev("12T10:40:00", "nps", score=3)]},
    {"id": "T5", "created_at": "2026-11-13T01:00:00+08:00", "channel": "web", "category": "complaint/delivery",
     "events": [ev("13T01:05:00", "assigned", agent="A-1", queue="complaints"),
                ev("13T09:10:00", "agent_reply", agent="A-1"), ev("13T09:20:00", "nps", score=10),
                ev("13T09:30:00", "resolved"), ev("13T09:40:00", "satisfaction", score=4)]},
]


@pytest.fixture(scope="module")
def policy() -> aftersales.Policy:
    return aftersales.Policy.from_json(POLICY)


@pytest.fixture(scope="module")
def kpi(policy: aftersales.Policy) -> aftersales.KpiEngine:
    return aftersales.KpiEngine(policy)


def test_every_metric_over_all_tickets(kpi: aftersales.KpiEngine) -> None:
    (g,) = kpi.compute(TICKETS, AT, orders=100).groups
    assert (g["tickets"], g["resolved"], g["backlog"]) == (5, 4, 1)
    # First responses 1200, 3600, 600 s: mean 1800, p50 = p90 = 1200 (rank 1 of 3).
    assert g["first_response_s"] == {"count": 3, "mean": 1800, "p50": 1200, "p90": 1200}
    # Resolutions 3600, 10200, 120, 1800 s: mean 3930, p50 1800 (rank 1), p90 3600 (rank 2).
    assert g["resolution_s"] == {"count": 4, "mean": 3930, "p50": 1800, "p90": 3600}
    assert g["sla"]["first_response"] == {"achieved": 4, "breached": 1, "rate": 0.8}
    assert (g["fcr_rate"], g["one_touch_rate"], g["bot_resolution_rate"], g["reopen_rate"]) == (0.5, 0.75, 0.25, 0.25)
    assert g["csat"] == pytest.approx(2 / 3)
    assert (g["nps"], g["escalation_rate"], g["reassignment_rate"]) == (0, 0.2, 0.2)
    assert (g["complaints"], g["complaint_rate"]) == (1, 0.01)


def test_lines_and_dicts_agree_and_group_by_agent(kpi: aftersales.KpiEngine) -> None:
    jsonl = "\n".join(json.dumps(t) for t in TICKETS).encode()
    by_agent = kpi.compute(TICKETS, AT, group_by=["agent"])
    assert by_agent.to_dict() == kpi.compute_lines(jsonl, AT, group_by=["agent"]).to_dict()
    assert [g["key"]["agent"] for g in by_agent.groups] == [None, "A-1", "A-2"]
    # A-1 wrote the first replies of T1, T2 and T5: 1200, 3600, 600 → p50 1200.
    assert by_agent.metric({"agent": "A-1"}, "first_response_s.p50") == 1200
    assert by_agent.metric({"agent": "A-2"}, "first_response_s.p50") is None
    assert by_agent.metric({"agent": "A-2"}, "sla.resolution.rate") == 0.5


def test_lines_name_a_bad_ticket_by_its_line_from_first_line(kpi: aftersales.KpiEngine) -> None:
    # A block starting at line 41 of its file: good ticket 41, blank 42, the bad one is line 43.
    jsonl = (json.dumps(TICKETS[0]) + "\n\n{}\n").encode()
    with pytest.raises(aftersales.InputError, match=r"line 43: invalid ticket"):
        kpi.compute_lines(jsonl, AT, threads=2, first_line=41)
    with pytest.raises(aftersales.InputError, match=r"line 3: invalid ticket"):
        kpi.compute_lines(jsonl, AT)


def test_days_in_the_named_time_zone(kpi: aftersales.KpiEngine) -> None:
    days = kpi.compute(TICKETS, AT, group_by=["day"], time_zone="Asia/Shanghai", orders={"2026-11-13": 50})
    assert [g["key"]["day"] for g in days.groups] == ["2026-11-11", "2026-11-12", "2026-11-13"]
    assert days.groups[2]["complaint_rate"] == 0.02  # T5: 1 complaint / 50 orders
    assert days.time_zone == "Asia/Shanghai"
    # T5, created at 01:00 on the 13th in Shanghai, is 17:00 on the 12th in UTC.
    utc = kpi.compute(TICKETS, AT, group_by=["day"], time_zone="UTC")
    assert [(g["key"]["day"], g["tickets"]) for g in utc.groups] == [("2026-11-11", 2), ("2026-11-12", 3)]
    # Not given: the zone of the policy's only calendar, Shanghai, never UTC.
    assert kpi.compute(TICKETS, AT, group_by=["day"]).to_dict()["time_zone"] == "Asia/Shanghai"
    assert kpi.compute(TICKETS, AT, group_by=["agent"]).time_zone is None


# Created 2026-11-10T16:30:00Z: 00:30 on Wednesday the 11th in Shanghai (UTC+8), whose
# Thursday (the 12th, day 304 + 12 = 316 of 2026) is in ISO week (316 - 1) // 7 + 1 = 46.
LABELLED: list[dict[str, Any]] = [
    {"id": "L1", "created_at": "2026-11-10T16:30:00Z", "customer": {"tier": "vip"},
     "tags": ["double11", "fragile"], "fields": {"region": "east", "floor": 3}},
    {"id": "L2", "created_at": "2026-11-10T16:30:00Z", "tags": ["double11"], "fields": {"region": "west", "floor": 2.5}},
    {"id": "L3", "created_at": "2026-11-10T16:30:00Z", "fields": {"region": True}},
]


def test_hour_week_month_tier_tag_and_fields(kpi: aftersales.KpiEngine) -> None:
    by_time = kpi.compute(LABELLED, AT, group_by=["day", "hour", "week", "month"], time_zone="Asia/Shanghai")
    assert [g["key"] for g in by_time.groups] == [
        {"day": "2026-11-11", "hour": "2026-11-11T00", "week": "2026-W46", "month": "2026-11"}]
    by_field = kpi.compute(LABELLED, AT, group_by=["tier", "fields.region", "fields.floor"])
    assert by_field.group_by == ["tier", "fields.region", "fields.floor"]
    assert [tuple(g["key"].values()) for g in by_field.groups] == [
        (None, "true", None), (None, "west", "2.5"), ("vip", "east", "3")]
    # A ticket counts in each of its tags' groups: 1 + 2 + 1 = 4 for 3 tickets.
    by_tag = kpi.compute(LABELLED, AT, group_by=["tag"])
    assert [(g["key"]["tag"], g["tickets"]) for g in by_tag.groups] == [(None, 1), ("double11", 2), ("fragile", 1)]
    assert by_tag.metric({"tag": "double11"}, "tickets") == 2


def test_accumulators_merge_through_json(policy: aftersales.Policy, kpi: aftersales.KpiEngine) -> None:
    rng = random.Random(5)
    parts = [aftersales.KpiAccumulator(policy, ["agent"]) for _ in range(3)]
    for ticket in TICKETS:
        rng.choice(parts).add(ticket, AT)
    total = aftersales.KpiAccumulator(policy, ["agent"])
    for part in parts:
        total.merge(aftersales.KpiAccumulator.from_json(policy, part.to_json()))
    assert total.result().to_dict() == kpi.compute(TICKETS, AT, group_by=["agent"]).to_dict()
    many = aftersales.KpiAccumulator(policy, ["agent"])
    many.add_many(TICKETS, AT, threads=2)
    assert many.result().to_dict() == total.result().to_dict()


def test_accumulator_takes_the_sla_report_the_caller_has(policy: aftersales.Policy, kpi: aftersales.KpiEngine) -> None:
    sla = aftersales.SlaEngine(policy)
    given = aftersales.KpiAccumulator(policy, ["agent"])
    for ticket in TICKETS:
        given.add(ticket, AT, sla=sla.evaluate(ticket, AT))
    # T1, T2 and T5 achieved first_response (T2 exactly at its 1 h target); T4 breached it,
    # and T3's bot reply does not stop it, but its resolution does: achieved.
    groups = given.result().to_dict()["groups"]
    assert sum(g["sla"]["first_response"]["achieved"] for g in groups) == 4
    assert sum(g["sla"]["first_response"]["breached"] for g in groups) == 1
    assert given.result().to_dict() == kpi.compute(TICKETS, AT, group_by=["agent"]).to_dict()
    with pytest.raises(aftersales.InputError, match='the SLA report is of ticket "T1", not of "T2"'):
        given.add(TICKETS[1], AT, sla=sla.evaluate(TICKETS[0], AT))


COUNTERS = ("tickets resolved backlog ever_resolved reopened fcr one_touch bot_resolved escalated reassigned "
            "rated satisfied nps_rated promoters detractors complaints").split()


def state_with(**counts: int) -> str:
    """A one-group state (no dimensions) with `counts` over zeros, and no durations."""
    group = {"key": [], "counts": {name: counts.get(name, 0) for name in COUNTERS},
             "first_response": {"sum_ms": 0, "values": []}, "resolution": {"sum_ms": 0, "values": []}}
    return json.dumps({"kpi_state": 2, "group_by": [], "groups": [group]})


def test_accumulator_merge_past_64_bits_is_a_range_error(policy: aftersales.Policy) -> None:
    # 5·10^18 + 5·10^18 = 10^19 > 2^63 − 1: negative ticket counts before; now refused,
    # leaving the target as it was.
    big = aftersales.KpiAccumulator.from_json(policy, state_with(tickets=5 * 10**18, backlog=5 * 10**18))
    before = big.to_json()
    with pytest.raises(aftersales.RangeError, match="tickets count"):
        big.merge(aftersales.KpiAccumulator.from_json(policy, before))
    assert big.to_json() == before


def test_impossible_accumulator_states_are_refused(policy: aftersales.Policy) -> None:
    # Read before as csat 7 / 1 = 7 and fcr_rate 100 / 1 = 100.
    with pytest.raises(aftersales.InputError, match=r"groups\[0\]\.counts\.satisfied: satisfied \(7\) must be at most rated \(1\)"):
        aftersales.KpiAccumulator.from_json(policy, state_with(tickets=1, backlog=1, rated=1, satisfied=7))
    with pytest.raises(aftersales.InputError, match=r"groups\[0\]\.counts\.fcr: fcr \+ bot_resolved \(100\)"):
        aftersales.KpiAccumulator.from_json(policy, state_with(tickets=1, backlog=1, fcr=100))


def test_bad_input_names_the_place(kpi: aftersales.KpiEngine) -> None:
    with pytest.raises(aftersales.InputError, match=r"tickets\[1\]"):
        kpi.compute([TICKETS[0], {"id": "x"}], AT)
    with pytest.raises(aftersales.InputError, match="team"):
        kpi.compute(TICKETS, AT, group_by=["team"])
    with pytest.raises(aftersales.InputError, match='unknown time zone "Mars/Olympus"'):
        kpi.compute(TICKETS, AT, group_by=["day"], time_zone="Mars/Olympus")
    with pytest.raises(aftersales.InputError, match=r"fields\.<name>"):
        kpi.compute(TICKETS, AT, group_by=["fields."])
    no_calendar = aftersales.KpiEngine(aftersales.Policy.from_json('{"schema_version": 1}'))
    with pytest.raises(aftersales.InputError, match="grouping by week needs a time zone"):
        no_calendar.compute(TICKETS, AT, group_by=["week"])


def test_scorecard(kpi: aftersales.KpiEngine) -> None:
    # csat 1 → 1, first response p50 1200 s → 0, fcr 1 → 1: 100 × 0.7 / 1.0 = 70, 3 stars.
    rows = kpi.score("agent-monthly", kpi.compute(TICKETS, AT, group_by=["agent"])).rows
    assert [(r["key"]["agent"], r["score"], r["stars"], r["rank"]) for r in rows] == [
        (None, 0, 1, 2), ("A-1", 70, 3, 1), ("A-2", 0, 1, 3)]


def test_to_pandas(kpi: aftersales.KpiEngine) -> None:
    pytest.importorskip("pandas")
    frame = kpi.compute(TICKETS, AT, group_by=["channel"]).to_pandas()
    assert list(frame.index) == ["chat", "email", "phone", "web"]
    assert frame.loc["chat", "tickets"] == 2
    assert frame.loc["web", "first_response_s.p50"] == 600


def test_cli_kpi_and_staffing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy_path = tmp_path / "policy.json"
    policy_path.write_text(json.dumps(POLICY))
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("\n".join(json.dumps(t) for t in TICKETS))
    at = "2026-11-13T12:00:00+08:00"
    assert main(["kpi", "--policy", str(policy_path), str(tickets), "--at", at, "--by", "agent"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["agent", "tickets", "resolved", "backlog"]
    assert out[2].split()[:5] == ["A-1", "2", "2", "0", "20m00s"]
    assert main(["kpi", "--policy", str(policy_path), str(tickets), "--at", at, "--by", "agent",
                 "--scorecard", "agent-monthly"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split() == ["A-1", "1", "70.0", "***"]
    assert main(["staffing", "--contacts", "100", "--interval", "30m", "--aht", "3m",
                 "--max-occupancy", "0.85", "--shrinkage", "0.3"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:3] == ["14", "20", "10.0"]
    assert main(["staffing", "--orders", "1000"]) == 2


def test_cli_kpi_new_dimensions_name_their_time_zone(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy_path = tmp_path / "policy.json"
    policy_path.write_text(json.dumps(POLICY))
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("\n".join(json.dumps(t) for t in LABELLED))
    argv = ["kpi", "--policy", str(policy_path), str(tickets), "--at", "2026-11-13T12:00:00+08:00"]
    assert main([*argv, "--group-by", "hour,fields.region", "--time-zone", "Asia/Shanghai"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "times in Asia/Shanghai"
    assert out[1].split()[:3] == ["hour", "fields.region", "tickets"]
    # One row per region, by text: east (L1), true (L3), west (L2), all at 00:30 local.
    assert [row.split()[:3] for row in out[2:]] == [
        ["2026-11-11T00", "east", "1"], ["2026-11-11T00", "true", "1"], ["2026-11-11T00", "west", "1"]]
    assert main([*argv, "--group-by", "month,agent", "--scorecard", "agent-monthly", "--rank-within", "month",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rank_within"] == ["month"]
    # Without --time-zone, days are the policy's (its one calendar's), not UTC's.
    assert main([*argv, "--group-by", "day", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["time_zone"] == "Asia/Shanghai"
    no_calendar = tmp_path / "bare.json"
    no_calendar.write_text('{"schema_version": 1}')
    argv[2] = str(no_calendar)
    assert main([*argv, "--group-by", "day"]) == 2
    assert "needs a time zone" in capsys.readouterr().err


def test_cli_kpi_reads_standard_input_for_a_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # `-` reads the tickets from standard input, as `sla` and `route` do (was a missing file).
    policy_path = tmp_path / "policy.json"
    policy_path.write_text(json.dumps(POLICY))
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("\n".join(json.dumps(t) for t in TICKETS))
    argv = ["kpi", "--policy", str(policy_path), "--at", "2026-11-13T12:00:00+08:00", "--by", "agent", "--json"]
    assert main([*argv, str(tickets)]) == 0
    from_file = capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(tickets.read_bytes())))
    assert main([*argv, "-"]) == 0
    assert capsys.readouterr().out == from_file


def test_dicts_read_directly_equal_json_lines(example_policy_path: Path) -> None:
    # The double11 tickets carry customers, orders with money, tags, fields and most event
    # types: read straight from dicts, they must count exactly as their JSON text does.
    kpi = aftersales.KpiEngine(aftersales.Policy.from_file(example_policy_path))
    jsonl = (example_policy_path.parents[1] / "tickets" / "double11.jsonl").read_bytes()
    dicts = [json.loads(line) for line in jsonl.splitlines() if line.strip()]
    at = dt.datetime(2026, 11, 20, tzinfo=CST)
    for by in ([], ["agent", "day"], ["queue", "channel", "category", "priority"],
               ["hour", "week", "month", "tier", "tag", "fields.region"]):
        assert kpi.compute(dicts, at, group_by=by).to_dict() == kpi.compute_lines(jsonl, at, group_by=by).to_dict()


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"priority": "Normal"}, "priority"),
        # (A whole float, 5.0, is the score 5: pandas makes int columns with gaps float64.)
        ({"events": [{"at": "2026-11-11T10:00:00+08:00", "type": "satisfaction", "score": 4.5}]}, "score"),
        ({"events": [{"at": "2026-11-11T10:00:00+08:00", "type": "resolved", "by": "A-1"}]}, "by"),
        ({"events": [{"at": "2026-11-10T10:00:00+08:00", "type": "resolved"}]}, "before the ticket was created"),
    ],
)
def test_dicts_off_the_fast_path_get_the_parsers_errors(
    kpi: aftersales.KpiEngine, change: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(aftersales.InputError, match=fragment):
        kpi.compute([TICKETS[0], {**TICKETS[0], **change}], AT)


def test_critical_metric_at_exactly_half_passes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # 3 of 5 rated tickets satisfied (scores 5, 4, 5, 2, 1): csat 0.6. Between floor 0.3 and
    # target 0.9 that is (0.6 - 0.3) / (0.9 - 0.3) = 0.5, not below the critical half (binary
    # floating point computes 0.49999999999999994). Score 100 x 0.5 = 50, 1 star of [60, ...].
    card = {"schema_version": 1, "kpi": {"scorecards": [{"id": "care", "metrics": {
        "csat": {"weight": 1, "target": 0.9, "floor": 0.3, "critical": True}}, "stars": [60, 70, 80, 90]}]}}
    tickets = [{"id": str(i), "created_at": "2026-11-11T10:00:00+08:00", "events": [
        ev("11T11:00:00", "satisfaction", score=score)]} for i, score in enumerate([5, 4, 5, 2, 1])]
    kpi = aftersales.KpiEngine(aftersales.Policy.from_json(card))
    [row] = kpi.score("care", kpi.compute(tickets, AT)).rows
    assert (row["score"], row["stars"], row["critical_failed"]) == (50, 1, False)
    assert row["metrics"]["csat"]["score"] == 0.5
    policy_path = tmp_path / "policy.json"
    policy_path.write_text(json.dumps(card))
    tickets_path = tmp_path / "tickets.jsonl"
    tickets_path.write_text("\n".join(json.dumps(t) for t in tickets))
    assert main(["kpi", "--policy", str(policy_path), str(tickets_path), "--at", "2026-11-13T12:00:00+08:00",
                 "--scorecard", "care"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split() == ["all", "1", "50.0", "*"]
