//! Engine benchmarks: ingest (events/s) of events one by one and of columns, next to a plain
//! scan of the same columns; assess_all (persons/s); replay end to end, of events and of
//! columns (into assessments, and into columns); snapshot and restore (bytes/s). The state size per person is printed once.
//!
//! Workload: `anbu_benches::cohort(200, 14)` (see `benches/src/lib.rs`).

use std::hint::black_box;

use anbu::OwnedColumns;
use anbu::{Engine, EngineConfig, HOUR_MS, ReplayOptions, replay, replay_columns, replay_to_columns};
use anbu_benches::Columns;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

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
    let columns = OwnedColumns::of(&cohort.events);
    let n = cohort.events.len() as u64;
    let at = cohort.events.last().map(|e| e.ts.plus_millis(HOUR_MS)).unwrap();

    let mut full = loaded_engine(&cohort, HOUR_MS);
    for e in &cohort.events {
        full.ingest(e.clone()).unwrap();
    }
    let mut folded = loaded_engine(&cohort, 0);
    folded.ingest_columns(&columns.batch().unwrap()).unwrap();
    eprintln!(
        "workload: {PERSONS} persons x {DAYS} days = {n} events ({} bytes as columns); state {} bytes/person with lateness 1 h, {} with lateness 0; snapshot {} bytes",
        columns.bytes(),
        full.state_bytes_per_person(),
        folded.state_bytes_per_person(),
        full.snapshot().len()
    );

    // Out of order within the allowed lateness: the same steps readings 10 ms apart, shuffled,
    // 50,000 and 200,000 of them (n log n: four times the events take a little over four times
    // as long; the sorted array before took sixteen times).
    let mut g = c.benchmark_group("ingest_shuffled");
    g.sample_size(10);
    for n in [50_000i64, 200_000] {
        let t0 = cohort.events[0].ts;
        let mut events: Vec<anbu::Event> = (0..n)
            .map(|k| {
                anbu::Event::new(
                    "p-1",
                    t0.plus_millis(10 * k),
                    Some("band"),
                    anbu::EventKind::steps(1).with_interval_s(60),
                )
                .unwrap()
            })
            .collect();
        let mut x = 12_345u64;
        for i in (1..events.len()).rev() {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            events.swap(i, (x >> 33) as usize % (i + 1));
        }
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(format!("{n}"), |b| {
            b.iter_batched(
                || {
                    let mut engine = Engine::new();
                    engine.add_person(anbu::Person::new("p-1", "full").unwrap()).unwrap();
                    (engine, events.clone())
                },
                |(mut engine, events)| {
                    for e in events {
                        engine.ingest(e).unwrap();
                    }
                    engine
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();

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
                BatchSize::LargeInput,
            )
        });
    }
    // From raw columns: the batch is checked (`build`) and ingested, one core.
    for (name, lateness) in [("columns_lateness_0", 0), ("columns_lateness_1h", HOUR_MS)] {
        g.bench_function(name, |b| {
            b.iter_batched(
                || loaded_engine(&cohort, lateness),
                |mut engine| {
                    engine.ingest_columns(&columns.batch().unwrap()).unwrap();
                    engine
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();

    let mut g = c.benchmark_group("columns");
    g.throughput(Throughput::Elements(n));
    g.sample_size(20);
    g.bench_function("plain_scan", |b| b.iter(|| black_box(black_box(&columns).scan())));
    g.bench_function("check", |b| b.iter(|| black_box(columns.batch().unwrap().len())));
    g.bench_function("ingest_checked_lateness_0", |b| {
        let batch = columns.batch().unwrap();
        b.iter_batched(
            || loaded_engine(&cohort, 0),
            |mut engine| {
                engine.ingest_columns(&batch).unwrap();
                engine
            },
            BatchSize::LargeInput,
        )
    });
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
                BatchSize::LargeInput,
            )
        });
    }
    g.bench_function("columns_hourly_1_thread", |b| {
        b.iter(|| {
            let options = ReplayOptions { threads: 1, ..ReplayOptions::default() };
            replay_columns(&columns.batch().unwrap(), &cohort.persons, &options).unwrap()
        })
    });
    g.bench_function("columns_to_columns_hourly_1_thread", |b| {
        b.iter(|| {
            let options = ReplayOptions { threads: 1, ..ReplayOptions::default() };
            replay_to_columns(&columns.batch().unwrap(), &cohort.persons, &options).unwrap()
        })
    });
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
