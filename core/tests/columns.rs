//! Property tests of columnar batches: a batch is checked exactly as its rows' records are,
//! and ingesting or replaying it gives exactly what its events give.

use anbu::{
    AppAction, AssessmentColumns, By, CheckinOutcome, Column, ConcernCategory, Direction, DoorState, Engine,
    EngineConfig, Event, EventColumns, EventKind, EventRecord, Finding, HOUR_MS, Location, MINUTE_MS, OwnedColumns,
    Person, ReplayOptions, Signal, Timestamp, replay, replay_columns, replay_to_columns,
};
use proptest::prelude::*;

use crate::common;

const T0: i64 = 1_714_489_200_000; // 2024-05-01T00:00:00+09:00
const SPAN_H: i64 = 72;
const PERSONS: [&str; 3] = ["p", "q", "r"];

fn code(dict: &mut Vec<String>, id: &str) -> u32 {
    match dict.iter().position(|d| d == id) {
        Some(i) => i as u32,
        None => {
            dict.push(id.to_string());
            dict.len() as u32 - 1
        }
    }
}

/// Columns of records (each with a person, a time and a signal).
fn of_records(records: &[EventRecord]) -> OwnedColumns {
    let mut c = OwnedColumns::default();
    for r in records {
        let p = code(&mut c.names, r.person.as_deref().unwrap_or("p"));
        let d = r.device.as_deref().map(|d| code(&mut c.device_names, d));
        c.push(p, r.ts.map_or(T0, Timestamp::as_millis), r.signal.unwrap_or(Signal::Sos), d, r);
    }
    c
}

fn kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        (any::<bool>(), any::<bool>(), proptest::option::of(0u32..600)).prop_map(|(out, answered, d)| {
            EventKind::call(if out { Direction::Out } else { Direction::In }, answered)
                .with_duration_s(d.map(f64::from))
        }),
        (0u32..400, prop_oneof![Just(3600u32), Just(900)])
            .prop_map(|(steps, interval_s)| EventKind::steps(steps).with_interval_s(interval_s)),
        any::<bool>().prop_map(|o| EventKind::door(if o { DoorState::Open } else { DoorState::Closed })),
        (0u32..5, proptest::option::of(0u32..3))
            .prop_map(|(w, l)| EventKind::plug([0.5, 40.0, 85.0, 86.0, -0.0][w as usize])
                .with_lux(l.map(|l| [5.0, 120.0, 0.0][l as usize]))),
        (0usize..5).prop_map(|a| EventKind::app(AppAction::ALL[a])),
        common::checkins(),
        Just(EventKind::sos()),
        Just(EventKind::heartbeat()),
        (0usize..4).prop_map(|w| EventKind::meter([60.0, 140.0, 1500.0, -0.0][w])),
        (0i64..48).prop_map(|h| EventKind::away(Timestamp::from_millis(T0 + h * HOUR_MS).unwrap())),
        (0usize..7, 0usize..5)
            .prop_map(|(f, b)| EventKind::disposition(Finding::ALL[f])
                .with_by(anbu::FoundBy::ALL.get(b).copied().map(By::from))),
    ]
}

/// An event of one of three persons, from the devices such events come from (a device id
/// given or defaulted, a second plug sometimes, an odd id for an absence or SOS).
fn event() -> impl Strategy<Value = Event> {
    (0i64..SPAN_H * 60, kind(), 0usize..3, 0u8..4).prop_filter_map("valid", |(min, kind, p, dev)| {
        let ts = Timestamp::from_millis(T0 + min * MINUTE_MS).ok()?;
        let device = match (kind.signal(), dev) {
            (_, 0) => None,
            (Signal::Call | Signal::Steps | Signal::App, _) => Some("phone"),
            (Signal::Plug | Signal::Heartbeat, 1) => Some("plug-lamp"),
            (Signal::Plug | Signal::Heartbeat, _) => Some("plug-tv"),
            (Signal::Door, _) => Some("door-front"),
            (Signal::Meter, _) => Some("meter-home"),
            (Signal::Checkin, _) => Some("checkin"),
            (Signal::Sos | Signal::Away, 1) => Some("button-a"),
            (Signal::Sos | Signal::Away, _) => Some("button-b"),
            (Signal::Disposition, _) => Some("visit"),
        };
        let kind = match kind {
            EventKind::Away { until, .. } if until < ts => EventKind::away(ts),
            k => k,
        };
        Event::new(PERSONS[p], ts, device, kind).ok()
    })
}

/// Events in time order, some arriving up to `jitter_min` minutes late (and some twice).
fn arrivals(max: usize, jitter_min: i64) -> impl Strategy<Value = Vec<Event>> {
    (proptest::collection::vec((event(), 0..=jitter_min, 0u8..10), 0..max)).prop_map(|v| {
        let mut a: Vec<(i64, Event)> = Vec::new();
        for (e, j, twice) in v {
            let at = e.ts.as_millis() + j * MINUTE_MS;
            if twice == 0 {
                a.push((at + 1, e.clone()));
            }
            a.push((at, e));
        }
        a.sort_by_key(|(t, _)| *t);
        a.into_iter().map(|(_, e)| e).collect()
    })
}

fn profile() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("full"), Just("plug_only"), Just("call_only"), Just("call_app"), Just("call_iot")]
}

fn engine(profile: &str, lateness_min: i64) -> Engine {
    let mut e = Engine::with_config(EngineConfig { allowed_lateness_ms: lateness_min * MINUTE_MS }).unwrap();
    for p in PERSONS {
        e.add_person(Person::new(p, profile).unwrap()).unwrap();
    }
    e
}

/// Values and validity of an optional column.
fn split<T: Copy + Default>(v: &[Option<T>]) -> (Vec<T>, Vec<bool>) {
    (v.iter().map(|x| x.unwrap_or_default()).collect(), v.iter().map(Option::is_some).collect())
}

/// A field of a record set to an odd (often invalid) value, or cleared.
fn mutation() -> impl Strategy<Value = (usize, u8)> {
    (0usize..18, 0u8..6)
}

fn mutate(r: &mut EventRecord, (field, v): (usize, u8)) {
    let f = [-3.0, f64::NAN, f64::INFINITY, 0.0, -0.0, 12.5][v as usize];
    let t = |h: i64| Timestamp::from_millis(T0 + h * HOUR_MS).ok();
    match field {
        0 => {
            r.person = [None, Some("010-1234-5678".into()), Some(" ".into()), Some("q".into())][v as usize % 4].clone()
        }
        1 => r.ts = [None, t(1), t(0)][v as usize % 3],
        2 => r.signal = if v == 0 { None } else { Some(Signal::ALL[v as usize % 9]) },
        3 => {
            r.device =
                [None, Some(String::new()), Some("x\u{7}".into()), Some("plug-tv".into())][v as usize % 4].clone()
        }
        4 => r.direction = [None, Some(Direction::In)][v as usize % 2],
        5 => r.answered = [None, Some(true)][v as usize % 2],
        6 => r.duration_s = (v > 0).then_some(f),
        7 => r.steps = [None, Some(0), Some(500)][v as usize % 3],
        8 => r.interval_s = [None, Some(0), Some(60)][v as usize % 3],
        9 => r.state = [None, Some(DoorState::Closed)][v as usize % 2],
        10 => r.watts = (v > 0).then_some(f),
        11 => r.lux = (v > 0).then_some(f),
        12 => r.action = [None, Some(AppAction::Data)][v as usize % 2],
        13 => r.outcome = [None, Some(CheckinOutcome::Concern)][v as usize % 2],
        14 => r.until = [None, t(-1), t(80)][v as usize % 3],
        15 => r.category = [None, Some(ConcernCategory::Pain)][v as usize % 2],
        16 => r.finding = [None, Some(Finding::Unreachable)][v as usize % 2],
        // A value of either signal's vocabulary, so that one on the other signal is refused.
        _ => r.by = [None, Some(By::Staff), Some(By::Rescue), Some(By::Auto)][v as usize % 4],
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// A batch is refused exactly when one of its rows' records is, with that record's
    /// error at the row's index; otherwise its rows are the records' events.
    #[test]
    fn columns_are_checked_as_records_are(
        rows in proptest::collection::vec((event(), proptest::collection::vec(mutation(), 0..3)), 0..30)
    ) {
        let records: Vec<EventRecord> = rows
            .into_iter()
            .map(|(e, muts)| {
                let mut r = e.to_record();
                for m in muts {
                    mutate(&mut r, m);
                }
                r
            })
            .collect();
        // Columns always carry a person, a time and a signal.
        let records: Vec<EventRecord> =
            records.into_iter().filter(|r| r.person.is_some() && r.ts.is_some() && r.signal.is_some()).collect();
        let expected: Result<Vec<Event>, String> = records
            .iter()
            .enumerate()
            .map(|(i, r)| r.clone().into_event().map_err(|e| e.at(Location::Index(i as u64)).to_string()))
            .collect();
        let cols = of_records(&records);
        let got = cols.batch().map(|b| b.to_events()).map_err(|e| e.to_string());
        prop_assert_eq!(got, expected);
    }

    /// Ingesting a batch as columns is ingesting its events: the same result (taken or the
    /// same error), the same state to the byte, the same assessments.
    #[test]
    fn ingest_columns_is_ingest_batch(
        (evs, lateness) in prop_oneof![
            // Within the lateness: every event is taken.
            (arrivals(80, 50), Just(60i64)),
            // Later than the lateness: batches are refused.
            (arrivals(80, 90), Just(60i64)),
            (arrivals(40, 30), Just(0i64)),
        ],
        profile in profile(),
        split in 0usize..80,
    ) {
        let split = split.min(evs.len());
        let mut by_event = engine(profile, lateness);
        let mut by_columns = engine(profile, lateness);
        for part in [&evs[..split], &evs[split..]] {
            let cols = OwnedColumns::of(part);
            let batch = cols.batch().unwrap();
            prop_assert_eq!(&batch.to_events(), part);
            let a = by_event.ingest_batch(part.to_vec()).map_err(|e| e.to_string());
            let b = by_columns.ingest_columns(&batch).map_err(|e| e.to_string());
            prop_assert_eq!(a, b);
            prop_assert_eq!(by_event.snapshot(), by_columns.snapshot());
        }
        let at = Timestamp::from_millis(T0 + (SPAN_H + 6) * HOUR_MS).unwrap();
        prop_assert_eq!(by_event.assess_all(at).unwrap(), by_columns.assess_all(at).unwrap());
    }

    /// One event at a time, the engine takes what a batch of one takes.
    #[test]
    fn ingest_one_by_one_is_ingest_columns(evs in arrivals(60, 45), profile in profile()) {
        let mut by_event = engine(profile, 60);
        let mut by_columns = engine(profile, 60);
        for e in &evs {
            let cols = OwnedColumns::of(std::slice::from_ref(e));
            let a = by_event.ingest(e.clone()).map(|_| 1).map_err(|e| e.to_string());
            let b = by_columns.ingest_columns(&cols.batch().unwrap()).map_err(|e| e.to_string().replace("row 0: ", ""));
            prop_assert_eq!(a, b);
        }
        prop_assert_eq!(by_event.snapshot(), by_columns.snapshot());
    }

    /// Replaying a batch as columns gives exactly the rows of replaying its events, and
    /// replaying it into columns gives those rows as columns.
    #[test]
    fn replay_columns_is_replay(evs in arrivals(80, 600), profile in profile(), threads in 1usize..4) {
        let persons: Vec<Person> = PERSONS.iter().map(|p| Person::new(p, profile).unwrap()).collect();
        let options = ReplayOptions { threads, ..ReplayOptions::default() };
        let cols = OwnedColumns::of(&evs);
        let rows = replay_columns(&cols.batch().unwrap(), &persons, &options).unwrap();
        let table = replay_to_columns(&cols.batch().unwrap(), &persons, &options).unwrap();
        prop_assert_eq!(&table, &AssessmentColumns::of(&rows));
        prop_assert_eq!(rows, replay(evs, &persons, &options).unwrap());
    }

    /// No input makes the columnar path panic: odd codes, lengths, times and values.
    #[test]
    fn columns_never_panic(
        person in proptest::collection::vec(0u32..5, 0..12),
        ts in proptest::collection::vec(prop_oneof![Just(-1i64), Just(T0), Just(T0 + HOUR_MS), any::<i64>()], 0..12),
        signal in proptest::collection::vec(0usize..9, 0..12),
        device in proptest::collection::vec(proptest::option::of(0u32..4), 0..12),
        watts in proptest::collection::vec(proptest::option::of(prop_oneof![Just(1.0), Just(-1.0), any::<f64>()]), 0..12),
        until in proptest::collection::vec(proptest::option::of(any::<i64>()), 0..12),
        steps in proptest::collection::vec(proptest::option::of(any::<u32>()), 0..12),
    ) {
        let names = ["p", "q", "010-1234-5678"];
        let devices = ["plug-tv", "", "phone"];
        let signal: Vec<Signal> = signal.into_iter().map(|s| Signal::ALL[s]).collect();
        let (d, dv): (Vec<u32>, _) = split(&device);
        let (w, wv): (Vec<f64>, _) = split(&watts);
        let (u, uv): (Vec<i64>, _) = split(&until);
        let (s, sv): (Vec<u32>, _) = split(&steps);
        let built = EventColumns::builder(&names, &person, &ts, &signal)
            .device(&devices, Column::with_validity(&d, &dv))
            .watts(Column::with_validity(&w, &wv))
            .until(Column::with_validity(&u, &uv))
            .steps(Column::with_validity(&s, &sv))
            .build();
        if let Ok(batch) = built {
            let mut e = engine("full", 60);
            let before = e.snapshot();
            if e.ingest_columns(&batch).is_err() {
                prop_assert_eq!(before, e.snapshot());
            }
            let persons: Vec<Person> = PERSONS.iter().map(|p| Person::new(p, "full").unwrap()).collect();
            let _ = replay_columns(&batch, &persons, &ReplayOptions { every_ms: 6 * HOUR_MS, ..ReplayOptions::default() });
        }
    }
}

#[test]
fn a_refused_batch_changes_nothing_and_names_its_row() {
    let mut e = engine("full", 60);
    let t = |min: i64| T0 + min * MINUTE_MS;
    let names = ["p", "q"];
    let (person, ts, signal) = ([0, 1, 0], [t(0), t(5), t(200)], [Signal::Sos; 3]);
    e.ingest_columns(&EventColumns::builder(&names, &person, &ts, &signal).build().unwrap()).unwrap();
    let before = e.snapshot();
    // Row 2 is more than the hour of lateness behind p's newest event.
    let (person, ts) = ([1, 1, 0], [t(6), t(7), t(100)]);
    let batch = EventColumns::builder(&names, &person, &ts, &signal).build().unwrap();
    let err = e.ingest_columns(&batch).unwrap_err();
    assert_eq!(err.kind(), anbu::ErrorKind::LateEvent);
    assert!(err.to_string().starts_with("row 2: event for person `p` at"), "{err}");
    assert_eq!(e.snapshot(), before);
    // An unknown person is refused too.
    let late = [t(300)];
    let batch = EventColumns::builder(&["nobody"], &[0], &late, &[Signal::Sos]).build().unwrap();
    assert_eq!(e.ingest_columns(&batch).unwrap_err().kind(), anbu::ErrorKind::UnknownPerson);
    assert_eq!(e.snapshot(), before);
}

#[test]
fn a_batch_past_the_device_cap_is_refused_whole() {
    let mut e = engine("full", 60);
    let devices: Vec<String> = (0..40).map(|i| format!("plug-{i}")).collect();
    let codes: Vec<u32> = (0..40).collect();
    let ts: Vec<i64> = (0..40).map(|i| T0 + i * MINUTE_MS).collect();
    let batch = EventColumns::builder(&["p"], &[0; 40], &ts, &[Signal::Heartbeat; 40])
        .device(&devices, Column::new(&codes))
        .build()
        .unwrap();
    let before = e.snapshot();
    let err = e.ingest_columns(&batch).unwrap_err().to_string();
    assert_eq!(
        err,
        "row 32: field `device`: person `p` already has 32 devices, the most one person may have: `plug-32` would be one more"
    );
    assert_eq!(e.snapshot(), before);
    let events = batch.to_events();
    assert_eq!(e.ingest_batch(events.clone()).unwrap_err().to_string(), err);
    assert_eq!(e.ingest_batch(events[..32].to_vec()).unwrap(), 32);
}

#[test]
fn replay_columns_names_the_row_of_a_person_not_listed() {
    let (person, ts, signal) = ([0, 1], [T0, T0], [Signal::Sos; 2]);
    let batch = EventColumns::builder(&["p", "z"], &person, &ts, &signal).build().unwrap();
    let persons = [Person::new("p", "full").unwrap()];
    let err = replay_columns(&batch, &persons, &ReplayOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "row 1: field `person`: `z` is not in persons");
    assert_eq!(
        replay(batch.to_events(), &persons, &ReplayOptions::default()).unwrap_err().to_string(),
        err.to_string()
    );
}

#[test]
fn a_large_device_dictionary_ingests_as_events_do() {
    // More device ids than rows: the engine keeps its per-person device codes in lists.
    let devices: Vec<String> = (0..6000).map(|i| format!("plug-{i}")).collect();
    let rows = 300;
    let person: Vec<u32> = (0..rows).map(|i| (i % 3) as u32).collect();
    let ts: Vec<i64> = (0..rows).map(|i| T0 + i as i64 * MINUTE_MS).collect();
    let device: Vec<u32> = (0..rows).map(|i| ((i * 7919) % 6000 % 40) as u32 * 150).collect();
    let watts: Vec<f64> = (0..rows).map(|i| (i % 4) as f64 * 30.0).collect();
    let batch = EventColumns::builder(&PERSONS, &person, &ts, &[Signal::Plug; 300])
        .device(&devices, Column::new(&device))
        .watts(Column::new(&watts))
        .build()
        .unwrap();
    let (mut a, mut b) = (engine("full", 60), engine("full", 60));
    let ra = a.ingest_batch(batch.to_events()).map_err(|e| e.to_string());
    assert_eq!(ra, b.ingest_columns(&batch).map_err(|e| e.to_string()));
    assert_eq!(a.snapshot(), b.snapshot());
}

#[test]
fn a_large_batch_checked_in_parts_names_its_first_bad_row() {
    // Past a million rows the check runs on every core, in parts; the error is still the
    // first bad row's, wherever the parts begin.
    let rows = 1_200_000;
    let person = vec![0u32; rows];
    let ts: Vec<i64> = (0..rows).map(|i| T0 + i as i64 * 1000).collect();
    let steps = vec![100u32; rows];
    let signal = vec![Signal::Steps; rows];
    let mut interval = vec![600u32; rows];
    let build = |interval: &[u32]| {
        EventColumns::builder(&["p"], &person, &ts, &signal)
            .steps(Column::new(&steps))
            .interval_s(Column::new(interval))
            .build()
            .map(|b| b.len())
    };
    assert_eq!(build(&interval).unwrap(), rows);
    interval[1_100_000] = 0;
    let late = build(&interval).unwrap_err().to_string();
    assert!(late.starts_with("row 1100000: field `interval_s`"), "{late}");
    interval[400_000] = 0;
    let err = build(&interval).unwrap_err().to_string();
    assert!(err.starts_with("row 400000: field `interval_s`"), "{err}");
}

/// A replay of events enough to be coded in parts on every core gives the rows of one core
/// (and of the same events as columns), and its error names the first event, in input order,
/// of a person not listed.
#[test]
fn a_large_replay_coded_on_every_core_gives_the_rows_of_one() {
    let cohort = anbu::sim::simulate(&anbu::sim::SimConfig { persons: 200, days: 9, ..Default::default() });
    assert!(cohort.events.len() > 120_000, "{}", cohort.events.len());
    let options = |threads| ReplayOptions { every_ms: 6 * HOUR_MS, threads, ..ReplayOptions::default() };
    let one = replay(cohort.events.clone(), &cohort.persons, &options(1)).unwrap();
    assert!(one.len() > 5000, "{}", one.len());
    for threads in [2, 3] {
        assert_eq!(replay(cohort.events.clone(), &cohort.persons, &options(threads)).unwrap(), one, "{threads}");
    }
    let columns = OwnedColumns::of(&cohort.events);
    assert_eq!(replay_columns(&columns.batch().unwrap(), &cohort.persons, &options(2)).unwrap(), one);
    for threads in [1, 2, 3] {
        let table = replay_to_columns(&columns.batch().unwrap(), &cohort.persons, &options(threads)).unwrap();
        assert_eq!(table, AssessmentColumns::of(&one), "{threads}");
    }
    let stranger = |e: &Event| Event::new("stranger", e.ts, None, EventKind::sos()).unwrap();
    let n = cohort.events.len();
    // One stranger in a later part; then one in the first part and one in the last.
    for (strangers, named) in [(vec![n * 3 / 4], n * 3 / 4), (vec![n - 10, n / 4], n / 4)] {
        let mut events = cohort.events.clone();
        for i in strangers {
            events[i] = stranger(&events[i]);
        }
        for threads in [1, 2, 3] {
            let err = replay(events.clone(), &cohort.persons, &options(threads)).unwrap_err().to_string();
            assert_eq!(err, format!("row {named}: field `person`: `stranger` is not in persons"), "{threads}");
        }
    }
}
