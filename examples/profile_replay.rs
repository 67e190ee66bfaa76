//! A profiling harness for the replay hot path: one thread, a seeded cohort, timed.
//!
//! `cargo build --release --example profile_replay && perf record -g target/release/examples/profile_replay`
//! then `perf report`. Arguments: persons (default 100) and days (default 14).

fn main() -> Result<(), anbu::Error> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let persons = args.next().flatten().unwrap_or(100);
    let days = args.next().flatten().unwrap_or(14) as u32;
    let cohort = anbu::sim::simulate(&anbu::sim::SimConfig { persons, days, seed: 3, ..Default::default() });
    let events = cohort.events.len();
    let started = std::time::Instant::now();
    let options = anbu::ReplayOptions { threads: 1, ..Default::default() };
    let rows = anbu::replay(cohort.events, &cohort.persons, &options)?;
    let took = started.elapsed().as_secs_f64();
    println!("{events} events -> {} rows in {took:.3} s ({:.0} events/s)", rows.len(), events as f64 / took);
    Ok(())
}
