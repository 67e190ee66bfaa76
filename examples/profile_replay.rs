//! A profiling harness for the hot paths: one thread, a seeded cohort, timed.
//!
//! `cargo build --release --example profile_replay && perf record -g target/release/examples/profile_replay`
//! then `perf report`. Arguments: persons (default 100), days (default 14), rounds (default 1),
//! then a mode: none (replay the cohort as events), `columns` (replay it as checked columns,
//! `replay_columns`: the path of an Arrow table or a CSV file), or `ingest` (check the columns
//! and ingest them into an engine without lateness, `Engine::ingest_columns`, as the criterion
//! bench `ingest/columns_lateness_0` does).

fn main() -> Result<(), anbu::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (persons, days, rounds) = (number(0, 100), number(1, 14) as u32, number(2, 1));
    let mode = args.get(3).map_or("events", String::as_str);
    let cohort = anbu::sim::simulate(&anbu::sim::SimConfig { persons, days, seed: 3, ..Default::default() });
    let columns = anbu::OwnedColumns::of(&cohort.events);
    let events = cohort.events.len();
    let options = anbu::ReplayOptions { threads: 1, ..Default::default() };
    for _ in 0..rounds {
        let started = std::time::Instant::now();
        let rows = match mode {
            "columns" => anbu::replay_columns(&columns.batch()?, &cohort.persons, &options)?.len(),
            "ingest" => {
                let mut engine = anbu::Engine::with_config(anbu::EngineConfig { allowed_lateness_ms: 0 })?;
                for p in &cohort.persons {
                    engine.add_person(p.clone())?;
                }
                let started = std::time::Instant::now();
                engine.ingest_columns(&columns.batch()?)?;
                let took = started.elapsed().as_secs_f64();
                println!("ingest: {events} events in {took:.4} s ({:.0} events/s)", events as f64 / took);
                continue;
            }
            _ => anbu::replay(cohort.events.clone(), &cohort.persons, &options)?.len(),
        };
        let took = started.elapsed().as_secs_f64();
        println!("{events} events -> {rows} rows in {took:.3} s ({:.0} events/s)", events as f64 / took);
    }
    Ok(())
}
