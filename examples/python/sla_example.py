"""Where do a ticket's SLA clocks stand? The example marketplace policy's SLA section at work.

    python examples/python/sla_example.py [examples/policies/cn-marketplace.json]
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aftersales

DEFAULT_POLICY = Path(__file__).resolve().parents[1] / "policies" / "cn-marketplace.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")

# A VIP chat ticket opened late on Tuesday 17 November (Beijing): a bot answers first, an agent
# a minute later and asks for photos; the customer sends them the next morning and asks for a
# refund, which is still being processed.
TICKET: dict[str, Any] = {
    "id": "T-2001",
    "created_at": "2026-11-17T23:50:00+08:00",
    "channel": "chat",
    "category": "after_sales/refund",
    "customer": {"id": "C-88", "tier": "vip"},
    "order": {"id": "O-5150", "amount": "899.00", "currency": "CNY"},
    "events": [
        {"at": "2026-11-17T23:50:00+08:00", "type": "customer_message"},
        {"at": "2026-11-17T23:50:30+08:00", "type": "agent_reply", "bot": True},
        {"at": "2026-11-17T23:51:00+08:00", "type": "agent_reply", "agent": "A-7"},
        {"at": "2026-11-17T23:55:00+08:00", "type": "status", "to": "pending_customer"},
        {"at": "2026-11-18T10:30:00+08:00", "type": "customer_message"},
        {"at": "2026-11-18T10:32:30+08:00", "type": "agent_reply", "agent": "A-7"},
        {"at": "2026-11-18T10:33:00+08:00", "type": "refund_requested"},
    ],
}


def local(t: dt.datetime | None) -> str:
    return "-" if t is None else t.astimezone(SHANGHAI).strftime("%a %d %b %H:%M:%S")


def show(report: aftersales.SlaReport, at: dt.datetime) -> None:
    print(f"{report.ticket} at {local(at)}: SLA policy {report.policy}, priority {report.priority}")
    for m in report.metrics:
        name = f"{m.metric} #{m.cycle}" if m.metric == "next_response" else m.metric
        clock = f"{aftersales.format_duration(m.elapsed)} of {aftersales.format_duration(m.target)}"
        when = f"due {local(m.due_at)}" if m.due_at else f"completed {local(m.completed_at)}" if m.completed_at else ""
        print(f"  {name:<18} {m.state:<9} {clock:<14} {m.percent:6.1f}%  {when}".rstrip())
    for e in report.escalations:
        to = f" to {e.to}" if e.to else ""
        print(f"  escalation: {e.metric} #{e.cycle} reached {e.percent}% at {local(e.reached_at)}: {e.action}{to}")
    # A host schedules one timer per ticket at next_check_at, and evaluates again when it fires
    # or when the next event arrives.
    print(f"  look again at {local(report.next_check_at)}")


def main() -> None:
    sla = aftersales.SlaEngine(aftersales.Policy.from_file(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_POLICY))

    # What-if replay: events after `at` are ignored, so any past moment can be evaluated.
    for at in (dt.datetime(2026, 11, 17, 23, 58, tzinfo=SHANGHAI), dt.datetime(2026, 11, 18, 12, 0, tzinfo=SHANGHAI)):
        show(sla.evaluate(TICKET, at), at)

    # A night of Double 11 replayed in one call: a chat ticket every 10 seconds from midnight
    # to 02:00, answered after 0 to 4 minutes. The GIL is released while the threads work.
    tickets = []
    start = dt.datetime(2026, 11, 11, 0, 0, tzinfo=SHANGHAI)
    for i in range(720):
        created = start + dt.timedelta(seconds=10 * i)
        reply = created + dt.timedelta(seconds=i % 5 * 60)
        tickets.append({
            "id": f"D11-{i}",
            "created_at": created.isoformat(),
            "channel": "chat",
            "customer": {"tier": "vip" if i % 4 == 0 else "regular"},
            "events": [{"at": reply.isoformat(), "type": "agent_reply"}],
        })  # fmt: skip
    at = dt.datetime(2026, 11, 11, 3, 0, tzinfo=SHANGHAI)
    states = Counter(
        (report.policy, report.metrics[0].state) for report in sla.evaluate_many(tickets, at)
    )
    print(f"Double 11, {len(tickets)} chats from 00:00 to 02:00, first_response at 03:00:")
    for (sla_policy, state), count in sorted(states.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        print(f"  {sla_policy:<9} {state:<9} {count}")


if __name__ == "__main__":
    try:
        main()
    except aftersales.Error as error:
        sys.exit(f"sla_example: {error}")
