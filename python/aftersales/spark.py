"""KPIs and SLA replays of tickets spread over Spark (docs/scale-out.md).

    import aftersales, aftersales.spark
    kpis = aftersales.spark.kpis(policy, "season/*.jsonl", at, group_by=["agent"])
    frame = aftersales.spark.sla_frame(policy, spark.read.json("season/"), at)  # a Spark DataFrame

A source is JSON Lines file paths (a path, a glob or a list of them, read with
`SparkContext.textFile`), an RDD of JSON Lines texts (one ticket each), or a Spark DataFrame of
tickets (each row made JSON by `to_json`, which leaves out null fields). Each partition
becomes one TicketBatch counted in C++ (`mapPartitions`); the partial KPI states, JSON strings,
merge with `treeReduce`. The policy travels as its JSON text and each Python worker process
parses it once. The workers' Python must be able to import aftersales (PYSPARK_PYTHON).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from operator import itemgetter
from typing import Any, Union

from aftersales import _scaleout
from aftersales._core import KpiResult, Policy

try:
    from pyspark import RDD, SparkContext
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as error:
    raise _scaleout.missing_engine("pyspark", "spark") from error

Source = Union[_scaleout.Paths, "RDD[str]", DataFrame]

__all__ = ["SLA_SCHEMA", "kpis", "sla_frame"]

# The Spark form of the SLA rows (docs/scale-out.md, "The SLA rows").
_SPARK_TYPES = {"string": T.StringType(), "integer": T.LongType(), "seconds": T.DoubleType(),
                "instant": T.TimestampType(), "flag": T.BooleanType()}
SLA_SCHEMA = T.StructType([T.StructField(name, _SPARK_TYPES[kind], nullable)
                           for name, kind, nullable in _scaleout.SLA_FIELDS])


def _lines(source: Source) -> RDD[str]:
    if isinstance(source, DataFrame):
        # DataFrame.toJSON, in effect, without its warning that it will return a DataFrame.
        return source.select(F.to_json(F.struct("*"))).rdd.map(itemgetter(0))
    if isinstance(source, RDD):
        return source
    return SparkContext.getOrCreate().textFile(",".join(_scaleout.paths_of(source)))


def _partition_state(
    lines: Iterable[str], shipped: _scaleout.ShippedPolicy, at: dt.datetime, group_by: Sequence[str],
    threads: int, kpi_options: dict[str, Any],
) -> Iterator[str]:
    yield _scaleout.kpi_state(shipped, _scaleout.batch_of_lines(lines, threads), at, group_by, threads, kpi_options)


def _merge_two(shipped: _scaleout.ShippedPolicy, a: str, b: str) -> str:
    return _scaleout.merge_states(shipped, (a, b))


def kpis(
    policy: Policy,
    source: Source,
    at: dt.datetime,
    group_by: Sequence[str] = (),
    *,
    orders: int | dict[str, int] | None = None,
    depth: int = 2,
    threads: int = 1,
    **kpi_options: Any,
) -> KpiResult:
    """The KPIs of every ticket of `source` at `at`, as one pass of `KpiEngine.compute` gives
    them. `mapPartitions` parses each partition and counts it into a `KpiAccumulator(policy,
    group_by, **kpi_options)` on `threads` threads, `treeReduce(depth=depth)` merges the states, and the
    result takes `orders`. Runs the job at once."""
    shipped = _scaleout.ShippedPolicy(policy)
    states = _lines(source).mapPartitions(
        partial(_partition_state, shipped=shipped, at=at, group_by=tuple(group_by), threads=threads,
                kpi_options=dict(kpi_options)))
    return _scaleout.kpi_result(shipped, states.treeReduce(partial(_merge_two, shipped), depth=depth), orders)


def _partition_sla(
    lines: Iterable[str], shipped: _scaleout.ShippedPolicy, at: dt.datetime, threads: int
) -> list[_scaleout.SlaRow]:
    return _scaleout.sla_rows(_scaleout.sla_reports(shipped, _scaleout.batch_of_lines(lines, threads), at, threads))


def sla_frame(policy: Policy, source: Source, at: dt.datetime, *, threads: int = 1) -> DataFrame:
    """The SLA state of every ticket of `source` at `at`: a Spark DataFrame of one row per metric
    instance, of schema SLA_SCHEMA (docs/scale-out.md, "The SLA rows"). Lazy, as Spark DataFrames are."""
    shipped = _scaleout.ShippedPolicy(policy)
    rows = _lines(source).mapPartitions(partial(_partition_sla, shipped=shipped, at=at, threads=threads))
    return SparkSession.builder.getOrCreate().createDataFrame(rows, SLA_SCHEMA)
