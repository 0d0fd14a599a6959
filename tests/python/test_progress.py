"""progress= of the batch calls and Ctrl-C in a long batch (docs/threading.md, "Progress"), and
the progress bar of the command (docs/python.md, "The command")."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales.cli import main

from conftest import REPO

TICKETS_PATH = REPO / "examples" / "tickets" / "double11.jsonl"
TICKETS_TEXT = TICKETS_PATH.read_text()
TICKETS = [json.loads(line) for line in TICKETS_TEXT.splitlines() if line.strip()]
REQUEST = json.loads((REPO / "examples" / "refunds" / "double11-socks.json").read_text())
# After every example ticket was created.
AT = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)

Calls = list[tuple[int, int]]


def recorder() -> tuple[Calls, Callable[[int, int], None]]:
    calls: Calls = []
    return calls, lambda done, total: calls.append((done, total))


@pytest.fixture(scope="module")
def policy(example_policy_path: Path) -> aftersales.Policy:
    return aftersales.Policy.from_file(example_policy_path)


# Every batch call, given a progress callback; and how many items (or non-blank lines) it has.
BATCH_CALLS: dict[str, tuple[Callable[[aftersales.Policy, Any], object], int]] = {
    "evaluate_many dicts": (lambda p, cb: aftersales.SlaEngine(p).evaluate_many(TICKETS, AT, progress=cb), 12),
    "evaluate_many batch": (
        lambda p, cb: aftersales.SlaEngine(p).evaluate_many(aftersales.TicketBatch(TICKETS), AT, progress=cb), 12),
    "evaluate_lines": (lambda p, cb: aftersales.SlaEngine(p).evaluate_lines(TICKETS_TEXT, AT, progress=cb), 12),
    "check_many": (lambda p, cb: aftersales.RefundEngine(p).check_many([REQUEST] * 3, progress=cb), 3),
    # Three requests, a blank line between the first two.
    "check_lines": (
        lambda p, cb: aftersales.RefundEngine(p).check_lines(
            json.dumps(REQUEST) + "\n\n" + (json.dumps(REQUEST) + "\n") * 2, progress=cb), 3),
    "compute": (lambda p, cb: aftersales.KpiEngine(p).compute(TICKETS, AT, progress=cb), 12),
    "compute_lines": (lambda p, cb: aftersales.KpiEngine(p).compute_lines(TICKETS_TEXT.encode(), AT, progress=cb), 12),
    "add_many": (lambda p, cb: aftersales.KpiAccumulator(p).add_many(TICKETS, AT, progress=cb), 12),
    "from_lines": (lambda p, cb: aftersales.TicketBatch.from_lines(TICKETS_TEXT, progress=cb), 12),
    "from_file": (lambda p, cb: aftersales.TicketBatch.from_file(TICKETS_PATH, progress=cb), 12),
}


@pytest.mark.parametrize("name", BATCH_CALLS)
def test_every_batch_call_ends_with_done_equal_to_total(policy: aftersales.Policy, name: str) -> None:
    call, items = BATCH_CALLS[name]
    calls, callback = recorder()
    call(policy, callback)
    # A batch this small ends long before the first 100 ms: the last call only.
    assert calls == [(items, items)]


@pytest.mark.parametrize("name", BATCH_CALLS)
def test_a_progress_that_is_not_callable_is_a_type_error(policy: aftersales.Policy, name: str) -> None:
    call, _ = BATCH_CALLS[name]
    with pytest.raises(TypeError, match="progress"):
        call(policy, 7)


@pytest.fixture(scope="module")
def season() -> aftersales.TicketBatch:
    """The example tickets 30,000 times over (360,000): a batch of about a second on one thread."""
    return aftersales.TicketBatch.from_lines(TICKETS_TEXT * 30_000)


def test_a_long_batch_reports_rising_progress(policy: aftersales.Policy, season: aftersales.TicketBatch) -> None:
    calls, callback = recorder()
    aftersales.KpiEngine(policy).compute(season, AT, threads=1, progress=callback)
    total = len(season)
    assert calls[-1] == (total, total)
    assert len(calls) >= 2, "a batch of a second reports before its end"
    # At most one call per 1% of the tickets, and the last one.
    assert len(calls) <= 101
    done = [d for d, _ in calls]
    assert done == sorted(set(done))
    assert all(t == total for _, t in calls)


@pytest.mark.parametrize("exception", [ValueError, KeyboardInterrupt])
def test_what_the_callback_raises_stops_the_batch(
    policy: aftersales.Policy, season: aftersales.TicketBatch, exception: type[BaseException]
) -> None:
    calls: Calls = []

    def stop(done: int, total: int) -> None:
        calls.append((done, total))
        raise exception("stop")

    with pytest.raises(exception, match="stop"):
        aftersales.SlaEngine(policy).evaluate_many(season, AT, threads=1, progress=stop)
    # Raised at the first report, some 100 ms in: not at the end, and not called again.
    assert len(calls) == 1
    assert calls[0][0] < calls[0][1]


def test_the_callback_stops_a_batch_of_dicts_between_chunks(policy: aftersales.Policy) -> None:
    def stop(done: int, total: int) -> None:
        raise ValueError("stop")

    accumulator = aftersales.KpiAccumulator(policy)
    with pytest.raises(ValueError, match="stop"):
        accumulator.add_many(TICKETS * 2000, AT, progress=stop)


# A child that runs a long call twice: whole, to time it, then interrupted by the parent's SIGINT.
# "compute": KPIs of a season (the check at the batch's progress points); "dicts": a TicketBatch
# read from 200,000 dicts with the GIL held (the check while reading).
_CHILD = textwrap.dedent(
    """
    import datetime as dt, json, sys, time
    import aftersales
    policy = aftersales.Policy.from_file(sys.argv[1])
    text = open(sys.argv[2]).read()
    if sys.argv[3] == "compute":
        season = aftersales.TicketBatch.from_lines(text * 30_000)
        at = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
        engine = aftersales.KpiEngine(policy)
        call = lambda: engine.compute(season, at, threads=1)
    else:
        dicts = [json.loads(text.splitlines()[0])] * 200_000
        call = lambda: aftersales.TicketBatch(dicts)
    start = time.monotonic()
    call()
    whole = time.monotonic() - start
    try:
        start = time.monotonic()
        print(whole, flush=True)
        call()
        print("finished", time.monotonic() - start, flush=True)
    except KeyboardInterrupt:
        print("interrupted", time.monotonic() - start, flush=True)
    """
)


@pytest.mark.parametrize("call", ["compute", "dicts"])
def test_ctrl_c_interrupts_a_long_call_without_a_callback(example_policy_path: Path, call: str) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(example_policy_path), str(TICKETS_PATH), call],
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        whole = float(child.stdout.readline())
        # Well inside the second call.
        time.sleep(whole / 4)
        child.send_signal(signal.SIGINT)
        outcome, seconds = child.stdout.readline().split()
    assert outcome == "interrupted"
    # Without the checks the interrupt waits for the call's end, `whole` seconds in; with them, it
    # comes at most about 1% of the batch or 100 ms (or 8,192 dicts) after the signal, sent a
    # quarter of the way in.
    assert float(seconds) < whole * 3 / 4, f"interrupted after {seconds} s of a {whole:.2f} s call"


# ---- the command's bar ------------------------------------------------------------------------


@pytest.fixture
def commands(tmp_path: Path, example_policy_path: Path) -> dict[str, list[str]]:
    requests = tmp_path / "requests.jsonl"
    requests.write_text((json.dumps(REQUEST) + "\n") * 3)
    policy = ["--policy", str(example_policy_path)]
    return {
        "sla": ["sla", *policy, str(TICKETS_PATH), "--at", "2026-12-01T00:00:00Z"],
        "refund": ["refund", *policy, str(requests)],
        "kpi": ["kpi", *policy, str(TICKETS_PATH), "--at", "2026-12-01T00:00:00Z", "--by", "channel"],
        "route": ["route", *policy, "--agents", str(REPO / "examples" / "agents" / "cn-agents.json"), str(TICKETS_PATH)],
    }


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("command", ["sla", "refund", "kpi", "route"])
def test_the_bar_leaves_standard_output_as_it_was(
    capsys: pytest.CaptureFixture[str], commands: dict[str, list[str]], command: str
) -> None:
    pytest.importorskip("tqdm")
    status, plain, plain_err = run(capsys, [*commands[command], "--no-progress"])
    assert status == 0
    status, shown, bar = run(capsys, [*commands[command], "--progress"])
    assert status == 0
    assert shown == plain
    # tqdm draws on one line with carriage returns, and wipes the bar at the end (leave=False):
    # what the command says on standard error otherwise (route's loads) stays as it was.
    assert "\r" in bar
    assert "\n" not in bar.replace(plain_err, "")
    assert bar.endswith(plain_err)


@pytest.mark.parametrize("command", ["sla", "refund", "kpi", "route"])
def test_no_bar_when_standard_error_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str], commands: dict[str, list[str]], command: str
) -> None:
    status, out, err = run(capsys, commands[command])
    assert status == 0
    assert "\r" not in err


@pytest.mark.parametrize("command", ["sla", "refund", "kpi", "route"])
def test_without_tqdm_a_line_of_counts(
    capsys: pytest.CaptureFixture[str], commands: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch,
    command: str
) -> None:
    status, plain, plain_err = run(capsys, [*commands[command], "--no-progress"])
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now raises ImportError
    status, out, err = run(capsys, [*commands[command], "--progress"])
    # Regression (issue 15): without tqdm a long run on a terminal showed nothing at all. Now the
    # counts, drawn over one line and wiped at the end; standard output as it was.
    assert (status, out) == (0, plain)
    assert err.startswith("\r") and err.endswith("\r\x1b[K" + plain_err)
    assert "\n" not in err.replace(plain_err, "")


def test_the_line_of_counts(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from aftersales.cli import _progress

    monkeypatch.setitem(sys.modules, "tqdm", None)
    with _progress.bar(True, "line", 3000) as shown:
        assert shown is not None
        shown(1500, 3000)  # the first move is drawn at once
        shown(2000, 3000)  # within 0.2 s of it: not drawn
    assert capsys.readouterr().err == "\r1,500 lines of 3,000 lines (50%)\x1b[K\r\x1b[K"
    with _progress.bar(True, "B", None) as shown:
        assert shown is not None
        shown.streamed(3 * 2**20, 0)  # 3 MiB read of a stream whose size is not known
    assert capsys.readouterr().err == "\r3.0 MiB\x1b[K\r\x1b[K"
