"""aftersales.spark on PySpark in local mode (two cores, one session for the module), held to
one pass over the same tickets (docs/scale-out.md)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import scaleout_cases as cases

cases.require("pyspark.sql")
cases.require_java()

from pyspark.sql import SparkSession  # noqa: E402  (after the check that pyspark is there)

import aftersales.spark  # noqa: E402
from aftersales import _scaleout  # noqa: E402


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    with pytest.MonkeyPatch.context() as patch:
        # Spark's Python workers run this interpreter, which imports aftersales.
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        session = (
            SparkSession.builder.master("local[2]")
            .appName("aftersales-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


def test_kpis_from_an_rdd_of_lines_equal_one_pass(spark: SparkSession, season_text: str) -> None:
    lines = spark.sparkContext.parallelize(season_text.splitlines(), 6)
    ours = aftersales.spark.kpis(cases.policy(), lines, cases.AT, cases.GROUP_BY, depth=3)
    cases.assert_same_kpis(ours, cases.one_pass_kpis(season_text, cases.GROUP_BY))


def test_kpis_from_files_and_from_a_dataframe_by_day(spark: SparkSession, season_path: Path, season_text: str) -> None:
    exact = cases.one_pass_kpis(season_text, ["day", "queue"], **cases.DAY_OPTIONS)
    from_files = aftersales.spark.kpis(cases.policy(), season_path, cases.AT, ["day", "queue"], **cases.DAY_OPTIONS)
    cases.assert_same_kpis(from_files, exact)
    frame = spark.read.json(str(season_path)).repartition(4)
    from_frame = aftersales.spark.kpis(cases.policy(), frame, cases.AT, ["day", "queue"], **cases.DAY_OPTIONS)
    cases.assert_same_kpis(from_frame, exact)


def test_sla_frame_has_one_pass_rows(spark: SparkSession, season_text: str) -> None:
    lines = spark.sparkContext.parallelize(season_text.splitlines(), 5)
    frame = aftersales.spark.sla_frame(cases.policy(), lines, cases.AT)
    assert tuple(frame.columns) == _scaleout.SLA_COLUMNS
    # collect() gives timestamps naive, in this process's local time: astimezone reads them so.
    ours = sorted(
        (tuple(v.astimezone(dt.timezone.utc) if isinstance(v, dt.datetime) else v for v in row)
         for row in frame.collect()),
        key=cases.row_key,
    )
    exact = cases.one_pass_sla_rows(season_text)
    assert len(ours) == len(exact) > cases.TICKETS  # every ticket has a first response clock
    assert ours == exact


def test_sla_frame_schema_names_the_shared_columns() -> None:
    assert tuple(aftersales.spark.SLA_SCHEMA.names) == _scaleout.SLA_COLUMNS


def test_a_bad_ticket_fails_the_job_with_the_parsers_message(spark: SparkSession) -> None:
    lines = spark.sparkContext.parallelize(['{"id": "T-1"}'], 1)
    with pytest.raises(Exception, match="created_at"):
        aftersales.spark.kpis(cases.policy(), lines, cases.AT)
