//! Offers (docs/routing.md, "Offers") through the Rust crate: the policy and agents of
//! tests/capi/routing_offers_test.c, A and B each with room for one chat, a push timeout of 30s.

use aftersales::{Policy, Router, RouterCounts, Status};

const POLICY: &str = r#"{"schema_version": 1, "routing": {"queues": [{"id": "desk"}], "default_queue": "desk",
  "offers": {"push_timeout": "30s", "no_reoffer": "10m"}}}"#;

/// 2026-03-02T10:00:00Z in ms.
const T0: i64 = 1_772_445_600_000;

/// A router of POLICY whose agents, on the desk, each have room for `chats` chats.
fn desk_with(ids: &[&str], chats: u32) -> Router {
    let router = Router::new(&Policy::load(POLICY).unwrap()).unwrap();
    for id in ids {
        let agent = format!(
            r#"{{"id": "{}", "queues": ["desk"], "capacity": {{"chat": {}}}}}"#,
            id, chats
        );
        router.upsert_agent(&agent).unwrap();
    }
    router
}

#[test]
fn offers_are_declined_and_accepted() {
    let router = desk_with(&["A", "B"], 1);
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

/// Offers in the listings (docs/routing.md, "Listings"): one agent A with room for two chats.
#[test]
fn counts_and_agents_show_the_offers() {
    let router = desk_with(&["A"], 2);
    // T-1 at 10:00:00 and T-2 at 10:00:01 are both offered to A.
    for (i, id) in ["T-1", "T-2"].iter().enumerate() {
        let ticket = format!(
            r#"{{"id": "{}", "created_at": "2026-03-02T10:00:00Z", "channel": "chat"}}"#,
            id
        );
        router.route(&ticket, T0 + 1_000 * i as i64).unwrap();
    }
    // Declining T-2 at 10:00:00, before its offer was made, is refused.
    let error = router.decline("A", "T-2", T0).unwrap_err();
    assert_eq!(error.status(), Status::Input, "{}", error);
    router.accept("A", "T-1", T0 + 2_000).unwrap();
    // Two held, T-2 of them on offer.
    let want = RouterCounts {
        agents: 1,
        online: 1,
        assigned: 2,
        offered: 1,
        ..Default::default()
    };
    assert_eq!(router.counts().unwrap(), want);
    let agents = router.agents().unwrap();
    assert!(
        agents.contains(r#""tickets":["T-1","T-2"],"offered":["T-2"]"#),
        "{}",
        agents
    );
}
