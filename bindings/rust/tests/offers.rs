//! Offers (docs/routing.md, "Offers") through the Rust crate: the policy and agents of
//! tests/capi/routing_offers_test.c, A and B each with room for one chat, a push timeout of 30s.

use aftersales::{Policy, Router, Status};

const POLICY: &str = r#"{"schema_version": 1, "routing": {"queues": [{"id": "desk"}], "default_queue": "desk",
  "offers": {"push_timeout": "30s", "no_reoffer": "10m"}}}"#;

/// 2026-03-02T10:00:00Z in ms.
const T0: i64 = 1_772_445_600_000;

#[test]
fn offers_are_declined_and_accepted() {
    let policy = Policy::load(POLICY).unwrap();
    let router = Router::new(&policy).unwrap();
    router
        .upsert_agent(r#"{"id": "A", "queues": ["desk"], "capacity": {"chat": 1}}"#)
        .unwrap();
    router
        .upsert_agent(r#"{"id": "B", "queues": ["desk"], "capacity": {"chat": 1}}"#)
        .unwrap();
    // Both 0 of 1, the tie to the smaller id: offered to A until 10:00:30.
    let offer = router
        .route(
            r#"{"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "channel": "chat"}"#,
            T0,
        )
        .unwrap();
    assert!(
        offer.contains(r#""agent":"A""#) && offer.contains(r#""offer_expires_at":"2026-03-02T10:00:30Z""#),
        "{}",
        offer
    );
    // A declines at 10:00:05: it holds no offer any more; the dispatch offers T-1 to B.
    router.decline("A", "T-1", T0 + 5_000).unwrap();
    let error = router.accept("A", "T-1", T0 + 5_000).unwrap_err();
    assert_eq!(error.status(), Status::NotFound, "{}", error);
    let decisions = router.dispatch(T0 + 6_000).unwrap();
    assert!(decisions.contains(r#""agent":"B""#), "{}", decisions);
    // Too late at 10:00:36, its expiry; in time at 10:00:20.
    let error = router.accept("B", "T-1", T0 + 36_000).unwrap_err();
    assert_eq!(error.status(), Status::Input, "{}", error);
    router.accept("B", "T-1", T0 + 20_000).unwrap();
}
