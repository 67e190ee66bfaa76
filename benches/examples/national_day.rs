//! A national day: `persons` (default 1.5 million) people living alone, each with the full
//! kit (phone with step counting and the monitoring app, door sensor, two smart plugs, daily
//! check-in call), about 250 events each, replayed with hourly assessments for everyone, in
//! partitions of persons (persons are independent; each partition uses every core).
//!
//! `cargo run --release -p anbu-benches --example national_day [-- persons [partition]]`
//!
//! The day's events come from simulated `full`-profile persons (`anbu::sim`, seed 42), their
//! smart plug's readings doubled on a second plug a few minutes apart; person `k` lives the day
//! of template `k mod templates`. Building each partition's columns (the stand-in for reading
//! them from Arrow or Parquet) is not timed; checking them (`EventColumns::build`) and
//! replaying them (`anbu::replay_columns`: folding, 24 assessments per person with their
//! reasons) is. States start empty, as in any replay; `replay`'s per-person state is
//! what the engine keeps (see `state_bytes_per_person` in the criterion benches).

use std::time::Instant;

use anbu::OwnedColumns;
use anbu::sim::{SimConfig, simulate};
use anbu::{Event, EventKind, MINUTE_MS, Person, ReplayOptions, replay_columns};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let persons: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1_500_000);
    let partition: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(20_000);

    // Templates: a day of simulated full-kit persons, with a second plug.
    let cohort =
        simulate(&SimConfig { persons: 2_000, days: 1, seed: 42, incident_share: 0.05, ..SimConfig::default() });
    let full: Vec<&Person> = cohort.persons.iter().filter(|p| p.profile == "full").collect();
    let ids: std::collections::HashSet<&str> = full.iter().map(|p| p.person.as_str()).collect();
    let mut events: Vec<Event> = Vec::new();
    for e in cohort.events.iter().filter(|e| ids.contains(e.person.as_str())) {
        events.push(e.clone());
        if let EventKind::Plug { watts, lux, .. } = e.kind {
            let ts = e.ts.plus_millis(7 * MINUTE_MS + 30_000);
            events.push(Event::new(&e.person, ts, Some("plug-cooker"), EventKind::plug(watts * 0.3).with_lux(lux))?);
        }
    }
    events.sort_by(|a, b| a.person.cmp(&b.person).then(a.ts.cmp(&b.ts)));
    let template = OwnedColumns::of(&events);
    let mut ranges = Vec::with_capacity(template.names.len());
    let mut start = 0;
    for code in 0..template.names.len() as u32 {
        let end = start + template.person[start..].iter().take_while(|c| **c == code).count();
        ranges.push(start..end);
        start = end;
    }
    let per_person = events.len() as f64 / ranges.len() as f64;
    let devices = full.first().and_then(|p| p.devices()).unwrap_or(&[]).to_vec();
    let device_text: String = devices.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",");
    println!(
        "{persons} persons in partitions of {partition}; {} templates, {per_person:.0} events per person-day; {} threads",
        ranges.len(),
        anbu::parallel::threads()?
    );

    let (mut check_s, mut replay_s, mut events_total, mut rows_total, mut alerts) = (0.0, 0.0, 0usize, 0usize, 0usize);
    let wall = Instant::now();
    let mut first = 0;
    while first < persons {
        let n = partition.min(persons - first);
        let mut cols = OwnedColumns { device_names: template.device_names.clone(), ..OwnedColumns::default() };
        let mut people = Vec::with_capacity(n);
        for k in 0..n {
            let id = format!("n-{:07}", first + k);
            people.push(Person::new(&id, "full")?.with_devices(&device_text)?);
            cols.names.push(id);
            let range = ranges[(first + k) % ranges.len()].clone();
            cols.person.extend(std::iter::repeat_n(k as u32, range.len()));
            cols.ts.extend_from_slice(&template.ts[range.clone()]);
            cols.signal.extend_from_slice(&template.signal[range.clone()]);
            copy_rows(&mut cols, &template, range);
        }
        events_total += cols.len();
        let started = Instant::now();
        let batch = cols.batch()?;
        let checked = Instant::now();
        let rows = replay_columns(&batch, &people, &ReplayOptions::default())?;
        check_s += checked.duration_since(started).as_secs_f64();
        replay_s += checked.elapsed().as_secs_f64();
        rows_total += rows.len();
        alerts += rows.iter().filter(|a| a.level >= anbu::Level::Warning).count();
        drop(rows);
        first += n;
    }
    let total_s = check_s + replay_s;
    println!(
        "{events_total} events -> {rows_total} hourly assessments ({alerts} at warning or above) in {total_s:.1} s \
         ({check_s:.1} s checking the columns, {replay_s:.1} s replaying them; {:.2} M events/s, {:.2} M assessments/s); \
         {:.1} s wall with building the partitions",
        events_total as f64 / total_s / 1e6,
        rows_total as f64 / total_s / 1e6,
        wall.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Copies the value columns of rows `range` from `from` to the end of `to`.
fn copy_rows(to: &mut OwnedColumns, from: &OwnedColumns, range: std::ops::Range<usize>) {
    macro_rules! copy {
        ($($f:ident),*) => {$(
            to.$f.0.extend_from_slice(&from.$f.0[range.clone()]);
            to.$f.1.extend_from_slice(&from.$f.1[range.clone()]);
        )*};
    }
    copy!(
        device, direction, answered, duration_s, steps, interval_s, state, watts, lux, action, outcome, until,
        category, finding, by
    );
}
