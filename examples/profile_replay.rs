//! A profiling harness for the replay hot path: one thread, a seeded cohort, timed.
//!
//! `cargo build --release --example profile_replay && perf record -g target/release/examples/profile_replay`
//! then `perf report`. Arguments: persons (default 100), days (default 14), rounds (default 1)
//! and `columns` to replay the cohort as checked columns (`replay_columns`, the path of an Arrow
//! table or a CSV file) instead of as events.

fn main() -> Result<(), anbu::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (persons, days, rounds) = (number(0, 100), number(1, 14) as u32, number(2, 1));
    let as_columns = args.iter().any(|a| a == "columns");
    let cohort = anbu::sim::simulate(&anbu::sim::SimConfig { persons, days, seed: 3, ..Default::default() });
    let columns = anbu::OwnedColumns::of(&cohort.events);
    let events = cohort.events.len();
    let options = anbu::ReplayOptions { threads: 1, ..Default::default() };
    for _ in 0..rounds {
        let started = std::time::Instant::now();
        let rows = if as_columns {
            anbu::replay_columns(&columns.batch()?, &cohort.persons, &options)?
        } else {
            anbu::replay(cohort.events.clone(), &cohort.persons, &options)?
        };
        let took = started.elapsed().as_secs_f64();
        println!("{events} events -> {} rows in {took:.3} s ({:.0} events/s)", rows.len(), events as f64 / took);
    }
    Ok(())
}
