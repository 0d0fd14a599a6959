"""aftersales.dask on a distributed LocalCluster of two worker processes, held to one pass over
the same tickets (docs/scale-out.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import scaleout_cases as cases

cases.require("dask.dataframe")
distributed = cases.require("distributed")

import dask  # noqa: E402  (after the check that dask is there)
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402

import aftersales.dask  # noqa: E402
from aftersales import _scaleout  # noqa: E402


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield client


# About 1 MB of tickets in blocks of 100 kB: some ten partitions.
BLOCK = 100_000


def test_kpis_from_files_equal_one_pass(client: Any, season_path: Path, season_text: str) -> None:
    ours = aftersales.dask.kpis(cases.policy(), season_path, cases.AT, cases.GROUP_BY, blocksize=BLOCK, split_every=3)
    cases.assert_same_kpis(ours, cases.one_pass_kpis(season_text, cases.GROUP_BY))


def test_kpis_from_a_bag_of_lines_by_day_with_orders(client: Any, season_text: str) -> None:
    lines = db.from_sequence(season_text.splitlines(), npartitions=7)
    orders = {"2026-11-11": 90_000}
    ours = aftersales.dask.kpis(cases.policy(), lines, cases.AT, ["day", "channel"], orders=orders, **cases.DAY_OPTIONS)
    exact = cases.one_pass_kpis(season_text, ["day", "channel"], orders=orders, **cases.DAY_OPTIONS)
    cases.assert_same_kpis(ours, exact)


def test_kpis_from_a_dataframe_of_tickets(client: Any, season_text: str) -> None:
    # Tickets without tags, order or fields leave NaN there: read as missing, as in one pass.
    frame = pd.DataFrame([json.loads(line) for line in season_text.splitlines()])
    assert frame["fields"].isna().any()
    # Dask turns object columns into strings by default, nested objects and arrays included.
    with dask.config.set({"dataframe.convert-string": False}):
        tickets = dd.from_pandas(frame, npartitions=5)
    ours = aftersales.dask.kpis(cases.policy(), tickets, cases.AT, cases.GROUP_BY)
    cases.assert_same_kpis(ours, cases.one_pass_kpis(season_text, cases.GROUP_BY))


def test_sla_frame_has_one_pass_rows(client: Any, season_path: Path, season_text: str) -> None:
    frame = aftersales.dask.sla_frame(cases.policy(), season_path, cases.AT, blocksize=BLOCK)
    assert frame.npartitions >= 8 and list(frame.columns) == list(_scaleout.SLA_COLUMNS)
    rows = frame.compute()
    assert dict(rows.dtypes.astype(str)) == dict(aftersales.sla_frame([]).dtypes.astype(str))
    ours = sorted(
        (tuple(None if pd.isna(v) else v for v in row) for row in rows.itertuples(index=False)),
        key=cases.row_key,
    )
    exact = cases.one_pass_sla_rows(season_text)
    assert len(ours) == len(exact) > cases.TICKETS  # every ticket has a first response clock
    assert ours == exact


def test_each_worker_parses_the_policy_once(client: Any, season_path: Path) -> None:
    policy = cases.policy()
    digest = _scaleout.ShippedPolicy(policy).digest

    def loaded() -> dict[str, int]:
        return {d: id(entry) for d, entry in _scaleout._LOADED.items()}

    aftersales.dask.kpis(policy, season_path, cases.AT, blocksize=BLOCK)
    first = client.run(loaded)
    aftersales.dask.kpis(policy, season_path, cases.AT, blocksize=BLOCK)
    # Both workers ran tasks of both jobs; each still holds the Policy it parsed for the first.
    assert len(first) == 2 and all(digest in held for held in first.values())
    assert client.run(loaded) == first
