"""Loading policies: from text, dict and file; what a Policy tells about itself."""

from __future__ import annotations

import json
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


def test_a_policy_only_loads_and_hands_out_calendars() -> None:
    # One way to do each thing: every question about tickets, refunds and KPIs is asked of the
    # engine made from the policy (SlaEngine, RefundEngine, KpiEngine, Router).
    removed = ["evaluate_sla", "evaluate_sla_many", "evaluate_sla_lines", "check_refund", "check_refund_lines",
               "kpi", "kpi_lines", "scorecard", "router"]
    assert [name for name in removed if hasattr(aftersales.Policy, name)] == []
