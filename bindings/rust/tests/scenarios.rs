//! The crate against the scenarios and figures of the C tests (tests/capi/*.c), worked out by
//! hand there, arithmetic in the comments; restated here, never copied from the library's
//! output.

use std::path::PathBuf;

use aftersales::{Batch, Calendar, Error, Goal, Policy, Router, RouterCounts, Status, Workload};

/// The weekdays calendar of tests/capi/weekdays.h: Asia/Shanghai (UTC+8, no DST since 1991),
/// Monday to Friday 09:00-18:00.
const WEEKDAYS_POLICY: &str = r#"{"schema_version": 1, "calendars": {"weekdays": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}}}}"#;

// Days from 1970-01-01 to 2026-11-13: 56 years of 365 days + 14 leap days (1972-2024) + 316 days
// into 2026 (Jan-Oct 304 + 12) = 20770, a Friday (20770 = 7 * 2967 + 1, and 1970-01-01 was a
// Thursday). 2026-11-13T00:00Z = 20770 * 86400000 ms = 1794528000000, 08:00 in Shanghai.
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const FRI_0000: i64 = 1_794_499_200_000; // Fri 13 Nov 00:00 +08:00 = 1794528000000 - 8 h
const FRI_0859_999: i64 = 1_794_531_599_999; // 1794528000000 + 1 h - 1 ms
const FRI_0900: i64 = 1_794_531_600_000; // 1794528000000 + 1 h
const FRI_1700: i64 = 1_794_560_400_000; // 1794528000000 + 9 h
const FRI_1800: i64 = 1_794_564_000_000; // 1794528000000 + 10 h
const SAT_1200: i64 = 1_794_628_800_000; // Sat 14 Nov 12:00 +08:00 = 1794528000000 + 1 d + 4 h
const MON_0000: i64 = 1_794_758_400_000; // Mon 16 Nov 00:00 +08:00 = 1794528000000 + 3 d - 8 h
const MON_0900: i64 = 1_794_790_800_000; // MON_0000 + 9 h
const MON_1000: i64 = 1_794_794_400_000; // MON_0000 + 10 h
const MON_1800: i64 = 1_794_823_200_000; // MON_0000 + 18 h
const FRI20_1800: i64 = 1_795_168_800_000; // Fri 20 Nov 18:00 +08:00 = MON_0000 + 4 d + 18 h
const MON23_0000: i64 = 1_795_363_200_000; // Mon 23 Nov 00:00 +08:00 = MON_0000 + 7 d

fn policy(doc: &str) -> Policy {
    Policy::load(doc).expect("the test policy loads")
}

fn weekdays() -> Calendar {
    policy(WEEKDAYS_POLICY).calendar("weekdays").expect("weekdays")
}

/// `result` failed with `status`, its message holding each fragment.
fn assert_error<T: std::fmt::Debug>(result: Result<T, Error>, status: Status, fragments: &[&str]) {
    let error = result.expect_err("an error");
    assert_eq!(error.status(), status, "{}", error);
    for fragment in fragments {
        assert!(
            error.message().contains(fragment),
            "{:?} lacks {:?}",
            error.message(),
            fragment
        );
    }
}

fn assert_contains(text: &str, fragments: &[&str]) {
    for fragment in fragments {
        assert!(text.contains(fragment), "{}\nlacks {}", text, fragment);
    }
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn version() {
    // One version number: the crate's must be the library's.
    assert_eq!(aftersales::version(), env!("CARGO_PKG_VERSION"));
    let parts: Vec<i32> = aftersales::version().split('.').map(|p| p.parse().unwrap()).collect();
    assert_eq!(
        aftersales::version_number(),
        parts[0] * 10000 + parts[1] * 100 + parts[2]
    );
}

#[test]
fn policy_errors() {
    // Three independent mistakes in three calendars, each reported on a line of its own.
    let bad = r#"{"schema_version": 1, "calendars": {
        "a": {"timezone": "Mars/Olympus_Mons", "hours": {"mon": ["09:00-18:00"]}},
        "b": {"timezone": "UTC", "hours": {"mon": ["25:00-26:00"], "tue": ["09:00-18:00"]}},
        "c": {"timezone": "UTC", "hours": "24x7", "colour": "red"}}}"#;
    assert_error(
        Policy::load(bad),
        Status::Policy,
        &[
            "calendars.a.timezone: ",
            "\ncalendars.b.hours.mon[0]: ",
            "\ncalendars.c.colour: ",
        ],
    );
    assert_error(Policy::load(""), Status::Policy, &[]);
}

#[test]
fn policy_file_and_json() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("policy.json");
    std::fs::write(&path, WEEKDAYS_POLICY).unwrap();
    let p = Policy::load_file(&path).unwrap();
    assert_eq!(p.to_json().unwrap(), WEEKDAYS_POLICY, "the document byte for byte");
    let missing = dir.join("none.json");
    assert_error(Policy::load_file(&missing), Status::Input, &[missing.to_str().unwrap()]);
    assert_error(
        Policy::load_file("a\0b"),
        Status::InvalidArgument,
        &["path holds a NUL byte at offset 1"],
    );
    assert_error(p.calendar("weekends"), Status::NotFound, &["weekends", "weekdays"]);
}

#[test]
fn calendar_is_open_and_next_open() {
    let c = weekdays();
    for (at, open) in [
        (FRI_0859_999, false),
        (FRI_0900, true),
        (FRI_1700, true),
        (FRI_1800, false), // an interval's end is not inside it
        (SAT_1200, false),
    ] {
        assert_eq!(c.is_open(at).unwrap(), open, "is_open({})", at);
    }
    for (at, want) in [
        (FRI_0859_999, FRI_0900),
        (FRI_1700, FRI_1700),
        (FRI_1800, MON_0900), // closed from Friday 18:00 over the weekend until Monday 09:00
        (SAT_1200, MON_0900),
    ] {
        assert_eq!(c.next_open(at).unwrap(), want, "next_open({})", at);
    }
}

#[test]
fn calendar_add_and_between() {
    let c = weekdays();
    for (at, d, want) in [
        (FRI_1700, HOUR, FRI_1800),             // the 18:00 close, not Monday's opening
        (FRI_1700, 2 * HOUR, MON_1000),         // 1 h on Friday + 1 h on Monday
        (SAT_1200, 0, SAT_1200),                // adding 0 is the identity
        (SAT_1200, HOUR, MON_1000),             // Monday 09:00-10:00
        (FRI_0000, 9 * HOUR, FRI_1800),         // all of Friday
        (FRI_0000, 9 * HOUR + 1, MON_0900 + 1), // one more millisecond
        (MON_0000, 45 * HOUR, FRI20_1800),      // a working week: 5 * 9 h
    ] {
        assert_eq!(c.add(at, d).unwrap(), want, "add({}, {})", at, d);
    }
    assert_error(c.add(FRI_0900, -1), Status::Input, &[]);
    for (from, to, want) in [
        (FRI_1700, MON_1000, 2 * HOUR),  // Friday 17:00-18:00 and Monday 09:00-10:00
        (MON_1000, FRI_1700, -2 * HOUR), // negative when to is before from
        (FRI_0000, MON_0000, 9 * HOUR),  // the weekend adds nothing
        (MON_0000, MON23_0000, 45 * HOUR),
        (SAT_1200, SAT_1200 + DAY, 0),
    ] {
        assert_eq!(c.between(from, to).unwrap(), want, "between({}, {})", from, to);
    }
    assert_error(c.is_open(-1), Status::OutOfRange, &[]);
    assert_error(c.between(FRI_0900, i64::MAX), Status::OutOfRange, &[]);
}

#[test]
fn calendar_backwards_and_by_business_days() {
    let c = weekdays();
    for (at, d, want) in [
        (MON_1000, HOUR, MON_0900),     // Monday 09:00-10:00
        (MON_1000, 2 * HOUR, FRI_1700), // 1 h on Monday + 1 h on Friday
        (SAT_1200, HOUR, FRI_1700),     // from the weekend, Friday's last hour
        (FRI_1800, 9 * HOUR, FRI_0900), // all of Friday
        (SAT_1200, 0, SAT_1200),        // subtracting 0 is the identity
    ] {
        assert_eq!(c.subtract(at, d).unwrap(), want, "subtract({}, {})", at, d);
    }
    assert_error(c.subtract(FRI_0900, -1), Status::Input, &["use add"]);
    assert_eq!(c.next_close(FRI_1700).unwrap(), FRI_1800);
    assert_eq!(c.next_close(FRI_1800).unwrap(), MON_1800); // at a close: the next interval's end
    assert_eq!(c.next_close(SAT_1200).unwrap(), MON_1800);
    assert_eq!(c.previous_close(FRI_1800).unwrap(), FRI_1800); // at a close: itself
    assert_eq!(c.previous_close(MON_1000).unwrap(), FRI_1800);
    for (at, n, want) in [
        (FRI_1700, 0, FRI_1800),            // Friday is a business day: its own end
        (SAT_1200 + 8 * HOUR, 0, MON_1800), // Saturday is not: Monday's end
        (FRI_1700, 1, MON_1800),
        (FRI_1700, 5, FRI20_1800), // Mon 16 to Fri 20
    ] {
        assert_eq!(c.business_day_end(at, n).unwrap(), want, "business_day_end({}, {})", at, n);
    }
    assert_error(c.business_day_end(FRI_1700, -1), Status::Input, &[]);
    assert_eq!(c.business_days_between(FRI_1700, MON23_0000).unwrap(), 6); // Mon 16-Fri 20, Mon 23
    assert_eq!(c.business_days_between(MON23_0000, FRI_1700).unwrap(), -6);
    assert_eq!(c.business_days_between(FRI_0000, FRI_1800).unwrap(), 0); // the same date
}

#[test]
fn calendar_outlives_policy() {
    let p = policy(WEEKDAYS_POLICY);
    let c = p.calendar("weekdays").unwrap();
    drop(p);
    assert_eq!(c.next_open(SAT_1200).unwrap(), MON_0900);
}

#[test]
fn instants() {
    // Friday 13 November 2026 09:00 in Shanghai is 01:00Z (FRI_0900 above).
    assert_eq!(
        aftersales::parse_instant("2026-11-13T09:00:00+08:00").unwrap(),
        FRI_0900
    );
    assert_eq!(aftersales::format_instant(FRI_0900).unwrap(), "2026-11-13T01:00:00Z");
    // The fraction only when there is one.
    assert_eq!(
        aftersales::format_instant(FRI_0859_999).unwrap(),
        "2026-11-13T00:59:59.999Z"
    );
    assert_error(aftersales::parse_instant("13 November 2026"), Status::Input, &[]);
    assert_error(aftersales::format_instant(-1), Status::OutOfRange, &[]);
}

/// The shared fixture set (tests/fixtures/sla, worked by hand in its README.md): at.txt holds
/// 2026-11-18T12:00:00+08:00 = 04:00Z, five days and four hours after 2026-11-13T00:00Z.
const SLA_AT: i64 = 1_794_528_000_000 + 5 * DAY + 4 * HOUR;

#[test]
fn sla() {
    let fixtures = repository().join("tests/fixtures/sla");
    let read = |name: &str| std::fs::read_to_string(fixtures.join(name)).unwrap();
    assert!(read("at.txt").starts_with("2026-11-18T12:00:00+08:00"));
    let p = policy(&read("policy.json"));
    let tickets = read("tickets.jsonl");
    let expected = read("expected.jsonl");

    // Each ticket alone gives exactly its line of expected.jsonl.
    let pairs: Vec<(&str, &str)> = tickets.lines().zip(expected.lines()).collect();
    assert_eq!(
        (pairs.len(), tickets.lines().count(), expected.lines().count()),
        (9, 9, 9)
    );
    for (ticket, report) in pairs {
        assert_eq!(p.evaluate_sla(ticket, SLA_AT).unwrap(), report);
    }
    // The whole file, on one thread and on several.
    for threads in [1, 3, 0] {
        let batch = Batch {
            threads,
            ..Batch::default()
        };
        assert_eq!(
            p.evaluate_sla_lines(&tickets, SLA_AT, batch).unwrap(),
            expected,
            "{} threads",
            threads
        );
    }
    // Streamed to a reports file.
    let reports = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reports.jsonl");
    p.evaluate_sla_file(fixtures.join("tickets.jsonl"), &reports, SLA_AT, 2)
        .unwrap();
    assert_eq!(std::fs::read_to_string(&reports).unwrap(), expected);

    // A malformed line is a record of its own, numbered from first_line; a bad ticket alone is
    // an error.
    let batch = Batch {
        first_line: 41,
        ..Batch::default()
    };
    assert_contains(
        &p.evaluate_sla_lines("x\n", SLA_AT, batch).unwrap(),
        &[r#"{"line":41,"error":"#],
    );
    assert_error(p.evaluate_sla("{}", SLA_AT), Status::Input, &[]);
}

/// The routing policy of tests/capi/routing_test.c.
const ROUTING_POLICY: &str = r#"{"schema_version": 1, "routing": {
    "queues": [{"id": "returns"}, {"id": "general"}],
    "rules": [{"id": "returns", "when": {"field": "category", "prefix": "after_sales/"}, "queue": "returns"}],
    "default_queue": "general", "assignment": {"strategy": "least_loaded"}}}"#;

/// 2026-03-02T10:00:00Z = 20514 days * 86400000 + 10 h.
const T0: i64 = 1_772_445_600_000;

#[test]
fn routing() {
    let p = policy(ROUTING_POLICY);
    let router = Router::new(&p).unwrap();
    let t1 =
        r#"{"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "category": "after_sales/return"}"#;
    let t2 =
        r#"{"id": "T-2", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "category": "after_sales/return"}"#;

    router
        .upsert_agent(r#"{"id": "A-1", "queues": ["returns"], "capacity": {"chat": 1}}"#)
        .unwrap();
    assert_error(
        router.upsert_agent(r#"{"id": "A-2", "queues": ["nowhere"], "capacity": {"chat": 1}}"#),
        Status::Input,
        &[r#"queues[0]: no queue "nowhere""#],
    );

    // T-1 takes A-1's one chat place; T-2 waits.
    assert_contains(
        &router.route(t1, T0).unwrap(),
        &[r#""ticket":"T-1","queue":"returns","rule":"returns","agent":"A-1""#],
    );
    assert_contains(
        &router.route(t2, T0).unwrap(),
        &[r#""agent":null,"bot":false,"priority":"normal","waiting":true"#],
    );
    assert_error(router.route(t1, T0), Status::Input, &["already assigned to A-1"]);

    // A snapshot restored into a second router continues the same way.
    let snapshot = router.snapshot().unwrap();
    assert!(snapshot.starts_with(r#"{"format":"aftersales.router","version":3,"#));
    let restored = Router::restore(&p, &snapshot).unwrap();
    // Releasing T-1 and dispatching a minute later gives A-1 the waiting T-2.
    restored.release("A-1", "T-1").unwrap();
    assert_error(restored.release("A-1", "T-1"), Status::NotFound, &[]);
    assert_contains(
        &restored.dispatch(T0 + 60_000).unwrap(),
        &[r#"[{"ticket":"T-2","queue":"returns","rule":"returns","agent":"A-1""#],
    );
    assert_eq!(restored.dispatch(T0 + 60_000).unwrap(), "[]");

    // Listings of the first router (tests/capi/routing_test.c): A-1 holds T-1 on chat and T-2
    // waits, with no due time (no SLA section). T-3, urgent, waits in general, where nobody
    // works: listed first, before T-2.
    let t3 = r#"{"id": "T-3", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "priority": "urgent"}"#;
    assert_contains(&router.route(t3, T0 + 60_000).unwrap(), &[r#""waiting":true"#]);
    assert_eq!(
        router.agents().unwrap(),
        r#"[{"id":"A-1","status":"online","queues":["returns"],"capacity":{"chat":1},"load":{"chat":1},"total":1,"tickets":["T-1"]}]"#
    );
    assert_eq!(
        router.waiting().unwrap(),
        concat!(
            r#"[{"ticket":"T-3","queue":"general","priority":"urgent","channel":"chat","#,
            r#""waiting_since":"2026-03-02T10:01:00Z","due_at":null},"#,
            r#"{"ticket":"T-2","queue":"returns","priority":"normal","channel":"chat","#,
            r#""waiting_since":"2026-03-02T10:00:00Z","due_at":null}]"#
        )
    );
    let counts = RouterCounts {
        agents: 1,
        online: 1,
        waiting: 2,
        assigned: 1,
        ..RouterCounts::default()
    };
    assert_eq!(router.counts().unwrap(), counts);
    assert!(router.withdraw("T-3").unwrap());

    // Status, withdrawal and removal on the first router. Away, A-1 keeps T-1.
    router.set_status("A-1", "away").unwrap();
    assert_contains(
        &router.agents().unwrap(),
        &[r#"{"id":"A-1","status":"away","#, r#""tickets":["T-1"]}"#],
    );
    let counts = RouterCounts {
        agents: 1,
        away: 1,
        waiting: 1,
        assigned: 1,
        ..RouterCounts::default()
    };
    assert_eq!(router.counts().unwrap(), counts);
    assert_error(router.set_status("A-1", "asleep"), Status::Input, &[]);
    assert_error(router.set_status("A-9", "online"), Status::NotFound, &[]);
    assert!(router.withdraw("T-2").unwrap());
    assert!(!router.withdraw("T-2").unwrap());
    assert_eq!(router.remove_agent("A-1").unwrap(), r#"["T-1"]"#);
    // Nobody left, nothing waiting.
    assert_eq!(
        (router.agents().unwrap(), router.waiting().unwrap()),
        (String::from("[]"), String::from("[]"))
    );
    assert_eq!(router.counts().unwrap(), RouterCounts::default());

    // A router needs a routing section.
    assert_error(Router::new(&policy(WEEKDAYS_POLICY)), Status::NotFound, &[]);
}

/// The refund policy and request of tests/capi/refund_test.c.
const REFUND_POLICY: &str = r#"{"schema_version": 1, "refunds": {"policies": [{"id": "cn", "timezone": "Asia/Shanghai",
    "reasons": {"no_reason": {"windows": {"return_refund": "7d"}, "from": "delivered",
    "count_from": "next_day", "return_shipping": "buyer"}}}]}}"#;

/// Two lines, 3 x 10.00 and 1 x 25.00 (goods 55.00), and a 5.00 coupon. In cents: 500 x 3000 /
/// 5500 = 272 rest 4000 and 500 x 2500 / 5500 = 227 rest 1500; the 1 cent left goes to the
/// larger rest, line A: A 273, B 227. A's units: 273 / 3 = 91 each, paid 1000 - 91 = 909: one
/// unit refunds 9.09 with a 0.91 discount share. Delivered 11-07 10:00+08:00; counted from the
/// next day, the 7 days end 11-15 00:00+08:00.
const REFUND_REQUEST: &str = r#"{"order": {"id": "O-1", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",
    "shipped_at": "2026-11-06T10:00:00+08:00", "delivered_at": "2026-11-07T10:00:00+08:00",
    "lines": [{"id": "A", "unit_price": "10.00", "quantity": 3}, {"id": "B", "unit_price": "25.00", "quantity": 1}],
    "discounts": [{"id": "coupon", "amount": "5.00"}]},
    "items": [{"line": "A", "quantity": 1}], "reason": "no_reason", "requested_at": "2026-11-14T23:59:00+08:00"}"#;

#[test]
fn refund() {
    let p = policy(REFUND_POLICY);
    assert_contains(
        &p.check_refund(REFUND_REQUEST).unwrap(),
        &[
            r#""eligible":true"#,
            r#""total":"9.09""#,
            r#""discount":"0.91""#,
            r#""return_shipping":"buyer""#,
        ],
    );
    // A minute later, the first minute outside the window: refused, which is not an error.
    let late = REFUND_REQUEST.replacen("2026-11-14T23:59", "2026-11-15T00:00", 1);
    assert_contains(
        &p.check_refund(&late).unwrap(),
        &[
            r#""eligible":false"#,
            r#""code":"WINDOW_EXPIRED""#,
            "ended at 2026-11-15T00:00:00+08:00",
        ],
    );
    let bad = REFUND_REQUEST.replacen(r#""10.00""#, r#""1.005""#, 1);
    assert_error(p.check_refund(&bad), Status::Input, &["order.lines[0].unit_price"]);

    // Lines: the request, a blank line, and "not json" on line 3 (or 43 counted from 41).
    let text = format!("{}\n\nnot json\n", REFUND_REQUEST.replace('\n', " "));
    let decisions = p
        .check_refund_lines(
            &text,
            Batch {
                threads: 1,
                first_line: 1,
            },
        )
        .unwrap();
    assert!(decisions.starts_with(r#"{"eligible":true"#), "{}", decisions);
    assert_contains(&decisions, &["\n{\"line\":3,\"error\":"]);
    let decisions = p
        .check_refund_lines(
            &text,
            Batch {
                first_line: 41,
                ..Batch::default()
            },
        )
        .unwrap();
    assert_contains(&decisions, &["\n{\"line\":43,\"error\":"]);
}

/// The KPI policy and tickets of tests/capi/kpi_test.c: 24x7 in UTC, a 10-minute first-response
/// target and a one-metric scorecard. A-1 answers in 5 minutes (300 s, achieved); A-2 in 20
/// minutes (1200 s, breached).
const KPI_POLICY: &str = r#"{"schema_version": 1,
    "calendars": {"utc": {"timezone": "UTC", "hours": "24x7"}},
    "sla": {"policies": [{"id": "all", "calendar": "utc", "targets": {"normal": {"first_response": "10m"}}}]},
    "kpi": {"scorecards": [{"id": "speed", "metrics":
      {"first_response_s.mean": {"weight": 1, "target": 60, "floor": 600}}}]}}"#;

const KPI_TICKETS: &str = concat!(
    r#"{"id": "1", "created_at": "2026-11-11T00:00:00Z", "events": [{"at": "2026-11-11T00:05:00Z", "type": "agent_reply", "agent": "A-1"}]}"#,
    "\n\n",
    r#"{"id": "2", "created_at": "2026-11-11T00:00:00Z", "events": [{"at": "2026-11-11T00:20:00Z", "type": "agent_reply", "agent": "A-2"}]}"#,
    "\n"
);

/// 2026-11-12T00:00:00Z: 20,440 + 14 leap days + 315 days into 2026 = 20,769 days.
const KPI_AT: i64 = 20_769 * DAY;

#[test]
fn kpi() {
    let p = policy(KPI_POLICY);
    // Both tickets in one group: first responses 300 and 1200 s, mean 750; SLA 1 of 2.
    let one_thread = Batch {
        threads: 1,
        first_line: 1,
    };
    assert_contains(
        &p.compute_kpi(KPI_TICKETS, KPI_AT, None, one_thread).unwrap(),
        &[
            r#""first_response_s":{"count":2,"mean":750,"p50":300,"p90":300}"#,
            r#""first_response":{"achieved":1,"breached":1,"rate":0.5}"#,
        ],
    );
    // Both tickets were created at 00:00 UTC on the 11th: 08:00 that day in Shanghai.
    let by_hour = r#"{"group_by": ["hour"], "time_zone": "Asia/Shanghai"}"#;
    assert_contains(
        &p.compute_kpi(KPI_TICKETS, KPI_AT, Some(by_hour), Batch::default())
            .unwrap(),
        &[r#"{"key":{"hour":"2026-11-11T08"},"tickets":2,"#],
    );
    // Scorecard by agent: A-1 mean 300 s: (300 - 600) / (60 - 600) = 0.5556, score 55.5556;
    // A-2 1200 s is below the floor: 0. A-1 ranks first.
    assert_contains(
        &p.scorecard(
            "speed",
            KPI_TICKETS,
            KPI_AT,
            Some(r#"{"group_by": ["agent"]}"#),
            Batch::default(),
        )
        .unwrap(),
        &[
            r#"{"key":{"agent":"A-1"},"score":55.555556,"stars":1,"rank":1"#,
            r#"{"key":{"agent":"A-2"},"score":0,"stars":1,"rank":2"#,
        ],
    );
    let mars = r#"{"group_by": ["week"], "time_zone": "Mars/Olympus"}"#;
    assert_error(
        p.compute_kpi(KPI_TICKETS, KPI_AT, Some(mars), Batch::default()),
        Status::Input,
        &["time_zone"],
    );
    // A block that starts at line 41 of its file: the blank first line is 41, the bad one 42.
    let block = Batch {
        first_line: 41,
        ..Batch::default()
    };
    assert_error(p.compute_kpi("\nx", KPI_AT, None, block), Status::Input, &["line 42:"]);
    assert_error(
        p.scorecard("nope", KPI_TICKETS, KPI_AT, None, Batch::default()),
        Status::NotFound,
        &[],
    );
}

#[test]
fn staffing() {
    // Erlang C, callcentrehelper.com's worked example: 100 calls / 30 min, AHT 180 s, 80% in
    // 20 s, occupancy <= 85%, shrinkage 30%: A = 10 Erlangs, 14 agents (SL 0.88835), 20
    // scheduled (14 / 0.7).
    let mut w = Workload {
        contacts: 100.0,
        interval_s: 1800.0,
        aht_s: 180.0,
        patience_s: 0.0,
    };
    let goal = Goal {
        answer_time_s: 20.0,
        service_level: 0.8,
        max_occupancy: 0.85,
        shrinkage: 0.3,
    };
    let r = aftersales::erlang_c_required(&w, &goal).unwrap();
    assert_eq!((r.agents, r.scheduled, r.traffic, r.abandonment), (14, 20, 10.0, 0.0));
    assert!((r.service_level - 0.88835).abs() < 1e-5, "{:?}", r);
    assert!(aftersales::erlang_c(&w, 13, 20.0).unwrap().service_level < 0.8);
    // With customers who abandon, no more agents are needed, and some customers do abandon.
    w.patience_s = 60.0;
    let goal = Goal {
        max_occupancy: 1.0,
        shrinkage: 0.0,
        ..goal
    };
    let r = aftersales::erlang_a_required(&w, &goal).unwrap();
    assert!(r.agents <= 14 && r.abandonment > 0.0, "{:?}", r);
    w.patience_s = 0.0;
    assert_error(aftersales::erlang_a(&w, 14, 20.0), Status::Input, &["patience_s"]);
}
