//! Router::explain ("why is this waiting?") through the Rust crate: the policy and agents of
//! tests/capi/routing_explain_test.c, expected texts worked out by hand there.

use aftersales::{Policy, Router, Status};

// Returns overflow to general after 3 minutes.
const POLICY: &str = r#"{"schema_version": 1, "routing": {
  "queues": [{"id": "returns", "overflow": {"after": "3m", "to": "general"}}, {"id": "general"}],
  "rules": [{"id": "returns", "when": {"field": "category", "prefix": "after_sales/"},
             "queue": "returns", "skills": {"returns": 2}}],
  "default_queue": "general"}}"#;

/// 2026-03-02T10:00:00Z in ms (20514 days × 86400000 + 10 × 3600000).
const T0: i64 = 1_772_445_600_000;

#[test]
fn explain_names_each_agents_first_failed_criterion() {
    let policy = Policy::load(POLICY).unwrap();
    let router = Router::new(&policy).unwrap();
    router
        .upsert_agent(r#"{"id": "G-1", "queues": ["general"], "skills": {"returns": 2}, "capacity": {"chat": 1}}"#)
        .unwrap();
    router
        .upsert_agent(r#"{"id": "R-1", "queues": ["returns"], "skills": {"returns": 1}, "capacity": {"chat": 1}}"#)
        .unwrap();
    router.dispatch(T0).unwrap();
    let ticket =
        r#"{"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "category": "after_sales/return"}"#;
    assert!(router.route(ticket, T0).unwrap().contains(r#""waiting":true"#));

    // G-1 serves only general; R-1 has returns at 1 < 2.
    let why = router.explain("T-1", None, 0, 10).unwrap();
    assert!(
        why.contains(r#"{"agent":"G-1","reason":"not_in_queue","text":"not in queue \"returns\""}"#),
        "{}",
        why
    );
    assert!(
        why.contains(r#"{"agent":"R-1","reason":"skill","text":"skill \"returns\" at level 1, needs 2"}"#),
        "{}",
        why
    );
    // At 10:03 the overflow to general is due: G-1 qualifies.
    let later = router.explain("T-1", Some(T0 + 3 * 60_000), 0, 1).unwrap();
    assert!(
        later.contains(r#""listed":[{"agent":"G-1","reason":"eligible","#),
        "{}",
        later
    );

    assert_eq!(
        router.explain("T-9", None, 0, 0).unwrap_err().status(),
        Status::NotFound
    );
    assert_eq!(
        router.explain("T-1", None, 0, 1001).unwrap_err().status(),
        Status::Input
    );
}
