"""The `aftersales` command. Expected answers are worked out by hand from the example
policy: cn-service is open 09:00-24:00 every day in Beijing (UTC+8), closed 1-7 October,
open round the clock 10-12 November; eu-service is open Mon-Fri 08:00-20:00 and Sat
10:00-16:00 in Berlin, where clocks go back on Sunday 25 October 2026."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from aftersales.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


Ask = Callable[..., "tuple[int, str, str]"]


@pytest.fixture
def ask(capsys: pytest.CaptureFixture[str], example_policy_path: Path) -> Ask:
    def ask(*argv: str) -> tuple[int, str, str]:
        return run(capsys, "calendar", "--policy", str(example_policy_path), *argv)

    return ask


@pytest.mark.parametrize(
    ("argv", "answer"),
    [
        (["cn-service", "is-open", "2026-11-11T03:00:00+08:00"], "true"),
        (["cn-service", "is-open", "2026-11-20T03:00:00+08:00"], "false"),
        (["cn-service", "next-open", "2026-11-20T03:00:00+08:00"], "2026-11-20T01:00:00Z"),
        (["cn-service", "add", "2026-11-17T23:30:00+08:00", "2h"], "2026-11-18T02:30:00Z"),
        (["cn-service", "add", "2026-11-17T23:30:00+08:00", "1h30m"], "2026-11-18T02:00:00Z"),
        # 30 Sep 18:00-24:00 6h, 8 Oct 15h, 9 Oct 09:00-12:00 3h: 24h.
        (["cn-service", "between", "2026-09-30T18:00:00+08:00", "2026-10-09T12:00:00+08:00"], "1d"),
        (["cn-service", "between", "2026-10-09T12:00:00+08:00", "2026-09-30T18:00:00+08:00"], "-1d"),
        (["eu-service", "between", "2026-10-23T12:00:00+02:00", "2026-10-26T12:00:00+01:00"], "18h"),
    ],
)
def test_calendar_operations(ask: Ask, argv: list[str], answer: str) -> None:
    assert ask(*argv) == (0, answer + "\n", "")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["cn-service", "is-open", "2026-11-11T03:00:00"], "2026-11-11T03:00:00"),  # no offset
        (["cn-service", "add", "2026-11-11T03:00:00Z", "3x"], "3x"),
        (["cn-service", "add", "--", "2026-11-11T03:00:00Z", "-1h"], "negative"),
        (["moon-service", "is-open", "2026-11-11T03:00:00Z"], "moon-service"),
        (["always", "add", "2200-12-31T23:00:00Z", "2h"], "2200"),
    ],
)
def test_bad_input_is_one_line_and_status_2(ask: Ask, argv: list[str], fragment: str) -> None:
    status, out, err = ask(*argv)
    assert status == 2
    assert out == ""
    assert err.startswith("aftersales: error: ")
    assert err.count("\n") == 1
    assert fragment in err


def test_invalid_policy_lists_every_problem_on_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    calendars = {"a": {"timezone": "Mars/Base", "hours": "24x7"}, "b": {"timezone": "UTC", "hours": "24/7"}}
    path.write_text(json.dumps({"schema_version": 1, "calendars": calendars}))
    status, out, err = run(capsys, "calendar", "--policy", str(path), "a", "is-open", "2026-11-11T03:00:00Z")
    assert status == 2
    assert err.count("\n") == 1
    assert str(path) in err
    assert "calendars.a.timezone" in err
    assert "calendars.b.hours" in err


def test_missing_policy_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    status, _, err = run(capsys, "calendar", "--policy", str(missing), "a", "is-open", "2026-11-11T03:00:00Z")
    assert status == 2
    assert str(missing) in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["calendar", "cn-service", "is-open"])
    assert caught.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_demo(capsys: pytest.CaptureFixture[str], example_policy_path: Path) -> None:
    status, out, err = run(capsys, "demo", "--policy", str(example_policy_path))
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert "  Open at Wed 11 Nov 2026 03:00 CST (Double 11)? yes" in lines
    assert "  Open at Fri 20 Nov 2026 03:00 CST? no, it opens Fri 20 Nov 2026 09:00 CST (2026-11-20T01:00:00Z)" in lines
    assert (
        "  A 2h reply SLA started at Tue 17 Nov 2026 23:30 CST is due: "
        "Wed 18 Nov 2026 10:30 CST (2026-11-18T02:30:00Z)" in lines
    )
    # 30 Sep 6h + 8 Oct 15h + 9 Oct 3h; 8 days and 18 hours elapsed.
    assert (
        "  Business time from Wed 30 Sep 2026 18:00 CST to Fri 09 Oct 2026 12:00 CST, "
        "across National Day: 24h of 210h elapsed" in lines
    )
    # Friday 12:00-20:00 8h + Saturday 6h + Monday 08:00-12:00 4h; 72 wall-clock hours plus
    # the hour repeated when the clocks go back.
    assert (
        "  Business time from Fri 23 Oct 2026 12:00 CEST to Mon 26 Oct 2026 12:00 CET: "
        "18h of 73h elapsed" in lines
    )
    # Friday 15:00-20:00 5h + Saturday 6h + Monday 08:00-13:00 5h.
    assert (
        "  A 16h resolution SLA started at Fri 23 Oct 2026 15:00 CEST is due: "
        "Mon 26 Oct 2026 13:00 CET (2026-10-26T12:00:00Z)" in lines
    )
    # The SLA part: T-1110's third reply clock started 09:58:30 on a 3m target (10:01:30 due;
    # 80% = 2m24s -> 10:00:54 is its next escalation), and the report lines for it.
    assert "                    next_response #2   active    1m30s / 3m        Fri 13 Nov 10:01:30" in lines
    assert (
        "  Evaluate again (next_check_at): T-1102 at Fri 13 Nov 11:52, T-1105 at Wed 18 Nov 11:24, "
        "T-1106 at Fri 13 Nov 13:14, T-1110 at Fri 13 Nov 10:00:54" in lines
    )


def test_demo_finds_the_example_policy_from_the_source_tree(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, example_policy_path: Path
) -> None:
    monkeypatch.chdir(example_policy_path.parents[2])
    status, out, _ = run(capsys, "demo")
    assert status == 0
    assert "cn-service" in out


def test_demo_elsewhere_asks_for_a_policy(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "demo")
    assert status == 2
    assert "--policy" in err
    assert err.count("\n") == 1


def test_python_dash_m_and_console_script(example_policy_path: Path) -> None:
    argv = ["calendar", "--policy", str(example_policy_path), "cn-service", "is-open", "2026-11-11T03:00:00+08:00"]
    module = subprocess.run([sys.executable, "-m", "aftersales", *argv], capture_output=True, text=True, check=False)
    assert (module.returncode, module.stdout) == (0, "true\n")
    script = Path(sys.executable).parent / ("aftersales.exe" if os.name == "nt" else "aftersales")
    if not script.exists():
        pytest.skip("the console script is not installed next to this interpreter")
    bad = subprocess.run([str(script), *argv[:-1], "2026-11-11T03:00:00"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert bad.stderr.startswith("aftersales: error: ")
