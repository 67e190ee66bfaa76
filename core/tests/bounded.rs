//! Bounded resources (issue 17, part 2): memory proportional to the input, never to a time
//! span a bad value can inflate; sizes checked before anything is allocated for them.

use anbu::{
    Engine, ErrorKind, Event, EventKind, HOUR_MS, Person, ReplayOptions, Timestamp, replay, replay_columns,
    replay_to_columns,
};

fn t0() -> Timestamp {
    "2024-05-01T09:00:00+09:00".parse().unwrap()
}

fn persons() -> Vec<Person> {
    vec![Person::new("p-1", "full").unwrap(), Person::new("p-2", "full").unwrap()]
}

/// Replays `events` in all three ways; each must refuse with the same error. The replay's
/// clock is the last time there is, so that no event is refused as dated ahead of it.
fn replay_error(events: &[Event], every_ms: i64) -> anbu::Error {
    let clock = Some("9999-12-30T22:00:00Z".parse().unwrap());
    let options = ReplayOptions { every_ms, clock, ..ReplayOptions::default() };
    let err = replay(events.to_vec(), &persons(), &options).unwrap_err();
    let columns = anbu::OwnedColumns::of(events);
    let batch = columns.batch().unwrap();
    let other = replay_columns(&batch, &persons(), &options).unwrap_err();
    assert_eq!(other.to_string(), err.to_string());
    let other = replay_to_columns(&batch, &persons(), &options).unwrap_err();
    assert_eq!(other.to_string(), err.to_string());
    err
}

/// One event a millisecond after epoch 0 (p-1), and p-2's at `t0` and in 9999.
fn epoch_and_9999() -> Vec<Event> {
    let late: Timestamp = "9999-12-30T22:00:00Z".parse().unwrap();
    vec![
        Event::new("p-1", Timestamp::from_millis(1).unwrap(), None, EventKind::sos()).unwrap(),
        Event::new("p-2", t0(), None, EventKind::heartbeat()).unwrap(),
        Event::new("p-2", late, None, EventKind::heartbeat()).unwrap(),
    ]
}

#[test]
fn replay_refuses_a_span_a_bad_time_inflates_before_allocating() {
    // One event a millisecond after epoch 0 (a "missing" time off by one) and one in 9999:
    // 70 M hourly rows, which the replay used to allocate up front (5 GB) and abort on.
    let events = epoch_and_9999();
    let err = replay_error(&events, HOUR_MS);
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        err.to_string(),
        "argument `every`: 3600000 ms from person `p-1`'s first event (1970-01-01T00:00:00.001Z) to the input's \
         last (9999-12-30T22:00:00Z) gives 70389502 rows, 140302749 in all, over the limit of 10000000 assessment \
         rows per replay: check those times, or replay at a longer interval or fewer persons at a time"
    );
}

#[test]
fn a_bad_time_in_9999_is_refused_for_its_person_and_the_span_stays_bounded() {
    // The same input at the wall clock: the event in 9999 is dated ahead of it, refused for
    // p-2 only (as the engine refuses it), and no longer stretches every person's grid.
    let events = epoch_and_9999();
    let options = ReplayOptions { every_ms: anbu::DAY_MS, ..ReplayOptions::default() };
    let rows = replay(events.clone(), &persons(), &options).unwrap();
    // p-1: every day from epoch 0 to the last event taken (p-2's at t0); p-2: that one day.
    let days = t0().millis_since(events[0].ts) / anbu::DAY_MS + 1;
    assert_eq!(rows.len() as i64, days + 1);
    let p2 = rows.last().unwrap();
    assert_eq!((p2.person.as_str(), p2.at), ("p-2", t0()));
    assert!(p2.reasons.iter().any(|r| r.kind == anbu::ReasonKind::ClockAhead), "{p2:?}");
    let columns = anbu::OwnedColumns::of(&events);
    // The same rows by columns (the reason's text names the wall clock, so not compared).
    let key = |rows: &[anbu::Assessment]| -> Vec<_> {
        rows.iter().map(|a| (a.person.clone(), a.at, a.level, a.score)).collect()
    };
    assert_eq!(key(&replay_columns(&columns.batch().unwrap(), &persons(), &options).unwrap()), key(&rows));
    assert_eq!(anbu::check_replay_rows(&events, &persons(), &options, u64::MAX).unwrap(), rows.len() as u64);
}

#[test]
fn replay_refuses_a_fine_grid_over_a_long_span() {
    // A millisecond grid over two days (172.8 M rows) is refused as shorter than a minute
    // (MIN_EVERY_MS); the finest grid allowed, a minute, over twenty years is 10.5 M rows.
    let events = |hours: i64| -> Vec<Event> {
        [0, hours]
            .map(|h| Event::new("p-1", t0().plus_millis(h * HOUR_MS), None, EventKind::heartbeat()).unwrap())
            .into()
    };
    let err = replay_error(&events(48), 1);
    assert!(err.to_string().starts_with("argument `every`: 1 ms is shorter than 1 minute"), "{err}");
    let err = replay_error(&events(20 * 8766), anbu::MINUTE_MS);
    assert!(err.to_string().starts_with("argument `every`: 60000 ms from person `p-1`'s first event"), "{err}");
    assert!(err.to_string().contains("gives 10519201 rows"), "{err}");
}

#[test]
fn exact_repeats_of_waiting_events_are_not_stored() {
    // An SOS press and a registered absence wait in the lateness buffer; their devices are
    // not registered, so each waiting one keeps its device id. Repeats used to store the id
    // again each time the other event came between (90 MB for a million repeats).
    let person = Person::new("p-1", "full").unwrap();
    let sos = Event::new("p-1", t0(), None, EventKind::sos()).unwrap();
    let away =
        Event::new("p-1", t0().plus_millis(60_000), Some("app"), EventKind::away(t0().plus_millis(24 * HOUR_MS)))
            .unwrap();
    let repeats = 20_000;
    type Way<'a> = (&'a str, &'a dyn Fn(&mut Engine));
    let ways: [Way<'_>; 3] = [
        ("ingest", &|e: &mut Engine| {
            for _ in 0..repeats {
                e.ingest(sos.clone()).unwrap();
                e.ingest(away.clone()).unwrap();
            }
        }),
        ("ingest_batch", &|e: &mut Engine| {
            let batch = (0..repeats).flat_map(|_| [sos.clone(), away.clone()]);
            e.ingest_batch(batch).unwrap();
        }),
        ("ingest_columns", &|e: &mut Engine| {
            let events: Vec<Event> = (0..repeats).flat_map(|_| [sos.clone(), away.clone()]).collect();
            let columns = anbu::OwnedColumns::of(&events);
            e.ingest_columns(&columns.batch().unwrap()).unwrap();
        }),
    ];
    for (name, repeat) in ways {
        let mut engine = Engine::new();
        engine.add_person(person.clone()).unwrap();
        engine.ingest_batch([sos.clone(), away.clone()]).unwrap();
        let (bytes, snapshot) = (engine.state_bytes_per_person(), engine.snapshot());
        repeat(&mut engine);
        assert_eq!(engine.state_bytes_per_person(), bytes, "{name}: the repeats took memory");
        assert!(engine.snapshot() == snapshot, "{name}: the repeats changed the state");
    }
}

#[test]
fn events_out_of_order_leave_the_state_of_the_same_events_in_order() {
    // Steps readings 10 ms apart (all within the allowed lateness of an hour) in a shuffled
    // order: the lateness buffer (runs of at most 1,024 events, see `pending`) puts each in its
    // place. How fast (it used to be O(n²): 200,000 took seconds) is measured by the
    // `ingest/shuffled_*` benchmarks, not here.
    let event = |k: i64| {
        Event::new("p-1", t0().plus_millis(10 * k), Some("band"), EventKind::steps(1).with_interval_s(60)).unwrap()
    };
    let mut events: Vec<Event> = (0..20_000).map(event).collect();
    let mut x = 12_345u64;
    for i in (1..events.len()).rev() {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        events.swap(i, (x >> 33) as usize % (i + 1));
    }
    let ingest = |events: Vec<Event>| {
        let mut engine = Engine::new();
        engine.add_person(Person::new("p-1", "full").unwrap()).unwrap();
        for e in events {
            engine.ingest(e).unwrap();
        }
        engine
    };
    let (a, b) = (ingest(events), ingest((0..20_000).map(event).collect()));
    assert!(a.snapshot() == b.snapshot(), "the same events in another order left another state");
}
