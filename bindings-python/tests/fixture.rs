//! The Python suite's golden fixture, produced by the Rust core.
//!
//! A simulated cohort (plus one person with every signal), a caller's profile, and what
//! `anbu::replay` says about them (and, in `closed_loop.jsonl`, `anbu::replay_closed_loop` with
//! an `AnswerRate(0.5, 0.2, 7)` responder). pytest feeds the same events to the binding as every
//! input type and expects exactly these assessments.
//!
//! The files are committed. This test fails when the core's output has changed; regenerate with
//! `ANBU_REGEN_FIXTURES=1 cargo test -p anbu-python --test fixture` and commit the result.

use std::path::{Path, PathBuf};

use anbu::By;
use anbu::sim::{SimConfig, simulate};
use anbu::{Event, EventKind, HOUR_MS, MINUTE_MS, Person, Profile, ReplayOptions, Timestamp};

const PROFILE_TOML: &str = r#"# A caller's profile: plug_only, but the TV may be silent for 36 hours.
name = "plug_36h"
extends = "plug_only"

[inactivity.plug]
threshold_h = 36
"#;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures")
}

/// One person with every signal and every optional field, on the last two days.
fn every_signal(start: Timestamp) -> anbu::Result<Vec<Event>> {
    use anbu::{AppAction, CheckinOutcome, Direction, DoorState};
    let p = "p-every";
    let at = |h: i64, m: i64| start.plus_millis(h * HOUR_MS + m * MINUTE_MS);
    Ok(vec![
        Event::new(p, at(0, 5), Some("phone"), EventKind::steps(412).with_interval_s(1800))?,
        Event::new(p, at(0, 10), Some("door-front"), EventKind::door(DoorState::Open))?,
        Event::new(p, at(0, 11), Some("door-front"), EventKind::door(DoorState::Closed))?,
        Event::new(p, at(1, 0), Some("plug-tv"), EventKind::plug(85.5).with_lux(120.0))?,
        Event::new(p, at(1, 15), Some("plug-tv"), EventKind::plug(0.0))?,
        Event::new(p, at(1, 20), Some("meter-home"), EventKind::meter(96.5))?,
        Event::new(p, at(1, 35), Some("meter-home"), EventKind::meter(1412.0))?,
        Event::new(p, at(2, 0), None, EventKind::call(Direction::Out, true).with_duration_s(312.0))?,
        Event::new(p, at(2, 30), None, EventKind::call(Direction::In, false))?,
        Event::new(p, at(3, 0), None, EventKind::app(AppAction::Unlock))?,
        Event::new(p, at(3, 1), None, EventKind::app(AppAction::Data))?,
        Event::new(p, at(4, 0), None, EventKind::checkin(CheckinOutcome::Answered))?,
        Event::new(p, at(5, 0), Some("door-front"), EventKind::heartbeat())?,
        Event::new(p, at(6, 0), None, EventKind::away(at(20, 0)))?,
        Event::new(p, at(21, 0), None, EventKind::checkin(CheckinOutcome::Missed))?,
        Event::new(p, at(22, 0), None, EventKind::checkin(CheckinOutcome::Concern))?,
        Event::new(p, at(30, 0), Some("sos-button"), EventKind::sos())?,
        Event::new(
            p,
            at(31, 0),
            Some("caseworker"),
            EventKind::checkin(CheckinOutcome::Unreachable).with_by(By::Staff),
        )?,
        Event::new(p, at(31, 30), Some("caseworker"), EventKind::checkin(CheckinOutcome::SmsReply).with_by(By::Staff))?,
        Event::new(p, at(32, 0), Some("visit"), EventKind::disposition(anbu::Finding::Fine).with_by(By::Visit))?,
    ])
}

/// Pretty JSON of a value, with a final newline.
fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("serializable");
    out.push(b'\n');
    out
}

struct Fixture {
    files: Vec<(&'static str, Vec<u8>)>,
}

fn build() -> anbu::Result<Fixture> {
    let cohort = simulate(&SimConfig { persons: 6, days: 3, seed: 11, recent_incidents: 2, ..SimConfig::default() });
    let mut events = cohort.events.clone();
    let mut persons = cohort.persons.clone();
    let start = SimConfig::default().start.plus_millis(2 * 24 * HOUR_MS);
    events.extend(every_signal(start)?);
    persons.push(Person::new("p-every", "full")?.with_devices("plug,meter,door,phone,app,checkin")?);
    // The caller's profile watches the first simulated person's TV.
    let custom = Profile::from_toml(PROFILE_TOML)?;
    persons.push(Person::new("p-custom", "plug_36h")?);
    let tv: Vec<Event> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Plug { .. }))
        .take(200)
        .map(|e| Event::new("p-custom", e.ts, e.device_given(), e.kind.clone()))
        .collect::<anbu::Result<_>>()?;
    events.extend(tv);

    let options = ReplayOptions { every_ms: HOUR_MS, profiles: vec![custom], threads: 1, ..ReplayOptions::default() };
    let rows = anbu::replay(events.clone(), &persons, &options)?;
    // The closed loop: every check-in call the assessments ask for answered at these rates.
    let rate = anbu::AnswerRate::new(0.5, 0.2, 7)?;
    let closed = anbu::replay_closed_loop(events.clone(), &persons, &options, &rate, anbu::CallPolicy::default())?;
    let mut closed_jsonl = Vec::new();
    anbu::write_assessments_jsonl(&mut closed_jsonl, &closed)?;

    let mut csv = Vec::new();
    anbu::write_events_csv(&mut csv, &events)?;
    let mut jsonl = Vec::new();
    anbu::write_events_jsonl(&mut jsonl, &events)?;
    let mut expected = Vec::new();
    anbu::write_assessments_jsonl(&mut expected, &rows)?;
    let report = anbu::backtest::backtest(&rows, &cohort.incidents, &persons)?;
    let incidents_json = json(&cohort.incidents);
    let backtest_json = json(&report);
    let person_rows: Vec<anbu::PersonRecord> = persons.into_iter().map(Into::into).collect();
    let persons_json = json(&person_rows);
    Ok(Fixture {
        files: vec![
            ("events.csv", csv),
            ("events.jsonl", jsonl),
            ("persons.json", persons_json),
            ("plug_36h.toml", PROFILE_TOML.as_bytes().to_vec()),
            ("assessments.jsonl", expected),
            ("closed_loop.jsonl", closed_jsonl),
            ("incidents.json", incidents_json),
            ("backtest.json", backtest_json),
        ],
    })
}

#[test]
fn python_fixture_matches_the_core() {
    let fixture = build().expect("fixture builds");
    let regen = std::env::var_os("ANBU_REGEN_FIXTURES").is_some();
    let mut stale = Vec::new();
    for (name, bytes) in &fixture.files {
        let path = dir().join(name);
        if regen {
            std::fs::create_dir_all(dir()).expect("fixture dir");
            std::fs::write(&path, bytes).expect("write fixture");
        } else if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(*name);
        }
    }
    assert!(
        stale.is_empty(),
        "the Python fixture is out of date with the core ({stale:?}); regenerate with \
         `ANBU_REGEN_FIXTURES=1 cargo test -p anbu-python --test fixture` and commit bindings-python/tests/fixtures"
    );
}
