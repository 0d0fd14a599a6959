"""Refunds from Python: decision objects with exact Decimal amounts, to_dict, errors with
paths, JSON Lines, the `aftersales refund` command and the refund part of the demo. The C++
suite has the exhaustive rules; the values here are worked out by hand.

The order used throughout: lines A (3 x 10.00) and B (1 x 25.00), goods 55.00, and a 5.00
coupon. In cents the coupon splits 500 x 3000 / 5500 = 272 rest 4000 and 500 x 2500 / 5500 =
227 rest 1500; the cent left over goes to the larger rest, A: A 273, B 227. A's units get
273 / 3 = 91 each, so each pays 10.00 - 0.91 = 9.09; B pays 25.00 - 2.27 = 22.73. Delivered
2026-11-07 10:00 Beijing: the seven days run from 11-08 00:00 to 11-15 00:00 Beijing.
"""

from __future__ import annotations

import decimal
import io
import json
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
                    "no_reason": {
                        "windows": {"return_refund": "7d"},
                        "from": "delivered",
                        "count_from": "next_day",
                        "return_shipping": "buyer",
                        "conditions": ["intact"],
                    }
                },
            }
        ]
    },
}


def request(items: list[dict[str, Any]], at: str = "2026-11-14T23:59:00+08:00", **extra: Any) -> dict[str, Any]:
    return {
        "order": {
            "id": "O-1",
            "currency": "CNY",
            "placed_at": "2026-11-05T10:00:00+08:00",
            "shipped_at": "2026-11-06T10:00:00+08:00",
            "delivered_at": "2026-11-07T10:00:00+08:00",
            "lines": [
                {"id": "A", "unit_price": "10.00", "quantity": 3},
                {"id": "B", "unit_price": "25.00", "quantity": 1},
            ],
            "discounts": [{"id": "coupon", "amount": "5.00"}],
        },
        "items": items,
        "reason": "no_reason",
        "requested_at": at,
        **extra,
    }


@pytest.fixture(scope="module")
def refunds() -> aftersales.RefundEngine:
    return aftersales.RefundEngine(aftersales.Policy.from_json(POLICY))


def test_decision_attributes(refunds: aftersales.RefundEngine) -> None:
    d = refunds.check(request([{"line": "A", "quantity": 2, "condition": "intact"}]))
    assert d.eligible
    assert (d.resolution, d.options, d.method, d.return_shipping) == (
        "return_refund", ["return_refund"], "original_payment", "buyer")
    # Two units of A: 2 x 9.09.
    assert d.refund.total == decimal.Decimal("18.18")
    assert d.refund.currency == "CNY"
    [line] = d.refund.lines
    assert (line.line, line.quantity, line.eligible, line.amount, line.discount) == (
        "A", 2, True, decimal.Decimal("18.18"), decimal.Decimal("1.82"))
    assert d.refund.shipping == decimal.Decimal("0.00")
    assert d.refund.deductions == []
    assert d.policy == "cn"
    assert d.reasons == []
    assert d.fast_refund is False
    assert d.refund_due_by is None
    # Shipped back within the default 7 days of the request: 11-21 23:59 Beijing.
    assert aftersales.format_instant(d.ship_back_by) == "2026-11-21T15:59:00Z"  # type: ignore[arg-type]
    assert d.to_dict() == json.loads(d.to_json())
    assert d.to_dict()["refund"]["total"] == "18.18"
    assert repr(d) == "<aftersales.RefundDecision eligible=True resolution=return_refund total=18.18 CNY reasons=0>"


def test_every_unit_back_adds_up_to_what_was_paid(refunds: aftersales.RefundEngine) -> None:
    refunded: list[dict[str, Any]] = []
    total = decimal.Decimal(0)
    for line in ["A", "A", "A", "B"]:
        d = refunds.check(request([{"line": line, "condition": "intact"}], refunded=refunded))
        total += d.refund.total
        refunded.append({"line": line, "quantity": 1})
    # 3 x 9.09 + 22.73 = 50.00 = 55.00 - 5.00.
    assert total == decimal.Decimal("50.00")
    again = refunds.check(request([{"line": "B", "condition": "intact"}], refunded=refunded))
    assert not again.eligible
    assert [(r.code, r.line) for r in again.reasons] == [("ALREADY_REFUNDED", "B")]


def test_refusal_explains_itself(refunds: aftersales.RefundEngine) -> None:
    d = refunds.check(request([{"line": "A", "condition": "intact"}], at="2026-11-15T00:00:00+08:00"))
    assert not d.eligible
    assert d.resolution is None
    [reason] = d.reasons
    assert reason.code == "WINDOW_EXPIRED"
    assert reason.line is None
    assert reason.message == (
        'the 7-day return_refund window of the reason "no_reason" ended at 2026-11-15T00:00:00+08:00 '
        "(counted from the day after delivery at 2026-11-07T10:00:00+08:00); requested at 2026-11-15T00:00:00+08:00"
    )
    assert d.refund.total == decimal.Decimal("0.00")


def test_bad_requests_name_the_path(refunds: aftersales.RefundEngine) -> None:
    bad = request([{"line": "Z"}])
    bad["order"]["lines"][0]["unit_price"] = "10.001"
    with pytest.raises(aftersales.InputError) as caught:
        refunds.check(bad)
    message = str(caught.value)
    assert "order.lines[0].unit_price" in message
    assert "items[0].line" in message
    with pytest.raises(TypeError):
        refunds.check("not a dict")  # type: ignore[arg-type]


def test_json_lines(refunds: aftersales.RefundEngine) -> None:
    good = json.dumps(request([{"line": "B", "condition": "intact"}]))
    out = refunds.check_lines(good + "\n\n{}\n", threads=2).splitlines()
    assert json.loads(out[0])["refund"]["total"] == "22.73"
    assert json.loads(out[1])["line"] == 3
    # The same text as lines 41 to 43 of a file: "{}" is line 41 + 2 = 43.
    out = refunds.check_lines(good + "\n\n{}\n", threads=2, first_line=41).splitlines()
    assert json.loads(out[1])["line"] == 43


def test_check_many_decides_in_input_order(refunds: aftersales.RefundEngine) -> None:
    asks = [request([{"line": line, "condition": "intact"}]) for line in ("A", "B")] * 100
    decisions = refunds.check_many(asks, threads=4)
    # One unit of A pays 9.09 and B 22.73 (the module's docstring).
    assert [str(d.refund.total) for d in decisions] == ["9.09", "22.73"] * 100
    assert [d.to_json() for d in decisions] == [refunds.check(ask).to_json() for ask in asks]
    assert refunds.check_many([]) == []


def test_check_many_raises_for_the_earliest_bad_request(refunds: aftersales.RefundEngine) -> None:
    asks = [request([{"line": "A", "condition": "intact"}]) for _ in range(300)]
    asks[7]["order"]["lines"][0]["unit_price"] = "10.001"  # more decimals than CNY has
    asks[250]["requested_at"] = "yesterday"
    # Whichever thread fails first, the error is always the one of requests[7].
    for _ in range(20):
        with pytest.raises(aftersales.InputError) as caught:
            refunds.check_many(asks, threads=4)
        assert caught.value.path == "requests[7].order.lines[0].unit_price"
        assert [path for path, _ in caught.value.problems] == ["requests[7].order.lines[0].unit_price"]
    with pytest.raises(TypeError, match=r"^RefundEngine\.check_many: expected requests\[1\] to be a dict .*, got str$"):
        refunds.check_many([asks[0], "not a dict"])  # type: ignore[list-item]


def order_of(lines: list[tuple[str, str]], discounts: list[dict[str, Any]]) -> dict[str, Any]:
    """A request like `request`'s for one unit of each (id, price) line, all of them back."""
    r = request([{"line": line, "condition": "intact"} for line, _ in lines])
    r["order"]["lines"] = [{"id": line, "unit_price": price, "quantity": 1} for line, price in lines]
    r["order"]["discounts"] = discounts
    return r


# Three lines of 1.00 and 200 coupons of 0.01 on the order (2.00 off 3.00): the 200 cents are
# spread as one sum, 200 x 100 / 300 = 66 rest 200 each; the 2 cents left go to the equal rests
# of the earlier lines A and B: discounts 0.67, 0.67, 0.66, paid 0.33, 0.33, 0.34, total 1.00.
COUPON_STACK = order_of([("A", "1.00"), ("B", "1.00"), ("C", "1.00")], [{"amount": "0.01"}] * 200)


def test_coupon_stack_is_spread_as_one_sum(refunds: aftersales.RefundEngine) -> None:
    d = refunds.check(COUPON_STACK)
    assert d.eligible
    assert [(line.line, line.amount, line.discount) for line in d.refund.lines] == [
        ("A", decimal.Decimal("0.33"), decimal.Decimal("0.67")), ("B", decimal.Decimal("0.33"), decimal.Decimal("0.67")),
        ("C", decimal.Decimal("0.34"), decimal.Decimal("0.66"))]
    assert d.refund.total == decimal.Decimal("1.00")


def test_free_gift_goes_back_with_its_coat(refunds: aftersales.RefundEngine) -> None:
    # The coat paid 399.00 and the gift nothing: both back for 399.00 + 0.00.
    d = refunds.check(order_of([("coat", "399.00"), ("gift", "0.00")], []))
    assert d.eligible
    assert d.reasons == []
    assert [(line.line, line.eligible, line.amount) for line in d.refund.lines] == [
        ("coat", True, decimal.Decimal("399.00")), ("gift", True, decimal.Decimal("0.00"))]
    assert d.refund.total == decimal.Decimal("399.00")


def test_partly_refused_request_keeps_the_other_lines(refunds: aftersales.RefundEngine) -> None:
    # Four units of A (it has 3) are refused; B keeps its 25.00 - 2.27 = 22.73, what a request
    # without A would give; nothing is paid on a refused request: total 0.00.
    d = refunds.check(request([{"line": "A", "quantity": 4, "condition": "intact"},
                                     {"line": "B", "condition": "intact"}]))
    assert not d.eligible
    assert [(r.code, r.line) for r in d.reasons] == [("QUANTITY_EXCEEDS", "A")]
    assert [(line.line, line.eligible, line.amount, line.discount) for line in d.refund.lines] == [
        ("A", False, decimal.Decimal("0.00"), decimal.Decimal("0.00")),
        ("B", True, decimal.Decimal("22.73"), decimal.Decimal("2.27"))]
    assert d.refund.total == decimal.Decimal("0.00")


def write_policy(tmp_path: Path) -> Path:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(POLICY), encoding="utf-8")
    return path


def test_cli_one_request(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request([{"line": "B", "condition": "intact"}]), indent=2), encoding="utf-8")
    assert main(["refund", "--policy", str(write_policy(tmp_path)), str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert json.loads(out)["refund"]["total"] == "22.73"


def test_cli_json_lines_and_stdin(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = "\n".join(json.dumps(request([{"line": line, "condition": "intact"}])) for line in "AB") + "\n"
    path = tmp_path / "requests.jsonl"
    path.write_text(lines, encoding="utf-8")
    assert main(["refund", "--policy", str(write_policy(tmp_path)), str(path)]) == 0
    out, _ = capsys.readouterr()
    assert [json.loads(line)["refund"]["total"] for line in out.splitlines()] == ["9.09", "22.73"]
    # Standard input is read as bytes (a line that is not UTF-8 is then one bad line), so the
    # stand-in has a byte buffer as the real one does.
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines.encode())))
    assert main(["refund", "--policy", str(write_policy(tmp_path)), "-"]) == 0
    out, _ = capsys.readouterr()
    assert len(out.splitlines()) == 2


def test_cli_stack_gift_and_partly_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # The three requests above as JSON Lines: the coupon stack (0.33, 0.33, 0.34), the coat with
    # its free gift (399.00 and 0.00), and the partly refused request (A 0.00, B keeps 22.73;
    # nothing paid).
    requests = [COUPON_STACK, order_of([("coat", "399.00"), ("gift", "0.00")], []),
                request([{"line": "A", "quantity": 4, "condition": "intact"}, {"line": "B", "condition": "intact"}])]
    path = tmp_path / "requests.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in requests), encoding="utf-8")
    assert main(["refund", "--policy", str(write_policy(tmp_path)), str(path)]) == 0
    decisions = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(d["eligible"], d["refund"]["total"], [line["amount"] for line in d["refund"]["lines"]])
            for d in decisions] == [(True, "1.00", ["0.33", "0.33", "0.34"]), (True, "399.00", ["399.00", "0.00"]),
                                    (False, "0.00", ["0.00", "22.73"])]


def test_cli_bad_request_is_status_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request([{"line": "Z"}])), encoding="utf-8")
    assert main(["refund", "--policy", str(write_policy(tmp_path)), str(path)]) == 2
    _, err = capsys.readouterr()
    assert "items[0].line" in err
    assert len(err.splitlines()) == 1


def test_demo_refunds(capsys: pytest.CaptureFixture[str], example_policy_path: Path) -> None:
    assert main(["demo", "--policy", str(example_policy_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    # Coupon 50.00 over coat 399.00, socks 59.70, mask 59.00 (goods 517.70), in cents:
    # coat 3853 rest 30190, socks 576 rest 30480, mask 569 rest 42870; 2 cents left go to mask
    # and socks: coat 3853, socks 577, mask 570. Socks' units: 577 / 3 = 192 rest 1, the first
    # unit gets 193: 19.90 - 1.93 = 17.97. The coat pays 399.00 - 38.53 = 360.47.
    # Placed on Double 11: the 7 days (11-14 to 11-21) are extended to 11-30 00:00.
    # Fast refunds (credit 700 >= 650): due 3 working days of cn-office after the request, at the
    # end of the third business day (18:00): from Wednesday 11-25, Thu 26, Fri 27, Mon 30.
    assert (
        "  no_reason return of one pair of socks, 11-25 (inside the Double 11 extension): return_refund, "
        "17.97 CNY (buyer ships back, paid before the return arrives, due Mon 30 Nov 18:00)" in lines
    )
    assert (
        '  no_reason return of the mask, 11-14: refused: CONFIRMED_NON_RETURNABLE line "mask" is in the category '
        '"hygiene_unsealed" and the customer confirmed at purchase that it cannot be returned for the reason '
        '"no_reason"' in lines
    )
    assert (
        '  no_reason return of the coat, 12-01: refused: WINDOW_EXPIRED the 7-day return_refund window of the reason '
        '"no_reason" ended at 2026-11-30T00:00:00+08:00 (counted from the day after delivery at '
        "2026-11-13T15:00:00+08:00, extended for orders placed in a promotion period); requested at "
        "2026-12-01T09:00:00+08:00" in lines
    )
    # Kept goods 467.70 - 360.47 = 107.23 stay above the 99.00 free-delivery threshold.
    assert (
        "  quality return of the coat as faulty, 11-15: return_refund, 360.47 CNY (seller ships back, "
        "paid before the return arrives, due Wed 18 Nov 18:00)" in lines  # Sunday 11-15: Mon 16, Tue 17, Wed 18
    )


def test_cli_on_the_shipped_example_request(capsys: pytest.CaptureFixture[str], example_policy_path: Path) -> None:
    """The README's command. The 50.00 coupon over goods of 517.70 gives, in cents by largest
    remainder, coat 3853, socks 577, mask 570; the socks' 577 over 3 units is 193 + 192 + 192,
    the first unit taking the extra cent. One pair back: 19.90 - 1.93 = 17.97. Delivered 11-13,
    so the 7 days run from 11-14 00:00 to 11-21 00:00, but the order was placed during Double 11,
    whose extension moves the end to 11-30: 11-25 is inside."""
    request = example_policy_path.parent.parent / "refunds" / "double11-socks.json"
    assert main(["refund", "--policy", str(example_policy_path), str(request)]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["eligible"] is True
    assert decision["refund"]["total"] == "17.97"
    assert decision["refund"]["lines"] == [
        {"line": "socks", "quantity": 1, "eligible": True, "amount": "17.97", "discount": "1.93"}
    ]
    assert decision["ship_back_by"] == "2026-12-02T12:00:00Z"
