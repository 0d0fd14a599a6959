"""KPIs and SLA replays of tickets spread over a Dask cluster (docs/scale-out.md).

    import aftersales, aftersales.dask
    kpis = aftersales.dask.kpis(policy, "season-*.jsonl", at, group_by=["agent"])
    frame = aftersales.dask.sla_frame(policy, "season-*.jsonl", at)   # a dask DataFrame

A source is plain JSON Lines file paths (a path, a glob or a list of them, read in blocks of
`blocksize` bytes; compressed ones through `dask.bag.read_text`), a `dask.bag.Bag` of JSON Lines texts (one ticket each, as
`dask.bag.read_text` gives them), or a `dask.dataframe.DataFrame` of tickets (each partition
read by `TicketBatch.from_pandas`). Each
partition becomes one TicketBatch counted in C++; partial KPIs merge in a tree of
`split_every` states at a time. The policy travels as its JSON text and each worker process
parses it once. Works under any scheduler; with `distributed`, under the current Client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any, Union

from aftersales import _scaleout
from aftersales._core import KpiResult, Policy
from aftersales import sla_frame as sla_frame_of_reports

try:
    import dask.bag as db
    import dask.dataframe as dd
    from dask.bytes import read_bytes
    from dask.delayed import delayed
except ImportError as error:
    raise _scaleout.missing_engine("dask", "dask") from error

Source = Union[_scaleout.Paths, "db.Bag", "dd.DataFrame"]

__all__ = ["kpis", "sla_frame"]


def _partitions(source: Source, blocksize: int | str | None) -> tuple[db.Bag, Any]:
    """The source as a bag and the function that makes a TicketBatch of one of its partitions."""
    if isinstance(source, dd.DataFrame):
        return db.from_delayed([delayed(_alone)(part) for part in source.to_delayed()]), _scaleout.batch_of_frames
    if isinstance(source, db.Bag):
        return source, _scaleout.batch_of_lines
    # Blocks of bytes, cut at line ends, go to the parser whole: no Python string per line.
    _, blocks = read_bytes(_scaleout.paths_of(source), delimiter=b"\n", blocksize=blocksize, sample=False)
    partitions = [delayed(_alone)(block) for per_file in blocks for block in per_file]
    return db.from_delayed(partitions), _scaleout.batch_of_blocks


def _alone(item: Any) -> list[Any]:
    """A bag partition of one item: a file's block, or a DataFrame's partition."""
    return [item]


def _partition_state(
    lines: Iterable[Any],
    make_batch: Any,
    shipped: _scaleout.ShippedPolicy,
    at: dt.datetime,
    group_by: Sequence[str],
    threads: int,
    kpi_options: Mapping[str, Any],
) -> str:
    return _scaleout.kpi_state(shipped, make_batch(lines, threads), at, group_by, threads, kpi_options)


def kpis(
    policy: Policy,
    source: Source,
    at: dt.datetime,
    group_by: Sequence[str] = (),
    *,
    orders: int | dict[str, int] | None = None,
    blocksize: int | str | None = "64MiB",
    split_every: int | None = None,
    threads: int = 1,
    **kpi_options: Any,
) -> KpiResult:
    """The KPIs of every ticket of `source` at `at`, equal to `KpiEngine.compute` over them in
    one pass. Each partition is parsed and counted into a `KpiAccumulator(policy, group_by,
    **kpi_options)` on `threads` threads; the states merge `split_every` at a time
    (`dask.bag.reduction`) and `orders` goes to the final `result`. Computes at once."""
    bag, make_batch = _partitions(source, blocksize)
    shipped = _scaleout.ShippedPolicy(policy)
    state = bag.reduction(
        partial(_partition_state, make_batch=make_batch, shipped=shipped, at=at, group_by=tuple(group_by),
                threads=threads, kpi_options=dict(kpi_options)),
        partial(_scaleout.merge_states, shipped),
        split_every=split_every,
    ).compute()
    return _scaleout.kpi_result(shipped, state, orders)


def _partition_sla(
    lines: Iterable[Any], make_batch: Any, shipped: _scaleout.ShippedPolicy, at: dt.datetime, threads: int
) -> Any:
    return sla_frame_of_reports(_scaleout.sla_reports(shipped, make_batch(lines, threads), at, threads))


def sla_frame(
    policy: Policy,
    source: Source,
    at: dt.datetime,
    *,
    blocksize: int | str | None = "64MiB",
    threads: int = 1,
) -> dd.DataFrame:
    """The SLA state of every ticket of `source` at `at`: a lazy dask DataFrame of one row per
    metric instance, of the columns and dtypes in docs/scale-out.md ("The SLA rows")."""
    bag, make_batch = _partitions(source, blocksize)
    shipped = _scaleout.ShippedPolicy(policy)
    run = partial(_partition_sla, make_batch=make_batch, shipped=shipped, at=at, threads=threads)
    parts = [delayed(run)(part) for part in bag.to_delayed()]
    return dd.from_delayed(parts, meta=sla_frame_of_reports([]), verify_meta=False)
