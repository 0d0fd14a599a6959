"""Compensation from Python: decisions with exact Decimal amounts, to_dict, pickling, errors with
paths, JSON Lines, the `aftersales compensate` command and the compensation part of the demo. The
C++ suite has the exhaustive rules; the values here are worked out by hand.

The example policy's `cn-goodwill` (Asia/Shanghai, best offer wins, a point is 0.01): a Double 11
delay of 3 days or more gives a coupon of 10.00 (minimum spend 99.00), of 7 days or more 10% of
the order capped at 50.00; a complaint with a breached first_response or resolution 800 points;
a VIP's confirmed quality fault a gift worth 39.00. At most 3 compensations in 90 days, 50.00 in
30 days, 1 per order.
"""

from __future__ import annotations

import decimal
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import aftersales
from aftersales.cli import main

REPO = Path(__file__).resolve().parents[2]
REQUEST_PATH = REPO / "examples" / "compensation" / "double11-late.json"


@pytest.fixture(scope="module")
def engine() -> aftersales.CompensationEngine:
    return aftersales.CompensationEngine(aftersales.Policy.from_file(REPO / "examples" / "policies" / "cn-marketplace.json"))


def late_order(**changes: Any) -> dict[str, Any]:
    """A Double 11 order of 399.00 promised by 11-13, not delivered, asked about on 11-21: 8 days past."""
    request: dict[str, Any] = {
        "requested_at": "2026-11-21T10:00:00+08:00",
        "order": {"id": "O-1", "currency": "CNY", "amount": "399.00", "promised_by": "2026-11-13"},
        "ticket": {"id": "T-9", "category": "complaint/logistics", "agent": "A-03", "tags": ["double11"]},
    }
    request.update(changes)
    return request


def test_the_example_request(engine: aftersales.CompensationEngine) -> None:
    # Delivered 11-17, promised 11-13: 4 days late. double11-late-3d's 10.00 coupon; the 7-day
    # rule needs 7; no SLA breach; no quality fault. The history's 45.00 of 10-02 is outside 30 days.
    decision = engine.decide(json.loads(REQUEST_PATH.read_text(encoding="utf-8")))
    assert decision.compensate
    assert decision.total == decimal.Decimal("10.00")
    assert decision.late_days == 4
    (offer,) = decision.offers
    assert (offer.rule, offer.type, offer.amount, offer.min_spend, offer.sku) == (
        "double11-late-3d", "coupon", decimal.Decimal("10.00"), decimal.Decimal("99.00"), None)
    assert [r.code for r in decision.reasons] == [
        "RULE_MATCHED", "NOT_LATE_ENOUGH", "SLA_NOT_BREACHED", "QUALITY_FAULT_NOT_CONFIRMED"]
    assert [r.rule for r in decision.reasons] == [
        "double11-late-3d", "double11-late-7d", "complaint-goodwill", "quality-vip-gift"]
    assert (decision.ticket, decision.category, decision.agent) == ("T-1101", "complaint/logistics", "A-07")
    assert decision.to_dict() == json.loads(decision.to_json())
    assert repr(decision) == "<aftersales.CompensationDecision compensate=True total=10.00 CNY offers=1 reasons=4>"


def test_percentage_capped_and_trimmed(engine: aftersales.CompensationEngine) -> None:
    # 8 days: 10% of 399.00 = 39.90 beats 10.00.
    assert engine.decide(late_order()).total == decimal.Decimal("39.90")
    # 10% of 599.00 = 59.90, capped at 50.00.
    capped = late_order()
    capped["order"]["amount"] = "599.00"
    assert engine.decide(capped).total == decimal.Decimal("50.00")
    # 20.00 received on 11-05 leaves 30.00 of the month's 50.00: 39.90 is trimmed to 30.00.
    trimmed = engine.decide(late_order(history=[{"at": "2026-11-05T10:00:00+08:00", "value": "20.00"}]))
    assert trimmed.total == decimal.Decimal("30.00")
    assert trimmed.offers[0].rule == "double11-late-7d"
    reason = next(r for r in trimmed.reasons if r.code == "OFFER_TRIMMED")
    assert reason.message == (
        'rule "double11-late-7d"\'s coupon of 39.90 CNY is trimmed to 30.00 CNY: limits[1] (at most 50.00 CNY '
        "per customer in 30 days): 20.00 CNY used, 30.00 CNY left")


def test_limits_refuse(engine: aftersales.CompensationEngine) -> None:
    # One compensation on this order already: limits[2] allows 1 per order.
    per_order = engine.decide(late_order(history=[{"at": "2026-11-15T10:00:00+08:00", "order": "O-1", "value": "0"}]))
    assert not per_order.compensate
    assert per_order.offers == []
    assert per_order.total == decimal.Decimal("0.00")
    assert per_order.reasons[-1].code == "COUNT_LIMIT_REACHED"
    assert per_order.reasons[-1].rule is None
    # 50.00 used this month: nothing left, both coupons dropped.
    spent = engine.decide(late_order(history=[{"at": "2026-11-20T10:00:00+08:00", "value": "50.00"}]))
    assert [r.code for r in spent.reasons][-3:] == ["OFFER_DROPPED", "OFFER_DROPPED", "AMOUNT_LIMIT_REACHED"]


def test_points_and_gift(engine: aftersales.CompensationEngine) -> None:
    # On time, a complaint whose resolution breached: 800 points worth 8.00. A VIP's quality
    # fault as well: the gift worth 39.00 is the best.
    request = late_order(sla_breached=["resolution"])
    request["order"]["promised_by"] = "2026-11-30"
    points = engine.decide(request)
    assert (points.offers[0].type, points.offers[0].points, points.total) == ("points", 800, decimal.Decimal("8.00"))
    assert points.late_days == 0
    gift = engine.decide({**request, "customer": {"tier": "vip"}, "quality_fault": True})
    assert (gift.offers[0].sku, gift.total) == ("GIFT-THERMOS", decimal.Decimal("39.00"))


def test_pickles(engine: aftersales.CompensationEngine) -> None:
    decision = engine.decide(late_order())
    copy = pickle.loads(pickle.dumps(decision))
    assert copy.to_json() == decision.to_json()
    assert pickle.loads(pickle.dumps(engine)).decide(late_order()).to_json() == decision.to_json()


def test_errors_name_paths(engine: aftersales.CompensationEngine) -> None:
    with pytest.raises(aftersales.InputError) as raised:
        engine.decide(late_order(history=[{"at": "2026-11-01T00:00:00Z", "value": "1.005"}]))
    assert raised.value.path == "history[0].value"
    with pytest.raises(TypeError):
        engine.decide([])  # type: ignore[arg-type]


def test_lines(engine: aftersales.CompensationEngine) -> None:
    text = json.dumps(late_order()) + "\n\n{}\n"
    out = engine.decide_lines(text, first_line=10).splitlines()
    assert json.loads(out[0])["total"] == "39.90"
    assert json.loads(out[1])["line"] == 12


def test_cli(capsys: pytest.CaptureFixture[str], example_policy_path: Path, tmp_path: Path) -> None:
    assert main(["compensate", "--policy", str(example_policy_path), str(REQUEST_PATH), "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["line,compensate,total,currency,offers,late_days,policy,reasons",
                   "1,true,10.00,CNY,coupon:10.00,4,cn-goodwill,"
                   "RULE_MATCHED NOT_LATE_ENOUGH SLA_NOT_BREACHED QUALITY_FAULT_NOT_CONFIRMED"]
    lines = tmp_path / "requests.jsonl"
    lines.write_text(json.dumps(late_order()) + "\n{\"order\": 1}\n", encoding="utf-8")
    assert main(["compensate", "--policy", str(example_policy_path), str(lines)]) == 3
    out, err = capsys.readouterr()
    assert json.loads(out.splitlines()[0])["total"] == "39.90"
    assert json.loads(out.splitlines()[1])["line"] == 2
    assert "1 line failed" in err


def test_demo_compensation(capsys: pytest.CaptureFixture[str], example_policy_path: Path, tmp_path: Path) -> None:
    assert main(["demo", "--policy", str(example_policy_path), "--report", str(tmp_path / "r.html")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "  Compensation for ticket T-1101: coupon 10.00 CNY (minimum spend 99.00), 4 days late" in lines
