#!/usr/bin/env python3
"""Writes the season of issue 14 as JSON Lines: synthetic tickets for comparing aftersales with
DuckDB, polars and pandas (bench/peer_kpi_bench.py) on a realistic shape.

    python3 bench/peer_tickets.py /tmp/season.jsonl                      # 200,000 tickets
    python3 bench/peer_tickets.py /tmp/season-1m.jsonl --tickets 1000000

Deterministic (the same seed writes the same bytes): 200 agents, tickets created over 8 days
in Asia/Shanghai from 2026-11-11 00:00, written in SHUFFLED order (not in creation order), about
7.5 events a ticket, times as ISO 8601 text with the +08:00 offset. Durations vary (log-normal
first responses with a median of a few minutes and a tail of days; resolutions of minutes to
days); some tickets are answered by a bot first, some carry internal notes, some are never
answered or never resolved, some are reopened and resolved again, some are rated.

Simplified so that every candidate can attribute the same way: each ticket has ONE agent,
assigned once before anything else that agent does, who writes every human reply; so a
ticket's owner (docs/kpi.md: the agent assigned at resolution, or now) is also the author of
its first human reply, and "by agent" means the same for ticket and reply metrics. A reopened
ticket is always resolved again, and `status` events come only before the first resolution.
Standard library only; no data is ever committed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 11, tzinfo=SHANGHAI)
DAYS = 8
AGENTS = 200
CHANNELS = ("chat", "chat", "chat", "email", "phone", "web")


def iso(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, SHANGHAI).isoformat()


def lognormal(rng: random.Random, median_s: float, sigma: float, cap_s: float) -> int:
    return max(1, int(min(cap_s, median_s * math.exp(rng.gauss(0.0, sigma)))))


def ticket(rng: random.Random, n: int, created: int) -> dict:
    agent = f"A-{rng.randrange(AGENTS):03d}"
    t = created
    events: list[dict] = [{"at": iso(t), "type": "customer_message"}]

    def add(delay: int, kind: str, **extra: object) -> None:
        nonlocal t
        t += delay
        events.append({"at": iso(t), "type": kind, **extra})

    add(lognormal(rng, 30, 1.0, 3600), "assigned", agent=agent, queue="general")
    if rng.random() < 0.2:
        add(rng.randrange(1, 60), "agent_reply", agent="bot", bot=True)
    answered = rng.random() < 0.93
    if answered:
        add(lognormal(rng, 600, 1.3, 3 * 86_400), "agent_reply", agent=agent)
        for _ in range(rng.choice((0, 1, 1, 1, 2, 3))):      # more rounds with the customer
            add(lognormal(rng, 900, 1.2, 86_400), "customer_message")
            if rng.random() < 0.1:
                add(rng.randrange(5, 300), "agent_reply", agent=agent, public=False)  # internal note
            add(lognormal(rng, 400, 1.2, 86_400), "agent_reply", agent=agent)
        if rng.random() < 0.3:
            add(rng.randrange(1, 120), "status", to="pending_customer")
    if rng.random() < (0.9 if answered else 0.3):
        add(lognormal(rng, 3600, 1.1, 4 * 86_400), "resolved")
        if rng.random() < 0.06:
            add(lognormal(rng, 7200, 1.0, 86_400), "reopened")
            add(lognormal(rng, 600, 1.0, 86_400), "agent_reply", agent=agent)
            add(lognormal(rng, 1800, 1.0, 86_400), "resolved")
        if rng.random() < 0.6:
            add(lognormal(rng, 600, 1.0, 86_400), "satisfaction", score=rng.choices((1, 2, 3, 4, 5), (1, 1, 2, 4, 8))[0])
    return {"id": f"T-{n}", "created_at": iso(created), "channel": CHANNELS[n % len(CHANNELS)],
            "customer": {"id": f"C-{rng.randrange(1_000_000)}"}, "events": events}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="the JSON Lines file to write (under /tmp; never commit it)")
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    start = int(START.timestamp())
    created = sorted(start + rng.randrange(DAYS * 86_400) for _ in range(args.tickets))
    order = list(range(args.tickets))
    rng.shuffle(order)                                   # ids follow creation; the file does not
    events = 0
    with open(args.path, "w", encoding="utf-8") as out:
        for n in order:
            t = ticket(random.Random(args.seed * 1_000_003 + n), n, created[n])
            events += len(t["events"])
            out.write(json.dumps(t, separators=(",", ":")) + "\n")
    print(f"{args.tickets} tickets, {events} events ({events / args.tickets:.2f} a ticket) -> {args.path}")


if __name__ == "__main__":
    main()
