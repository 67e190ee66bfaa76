//! Tier recommendation (issue 16, item 6): a person's call and walking history recommends the
//! pilot's tier, with the reason; a person whose devices cannot watch them is flagged.
//!
//! The persons here are also the bindings' shared fixture (`tests/shared/tiers/`): the test
//! fails when the core's advice changed; regenerate with
//! `ANBU_REGEN_FIXTURES=1 cargo test -p anbu --test integration tier::` and commit the files.

use crate::common;

use std::path::{Path, PathBuf};

use anbu::{CheckinOutcome, Direction, Engine, ErrorKind, Person, TIER_MIN_HISTORY_DAYS, Tier, TierAdvice, Timestamp};
use common::Home;

/// Days of history the persons have when advised (day 14, 08:00).
const DAYS: u32 = 14;

fn advise_hour() -> f64 {
    f64::from(DAYS) * 24.0 + 8.0
}

/// A plug reading every 2 hours from `from` to `to` hours (`watts(hour)`): enough for the
/// plug's changes and its staleness, and a small fixture.
fn plug(home: &mut Home, from: f64, to: f64, watts: impl Fn(f64) -> f64) {
    let mut h = from;
    while h < to {
        home.push(h, "plug-tv", anbu::EventKind::plug(watts(h)));
        h += 2.0;
    }
}

/// The TV used mornings and evenings, off otherwise, on day `d` up to the time of advice.
fn tv_in_use(home: &mut Home, d: u32) {
    let b = f64::from(d) * 24.0;
    plug(home, b, (b + 24.0).min(advise_hour()), |h| {
        let hod = h.rem_euclid(24.0);
        if (8.0..12.0).contains(&hod) || (18.0..23.0).contains(&hod) { 85.0 } else { 0.5 }
    });
}

/// Calls on most days: the call log is enough.
fn caller() -> (Home, &'static str) {
    let mut h = Home::new("p-caller");
    for d in (0..DAYS).filter(|d| d % 7 != 4) {
        h.call(f64::from(d) * 24.0 + 19.0, Direction::Out, true);
    }
    (h, "call_only")
}

/// Calls twice in two weeks but walks on most mornings: the step-count app.
fn walker() -> (Home, &'static str) {
    let mut h = Home::new("p-walker");
    for d in 0..DAYS {
        let b = f64::from(d) * 24.0;
        for hour in 7..23 {
            let walking = hour == 10 && d % 7 != 3 && d % 7 != 5;
            h.steps(b + f64::from(hour) + 0.99, if walking { 1500 } else { 120 });
        }
        if d % 7 == 0 {
            h.call(b + 19.0, Direction::In, true);
        }
    }
    (h, "call_app")
}

/// Rarely calls, never walks with a step app, at home with the TV and the door: door and plug.
fn homebody() -> (Home, &'static str) {
    let mut h = Home::new("p-homebody");
    tv_in_use(&mut h, DAYS);
    for d in 0..DAYS {
        tv_in_use(&mut h, d);
        h.door(f64::from(d) * 24.0 + 9.5);
        if [2, 6, 11].contains(&d) {
            h.call(f64::from(d) * 24.0 + 19.0, Direction::Out, true);
        }
    }
    (h, "call_iot")
}

/// Calls most days, but lets the check-in calls ring out: the phone cannot be relied on.
fn unreliable() -> (Home, &'static str) {
    let mut h = Home::new("p-unreliable");
    tv_in_use(&mut h, DAYS);
    for d in 0..DAYS {
        let b = f64::from(d) * 24.0;
        tv_in_use(&mut h, d);
        h.door(b + 9.5);
        h.call(b + 19.0, Direction::Out, true);
        h.checkin(b + 16.0, CheckinOutcome::Missed);
    }
    (h, "call_iot")
}

/// A TV always on and a phone on silent: no call, no change at the plug; only the door sees
/// the person go out.
fn unwatched() -> (Home, &'static str) {
    let mut h = Home::new("p-unwatched");
    plug(&mut h, 0.0, advise_hour(), |_| 85.0);
    for d in 0..DAYS {
        let b = f64::from(d) * 24.0;
        h.door(b + 9.5);
        h.call(b + 15.0, Direction::In, false);
        h.checkin(b + 16.0, CheckinOutcome::Missed);
    }
    (h, "call_iot")
}

/// A caller registered four days ago.
fn newcomer() -> (Home, &'static str) {
    let mut h = Home::new("p-newcomer");
    for d in DAYS - 4..DAYS {
        h.call(f64::from(d) * 24.0 + 19.0, Direction::Out, true);
    }
    (h, "call_only")
}

fn homes() -> Vec<(Home, &'static str)> {
    vec![caller(), walker(), homebody(), unreliable(), unwatched(), newcomer()]
}

/// Everyone's events ingested in time order into one engine.
fn engine(homes: &[(Home, &'static str)]) -> Engine {
    let mut engine = Engine::new();
    let mut events = Vec::new();
    for (home, profile) in homes {
        engine.add_person(Person::new(home.id, profile).unwrap()).unwrap();
        events.extend(home.events.iter().cloned());
    }
    events.sort_by_key(|e| e.ts);
    engine.ingest_batch(events).unwrap();
    engine
}

fn at() -> Timestamp {
    Home::new("p").ts(advise_hour())
}

fn advice(id: &str) -> TierAdvice {
    let homes = homes();
    engine(&homes).recommend_tier(id, Some(at())).unwrap()
}

#[test]
fn a_person_who_calls_on_most_days_is_watched_by_the_call_log() {
    let a = advice("p-caller");
    assert_eq!(a.tier, Tier::CallOnly);
    assert_eq!((a.days, a.call_days, a.walk_days), (DAYS, 12, 0));
    assert_eq!(a.reason, "calls or answers on 12 of the last 14 days: the call log watches them");
    assert_eq!(a.unwatched, None);
    assert_eq!(a.tier.as_str(), "call_only");
}

#[test]
fn a_person_who_rarely_calls_but_walks_gets_the_step_app() {
    let a = advice("p-walker");
    assert_eq!(a.tier, Tier::CallApp);
    assert_eq!((a.days, a.call_days, a.walk_days), (DAYS, 2, 10));
    assert!(a.reason.contains("on only 2 of the last 14 days but walks on 10: the step-count app"), "{}", a.reason);
}

#[test]
fn a_person_who_does_neither_gets_the_door_sensor_and_plug() {
    let a = advice("p-homebody");
    assert_eq!(a.tier, Tier::CallIot);
    assert_eq!((a.call_days, a.walk_days), (3, 0));
    assert!(a.reason.ends_with("a door sensor and a smart plug watch them at home"), "{}", a.reason);
    // The call log alone could not: its silence is flagged, the door and the plug still watch.
    let flag = a.unwatched.as_deref().expect("the call log is stale");
    assert!(flag.starts_with("not watching the person now: call (silent for days"), "{flag}");
    assert!(flag.ends_with("still watching: door, plug"), "{flag}");
}

#[test]
fn check_in_calls_mostly_unanswered_mean_full_even_for_a_caller() {
    let a = advice("p-unreliable");
    assert_eq!(a.call_days, DAYS);
    assert!(a.answer_rate < anbu::TIER_UNRELIABLE_ANSWER_RATE, "{}", a.answer_rate);
    assert_eq!(a.tier, Tier::Full);
    assert!(a.reason.starts_with("answers about "), "{}", a.reason);
    assert!(a.reason.contains("% of check-in calls: the phone cannot be relied on"), "{}", a.reason);
    // The same person answering every call is watched by the call log.
    let mut homes = vec![unreliable()];
    for e in &mut homes[0].0.events {
        if let anbu::EventKind::Checkin { outcome, .. } = &mut e.kind {
            *outcome = CheckinOutcome::Answered;
        }
    }
    assert_eq!(engine(&homes).recommend_tier("p-unreliable", Some(at())).unwrap().tier, Tier::CallOnly);
}

#[test]
fn a_tv_always_on_and_a_phone_on_silent_are_flagged() {
    let a = advice("p-unwatched");
    let flag = a.unwatched.as_deref().expect("flagged");
    assert!(flag.starts_with("not watching the person now: call (silent for days"), "{flag}");
    assert!(flag.contains(", plug (silent for days"), "{flag}");
    assert!(flag.ends_with("still watching: door"), "{flag}");
    assert_eq!(a.call_days, 0);
    // The check-in calls ring out too: every device watches, and the flag says why they must.
    assert_eq!(a.tier, Tier::Full);
}

#[test]
fn too_little_history_recommends_the_pilots_start_and_says_so() {
    let a = advice("p-newcomer");
    assert_eq!(a.tier, anbu::TIER_START);
    assert_eq!(a.days, 4);
    assert_eq!(
        a.reason,
        format!(
            "only 4 whole days of history (fewer than {TIER_MIN_HISTORY_DAYS}): start with the call log, the pilot's \
             first tier"
        )
    );
}

#[test]
fn advice_changes_nothing_survives_a_snapshot_and_defaults_to_the_newest_event() {
    let homes = homes();
    let mut advised = engine(&homes);
    let mut plain = engine(&homes);
    let first = advised.recommend_tier("p-unwatched", Some(at())).unwrap();
    // The assessments after it are those of an engine never advised (hysteresis untouched).
    for h in 0..6 {
        let t = at().plus_millis(h * anbu::HOUR_MS);
        assert_eq!(advised.assess("p-unwatched", t).unwrap(), plain.assess("p-unwatched", t).unwrap());
    }
    let restored = Engine::restore(&engine(&homes).snapshot()).unwrap();
    assert_eq!(restored.recommend_tier("p-unwatched", Some(at())).unwrap(), first);
    // Without a time: the person's newest event.
    let newest = homes[0].0.events.iter().map(|e| e.ts).max().unwrap();
    assert_eq!(engine(&homes).recommend_tier("p-caller", None).unwrap().at, newest);
}

#[test]
fn bad_calls_are_clear_errors() {
    let homes = homes();
    let engine = engine(&homes);
    assert_eq!(engine.recommend_tier("nobody", Some(at())).unwrap_err().kind(), ErrorKind::UnknownPerson);
    let early = engine.recommend_tier("p-caller", Some(Home::new("p").ts(1.0))).unwrap_err();
    assert_eq!(early.kind(), ErrorKind::InvalidArgument);
    assert!(early.to_string().contains("before"), "{early}");
    let mut empty = Engine::new();
    empty.add_person(Person::new("p-1", "full").unwrap()).unwrap();
    let err = empty.recommend_tier("p-1", None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("give the time to advise at"), "{err}");
    // With a time, a person without history gets the pilot's start.
    let a = empty.recommend_tier("p-1", Some(at())).unwrap();
    assert_eq!((a.tier, a.days), (anbu::TIER_START, 0));
}

fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("tests").join("shared").join("tiers")
}

/// The bindings' fixture: the persons' events, and the core's advice for each at `at`.
#[test]
fn the_bindings_fixture_matches_the_core() {
    let homes = homes();
    let engine = engine(&homes);
    let mut events: Vec<anbu::Event> = homes.iter().flat_map(|(h, _)| h.events.iter().cloned()).collect();
    events.sort_by_key(|e| e.ts);
    let mut jsonl = Vec::new();
    anbu::write_events_jsonl(&mut jsonl, &events).unwrap();
    let persons: Vec<anbu::PersonRecord> =
        homes.iter().map(|(h, p)| Person::new(h.id, p).unwrap().into()).collect::<Vec<_>>();
    let advice: Vec<TierAdvice> = homes.iter().map(|(h, _)| engine.recommend_tier(h.id, Some(at())).unwrap()).collect();
    let doc = serde_json::json!({ "at": at(), "persons": persons, "advice": advice });
    let mut json = serde_json::to_vec_pretty(&doc).unwrap();
    json.push(b'\n');
    let files = [("events.jsonl", jsonl), ("advice.json", json)];
    let regen = std::env::var_os("ANBU_REGEN_FIXTURES").is_some();
    for (name, bytes) in files {
        let path = shared_dir().join(name);
        if regen {
            std::fs::create_dir_all(shared_dir()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        assert!(
            std::fs::read(&path).ok().as_deref() == Some(bytes.as_slice()),
            "{} is out of date with the core; regenerate with `ANBU_REGEN_FIXTURES=1 cargo test -p anbu --test \
             integration tier::` and commit tests/shared/tiers",
            path.display()
        );
    }
}
