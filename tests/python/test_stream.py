"""KpiEngine.compute_file and SlaEngine.evaluate_file: JSON Lines streamed from a path or a binary
file object in bounded memory (docs/python.md, "Files larger than memory"), equal to the
whole-text calls; and the commands kpi and sla reading a block at a time, - for standard input."""

from __future__ import annotations

import datetime as dt
import io
import json
import signal
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import pytest

import aftersales
from aftersales.cli import main

from conftest import REPO

TICKETS_PATH = REPO / "examples" / "tickets" / "double11.jsonl"
LINES = [line for line in TICKETS_PATH.read_text().splitlines() if line.strip()]
AT = dt.datetime(2026, 11, 12, 4, tzinfo=dt.timezone.utc)


def awkward_text(copies: int) -> bytes:
    """The example tickets `copies` times over with blank lines, CRLF, bad lines and no final newline."""
    parts = []
    for i, line in enumerate(LINES * copies):
        parts.append(line + ("\r\n" if i % 5 == 1 else "\n"))
        if i % 7 == 3:
            parts.append("\n  \t\n")
        if i % 97 == 50:
            parts.append('{"id": "bad"}\n')
    parts.append(LINES[0])
    return "".join(parts).encode()


@pytest.fixture(scope="module")
def policy(example_policy_path: Path) -> aftersales.Policy:
    return aftersales.Policy.from_file(example_policy_path)


@pytest.fixture(scope="module")
def text() -> bytes:
    return awkward_text(300)  # 3,601 tickets, about 4 MB, read 1 MiB at a time from a file object


class Trickle(io.RawIOBase):
    """A binary stream that gives at most 1,000 bytes a read, as a pipe may."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data.read(min(size, 1000) if size >= 0 else 1000)


def test_sla_reports_of_a_file_equal_the_whole_texts(policy: aftersales.Policy, text: bytes, tmp_path: Path) -> None:
    engine = aftersales.SlaEngine(policy)
    whole = engine.evaluate_lines(text, AT, 2)
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_bytes(text)
    reports = tmp_path / "reports.jsonl"
    engine.evaluate_file(tickets, reports, AT, 2)
    assert reports.read_text() == whole
    engine.evaluate_file(str(tickets), str(reports), AT)  # str paths too; the reports file truncated
    assert reports.read_text() == whole
    for block_bytes in (700, 16 << 20):  # blocks of a line or two, and one block
        out = io.BytesIO()
        engine.evaluate_file(Trickle(text), out, AT, 2, block_bytes=block_bytes)
        assert out.getvalue().decode() == whole
    # Records number lines through the whole file. The first bad line follows ticket line 50
    # (0-based): 51 ticket lines and 7 pairs of blank lines (after tickets 3, 10, ..., 45) before it,
    # so it is line 51 + 14 + 1 = 66, and the 52nd record.
    assert json.loads(whole.splitlines()[51])["line"] == 66


def test_kpis_of_a_file_equal_the_whole_texts(policy: aftersales.Policy, tmp_path: Path) -> None:
    engine = aftersales.KpiEngine(policy)
    text = awkward_text(700).replace(b'{"id": "bad"}\n', b"")
    whole = engine.compute_lines(text, AT, group_by=["agent", "day"], threads=2)
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_bytes(text)
    assert engine.compute_file(tickets, AT, group_by=["agent", "day"], threads=2).to_dict() == whole.to_dict()
    assert engine.compute_file(Trickle(text), AT, ["agent", "day"], threads=1).to_dict() == whole.to_dict()
    # 8,401 tickets (2 slices of 4,096 and one of 209) in blocks of some 3 tickets: slices span blocks.
    assert engine.compute_file(tickets, AT, ["agent", "day"], threads=2, block_bytes=3000).to_dict() == whole.to_dict()


def test_a_bad_line_of_a_file_is_named_as_in_the_whole_text(policy: aftersales.Policy, text: bytes) -> None:
    engine = aftersales.KpiEngine(policy)
    with pytest.raises(aftersales.InputError) as whole:
        engine.compute_lines(text, AT)
    for block_bytes in (1000, 16 << 20):
        with pytest.raises(aftersales.InputError) as streamed:
            engine.compute_file(io.BytesIO(text), AT, threads=2, block_bytes=block_bytes)
        assert str(streamed.value) == str(whole.value)
    assert "line 66: " in str(whole.value)  # as worked out above


def test_files_are_paths_or_binary_file_objects(policy: aftersales.Policy, tmp_path: Path) -> None:
    engine = aftersales.SlaEngine(policy)
    with pytest.raises(FileNotFoundError):
        engine.evaluate_file(tmp_path / "missing.jsonl", io.BytesIO(), AT)
    with pytest.raises(TypeError, match="evaluate_file: expected tickets as a path or a binary file object, got int"):
        engine.evaluate_file(7, io.BytesIO(), AT)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="binary file object"):
        engine.evaluate_file(io.StringIO(LINES[0]), io.BytesIO(), AT)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="compute_file: expected tickets"):
        aftersales.KpiEngine(policy).compute_file(None, AT)  # type: ignore[arg-type]


def test_what_the_output_raises_propagates(policy: aftersales.Policy) -> None:
    class Full(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: object) -> int:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        aftersales.SlaEngine(policy).evaluate_file(io.BytesIO("\n".join(LINES).encode()), Full(), AT)


def test_progress_counts_bytes(policy: aftersales.Policy, tmp_path: Path) -> None:
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_bytes(TICKETS_PATH.read_bytes())
    size = tickets.stat().st_size
    calls: list[tuple[int, int]] = []
    aftersales.KpiEngine(policy).compute_file(tickets, AT, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(size, size)]
    calls.clear()
    # A file object's size is not known (0): its one block's end is told so, then the end.
    aftersales.SlaEngine(policy).evaluate_file(io.BytesIO(tickets.read_bytes()), io.BytesIO(), AT,
                                               progress=lambda d, t: calls.append((d, t)))
    assert calls == [(size, 0), (size, size)]


# A child that computes KPIs over its standard input, which the parent feeds and never closes:
# Ctrl-C must end the wait for more tickets.
_CHILD = textwrap.dedent(
    """
    import datetime as dt, sys
    import aftersales
    engine = aftersales.KpiEngine(aftersales.Policy.from_file(sys.argv[1]))
    print("ready", flush=True)
    try:
        engine.compute_file(sys.stdin.buffer, dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc))
        print("finished", flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    """
)


def test_ctrl_c_interrupts_a_stream_that_has_not_ended(example_policy_path: Path) -> None:
    with subprocess.Popen([sys.executable, "-c", _CHILD, str(example_policy_path)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE) as child:
        assert child.stdin is not None and child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        child.stdin.write(TICKETS_PATH.read_bytes() * 100)
        child.stdin.flush()
        time.sleep(0.5)
        child.send_signal(signal.SIGINT)
        assert child.stdout.readline() == b"interrupted\n"
        child.stdin.close()


# ---- the commands -----------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_the_sla_command_writes_what_evaluate_lines_gives(
    capsys: pytest.CaptureFixture[str], policy: aftersales.Policy, example_policy_path: Path, text: bytes,
    tmp_path: Path
) -> None:
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_bytes(text)
    status, out, _ = run(capsys, ["sla", "--policy", str(example_policy_path), "--at", "2026-11-12T04:00:00Z",
                                  str(tickets)])
    expected = aftersales.SlaEngine(policy).evaluate_lines(text, AT)
    # Status 3 when a line failed (issue 15; it was 0), whatever the blocks it came in.
    assert status == (3 if any(line.startswith('{"line":') for line in expected.splitlines()) else 0)
    assert out == expected


def test_the_kpi_command_names_a_file_that_does_not_open(
    capsys: pytest.CaptureFixture[str], example_policy_path: Path, tmp_path: Path
) -> None:
    status, _, err = run(capsys, ["kpi", "--policy", str(example_policy_path), str(tmp_path / "none.jsonl")])
    assert status == 2
    assert "none.jsonl: cannot read the tickets: No such file or directory" in err


class NoWholeReads(io.RawIOBase):
    """Standard input that refuses to be read whole: read() without a size, as a command that
    loads the whole file does, fails."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert 0 <= size <= 16 << 20, f"read({size}): the whole input asked for at once"
        return self._data.read(size)


# - reads standard input, a block at a time: the output is the file's.
@pytest.mark.parametrize("command", ["sla", "kpi"])
def test_the_commands_read_in_blocks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, example_policy_path: Path, command: str
) -> None:
    argv = [command, "--policy", str(example_policy_path), "--at", "2026-11-12T04:00:00Z"]
    status, from_file, file_err = run(capsys, [*argv, str(TICKETS_PATH)])
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=NoWholeReads(TICKETS_PATH.read_bytes())))
    status, from_stdin, err = run(capsys, [*argv, "-"])
    assert (status, from_stdin, err) == (0, from_file, file_err)


def test_a_block_over_one_gibibyte_is_refused(policy: aftersales.Policy, tmp_path: Path) -> None:
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_bytes(b"")
    # The block is reserved before anything is read: a mistaken size fails by name.
    with pytest.raises(aftersales.InputError, match=r"^block_bytes may be at most 1073741824 \(1 GiB\), not 1073741825$"):
        aftersales.KpiEngine(policy).compute_file(tickets, AT, block_bytes=2**30 + 1)
    with pytest.raises(aftersales.InputError, match="block_bytes may be at most"):
        aftersales.SlaEngine(policy).evaluate_file(tickets, io.BytesIO(), AT, block_bytes=2**30 + 1)
