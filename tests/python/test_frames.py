"""DataFrames in and out: tickets from pandas and pyarrow records (missing values, tz-aware
instants, nested and dotted columns), and SLA reports, KPI results, scorecards and staffing
plans as pandas DataFrames and pyarrow Tables. The SLA values are test_sla.py's VIP ticket,
worked out by hand there and repeated here where a frame holds them."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import aftersales
from aftersales import staffing

from conftest import REPO
from test_kpi import POLICY as KPI_POLICY
from test_kpi import AT as KPI_AT
from test_kpi import TICKETS as KPI_TICKETS
from test_sla import SLA_POLICY, VIP_AT, VIP_TICKET

pd = pytest.importorskip("pandas")

UTC = dt.timezone.utc
SEASON = REPO / "examples" / "tickets" / "double11.jsonl"
SEASON_AT = dt.datetime(2026, 11, 20, tzinfo=UTC)


@pytest.fixture(scope="module")
def sla() -> aftersales.SlaEngine:
    return aftersales.SlaEngine(aftersales.Policy.from_json(SLA_POLICY))


@pytest.fixture(scope="module")
def example(example_policy_path: Path) -> aftersales.Policy:
    return aftersales.Policy.from_file(example_policy_path)


def season_dicts() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SEASON.read_text().splitlines() if line.strip()]


def reports_json(engine: aftersales.SlaEngine, tickets: Any, at: dt.datetime) -> list[str]:
    return [report.to_json() for report in engine.evaluate_many(tickets, at)]


# Tickets in ------------------------------------------------------------------------------------


class TestRecords:
    def test_read_json_records_of_the_season_evaluate_as_json_loads(self, example: aftersales.Policy) -> None:
        # The case: read_json fills the tickets without `fields` with NaN and parses
        # created_at into a tz-aware (UTC+08:00) column of Timestamps.
        records = pd.read_json(SEASON, lines=True).to_dict("records")
        assert any(isinstance(r["fields"], float) and math.isnan(r["fields"]) for r in records)
        assert isinstance(records[0]["created_at"], pd.Timestamp)
        engine = aftersales.SlaEngine(example)
        assert reports_json(engine, records, SEASON_AT) == reports_json(engine, season_dicts(), SEASON_AT)
        kpi = aftersales.KpiEngine(example)
        assert (kpi.compute(records, SEASON_AT, group_by=["channel"]).to_json()
                == kpi.compute(season_dicts(), SEASON_AT, group_by=["channel"]).to_json())

    def test_read_json_records_of_tickets_lacking_optional_fields(
        self, example: aftersales.Policy, tmp_path: Path
    ) -> None:
        # Each ticket leaves out a different set of optional members: every column has NaN
        # somewhere, and the event lists mix keys (read_json keeps them as dicts).
        tickets = season_dicts()[:6]
        for i, key in enumerate(["channel", "customer", "order", "tags", "category", "priority"]):
            del tickets[i][key]
        path = tmp_path / "sparse.jsonl"
        path.write_text("".join(json.dumps(t) + "\n" for t in tickets))
        records = pd.read_json(path, lines=True).to_dict("records")
        assert records[0]["channel"] != records[0]["channel"]  # NaN
        engine = aftersales.SlaEngine(example)
        assert reports_json(engine, records, SEASON_AT) == reports_json(engine, tickets, SEASON_AT)

    @pytest.mark.parametrize("missing", [None, float("nan"), np.float64("nan"), "NA", "NaT"])
    def test_missing_values_are_absent_keys(self, sla: aftersales.SlaEngine, missing: Any) -> None:
        missing = {"NA": pd.NA, "NaT": pd.NaT}.get(missing, missing) if isinstance(missing, str) else missing
        ticket = copy.deepcopy(VIP_TICKET)
        ticket.update(category=missing, priority=missing, order=missing, tags=missing,
                      fields={"weight": missing, "region": "north"}, unknown=missing)
        ticket["customer"]["language"] = missing
        ticket["events"][2]["queue"] = missing
        expected = copy.deepcopy(VIP_TICKET)
        expected["fields"] = {"region": "north"}
        assert sla.evaluate(ticket, VIP_AT).to_json() == sla.evaluate(expected, VIP_AT).to_json()

    def test_a_missing_required_member_is_missing(self, sla: aftersales.SlaEngine) -> None:
        ticket = {**VIP_TICKET, "id": float("nan"), "created_at": pd.NaT,
                  "events": [{"at": np.datetime64("NaT"), "type": pd.NA}]}
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate(ticket, VIP_AT)
        assert caught.value.problems == [
            ("id", "missing"), ("created_at", "missing"), ("events[0].at", "missing"), ("events[0].type", "missing")]

    def test_a_missing_value_in_a_list_is_a_problem(self, sla: aftersales.SlaEngine) -> None:
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate({**VIP_TICKET, "tags": ["a", float("nan"), pd.NA]}, VIP_AT)
        assert caught.value.problems == [
            ("tags[1]", "expected a string, found a missing value (NaN, pd.NA or NaT)"),
            ("tags[2]", "expected a string, found a missing value (NaN, pd.NA or NaT)")]

    def test_a_whole_float_is_a_whole_number(self, sla: aftersales.SlaEngine) -> None:
        # A score column with missing values is float64 in pandas: 4.0 is the score 4.
        rated = {**VIP_TICKET, "events": [*VIP_TICKET["events"], {"at": "2026-11-11T00:50:00Z",
                                                                   "type": "satisfaction", "score": 4}]}
        given = copy.deepcopy(rated)
        given["events"][-1]["score"] = 4.0
        assert sla.evaluate(given, VIP_AT).to_json() == sla.evaluate(rated, VIP_AT).to_json()
        given["events"][-1]["score"] = 4.5
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate(given, VIP_AT)
        assert caught.value.problems == [("events[6].score", "expected a whole number, found 4.5E0")]

    def test_tz_aware_timestamps_are_instants(self, sla: aftersales.SlaEngine) -> None:
        ticket = copy.deepcopy(VIP_TICKET)
        # 08:00 at UTC+8 and 00:00 UTC are VIP_TICKET's created_at; the events' instants given
        # as Timestamps in two other zones and with nanoseconds, floored to the millisecond.
        ticket["created_at"] = pd.Timestamp("2026-11-11T08:00:00", tz="Asia/Shanghai")
        ticket["events"][1]["at"] = pd.Timestamp("2026-11-10T19:04:00.000000999", tz="America/New_York")
        ticket["events"][2]["at"] = pd.Timestamp("2026-11-11T00:08:00", tz="UTC").to_pydatetime()
        assert sla.evaluate(ticket, VIP_AT).to_json() == sla.evaluate(VIP_TICKET, VIP_AT).to_json()

    def test_naive_values_are_value_errors_naming_the_path(self, sla: aftersales.SlaEngine) -> None:
        late = {**VIP_TICKET, "created_at": pd.Timestamp("2026-11-11T00:00:00")}
        with pytest.raises(ValueError) as caught:
            sla.evaluate_many([VIP_TICKET, late], VIP_AT)
        assert isinstance(caught.value, aftersales.InputError)
        assert caught.value.path == "tickets[1].created_at"
        assert "naive datetime" in str(caught.value)
        stamp = {**VIP_TICKET, "created_at": np.datetime64("2026-11-11T00:00:00")}
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate_many([VIP_TICKET, stamp], VIP_AT)
        assert caught.value.problems == [("tickets[1].created_at", "a numpy.datetime64 has no time zone: pass "
                                          "aware datetimes or a tz-aware pandas column")]

    def test_an_error_raised_at_once_names_the_ticket_once(self, sla: aftersales.SlaEngine) -> None:
        # Regression: the index of the ticket was put in front twice
        # ('tickets[1].tickets[1].fields.weight').
        bad = {**VIP_TICKET, "fields": {"weight": float("inf")}}
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate_many([VIP_TICKET, bad], VIP_AT)
        assert caught.value.path == "tickets[1].fields.weight"
        assert str(caught.value) == "tickets[1].fields.weight: NaN and infinities have no JSON form"
        with pytest.raises(aftersales.InputError) as caught:
            aftersales.TicketBatch([VIP_TICKET, VIP_TICKET, {**VIP_TICKET, "fields": float("-inf")}])
        assert caught.value.path == "tickets[2].fields"
        with pytest.raises(aftersales.InputError) as caught:
            sla.evaluate(bad, VIP_AT)
        assert caught.value.path == "fields.weight"

    def test_refund_requests_and_agents_take_missing_values_and_aware_datetimes(
        self, example: aftersales.Policy
    ) -> None:
        request = json.loads((REPO / "examples" / "refunds" / "double11-socks.json").read_text())
        engine = aftersales.RefundEngine(example)
        expected = engine.check(request).to_json()
        given = copy.deepcopy(request)
        given["note"] = float("nan")  # not a member of the shape: absent, so not refused
        given["requested_at"] = pd.Timestamp(request["requested_at"])
        assert engine.check(given).to_json() == expected
        given["requested_at"] = dt.datetime(2026, 11, 20)
        with pytest.raises(ValueError, match=r"^requested_at: naive datetime"):
            engine.check(given)
        agent = json.loads((REPO / "examples" / "agents" / "cn-agents.json").read_text())["agents"][0]
        # Before: "TypeError: nickname: NAType is not a JSON value".
        aftersales.Router(example).upsert_agent({**agent, "nickname": pd.NA, "note": None})


class TestFromPandas:
    def test_nested_columns_and_a_tz_aware_column(self, sla: aftersales.SlaEngine) -> None:
        frame = pd.DataFrame([VIP_TICKET, {"id": "T-2", "created_at": "2026-11-11T00:30:00Z"}])
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).astype("datetime64[us, UTC]")
        batch = aftersales.TicketBatch.from_pandas(frame)
        expected = [VIP_TICKET, {"id": "T-2", "created_at": "2026-11-11T00:30:00Z"}]
        assert reports_json(sla, batch, VIP_AT) == reports_json(sla, expected, VIP_AT)

    def test_dotted_columns_nest(self, sla: aftersales.SlaEngine) -> None:
        frame = pd.DataFrame({
            "id": ["T-1", "T-2"],
            "created_at": pd.to_datetime(["2026-11-11T00:00:00Z", "2026-11-11T00:10:00Z"], utc=True),
            "customer.tier": ["vip", None],
            "customer.id": ["C-1", "C-2"],
            "fields.a.b": [1.5, float("nan")],
        })
        expected = [
            {"id": "T-1", "created_at": "2026-11-11T00:00:00Z", "customer": {"tier": "vip", "id": "C-1"},
             "fields": {"a.b": 1.5}},
            {"id": "T-2", "created_at": "2026-11-11T00:10:00Z", "customer": {"id": "C-2"}},
        ]
        batch = aftersales.TicketBatch.from_pandas(frame)
        assert reports_json(sla, batch, VIP_AT) == reports_json(sla, expected, VIP_AT)
        # A dotted column adds to the object column of its name, whose dicts stay as they were.
        customers = [{"id": "C-1"}, None]
        frame = pd.DataFrame({"id": ["T-1", "T-2"], "created_at": ["2026-11-11T00:00:00Z"] * 2,
                              "customer": customers, "customer.tier": ["vip", "vip"]})
        batch = aftersales.TicketBatch.from_pandas(frame)
        assert customers == [{"id": "C-1"}, None]
        assert [r.policy for r in sla.evaluate_many(batch, VIP_AT)] == ["vip", "vip"]

    def test_a_dotted_column_under_a_text_column_is_refused(self) -> None:
        frame = pd.DataFrame({"id": ["T-1"], "created_at": ["2026-11-11T00:00:00Z"], "customer": ["C-1"],
                              "customer.tier": ["vip"]})
        with pytest.raises(TypeError, match=r"^column 'customer.tier': column 'customer' holds str"):
            aftersales.TicketBatch.from_pandas(frame)

    def test_a_naive_column_names_the_row(self) -> None:
        frame = pd.DataFrame({"id": ["T-1", "T-2"],
                              "created_at": pd.to_datetime(["2026-11-11T00:00", "2026-11-11T00:10"])})
        with pytest.raises(ValueError) as caught:
            aftersales.TicketBatch.from_pandas(frame)
        assert getattr(caught.value, "path") == "tickets[0].created_at"


def test_a_frame_passed_for_tickets_says_how_to_read_it(sla: aftersales.SlaEngine) -> None:
    # Iterating a DataFrame gives its column names: the dict reader's error would name a str.
    frame = pd.DataFrame([VIP_TICKET])
    with pytest.raises(TypeError, match=r"^expected ticket dicts or a TicketBatch, got a DataFrame: read a "
                                        r"pandas one with aftersales.TicketBatch.from_pandas\(frame\)$"):
        sla.evaluate_many(frame, VIP_AT)
    pa = pytest.importorskip("pyarrow")
    with pytest.raises(TypeError, match=r"got a pyarrow.lib.Table: read it with aftersales.TicketBatch.from_arrow"):
        aftersales.TicketBatch(pa.table({"id": ["T-1"]}))


class TestFromArrow:
    pa = pytest.importorskip("pyarrow")

    def test_a_table_of_the_season(self, example: aftersales.Policy) -> None:
        pa_json = pytest.importorskip("pyarrow.json")
        # pyarrow's reader turns instants into naive UTC timestamps unless told their zone;
        # told, it gives aware datetimes. It unifies the events' keys (absent ones null) and
        # `fields` into one struct (absent members null).
        naive = pa_json.read_json(SEASON)
        with pytest.raises(aftersales.InputError) as caught:
            aftersales.TicketBatch.from_arrow(naive)
        assert caught.value.path == "tickets[0].created_at"
        utc = self.pa.timestamp("s", tz="UTC")
        schema = self.pa.schema([("created_at", utc), ("events", self.pa.list_(self.pa.struct([("at", utc)])))])
        table = pa_json.read_json(SEASON, parse_options=pa_json.ParseOptions(explicit_schema=schema))
        engine = aftersales.SlaEngine(example)
        expected = reports_json(engine, season_dicts(), SEASON_AT)
        assert reports_json(engine, aftersales.TicketBatch.from_arrow(table), SEASON_AT) == expected
        # The same table through pandas: list columns become numpy arrays of their items.
        frame = table.to_pandas()
        assert isinstance(frame["events"][0], np.ndarray)
        assert reports_json(engine, aftersales.TicketBatch.from_pandas(frame), SEASON_AT) == expected

    def test_from_pylist_with_dotted_columns(self, sla: aftersales.SlaEngine) -> None:
        table = self.pa.table({
            "id": ["T-1"],
            "created_at": self.pa.array([dt.datetime(2026, 11, 11, tzinfo=UTC)], self.pa.timestamp("ms", tz="UTC")),
            "customer.tier": ["vip"],
        })
        batch = aftersales.TicketBatch.from_arrow(table)
        expected = [{"id": "T-1", "created_at": "2026-11-11T00:00:00Z", "customer": {"tier": "vip"}}]
        assert reports_json(sla, batch, VIP_AT) == reports_json(sla, expected, VIP_AT)


def test_calendar_arrays_take_a_tz_aware_column(office: aftersales.Calendar) -> None:
    # Regression: a datetime64[us, UTC] column was refused ("got dtype object"). 2026-11-19 is
    # a Thursday: 01:30 UTC is 09:30 in Shanghai (open), 11:00 UTC is 19:00 (closed).
    column = pd.Series(pd.to_datetime(["2026-11-19T01:30Z", "2026-11-19T11:00Z", None], utc=True))
    column = column.astype("datetime64[us, UTC]")
    assert office.is_open_many(column).tolist() == [True, False, False]
    shanghai = column.dt.tz_convert("Asia/Shanghai")
    assert office.is_open_many(pd.DatetimeIndex(shanghai)).tolist() == [True, False, False]


# Results out -----------------------------------------------------------------------------------

SLA_DTYPES = {
    "ticket": "string", "policy": "string", "priority": "string", "metric": "string", "cycle": "Int64",
    "state": "string", "target_s": "float64", "elapsed_s": "float64", "remaining_s": "float64",
    "started_at": "datetime64[ms, UTC]", "due_at": "datetime64[ms, UTC]", "breached_at": "datetime64[ms, UTC]",
    "completed_at": "datetime64[ms, UTC]", "ticket_status": "string", "queue": "string",
    "override_due_at": "datetime64[ms, UTC]", "not_yet_created": "bool",
}


def t(text: str | None) -> Any:
    return pd.NaT if text is None else pd.Timestamp(text, tz="UTC")


def sla_reports(sla: aftersales.SlaEngine, policy: aftersales.Policy) -> list[aftersales.SlaReport]:
    unmatched = aftersales.SlaEngine(policy).evaluate({"id": "T-NONE", "created_at": "2026-11-11T00:00:00Z"}, VIP_AT)
    return [sla.evaluate(VIP_TICKET, VIP_AT), unmatched]


def test_sla_frame(sla: aftersales.SlaEngine, policy: aftersales.Policy) -> None:
    frame = aftersales.sla_frame(iter(sla_reports(sla, policy)))
    assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == SLA_DTYPES
    # VIP (test_sla.py): first_response 8 of 10 min, achieved at 00:08; next_response cycle 0
    # 10 of 5 min, breached at 00:35 and answered at 00:40; resolution 40 of 120 min, due
    # 02:20. T-NONE matched no SLA policy (the policy has no `sla`): a row of nulls.
    expected = pd.DataFrame({
        "ticket": ["T-VIP", "T-VIP", "T-VIP", "T-NONE"],
        "policy": ["vip", "vip", "vip", None],
        "priority": ["normal", "normal", "normal", "normal"],
        "metric": ["first_response", "next_response", "resolution", None],
        "cycle": [0, 0, 0, None],
        "state": ["achieved", "breached", "active", None],
        "target_s": [600.0, 300.0, 7200.0, None],
        "elapsed_s": [480.0, 600.0, 2400.0, None],
        "remaining_s": [120.0, -300.0, 4800.0, None],
        "started_at": [t("2026-11-11T00:00"), t("2026-11-11T00:30"), t("2026-11-11T00:00"), None],
        "due_at": [None, None, t("2026-11-11T02:20"), None],
        "breached_at": [None, t("2026-11-11T00:35"), None, None],
        "completed_at": [t("2026-11-11T00:08"), t("2026-11-11T00:40"), None, None],
        # One instance open (resolution) and one missed (next_response): active_with_misses.
        "ticket_status": ["active_with_misses"] * 3 + [None],
        "queue": [None] * 4,
        "override_due_at": [None] * 4,
        "not_yet_created": [False, False, False, False],
    }).astype(SLA_DTYPES)
    pd.testing.assert_frame_equal(frame, expected)
    empty = aftersales.sla_frame([])
    assert (len(empty), {name: str(dtype) for name, dtype in empty.dtypes.items()}) == (0, SLA_DTYPES)
    with pytest.raises(TypeError, match=r"^sla_frame: expected reports\[1\] to be an aftersales.SlaReport, got dict"):
        aftersales.sla_frame([sla_reports(sla, policy)[0], VIP_TICKET])


@pytest.mark.skipif(not hasattr(aftersales.SlaReport, "not_yet_created"),
                    reason="needs the replay of issue 13 (SlaReport.not_yet_created)")
def test_sla_frame_of_a_ticket_not_yet_created(sla: aftersales.SlaEngine) -> None:
    # T-LATE was created at 02:00, after VIP_AT (01:00): a batch replay gives it a report
    # marked not_yet_created, with no policy and no metrics, and its priority as created.
    late = {"id": "T-LATE", "created_at": "2026-11-11T02:00:00Z", "priority": "high"}
    frame = aftersales.sla_frame(sla.evaluate_many([VIP_TICKET, late], VIP_AT))
    assert frame["not_yet_created"].tolist() == [False, False, False, True]
    row = frame.iloc[3]
    assert (row["ticket"], row["priority"]) == ("T-LATE", "high")
    assert row.drop(["ticket", "priority", "not_yet_created"]).isna().all()


def test_sla_table(sla: aftersales.SlaEngine, policy: aftersales.Policy) -> None:
    pa = pytest.importorskip("pyarrow")
    table = aftersales.sla_table(sla_reports(sla, policy))
    assert table.schema.field("due_at").type == pa.timestamp("ms", tz="UTC")
    assert table.schema.field("cycle").type == pa.int64()
    assert table.column("remaining_s").to_pylist() == [120.0, -300.0, 4800.0, None]
    assert table.column("cycle").to_pylist() == [0, 0, 0, None]
    assert table.column("started_at").to_pylist()[3] is None
    assert table.column("due_at").to_pylist()[2] == dt.datetime(2026, 11, 11, 2, 20, tzinfo=UTC)
    # The same rows as sla_frame: pyarrow's own conversion gives the same frame, but for the
    # types pandas picks for Arrow strings and nullable integers.
    frame = aftersales.sla_frame(sla_reports(sla, policy))
    pd.testing.assert_frame_equal(table.to_pandas().astype(SLA_DTYPES), frame)


def test_kpi_and_scorecard_frames() -> None:
    kpi = aftersales.KpiEngine(aftersales.Policy.from_json(KPI_POLICY))
    result = kpi.compute(KPI_TICKETS, dt.datetime(2026, 11, 13, 4, tzinfo=UTC), group_by=["agent"])
    frame = result.to_pandas()
    # test_kpi.py: A-1 has T1, T2 and T5, A-2 has T4 (T2's reopened part goes to A-1's
    # ticket count), and T3, never assigned, is the null group, which sorts first.
    assert frame.index.name == "agent"
    assert str(frame.index.dtype) == "string"
    assert frame.index.isna().tolist() == [True, False, False]
    assert frame.index[1:].tolist() == ["A-1", "A-2"]
    # Counts are int64 and every other value float64, whatever the values: a rate of exactly 1
    # (JSON `1`) is 1.0, and no group has a complaint rate (orders not given): NaN, not objects.
    whole = ["tickets", "resolved", "backlog", "first_response_s.count", "resolution_s.count", "complaints",
             "requester_wait_s.count", "agent_work_s.count", "on_hold_s.count"]
    tallies = ["sla.first_response.achieved", "sla.first_response.breached", "sla.resolution.achieved",
               "sla.resolution.breached"]  # nullable: a group lists only the metrics it has instances of
    assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == {
        name: "int64" if name in whole else "Int64" if name in tallies else "float64" for name in frame.columns}
    # 27 columns, and count, mean, p50 and p90 of each of the three status clocks (issue 16).
    assert len(frame.columns) == 27 + 3 * 4
    assert frame["complaint_rate"].isna().all()
    card = kpi.score("agent-monthly", result).to_pandas()
    assert card.index.name == "agent"
    assert {name: str(card[name].dtype) for name in ["score", "stars", "rank", "critical_failed",
                                                     "metrics.fcr_rate.value", "metrics.csat.critical"]} == {
        "score": "float64", "stars": "int64", "rank": "Int64", "critical_failed": "bool",
        "metrics.fcr_rate.value": "float64", "metrics.csat.critical": "bool"}
    assert card.loc["A-1", "score"] == 70  # test_kpi.py: 70 points, 3 stars, first
    assert (card.loc["A-1", "stars"], card.loc["A-1", "rank"]) == (3, 1)
    pa = pytest.importorskip("pyarrow")
    table = result.to_arrow()
    assert table.column_names[0] == "agent"
    assert table.column("agent").to_pylist() == [None, "A-1", "A-2"]
    assert table.schema.field("complaint_rate").type == pa.float64()
    assert table.schema.field("tickets").type == pa.int64()
    assert kpi.score("agent-monthly", result).to_arrow().column("score").to_pylist()[1] == 70
    empty = kpi.compute([], dt.datetime(2026, 11, 13, tzinfo=UTC), group_by=["agent", "channel"]).to_pandas()
    assert (len(empty), empty.index.names) == (0, ["agent", "channel"])


def test_kpi_frame_has_the_sla_metrics_of_every_group(example: aftersales.Policy) -> None:
    # The columns are those of all the groups, not the first's: in double11, "app" (the first)
    # has no next_response instance and "chat" has.
    result = aftersales.KpiEngine(example).compute(aftersales.TicketBatch.from_file(SEASON), SEASON_AT,
                                                    group_by=["channel"])
    groups = result.to_dict()["groups"]
    metrics = {metric for group in groups for metric in group["sla"]}
    assert "next_response" not in groups[0]["sla"] and "next_response" in metrics
    frame = result.to_pandas()
    for metric in metrics:
        column = frame[f"sla.{metric}.achieved"]
        assert str(column.dtype) == "Int64"
        assert [None if pd.isna(v) else v for v in column] == [
            group["sla"].get(metric, {}).get("achieved") for group in groups]
    table = result.to_arrow()
    assert table.column("sla.next_response.achieved").to_pylist()[0] is None


def test_plan_frame() -> None:
    plan = staffing.plan(2000, 0.5, [1, 3], interval=3600, aht=180)
    # 1,000 contacts split 1:3 over two hours: 250 and 750.
    frame = plan.to_pandas()
    assert list(frame.columns) == ["start_s", "contacts", "agents", "scheduled", "traffic", "service_level",
                                   "probability_wait", "asa_s", "occupancy", "abandonment"]
    assert frame["start_s"].tolist() == [0.0, 3600.0]
    assert frame["contacts"].tolist() == [250.0, 750.0]
    # Traffic: contacts × aht / interval = 250 × 180 / 3600 = 12.5 and 37.5 Erlangs.
    assert frame["traffic"].tolist() == [12.5, 37.5]
    assert frame["agents"].tolist() == [row.staffing.agents for row in plan]
    assert (str(frame["agents"].dtype), str(frame["occupancy"].dtype)) == ("int64", "float64")
    assert isinstance(plan, list) and plan[1].contacts == 750.0
    pa = pytest.importorskip("pyarrow")
    assert plan.to_arrow().column("traffic").to_pylist() == [12.5, 37.5]
    assert plan.to_arrow().schema.field("agents").type == pa.int64()


@pytest.mark.parametrize("module, call, message", [
    ("pandas", lambda reports, kpis, plan: aftersales.sla_frame(reports),
     "pandas is needed for sla_frame(): pip install 'aftersales[pandas]'"),
    ("pandas", lambda reports, kpis, plan: kpis.to_pandas(),
     "pandas is needed for to_pandas(): pip install 'aftersales[pandas]'"),
    ("pandas", lambda reports, kpis, plan: plan.to_pandas(),
     "pandas is needed for to_pandas(): pip install 'aftersales[pandas]'"),
    ("pyarrow", lambda reports, kpis, plan: aftersales.sla_table(reports),
     "pyarrow is needed for sla_table(): pip install 'aftersales[arrow]'"),
    ("pyarrow", lambda reports, kpis, plan: kpis.to_arrow(),
     "pyarrow is needed for to_arrow(): pip install 'aftersales[arrow]'"),
])
def test_a_missing_package_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, sla: aftersales.SlaEngine, module: str, call: Any, message: str
) -> None:
    reports = [sla.evaluate(VIP_TICKET, VIP_AT)]
    kpis = aftersales.KpiEngine(aftersales.Policy.from_json(KPI_POLICY)).compute(KPI_TICKETS, KPI_AT)
    plan = staffing.plan(100, 0.5, [1])
    monkeypatch.setitem(sys.modules, module, None)  # `import pandas` raises ImportError
    with pytest.raises(ImportError) as caught:
        call(reports, kpis, plan)
    assert str(caught.value) == message
