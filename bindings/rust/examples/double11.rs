//! The example marketplace's rules from Rust: routes the Double 11 tickets to the example
//! agents, says where each ticket's SLA clocks stand, and decides a refund request.
//!
//!     cargo run --example double11 [REPOSITORY_ROOT]      (AFTERSALES_LIB_DIR set: docs/bindings.md)
//!
//! The crate has no dependencies, so this example reads the few values it prints with the small
//! helpers at the bottom; a real program would parse the JSON with the library it already uses
//! (serde_json, for example).

use std::path::PathBuf;
use std::process::ExitCode;

use aftersales::{Batch, Policy, Router};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("double11: {}", message);
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let root = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."),
        PathBuf::from,
    );
    let examples = root.join("examples");
    let read =
        |path: &str| std::fs::read_to_string(examples.join(path)).map_err(|e| format!("examples/{}: {}", path, e));

    let policy_path = examples.join("policies/cn-marketplace.json");
    let policy = Policy::load_file(&policy_path).map_err(|e| e.to_string())?;
    println!(
        "aftersales {}, policy examples/policies/cn-marketplace.json",
        aftersales::version()
    );

    let tickets = read("tickets/double11.jsonl")?;
    route(&policy, &read("agents/cn-agents.json")?, &tickets)?;
    sla(&policy, &tickets, "2026-11-13T12:00:00+08:00")?;
    refund(&policy, &read("refunds/double11-socks.json")?)
}

/// Routes the tickets in the order they were created, each at its creation, then dispatches
/// what waited at the last one.
fn route(policy: &Policy, agents: &str, tickets: &str) -> Result<(), String> {
    let router = Router::new(policy).map_err(|e| e.to_string())?;
    let agents = objects_in_array(agents);
    for agent in &agents {
        router.upsert_agent(agent).map_err(|e| e.to_string())?;
    }
    let mut order = Vec::new();
    for ticket in tickets.lines().filter(|line| !line.trim().is_empty()) {
        let created = scalar(ticket, "created_at").ok_or("a ticket without created_at")?;
        let at = aftersales::parse_instant(created.trim_matches('"')).map_err(|e| e.to_string())?;
        order.push((at, ticket));
    }
    order.sort_by_key(|&(at, _)| at); // stable: tickets created together keep the file's order

    println!("\nRouting {} tickets to {} agents", order.len(), agents.len());
    for &(at, ticket) in &order {
        let decision = router.route(ticket, at).map_err(|e| e.to_string())?;
        let to = match (scalar(&decision, "agent"), scalar(&decision, "bot")) {
            (Some(agent), _) if agent != "null" => format!("agent {}", agent.trim_matches('"')),
            (_, Some("true")) => String::from("the bot"),
            _ => String::from("waits"),
        };
        let field = |key| scalar(&decision, key).unwrap_or("?").trim_matches('"').to_string();
        println!("  {:<7} {:<13} -> {}", field("ticket"), field("queue"), to);
    }
    let last = order.last().map_or(0, |&(at, _)| at);
    let dispatched = router.dispatch(last).map_err(|e| e.to_string())?;
    println!("dispatch: {} more assigned", dispatched.matches("{\"ticket\":").count());
    let counts = router.counts().map_err(|e| e.to_string())?;
    println!(
        "router: {} agents ({} online), {} tickets assigned, {} waiting",
        counts.agents, counts.online, counts.assigned, counts.waiting
    );
    Ok(())
}

/// Says where each ticket's clocks stand at `at`.
fn sla(policy: &Policy, tickets: &str, at: &str) -> Result<(), String> {
    let at_ms = aftersales::parse_instant(at).map_err(|e| e.to_string())?;
    let reports = policy
        .evaluate_sla_lines(tickets, at_ms, Batch::default())
        .map_err(|e| e.to_string())?;
    println!(
        "\nSLA at {}",
        aftersales::format_instant(at_ms).map_err(|e| e.to_string())?
    );
    for report in reports.lines() {
        let field = |key| scalar(report, key).unwrap_or("-").trim_matches('"').to_string();
        let breached = report.matches("\"state\":\"breached\"").count();
        println!(
            "  {:<7} {:<12} {} clocks breached",
            field("ticket"),
            field("policy"),
            breached
        );
    }
    Ok(())
}

/// Decides the request and says why.
fn refund(policy: &Policy, request: &str) -> Result<(), String> {
    let decision = policy.check_refund(request).map_err(|e| e.to_string())?;
    let field = |key| scalar(&decision, key).unwrap_or("-").trim_matches('"').to_string();
    println!(
        "\nRefund: eligible {}, {} {} {}",
        field("eligible"),
        field("resolution"),
        field("total"),
        field("currency")
    );
    Ok(())
}

/// The raw text of the first scalar value of `key` in `json`: enough for the top-level members
/// the library writes before any nested object that might repeat the key.
fn scalar<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let start = json.find(&format!("\"{}\":", key))? + key.len() + 3;
    let value = json[start..].trim_start();
    let end = match value.strip_prefix('"') {
        Some(string) => string.find('"')? + 2,
        None => value.find(&[',', '}', ']'][..])?,
    };
    Some(&value[..end])
}

/// The objects of the first array in `json` (`{"agents": [{...}, {...}]}`), strings respected.
fn objects_in_array(json: &str) -> Vec<&str> {
    let (mut objects, mut depth, mut start) = (Vec::new(), 0, 0);
    let (mut in_string, mut escaped) = (false, false);
    for (i, c) in json.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => {
                depth += 1;
                if depth == 3 {
                    start = i;
                }
            }
            '}' | ']' => {
                if depth == 3 {
                    objects.push(&json[start..=i]);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    objects
}
