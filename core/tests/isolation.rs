//! Fault isolation (issue 17, part 1): one person's bad data affects that person only.

use anbu::{
    Action, Column, Engine, ErrorKind, Event, EventColumns, EventKind, HOUR_MS, Level, Person, Profile, ReasonKind,
    Signal, Timestamp,
};

fn t0() -> Timestamp {
    "2024-05-01T09:00:00+09:00".parse().unwrap()
}

fn at(h: i64) -> Timestamp {
    t0().plus_millis(h * HOUR_MS)
}

fn sos(person: &str, h: i64) -> Event {
    Event::new(person, at(h), None, EventKind::sos()).unwrap()
}

fn beat(person: &str, h: i64, device: &str) -> Event {
    Event::new(person, at(h), Some(device), EventKind::heartbeat()).unwrap()
}

fn engine(persons: &[&str]) -> Engine {
    let mut e = Engine::new();
    for p in persons {
        e.add_person(Person::new(p, "full").unwrap()).unwrap();
    }
    e
}

#[test]
fn one_person_ahead_does_not_blind_the_others() {
    let mut e = engine(&["p-1", "p-2"]);
    // p-1 pressed SOS; p-2's device clock says two and three days ahead (no clock was
    // given yet, so they are taken), which folds p-2's events past the evaluation time.
    e.ingest(sos("p-1", 0)).unwrap();
    e.ingest(beat("p-2", 48, "plug-1")).unwrap();
    e.ingest(beat("p-2", 72, "plug-1")).unwrap();
    let all = e.assess_all(at(1)).expect("every other person is assessed");
    assert_eq!(all.len(), 2);
    assert_eq!((all[0].person.as_str(), all[0].level, all[0].action), ("p-1", Level::Critical, Action::Dispatch));
    let p2 = &all[1];
    assert_eq!((p2.person.as_str(), p2.level, p2.action, p2.score), ("p-2", Level::Normal, Action::None, 0.0));
    assert_eq!(p2.reasons.len(), 1);
    assert_eq!(p2.reasons[0].kind, ReasonKind::Fault);
    assert!(p2.reasons[0].detail.starts_with("cannot assess this person now"), "{}", p2.reasons[0].detail);
    assert!(p2.reasons[0].detail.contains("p-2"), "{}", p2.reasons[0].detail);
    // Assessing p-2 alone still says why.
    assert_eq!(e.assess("p-2", at(1)).unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn an_event_too_far_ahead_is_refused_and_the_person_stays_watched() {
    let mut e = engine(&["p-1"]);
    e.set_clock(at(0));
    e.ingest(beat("p-1", 0, "plug-1")).unwrap();
    // A device reset to a year ahead.
    let err = e.ingest(beat("p-1", 8760, "door-9")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidEvent);
    let text = err.to_string();
    assert!(text.starts_with("field `ts`: "), "{text}");
    assert!(
        text.contains("8760.0 h ahead of the engine's clock") && text.contains("clock.max_ahead_h (2.0 h)"),
        "{text}"
    );
    assert!(text.contains("device `door-9`"), "{text}");
    // The lateness window did not move: the person's real events are still taken.
    for h in 1..=3 {
        e.set_clock(at(h));
        e.ingest(beat("p-1", h, "plug-1")).expect("a real event is not late");
    }
    let a = e.assess("p-1", at(3)).unwrap();
    let note = a.reasons.iter().find(|r| r.kind == ReasonKind::ClockAhead).expect("the device is named");
    assert_eq!(note.contribution, 0.0);
    assert!(note.detail.starts_with("device `door-9` sent an event dated up to 8760.0 h ahead"), "{}", note.detail);
    // Within the limit, an event ahead is taken; a day after the last refusal the note goes.
    e.ingest(beat("p-1", 4, "plug-1")).unwrap();
    let a = e.assess("p-1", at(30)).unwrap();
    assert!(a.reasons.iter().all(|r| r.kind != ReasonKind::ClockAhead));
}

#[test]
fn evaluation_times_are_not_the_clock_and_batches_refuse_atomically() {
    let mut e = engine(&["p-1", "p-2"]);
    // Buffered events may come long after an assessment: evaluation times set no clock.
    e.assess_all(at(0)).unwrap();
    assert_eq!(e.clock(), None);
    e.ingest(beat("p-2", 4, "plug-2")).unwrap();
    let mut e = engine(&["p-1", "p-2"]);
    e.set_clock(at(0));
    e.set_clock(at(-5));
    assert_eq!(e.clock(), Some(at(0)));
    let err = e.ingest_batch([beat("p-1", 1, "plug-1"), beat("p-2", 5, "plug-2")]).unwrap_err();
    assert!(err.to_string().starts_with("row 1: field `ts`: "), "{err}");
    // Nothing was taken: p-1's event at 1 h is still new.
    assert_eq!(e.ingest_batch([beat("p-1", 1, "plug-1")]).unwrap(), 1);
    // Columns say the same as events.
    let ts = [at(1).as_millis(), at(5).as_millis()];
    let batch = EventColumns::builder(&["p-1", "p-2"], &[0, 1], &ts, &[Signal::Heartbeat; 2])
        .device(&["plug-1", "plug-2"], Column::new(&[0, 1]))
        .build()
        .unwrap();
    let err = e.ingest_columns(&batch).unwrap_err();
    assert!(err.to_string().starts_with("row 1: field `ts`: "), "{err}");
}

#[test]
fn the_limit_is_a_profile_key() {
    let mut doc = serde_json::json!({ "name": "far", "clock": { "max_ahead_h": 24 } });
    let far = Profile::from_value(doc.clone()).unwrap();
    assert_eq!(far.clock.max_ahead_h, 24.0);
    let mut e = Engine::new();
    e.add_profile(far).unwrap();
    e.add_person(Person::new("p-1", "far").unwrap()).unwrap();
    e.set_clock(at(0));
    e.ingest(beat("p-1", 10, "plug-1")).expect("10 h ahead is within 24 h");
    assert!(e.ingest(beat("p-1", 30, "plug-1")).is_err());
    doc["clock"]["max_ahead_h"] = serde_json::json!(0);
    let err = Profile::from_value(doc).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidProfile);
    assert!(err.to_string().starts_with("profile `far`: key `clock.max_ahead_h`: "), "{err}");
    // Profiles written before the key load with the default.
    assert_eq!(Profile::builtin("full").unwrap().clock.max_ahead_h, 2.0);
}

#[test]
fn the_clock_and_a_device_running_ahead_survive_a_restart() {
    let mut e = engine(&["p-1"]);
    e.set_clock(at(0));
    e.ingest(beat("p-1", 0, "plug-1")).unwrap();
    assert_eq!(e.ingest(beat("p-1", 100, "door-1")).unwrap_err().kind(), ErrorKind::InvalidEvent);
    let mut back = Engine::restore(&e.snapshot()).unwrap();
    assert_eq!(back.clock(), Some(at(0)));
    // Still refused after the restart, and still reported.
    assert_eq!(back.ingest(beat("p-1", 100, "door-1")).unwrap_err().kind(), ErrorKind::InvalidEvent);
    let (a, b) = (e.assess("p-1", at(1)).unwrap(), back.assess("p-1", at(1)).unwrap());
    assert!(b.reasons.iter().any(|r| r.kind == ReasonKind::ClockAhead && r.detail.contains("door-1")), "{b:?}");
    let ahead = |x: &anbu::Assessment| x.reasons.iter().find(|r| r.kind == ReasonKind::ClockAhead).cloned();
    assert_eq!(ahead(&a).map(|r| r.kind), ahead(&b).map(|r| r.kind));
}

/// A replay of `events` at `clock`, by events and by columns (the same rows, checked).
fn replay_at(events: &[Event], persons: &[Person], clock: Timestamp) -> Vec<anbu::Assessment> {
    let options = anbu::ReplayOptions { clock: Some(clock), ..anbu::ReplayOptions::default() };
    let rows = anbu::replay(events.to_vec(), persons, &options).unwrap();
    let columns = anbu::OwnedColumns::of(events);
    let batch = columns.batch().unwrap();
    assert_eq!(anbu::replay_columns(&batch, persons, &options).unwrap(), rows);
    assert_eq!(anbu::replay_to_columns(&batch, persons, &options).unwrap().len(), rows.len());
    assert_eq!(anbu::check_replay_rows(events, persons, &options, u64::MAX).unwrap(), rows.len() as u64);
    rows
}

#[test]
fn a_replay_refuses_a_far_ahead_event_for_its_person_only() {
    let persons = ["p-1", "p-2"].map(|p| Person::new(p, "full").unwrap());
    let real = vec![sos("p-1", 0), beat("p-2", 0, "plug-1"), beat("p-2", 3, "plug-1"), beat("p-1", 5, "plug-9")];
    let clock = at(6);
    let clean = replay_at(&real, &persons, clock);
    assert_eq!(clean.len(), 12);
    // p-2's door sensor reset to 9999, and then to a year ahead; the replay's clock is at 6 h.
    let mut bad = real.clone();
    bad.insert(
        1,
        Event::new("p-2", "9999-01-01T00:00:00Z".parse().unwrap(), Some("door-9"), EventKind::heartbeat()).unwrap(),
    );
    bad.push(beat("p-2", 6 + 8760, "door-9"));
    let rows = replay_at(&bad, &persons, clock);
    // The same rows (the grid still ends at the last event taken), p-1's unchanged; each of
    // p-2's says which device runs ahead, as the engine's assessments do.
    assert_eq!(rows.len(), clean.len());
    assert_eq!(rows[..6], clean[..6]);
    for (row, clean) in rows[6..].iter().zip(&clean[6..]) {
        assert_eq!((row.level, row.action, row.score), (clean.level, clean.action, clean.score));
        let note = row.reasons.iter().find(|r| r.kind == ReasonKind::ClockAhead).expect("the device is named");
        assert_eq!(note.contribution, 0.0);
        assert!(note.detail.starts_with("device `door-9` sent 2 events dated up to 8760.0 h ahead"), "{}", note.detail);
    }
    // The engine, told the same clock, refuses the same events and says the same.
    let mut e = engine(&["p-1", "p-2"]);
    e.set_clock(clock);
    let taken: Vec<bool> = bad.iter().map(|ev| e.ingest(ev.clone()).is_ok()).collect();
    assert_eq!(taken, [true, false, true, true, true, false]);
    let live = e.assess("p-2", at(5)).unwrap();
    assert_eq!(
        live.reasons.iter().find(|r| r.kind == ReasonKind::ClockAhead),
        rows[11].reasons.iter().find(|r| r.kind == ReasonKind::ClockAhead)
    );
    // Within the profile's limit an event ahead of the clock is taken and stretches the grid.
    let mut near = real;
    near.push(beat("p-2", 7, "plug-1"));
    assert_eq!(replay_at(&near, &persons, clock).len(), 16);
}

#[test]
fn a_replay_of_data_dated_in_the_future_says_so_instead_of_returning_nothing() {
    // Every event a year after the replay's clock (a simulated future): an error that names
    // the clock, not an empty result; with a later clock, the rows.
    let persons = [Person::new("p-1", "full").unwrap()];
    let future = vec![beat("p-1", 8760, "plug-1"), beat("p-1", 8763, "plug-1")];
    let options = anbu::ReplayOptions { clock: Some(at(0)), ..anbu::ReplayOptions::default() };
    let err = anbu::replay(future.clone(), &persons, &options).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.to_string().contains("every event is dated too far after the replay's clock"), "{err}");
    assert_eq!(replay_at(&future, &persons, at(8763)).len(), 4);
}

#[test]
fn a_person_whose_every_event_runs_ahead_gets_rows_that_say_so() {
    // p-2's only device is a year ahead: in a replay where p-1 has rows, p-2 has rows over
    // the replay's grid too, each naming the device, rather than no rows at all.
    let persons = ["p-1", "p-2"].map(|p| Person::new(p, "full").unwrap());
    let events = vec![beat("p-1", 0, "plug-1"), beat("p-2", 8760, "door-9"), beat("p-1", 5, "plug-1")];
    let clock = at(6);
    let rows = replay_at(&events, &persons, clock);
    assert_eq!(rows.len(), 12, "six grid times for each");
    let (p1, p2) = rows.split_at(6);
    assert!(p1.iter().all(|r| r.person == "p-1" && r.reasons.iter().all(|r| r.kind != ReasonKind::ClockAhead)));
    // The same rows as a replay of p-1 alone.
    assert_eq!(p1, &replay_at(&[events[0].clone(), events[2].clone()], &persons[..1], clock)[..]);
    let mut e = engine(&["p-2"]);
    e.set_clock(clock);
    assert!(e.ingest(events[1].clone()).is_err());
    for (h, row) in p2.iter().enumerate() {
        assert_eq!((row.person.as_str(), row.at), ("p-2", at(h as i64)));
        let note = row.reasons.iter().find(|r| r.kind == ReasonKind::ClockAhead).expect("the device is named");
        assert!(note.detail.starts_with("device `door-9` sent an event dated up to 8754.0 h ahead"), "{}", note.detail);
        // As the engine, told the same clock, says of p-2.
        assert_eq!(
            Some(note),
            e.assess("p-2", row.at).unwrap().reasons.iter().find(|r| r.kind == ReasonKind::ClockAhead)
        );
    }
}
