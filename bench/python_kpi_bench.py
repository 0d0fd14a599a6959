"""KPIs from Python against a straightforward pandas groupby (issue 6: at least 5x faster),
measured side by side in one run on the same ticket dicts.

    .venv/bin/python bench/python_kpi_bench.py [--tickets 50000] [--repeat 3] [--threads 0]

Synthetic tickets of 10 events each (assigned, two replies, a pause, a customer message, a
resolution, a follow-up, a rating, ...), grouped by agent. The policy has no calendar and no
SLA section, so both sides compute plain elapsed times and the same definitions
(docs/kpi.md): tickets, resolved, backlog, first response and resolution mean/p50/p90 (lower
quantiles), FCR, one-touch, CSAT, reopen and bot-resolution rates. pandas starts from the
same list of dicts (flattening them into an events frame is part of its work, as it is part
of ours); both results are compared before any figure is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from typing import Any

import aftersales

UTC = dt.timezone.utc
AT = dt.datetime(2026, 11, 30, tzinfo=UTC)
POLICY = {"schema_version": 1}


def make_tickets(count: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    base = dt.datetime(2026, 11, 11, tzinfo=UTC)
    tickets = []
    for i in range(count):
        created = base + dt.timedelta(seconds=rng.randrange(86_400 * 3))
        agent = f"A-{rng.randrange(200):03d}"
        t = created
        events = []

        def add(kind: str, **extra: Any) -> None:
            nonlocal t
            t += dt.timedelta(seconds=rng.randrange(1, 3600))
            events.append({"at": int(t.timestamp() * 1000), "type": kind, **extra})

        add("customer_message")
        add("assigned", agent=agent, queue="returns")
        add("agent_reply", agent=agent)
        add("status", to="pending_customer")
        add("customer_message")
        if rng.random() < 0.5:
            add("agent_reply", agent=agent)
        else:
            add("agent_reply", agent="bot", bot=True)
        if rng.random() < 0.8:
            add("resolved")
        else:
            add("customer_message")
        add("follow_up")
        add("satisfaction", score=rng.randrange(1, 6))
        add("nps", score=rng.randrange(0, 11))
        tickets.append({"id": f"T-{i}", "created_at": int(created.timestamp() * 1000), "channel": "chat",
                        "events": events})
    return tickets


def library(policy: aftersales.Policy, tickets: list[dict[str, Any]], threads: int) -> dict[str, dict[str, Any]]:
    result = aftersales.KpiEngine(policy).compute(tickets, AT, group_by=["agent"], threads=threads)
    return {g["key"]["agent"]: g for g in result.groups}


def pandas_kpis(tickets: list[dict[str, Any]]) -> Any:
    """What an analyst would write: flatten the events, derive per-ticket facts with groupby,
    then aggregate per agent."""
    import pandas as pd

    at_ms = int(AT.timestamp() * 1000)
    rows = [(t["id"], t["created_at"], e["at"], e["type"], e.get("agent"), e.get("bot", False),
             e.get("public", True), e.get("score")) for t in tickets for e in t["events"]]
    ev = pd.DataFrame(rows, columns=["id", "created", "at", "type", "agent", "bot", "public", "score"])
    ev = ev[ev["at"] <= at_ms]
    created = ev.groupby("id", sort=False)["created"].first()
    human = ev[(ev["type"] == "agent_reply") & ev["public"] & ~ev["bot"]]
    first_reply = human.groupby("id")["at"].min()
    replies = human.groupby("id").size()
    resolved_at = ev[ev["type"] == "resolved"].groupby("id")["at"].max()
    owner = ev[ev["type"] == "assigned"].groupby("id")["agent"].last()
    csat = ev[ev["type"] == "satisfaction"].groupby("id")["score"].last()
    facts = pd.DataFrame({"created": created})
    facts["owner"] = owner
    facts["first_response_s"] = (first_reply - facts["created"]) / 1000
    facts["resolution_s"] = (resolved_at - facts["created"]) / 1000
    facts["replies"] = replies.reindex(facts.index).fillna(0)
    facts["resolved"] = resolved_at.reindex(facts.index).notna()
    facts["fcr"] = facts["resolved"] & (facts["replies"] == 1)
    facts["bot"] = facts["resolved"] & (facts["replies"] == 0)
    facts["csat"] = csat
    g = facts.groupby("owner")
    out = pd.DataFrame({
        "tickets": g.size(),
        "resolved": g["resolved"].sum(),
        "first_response_mean": g["first_response_s"].mean(),
        "first_response_p50": g["first_response_s"].quantile(0.5, interpolation="lower"),
        "first_response_p90": g["first_response_s"].quantile(0.9, interpolation="lower"),
        "resolution_p50": g["resolution_s"].quantile(0.5, interpolation="lower"),
        "fcr_rate": g["fcr"].sum() / g["resolved"].sum(),
        "bot_resolution_rate": g["bot"].sum() / g["resolved"].sum(),
        "csat": g["csat"].apply(lambda s: (s >= 4).sum() / s.notna().sum()),
    })
    out["backlog"] = out["tickets"] - out["resolved"]
    return out


def check_same(ours: dict[str, dict[str, Any]], theirs: Any) -> None:
    assert sorted(ours) == sorted(theirs.index), "different agents"
    for agent, row in theirs.iterrows():
        g = ours[agent]
        assert g["tickets"] == row["tickets"] and g["resolved"] == row["resolved"], agent
        assert abs(g["first_response_s"]["mean"] - row["first_response_mean"]) < 1e-3, agent
        for ours_q, exact in ((g["first_response_s"]["p50"], row["first_response_p50"]),
                              (g["first_response_s"]["p90"], row["first_response_p90"]),
                              (g["resolution_s"]["p50"], row["resolution_p50"])):
            assert abs(ours_q - exact) <= 0.005 * exact + 1e-3, (agent, ours_q, exact)  # the sketch's bound
        for name in ("fcr_rate", "bot_resolution_rate", "csat"):
            assert abs(g[name] - row[name]) < 1e-12, (agent, name)


def best(fn: Any, repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="library threads (0: one per core)")
    args = parser.parse_args()
    policy = aftersales.Policy.from_json(POLICY)
    tickets = make_tickets(args.tickets)
    ours_time, ours = best(lambda: library(policy, tickets, args.threads), args.repeat)
    one_time, _ = best(lambda: library(policy, tickets, 1), args.repeat)
    pandas_time, theirs = best(lambda: pandas_kpis(tickets), args.repeat)
    check_same(ours, theirs)
    n = args.tickets
    print(f"{n} tickets of 10 events, by agent ({len(ours)} groups); best of {args.repeat}")
    print(f"  KpiEngine.compute, {args.threads or 'all'} threads  {ours_time:7.3f} s  {n / ours_time:>10,.0f} tickets/s")
    print(f"  KpiEngine.compute, 1 thread    {one_time:7.3f} s  {n / one_time:>10,.0f} tickets/s")
    print(f"  pandas groupby                 {pandas_time:7.3f} s  {n / pandas_time:>10,.0f} tickets/s")
    print(f"  speed-up: {pandas_time / ours_time:.1f}x (all threads), {pandas_time / one_time:.1f}x (one thread)")


if __name__ == "__main__":
    main()
