"""The progress bar of the long commands (sla, refund, kpi, route): tqdm on standard error, shown
when standard error is a terminal (or with --progress), never on standard output, whose bytes stay
the same with or without it. tqdm is optional (pip install 'aftersales[progress]'); without it a
plain line of counts takes its place, so that a long run on a terminal is never silent."""

from __future__ import annotations

import contextlib
import sys
import time
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
        with _Counts(total, unit) as counts:
            yield Bar(counts)
        return
    scaled = unit == "B"
    # leave=False: once done the bar is wiped, so that standard error keeps only what it said before.
    with tqdm(total=total, unit=unit, unit_scale=scaled, unit_divisor=1024 if scaled else 1000,
              file=sys.stderr, leave=False, dynamic_ncols=True) as shown:
        yield Bar(shown)


class _Counts:
    """What stands in for tqdm without it: `done of total unit (percent)` on one line of standard
    error, redrawn at most every _REDRAW seconds and wiped at the end, as tqdm's bar is."""

    _REDRAW = 0.2

    def __init__(self, total: int | None, unit: str) -> None:
        self.total, self.n = total, 0
        self._unit = unit
        self._drawn: float | None = None

    def __enter__(self) -> _Counts:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._drawn is not None:
            sys.stderr.write("\r\x1b[K")  # back to the line's start, and the line cleared
            sys.stderr.flush()

    def update(self, steps: int) -> None:
        self.n += steps
        now = time.monotonic()
        if self._drawn is None or now - self._drawn >= self._REDRAW:
            self._drawn = now
            sys.stderr.write(f"\r{self._text()}\x1b[K")
            sys.stderr.flush()

    def _text(self) -> str:
        done = self._amount(self.n)
        if not self.total:
            return done
        return f"{done} of {self._amount(self.total)} ({100 * self.n // self.total}%)"

    def _amount(self, n: int) -> str:
        return f"{n / 2**20:.1f} MiB" if self._unit == "B" else f"{n:,} {self._unit}s"
