//! The per-district report of a simulated month, as the Seoul services' press releases table
//! theirs: a cohort is simulated for May 2024 (`anbu::sim`), its persons are spread over three
//! districts (every tenth left without one), the month is replayed with the field workflow in
//! the loop (the automatic calls anbu asks for are placed and answered as each simulated life
//! allows), and the field's follow-ups are added as the services record them: the caseworker's
//! call half an hour after each alert reached `notify`, and a visit an hour after each alert
//! reached `dispatch`, finding `emergency` where the person's incident had begun, `fine` where
//! it had not.
//!
//! Run with `cargo run --release --example district_report [persons]` (default 300).

use std::sync::Mutex;

use anbu::report::{Period, district_report};
use anbu::sim::{Cohort, SimConfig, simulate};
use anbu::{
    Action, By, CallPolicy, CheckinOutcome, CheckinResponder, Event, EventKind, Finding, HOUR_MS, ReplayOptions,
    Timestamp, replay_closed_loop,
};

const DISTRICTS: [&str; 3] = ["seoul-gangbuk", "seoul-nowon", "seoul-dobong"];

/// The simulated persons answer the calls the loop places; each call is kept as an event.
struct Recording<'a> {
    cohort: &'a Cohort,
    calls: Mutex<Vec<Event>>,
}

impl CheckinResponder for Recording<'_> {
    fn answer(&self, person: &str, at: Timestamp) -> Option<CheckinOutcome> {
        let outcome = self.cohort.answer(person, at)?;
        let kind = EventKind::checkin(outcome);
        if let Ok(call) = Event::new(person, at, Some("checkin"), kind) {
            self.calls.lock().unwrap_or_else(|e| e.into_inner()).push(call);
        }
        Some(outcome)
    }
}

fn main() -> Result<(), anbu::Error> {
    let persons: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300);
    let config = SimConfig { persons, days: 31, seed: 7, ..SimConfig::default() };
    let mut cohort = simulate(&config);
    for (i, p) in cohort.persons.iter_mut().enumerate() {
        if i % 10 != 9 {
            *p = p.clone().with_district(DISTRICTS[i % DISTRICTS.len()])?;
        }
    }
    let recording = Recording { cohort: &cohort, calls: Mutex::new(Vec::new()) };
    let rows = replay_closed_loop(
        cohort.events.clone(),
        &cohort.persons,
        &ReplayOptions::default(),
        &recording,
        CallPolicy::default(),
    )?;
    let calls = recording.calls.into_inner().unwrap_or_else(|e| e.into_inner());

    // The caseworker's call half an hour after each alert reached `notify`, answered as the
    // simulated life allows, and a visit an hour after each alert reached `dispatch` (rows are
    // by person, then time).
    let mut visits = Vec::new();
    for (i, a) in rows.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| &rows[j]).filter(|b| b.person == a.person);
        let reached = |action: Action| a.action == action && before.is_none_or(|b| b.action != action);
        if reached(Action::Notify) {
            let at = a.at.plus_millis(HOUR_MS / 2);
            if let Some(outcome) = cohort.answer(&a.person, at) {
                let kind = EventKind::checkin(outcome).with_by(By::Staff);
                visits.push(Event::new(&a.person, at, Some("caseworker"), kind)?);
            }
        }
        if reached(Action::Dispatch) {
            let at = a.at.plus_millis(HOUR_MS);
            let begun = cohort.incidents.iter().any(|inc| inc.person == a.person && inc.start <= at);
            let finding = if begun { Finding::Emergency } else { Finding::Fine };
            let kind = EventKind::disposition(finding).with_by(By::Visit);
            visits.push(Event::new(&a.person, at, Some("visit"), kind)?);
        }
    }

    let period = Period::new(config.start, config.start.plus_millis(i64::from(config.days) * 24 * HOUR_MS))?;
    let events = cohort.events.iter().chain(&calls).chain(&visits);
    let report = district_report(period, &cohort.persons, events, &rows)?;
    println!(
        "{} persons, {} days from {} (seed {}): {} hourly assessments, {} automatic calls placed, {} follow-ups\n",
        config.persons,
        config.days,
        config.start,
        config.seed,
        rows.len(),
        calls.len(),
        visits.len()
    );
    print!("{report}");
    Ok(())
}
