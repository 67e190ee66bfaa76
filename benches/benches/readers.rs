//! Reader benchmarks: CSV and JSON Lines event tables read from memory by one streaming
//! reader, and from a file by `read_events` (on every core) and, for CSV, by `read_columns`
//! (parsed straight into columns, on every core), MB/s of text, strict.
//!
//! Workload: `anbu_benches::cohort(200, 14)` written by anbu's writers (see `benches/src/lib.rs`).

use std::hint::black_box;

use anbu::{Format, ReadOptions, read_columns, read_events, read_events_from};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    let cohort = anbu_benches::cohort(200, 14);
    let mut g = c.benchmark_group("read");
    g.sample_size(10);
    for (name, format, text) in [
        ("csv", Format::Csv, anbu_benches::csv(&cohort.events)),
        ("jsonl", Format::Jsonl, anbu_benches::jsonl(&cohort.events)),
    ] {
        eprintln!("{name}: {} events, {} bytes", cohort.events.len(), text.len());
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                let out = read_events_from(black_box(text.as_slice()), format, &ReadOptions::strict()).unwrap();
                assert_eq!(out.events.len(), cohort.events.len());
                out
            })
        });
        let path = std::env::temp_dir().join(format!("anbu-bench-{}.{name}", std::process::id()));
        std::fs::write(&path, &text).expect("writing the bench's file");
        g.bench_function(format!("{name}_file"), |b| {
            b.iter(|| {
                let out = read_events(black_box(&path), &ReadOptions::strict()).unwrap();
                assert_eq!(out.events.len(), cohort.events.len());
                out
            })
        });
        if format == Format::Csv {
            g.bench_function(format!("{name}_file_columns"), |b| {
                b.iter(|| {
                    let columns = read_columns(black_box(&path)).unwrap();
                    assert_eq!(columns.len(), cohort.events.len());
                    columns
                })
            });
        }
        let _ = std::fs::remove_file(&path);
    }
    g.finish();
}

criterion_group!(readers, benches);
criterion_main!(readers);
