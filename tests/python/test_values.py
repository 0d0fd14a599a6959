"""Text forms of instants and durations (spec §1) through Python."""

from __future__ import annotations

import datetime as dt

import pytest

import aftersales

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-11T00:05:00+08:00", dt.datetime(2026, 11, 10, 16, 5, tzinfo=UTC)),
        ("2026-11-10T16:05:00Z", dt.datetime(2026, 11, 10, 16, 5, tzinfo=UTC)),
        ("2026-11-10T16:05:00.123456Z", dt.datetime(2026, 11, 10, 16, 5, 0, 123000, tzinfo=UTC)),
    ],
)
def test_parse_instant(text: str, expected: dt.datetime) -> None:
    result = aftersales.parse_instant(text)
    assert result == expected
    assert result.tzinfo is dt.timezone.utc


def test_parse_instant_without_offset_is_an_input_error() -> None:
    with pytest.raises(aftersales.InputError, match="2026-11-11T00:05:00"):
        aftersales.parse_instant("2026-11-11T00:05:00")


def test_parse_instant_after_2200_is_a_range_error() -> None:
    with pytest.raises(aftersales.RangeError):
        aftersales.parse_instant("2201-01-01T00:00:00Z")


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (dt.datetime(2026, 11, 11, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=8))), "2026-11-10T16:05:00Z"),
        (dt.datetime(2026, 11, 10, 16, 5, 0, 7000, tzinfo=UTC), "2026-11-10T16:05:00.007Z"),
    ],
)
def test_format_instant(t: dt.datetime, expected: str) -> None:
    assert aftersales.format_instant(t) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", dt.timedelta(seconds=90)),
        ("1h30m", dt.timedelta(hours=1, minutes=30)),
        ("2d", dt.timedelta(hours=48)),
        ("500ms", dt.timedelta(milliseconds=500)),
        ("-15m", dt.timedelta(minutes=-15)),
    ],
)
def test_parse_duration(text: str, expected: dt.timedelta) -> None:
    assert aftersales.parse_duration(text) == expected


def test_parse_duration_malformed() -> None:
    with pytest.raises(aftersales.InputError, match="3x"):
        aftersales.parse_duration("3x")


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (dt.timedelta(hours=1, minutes=30), "1h30m"),
        (dt.timedelta(milliseconds=500), "500ms"),
        (dt.timedelta(days=-2), "-2d"),
        (dt.timedelta(0), "0s"),
        (dt.timedelta(microseconds=-1500), "-1ms"),  # truncated toward zero
    ],
)
def test_format_duration(d: dt.timedelta, expected: str) -> None:
    assert aftersales.format_duration(d) == expected


def test_version_matches_the_package_metadata() -> None:
    from importlib.metadata import version

    assert aftersales.__version__ == version("aftersales")
    assert aftersales.__version__.count(".") == 2
