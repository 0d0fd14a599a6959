"""Writes two tickets of about 1 MB each into the directory named, seeds that scripts/test gives
fuzz_ticket (with -max_len=1048576) so that its inputs have thousands of events from the start:
a replay that grows faster than the events then runs past the fuzzer's timeout.

    python3 fuzz/long_tickets.py build-fuzz/seeds/ticket
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

# Early enough that both later instants fuzz_ticket evaluates at replay every event.
CREATED = dt.datetime(2026, 8, 1, 10, 0, tzinfo=dt.timezone.utc)
LIMIT = 1_000_000  # bytes, under libFuzzer's -max_len, which would cut a longer seed short

# Every 10 minutes: a message and a late reply (an urgent ticket: a new next_response clock each
# time, breached), or a resolution and a reopen (a normal one: a follow-up visit started and
# cancelled each time). Each under fuzz_ticket's policy for VIP tickets tagged "x".
ROUNDS = {
    "alternating": ("urgent", [(0, {"type": "customer_message"}), (3, {"type": "agent_reply", "agent": "A-1"})]),
    "reopens": ("normal", [(0, {"type": "resolved"}), (5, {"type": "reopened"})]),
}


def instant(minutes: int) -> str:
    return (CREATED + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def ticket(priority: str, events: list[dict[str, str]]) -> str:
    document = {"id": "T-long", "created_at": instant(0), "priority": priority,
                "customer": {"tier": "vip"}, "tags": ["x"], "events": events}
    return json.dumps(document, separators=(",", ":"))


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, (priority, pattern) in ROUNDS.items():
        events: list[dict[str, str]] = []
        size = len(ticket(priority, events))
        for n in range(LIMIT):
            added = [{"at": instant(10 * n + after), **event} for after, event in pattern]
            cost = sum(len(json.dumps(e, separators=(",", ":"))) + 1 for e in added)
            if size + cost > LIMIT:
                break
            events += added
            size += cost
        (out / f"long-{name}.json").write_text(ticket(priority, events), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
