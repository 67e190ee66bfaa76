//! The Rust side of the Python replay benchmark (`benches/replay_10m.py`): the same simulated
//! cohort, replayed by the core directly: as events, as columns (the path of an Arrow table) and,
//! given `CSV_OUT`, read from CSV (into columns, as the binding reads a path; and as events). Prints one JSON line of timings.
//!
//! `cargo run --release -p anbu-python --example replay_baseline -- PERSONS DAYS SEED [CSV_OUT [REPEAT]]`
//! (times are the best of REPEAT runs, default 1)

use std::time::Instant;

use anbu::sim::{SimConfig, simulate};
use anbu::{ReadOptions, ReplayOptions, read_events, replay};

/// CPU seconds (user + system, all threads) used by this process so far (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime and stime are the 12th and
    // 13th, in clock ticks of 1/100 s.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let cfg =
        SimConfig { persons: arg(0, 1400) as usize, days: arg(1, 90) as u32, seed: arg(2, 1), ..SimConfig::default() };
    let cohort = simulate(&cfg);
    let options = ReplayOptions::default();

    let repeat = arg(4, 1).max(1);
    let (mut replay_s, mut replay_cpu_s) = (f64::INFINITY, f64::INFINITY);
    let mut rows = Vec::new();
    for _ in 0..repeat {
        let events = cohort.events.clone();
        let (started, cpu) = (Instant::now(), cpu_seconds());
        rows = replay(events, &cohort.persons, &options)?;
        replay_s = replay_s.min(started.elapsed().as_secs_f64());
        replay_cpu_s = replay_cpu_s.min(cpu_seconds() - cpu);
    }

    // The same events as columns (checked, then replayed): the path an Arrow table takes.
    let columns = anbu::OwnedColumns::of(&cohort.events);
    let mut columns_s = f64::INFINITY;
    for _ in 0..repeat {
        let started = Instant::now();
        let rows2 = anbu::replay_columns(&columns.batch()?, &cohort.persons, &options)?;
        columns_s = columns_s.min(started.elapsed().as_secs_f64());
        assert_eq!(rows2, rows);
    }

    // From CSV as the binding replays a path: read into columns (on every core), checked,
    // replayed as columns; and, for comparison, read as events and replayed as events.
    let (mut csv_s, mut csv_cpu_s, mut csv_events_s) = (None, None, None);
    let best = |best: &mut Option<f64>, x: f64| *best = Some(best.map_or(x, |b: f64| b.min(x)));
    if let Some(path) = args.get(3) {
        let file = std::io::BufWriter::new(std::fs::File::create(path)?);
        anbu::write_events_csv(file, &cohort.events)?;
        for _ in 0..repeat {
            let (started, cpu) = (Instant::now(), cpu_seconds());
            let columns = anbu::read_columns(path.as_ref())?;
            let rows2 = anbu::replay_columns(&columns.batch()?, &cohort.persons, &options)?;
            best(&mut csv_s, started.elapsed().as_secs_f64());
            best(&mut csv_cpu_s, cpu_seconds() - cpu);
            assert_eq!(rows2, rows);
            drop((rows2, columns));
            let started = Instant::now();
            let read = read_events(path.as_ref(), &ReadOptions::strict())?;
            let rows2 = replay(read.events, &cohort.persons, &options)?;
            best(&mut csv_events_s, started.elapsed().as_secs_f64());
            assert_eq!(rows2, rows);
        }
    }
    let opt = |x: Option<f64>| x.map_or("null".to_string(), |s| format!("{s:.3}"));
    println!(
        "{{\"events\": {}, \"persons\": {}, \"rows\": {}, \"rust_replay_s\": {replay_s:.3}, \
         \"rust_replay_cpu_s\": {replay_cpu_s:.3}, \"rust_columns_replay_s\": {columns_s:.3}, \"rust_csv_read_replay_s\": {}, \"rust_csv_read_replay_cpu_s\": {}, \"rust_csv_events_replay_s\": {}}}",
        cohort.events.len(),
        cohort.persons.len(),
        rows.len(),
        opt(csv_s),
        opt(csv_cpu_s),
        opt(csv_events_s),
    );
    Ok(())
}
