//! The Rust side of the Python replay benchmark (`benches/replay_10m.py`): the same simulated
//! cohort, replayed by the core directly. Prints one JSON line of timings.
//!
//! `cargo run --release -p anbu-python --example replay_baseline -- PERSONS DAYS SEED [CSV_OUT [REPEAT]]`
//! (times are the best of REPEAT runs, default 1)

use std::time::Instant;

use anbu::sim::{SimConfig, simulate};
use anbu::{ReadOptions, ReplayOptions, read_events, replay};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let cfg =
        SimConfig { persons: arg(0, 1400) as usize, days: arg(1, 90) as u32, seed: arg(2, 1), ..SimConfig::default() };
    let cohort = simulate(&cfg);
    let options = ReplayOptions::default();

    let repeat = arg(4, 1).max(1);
    let mut replay_s = f64::INFINITY;
    let mut rows = Vec::new();
    for _ in 0..repeat {
        let events = cohort.events.clone();
        let started = Instant::now();
        rows = replay(events, &cohort.persons, &options)?;
        replay_s = replay_s.min(started.elapsed().as_secs_f64());
    }

    let mut csv_s = None;
    if let Some(path) = args.get(3) {
        let file = std::io::BufWriter::new(std::fs::File::create(path)?);
        anbu::write_events_csv(file, &cohort.events)?;
        for _ in 0..repeat {
            let started = Instant::now();
            let read = read_events(path.as_ref(), &ReadOptions::strict())?;
            let rows2 = replay(read.events, &cohort.persons, &options)?;
            let took = started.elapsed().as_secs_f64();
            csv_s = Some(csv_s.map_or(took, |s: f64| s.min(took)));
            assert_eq!(rows2.len(), rows.len());
        }
    }
    println!(
        "{{\"events\": {}, \"persons\": {}, \"rows\": {}, \"rust_replay_s\": {replay_s:.3}, \"rust_csv_read_replay_s\": {}}}",
        cohort.events.len(),
        cohort.persons.len(),
        rows.len(),
        csv_s.map_or("null".to_string(), |s| format!("{s:.3}"))
    );
    Ok(())
}
