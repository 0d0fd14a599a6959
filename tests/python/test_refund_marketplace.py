"""Refunds a marketplace meets every day, from Python and the command line: tax split into net
and tax (Decimal), an exchange's price difference, and the CLI's net and tax columns. The C++
suite (tests/cpp/refund_marketplace_test.cpp) has the rules and the property test; the values
here are worked out by hand.

The order: A 3 x 9.99 CNY with 6% tax included. A's tax is 2997 x 0.06 / 1.06 = 169.64 -> 1.70;
the first unit carries 170 x 999 / 2997 = 56.67 -> 0.57 of it, so one unit back is 9.99 of which
0.57 tax and 9.42 net. Delivered 2026-11-03 10:00 Beijing.
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

POLICY: dict[str, Any] = {
    "schema_version": 1,
    "refunds": {
        "policies": [
            {
                "id": "cn",
                "timezone": "Asia/Shanghai",
                "reasons": {
                    "no_reason": {"windows": {"return_refund": "7d"}, "from": "delivered", "count_from": "next_day"},
                    "quality": {"windows": {"exchange": "15d"}, "from": "paid", "return_shipping": "seller"},
                },
            }
        ]
    },
}


def request(**extra: Any) -> dict[str, Any]:
    return {
        "order": {
            "id": "O-1",
            "currency": "CNY",
            "placed_at": "2026-11-01T10:00:00+08:00",
            "shipped_at": "2026-11-02T10:00:00+08:00",
            "delivered_at": "2026-11-03T10:00:00+08:00",
            "lines": [{"id": "A", "unit_price": "9.99", "quantity": 3, "tax_rate": "0.06"}],
        },
        "items": [{"line": "A"}],
        "reason": "no_reason",
        "requested_at": "2026-11-05T10:00:00+08:00",
        **extra,
    }


@pytest.fixture(scope="module")
def refunds() -> aftersales.RefundEngine:
    return aftersales.RefundEngine(aftersales.Policy.from_json(json.dumps(POLICY)))


def test_net_and_tax_are_decimals(refunds: aftersales.RefundEngine) -> None:
    d = refunds.check(request())
    assert d.refund.taxed
    [line] = d.refund.lines
    assert (line.amount, line.net, line.tax) == (
        decimal.Decimal("9.99"), decimal.Decimal("9.42"), decimal.Decimal("0.57"))
    assert (d.refund.net, d.refund.tax) == (decimal.Decimal("9.42"), decimal.Decimal("0.57"))
    assert d.to_dict()["refund"]["tax"] == "0.57"
    assert d.exchange is None
    again = pickle.loads(pickle.dumps(d))
    assert again.to_json() == d.to_json()


def test_exchange_to_a_dearer_variant(refunds: aftersales.RefundEngine) -> None:
    # One unit (9.99) for a 12.99 variant: no discount, so the customer pays 3.00. Tax of the
    # replacement: 1299 x 0.06 / 1.06 = 73.53 -> 0.74; of the unit returned, 0.57 (above).
    d = refunds.check(request(reason="quality", resolution="exchange",
                              items=[{"line": "A", "exchange_for": {"sku": "A-XL", "unit_price": "12.99"}}]))
    assert d.eligible, d.to_json()
    assert d.exchange is not None
    assert (d.exchange.returned, d.exchange.replacement, d.exchange.customer_pays, d.exchange.customer_receives) == (
        decimal.Decimal("9.99"), decimal.Decimal("12.99"), decimal.Decimal("3.00"), decimal.Decimal("0.00"))
    assert (d.exchange.returned_tax, d.exchange.replacement_tax) == (decimal.Decimal("0.57"), decimal.Decimal("0.74"))
    assert pickle.loads(pickle.dumps(d)).to_json() == d.to_json()


def test_cli_csv_has_net_and_tax(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy, requests = tmp_path / "policy.json", tmp_path / "requests.jsonl"
    policy.write_text(json.dumps(POLICY))
    requests.write_text(json.dumps(request()) + "\n")
    assert main(["refund", "--policy", str(policy), str(requests), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("line,eligible,resolution,total,net,tax,currency,")
    assert out.splitlines()[1].startswith("1,true,return_refund,9.99,9.42,0.57,CNY,")
