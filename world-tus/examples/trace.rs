//! One person of world B, hour by hour: what anbu said and why in the closed loop (the calls it
//! asks for placed and answered as the person's simulated life allows), with the person's
//! doors, calls and check-ins between. For looking into one of the worlds example's incidents
//! or false alerts; `examples/trace.rs` at the top does the same for world A.
//!
//! `cargo run --release -p anbu-world-tus --example trace -- <seed> <person> [hours] [from]`, e.g.
//! `cargo run --release -p anbu-world-tus --example trace -- 1 w-117`: the worlds example's
//! cohort of that seed (300 persons x 90 days); from 12 h before the person's incident (or the
//! first assessment) or `from` (RFC 3339), 72 hours. The plug's and the step app's readings
//! are left out. With `ANBU_TRACE_EVERY=15m` (a duration, as `anbu::parse_duration` reads it),
//! on a 15-minute grid (as the worlds example's `--every 15`).

use anbu::{CallPolicy, Event, EventKind, HOUR_MS, Person, ReplayOptions, replay, replay_closed_loop};
use anbu_world_tus::{WorldConfig, generate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const USAGE: &str = "usage: trace <seed> <person> [hours] [from]";
    let mut args = std::env::args().skip(1);
    let seed: u64 = args.next().ok_or(USAGE)?.parse()?;
    let id = args.next().ok_or(USAGE)?;
    let hours: usize = args.next().map(|h| h.parse()).transpose()?.unwrap_or(72);
    let from: Option<anbu::Timestamp> = args.next().map(|t| t.parse()).transpose()?;
    let world = generate(&WorldConfig { seed, persons: 300, days: 90, ..WorldConfig::default() });
    let story = world.stories.iter().find(|s| s.person == id).ok_or("no such person in the world")?;
    println!(
        "{} {} ({}): field case {:?}, incident {:?}, ordinary life {:?}",
        story.profile, story.devices, story.routine, story.nuisance, story.incident, story.ordinary
    );
    let incident = world.incidents.iter().find(|i| i.person == id);
    if let Some(i) = incident {
        println!("incident from {} to {:?}", i.start, i.end);
    }
    let events: Vec<Event> = world.events.iter().filter(|e| e.person == id).cloned().collect();
    let persons: Vec<Person> = world.persons.iter().filter(|p| p.person == id).cloned().collect();
    let every_ms = std::env::var("ANBU_TRACE_EVERY").map_or(Ok(HOUR_MS), |d| anbu::parse_duration(&d))?;
    let options = ReplayOptions { every_ms, ..ReplayOptions::default() };
    // With `ANBU_TRACE_OPEN=1`, the open loop: no call placed.
    let rows = if std::env::var_os("ANBU_TRACE_OPEN").is_some() {
        replay(events.clone(), &persons, &options)?
    } else {
        replay_closed_loop(events.clone(), &persons, &options, &world, CallPolicy::default())?
    };
    let from = from
        .or(incident.map(|i| i.start.plus_millis(-12 * HOUR_MS)).or(rows.first().map(|a| a.at)))
        .ok_or("no rows")?;
    let to = from.plus_millis(hours as i64 * HOUR_MS);
    // With `ANBU_TRACE_READINGS=1`, the plug's and the step app's readings too.
    let all = std::env::var_os("ANBU_TRACE_READINGS").is_some();
    let readings = |k: &EventKind| {
        !all && matches!(k, EventKind::Plug { .. } | EventKind::Steps { .. } | EventKind::Heartbeat { .. })
    };
    for e in events.iter().filter(|e| e.ts >= from && e.ts < to && !readings(&e.kind)) {
        println!("  event {} {:?}", e.ts, e.kind);
    }
    for a in rows.iter().filter(|a| a.at >= from && a.at < to) {
        let why: Vec<String> =
            a.reasons.iter().map(|r| format!("{:+.1} {}: {}", r.contribution, r.kind, r.detail)).collect();
        println!("{} {:>5.1} {:<8} {:<12} {}", a.at, a.score, a.level, a.action, why.join(" | "));
    }
    Ok(())
}
