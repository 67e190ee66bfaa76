//! Engine benchmarks: ingest (events/s), assess_all (persons/s), replay end to end,
//! snapshot and restore (bytes/s). The state size per person is printed once.

use std::hint::black_box;

use anbu::{Engine, EngineConfig, HOUR_MS, ReplayOptions, replay};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PERSONS: usize = 200;
const DAYS: u32 = 14;

fn loaded_engine(cohort: &anbu::sim::Cohort, lateness_ms: i64) -> Engine {
    let mut engine = Engine::with_config(EngineConfig { allowed_lateness_ms: lateness_ms }).unwrap();
    for p in &cohort.persons {
        engine.add_person(p.clone()).unwrap();
    }
    engine
}

fn benches(c: &mut Criterion) {
    let cohort = anbu_benches::cohort(PERSONS, DAYS);
    let n = cohort.events.len() as u64;
    let at = cohort.events.last().map(|e| e.ts.plus_millis(HOUR_MS)).unwrap();

    let mut full = loaded_engine(&cohort, HOUR_MS);
    for e in &cohort.events {
        full.ingest(e.clone()).unwrap();
    }
    let mut folded = loaded_engine(&cohort, 0);
    for e in &cohort.events {
        folded.ingest(e.clone()).unwrap();
    }
    eprintln!(
        "workload: {PERSONS} persons x {DAYS} days = {n} events; state {} bytes/person with lateness 1 h, {} with lateness 0; snapshot {} bytes",
        full.state_bytes_per_person(),
        folded.state_bytes_per_person(),
        full.snapshot().len()
    );

    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Elements(n));
    g.sample_size(10);
    for (name, lateness) in [("in_order_lateness_0", 0), ("in_order_lateness_1h", HOUR_MS)] {
        g.bench_function(name, |b| {
            b.iter_batched(
                || (loaded_engine(&cohort, lateness), cohort.events.clone()),
                |(mut engine, events)| {
                    for e in events {
                        engine.ingest(e).unwrap();
                    }
                    engine
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();

    let mut g = c.benchmark_group("assess_all");
    g.throughput(Throughput::Elements(PERSONS as u64));
    g.bench_function("persons", |b| b.iter(|| black_box(full.assess_all(at).unwrap())));
    g.finish();

    let mut g = c.benchmark_group("replay");
    g.throughput(Throughput::Elements(n));
    g.sample_size(10);
    for threads in [1, 0] {
        let name = if threads == 1 { "hourly_1_thread" } else { "hourly_all_cores" };
        g.bench_function(name, |b| {
            b.iter_batched(
                || cohort.events.clone(),
                |events| {
                    replay(events, &cohort.persons, &ReplayOptions { threads, ..ReplayOptions::default() }).unwrap()
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();

    let bytes = full.snapshot();
    let mut g = c.benchmark_group("snapshot");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.sample_size(20);
    g.bench_function("snapshot", |b| b.iter(|| black_box(full.snapshot())));
    g.bench_function("restore", |b| b.iter(|| black_box(Engine::restore(&bytes).unwrap())));
    g.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
