"""When is a ticket due? Business calendars of the example marketplace policy.

    python examples/python/calendar_example.py [examples/policies/cn-marketplace.json]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

import aftersales

DEFAULT_POLICY = Path(__file__).resolve().parents[1] / "policies" / "cn-marketplace.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(t: dt.datetime) -> str:
    return t.astimezone(SHANGHAI).strftime("%a %d %b %H:%M")


def main() -> None:
    policy = aftersales.Policy.from_file(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_POLICY)
    service = policy.calendar("cn-service")
    print(f"{service.name}: service hours in {service.time_zone}")

    # Tickets opened during the Double 11 night and in the week after, each with a 2-hour
    # first-reply target counted in service hours.
    opened = [
        dt.datetime(2026, 11, 11, 0, 5, tzinfo=SHANGHAI),
        dt.datetime(2026, 11, 12, 23, 10, tzinfo=SHANGHAI),
        dt.datetime(2026, 11, 17, 2, 0, tzinfo=SHANGHAI),
    ]
    target = dt.timedelta(hours=2)
    for t in opened:
        state = "open" if service.is_open(t) else f"closed until {local(service.next_open(t))}"
        print(f"  ticket opened {local(t)} ({state}): reply due {local(service.add(t, target))}")

    # The same question for a whole day of tickets at once, one per minute of 17 November in
    # Beijing, as NumPy arrays. datetime64 has no time zone: these are UTC instants.
    minutes = np.arange("2026-11-16T16:00", "2026-11-17T16:00", dtype="datetime64[m]")
    in_hours = service.is_open_many(minutes)
    due = service.add_many(minutes, target)
    latest = due.max().item().replace(tzinfo=dt.timezone.utc)
    print(f"  {minutes.size} tickets on 17 Nov, {in_hours.sum()} of them opened in service hours;")
    print(f"  the last reply is due {local(latest)}")
    # Business time from each opening to its due instant is exactly the target.
    assert (service.between_many(minutes, due) == np.timedelta64(2, "h")).all()

if __name__ == "__main__":
    try:
        main()
    except aftersales.Error as error:
        sys.exit(f"calendar_example: {error}")
