//! One simulated person, hour by hour: what anbu said and why, with the field workflow in
//! the loop (the check-in calls it asks for are placed and answered as the person's life
//! allows). For looking into a backtest's false alert or late detection.
//!
//! `cargo run --release --example trace -- <seed> <person> [from] [hours]`, e.g.
//! `cargo run --release --example trace -- 1 p-037`: the cohort of `examples/backtest.rs`
//! for that seed; from the person's incident (less a day) or `from` (RFC 3339), 72 hours.
//! With `ANBU_TRACE_SEED_RULES=1`, the seed rules instead: the person's own profile in fixed
//! mode, open loop (as the backtests' "all seed rules" row). With `ANBU_TRACE_EVERY=15m` (a
//! duration, as `anbu::parse_duration` reads it), on a 15-minute grid (as the worlds example's
//! `--every 15`); `hours` then counts rows.

use anbu::sim::{SimConfig, simulate};
use anbu::{CallPolicy, Event, HOUR_MS, Person, Profile, ReplayOptions, Timestamp, replay, replay_closed_loop};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seed: u64 = args.next().ok_or("usage: trace <seed> <person> [from] [hours]")?.parse()?;
    let id = args.next().ok_or("usage: trace <seed> <person> [from] [hours]")?;
    let from: Option<Timestamp> = args.next().map(|t| t.parse()).transpose()?;
    let hours: usize = args.next().map(|h| h.parse()).transpose()?.unwrap_or(72);

    let cohort = simulate(&SimConfig { persons: 300, days: 90, seed, ..SimConfig::default() });
    let case = cohort.cases.iter().find(|c| c.person == id).ok_or("no such person in the cohort")?;
    let incident = cohort.incidents.iter().find(|i| i.person == id);
    println!("{case:?}\n{incident:?}");
    let events: Vec<Event> = cohort.events.iter().filter(|e| e.person == id).cloned().collect();
    let mut persons: Vec<Person> = cohort.persons.iter().filter(|p| p.person == id).cloned().collect();
    println!("{:?}", persons[0]);
    if std::env::var_os("ANBU_TRACE_EVENTS").is_some() {
        for e in &events {
            println!("  event {} {:?}", e.ts, e.kind);
        }
    }
    let rows = if std::env::var_os("ANBU_TRACE_SEED_RULES").is_some() {
        let p = &mut persons[0];
        let fixed = Profile::from_json(&format!(
            r#"{{"name":"seed","extends":"{}","routine":{{"mode":"fixed"}}}}"#,
            p.profile
        ))?;
        p.profile = "seed".into();
        replay(events, &persons, &ReplayOptions { profiles: vec![fixed], ..ReplayOptions::default() })?
    } else {
        let every_ms = std::env::var("ANBU_TRACE_EVERY").map_or(Ok(HOUR_MS), |d| anbu::parse_duration(&d))?;
        let options = ReplayOptions { every_ms, ..ReplayOptions::default() };
        replay_closed_loop(events, &persons, &options, &cohort, CallPolicy::default())?
    };
    let from = from.or(incident.map(|i| i.start.plus_millis(-24 * HOUR_MS))).unwrap_or(rows[0].at);
    for a in rows.iter().filter(|a| a.at >= from).take(hours) {
        let why: Vec<String> =
            a.reasons.iter().map(|r| format!("{:+.1} {}: {}", r.contribution, r.kind, r.detail)).collect();
        println!("{} {:>5.1} {:<8} {:<12} {}", a.at, a.score, a.level, a.action, why.join(" | "));
    }
    Ok(())
}
