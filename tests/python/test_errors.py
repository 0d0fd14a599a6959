"""The exception classes and how the library's errors arrive in Python."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
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


# ---- Arguments of the wrong type: the TypeError names types, never values -------------------

SECRET = "C-SECRET-42"  # a customer id that no message may show
TICKET = {"id": "T-1", "created_at": "2026-11-11T00:05:00+08:00", "customer": {"id": SECRET}}
# pybind11's first line; the signatures after it are spelt differently by pybind11 2 and 3.
INCOMPATIBLE = "(): incompatible function arguments. The following argument types are supported:\n"


def type_error_of(call: Callable[[], object]) -> str:
    with pytest.raises(TypeError) as caught:
        call()
    return str(caught.value)


def test_a_wrong_instant_beside_a_ticket_does_not_show_the_ticket(policy: aftersales.Policy) -> None:
    # Regression: pybind11 ended the message with "Invoked with: <Policy ...>, {'id': 'T-1', ...
    # 'customer': {'id': 'C-SECRET-42'}}, 12345": the whole ticket.
    message = type_error_of(lambda: aftersales.SlaEngine(policy).evaluate(TICKET, 12345))  # type: ignore[arg-type]
    assert message.startswith("evaluate" + INCOMPATIBLE)
    assert message.endswith("\n\nInvoked with types: aftersales._core.SlaEngine, dict, int")
    assert SECRET not in message


def test_keyword_arguments_are_named_with_their_types(policy: aftersales.Policy) -> None:
    message = type_error_of(lambda: aftersales.SlaEngine(policy).evaluate(TICKET, at="2026-11-11"))  # type: ignore[arg-type]
    assert message.endswith("\n\nInvoked with types: aftersales._core.SlaEngine, dict, at=str")


def test_a_thread_count_out_of_range_does_not_show_the_tickets(policy: aftersales.Policy) -> None:
    # Regression: `aftersales sla --threads 99999999999` printed this TypeError, and with it the
    # whole tickets file.
    lines = json.dumps(TICKET).encode()
    at = datetime.datetime(2026, 11, 12, tzinfo=datetime.timezone.utc)
    message = type_error_of(lambda: aftersales.SlaEngine(policy).evaluate_lines(lines, at, 99999999999))
    assert message.startswith("evaluate_lines" + INCOMPATIBLE)
    assert message.endswith("\n\nInvoked with types: aftersales._core.SlaEngine, bytes, datetime.datetime, int")
    assert SECRET not in message


def test_methods_functions_and_constructors_are_all_covered(example_policy_path: Path) -> None:
    router = aftersales.Router(aftersales.Policy.from_file(example_policy_path))
    assert type_error_of(lambda: router.route(TICKET, None)).endswith(  # type: ignore[arg-type]
        "\n\nInvoked with types: aftersales._core.Router, dict, NoneType")
    assert type_error_of(lambda: aftersales.format_instant(SECRET)).endswith(  # type: ignore[arg-type]
        "\n\nInvoked with types: str")
    assert type_error_of(lambda: aftersales.TicketBatch(TICKET, SECRET)).endswith(  # type: ignore[call-arg]
        "\n\nInvoked with types: aftersales._core.TicketBatch, dict, str")
    for engine in (aftersales.SlaEngine, aftersales.RefundEngine, aftersales.KpiEngine):
        assert type_error_of(lambda: engine(SECRET)).endswith(  # type: ignore[arg-type]
            f"\n\nInvoked with types: aftersales._core.{engine.__name__}, str")


def test_what_is_built_from_a_policy_refuses_none() -> None:
    # Regression: Router(None) crashed the interpreter (a null policy reached the C++ router).
    built_from_policy: list[Callable[[], object]] = [
        lambda: aftersales.SlaEngine(None),  # type: ignore[arg-type]
        lambda: aftersales.RefundEngine(None),  # type: ignore[arg-type]
        lambda: aftersales.KpiEngine(None),  # type: ignore[arg-type]
        lambda: aftersales.Router(None),  # type: ignore[arg-type]
        lambda: aftersales.Router.restore(None, ""),  # type: ignore[arg-type]
        lambda: aftersales.KpiAccumulator(None),  # type: ignore[arg-type]
        lambda: aftersales.KpiAccumulator.from_json(None, "{}"),  # type: ignore[arg-type]
    ]
    for build in built_from_policy:
        assert "NoneType" in type_error_of(build).split("Invoked with types: ")[1]


def test_other_type_errors_keep_their_message() -> None:
    # A TypeError the bindings raise themselves already names the type, and is left alone.
    assert type_error_of(lambda: aftersales.Policy.from_json(42)) == (  # type: ignore[arg-type]
        "Policy.from_json: expected the document as a str or a dict, got int")


def test_a_huge_key_is_cut_in_the_path_of_a_type_error(example_policy_path: Path) -> None:
    # Regression: the path of a value JSON cannot hold spelt the dict's keys out whole.
    policy = aftersales.Policy.from_file(example_policy_path)
    message = type_error_of(lambda: aftersales.RefundEngine(policy).check({"order": {"x" * 100_000: {SECRET}}}))
    # The key as the library spells paths: quoted, its first 64 characters, then "…".
    assert message == (
        'order["' + "x" * 64 + '…"]: set is not a JSON value (expected dict, list, str, int, float, bool '
        "or None; write instants as RFC 3339 text, epoch milliseconds or aware datetimes)"
    )
