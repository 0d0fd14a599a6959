"""Offers from Python and the command line (docs/routing.md, "Offers"): a decision made with the
routing section's `offers` carries its expiry; the agent accepts or declines it; a declined ticket
waits again under its arrival and is not offered to that agent again for `no_reoffer`. Expected
values are worked out by hand beside each assertion."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

import aftersales
from aftersales.cli import main

TEN = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)
OFFERS = {"schema_version": 1, "routing": {"queues": [{"id": "desk"}], "default_queue": "desk",
                                            "offers": {"push_timeout": "30s", "no_reoffer": "10m"}}}


def at(seconds: int) -> dt.datetime:
    return TEN + dt.timedelta(seconds=seconds)


def ticket(ticket_id: str) -> dict[str, object]:
    return {"id": ticket_id, "created_at": "2026-03-02T10:00:00Z", "channel": "chat"}


@pytest.fixture
def router() -> aftersales.Router:
    router = aftersales.Router(aftersales.Policy.from_json(json.dumps(OFFERS)))
    for agent_id in ("A", "B"):
        router.upsert_agent({"id": agent_id, "queues": ["desk"], "capacity": {"chat": 1}})
    assert router.dispatch(TEN) == []
    return router


def test_offers_are_accepted_or_declined(router: aftersales.Router) -> None:
    # 10:00:00: A and B both 0 of 1, the tie to the smaller id: offered to A until 10:00:30.
    offer = router.route(ticket("T-1"), TEN)
    assert (offer.agent, offer.offer_expires_at, offer.waiting) == ("A", at(30), False)
    assert offer.to_dict()["offer_expires_at"] == "2026-03-02T10:00:30Z"
    assert pickle.loads(pickle.dumps(offer)).offer_expires_at == at(30)
    assert "offered" in repr(offer)
    # A declines at 10:00:12: T-1 waits under its arrival (10:00:00), A barred until 10:10:12.
    router.decline("A", "T-1", at(12))
    assert [(w.ticket, w.waiting_since) for w in router.waiting()] == [("T-1", TEN)]
    why = router.explain("T-1", limit=2)
    assert [(a.agent, a.reason, a.barred_until) for a in why.listed] == [
        ("A", "declined", at(12 + 600)), ("B", "eligible", None)]  # 10:00:12 + 10m
    # The dispatch offers it to B (A barred) until 10:00:45; B accepts at 10:00:20.
    [again] = router.dispatch(at(15))
    assert (again.ticket, again.agent, again.offer_expires_at) == ("T-1", "B", at(45))
    router.accept("B", "T-1", at(20))
    assert router.agents()[1].tickets == ["T-1"]
    # Accepting twice, or an offer the agent never had, names where the ticket is.
    with pytest.raises(aftersales.NotFoundError, match="the agent accepted it already"):
        router.accept("B", "T-1", at(21))
    with pytest.raises(aftersales.NotFoundError, match=r"\(it is assigned to B\)"):
        router.decline("A", "T-1", at(21))


def test_an_offer_past_its_expiry_cannot_be_accepted(router: aftersales.Router) -> None:
    router.route(ticket("T-1"), TEN)  # to A until 10:00:30
    with pytest.raises(aftersales.InputError, match="expired at 2026-03-02T10:00:30Z"):
        router.accept("A", "T-1", at(30))
    # The dispatch at 10:00:31 lets it lapse and offers T-1 to B (A barred).
    [again] = router.dispatch(at(31))
    assert again.agent == "B"
    assert any("offer to A lapsed at 2026-03-02T10:00:30Z" in reason for reason in again.reasons)


def test_route_command_accepts_each_offer(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(OFFERS))
    agents = tmp_path / "agents.json"
    agents.write_text(json.dumps([{"id": "A", "queues": ["desk"], "capacity": {"chat": 1}}]))
    tickets = tmp_path / "tickets.jsonl"
    # T-1 at 10:00 is offered to A and accepted at once; T-2 at 10:01 waits (A holds T-1) until
    # T-1 is resolved at 10:05, when the dispatch offers it to A (accepted too).
    tickets.write_text(
        json.dumps({**ticket("T-1"), "events": [{"type": "resolved", "at": "2026-03-02T10:05:00Z"}]}) + "\n"
        + json.dumps({"id": "T-2", "created_at": "2026-03-02T10:01:00Z", "channel": "chat"}) + "\n")
    assert main(["route", "--policy", str(policy), "--agents", str(agents), str(tickets)]) == 0
    out, err = capsys.readouterr()
    decisions = [json.loads(line) for line in out.splitlines()]
    assert [(d["ticket"], d["agent"], d.get("offer_expires_at")) for d in decisions] == [
        ("T-1", "A", "2026-03-02T10:00:30Z"), ("T-2", None, None), ("T-2", "A", "2026-03-02T10:05:30Z")]
    assert "waiting: 0" in err
