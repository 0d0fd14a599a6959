#!/usr/bin/env python3
"""Writes a Double 11 night of tickets as JSON Lines, for timing `aftersales route`, `sla` and
`kpi` on more than the twelve example tickets.

Ticket n is example ticket n % 12 (examples/tickets/double11.jsonl, with its whole history:
bot hand-offs, assignments, resolutions, reopens) moved in time to start 4 s after ticket n - 1,
with its own id and one of 50,000 customers, so the backlog grows through the night as it does
when arrivals outpace the desk. The same shape as `bench/routing_scale replay`.

    python3 bench/double11_tickets.py 100000 > /tmp/night.jsonl
"""

import datetime as dt
import json
import pathlib
import sys

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "tickets" / "double11.jsonl"
SPACING = dt.timedelta(seconds=4)
CUSTOMERS = 50_000


def shifted(text: str, by: dt.timedelta) -> str:
    return (dt.datetime.fromisoformat(text) + by).isoformat()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    templates = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    night = dt.datetime.fromisoformat(templates[0]["created_at"])
    out = sys.stdout
    for n in range(count):
        ticket = json.loads(json.dumps(templates[n % len(templates)]))
        by = night + n * SPACING - dt.datetime.fromisoformat(ticket["created_at"])
        ticket["id"] = f"T-{n}"
        ticket["customer"]["id"] = f"C-{n % CUSTOMERS}"
        ticket["created_at"] = shifted(ticket["created_at"], by)
        for event in ticket.get("events", []):
            event["at"] = shifted(event["at"], by)
        out.write(json.dumps(ticket, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
