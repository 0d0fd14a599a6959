#!/usr/bin/env python3
"""Peak memory of holding tickets and of KPIs over a JSON Lines file, aftersales beside DuckDB and
polars (issue 14): each candidate runs alone in a fresh interpreter that imports only what it
needs, and reports its process peak (resident set, `ru_maxrss`) and the peak minus what the
interpreter held after its imports, so that a library's import is not charged to its work.

    python3 bench/peer_tickets.py --tickets 1000000 /tmp/season_1m.jsonl
    .venv/bin/python bench/peer_memory.py /tmp/season_1m.jsonl

Requirements as bench/peer_kpi_bench.py (whose queries this reuses): numpy pandas polars duckdb.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hold_batch(path: str) -> str:
    import aftersales
    batch = aftersales.TicketBatch.from_file(path)
    return f"{len(batch):,} tickets"


def after_kpis_file(path: str) -> str:
    import aftersales
    import peer_kpi_bench as peers
    engine = aftersales.KpiEngine(aftersales.Policy.from_json(peers.POLICY))
    return f"{len(peers.after_lines(engine, path).groups):,} groups"


def duck_kpis_file(path: str) -> str:
    import peer_kpi_bench as peers
    return f"{len(peers.duck_file(peers.duck_connect(), path)):,} groups"


def polars_kpis_file(path: str) -> str:
    import peer_kpi_bench as peers
    return f"{peers.polars_file(path).height:,} groups"


CANDIDATES: dict[str, tuple[str, Callable[[str], str]]] = {
    "aftersales-batch": ("hold the tickets: aftersales TicketBatch.from_file", hold_batch),
    "aftersales-kpis": ("KPIs by agent and day from the file: aftersales", after_kpis_file),
    "duckdb-kpis": ("KPIs by agent and day from the file: DuckDB read_json + SQL", duck_kpis_file),
    "polars-kpis": ("KPIs by agent and day from the file: polars scan_ndjson", polars_kpis_file),
}

IMPORTS = {"aftersales": ["aftersales"], "duckdb": ["duckdb", "peer_kpi_bench"],
           "polars": ["polars", "peer_kpi_bench"]}


def run_one(name: str, path: str) -> None:
    sys.path.insert(0, str(HERE))
    # What the candidate's imports hold is its baseline (peer_kpi_bench imports all three peers,
    # so every candidate that uses it pays the same).
    for module in IMPORTS[name.split("-")[0]]:
        __import__(module)
    baseline = peak_mib()
    start = time.perf_counter()
    what = CANDIDATES[name][1](path)
    seconds = time.perf_counter() - start
    print(f"{peak_mib():.0f} {baseline:.0f} {seconds:.2f} {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="JSON Lines written by bench/peer_tickets.py")
    parser.add_argument("--only", choices=sorted(CANDIDATES), action="append", help="run only these")
    parser.add_argument("--one", choices=sorted(CANDIDATES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args.path)
        return
    size = os.path.getsize(args.path) / 2**20
    print(f"{args.path}: {size:,.0f} MiB of JSON Lines. Peak resident memory, each candidate alone:")
    print("| candidate | peak | peak less imports | seconds | result |")
    print("|---|---|---|---|---|")
    for name in args.only or CANDIDATES:
        out = subprocess.run([sys.executable, __file__, args.path, "--one", name], check=True,
                             capture_output=True, text=True).stdout.split(maxsplit=3)
        peak, baseline, seconds, what = float(out[0]), float(out[1]), out[2], out[3].strip()
        print(f"| {CANDIDATES[name][0]} | {peak:,.0f} MiB | {peak - baseline:,.0f} MiB | {seconds} | {what} |",
              flush=True)


if __name__ == "__main__":
    main()
