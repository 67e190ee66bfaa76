//! The Rust side of the Node parity test: runs the engine on the shared fixture
//! (`__test__/fixtures`) and prints the assessments as JSON, for the JS side to match.
//!
//! Streams the events in chunks of 100 (in file order) and assesses every person after each
//! chunk at the newest event time seen; then replays all events hourly; then replays a
//! simulated cohort in the closed loop, every call answered by `AnswerRate(0.5, 0.2, 7)`.
//!
//! `cargo run -q -p anbu-node --example parity -- __test__/fixtures`

use std::path::PathBuf;

use anbu::sim::{SimConfig, simulate};
use anbu::{AnswerRate, CallPolicy, Engine, Event, Person, Profile, ReplayOptions, replay, replay_closed_loop};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "__test__/fixtures".into()));
    let events: Vec<Event> = std::fs::read_to_string(dir.join("events.jsonl"))?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let persons: Vec<Person> = serde_json::from_str(&std::fs::read_to_string(dir.join("persons.json"))?)?;
    let docs: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(dir.join("profiles.json"))?)?;
    let profiles = docs.into_iter().map(Profile::from_value).collect::<Result<Vec<_>, _>>()?;

    let mut engine = Engine::new();
    for p in &profiles {
        engine.add_profile(p.clone())?;
    }
    for p in &persons {
        engine.add_person(p.clone())?;
    }
    let mut stream = Vec::new();
    let mut newest = None;
    for chunk in events.chunks(100) {
        engine.ingest_batch(chunk.iter().cloned())?;
        newest = newest.max(chunk.iter().map(|e| e.ts).max());
        if let Some(at) = newest {
            stream.extend(engine.assess_all(at)?);
        }
    }
    let options = ReplayOptions { profiles, ..ReplayOptions::default() };
    let rows = replay(events, &persons, &options)?;
    // The JS side simulates the same cohort with `simulate({ persons: 6, days: 4, seed: 11, recentIncidents: 2 })`.
    let cohort = simulate(&SimConfig { persons: 6, days: 4, seed: 11, recent_incidents: 2, ..SimConfig::default() });
    let rate = AnswerRate::new(0.5, 0.2, 7)?;
    let closed = replay_closed_loop(
        cohort.events.clone(),
        &cohort.persons,
        &ReplayOptions::default(),
        &rate,
        CallPolicy::default(),
    )?;
    let simulated = replay_closed_loop(
        cohort.events.clone(),
        &cohort.persons,
        &ReplayOptions::default(),
        &cohort,
        CallPolicy { retry_ms: 2 * anbu::HOUR_MS, ..CallPolicy::default() },
    )?;
    println!(
        "{}",
        serde_json::json!({ "stream": stream, "replay": rows, "closedLoop": closed, "closedLoopSimulated": simulated })
    );
    Ok(())
}
