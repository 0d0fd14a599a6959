//! Compensation through the crate, against the KWD scenario of tests/capi/compensation_test.c,
//! worked out by hand there: promised by 11-14, delivered 11-16 in Kuwait, 2 days late; 10% of
//! 33.335 = 3333.5 fils, rounded half up: a coupon of 3.334.

use aftersales::{Batch, Policy, Status};

const POLICY: &str = r#"{"schema_version": 1, "compensation": {"policies": [{"id": "kw", "currency": "KWD",
 "timezone": "Asia/Kuwait", "rules": [{"id": "late", "late_days": 2,
 "offer": {"type": "coupon", "percent": "10", "cap": "5.000"}}]}]}}"#;

const REQUEST: &str = r#"{"requested_at": "2026-11-20T10:00:00+03:00", "order": {"id": "K-1", "currency": "KWD", "amount": "33.335", "promised_by": "2026-11-14", "delivered_at": "2026-11-16T23:30:00+03:00"}}"#;

#[test]
fn compensation() {
    let p = Policy::load(POLICY).expect("the test policy loads");
    let decision = p.decide_compensation(REQUEST).unwrap();
    for fragment in [r#""compensate":true"#, r#""total":"3.334""#, r#""late_days":2"#] {
        assert!(decision.contains(fragment), "{}\nlacks {}", decision, fragment);
    }
    let bad = REQUEST.replacen(r#""33.335""#, r#""1.0005""#, 1);
    let error = p.decide_compensation(&bad).expect_err("an error");
    assert_eq!(error.status(), Status::Input, "{}", error);
    assert!(error.message().contains("order.amount"), "{}", error);

    let decisions = p
        .decide_compensation_lines(format!("{}\n\nnot json\n", REQUEST), Batch::default())
        .unwrap();
    assert!(decisions.starts_with(r#"{"compensate":true"#), "{}", decisions);
    assert!(decisions.contains("\n{\"line\":3,\"error\":"), "{}", decisions);
}
