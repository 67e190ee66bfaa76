//! Rust baseline for the Node ingest benchmark (`bench/ingest.mjs`): the same 1 million
//! events, built from spec records as the binding does, then `Engine::ingest_batch`.
//!
//! `cargo run --release -p anbu-node --example ingest_baseline [-- N_PERSONS EVENTS_PER_PERSON]`
//! Prints one JSON line of timings.

use std::time::Instant;

use anbu::{Engine, EventRecord, Person};

const T0: i64 = 1_714_489_200_000; // 2024-05-01T00:00:00+09:00

/// Event `k` of person `p`, as text cells (the same formula as bench/ingest.mjs).
fn cells(p: usize, k: usize) -> Vec<(&'static str, String)> {
    let mut c = vec![("person", format!("p-{p:05}")), ("ts", (T0 + (k as i64) * 60_000 + p as i64).to_string())];
    match k % 10 {
        0..=6 => {
            c.push(("signal", "plug".into()));
            c.push(("device", "plug-tv".into()));
            c.push(("watts", (50 + (k * 37 + p) % 40).to_string()));
            c.push(("lux", ((k * 13) % 200).to_string()));
        }
        7 => {
            c.push(("signal", "door".into()));
            c.push(("device", "door-front".into()));
            c.push(("state", if (k / 10).is_multiple_of(2) { "open" } else { "closed" }.into()));
        }
        8 => {
            c.push(("signal", "steps".into()));
            c.push(("device", "phone".into()));
            c.push(("steps", ((k * 7) % 500).to_string()));
        }
        _ => {
            c.push(("signal", "app".into()));
            c.push(("device", "phone".into()));
            c.push(("action", "unlock".into()));
        }
    }
    c
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse()).collect::<Result<_, _>>()?;
    let persons = args.first().copied().unwrap_or(1000);
    let per = args.get(1).copied().unwrap_or(1000);
    let mut records = Vec::with_capacity(persons * per);
    for k in 0..per {
        for p in 0..persons {
            let mut r = EventRecord::default();
            for (f, v) in cells(p, k) {
                r.set_text(f, &v)?;
            }
            records.push(r);
        }
    }
    let new_engine = || -> Result<Engine, anbu::Error> {
        let mut e = Engine::new();
        for p in 0..persons {
            e.add_person(Person::new(&format!("p-{p:05}"), "full")?)?;
        }
        Ok(e)
    };

    let prebuilt = records.iter().cloned().map(EventRecord::into_event).collect::<Result<Vec<_>, _>>()?;

    // (a) records -> events -> ingest_batch: what the binding does after reading JS values.
    let mut engine = new_engine()?;
    let t = Instant::now();
    let events = records.into_iter().map(EventRecord::into_event).collect::<Result<Vec<_>, _>>()?;
    let n = engine.ingest_batch(events)?;
    let records_s = t.elapsed().as_secs_f64();

    // (b) prebuilt events -> ingest_batch only.
    let mut engine = new_engine()?;
    let t = Instant::now();
    engine.ingest_batch(prebuilt)?;
    let batch_s = t.elapsed().as_secs_f64();

    println!(
        "{{\"events\":{n},\"records_then_ingest_batch_s\":{records_s:.3},\"ingest_batch_only_s\":{batch_s:.3},\"records_rate\":{:.0},\"batch_rate\":{:.0}}}",
        n as f64 / records_s,
        n as f64 / batch_s
    );
    Ok(())
}
