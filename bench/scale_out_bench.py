"""KPIs (and optionally the SLA replay) of a JSON Lines file in one pass, on Dask (a
distributed LocalCluster) or on Spark (local mode), for docs/scale-out.md:

    python3 bench/double11_tickets.py 1000000 > /tmp/season.jsonl
    .venv/bin/python bench/scale_out_bench.py one-pass /tmp/season.jsonl
    .venv/bin/python bench/scale_out_bench.py dask /tmp/season.jsonl --workers 2
    .venv/bin/python bench/scale_out_bench.py spark /tmp/season.jsonl --workers 2

Each prints the time of the job itself (the cluster or the JVM already started) and a SHA-256
of the KPI result's JSON: the three must print the same one (states merge exactly). Run it
under farm-bench for the whole process, start-up included. `--sla` also replays every SLA
clock and counts the metric instances by state.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import os
import sys
import time

import aftersales

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICY = os.path.join(REPO, "examples", "policies", "cn-marketplace.json")
# After the last of a million tickets 4 s apart from 2026-11-11 (bench/double11_tickets.py) and
# their histories.
AT = dt.datetime(2027, 1, 3, tzinfo=dt.timezone(dt.timedelta(hours=8)))
GROUP_BY = ["agent", "day"]
OPTIONS = {"time_zone": "Asia/Shanghai"}


def one_pass(policy: aftersales.Policy, path: str, sla: bool) -> tuple[aftersales.KpiResult, dict[str, int]]:
    batch = aftersales.TicketBatch.from_file(path)
    kpis = aftersales.KpiEngine(policy).compute(batch, AT, GROUP_BY, **OPTIONS)
    states: dict[str, int] = {}
    if sla:
        reports = aftersales.SlaEngine(policy).evaluate_many(batch, AT)
        states = dict(collections.Counter(m.state for r in reports for m in r.metrics))
    return kpis, states


def on_dask(policy: aftersales.Policy, path: str, sla: bool, workers: int) -> tuple[aftersales.KpiResult, dict[str, int]]:
    import distributed

    import aftersales.dask

    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        start = time.perf_counter()
        kpis = aftersales.dask.kpis(policy, path, AT, GROUP_BY, **OPTIONS)
        states: dict[str, int] = {}
        if sla:
            frame = aftersales.dask.sla_frame(policy, path, AT)
            states = {str(k): int(v) for k, v in frame.groupby("state").size().compute().items()}
        print(f"job {time.perf_counter() - start:.2f} s", file=sys.stderr)
    return kpis, states


def on_spark(policy: aftersales.Policy, path: str, sla: bool, workers: int) -> tuple[aftersales.KpiResult, dict[str, int]]:
    from pyspark.sql import SparkSession

    import aftersales.spark

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(f"local[{workers}]").config("spark.ui.enabled", "false")
             .config("spark.driver.memory", "4g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        start = time.perf_counter()
        kpis = aftersales.spark.kpis(policy, path, AT, GROUP_BY, **OPTIONS)
        states: dict[str, int] = {}
        if sla:
            frame = aftersales.spark.sla_frame(policy, path, AT).where("state is not null")
            counted = frame.groupBy("state").count().collect()
            states = {row["state"]: row["count"] for row in counted}
        print(f"job {time.perf_counter() - start:.2f} s", file=sys.stderr)
    finally:
        spark.stop()
    return kpis, states


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("engine", choices=["one-pass", "dask", "spark"])
    parser.add_argument("path")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes or Spark local[N] cores")
    parser.add_argument("--sla", action="store_true", help="also replay the SLA clocks")
    args = parser.parse_args()
    policy = aftersales.Policy.from_file(POLICY)
    start = time.perf_counter()
    if args.engine == "one-pass":
        kpis, states = one_pass(policy, args.path, args.sla)
    elif args.engine == "dask":
        kpis, states = on_dask(policy, args.path, args.sla, args.workers)
    else:
        kpis, states = on_spark(policy, args.path, args.sla, args.workers)
    elapsed = time.perf_counter() - start
    digest = hashlib.sha256(kpis.to_json().encode()).hexdigest()[:16]
    print(f"{args.engine}: {len(kpis)} groups, KPI sha256 {digest}, {elapsed:.2f} s with start-up"
          + (f", SLA states {dict(sorted(states.items()))}" if states else ""))


if __name__ == "__main__":
    main()
