"""Log level and handler: records reach a Python callable, from any thread."""

from __future__ import annotations

import sys
import threading
from typing import Any

import numpy as np
import pytest

import aftersales


def test_silent_by_default() -> None:
    assert aftersales.log_level() == "off"


def test_level_round_trips() -> None:
    try:
        for level in ("trace", "debug", "info", "warn", "error", "off"):
            aftersales.set_log_level(level)  # type: ignore[arg-type]
            assert aftersales.log_level() == level
    finally:
        aftersales.set_log_level("off")


def test_unknown_level_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown level 'verbose', expected one of trace, debug"):
        aftersales.set_log_level("verbose")  # type: ignore[arg-type]


def test_handler_must_be_callable() -> None:
    with pytest.raises(TypeError, match="expected a callable"):
        aftersales.set_log_handler("print")  # type: ignore[arg-type]


def test_loading_a_policy_is_logged(log_records: list[tuple[str, str]], office_document: dict[str, Any]) -> None:
    aftersales.Policy.from_json(office_document)
    assert any(level == "info" for level, _ in log_records)
    assert all(isinstance(message, str) and message for _, message in log_records)


def test_level_filters_records(log_records: list[tuple[str, str]], office_document: dict[str, Any]) -> None:
    aftersales.set_log_level("error")
    aftersales.Policy.from_json(office_document)
    assert log_records == []


def test_records_from_a_batch_call_on_another_thread(
    log_records: list[tuple[str, str]], fresh_office: aftersales.Calendar
) -> None:
    # The first query of a year computes that year's open intervals, which is logged at debug
    # level, here from inside a GIL-free batch loop on a worker thread.
    thread = threading.Thread(
        target=fresh_office.is_open_many, args=(np.array(["2026-11-16T01:00"], dtype="datetime64[ms]"),)
    )
    thread.start()
    thread.join()
    assert any(level == "debug" for level, _ in log_records)


def test_handler_exception_is_reported_as_unraisable(
    monkeypatch: pytest.MonkeyPatch, office_document: dict[str, Any]
) -> None:
    reports: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reports.append)

    def broken(level: str, message: str) -> None:
        raise RuntimeError("handler failed")

    aftersales.set_log_handler(broken)
    aftersales.set_log_level("info")
    try:
        policy = aftersales.Policy.from_json(office_document)  # the call itself succeeds
    finally:
        aftersales.set_log_level("off")
        aftersales.set_log_handler(None)
    assert policy.calendar_names == ["always", "berlin-night", "office"]
    assert reports
    assert isinstance(reports[0].exc_value, RuntimeError)
