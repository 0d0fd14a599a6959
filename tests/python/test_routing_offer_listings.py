"""Offers in the listings (Router.counts(), Router.agents()), answers before the offer refused, and
`aftersales route --operations`, which declines offers and lets them lapse (docs/routing.md,
"Offers"; docs/cli.md). Expected values are worked out by hand beside each assertion."""

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


def chat(ticket_id: str, created: str = "10:00:00") -> dict[str, object]:
    return {"id": ticket_id, "created_at": f"2026-03-02T{created}Z", "channel": "chat",
            "customer": {"id": "C-private-7"}}


def router_of(policy: dict[str, object], chats: int) -> aftersales.Router:
    router = aftersales.Router(aftersales.Policy.from_json(json.dumps(policy)))
    for agent_id in ("A", "B"):
        router.upsert_agent({"id": agent_id, "queues": ["desk"], "capacity": {"chat": chats}})
    assert router.dispatch(TEN) == []
    return router


def test_counts_and_agents_show_the_offers() -> None:
    router = router_of(OFFERS, 2)
    # A and B with room for two chats each: T-1 -> A and T-2 -> B (A holds one), T-3 -> A (both hold
    # one, the tie to the smaller id, whatever the strategy); A accepts T-1.
    assert [router.route(chat(t), TEN).agent for t in ("T-1", "T-2", "T-3")] == ["A", "B", "A"]
    router.accept("A", "T-1", at(1))
    counts = router.counts()
    assert (counts.assigned, counts.offered) == (3, 2)
    assert counts.to_dict() == {"agents": 2, "online": 2, "away": 0, "offline": 0, "waiting": 0,
                                "assigned": 3, "offered": 2}
    assert pickle.loads(pickle.dumps(counts)).offered == 2
    a, b = router.agents()
    assert (a.tickets, a.offered, b.tickets, b.offered) == (["T-1", "T-3"], ["T-3"], ["T-2"], ["T-2"])
    assert a.to_dict()["offered"] == ["T-3"]
    assert pickle.loads(pickle.dumps(a)).offered == ["T-3"]
    # Without offers: no "offered" in an agent's listing, and 0 on offer.
    plain = router_of({"schema_version": 1, "routing": {"queues": [{"id": "desk"}], "default_queue": "desk"}}, 1)
    plain.route(chat("T-1"), TEN)
    assert plain.agents()[0].offered is None
    assert "offered" not in plain.agents()[0].to_dict()
    assert plain.counts().offered == 0


def test_an_answer_before_the_offer_is_refused() -> None:
    router = router_of(OFFERS, 1)
    router.route(chat("T-1"), TEN)  # offered to A at 10:00:00
    with pytest.raises(aftersales.InputError, match=r'cannot decline the offer of ticket "T-1" to "A" at '
                       r"2026-03-02T09:59:59Z: it was made at 2026-03-02T10:00:00Z") as caught:
        router.decline("A", "T-1", at(-1))
    assert "C-private-7" not in str(caught.value)
    with pytest.raises(aftersales.InputError, match="cannot accept the offer"):
        router.accept("A", "T-1", at(-1))
    router.accept("A", "T-1", TEN)  # at the offer's own instant: taken
    assert router.counts().offered == 0


def write(path: Path, lines: list[dict[str, object]]) -> str:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


def route_args(tmp_path: Path, operations: list[dict[str, object]]) -> list[str]:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(OFFERS))
    agents = tmp_path / "agents.json"
    agents.write_text(json.dumps([{"id": a, "queues": ["desk"], "capacity": {"chat": 1}} for a in ("A", "B")]))
    tickets = write(tmp_path / "tickets.jsonl", [chat("T-1"), chat("T-2", "10:00:05")])
    return ["route", "--policy", str(policy), "--agents", str(agents), tickets,
            "--operations", write(tmp_path / "ops.jsonl", operations)]


def op(time: str, name: str, agent: str | None = None, ticket: str | None = None) -> dict[str, object]:
    line: dict[str, object] = {"at": f"2026-03-02T{time}Z", "op": name}
    if agent is not None:
        line |= {"agent": agent, "ticket": ticket}
    return line


def test_route_command_declines_and_lets_offers_lapse(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    args = route_args(tmp_path, [op("10:00:12", "decline", "A", "T-1"), op("10:00:40", "dispatch"),
                                 op("10:00:50", "accept", "B", "T-1")])
    assert main(args) == 0
    out, err = capsys.readouterr()
    decisions = [json.loads(line) for line in out.splitlines()]
    # 10:00:00 T-1 offered to A until 10:00:30; 10:00:05 T-2 to B (A holds its offer) until 10:00:35.
    # 10:00:12 A declines T-1: it waits (A barred until 10:10:12, B full): no decision.
    # 10:00:40 the dispatch lets T-2's offer lapse (at 10:00:35, B barred from it), then serves by
    # arrival: T-1 to B (A barred) until 10:01:10, T-2 to A (never barred from it) until 10:01:10.
    # 10:00:50 B accepts T-1; nobody answers A's offer, still open at the end.
    assert [(d["ticket"], d["agent"], d.get("offer_expires_at")) for d in decisions] == [
        ("T-1", "A", "2026-03-02T10:00:30Z"), ("T-2", "B", "2026-03-02T10:00:35Z"),
        ("T-1", "B", "2026-03-02T10:01:10Z"), ("T-2", "A", "2026-03-02T10:01:10Z")]
    assert "declined by A at 2026-03-02T10:00:12Z" in decisions[2]["reasons"]
    assert "offer to B lapsed at 2026-03-02T10:00:35Z" in decisions[3]["reasons"]
    # Served counts the accepted tickets; A holds T-2, on offer.
    assert err.splitlines() == [
        "agent  status  queues  served  holding  offered",
        "A      online  desk    0       1        1",
        "B      online  desk    1       1        0",
        "waiting: 0, on offer: 1",
    ]


def test_route_command_names_the_operation_it_cannot_perform(capsys: pytest.CaptureFixture[str],
                                                              tmp_path: Path) -> None:
    # 09:59:00 comes before T-1 is routed: A holds no offer of it yet.
    assert main(route_args(tmp_path, [op("09:59:00", "accept", "A", "T-1")])) == 2
    assert capsys.readouterr().err.strip().endswith(
        f'{tmp_path / "ops.jsonl"}:1: agent "A" holds no offer of ticket "T-1" (the ticket is not in the router)')
    assert main(route_args(tmp_path, [op("10:00:01", "accept", "A", "T-1"), op("10:00:02", "reassign")])) == 2
    assert capsys.readouterr().err.strip().endswith(
        f"{tmp_path / 'ops.jsonl'}:2: op: \"reassign\" is not accept, decline or dispatch")
