//! Handles shared between threads, as the C ABI allows: a policy and a calendar (immutable) and
//! a router (internally synchronised), each error the call's own.

use aftersales::{Policy, Router, Status};

const POLICY: &str = r#"{"schema_version": 1,
    "calendars": {"weekdays": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}}},
    "routing": {"queues": [{"id": "general"}], "default_queue": "general",
                "assignment": {"strategy": "least_loaded"}}}"#;

/// Fri 13 Nov 2026 09:00 +08:00 (tests/capi/weekdays.h: 1794528000000 + 1 h).
const FRI_0900: i64 = 1_794_531_600_000;

#[test]
fn shared_handles_and_own_errors() {
    let policy = Policy::load(POLICY).unwrap();
    let calendar = policy.calendar("weekdays").unwrap();
    let router = Router::new(&policy).unwrap();
    // 8 threads, each adding 25 agents of 1 chat place and routing 25 chat tickets: all 200
    // tickets find a place, none waits.
    std::thread::scope(|scope| {
        for t in 0..8 {
            let (policy, calendar, router) = (&policy, &calendar, &router);
            scope.spawn(move || {
                for i in 0..25 {
                    let name = format!("missing-{}-{}", t, i);
                    let error = policy.calendar(&name).unwrap_err();
                    assert_eq!(error.status(), Status::NotFound);
                    assert!(error.message().contains(&format!("\"{}\"", name)), "{}", error);
                    assert!(calendar.is_open(FRI_0900).unwrap());
                    let agent = format!(
                        r#"{{"id": "A-{}-{}", "queues": ["general"], "capacity": {{"chat": 1}}}}"#,
                        t, i
                    );
                    router.upsert_agent(agent).unwrap();
                    let ticket = format!(
                        r#"{{"id": "T-{}-{}", "created_at": "2026-11-13T01:00:00Z", "channel": "chat"}}"#,
                        t, i
                    );
                    let decision = router.route(ticket, FRI_0900).unwrap();
                    assert!(decision.contains(r#""waiting":false"#), "{}", decision);
                }
            });
        }
    });
    assert_eq!(router.dispatch(FRI_0900).unwrap(), "[]");
}
