"""Two cores against one from Python (issue 14, point 6): each batch call on threads=1 and
threads=2, on the season of bench/peer_tickets.py, beside bench/batch_scaling.cpp's C++ calls.

    python3 bench/peer_tickets.py /tmp/peers_season.jsonl
    .venv/bin/python bench/python_batch_scaling.py /tmp/peers_season.jsonl [--repeat 3]

The calls: SlaEngine.evaluate_many on a TicketBatch and evaluate_lines on the bytes (the policy
of bench/season_policy.json), KpiEngine.compute on the TicketBatch and compute_lines on the
bytes by agent and day in Asia/Shanghai, and TicketBatch.from_lines. Reading the file and
building the TicketBatch the calls take are not timed, nor freeing what a call returns. Columns
as bench/batch_scaling.cpp prints them: wall and CPU ms on 1 and 2 threads, the CPU time of the
busier thread on 2 (the caller's, by time.thread_time, or the rest), CPUs = 2T CPU / 2T wall
(below 2 while other programs take a core), the wall-clock speedup, and "by CPU" = 1T CPU / 2T
busy, the speedup if neither thread ever waited for a core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import aftersales

AT = dt.datetime(2026, 11, 20, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TZ = "Asia/Shanghai"


class Timing(NamedTuple):
    wall: float
    cpu: float
    caller_cpu: float


def best_of(run: Callable[[], object], repeat: int) -> Timing:
    """The run with the least CPU time; what it returns is freed after the clocks are read."""
    best = Timing(float("inf"), float("inf"), float("inf"))
    for _ in range(repeat):
        start, cpu_start, caller_start = time.perf_counter(), time.process_time(), time.thread_time()
        result = run()
        caller, cpu = time.thread_time() - caller_start, time.process_time() - cpu_start
        wall = time.perf_counter() - start
        del result
        if cpu < best.cpu:
            best = Timing(min(wall, best.wall), cpu, caller)
        else:
            best = best._replace(wall=min(wall, best.wall))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tickets", help="JSON Lines of tickets (bench/peer_tickets.py)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    policy = aftersales.Policy.from_file(Path(__file__).with_name("season_policy.json"))
    sla, kpi = aftersales.SlaEngine(policy), aftersales.KpiEngine(policy)
    jsonl = Path(args.tickets).read_bytes()
    batch = aftersales.TicketBatch.from_lines(jsonl)
    calls: list[tuple[str, Callable[[int], object]]] = [
        ("SlaEngine.evaluate_many(batch)", lambda n: sla.evaluate_many(batch, AT, n)),
        ("SlaEngine.evaluate_lines", lambda n: sla.evaluate_lines(jsonl, AT, n)),
        ("KpiEngine.compute(batch)", lambda n: kpi.compute(batch, AT, ["agent", "day"], TZ, threads=n)),
        ("KpiEngine.compute_lines", lambda n: kpi.compute_lines(jsonl, AT, ["agent", "day"], TZ, threads=n)),
        ("TicketBatch.from_lines", lambda n: aftersales.TicketBatch.from_lines(jsonl, n)),
    ]
    print(f"{len(batch)} tickets, best of {args.repeat}; ms by the wall clock and in CPU time (1T, 2T: threads)")
    print(f"{'call':<32} {'1T wall':>8} {'1T cpu':>8} {'2T wall':>8} {'2T cpu':>8} {'2T busy':>8} "
          f"{'CPUs':>5} {'speedup':>7} {'by CPU':>7}")
    for name, run in calls:
        one = best_of(lambda: run(1), args.repeat)
        two = best_of(lambda: run(2), args.repeat)
        busier = max(two.caller_cpu, two.cpu - two.caller_cpu)
        print(f"{name:<32} {one.wall * 1e3:>8.1f} {one.cpu * 1e3:>8.1f} {two.wall * 1e3:>8.1f} {two.cpu * 1e3:>8.1f} "
              f"{busier * 1e3:>8.1f} {two.cpu / two.wall:>5.2f} {one.wall / two.wall:>7.2f} {one.cpu / busier:>7.2f}")


if __name__ == "__main__":
    main()
