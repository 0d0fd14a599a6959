"""Loading policies: from text, dict and file; what a Policy tells about itself."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import aftersales


def test_from_dict_and_from_text_agree(office_document: dict[str, Any]) -> None:
    from_dict = aftersales.Policy.from_json(office_document)
    from_text = aftersales.Policy.from_json(json.dumps(office_document))
    assert from_dict.calendar_names == from_text.calendar_names == ["always", "berlin-night", "office"]
    assert from_dict.schema_version == 1


def test_from_file_takes_str_and_pathlike(example_policy_path: Path) -> None:
    expected = ["always", "cn-office", "cn-service", "eu-service", "night-shift"]
    assert aftersales.Policy.from_file(example_policy_path).calendar_names == expected
    assert aftersales.Policy.from_file(str(example_policy_path)).calendar_names == expected


def test_example_policy_calendars(example_policy_path: Path) -> None:
    policy = aftersales.Policy.from_file(example_policy_path)
    assert policy.calendar("cn-service").time_zone == "Asia/Shanghai"
    assert policy.calendar("eu-service").time_zone == "Europe/Berlin"


def test_repr(policy: aftersales.Policy) -> None:
    assert repr(policy) == "<aftersales.Policy calendars=['always', 'berlin-night', 'office']>"


def test_document_of_another_type_is_a_type_error(office_document: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="expected the document as a str or a dict, got list"):
        aftersales.Policy.from_json([office_document])  # type: ignore[arg-type]


def test_calendar_outlives_its_policy(office_document: dict[str, Any]) -> None:
    calendar = aftersales.Policy.from_json(office_document).calendar("always")
    assert calendar.name == "always"


def test_no_constructor() -> None:
    with pytest.raises(TypeError):
        aftersales.Policy()  # type: ignore[call-arg]


def test_to_json_is_the_document_and_a_policy_pickles_as_it(office_document: dict[str, Any]) -> None:
    text = json.dumps(office_document, indent=1) + "\n"
    policy = aftersales.Policy.from_json(text)
    assert policy.to_json() == text  # byte for byte, spacing and newline included
    # A dict is kept as json.dumps wrote it.
    assert aftersales.Policy.from_json(office_document).to_json() == json.dumps(office_document)
    copy = pickle.loads(pickle.dumps(policy))
    assert isinstance(copy, aftersales.Policy) and copy is not policy
    assert copy.to_json() == text
    assert copy.calendar_names == ["always", "berlin-night", "office"]
    # The copy is compiled again: its calendars answer as the original's do.
    t = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)
    assert copy.calendar("office").add(t, dt.timedelta(hours=3)) == policy.calendar("office").add(t, dt.timedelta(hours=3))


def test_a_policy_goes_through_cloudpickle(office_document: dict[str, Any]) -> None:
    # What Dask and Spark use to ship a task's closure to their workers.
    cloudpickle = pytest.importorskip("cloudpickle")
    policy = aftersales.Policy.from_json(office_document)
    copy = cloudpickle.loads(cloudpickle.dumps(policy))
    assert copy.to_json() == policy.to_json() and copy.calendar_names == policy.calendar_names


def test_a_policy_only_loads_and_hands_out_calendars() -> None:
    # One way to do each thing: every question about tickets, refunds and KPIs is asked of the
    # engine made from the policy (SlaEngine, RefundEngine, KpiEngine, Router).
    removed = ["evaluate_sla", "evaluate_sla_many", "evaluate_sla_lines", "check_refund", "check_refund_lines",
               "kpi", "kpi_lines", "scorecard", "router"]
    assert [name for name in removed if hasattr(aftersales.Policy, name)] == []
