"""Pickling (docs/python.md, "Pickling and processes"): every result, decision, engine and batch
goes through pickle (every protocol) and cloudpickle and comes back equal; an engine unpickled in
a 'spawn' child process answers as in the parent; TicketBatch bytes that are cut, changed or
forged are an InputError naming the problem, never a crash."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import multiprocessing
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

import aftersales
from aftersales import staffing

REPO = Path(__file__).resolve().parents[2]
TICKETS_FILE = REPO / "examples" / "tickets" / "double11.jsonl"
BEIJING = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2026, 11, 13, 12, 0, tzinfo=BEIJING)  # after every ticket of the file was created
T = TypeVar("T")


def copies(value: T) -> Iterator[tuple[str, T]]:
    """`value` through pickle at every protocol, then through cloudpickle."""
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        yield f"pickle protocol {protocol}", pickle.loads(pickle.dumps(value, protocol=protocol))
    cloudpickle = pytest.importorskip("cloudpickle")
    yield "cloudpickle", cloudpickle.loads(cloudpickle.dumps(value))


@pytest.fixture(scope="module")
def example() -> aftersales.Policy:
    return aftersales.Policy.from_file(REPO / "examples" / "policies" / "cn-marketplace.json")


@pytest.fixture(scope="module")
def batch() -> aftersales.TicketBatch:
    return aftersales.TicketBatch.from_file(TICKETS_FILE)


def ticket_dicts() -> list[dict[str, Any]]:
    return [json.loads(line) for line in TICKETS_FILE.read_text().splitlines() if line.strip()]


def staffed(policy: aftersales.Policy) -> aftersales.Router:
    router = aftersales.Router(policy)
    for agent in json.loads((REPO / "examples" / "agents" / "cn-agents.json").read_text())["agents"]:
        router.upsert_agent(agent)
    return router


def refund_request() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((REPO / "examples" / "refunds" / "double11-socks.json").read_text())
    return document


# --- results and decisions -------------------------------------------------------------------


def test_sla_reports_metrics_and_escalations(example: aftersales.Policy, batch: aftersales.TicketBatch) -> None:
    reports = aftersales.SlaEngine(example).evaluate_many(batch, AT)
    # The file's reports hold every kind of member: a breach, a completion, an escalation, a
    # next check, a ticket no SLA policy matched.
    assert any(r.escalations for r in reports) and any(r.next_check_at for r in reports)
    assert any(m.breached_at for r in reports for m in r.metrics)
    for how, copy in copies(reports):
        assert [r.to_json() for r in copy] == [r.to_json() for r in reports], how
        for got, want in zip(copy, reports):
            assert [repr(m) for m in got.metrics] == [repr(m) for m in want.metrics], how
            # percent is not rounded in the copy: the members came back exact.
            assert [m.percent for m in got.metrics] == [m.percent for m in want.metrics], how
            assert [(e.metric, e.cycle, e.percent, e.action, e.to, e.reached_at) for e in got.escalations] == [
                (e.metric, e.cycle, e.percent, e.action, e.to, e.reached_at) for e in want.escalations
            ], how
    metric = reports[0].metrics[0]
    escalation = next(e for r in reports for e in r.escalations)
    for how, (metric_copy, escalation_copy) in copies((metric, escalation)):
        assert repr(metric_copy) == repr(metric) and metric_copy.due_at == metric.due_at, how
        assert (escalation_copy.reached_at, escalation_copy.to) == (escalation.reached_at, escalation.to), how


def test_kpi_results_and_scorecards(example: aftersales.Policy, batch: aftersales.TicketBatch) -> None:
    kpi = aftersales.KpiEngine(example)
    kpis = kpi.compute(batch, AT, group_by=["agent"])
    scorecard = kpi.score("agent-monthly", kpis)
    # A time dimension in a zone and a field's: the result names both, and so must its copy.
    by_day = kpi.compute(batch, AT, group_by=["day", "fields.region"], time_zone="Asia/Shanghai")
    assert by_day.time_zone == "Asia/Shanghai"
    for how, by_day_copy in copies(by_day):
        assert by_day_copy.to_json() == by_day.to_json(), how
        assert (by_day_copy.group_by, by_day_copy.time_zone) == (["day", "fields.region"], "Asia/Shanghai"), how
    for how, (kpis_copy, scorecard_copy) in copies((kpis, scorecard)):
        assert kpis_copy.to_json() == kpis.to_json() and kpis_copy.group_by == ["agent"], how
        # metric() reads the doubles themselves, which the JSON rounds: they came back exact.
        assert kpis_copy.metric({"agent": "A-07"}, "first_response_s.p50") == kpis.metric(
            {"agent": "A-07"}, "first_response_s.p50"
        ), how
        assert scorecard_copy.to_json() == scorecard.to_json(), how


def test_refund_decisions_and_their_parts(example: aftersales.Policy) -> None:
    request = refund_request()
    # The mask was confirmed non-returnable at purchase: a refusal with a reason.
    request["items"] = [{"line": "socks", "quantity": 3, "condition": "intact"}, {"line": "mask", "condition": "intact"}]
    refused = aftersales.RefundEngine(example).check(request)
    kept_back = restocked()
    assert refused.reasons and kept_back.refund.deductions and kept_back.eligible
    for how, (refused_copy, kept_back_copy) in copies((refused, kept_back)):
        assert refused_copy.to_json() == refused.to_json(), how
        assert kept_back_copy.to_json() == kept_back.to_json(), how
    parts = (kept_back.refund, kept_back.refund.lines[0], kept_back.refund.deductions[0], refused.reasons[0])
    for how, (amounts, line, deduction, reason) in copies(parts):
        want = kept_back.refund
        assert (amounts.currency, amounts.total, amounts.shipping) == (want.currency, want.total, want.shipping), how
        assert [(each.line, each.quantity, each.eligible, each.amount, each.discount) for each in amounts.lines] == [
            (each.line, each.quantity, each.eligible, each.amount, each.discount) for each in want.lines], how
        assert (line.line, line.amount, line.discount) == (want.lines[0].line, want.lines[0].amount,
                                                           want.lines[0].discount), how
        assert (deduction.type, deduction.amount) == ("restocking_fee", want.deductions[0].amount), how
        assert (reason.code, reason.message, reason.line) == (
            refused.reasons[0].code, refused.reasons[0].message, refused.reasons[0].line), how


def restocked() -> aftersales.RefundDecision:
    """A decision with a deduction: a 10% restocking fee kept back from a return the buyer ships."""
    policy = {"schema_version": 1, "refunds": {"policies": [{
        "id": "cn", "timezone": "Asia/Shanghai",
        "reasons": {"no_reason": {"windows": {"return_refund": "7d"}, "from": "delivered", "return_shipping": "buyer",
                                  "conditions": ["intact"], "restocking_fee_rate": "0.1"}}}]}}
    request = {
        "order": {"id": "O-1", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
                  "shipped_at": "2026-11-06T10:00:00+08:00", "delivered_at": "2026-11-07T10:00:00+08:00",
                  "lines": [{"id": "A", "unit_price": "10.00", "quantity": 3}]},
        "items": [{"line": "A", "quantity": 2, "condition": "intact"}],
        "reason": "no_reason",
        "requested_at": "2026-11-10T10:00:00+08:00",
    }
    return aftersales.RefundEngine(aftersales.Policy.from_json(policy)).check(request)


def test_routing_decisions(example: aftersales.Policy) -> None:
    router = staffed(example)
    decisions = [router.route(ticket, AT) for ticket in ticket_dicts()]
    assert any(d.waiting for d in decisions) or any(d.bot for d in decisions)
    for how, copy in copies(decisions):
        assert [d.to_json() for d in copy] == [d.to_json() for d in decisions], how


def test_staffing_results_and_plans() -> None:
    results = [
        staffing.erlang_c(100, agents=12),
        staffing.erlang_c(100, agents=5),  # 10 Erlangs on 5 agents: an infinite average wait
        staffing.erlang_a(100, patience=60, agents=12),
        staffing.erlang_c(100, service_level=0.8, max_occupancy=0.85, shrinkage=0.3),
    ]
    assert results[1].asa_s == float("inf")
    plan = staffing.plan(daily_orders=20_000, contact_rate=0.02, profile=[1, 2, 1])
    for how, (copy, plan_copy) in copies((results, plan)):
        assert [r.to_dict() for r in copy] == [r.to_dict() for r in results], how
        assert [row.to_dict() for row in plan_copy] == [row.to_dict() for row in plan], how


def test_a_damaged_result_pickle_is_an_input_error(example: aftersales.Policy) -> None:
    report = aftersales.SlaEngine(example).evaluate(ticket_dicts()[0], AT)
    data = pickle.dumps(report)
    function, (name, state) = report.__reduce__()
    assert (function.__module__, function.__name__, name) == ("aftersales._pickling", "rebuild", "_unpickle_SlaReport")
    assert isinstance(state, bytes) and state in data
    with pytest.raises(aftersales.InputError, match="SlaReport pickle: the data is damaged"):
        pickle.loads(data.replace(state, state[:-9] + bytes([state[-9] ^ 1]) + state[-8:]))
    with pytest.raises(aftersales.InputError, match="SlaReport pickle: the data is damaged"):
        aftersales._core._unpickle_SlaReport(state[:-1])
    # The bytes of one type are not read as another's.
    with pytest.raises(aftersales.InputError, match="the pickle of another type"):
        aftersales._core._unpickle_SlaMetric(state)


# --- engines, accumulators, routers, calendars ----------------------------------------------


def test_a_policy_pickles_at_every_protocol(example: aftersales.Policy) -> None:
    # Protocols 0 and 1 used to abort the interpreter: pybind11's __setstate__ cannot serve them.
    for how, copy in copies(example):
        assert copy.to_json() == example.to_json() and copy.calendar_names == example.calendar_names, how



def test_engines_pickle_as_their_policy(example: aftersales.Policy, batch: aftersales.TicketBatch) -> None:
    sla = aftersales.SlaEngine(example)
    refunds = aftersales.RefundEngine(example)
    kpi = aftersales.KpiEngine(example)
    assert sla.policy is example and refunds.policy is example and kpi.policy is example
    for how, (sla_copy, refunds_copy, kpi_copy) in copies((sla, refunds, kpi)):
        assert type(sla_copy) is aftersales.SlaEngine, how
        # Pickled together, the engines share one policy, compiled once when unpickled.
        assert sla_copy.policy is refunds_copy.policy is kpi_copy.policy, how
        assert sla_copy.policy.to_json() == example.to_json(), how
        assert [r.to_json() for r in sla_copy.evaluate_many(batch, AT)] == [
            r.to_json() for r in sla.evaluate_many(batch, AT)], how
        assert refunds_copy.check(refund_request()).to_json() == refunds.check(refund_request()).to_json(), how
        assert kpi_copy.compute(batch, AT, group_by=["queue"]).to_json() == kpi.compute(
            batch, AT, group_by=["queue"]).to_json(), how


def test_an_accumulator_pickles_as_its_policy_and_state(example: aftersales.Policy) -> None:
    tickets = ticket_dicts()
    accumulator = aftersales.KpiAccumulator(example, ["agent"])
    accumulator.add_many(tickets[:6], AT)
    for how, copy in copies(accumulator):
        assert copy.to_json() == accumulator.to_json() and copy.policy.to_json() == example.to_json(), how
        # The copy goes on counting: its half and the other half make the whole.
        rest = aftersales.KpiAccumulator(copy.policy, ["agent"])
        rest.add_many(tickets[6:], AT)
        copy.merge(rest)
        assert copy.result().to_json() == aftersales.KpiEngine(example).compute(tickets, AT, ["agent"]).to_json(), how


def test_a_router_pickles_as_its_policy_and_snapshot(example: aftersales.Policy) -> None:
    tickets = ticket_dicts()
    router = staffed(example)
    for ticket in tickets[:8]:
        router.route(ticket, AT)
    for how, copy in copies(router):
        assert copy.snapshot() == router.snapshot() and copy.waiting_count == router.waiting_count, how
    # Copy and original decide the rest alike.
    copy = pickle.loads(pickle.dumps(router))
    assert [copy.route(t, AT).to_json() for t in tickets[8:]] == [router.route(t, AT).to_json() for t in tickets[8:]]


def test_a_calendar_pickles_as_its_policy_and_name(policy: aftersales.Policy) -> None:
    office = policy.calendar("office")
    assert office.policy is policy
    start = dt.datetime(2026, 9, 30, 17, 0, tzinfo=BEIJING)
    for how, copy in copies(office):
        assert (copy.name, copy.time_zone) == ("office", "Asia/Shanghai"), how
        # 1 h left on 30 Sep, closed 1-7 Oct, 8 Oct 09:00 + 2 h: the holidays came along.
        assert copy.add(start, dt.timedelta(hours=3)) == dt.datetime(2026, 10, 8, 11, 0, tzinfo=BEIJING), how


# --- TicketBatch -----------------------------------------------------------------------------


def test_a_ticket_batch_round_trips(example: aftersales.Policy, batch: aftersales.TicketBatch) -> None:
    data = batch.to_bytes()
    assert isinstance(data, bytes) and data[:4] == b"ASTB"
    engine = aftersales.SlaEngine(example)
    want = [r.to_json() for r in engine.evaluate_many(batch, AT)]
    for how, copy in copies(batch):
        assert copy.ids == batch.ids and copy.to_bytes() == data, how
        assert [r.to_json() for r in engine.evaluate_many(copy, AT)] == want, how
    for kind in (bytes, bytearray, memoryview):
        assert aftersales.TicketBatch.from_bytes(kind(data)).to_bytes() == data
    # Read from dicts or from JSON Lines, the same tickets give the same bytes.
    assert aftersales.TicketBatch(ticket_dicts()).to_bytes() == data
    assert aftersales.TicketBatch([]).to_bytes()[:6] == b"ASTB\x04\x00"
    assert len(aftersales.TicketBatch.from_bytes(aftersales.TicketBatch([]).to_bytes())) == 0


def test_every_member_of_a_ticket_survives(example: aftersales.Policy) -> None:
    ticket = {
        "id": "T-ü-1",
        "created_at": "2026-11-11T00:00:00.123+08:00",
        "channel": "chat",
        "category": "after_sales/return",
        "priority": "high",
        "customer": {"id": "C-1", "tier": "vip", "language": "zh"},
        "order": {"id": "O-1", "amount": "12.500", "currency": "KWD"},
        "tags": ["a", "b", "a"],
        "fields": {"region": "east", "weight": 1.25, "gift": True},
        "events": [
            {"at": "2026-11-11T00:00:00.123+08:00", "type": "customer_message"},
            {"at": "2026-11-11T00:01:00+08:00", "type": "agent_reply", "agent": "A-1", "public": False},
            {"at": "2026-11-11T00:02:00+08:00", "type": "agent_reply", "bot": True},
            {"at": "2026-11-11T00:03:00+08:00", "type": "status", "to": "pending_customer"},
            {"at": "2026-11-11T00:04:00+08:00", "type": "priority", "to": "urgent"},
            {"at": "2026-11-11T00:05:00+08:00", "type": "assigned", "agent": "A-2", "queue": "returns"},
            {"at": "2026-11-11T00:06:00+08:00", "type": "satisfaction", "score": 4},
            {"at": "2026-11-11T00:07:00+08:00", "type": "nps", "score": 0},
            {"at": "2026-11-11T00:08:00+08:00", "type": "courier_called"},
            {"at": "2026-11-11T00:09:00+08:00", "type": "courier_called"},
        ],
    }
    original = aftersales.TicketBatch([ticket])
    copy = pickle.loads(pickle.dumps(original))
    at = dt.datetime(2026, 11, 12, tzinfo=BEIJING)
    engine = aftersales.SlaEngine(example)
    assert engine.evaluate_many(copy, at)[0].to_json() == engine.evaluate_many(original, at)[0].to_json()
    kpi = aftersales.KpiEngine(example)
    assert kpi.compute(copy, at, ["agent"]).to_json() == kpi.compute(original, at, ["agent"]).to_json()
    assert copy.to_bytes() == original.to_bytes() and copy.ids == ["T-ü-1"]


# A TicketBatch's bytes written by hand from docs/python.md's description of the form, to check
# the reader against the document rather than against the writer.
def fnv1a64(data: bytes) -> bytes:
    h = 14695981039346656037
    for b in data:
        h = ((h ^ b) * 1099511628211) % 2**64
    return h.to_bytes(8, "little")


def natural(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def integer(n: int) -> bytes:
    return natural(n * 2 if n >= 0 else -n * 2 - 1)


def text(s: str) -> bytes:
    return natural(len(s.encode())) + s.encode()


def sealed(body: bytes, version: int = 4) -> bytes:
    data = b"ASTB" + bytes([version]) + body
    return data + fnv1a64(data)


def one_ticket(events: bytes, event_count: int = 1, names: tuple[str, ...] = ()) -> bytes:
    """A batch of ticket T-1 holding `event_count` events, whose columns are `events`."""
    created = 1_794_355_200_000  # 2026-11-11T00:00:00Z: 20,768 days of 86,400,000 ms
    custom_names = natural(len(names)) + b"".join(text(name) for name in names)
    return (
        natural(1)  # one ticket
        + natural(0) * 6  # channels, categories, tiers, languages, agents, queues: none but ""
        + custom_names + natural(0) * 4  # custom event names; tags, field names and texts, custom statuses: none
        + natural(0)  # no currency
        + integer(created) + natural(1)  # created_at; priority normal
        + natural(0) * 4  # channel, category, tier, language: ""
        + text("T-1") + text("") + text("")  # id, customer id, order id
        + natural(0)  # no amount
        + natural(event_count) + natural(0) + natural(0)  # events, tags, fields
        + events
    )


def satisfaction(score: int) -> bytes:
    # type 10 (satisfaction), at created + 60 s, agent "", queue "", public, the score.
    return natural(10) + natural(60_000) + natural(0) + natural(0) + natural(1) + integer(score)


def test_bytes_written_by_hand_are_read() -> None:
    batch = aftersales.TicketBatch.from_bytes(sealed(one_ticket(satisfaction(5))))
    assert batch.ids == ["T-1"]
    again = aftersales.TicketBatch([{"id": "T-1", "created_at": "2026-11-11T00:00:00Z",
                                     "events": [{"at": "2026-11-11T00:01:00Z", "type": "satisfaction", "score": 5}]}])
    assert again.to_bytes() == sealed(one_ticket(satisfaction(5)))
    # A custom event: type 16, then its name's number plus one in the names written.
    custom = natural(16) + natural(1) + natural(60_000) + natural(0) + natural(0) + natural(1)
    batch = aftersales.TicketBatch.from_bytes(sealed(one_ticket(custom, names=("courier_called",))))
    again = aftersales.TicketBatch([{"id": "T-1", "created_at": "2026-11-11T00:00:00Z",
                                     "events": [{"at": "2026-11-11T00:01:00Z", "type": "courier_called"}]}])
    assert batch.to_bytes() == again.to_bytes()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not data of this kind"),
        (b'{"id": "T-1"}\n' * 3, "not data of this kind"),
        (sealed(one_ticket(satisfaction(5)), version=5), "format version 5, and this library reads versions 4 to 4"),
        # Format 3 had no events that change fields and tags: refused as older data.
        (sealed(one_ticket(satisfaction(5)), version=3),
         "format version 3, and this library reads versions 4 to 4: .* and write it again with this one"),
        (sealed(one_ticket(satisfaction(9))), r"tickets\[0\]\.events\[0\]\.score: a satisfaction score is 1 to 5, not 9"),
        (sealed(one_ticket(natural(3) + natural(0) + natural(0) + natural(0) + natural(1) + natural(5))),
         r"tickets\[0\]\.events\[0\]\.to: \"closed\" is not a status an event can set"),
        (sealed(one_ticket(natural(16) + natural(0))), r"tickets\[0\]\.events\[0\]\.type: the event type is empty"),
        (sealed(one_ticket(natural(16) + natural(1), names=("resolved",))),
         r"tickets\[0\]\.events\[0\]\.type: \"resolved\" is a built-in event type written as a custom one"),
        (sealed(one_ticket(natural(17))), r"a value out of range \(17, expected below 17\)"),
        (sealed(one_ticket(b"", event_count=100_001)), "a count of 100001 items, more than the data left holds"),
        (sealed(one_ticket(b"\x00" * 100_001, event_count=100_001)),
         r"tickets\[0\]\.events: a ticket may have at most 100000 events, and this one has 100001"),
        (sealed(one_ticket(satisfaction(5))[:-1]), "the data ends in the middle of a value"),
        (sealed(one_ticket(satisfaction(5)) + b"\x00"), "1 bytes left over after the last value"),
        (sealed(natural(1) + natural(1) + natural(2) + b"\xc3\x28"), "a text that is not UTF-8"),
        (sealed(natural(2**40)), "a count of 1099511627776 items"),
    ],
)
def test_forged_bytes_are_an_input_error_naming_the_problem(data: bytes, message: str) -> None:
    with pytest.raises(aftersales.InputError, match=message):
        aftersales.TicketBatch.from_bytes(data)


def test_a_cut_or_changed_batch_is_an_input_error(batch: aftersales.TicketBatch) -> None:
    data = batch.to_bytes()
    for size in range(len(data)):
        with pytest.raises(aftersales.InputError, match="ticket batch data"):
            aftersales.TicketBatch.from_bytes(data[:size])
    for at in range(0, len(data), 7):
        for flip in (0x01, 0x80):
            changed = bytearray(data)
            changed[at] ^= flip
            with pytest.raises(aftersales.InputError, match="ticket batch data"):
                aftersales.TicketBatch.from_bytes(bytes(changed))
    with pytest.raises(TypeError, match="expected bytes"):
        aftersales.TicketBatch.from_bytes("ASTB")  # type: ignore[arg-type]


def test_sizes(batch: aftersales.TicketBatch) -> None:
    # The binary form is well under the JSON Lines text (the figures are in docs/python.md).
    assert len(batch.to_bytes()) < TICKETS_FILE.stat().st_size / 5  # measured: 1,448 of 8,508 bytes


# --- another process -------------------------------------------------------------------------


def in_child(engine: aftersales.SlaEngine, kpi: aftersales.KpiEngine, router: aftersales.Router,
             batch: aftersales.TicketBatch) -> tuple[list[aftersales.SlaReport], aftersales.KpiResult, str]:
    decision = router.route({"id": "T-late", "created_at": "2026-11-13T03:00:00Z", "channel": "chat",
                             "category": "after_sales/return"}, AT)
    return engine.evaluate_many(batch, AT), kpi.compute(batch, AT, ["agent"]), decision.to_json()


def test_engines_answer_alike_in_a_spawned_process(example: aftersales.Policy, batch: aftersales.TicketBatch) -> None:
    engine = aftersales.SlaEngine(example)
    kpi = aftersales.KpiEngine(example)
    router = staffed(example)
    child_router = pickle.loads(pickle.dumps(router))  # the parent's goes on from the same state
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        reports, kpis, decision = pool.submit(in_child, engine, kpi, child_router, batch).result(timeout=120)
    want_reports, want_kpis, want_decision = in_child(engine, kpi, router, batch)
    assert [r.to_json() for r in reports] == [r.to_json() for r in want_reports]
    assert kpis.to_json() == want_kpis.to_json()
    assert decision == want_decision
