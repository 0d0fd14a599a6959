#!/usr/bin/env python3
"""KPIs by agent and day with aftersales beside DuckDB, polars and pandas (issue 14), on the
same tickets in one process run, every group's values checked equal before a figure is printed.

    python3 bench/peer_tickets.py /tmp/season.jsonl            # 200,000 tickets (see there)
    .venv/bin/python bench/peer_kpi_bench.py /tmp/season.jsonl [--repeat 3] [--skip-dicts]

Requirements (benchmark only, never needed by the library or its tests):
    pip install numpy pandas polars duckdb     # plus the aftersales package itself

Three inputs, each timed for every candidate that can take it:
- loaded: aftersales a `TicketBatch`; each peer an already loaded columnar events table (one
  row per event: ticket, created, at as epoch milliseconds, type, agent, bot, public, score) —
  a DuckDB table, a polars DataFrame, a pandas DataFrame;
- dicts: the list of ticket dicts (`json.loads` of each line); aftersales reads them itself,
  each peer flattens them into event columns (the one Python loop a peer cannot avoid) and
  parses the ISO 8601 times vectorised;
- file: the JSON Lines file; aftersales `compute_file` on its path (read in blocks), DuckDB
  `read_json` and polars `scan_ndjson` with the events' schema given (pandas has no vectorised
  reader of nested JSON Lines, so it has no entry).

KPIs (docs/kpi.md), grouped by agent and the day of `created_at` in Asia/Shanghai: tickets,
resolved, backlog, first response count/mean/p50/p90, resolution p50, CSAT, FCR. The policy has
no calendar and no SLA section, so every duration is plain elapsed time, which the peers compute
too. Quantiles are the lower quantile, the value of rank floor(q * (n - 1)): polars and pandas
`interpolation="lower"`; DuckDB's `quantile_disc` takes another rank, so the SQL sorts a list per
group. aftersales' quantiles are exact up to 32 values and within 0.5% above (a sketch), so they
are compared within 1%. Counts must be equal, rates within float rounding, means within
aftersales' printed millisecond. The data (bench/peer_tickets.py) has one agent a ticket, so
owner and first replier are the same agent and every candidate attributes alike. Every
candidate uses both cores (aftersales `threads=0`, the peers' defaults).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from typing import Any, Callable

import aftersales
import duckdb
import numpy as np
import pandas as pd
import polars as pl

TZ = "Asia/Shanghai"
AT = dt.datetime(2027, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))   # after every event
AT_MS = int(AT.timestamp() * 1000)
POLICY = {"schema_version": 1}                   # no calendar, no SLA: elapsed time
COLUMNS = ["ticket", "created", "at", "type", "agent", "bot", "public", "score"]
ISO = "%Y-%m-%dT%H:%M:%S%z"
METRICS = ["tickets", "resolved", "backlog", "fr_count", "fr_mean", "fr_p50", "fr_p90", "res_p50",
           "csat", "fcr"]
Result = dict[tuple[str, str], dict[str, Any]]


# ---------------------------------------------------------------------------------------------
# aftersales

def after_compute(engine: aftersales.KpiEngine, tickets: Any) -> Any:
    return engine.compute(tickets, AT, group_by=["agent", "day"], time_zone=TZ)


def after_file(engine: aftersales.KpiEngine, path: str) -> Any:
    return engine.compute_file(path, AT, group_by=["agent", "day"], time_zone=TZ)


def after_result(kpis: Any) -> Result:
    out: Result = {}
    for g in kpis.groups:
        fr, res = g["first_response_s"], g["resolution_s"]
        out[(g["key"]["agent"], g["key"]["day"])] = {
            "tickets": g["tickets"], "resolved": g["resolved"], "backlog": g["backlog"],
            "fr_count": fr["count"], "fr_mean": fr["mean"], "fr_p50": fr["p50"], "fr_p90": fr["p90"],
            "res_p50": res["p50"], "csat": g["csat"], "fcr": g["fcr_rate"]}
    return out


# ---------------------------------------------------------------------------------------------
# the peers' inputs

def flatten(tickets: list[dict[str, Any]]) -> dict[str, Any]:
    """Ticket dicts to event columns, times still ISO 8601 text (each peer parses them)."""
    events = [e for t in tickets for e in t["events"]]
    counts = np.fromiter((len(t["events"]) for t in tickets), dtype=np.int64, count=len(tickets))
    return {"ticket": np.repeat(np.array([t["id"] for t in tickets], dtype=object), counts),
            "created": np.repeat(np.array([t["created_at"] for t in tickets], dtype=object), counts),
            "at": [e["at"] for e in events], "type": [e["type"] for e in events],
            "agent": [e.get("agent") for e in events], "bot": [e.get("bot", False) for e in events],
            "public": [e.get("public", True) for e in events], "score": [e.get("score") for e in events]}


def pandas_frame(cols: dict[str, Any]) -> pd.DataFrame:
    """Text columns as plain objects: pandas 3 would check every value to infer its str dtype."""
    return pd.DataFrame({k: pd.Series(v, dtype=object) if k not in ("bot", "public", "score") else v
                         for k, v in cols.items()})


def loaded_columns(tickets: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """The already loaded table (built once, not timed): times as epoch milliseconds."""
    cols = flatten(tickets)
    ms = {name: pd.to_datetime(pd.Series(cols[name], dtype=object), format=ISO, utc=True).dt.as_unit("ms")
          .astype("int64").to_numpy() for name in ("created", "at")}
    return {"ticket": np.array(cols["ticket"], dtype=object), **ms,
            "type": np.array(cols["type"], dtype=object), "agent": np.array(cols["agent"], dtype=object),
            "bot": np.array(cols["bot"], dtype=bool), "public": np.array(cols["public"], dtype=bool),
            "score": np.array([np.nan if s is None else s for s in cols["score"]], dtype=float)}


# ---------------------------------------------------------------------------------------------
# pandas

def pandas_epoch_ms(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format=ISO, utc=True).dt.as_unit("ms").astype("int64")


def pandas_kpis(ev: pd.DataFrame) -> pd.DataFrame:
    ev = ev[ev["at"] <= AT_MS]
    ticket = pd.factorize(ev["ticket"])[0]          # integer keys once: groupby on them is fast
    kind, kinds = pd.factorize(ev["type"])
    at = ev["at"].to_numpy()

    def of(name: str) -> np.ndarray:
        return kind == kinds.get_indexer([name])[0]

    def per_ticket(values: Any, mask: np.ndarray, how: str) -> pd.Series:
        return pd.Series(np.asarray(values)[mask]).groupby(ticket[mask]).agg(how)

    facts = pd.DataFrame({"created": pd.Series(ev["created"].to_numpy()).groupby(ticket).first()})
    facts["owner"] = per_ticket(ev["agent"], of("assigned"), "last")
    human = of("agent_reply") & ev["public"].to_numpy() & ~ev["bot"].to_numpy()
    first = per_ticket(at, human, "min")
    replies = per_ticket(at, human, "size").reindex(facts.index, fill_value=0)
    res = per_ticket(at, of("resolved"), "max").reindex(facts.index)
    reop = per_ticket(at, of("reopened"), "max").reindex(facts.index)
    solved = res.notna() & ~(reop >= res)
    facts["solved"] = solved
    facts["fr"] = (first.reindex(facts.index) - facts["created"]) / 1000
    facts["res"] = ((res - facts["created"]) / 1000).where(solved)
    facts["fcr"] = solved & (replies == 1) & reop.isna()
    csat = per_ticket(ev["score"], of("satisfaction"), "last").reindex(facts.index)
    facts["rated"] = csat.notna()
    facts["satisfied"] = csat >= 4
    facts["day"] = (pd.to_datetime(facts["created"], unit="ms", utc=True).dt.tz_convert(TZ)
                    .dt.tz_localize(None).dt.floor("D"))
    g = facts.groupby(["owner", "day"])
    out = pd.DataFrame({
        "tickets": g.size(), "resolved": g["solved"].sum(), "fr_count": g["fr"].count(),
        "fr_mean": g["fr"].mean(),
        "fr_p50": g["fr"].quantile(0.5, interpolation="lower"),
        "fr_p90": g["fr"].quantile(0.9, interpolation="lower"),
        "res_p50": g["res"].quantile(0.5, interpolation="lower"),
        "csat": g["satisfied"].sum() / g["rated"].sum(),
        "fcr": g["fcr"].sum() / g["solved"].sum()})
    out["backlog"] = out["tickets"] - out["resolved"]
    return out


def pandas_dicts(tickets: list[dict[str, Any]]) -> pd.DataFrame:
    ev = pandas_frame(flatten(tickets))
    ev["created"] = pandas_epoch_ms(ev["created"])
    ev["at"] = pandas_epoch_ms(ev["at"])
    return pandas_kpis(ev)


def pandas_result(out: pd.DataFrame) -> Result:
    return {(owner, day.strftime("%Y-%m-%d")): row for (owner, day), row in out.to_dict("index").items()}


# ---------------------------------------------------------------------------------------------
# polars

POLARS_EVENTS = pl.Struct({"at": pl.String, "type": pl.String, "agent": pl.String, "bot": pl.Boolean,
                           "public": pl.Boolean, "score": pl.Int64})


def polars_kpis(ev: pl.LazyFrame) -> pl.DataFrame:
    kind = pl.col("type")
    human = (kind == "agent_reply") & pl.col("public") & ~pl.col("bot")
    facts = (ev.filter(pl.col("at") <= AT_MS)
             .group_by("ticket")
             .agg(created=pl.col("created").first(),
                  owner=pl.col("agent").filter(kind == "assigned").last(),
                  first=pl.col("at").filter(human).min(),
                  replies=human.sum(),
                  res=pl.col("at").filter(kind == "resolved").max(),
                  reop=pl.col("at").filter(kind == "reopened").max(),
                  csat=pl.col("score").filter(kind == "satisfaction").last())
             .with_columns(solved=pl.col("res").is_not_null()
                           & (pl.col("reop").is_null() | (pl.col("reop") < pl.col("res"))))
             .with_columns(fr=(pl.col("first") - pl.col("created")) / 1000,
                           res_s=pl.when(pl.col("solved")).then((pl.col("res") - pl.col("created")) / 1000),
                           fcr=pl.col("solved") & (pl.col("replies") == 1) & pl.col("reop").is_null(),
                           day=pl.from_epoch("created", time_unit="ms").dt.replace_time_zone("UTC")
                           .dt.convert_time_zone(TZ).dt.date()))
    return (facts.group_by("owner", "day")
            .agg(tickets=pl.len(), resolved=pl.col("solved").sum(), fr_count=pl.col("fr").count(),
                 fr_mean=pl.col("fr").mean(),
                 fr_p50=pl.col("fr").quantile(0.5, interpolation="lower"),
                 fr_p90=pl.col("fr").quantile(0.9, interpolation="lower"),
                 res_p50=pl.col("res_s").quantile(0.5, interpolation="lower"),
                 csat=(pl.col("csat") >= 4).sum() / pl.col("csat").count(),
                 fcr=pl.col("fcr").sum() / pl.col("solved").sum())
            .with_columns(backlog=pl.col("tickets") - pl.col("resolved"))
            .collect())


def polars_epoch_ms(name: str) -> pl.Expr:
    return pl.col(name).str.to_datetime(ISO, time_unit="ms").dt.epoch("ms")


def polars_dicts(tickets: list[dict[str, Any]]) -> pl.DataFrame:
    ev = pl.LazyFrame({k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in flatten(tickets).items()}).with_columns(created=polars_epoch_ms("created"), at=polars_epoch_ms("at"))
    return polars_kpis(ev)


def polars_file(path: str) -> pl.DataFrame:
    ev = (pl.scan_ndjson(path, schema={"id": pl.String, "created_at": pl.String, "events": pl.List(POLARS_EVENTS)})
          .explode("events").unnest("events")
          .select(ticket=pl.col("id"), created=polars_epoch_ms("created_at"), at=polars_epoch_ms("at"),
                  type="type", agent="agent", bot=pl.col("bot").fill_null(False),
                  public=pl.col("public").fill_null(True), score="score"))
    return polars_kpis(ev)


def polars_result(out: pl.DataFrame) -> Result:
    return {(r["owner"], r["day"].isoformat()): r for r in out.iter_rows(named=True)}


# ---------------------------------------------------------------------------------------------
# DuckDB

DUCK_KPIS = """
WITH facts AS (
  SELECT ticket, any_value(created) AS created,
         arg_max(agent, "at") FILTER (type = 'assigned') AS owner,
         min("at") FILTER (type = 'agent_reply' AND public AND NOT bot) AS first_reply,
         count(*) FILTER (type = 'agent_reply' AND public AND NOT bot) AS replies,
         max("at") FILTER (type = 'resolved') AS res,
         max("at") FILTER (type = 'reopened') AS reop,
         arg_max(score, "at") FILTER (type = 'satisfaction') AS csat
  FROM {events} WHERE "at" <= {at} GROUP BY ticket),
t AS (
  SELECT owner, CAST(to_timestamp(created / 1000) AS DATE) AS day,
         res IS NOT NULL AND (reop IS NULL OR reop < res) AS solved,
         (first_reply - created) / 1000 AS fr, reop, replies, csat, res, created
  FROM facts)
SELECT owner, day, count(*) AS tickets, count(*) FILTER (solved) AS resolved,
       count(*) FILTER (NOT solved) AS backlog,
       count(fr) AS fr_count, avg(fr) AS fr_mean,
       lower_quantile(list(fr) FILTER (fr IS NOT NULL), 0.5) AS fr_p50,
       lower_quantile(list(fr) FILTER (fr IS NOT NULL), 0.9) AS fr_p90,
       lower_quantile(list((res - created) / 1000) FILTER (solved), 0.5) AS res_p50,
       count(*) FILTER (csat >= 4) / count(csat) AS csat,
       count(*) FILTER (solved AND replies = 1 AND reop IS NULL) / count(*) FILTER (solved) AS fcr
FROM t GROUP BY owner, day
"""

DUCK_EVENTS_FROM_TEXT = """(SELECT ticket, epoch_ms(CAST(created AS TIMESTAMPTZ)) AS created,
  epoch_ms(CAST("at" AS TIMESTAMPTZ)) AS "at", type, agent, bot, public, score FROM {source})"""

DUCK_FILE = """(SELECT id AS ticket, created_at AS created, e."at" AS "at", e.type AS type, e.agent AS agent,
  coalesce(e.bot, false) AS bot, coalesce(e.public, true) AS public, e.score AS score
FROM (SELECT id, created_at, unnest(events) AS e FROM read_json('{path}', format = 'newline_delimited',
  columns = {{id: 'VARCHAR', created_at: 'VARCHAR',
    events: 'STRUCT("at" VARCHAR, type VARCHAR, agent VARCHAR, bot BOOLEAN, public BOOLEAN, score INTEGER)[]'}})))"""


def duck_connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{TZ}'")         # DATE of a TIMESTAMPTZ is read in Shanghai
    # quantile_disc picks another rank than floor(q * (n - 1)) (p90 of 12 values: the 11th, not
    # the 10th); the lower quantile, as aftersales, pandas and polars take it:
    con.execute("CREATE MACRO lower_quantile(l, q) AS "
                "CASE WHEN len(l) > 0 THEN list_sort(l)[CAST(floor(q * (len(l) - 1)) AS BIGINT) + 1] END")
    return con


def duck_kpis(con: duckdb.DuckDBPyConnection, events: str) -> list[tuple[Any, ...]]:
    return con.execute(DUCK_KPIS.format(events=events, at=AT_MS)).fetchall()


def duck_dicts(con: duckdb.DuckDBPyConnection, tickets: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    con.register("flat", pandas_frame(flatten(tickets)))
    try:
        return duck_kpis(con, DUCK_EVENTS_FROM_TEXT.format(source="flat"))
    finally:
        con.unregister("flat")


def duck_file(con: duckdb.DuckDBPyConnection, path: str) -> list[tuple[Any, ...]]:
    return duck_kpis(con, DUCK_EVENTS_FROM_TEXT.format(source=DUCK_FILE.format(path=path)))


def duck_result(rows: list[tuple[Any, ...]]) -> Result:
    names = ["tickets", "resolved", "backlog", "fr_count", "fr_mean", "fr_p50", "fr_p90", "res_p50", "csat", "fcr"]
    return {(r[0], r[1].isoformat()): dict(zip(names, r[2:])) for r in rows}


# ---------------------------------------------------------------------------------------------
# checks and timing

def missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def compare(name: str, ours: Result, theirs: Result) -> int:
    """Every group of `theirs` equal to `ours`; returns the number of groups checked."""
    assert sorted(ours) == sorted(theirs), f"{name}: different groups ({len(ours)} vs {len(theirs)})"
    for key, g in ours.items():
        t = theirs[key]
        for m in METRICS:
            a, b = g[m], t[m]
            if missing(a) or missing(b):
                assert missing(a) and missing(b), (name, key, m, a, b)
            elif m in ("tickets", "resolved", "backlog", "fr_count"):
                assert a == int(b), (name, key, m, a, b)
            elif m in ("fr_p50", "fr_p90", "res_p50"):
                exact = g["fr_count"] <= 32 if m.startswith("fr") else g["resolved"] <= 32
                tol = 1e-9 if exact else 0.01 * abs(b)
                assert abs(a - float(b)) <= tol + 1e-9, (name, key, m, a, b)
            elif m == "fr_mean":                      # aftersales prints seconds to the millisecond
                assert abs(a - float(b)) <= 0.0005 + 1e-9 * abs(a), (name, key, m, a, b)
            else:
                assert abs(a - float(b)) <= 1e-12, (name, key, m, a, b)
    return len(ours)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), value


def fmt(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="JSON Lines written by bench/peer_tickets.py")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-dicts", action="store_true", help="no dict inputs (for a large file)")
    args = parser.parse_args()

    engine = aftersales.KpiEngine(aftersales.Policy.from_json(POLICY))
    with open(args.path, "rb") as f:
        tickets = [json.loads(line) for line in f]
    events = sum(len(t["events"]) for t in tickets)
    batch = aftersales.TicketBatch.from_file(args.path)
    cols = loaded_columns(tickets)
    pandas_table = pd.DataFrame(cols)
    polars_table = pl.DataFrame({k: (v.tolist() if v.dtype == object else v) for k, v in cols.items()})
    con = duck_connect()
    con.execute("CREATE TABLE events AS SELECT * FROM pandas_table")
    if args.skip_dicts:
        del tickets

    runs: list[tuple[str, str, Callable[[], Any], Callable[[Any], Result]]] = [
        ("loaded", "aftersales", lambda: after_compute(engine, batch), after_result),
        ("loaded", "pandas", lambda: pandas_kpis(pandas_table), pandas_result),
        ("loaded", "polars", lambda: polars_kpis(polars_table.lazy()), polars_result),
        ("loaded", "DuckDB", lambda: duck_kpis(con, "events"), duck_result)]
    if not args.skip_dicts:
        runs += [
            ("dicts", "aftersales", lambda: after_compute(engine, tickets), after_result),
            ("dicts", "pandas", lambda: pandas_dicts(tickets), pandas_result),
            ("dicts", "polars", lambda: polars_dicts(tickets), polars_result),
            ("dicts", "DuckDB", lambda: duck_dicts(con, tickets), duck_result)]
    runs += [
        ("file", "aftersales", lambda: after_file(engine, args.path), after_result),
        ("file", "polars", lambda: polars_file(args.path), polars_result),
        ("file", "DuckDB", lambda: duck_file(con, args.path), duck_result)]

    timings: dict[tuple[str, str], tuple[float, float]] = {}
    reference: Result | None = None
    checked = 0
    for source, name, fn, to_result in runs:
        best, median, value = timed(fn, args.repeat)
        timings[(source, name)] = (best, median)
        result = to_result(value)
        if reference is None:
            reference = result
        else:
            checked += 1
            compare(f"{name} ({source})", reference, result)
        print(f"  {source:6} {name:10} best {fmt(best):>8}  median {fmt(median):>8}", flush=True)

    n = len(batch)
    print(f"\n{n:,} tickets, {events:,} events, {len(reference or {}):,} groups by agent and day; "
          f"all {checked} peer results equal to aftersales'. Best of {args.repeat} (median):")
    peers = ["pandas", "polars", "DuckDB"]
    print("| input | aftersales | " + " | ".join(peers) + " | " + " | ".join(f"{p} ÷ aftersales" for p in peers) + " |")
    print("|---" * (2 + 2 * len(peers)) + "|")
    for source in ("loaded", "dicts", "file"):
        if (source, "aftersales") not in timings:
            continue
        ours = timings[(source, "aftersales")][0]
        cells = [f"{fmt(timings[(source, p)][0])} ({fmt(timings[(source, p)][1])})" if (source, p) in timings else "—"
                 for p in peers]
        ratios = [f"{timings[(source, p)][0] / ours:.2f}×" if (source, p) in timings else "—" for p in peers]
        a = timings[(source, "aftersales")]
        print(f"| {source} | {fmt(a[0])} ({fmt(a[1])}) | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")


if __name__ == "__main__":
    main()
