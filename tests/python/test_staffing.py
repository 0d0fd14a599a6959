"""Staffing (Erlang C and Erlang A) from Python and the command line; the expected values are
worked out in the comments (and in docs/staffing.md)."""

from __future__ import annotations

import datetime as dt

import pytest

import aftersales
from aftersales import staffing
from aftersales.cli import main


def test_staffing() -> None:
    # callcentrehelper.com's worked example: A = 100 × 180 / 1800 = 10 Erlangs; 14 agents reach
    # SL 1 − 0.17413 × e^(−4·20/180) = 0.88835; 14 / (1 − 0.3) = 20 scheduled.
    r = staffing.erlang_c(100, 1800, 180, answer_time=20, max_occupancy=0.85, shrinkage=0.3)
    assert (r.agents, r.scheduled) == (14, 20)
    assert r.service_level == pytest.approx(0.88835, abs=5e-6)
    assert staffing.erlang_c(100, dt.timedelta(minutes=30), 180, agents=13).service_level < 0.8
    a = staffing.erlang_a(100, 1800, 180, patience=60)
    assert a.agents <= 14 and a.abandonment > 0
    rows = staffing.plan(900_000, 0.004, [1, 2, 1])  # 3600 contacts: 900, 1800, 900
    assert [row.contacts for row in rows] == [900, 1800, 900]
    assert rows[1].start == dt.timedelta(minutes=30)
    with pytest.raises(aftersales.InputError, match="aht_s"):
        staffing.erlang_c(100, 1800, -1)


def test_erlang_a_with_tiny_patience_is_erlang_b() -> None:
    # Patience → 0: whoever would wait abandons at once, the loss system of Erlang B.
    # A = 10 Erlangs, 13 agents: B(13, 10) = (10^13/13!) / Σ_{k≤13} 10^k/k!
    # = 1,605.904 / 19,041.10 = 0.0843389 (docs/staffing.md). 1e-9 s used to run for hours,
    # the smallest double never returned and 1e-100 s gave abandonment 0.
    for patience in (1e-9, 1e-100, 5e-324):
        r = staffing.erlang_a(100, 1800, 180, patience=patience, agents=13)
        assert r.abandonment == pytest.approx(0.0843389, abs=1e-6)
        assert r.probability_wait == pytest.approx(0.0843389, abs=1e-6)
        assert r.service_level == pytest.approx(1 - 0.0843389, abs=1e-6)
        assert r.asa_s == pytest.approx(0, abs=1e-6)
    # Sized: B(10, 10) = 0.2146 > 0.2 ≥ B(11, 10) = 0.1632, so 11 agents; ⌈11 / 0.7⌉ = 16.
    r = staffing.erlang_a(100, 1800, 180, patience=1e-9, max_occupancy=0.85, shrinkage=0.3)
    assert (r.agents, r.scheduled) == (11, 16)


def test_cli_staffing_with_a_millisecond_patience(capsys: pytest.CaptureFixture[str]) -> None:
    # The shortest patience the command line can say, against a day's answer time: Erlang B's
    # 11 agents (above), 16 scheduled, 16.3% abandoning. The old service level stepped through
    # about (Nμ + kθ)·t = 5,000/s × 86,400 s = 4·10^8 uniformisation steps per agent count tried.
    assert main(["staffing", "--contacts", "100", "--interval", "30m", "--aht", "3m", "--patience", "1ms",
                 "--answer-time", "1d", "--max-occupancy", "0.85", "--shrinkage", "0.3"]) == 0
    row = capsys.readouterr().out.splitlines()[1].split()
    assert row[:3] == ["11", "16", "10.0"]
    assert row[-1] == "16.3%"
