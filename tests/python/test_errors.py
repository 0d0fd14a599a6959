"""The exception classes and how the library's errors arrive in Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import aftersales


@pytest.mark.parametrize(
    ("exception", "bases"),
    [
        (aftersales.Error, (Exception,)),
        (aftersales.PolicyError, (aftersales.Error, ValueError)),
        (aftersales.InputError, (aftersales.Error, ValueError)),
        (aftersales.RangeError, (aftersales.InputError,)),
        (aftersales.NotFoundError, (aftersales.Error, KeyError)),
    ],
)
def test_hierarchy(exception: type[Exception], bases: tuple[type[Exception], ...]) -> None:
    assert exception.__bases__ == bases
    assert exception.__module__ == "aftersales"


def test_policy_with_several_mistakes_lists_them_all() -> None:
    document = {
        "schema_version": 1,
        "calendars": {
            "mars": {"timezone": "Mars/Olympus_Mons", "hours": "24x7"},
            "overlap": {"timezone": "UTC", "hours": {"mon": ["09:00-12:00", "11:00-13:00"]}},
            "typo": {"timezone": "UTC", "hours": "24x7", "holiday": ["2026-10-01"]},
            "late": {"timezone": "UTC", "hours": {"tue": ["09:00-25:00"]}},
        },
    }
    with pytest.raises(aftersales.PolicyError) as caught:
        aftersales.Policy.from_json(document)
    paths = sorted(path for path, _ in caught.value.problems)
    assert paths == [
        "calendars.late.hours.tue[0]",
        "calendars.mars.timezone",
        "calendars.overlap.hours.mon",
        "calendars.typo.holiday",
    ]
    for path, message in caught.value.problems:
        assert f"{path}: {message}" in str(caught.value)
    assert "Mars/Olympus_Mons" in str(caught.value)


def test_malformed_json_is_a_policy_error() -> None:
    with pytest.raises(aftersales.PolicyError) as caught:
        aftersales.Policy.from_json('{"schema_version": 1, "calendars": {')
    assert len(caught.value.problems) == 1
    assert isinstance(caught.value, ValueError)


def test_calendar_without_open_time() -> None:
    document = {"schema_version": 1, "calendars": {"never": {"timezone": "UTC", "hours": {}}}}
    with pytest.raises(aftersales.PolicyError) as caught:
        aftersales.Policy.from_json(document)
    assert [path for path, _ in caught.value.problems] == ["calendars.never"]


def test_unknown_calendar_is_a_key_error_listing_the_calendars(policy: aftersales.Policy) -> None:
    with pytest.raises(KeyError) as caught:
        policy.calendar("ofice")
    assert isinstance(caught.value, aftersales.NotFoundError)
    # Not quoted the way KeyError quotes a missing key.
    assert str(caught.value).startswith("no calendar named")
    assert "always, berlin-night, office" in str(caught.value)


def test_unreadable_file_is_an_input_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(aftersales.InputError, match="missing.json"):
        aftersales.Policy.from_file(missing)


def test_invalid_file_is_a_policy_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"schema_version": 2, "calendars": {}}))
    with pytest.raises(aftersales.PolicyError) as caught:
        aftersales.Policy.from_file(path)
    assert "schema_version" in [path for path, _ in caught.value.problems]


def test_every_error_is_caught_as_error(policy: aftersales.Policy) -> None:
    with pytest.raises(aftersales.Error):
        policy.calendar("nope")
    with pytest.raises(aftersales.Error):
        aftersales.parse_duration("3x")
