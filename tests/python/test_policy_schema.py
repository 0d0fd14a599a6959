"""The policy document's JSON Schema against the loader (docs/policy.md, "JSON Schema").

The schema is written by hand beside a loader that validates everything itself, so the two could
drift apart silently. Here every example policy and every policy the docs show must pass both,
the fuzzer's seed policies get the same verdict from both, and a catalogue of mutations of the
shipped example policy is judged by both:

- REJECTED_BY_BOTH: wrong types, unknown keys, bad enum values, missing required members,
  malformed dates, ranges, durations and instants;
- ACCEPTED_BY_BOTH: valid variations, so that the schema is not stricter than the loader;
- LOADER_ONLY: rules a schema cannot express (a time zone exists, a name refers to something the
  document defines, dates and ranges do not overlap), asserted to be refused by the loader and
  accepted by the schema, so that the list is exactly what docs/policy.md says and cannot grow
  unnoticed;
There is no list of rules only the schema checks: where it is stricter than the loader, an
ACCEPTED_BY_BOTH case or a docs block fails.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import aftersales

jsonschema = pytest.importorskip("jsonschema")

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((REPO / "examples" / "policies" / "cn-marketplace.json").read_text(encoding="utf-8"))

DELETE = object()  # as a mutation's value: remove the member instead of setting it

JsonPath = tuple[Any, ...]


class Mutation(NamedTuple):
    path: JsonPath
    value: Any
    why: str = ""  # for the exception lists: the rule that makes the difference

    @property
    def id(self) -> str:
        shown = "<deleted>" if self.value is DELETE else json.dumps(self.value)
        return f"{loader_path(self.path)}={shown[:40]}"


def loader_path(path: JsonPath) -> str:
    """The path as the loader's problems spell it: `calendars.cn-service.hours.daily[0]`."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", step):
            text += ("." if text else "") + step
        else:
            text += f"[{json.dumps(step)}]"
    return text


def mutated(mutation: Mutation) -> dict[str, Any]:
    document = copy.deepcopy(EXAMPLE)
    *parents, last = mutation.path
    target = document
    for step in parents:
        target = target[step]
    if mutation.value is DELETE:
        del target[last]
    elif isinstance(target, list) and last == len(target):
        target.append(copy.deepcopy(mutation.value))
    else:
        target[last] = copy.deepcopy(mutation.value)
    return document


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = aftersales.policy_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def loader_problems(document: Any) -> list[tuple[str, str]]:
    try:
        aftersales.Policy.from_json(json.dumps(document))
    except aftersales.PolicyError as error:
        return list(error.problems)
    return []


def schema_errors(validator: Any, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def related(problem_path: str, mutation_path: str) -> bool:
    """Whether a problem is about the mutated member: at it, inside it, or at an enclosing member."""
    if not problem_path:
        return False
    shorter, longer = sorted((problem_path, mutation_path), key=len)
    return longer == shorter or longer.startswith((shorter + ".", shorter + "["))


C = ("calendars", "cn-service")
SLA = ("sla", "policies", 0)
TARGET = (*SLA, "targets", "urgent", "first_response")
WHEN = (*SLA, "when")
Q = ("routing", "queues")
RULES = ("routing", "rules")
R = ("refunds", "policies", 0)
NO_REASON = (*R, "reasons", "no_reason")
CARD = ("kpi", "scorecards", 0)
CSAT = (*CARD, "metrics", "csat")
CP = ("compensation", "policies", 0)
CR = (*CP, "rules")
CL = (*CP, "limits")
M = Mutation

REJECTED_BY_BOTH = [
    # The document
    M(("schema_version",), 2), M(("schema_version",), "1"), M(("schema_version",), DELETE),
    M(("calendar",), {}), M(("$schema",), 5), M(("$schema",), None), M(("calendars",), []),
    # Calendars
    M((*C, "holiday"), []), M((*C, "timezone"), 8), M((*C, "timezone"), DELETE), M((*C, "hours"), DELETE),
    M((*C, "hours"), "24/7"), M((*C, "hours"), ["09:00-18:00"]), M((*C, "hours", "daily"), "09:00-24:00"),
    M((*C, "hours", "weekdays"), ["09:00-18:00"]), M((*C, "hours", "mon-"), ["09:00-18:00"]),
    M((*C, "hours", "daily", 0), "9:00-24:00"), M((*C, "hours", "daily", 0), "25:00-26:00"),
    M((*C, "hours", "daily", 0), "10:00-10:00"), M((*C, "hours", "daily", 0), "24:00-02:00"),
    M((*C, "hours", "daily", 0), "09:60-12:00"), M((*C, "hours", "daily", 0), "09:00 - 18:00"),
    M((*C, "hours", "daily", 0), 9), M((*C, "holidays"), "2026-01-01"),
    M((*C, "holidays", 0, "from"), "2026-02-30"), M((*C, "holidays", 0, "from"), "2026/01/01"),
    M((*C, "holidays", 0, "from"), "1969-12-31"), M((*C, "holidays", 0, "to"), "2201-01-01"),
    M((*C, "holidays", 0, "from"), "2026-1-1"), M((*C, "holidays", 0, "date"), "2026-01-01"),
    M((*C, "breaks"), "12:00-13:00"), M((*C, "breaks"), ["12:00-12:00"]), M((*C, "breaks"), ["25:00-26:00"]),
    M((*C, "breaks"), "24x7"), M((*C, "holidays", 7), {"every_year": "02-30"}),
    M((*C, "holidays", 7), {"every_year": "2026-12-25"}), M((*C, "holidays", 7), {"every_year": "12-25", "from_year": 1969}),
    M((*C, "holidays", 7), {"every_year": "12-25", "to_year": "2030"}),
    M((*C, "holidays", 7), {"every_year": "12-25", "to_year": 2201}),
    M((*C, "holidays", 7), {"every_year": "12-25", "date": "2026-12-25"}), M((*C, "holidays", 7), {"every_year": 1225}),
    M((*C, "holidays", 7), {"every_year": "12-25", "name": 1}), M((*C, "holidays", 7), {"from_year": 2026}),
    M((*C, "holidays", 0, "to"), DELETE), M((*C, "holidays", 0, "nmae"), "typo"),
    M((*C, "holidays", 7), "2027-02-29"), M((*C, "holidays", 7), "2100-02-29"), M((*C, "holidays", 7), 20260101),
    M((*C, "holidays", 7), {"name": "no date"}), M((*C, "workdays", 0, "hours"), DELETE),
    M((*C, "workdays", 0, "hours"), ["09:00"]), M((*C, "workdays", 0, "day"), "2026-01-04"),
    M((*C, "special", 0, "hours", 0), "00:00-25:00"), M((*C, "special"), {"from": "2026-11-10"}),
    M((*C, "coverage"), {"until": "2026-12-31"}), M((*C, "coverage"), {"beyond": "weekly"}),
    M((*C, "coverage"), {"until": "2026-12-31", "beyond": "open"}), M((*C, "coverage"), "2026-12-31"),
    M((*C, "coverage"), {"until": "2026-13-01", "beyond": "error"}),
    M((*C, "coverage"), {"until": "2026-12-31", "beyond": "weekly", "note": "x"}),
    M((*C, "versions"), {"from": "2027-01-01", "hours": "24x7"}), M((*C, "versions"), [{"from": "2027-01-01"}]),
    M((*C, "versions"), [{"hours": "24x7"}]), M((*C, "versions"), [{"from": "2027-01-01", "hours": "24/7"}]),
    M((*C, "versions"), [{"from": "2027-01-01", "hours": "24x7", "note": 1}]),
    M((*C, "versions"), [{"from": "2027-01-01", "hours": "24x7", "breaks": "12:00-13:00"}]),
    M((*C, "versions"), [{"from": "2027-01-01", "hours": "24x7", "breaks": ["12:00"]}]),
    M((*C, "holidays", 0, "name"), 5), M((*C, "workdays", 0, "name"), ["make-up"]),
    M((*C, "holidays", 0, "source"), 2026), M((*C, "workdays", 0, "source"), None),
    M((*C, "special", 0, "source"), {"notice": "x"}),
    # Statuses of the host's own
    M(("statuses", "awaiting_warehouse"), "waiting"), M(("statuses", "awaiting_warehouse"), "closed"),
    M(("statuses", "awaiting_warehouse"), "new"), M(("statuses", "open"), "on_hold"),
    M(("statuses",), ["awaiting_warehouse"]), M(("statuses", "awaiting_warehouse"), 1),
    # SLA
    M(("sla", "policies"), DELETE), M(("sla", "policy"), []), M(("sla", "policies"), {}),
    M((*SLA, "id"), DELETE), M((*SLA, "id"), 7), M((*SLA, "targets"), DELETE), M((*SLA, "calendar"), 1),
    M((*SLA, "targets", "critical"), {"first_response": "1m"}), M((*SLA, "targets", "urgent"), "30s"),
    M(TARGET, "3x"), M(TARGET, "1.5h"), M(TARGET, "30m1h"), M(TARGET, "1h1h"), M(TARGET, "0s"), M(TARGET, "0h0m"),
    M(TARGET, ""), M(TARGET, "-30s"), M(TARGET, 0), M(TARGET, -30), M(TARGET, 1.5), M(TARGET, "30 s"),
    M(TARGET, 3155760001), M(TARGET, {"target": "1h", "calender": "always"}), M(TARGET, {"calendar": "always"}),
    M(TARGET, {"target": "0s"}), M((*SLA, "pause_on", 0), "resolved"), M((*SLA, "pause_on"), "on_hold"),
    M((*SLA, "escalations", 0, "at"), "80"), M((*SLA, "escalations", 0, "at"), "0%"),
    M((*SLA, "escalations", 0, "at"), "12345%"), M((*SLA, "escalations", 0, "at"), 80),
    M((*SLA, "escalations", 0, "at"), "8.5%"), M((*SLA, "escalations", 0, "action"), ""),
    M((*SLA, "escalations", 0, "action"), DELETE), M((*SLA, "escalations", 0, "to"), 3),
    M((*SLA, "escalations", 0, "metrics"), "resolution"), M((*SLA, "escalations", 0, "level"), 2),
    M((*SLA, "escalations", 0, "at"), "-0m"), M((*SLA, "escalations", 0, "at"), "+"),
    M((*SLA, "escalations", 0, "at"), "15m"), M((*SLA, "escalations", 0, "at"), "-15"),
    M((*SLA, "escalations", 0, "at"), "--15m"), M((*SLA, "escalations", 0, "at"), "+-15m"),
    M((*SLA, "escalations", 0, "at"), "-1.5h"), M((*SLA, "escalations", 0, "at"), "+15x"),
    M((*SLA, "escalations", 0, "at"), "-15m%"), M((*SLA, "escalations", 0, "calendar"), 3),
    M((*SLA, "olas"), []), M((*SLA, "olas"), {"returns": {"calendar": "cn-office"}}),
    M((*SLA, "olas"), {"returns": {"target": "0s"}}), M((*SLA, "olas"), {"returns": {"target": {"someday": "1h"}}}),
    M((*SLA, "olas"), {"": {"target": "1h"}}), M((*SLA, "olas"), {"returns": {"target": "1h", "calendar": 3}}),
    M((*SLA, "olas"), {"returns": {"targets": "1h"}}),
    M(("sla", "metrics", "resolution"), {"start": "a", "stop": "b"}),
    M(("sla", "metrics", "on_hold_time"), {"start": "a", "stop": "b"}),
    M(("sla", "metrics", "refund_processing", "stop"), DELETE),
    M(("sla", "metrics", "refund_processing", "begin"), "refund_requested"),
    M(("sla", "metrics", "refund_processing"), "refund_requested"),
    M(TARGET, {"target": "1h", "pause_on": ["resolved"]}), M(TARGET, {"target": "1h", "pause_on": "on_hold"}),
    M((*SLA, "targets", "urgent", "on_hold_time"), {"target": "1h", "pause_on": ["on_hold"]}),
    M((*SLA, "targets", "urgent", "pausable_update"), {"target": "1h", "pause_on": []}),
    M(("sla", "metrics", "refund_processing", "stop_when"), {"field": "status", "gt": "x"}),
    M(("sla", "metrics", "refund_processing", "pause_when"), "on_hold"),
    M(("sla", "metrics", "watch"), {"start_when": {"field": "priority", "eq": "urgent"}}),
    M(("sla", "metrics", "watch"), {"stop_when": {"field": "status", "eq": "resolved"}, "reset_when": {"all": []}}),
    # The holding queue is a field of custom metrics' conditions only (docs/sla.md), which know no calendar.
    M(WHEN, {"field": "queue", "eq": "returns"}),
    M(("sla", "metrics", "refund_processing", "pause_when"), {"calendar": "cn-service", "open": True}),
    M(("sla", "metrics", "refund_processing", "pause_when"), {"field": "queue", "gt": "returns"}),
    # Conditions
    M(WHEN, []), M(WHEN, {"all": []}), M(WHEN, {"any": {"field": "channel", "eq": "chat"}}),
    M(WHEN, {"field": "channel", "gt": "chat"}), M(WHEN, {"field": "tags", "eq": "vip"}),
    M(WHEN, {"field": "priority", "gte": "critical"}), M(WHEN, {"field": "priority", "prefix": "hi"}),
    M(WHEN, {"field": "status", "lt": "open"}),
    M(WHEN, {"field": "channel", "eq": "chat", "ne": "email"}), M(WHEN, {"field": "channel"}),
    M(WHEN, {"field": "channel", "like": "c%"}), M(WHEN, {"field": "reason", "eq": "quality"}),
    M(WHEN, {"field": "shop", "eq": "x"}), M(WHEN, {"field": "fields.", "eq": "x"}),
    M(WHEN, {"not": {"field": "channel", "eq": "chat"}, "field": "channel"}),
    M(WHEN, {"field": "channel", "in": []}), M(WHEN, {"field": "channel", "in": "chat"}),
    M(WHEN, {"field": "order.amount", "gt": "12.3456789"}), M(WHEN, {"field": "order.amount", "gt": "12,50"}),
    M(WHEN, {"field": "order.amount", "prefix": "1"}), M(WHEN, {"field": "channel", "exists": "yes"}),
    M(WHEN, {"field": "channel", "eq": 5}), M(WHEN, {"field": "fields.region", "gt": "north"}),
    M(WHEN, {"field": 3, "eq": "x"}), M(WHEN, {"eq": "x"}),
    # Routing
    M((*Q,), []), M((*Q,), DELETE), M(("routing", "default_queue"), DELETE), M(("routing", "default_queue"), 1),
    M(("routing", "queue"), []), M((*Q, 0, "id"), ""), M((*Q, 0, "id"), DELETE), M((*Q, 0, "name"), "x"),
    M((*Q, 1, "overflow", "after"), "0s"), M((*Q, 1, "overflow", "after"), "soon"),
    M((*Q, 1, "overflow", "to"), DELETE), M((*Q, 1, "overflow", "when"), "always"),
    M((*RULES, 0, "queue"), DELETE), M((*RULES, 2, "id"), ""), M((*RULES, 2, "priority"), "critical"),
    M((*RULES, 2, "skills", "complaints"), 101), M((*RULES, 2, "skills", "complaints"), -1),
    M((*RULES, 2, "skills", "complaints"), "1"), M((*RULES, 2, "skills"), ["complaints"]),
    M((*RULES, 4, "preferred_skills"), {"x": 1}), M((*RULES, 4, "relax_after"), "2m"),
    M((*RULES, 5, "relax_after"), "0m"), M((*RULES, 0, "skills"), {"faq": 1}), M((*RULES, 0, "bot"), "yes"),
    M((*RULES, 0, "team"), "x"), M(("routing", "assignment", "strategy"), "fastest"),
    M(("routing", "assignment", "sticky"), 1), M(("routing", "assignment", "tier_skills", "svip", "senior"), 1.5),
    M(("routing", "assignment", "mode"), "x"),
    M(("routing", "units", "chat"), -1), M(("routing", "units", "chat"), 1000001), M(("routing", "units", "chat"), "2"),
    M(("routing", "units", "chat"), 1.5), M(("routing", "units"), [5]),
    # Rules that know the time (docs/routing.md, "Rules that know the time")
    M((*RULES, 3, "when"), {"calendar": "cn-service"}), M((*RULES, 3, "when"), {"calendar": "cn-service", "open": "yes"}),
    M((*RULES, 3, "when"), {"calendar": 1, "open": True}),
    M((*RULES, 3, "when"), {"calendar": "cn-service", "open": True, "field": "channel"}),
    M((*RULES, 3, "valid"), {"from": "2026-11-31", "timezone": "UTC"}),
    M((*RULES, 3, "valid"), {"until": "2026-11-12", "timezone": "UTC"}), M((*RULES, 3, "valid"), "2026-11-10"),
    M((*SLA, "valid"), {"from": "11/10/2026"}), M((*SLA, "valid"), {"to": "2026-11-12", "timezone": 8}),
    # Ladders and aging
    M((*RULES, 3, "steps"), {"after": "1m", "any_language": True}),
    M((*RULES, 3, "steps"), [{"after": "1m"}]), M((*RULES, 3, "steps"), [{"after": "0s", "any_language": True}]),
    M((*RULES, 3, "steps"), [{"after": "1m", "any_language": False}]), M((*RULES, 3, "steps"), [{"after": "1m", "drop": []}]),
    M((*RULES, 3, "steps"), [{"after": "1m", "drop": "returns"}]), M((*RULES, 3, "steps"), [{"drop": ["returns"]}]),
    M((*RULES, 3, "steps"), [{"after": "1m", "queue": 3}]), M((*RULES, 3, "steps"), [{"after": "1m", "add": "x"}]),
    M((*RULES, 0, "steps"), [{"after": "1m", "queue": "after-sales"}]),
    M(("routing", "aging"), {"up_to": "high"}), M(("routing", "aging"), {"every": "0m"}),
    M(("routing", "aging"), {"every": "10m", "up_to": "low"}), M(("routing", "aging"), {"every": "10m", "up_to": "top"}),
    M(("routing", "aging"), {"every": "10m", "cap": "high"}), M(("routing", "aging"), "10m"),
    # Offers
    M(("routing", "offers"), {"push_timeout": "30s"}), M(("routing", "offers"), {"no_reoffer": "10m"}),
    M(("routing", "offers"), {"push_timeout": "0s", "no_reoffer": "10m"}),
    M(("routing", "offers"), {"push_timeout": "30s", "no_reoffer": "-1m"}),
    M(("routing", "offers"), {"push_timeout": "30s", "no_reoffer": "10m", "auto_accept": True}),
    M(("routing", "offers"), "30s"),
    # Refunds
    M(("refunds", "policies"), DELETE), M(("refunds", "rules"), []), M((*R, "id"), DELETE),
    M((*R, "timezone"), DELETE), M((*R, "reasons"), {}), M((*R, "reasons"), DELETE), M((*R, "reasons"), []),
    M((*NO_REASON, "from"), "received"), M((*NO_REASON, "from"), DELETE), M((*NO_REASON, "windows"), {}),
    M((*NO_REASON, "windows"), DELETE), M((*NO_REASON, "windows", "refund"), "7d"),
    M((*NO_REASON, "windows", "return_refund"), "3x"), M((*NO_REASON, "windows", "return_refund"), "0d"),
    M((*NO_REASON, "count_from"), "tomorrow"), M((*NO_REASON, "return_shipping"), "merchant"),
    M((*NO_REASON, "conditions"), []), M((*NO_REASON, "conditions"), ["intact", "intact"]),
    M((*NO_REASON, "exclude_categories"), "custom"), M((*NO_REASON, "exclude_if_confirmed", 0), 1),
    M((*NO_REASON, "restocking_fee_rate"), "1.5"), M((*NO_REASON, "refund_shipping_fee"), "true"),
    M((*NO_REASON, "window"), "7d"), M((*R, "restocking_fee_rate"), "-0.1"), M((*R, "restocking_fee_rate"), 2),
    M((*R, "restocking_fee_rate"), "15%"), M((*R, "restocking_fee_rate"), "0.0000001"),
    M((*R, "refund_only_max"), "twenty"), M((*R, "refund_only_max"), -1), M((*R, "refund_only_max"), "20.0000001"),
    M((*R, "fast_refund", "min_credit_score"), -1), M((*R, "fast_refund", "min_credit_score"), 650.5),
    M((*R, "fast_refund", "max_refunds"), 3), M((*R, "fast_refund", "max_amount"), "2000 CNY"),
    M((*R, "refund_within", "after"), "delivered"), M((*R, "refund_within", "within"), DELETE),
    M((*R, "ship_back_within"), "7 days"), M((*R, "store_credit_after"), 3155760001),
    M((*R, "window_extensions", 0, "until"), "2026-11-30"), M((*R, "window_extensions", 0, "until"), DELETE),
    M((*R, "window_extensions", 0, "orders_from"), "2026-11-01T00:00:00"),
    M((*R, "window_extensions", 0, "orders_from"), "2026-11-01T24:00:00Z"),
    M((*R, "window_extensions", 0, "orders_from"), -1), M((*R, "window_extensions", 0, "extra"), 1),
    M((*R, "when"), {"field": "item.category", "gt": "x"}), M((*R, "when"), {"field": "shop", "eq": "x"}),
    M((*R, "calendar"), "cn-office"),
    M((*R, "refund_within", "within"), {"working_days": -1, "calendar": "cn-office"}),
    M((*R, "refund_within", "within"), {"working_days": 3}),
    M((*R, "refund_within", "within"), {"working_days": "3", "calendar": "cn-office"}),
    M((*R, "refund_within", "within"), {"working_days": 3, "calendar": "cn-office", "hours": 1}),
    M((*R, "ship_back_within"), {"working_days": 1001, "calendar": "cn-office"}),
    M((*R, "return_shipping_fee"), "eight"), M((*NO_REASON, "return_shipping_fee"), -1),
    M((*R, "recompute_min_spend"), "yes"), M((*R, "split_shipments"), {"count_from": "first_line"}),
    M((*R, "split_shipments"), {"transit_time": "0d"}), M((*R, "split_shipments"), {"transit": "3d"}),
    M((*R, "split_shipments"), "each_line"),
    # KPIs
    M(("kpi", "timezone"), 8), M(("kpi", "complaint"), {"field": "category", "prefix": "complaint"}),
    M(("kpi", "complaints"), {"field": "reason", "eq": "x"}), M(("kpi", "scorecards"), {}),
    M((*CARD, "metrics", "happiness"), {"weight": 1, "target": 1, "floor": 0}),
    M((*CARD, "metrics", "first_response_s.p99"), {"weight": 1, "target": 60, "floor": 600}),
    M((*CARD, "metrics", "on_hold_time_s.p50"), {"weight": 1, "target": 60, "floor": 600}),
    M((*CSAT, "weight"), 0), M((*CSAT, "weight"), -0.3), M((*CSAT, "weight"), "0.3"), M((*CSAT, "floor"), DELETE),
    M((*CSAT, "critical"), "yes"), M((*CSAT, "goal"), 1), M((*CARD, "metrics"), {}), M((*CARD, "metrics"), DELETE),
    M((*CARD, "stars"), [60, 70, 80]), M((*CARD, "stars"), [60, 70, 80, 101]), M((*CARD, "stars"), [-1, 70, 80, 90]),
    M((*CARD, "stars"), ["60", 70, 80, 90]), M((*CARD, "id"), DELETE), M((*CARD, "title"), "x"),
    # Compensation
    M(("compensation", "policies"), DELETE), M(("compensation", "rules"), []), M((*CP, "currency"), DELETE),
    M((*CP, "currency"), 156), M((*CP, "timezone"), DELETE), M((*CP, "combine"), "all"), M((*CP, "rules"), []),
    M((*CP, "point_value"), "0"), M((*CP, "point_value"), 0.01), M((*CR, 0, "id"), DELETE),
    M((*CR, 0, "late_days"), 0), M((*CR, 0, "late_days"), "3"), M((*CR, 0, "late_days"), 3651),
    M((*CR, 0, "offer"), DELETE), M((*CR, 0, "offer", "type"), "cash"), M((*CR, 0, "offer", "amount"), "-1.00"),
    M((*CR, 0, "offer", "amount"), 10), M((*CR, 0, "offer", "amount"), "0.00"), M((*CR, 0, "offer", "percent"), "5"),
    M((*CR, 0, "offer", "cap"), "5.00"), M((*CR, 1, "offer", "percent"), "0"), M((*CR, 1, "offer", "percent"), 101),
    M((*CR, 2, "offer", "min_spend"), "1.00"), M((*CR, 2, "offer", "points"), 0), M((*CR, 3, "offer", "value"), DELETE),
    M((*CR, 3, "offer", "sku"), ""), M((*CR, 2, "sla_breached"), []), M((*CR, 2, "sla_breached"), ["a", "a"]),
    M((*CR, 0, "quality_fault"), "yes"), M((*CR, 0, "when"), {"field": "reason", "eq": "x"}),
    M((*CR, 0, "gift"), "x"), M((*CL, 0, "period"), DELETE), M((*CL, 2, "period"), "30d"),
    M((*CL, 0, "max_count"), DELETE), M((*CL, 0, "per"), "shop"), M((*CL, 1, "max_amount"), "-5"),
    M((*CL, 0, "max_count"), -1), M((*CL, 0, "period"), "0d"),
]

ACCEPTED_BY_BOTH = [
    M(("statuses",), {}), M(("statuses", "escalated_to_tier2"), "open"), M((*SLA, "pause_on"), ["awaiting_courier"]),
    M(TARGET, {"target": "1m", "pause_on": ["awaiting_warehouse", "pending_customer"]}),
    M(WHEN, {"field": "status", "in": ["on_hold", "awaiting_warehouse"]}),
    M(("$schema",), "./policy.schema.json"), M(("$schema",), "https://example.com/policy.schema.json"),
    M((*C, "hours"), "24x7"), M((*C, "hours"), {"fri-mon": ["22:00-06:00"], "tue-thu": ["09:00-18:00"]}),
    M((*C, "hours", "daily"), "24x7"), M((*C, "hours", "daily"), []),
    M((*C, "hours"), {"mon": ["09:00-12:00", "13:00-18:00"], "sat": ["00:00-24:00"], "sun-sun": []}),
    M(("calendars", "night-shift", "hours", "daily"), ["22:00-00:00"]),
    M((*C, "holidays", 7), "2028-02-29"), M((*C, "holidays", 7), "2000-02-29"), M((*C, "holidays", 7), "2200-12-31"),
    M((*C, "holidays", 7), {"date": "2026-12-31"}), M((*C, "holidays", 7), {"from": "1970-01-01", "to": "1970-01-01"}),
    M((*C, "workdays", 0, "hours"), "24x7"), M((*C, "workdays", 0, "name"), "make-up day"),
    M((*C, "holidays", 0, "source"), "State Council notice"), M((*C, "workdays", 0, "source"), "holidays 0.109 CN"),
    M((*C, "special", 0, "source"), "Double 11 plan"),
    M((*C, "breaks"), ["12:00-13:00"]), M((*C, "breaks"), []), M((*C, "breaks"), ["23:30-00:30", "03:00-04:00"]),
    M((*C, "breaks"), ["09:00-24:00"]),  # weekly hours and workdays all break: the special Double 11 days stay open
    M((*C, "holidays", 7), {"every_year": "12-25", "name": "Christmas Day"}),
    M((*C, "holidays", 7), {"every_year": "02-29", "from_year": 2028, "to_year": 2200}),
    M((*C, "holidays", 7), {"every_year": "10-01", "name": "National Day"}),  # also a dated holiday in 2026
    M((*RULES, 3, "when"), {"calendar": "cn-service", "open": False}),
    M((*RULES, 3, "when"), {"all": [{"not": {"calendar": "night-shift", "open": True}}, {"field": "channel", "eq": "chat"}]}),
    M((*RULES, 3, "valid"), {"from": "2026-11-10", "to": "2026-11-12", "timezone": "Asia/Shanghai"}),
    M((*RULES, 3, "valid"), {"to": "2026-11-12", "timezone": "UTC"}),
    M((*SLA, "valid"), {"from": "2026-11-10", "to": "2026-11-12"}),  # the policy's calendar's time zone
    M(WHEN, {"any": [{"calendar": "cn-office", "open": True}, {"field": "channel", "eq": "chat"}]}),
    M((*RULES, 3, "steps"), [{"after": "1m", "drop": ["returns"]}, {"after": "3m", "queue": "after-sales"},
                             {"after": "10m", "any_language": True}]),
    M((*RULES, 5, "steps"), [{"after": "2m", "drop": ["appliances", "senior"], "queue": "after-sales", "any_language": True}]),
    M(("routing", "aging"), {"every": "10m"}), M(("routing", "aging"), {"every": 600, "up_to": "high"}),
    M(("routing", "offers"), {"push_timeout": "30s", "no_reoffer": "10m"}),
    M(("routing", "offers"), {"push_timeout": 20, "no_reoffer": "1h"}),
    M((*RULES, 3, "steps"), []),  # no step: no ladder
    M((*C, "holidays", 7), {"every_year": "12-31", "from_year": 1970, "to_year": 1970, "source": "notice"}),
    M((*C, "coverage"), {"until": "2026-12-31", "beyond": "error"}),
    M((*C, "coverage"), {"until": "2026-12-31", "beyond": "weekly"}), M((*C, "versions"), []),
    M((*C, "versions"), [{"from": "2027-01-01", "hours": {"daily": ["08:00-24:00"]}}, {"from": "2028-01-01", "hours": "24x7"}]),
    M((*C, "versions"), [{"from": "2027-01-01", "hours": {"daily": ["08:00-24:00"]}, "breaks": ["12:00-13:30"]}]),
    M((*C, "versions"), [{"from": "2027-01-01", "hours": "24x7", "breaks": []}]),
    M(TARGET, 30), M(TARGET, "1d2h3m4s5ms"), M(TARGET, "500ms"), M(TARGET, "00001m"), M(TARGET, 3155760000),
    M(TARGET, {"target": 45}), M((*SLA, "escalations", 0, "at"), "9999%"), M((*SLA, "escalations", 0, "at"), "1%"),
    M((*SLA, "escalations", 0, "metrics"), ["first_response", "refund_processing"]), M((*SLA, "pause_on"), []),
    M((*SLA, "escalations", 0, "at"), "-15m"), M((*SLA, "escalations", 0, "at"), "+1h"),
    M((*SLA, "escalations", 0, "at"), "-1d2h3m4s5ms"), M((*SLA, "escalations", 0, "at"), "+0h1ms"),
    M((*SLA, "escalations", 0, "calendar"), "cn-office"),
    M((*SLA, "olas"), {"returns": {"target": "8h", "calendar": "cn-office"}}),
    M((*SLA, "olas"), {"returns": {"target": {"urgent": "2h", "low": 86400}}}), M((*SLA, "olas"), {}),
    M((*SLA, "escalations", 0, "metrics"), ["ola", "resolution"]),
    M(TARGET, {"target": "1m", "pause_on": ["pending_customer"]}), M(TARGET, {"target": "1m", "pause_on": []}),
    M((*SLA, "targets", "urgent", "resolution"), {"target": "4h", "pause_on": ["on_hold"], "calendar": "always"}),
    M(("sla", "metrics", "watch"), {"start_when": {"field": "priority", "eq": "urgent"},
                                    "stop_when": {"field": "status", "in": ["resolved", "closed"]},
                                    "pause_when": {"field": "status", "eq": "on_hold"},
                                    "reset_when": {"field": "tags", "contains": "reopened"}}),
    M(("sla", "metrics", "refund_processing", "stop_when"), {"field": "status", "eq": "closed"}),
    M(("sla", "metrics", "refund_processing", "pause_when"), {"not": {"field": "queue", "in": ["returns", "warehouse"]}}),
    M(("sla", "metrics", "refund_processing", "stop_when"), {"field": "queue", "exists": True}),
    M((*SLA, "targets", "urgent", "requester_wait_time"), "8h"), M((*SLA, "targets", "urgent", "agent_work_time"), "4h"),
    M((*SLA, "targets", "urgent", "on_hold_time"), {"target": "1d", "calendar": "cn-service"}),
    M((*SLA, "targets", "urgent", "pausable_update"), "2h"),
    M((*SLA, "escalations", 0, "metrics"), ["requester_wait_time", "pausable_update"]),
    M((*SLA, "when"), DELETE), M((*SLA, "calendar"), DELETE),
    M(WHEN, {"field": "order.amount", "gte": "399.99"}), M(WHEN, {"field": "order.amount", "lt": 399.99}),
    M(WHEN, {"field": "order.amount", "in": ["1.5", 2]}), M(WHEN, {"field": "order.amount", "eq": "12.3456780"}),
    M(WHEN, {"field": "priority", "in": ["high", "urgent"]}), M(WHEN, {"field": "priority", "gt": "normal"}),
    M(WHEN, {"not": {"field": "tags", "contains": "vip"}}), M(WHEN, {"field": "tags", "in": ["a", "b"]}),
    M(WHEN, {"field": "fields.region", "eq": True}), M(WHEN, {"field": "fields.score", "gt": 3}),
    M(WHEN, {"field": "fields.region", "prefix": "north"}), M(WHEN, {"field": "customer.tier", "exists": False}),
    M(WHEN, {"any": [{"all": [{"field": "status", "in": ["open", "on_hold"]}]}, {"field": "channel", "ne": "x"}]}),
    M((*RULES, 4, "when"), DELETE), M(("routing", "assignment"), {}), M(("routing", "rules"), []),
    M(("routing", "assignment", "strategy"), "round_robin"), M((*RULES, 2, "skills"), {"a": 0, "b": 100}),
    M((*RULES, 2, "bot"), False), M((*Q, 1, "overflow", "after"), 180),
    M(("routing", "units"), {}), M(("routing", "units"), {"voice": 5, "chat": 0, "*": 1000000}),
    M((*R, "restocking_fee_rate"), 0.15), M((*R, "restocking_fee_rate"), "1"), M((*R, "restocking_fee_rate"), "0.150000"),
    M((*R, "refund_only_max"), 20), M((*R, "refund_only_max"), "20"), M((*NO_REASON, "windows", "return_refund"), 604800),
    M((*R, "window_extensions", 0, "until"), 1796054400000), M((*R, "window_extensions", 0, "until"), "2026-11-30 00:00:00.5z"),
    M((*R, "when"), {"field": "item.category", "prefix": "shoes/"}), M((*R, "fast_refund"), {}),
    M((*R, "refund_within", "after"), "requested"), M((*NO_REASON, "count_from"), "instant"),
    M((*R, "refund_within", "within"), "7d"), M((*R, "refund_within", "within"), {"working_days": 0, "calendar": "cn-service"}),
    M((*R, "ship_back_within"), {"working_days": 1000, "calendar": "cn-office"}),
    M((*R, "return_shipping_fee"), "8.00"), M((*R, "return_shipping_fee"), 8), M((*NO_REASON, "return_shipping_fee"), "0"),
    M((*R, "recompute_min_spend"), True), M((*R, "split_shipments"), {}),
    M((*R, "split_shipments"), {"count_from": "last_line", "transit_time": "3d"}),
    M((*CARD, "stars"), [0, 25, 50, 100]), M((*CARD, "stars"), DELETE),
    M((*CARD, "metrics", "sla.refund_processing.rate"), {"weight": 1, "target": 0.9, "floor": 0.5}),
    M((*CARD, "metrics", "resolution_s.p90"), {"weight": 1, "target": 3600, "floor": 86400}),
    M((*CARD, "metrics", "requester_wait_s.mean"), {"weight": 1, "target": 3600, "floor": 86400}),
    M((*CARD, "metrics", "on_hold_s.p90"), {"weight": 1, "target": 3600, "floor": 86400}),
    M(("kpi",), {}), M(("routing",), DELETE), M(("refunds",), DELETE), M(("kpi",), DELETE),
    M(("compensation",), DELETE), M((*CP, "combine"), "sum"), M((*CP, "combine"), DELETE), M((*CP, "limits"), []),
    M((*CP, "limits"), DELETE), M((*CP, "when"), {"field": "customer.tier", "ne": "blocked"}),
    M((*CR, 0, "offer"), {"type": "store_credit", "percent": "2.5", "cap": "20.00"}),
    M((*CR, 0, "offer"), {"type": "coupon", "percent": 5}), M((*CL, 1, "max_amount"), "0"),
    M((*CL, 0, "max_count"), 0), M((*CR, 3, "quality_fault"), False),
]

# Rules the loader keeps and a JSON Schema cannot state. docs/policy.md ("JSON Schema") lists them.
LOADER_ONLY = [
    M(WHEN, {"field": "status", "eq": "solved"}, "status names refer to built-in statuses or to the policy's `statuses`"),
    M((*SLA, "pause_on", 0), "awaiting_parts", "status names refer to built-in statuses or to the policy's `statuses`"),
    M((*SLA, "pause_on", 0), "refund_approved", "a custom status in `pause_on` counts as pending_customer or on_hold"),
    M((*C, "timezone"), "Asia/Shangai", "the time zone must exist"),
    M((*R, "timezone"), "Mars/Olympus", "the time zone must exist"),
    M(("kpi", "timezone"), "Mars/Olympus", "the time zone must exist"),
    M((*C, "hours"), {"daily": ["09:00-12:00", "11:00-13:00"]}, "ranges of one day must not overlap"),
    M((*C, "hours"), {"mon-fri": ["09:00-18:00"], "fri": ["10:00-12:00"]}, "a day is named by one key only"),
    M((*C, "holidays", 1), {"from": "2026-01-02", "to": "2026-01-05"}, "a date is covered once"),
    M((*C, "special", 0, "from"), "2026-10-10", "a date is covered once"),
    M((*C, "holidays", 0, "to"), "2025-12-31", "a range's from is not after its to"),
    M((*C, "breaks"), ["12:00-13:00", "12:30-14:00"], "ranges of one day must not overlap"),
    M((*C, "holidays"), [{"every_year": "12-25"}, {"every_year": "12-25", "from_year": 2030}], "a date is covered once"),
    M((*C, "holidays", 7), {"every_year": "12-25", "from_year": 2030, "to_year": 2020}, "a yearly holiday's `from_year` after its `to_year`"),
    M((*C, "holidays", 7), {"every_year": "02-29", "from_year": 2097, "to_year": 2103},
      "a yearly holiday falls in some year of its own"),
    M(("calendars", "night-shift", "breaks"), ["00:00-24:00"], "a calendar is open at some time"),
    M(("calendars", "night-shift", "hours"), {}, "a calendar is open at some time"),
    M((*C, "versions"), [{"from": "2028-01-01", "hours": "24x7"}, {"from": "2027-01-01", "hours": "24x7"}],
      "versions are in order of their dates, each date once"),
    M((*C, "versions"), [{"from": "2027-01-01", "hours": "24x7"}, {"from": "2027-01-01", "hours": {}}],
      "versions are in order of their dates, each date once"),
    M((*C, "versions"), [{"from": "2027-01-01", "hours": "24x7", "breaks": ["12:00-13:00", "12:30-14:00"]}],
      "ranges of one day must not overlap"),
    M((*SLA, "calendar"), "cn-servce", "calendar names refer to calendars"),
    M((*SLA, "targets", "urgent", "follow_up", "calendar"), "sometimes", "calendar names refer to calendars"),
    M((*SLA, "targets", "urgent", "first_reply"), "1m", "metric names refer to built-in or custom metrics"),
    M((*SLA, "escalations", 0, "metrics"), ["first_reply"], "metric names refer to built-in or custom metrics"),
    M(("sla", "policies", 1, "id"), "vip", "ids are unique"),
    M(("sla", "metrics", "refund_processing", "stop"), "refund_requested", "a custom metric stops on another event"),
    M((*SLA, "targets", "urgent", "resolution"), "36526d", "a target is at most 100 years (as text)"),
    M((*SLA, "escalations", 0, "at"), "-36526d", "an escalation's offset is at most 100 years"),
    M((*SLA, "escalations", 0, "calendar"), "sometimes", "calendar names refer to calendars"),
    M((*NO_REASON, "windows", "return_refund"), "36526d", "a window is at most 100 years (as text)"),
    M((*RULES, 0, "queue"), "nowhere", "queue ids refer to queues"),
    M(("routing", "default_queue"), "nowhere", "queue ids refer to queues"),
    M((*Q, 1, "overflow", "to"), "nowhere", "queue ids refer to queues"),
    M((*Q, 1, "overflow", "to"), "returns", "a queue does not overflow into itself"),
    M((*Q, 5, "overflow"), {"after": "1m", "to": "returns"}, "overflow does not go round in a cycle"),
    M((*Q, 1, "id"), "pre-sales", "ids are unique"),
    M((*RULES, 2, "id"), "faq-bot", "ids are unique"),
    M(("kpi", "scorecards", 1), EXAMPLE["kpi"]["scorecards"][0], "ids are unique"),
    M((*CARD, "metrics", "sla.first_reply.rate"), {"weight": 1, "target": 1, "floor": 0},
      "metric names refer to built-in or custom metrics"),
    M((*CSAT, "floor"), 0.95, "a scorecard floor differs from its target"),
    M((*CARD, "stars"), [60, 80, 70, 90], "star thresholds rise strictly"),
    M((*R, "window_extensions", 0, "orders_to"), "2026-11-01T00:00:00+08:00", "an extension's range is not empty"),
    M((*R, "refund_within", "within", "calendar"), "cn-offce", "calendar names refer to calendars"),
    M((*R, "split_shipments"), {"transit_time": "36526d"}, "a window is at most 100 years (as text)"),
    M((*R, "window_extensions", 0, "orders_from"), "1969-12-31T00:00:00Z", "instants lie in 1970-2200"),
    M((*R, "window_extensions", 0, "orders_from"), "2026-02-30T00:00:00Z", "an instant's date is a real date"),
    M((*RULES, 3, "when"), {"calendar": "cn-servce", "open": True}, "calendar names refer to calendars"),
    M((*RULES, 3, "valid"), {"from": "2026-11-12", "to": "2026-11-10", "timezone": "UTC"},
      "a range's from is not after its to"),
    M((*RULES, 3, "valid"), {"from": "2026-11-10", "timezone": "Asia/Shangai"}, "the time zone must exist"),
    M((*RULES, 3, "valid"), {"from": "2026-11-10"}, "a routing rule's `valid` names its `timezone`"),
    M((*RULES, 3, "steps"), [{"after": "3m", "any_language": True}, {"after": "1m", "any_language": True}],
      "a ladder's steps come in the order of their waits"),
    M((*RULES, 3, "steps"), [{"after": "1m", "queue": "nowhere"}], "queue ids refer to queues"),
    M(("kpi", "complaints"), {"calendar": "cn-service", "open": True},
      "calendar conditions only in routing rules and SLA policies"),
    M((*CP, "timezone"), "Mars/Olympus", "the time zone must exist"),
    M((*CP, "currency"), "XYZ", "a currency is an ISO 4217 code"),
    M((*CR, 0, "offer", "amount"), "10.005", "an amount has no more decimals than its currency"),
    M((*CR, 1, "offer", "percent"), "101", "a percentage is above 0 and at most 100 (as text)"),
    M((*CP, "point_value"), DELETE, "a policy that offers points has a point value"),
    M((*CR, 1, "id"), "double11-late-3d", "ids are unique"),
    M(("compensation", "policies", 1), EXAMPLE["compensation"]["policies"][0], "ids are unique"),
    M(("schema_version",), 1.0, "a whole number is written without a fraction (JSON Schema counts 1.0 as 1)"),
]

def cases(mutations: list[Mutation]) -> list[Any]:
    return [pytest.param(mutation, id=mutation.id) for mutation in mutations]


def test_the_shipped_copies_are_identical() -> None:
    docs = (REPO / "docs" / "policy.schema.json").read_bytes()
    package = (REPO / "python" / "aftersales" / "policy.schema.json").read_bytes()
    assert docs == package, "docs/policy.schema.json and python/aftersales/policy.schema.json differ: copy one over the other"


def test_the_installed_schema_is_the_repositorys() -> None:
    # policy_schema() reads the installed package's copy: the wheel must hold it.
    assert aftersales.policy_schema() == json.loads((REPO / "docs" / "policy.schema.json").read_text(encoding="utf-8"))
    assert aftersales.policy_schema() is not aftersales.policy_schema()


def test_the_schema_is_valid_draft_2020_12(validator: Any) -> None:
    assert validator.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def example_policies() -> list[Path]:
    found = []
    for path in sorted([*REPO.glob("examples/**/*.json"), *REPO.glob("bench/**/*.json")]):
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict) and "schema_version" in document:
            found.append(path)
    return found


def test_the_example_policies_are_found() -> None:
    names = {path.name for path in example_policies()}
    assert {"cn-marketplace.json", "eu-refunds.json", "uk-refunds.json", "season_policy.json"} <= names


@pytest.mark.parametrize("path", example_policies(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_example_policies_pass_both(validator: Any, path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert schema_errors(validator, document) == []
    assert loader_problems(document) == []


def doc_blocks() -> Any:
    """tests/docs/doc_blocks.py, which reads the pages' fenced blocks, as tests/docs imports it."""
    if "doc_blocks" not in sys.modules:
        spec = importlib.util.spec_from_file_location("doc_blocks", REPO / "tests" / "docs" / "doc_blocks.py")
        assert spec is not None and spec.loader is not None
        sys.modules["doc_blocks"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["doc_blocks"])
    return sys.modules["doc_blocks"]


def fuzz_seeds() -> list[Any]:
    paths = sorted((REPO / "fuzz" / "corpus" / "policy").glob("*.json"))
    return [pytest.param(path, id=path.name) for path in paths]


@pytest.mark.parametrize("path", fuzz_seeds())
def test_the_fuzzers_seed_policies_get_the_loaders_verdict(validator: Any, path: Path) -> None:
    # Seeds the loader accepts, the schema must accept; the broken ones here break rules a schema
    # states too (a new seed broken only in a loader-only rule would belong in LOADER_ONLY instead).
    document = json.loads(path.read_text(encoding="utf-8"))
    assert bool(schema_errors(validator, document)) == bool(loader_problems(document))


SECTIONS = ("calendars", "sla", "routing", "refunds", "kpi", "compensation")
CONDITION_KEYS = {"all", "any", "not", "field"}


def json_object(body: str) -> dict[str, Any] | None:
    """The block as a JSON object, or None for anything else (an output abridged with `...`)."""
    try:
        value = json.loads(body)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def docs_policies() -> list[Any]:
    """The json blocks of README.md and docs/*.md that show policies, each as a whole document.

    A whole document (it has schema_version) is taken as it is. A section (`"sla": {...}`) takes
    the place of the example policy's (calendars join the example's, whose SLA policies name
    them), and a condition becomes the example's first SLA policy's `when`.
    """
    found = []
    for page in doc_blocks().pages():
        for block in doc_blocks().blocks(page):
            body = block.body.strip()
            if block.language != "json":
                continue
            document = copy.deepcopy(EXAMPLE)
            if '"schema_version"' in body:
                document = json.loads(body)
            elif body.startswith(tuple(f'"{name}":' for name in SECTIONS)):
                section = json.loads("{" + body + "}")
                if "calendars" in section:
                    document["calendars"].update(section.pop("calendars"))
                document.update(section)
            elif (condition := json_object(body)) is not None and set(condition) & CONDITION_KEYS:
                document["sla"]["policies"][0]["when"] = condition
            else:
                continue
            found.append(pytest.param(document, id=block.where))
    return found


def test_the_docs_policies_are_found() -> None:
    where = {param.id for param in docs_policies()}
    assert {"docs/policy.md:6", "docs/calendars.md:10", "docs/conditions.md:6", "docs/sla.md:30",
            "docs/routing.md:11", "docs/refunds.md:26"} <= where


@pytest.mark.parametrize("document", docs_policies())
def test_policies_in_the_docs_pass_both(validator: Any, document: dict[str, Any]) -> None:
    assert schema_errors(validator, document) == []
    assert loader_problems(document) == []


def test_the_catalogue_starts_from_a_valid_policy(validator: Any) -> None:
    assert schema_errors(validator, EXAMPLE) == []
    assert loader_problems(EXAMPLE) == []


@pytest.mark.parametrize("mutation", cases(REJECTED_BY_BOTH))
def test_rejected_by_both(validator: Any, mutation: Mutation) -> None:
    document = mutated(mutation)
    problems = loader_problems(document)
    where = loader_path(mutation.path)
    assert any(related(path, where) for path, _ in problems), f"the loader found nothing at {where}: {problems}"
    assert schema_errors(validator, document), "the schema accepted what the loader refuses"


@pytest.mark.parametrize("mutation", cases(ACCEPTED_BY_BOTH))
def test_accepted_by_both(validator: Any, mutation: Mutation) -> None:
    document = mutated(mutation)
    assert loader_problems(document) == []
    assert schema_errors(validator, document) == []


@pytest.mark.parametrize("mutation", cases(LOADER_ONLY))
def test_loader_only_rules(validator: Any, mutation: Mutation) -> None:
    document = mutated(mutation)
    problems = loader_problems(document)
    where = loader_path(mutation.path)
    assert any(related(path, where) for path, _ in problems), f"the loader found nothing at {where}: {problems}"
    errors = schema_errors(validator, document)
    assert errors == [], f"the schema now refuses it too ({mutation.why}): move it to REJECTED_BY_BOTH"


def test_the_exception_lists_are_the_documented_ones() -> None:
    # docs/policy.md names each rule of the exception lists; a rule added here is added there.
    text = (REPO / "docs" / "policy.md").read_text(encoding="utf-8")
    section = " ".join(text.split("## JSON Schema", 1)[1].split("\n## ", 1)[0].split())
    for mutation in LOADER_ONLY:
        assert mutation.why in section, f"docs/policy.md, \"JSON Schema\", does not list: {mutation.why}"
