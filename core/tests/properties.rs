//! Property tests of the engine's invariants.

use anbu::By;
use anbu::{
    AppAction, Assessment, CheckinOutcome, Direction, DoorState, Engine, EngineConfig, Event, EventKind, HOUR_MS,
    MINUTE_MS, Person, Profile, ReplayOptions, Timestamp, replay,
};
use proptest::prelude::*;

use crate::common;

const T0: i64 = 1_714_489_200_000; // 2024-05-01T00:00:00+09:00
const SPAN_H: i64 = 72;

fn kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        (any::<bool>(), any::<bool>())
            .prop_map(|(out, answered)| EventKind::call(if out { Direction::Out } else { Direction::In }, answered)),
        (0u32..400).prop_map(EventKind::steps),
        any::<bool>().prop_map(|o| EventKind::door(if o { DoorState::Open } else { DoorState::Closed })),
        (0u32..4, proptest::option::of(0u32..3))
            .prop_map(|(w, l)| EventKind::plug([0.5, 40.0, 85.0, 86.0][w as usize])
                .with_lux(l.map(|l| [5.0, 120.0, 400.0][l as usize]))),
        (0usize..5).prop_map(|a| EventKind::app(AppAction::ALL[a])),
        common::checkins(),
        Just(EventKind::sos()),
        Just(EventKind::heartbeat()),
        (0usize..4).prop_map(|w| EventKind::meter([60.0, 140.0, 450.0, 1500.0][w])),
        (0i64..48).prop_map(|h| EventKind::away(Timestamp::from_millis(T0 + h * HOUR_MS).unwrap())),
        (0usize..7, 0usize..5).prop_map(|(f, b)| EventKind::disposition(anbu::Finding::ALL[f])
            .with_by(anbu::FoundBy::ALL.get(b).copied().map(By::from))),
    ]
}

/// Each device reports the signals such a device reports (a phone: calls, steps, phone
/// use; a plug: readings and heartbeats; ...), with a second plug sometimes.
fn event() -> impl Strategy<Value = Event> {
    (0i64..SPAN_H * 60, kind(), any::<bool>()).prop_filter_map("valid", |(min, kind, second)| {
        let ts = Timestamp::from_millis(T0 + min * MINUTE_MS).ok()?;
        let device = match kind.signal() {
            anbu::Signal::Call | anbu::Signal::Steps | anbu::Signal::App => "phone",
            anbu::Signal::Plug | anbu::Signal::Heartbeat if second => "plug-lamp",
            anbu::Signal::Plug | anbu::Signal::Heartbeat => "plug-tv",
            anbu::Signal::Door => "door-front",
            anbu::Signal::Checkin => "checkin",
            anbu::Signal::Sos => "sos-button",
            anbu::Signal::Away => "away",
            anbu::Signal::Meter => "meter-home",
            anbu::Signal::Disposition => "visit",
        };
        let kind = match kind {
            EventKind::Away { until, .. } if until < ts => EventKind::away(ts),
            k => k,
        };
        Event::new("p", ts, Some(device), kind).ok()
    })
}

fn events(max: usize) -> impl Strategy<Value = Vec<Event>> {
    proptest::collection::vec(event(), 0..max).prop_map(|mut v| {
        v.sort_by_key(|e| e.ts);
        v
    })
}

fn engine(profile: &str, lateness_h: i64) -> Engine {
    let mut e = Engine::with_config(EngineConfig { allowed_lateness_ms: lateness_h * HOUR_MS }).unwrap();
    e.add_person(Person::new("p", profile).unwrap()).unwrap();
    e
}

fn at_end() -> Timestamp {
    Timestamp::from_millis(T0 + (SPAN_H + 6) * HOUR_MS).unwrap()
}

fn assess_after(mut e: Engine, evs: &[Event], at: Timestamp) -> Assessment {
    for ev in evs {
        e.ingest(ev.clone()).unwrap();
    }
    e.assess("p", at).unwrap()
}

fn profile() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("full"), Just("plug_only"), Just("call_only"), Just("call_app"), Just("call_iot")]
}

/// Events that show that the person did something, whatever came before.
fn sign_of_life(min: i64, which: usize) -> Event {
    let ts = Timestamp::from_millis(T0 + min * MINUTE_MS).unwrap();
    let (device, kind) = match which {
        0 => ("door-front", EventKind::door(DoorState::Open)),
        1 => ("phone", EventKind::call(Direction::Out, true)),
        2 => ("phone", EventKind::app(AppAction::Unlock)),
        3 => ("checkin", EventKind::checkin(CheckinOutcome::Answered)),
        _ => ("phone", EventKind::steps(500)),
    };
    Event::new("p", ts, Some(device), kind).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Under the fixed rules, a new sign of life (at or after everything known so far)
    /// never raises the score. (Under learned routines a sign of life also teaches the
    /// routine what is normal, which may make the hours after it more telling; a sign of
    /// life in the past may raise the score for the same reason. And a sign of life from a
    /// phone that then goes dark turns the phone's silence from a fault into the person's
    /// silence: the phone going dark was the field case that mattered most. And a sign of
    /// life ends what a disposition left open until one, an absence (`away`, `hospital`) or
    /// devices reported faulty (`device_fault`): the silence after it counts again.)
    #[test]
    fn a_sign_of_life_never_raises_the_score(evs in events(60), profile in profile(), min in 0i64..SPAN_H * 60, which in 0usize..5) {
        let open_until_life = |e: &Event| {
            matches!(
                e.kind,
                EventKind::Disposition {
                    finding: anbu::Finding::Away | anbu::Finding::Hospital | anbu::Finding::DeviceFault,
                    ..
                }
            )
        };
        let evs: Vec<Event> = evs.into_iter().filter(|e| !open_until_life(e)).collect();
        prop_assume!(!evs.is_empty());
        let last = evs[evs.len() - 1].ts.as_millis();
        let life = sign_of_life(min.max((last - T0) / MINUTE_MS + 1), [0, 3][which % 2]);
        let at = at_end();
        let fixed = |p: &str| {
            let mut e = Engine::new();
            let mut prof = Profile::builtin(p).unwrap();
            prof.name = format!("{p}_fixed");
            prof.routine.mode = anbu::SilenceMode::Fixed;
            e.add_profile(prof).unwrap();
            e.add_person(Person::new("p", &format!("{p}_fixed")).unwrap()).unwrap();
            e
        };
        let base = assess_after(fixed(profile), &evs, at);
        let mut with = evs.clone();
        with.push(life);
        with.sort_by_key(|a| a.ts);
        let more = assess_after(fixed(profile), &with, at);
        prop_assert!(more.score <= base.score, "{} -> {}\n{:#?}\n{:#?}", base.score, more.score, base.reasons, more.reasons);
    }

    #[test]
    fn any_order_within_the_lateness_gives_the_same_assessments(evs in events(80), jitter in proptest::collection::vec(0i64..=60, 80), profile in profile()) {
        let in_order = assess_after(engine(profile, 1), &evs, at_end());
        // Arrival order: each event delayed by up to the allowed lateness (one hour).
        let mut arrival: Vec<(i64, Event)> = evs.iter().cloned().zip(jitter).map(|(e, j)| (e.ts.as_millis() + j * MINUTE_MS, e)).collect();
        arrival.sort_by_key(|(t, _)| *t);
        let shuffled: Vec<Event> = arrival.into_iter().map(|(_, e)| e).collect();
        let reordered = assess_after(engine(profile, 1), &shuffled, at_end());
        prop_assert_eq!(in_order, reordered);
    }

    #[test]
    fn ingesting_an_event_twice_changes_nothing(evs in events(60), profile in profile()) {
        let once = assess_after(engine(profile, 1), &evs, at_end());
        let twice: Vec<Event> = evs.iter().flat_map(|e| [e.clone(), e.clone()]).collect();
        let doubled = assess_after(engine(profile, 1), &twice, at_end());
        prop_assert_eq!(once, doubled);
    }

    #[test]
    fn restore_of_a_snapshot_assesses_like_the_original(evs in events(60), split in 0usize..60, profile in profile()) {
        let split = split.min(evs.len());
        let mut original = engine(profile, 1);
        for e in &evs[..split] {
            original.ingest(e.clone()).unwrap();
        }
        let mut restored = Engine::restore(&original.snapshot()).unwrap();
        for e in &evs[split..] {
            original.ingest(e.clone()).unwrap();
            restored.ingest(e.clone()).unwrap();
        }
        for h in [SPAN_H, SPAN_H + 3, SPAN_H + 30] {
            let at = Timestamp::from_millis(T0 + h * HOUR_MS).unwrap();
            prop_assert_eq!(original.assess("p", at).unwrap(), restored.assess("p", at).unwrap());
        }
        prop_assert_eq!(original.snapshot(), restored.snapshot());
    }

    /// A restart changes no decision: an engine that is assessed as it goes (so that it holds
    /// levels and the call-first clock), stopped at random points, snapshotted and restored
    /// into a fresh engine, then fed the rest, gives every later assessment (level, action,
    /// score, reasons) exactly as an engine that never stopped. Readings are any watts, as
    /// devices send them.
    #[test]
    fn restore_then_continue_equals_never_stopped(
        evs in events(80),
        watts in proptest::collection::vec(0.0f64..5000.0, 80),
        every_h in 1i64..5,
        stops in proptest::collection::vec(0usize..40, 1..4),
        profile in profile(),
    ) {
        let evs: Vec<Event> = evs.into_iter().zip(watts).map(|(e, w)| match e.kind {
            EventKind::Plug { lux, .. } => Event::new("p", e.ts, Some(e.device()), EventKind::plug(w).with_lux(lux)).unwrap(),
            EventKind::Meter { .. } => Event::new("p", e.ts, Some(e.device()), EventKind::meter(w)).unwrap(),
            _ => e,
        }).collect();
        let mut never = engine(profile, 1);
        let mut restarted = engine(profile, 1);
        let mut next = 0;
        for (step, h) in (0..SPAN_H + 30).step_by(every_h as usize).enumerate() {
            let at = Timestamp::from_millis(T0 + h * HOUR_MS).unwrap();
            while next < evs.len() && evs[next].ts <= at {
                never.ingest(evs[next].clone()).unwrap();
                restarted.ingest(evs[next].clone()).unwrap();
                next += 1;
            }
            if stops.contains(&step) {
                restarted = Engine::restore(&restarted.snapshot()).unwrap();
            }
            prop_assert_eq!(never.assess("p", at).unwrap(), restarted.assess("p", at).unwrap(), "at {} h", h);
        }
        let text = |e: &Engine| String::from_utf8_lossy(&e.snapshot()).into_owned();
        prop_assert_eq!(text(&never), text(&restarted));
    }

    #[test]
    fn replay_matches_the_streaming_engine(evs in events(60), profile in profile()) {
        prop_assume!(!evs.is_empty());
        let persons = [Person::new("p", profile).unwrap()];
        let rows = replay(evs.clone(), &persons, &ReplayOptions { threads: 1, ..ReplayOptions::default() }).unwrap();
        let mut e = engine(profile, 0);
        let mut next = 0;
        for row in &rows {
            while next < evs.len() && evs[next].ts <= row.at {
                e.ingest(evs[next].clone()).unwrap();
                next += 1;
            }
            prop_assert_eq!(&e.assess("p", row.at).unwrap(), row);
        }
    }

    #[test]
    fn scores_stay_in_range_and_levels_follow_the_cut_offs(evs in events(60), profile in profile(), h in 0i64..200) {
        let at = Timestamp::from_millis(T0 + h * HOUR_MS).unwrap();
        let evs: Vec<Event> = evs.into_iter().filter(|e| e.ts <= at).collect();
        let a = assess_after(engine(profile, 0), &evs, at);
        prop_assert!((0.0..=100.0).contains(&a.score));
        let p = Profile::builtin(profile).unwrap();
        let expected = if a.score >= p.levels.critical { anbu::Level::Critical }
            else if a.score >= p.levels.warning { anbu::Level::Warning }
            else if a.score >= p.levels.watch { anbu::Level::Watch } else { anbu::Level::Normal };
        prop_assert_eq!(a.level, expected);
    }

    #[test]
    fn the_profile_loaders_never_panic(text in ".{0,300}") {
        let _ = Profile::from_json(&text);
        let _ = Profile::from_toml(&text);
    }

    #[test]
    fn profile_documents_with_odd_values_never_panic(key in "[a-z_.]{1,30}", value in prop_oneof![
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        any::<i64>().prop_map(|i| serde_json::json!(i)),
        ".{0,20}".prop_map(|s| serde_json::json!(s)),
        Just(serde_json::json!(null)),
        Just(serde_json::json!([])),
    ]) {
        let mut doc = serde_json::json!({"name": "x"});
        let mut slot = &mut doc;
        for part in key.split('.').filter(|p| !p.is_empty()) {
            slot = &mut slot[part];
        }
        *slot = value;
        let _ = Profile::from_value(doc);
    }

    #[test]
    fn snapshot_restore_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Engine::restore(&bytes);
        let mut framed = anbu::SNAPSHOT_MAGIC.to_vec();
        framed.extend_from_slice(&1u32.to_le_bytes());
        framed.extend_from_slice(&bytes);
        let _ = Engine::restore(&framed);
    }
}

/// Answers every automatic check-in call.
struct AlwaysAnswers;

impl anbu::CheckinResponder for AlwaysAnswers {
    fn answer(&self, _: &str, _: Timestamp) -> Option<CheckinOutcome> {
        Some(CheckinOutcome::Answered)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// An automatic call goes first: when every call it asks for is answered, nobody is raised
    /// to `warning` (the caseworker) without a check-in call missed since their last sign of
    /// life (the daily calls of the simulated service may be missed).
    #[test]
    fn with_every_call_answered_a_warning_needs_a_missed_call(seed in 0u64..10_000) {
        let cohort = anbu::sim::simulate(&anbu::sim::SimConfig {
            persons: 25, days: 35, seed, incident_share: 0.0, ..anbu::sim::SimConfig::default()
        });
        let rows = anbu::replay_closed_loop(
            cohort.events, &cohort.persons, &ReplayOptions::default(), &AlwaysAnswers, anbu::CallPolicy::default(),
        ).unwrap();
        prop_assert!(rows.iter().any(|a| a.action == anbu::Action::CheckinCall), "no call was ever asked for");
        // The first assessment of every warning episode (rows come in person, time order).
        let raised = rows.windows(2).filter(|w| {
            w[1].level >= anbu::Level::Warning && (w[0].person != w[1].person || w[0].level < anbu::Level::Warning)
        });
        for w in raised {
            prop_assert!(w[1].reasons.iter().any(|r| r.kind == anbu::ReasonKind::MissedCheckins), "{:?}", w[1]);
        }
    }
}
