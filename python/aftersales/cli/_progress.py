"""The progress bar of the long commands (sla, refund, kpi, route): tqdm on standard error, shown
when standard error is a terminal (or with --progress), never on standard output, whose bytes stay
the same with or without it. tqdm is optional (pip install 'aftersales[progress]'); without it
there is no bar and no error."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any


class Bar:
    """A tqdm bar that the library's progress(done, total) callbacks move."""

    def __init__(self, shown: Any) -> None:
        self._shown = shown

    def move(self, position: int, total: int | None = None) -> None:
        """To `position`; `total`, when given, is the bar's total from now on."""
        if total is not None and self._shown.total != total:
            self._shown.total = total
        self._shown.update(position - self._shown.n)

    def __call__(self, done: int, total: int) -> None:
        """As a batch call's progress callback: `done` of `total`."""
        self.move(done, total)

    def streamed(self, done: int, total: int) -> None:
        """As a streamed call's progress callback: `done` bytes of `total`, 0 when the call cannot
        tell (a file object), the bar then keeping the total it was given."""
        self.move(done, total or None)


def _tqdm() -> Any:
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


@contextlib.contextmanager
def bar(wanted: bool | None, unit: str, total: int | None = None) -> Iterator[Bar | None]:
    """A bar of `total` `unit`s (None: not known yet) while the block runs, or None when there is to
    be none. `wanted` is --progress: True, False, or None for "when standard error is a terminal"."""
    if wanted is False or (wanted is None and not sys.stderr.isatty()):
        yield None
        return
    tqdm = _tqdm()
    if tqdm is None:
        if wanted:
            print("aftersales: no progress bar without tqdm: pip install 'aftersales[progress]'", file=sys.stderr)
        yield None
        return
    scaled = unit == "B"
    # leave=False: once done the bar is wiped, so that standard error keeps only what it said before.
    with tqdm(total=total, unit=unit, unit_scale=scaled, unit_divisor=1024 if scaled else 1000,
              file=sys.stderr, leave=False, dynamic_ncols=True) as shown:
        yield Bar(shown)
