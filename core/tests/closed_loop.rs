//! Closed-loop replays with the responders the bindings expose: an answer rate, a simulated
//! cohort as data, the sequential path, and a responder that fails.

use crate::common;

use anbu::sim::{SimConfig, simulate};
use anbu::{
    Action, AnswerRate, CallPolicy, CheckinOutcome, CheckinResponder, HOUR_MS, Level, Person, ReplayOptions,
    ResponderSpec, Timestamp, Value, replay, replay_closed_loop, replay_closed_loop_sequential,
};
use common::Home;

/// Three ordinary days, then the person falls silent (the TV off, nothing else) for two days.
fn silent_home() -> (Home, Person) {
    let mut home = Home::new("p-silent");
    for d in 0..3 {
        home.ordinary_day(d, true, true);
    }
    // A last reading two days later marks the end of the replay.
    home.plug(72.0, 120.0, |_| 0.5);
    let person = Person::new("p-silent", "call_iot").unwrap().with_devices("plug,door,phone,checkin").unwrap();
    (home, person)
}

fn worst(rows: &[anbu::Assessment]) -> (Level, Action) {
    let level = rows.iter().map(|a| a.level).max().unwrap();
    let action = rows.iter().map(|a| a.action).max().unwrap();
    (level, action)
}

#[test]
fn answered_calls_hold_silence_at_watch_and_missed_ones_escalate() {
    let (home, person) = silent_home();
    let persons = [person];
    let options = ReplayOptions::default();
    let open = replay(home.events.clone(), &persons, &options).unwrap();
    assert!(worst(&open).0 >= Level::Warning, "open loop: {:?}", worst(&open));

    let always = AnswerRate::new(1.0, 0.0, 1).unwrap();
    let closed = replay_closed_loop(home.events.clone(), &persons, &options, &always, CallPolicy::default()).unwrap();
    assert_eq!(closed.len(), open.len());
    assert!(closed.iter().all(|a| a.level <= Level::Watch), "answered: {:?}", worst(&closed));
    assert!(closed.iter().any(|a| a.action == Action::CheckinCall));

    // Unanswered: a call every hour (the default), and the second missed call sends someone.
    let never = AnswerRate::new(0.0, 0.0, 1).unwrap();
    let closed = replay_closed_loop(home.events.clone(), &persons, &options, &never, CallPolicy::default()).unwrap();
    assert_eq!(worst(&closed), (Level::Critical, Action::Dispatch));
    // Calls at most every 5 hours: after the first missed call the caseworker is notified, and
    // once the caseworker's call, by day, is missed too, someone is sent (until 2026-12-07 it
    // stayed at `notify`: the visit waited for a second automatic call, placed at `notify` by
    // nobody).
    let policy = CallPolicy { retry_ms: 5 * HOUR_MS, ..CallPolicy::default() };
    let closed = replay_closed_loop(home.events.clone(), &persons, &options, &never, policy).unwrap();
    assert_eq!(worst(&closed), (Level::Critical, Action::Dispatch));
    let first = |action: Action| closed.iter().position(|a| a.action == action);
    assert!(first(Action::Notify) < first(Action::Dispatch), "the caseworker first: {:?}", worst(&closed));
}

#[test]
fn sequential_and_shared_give_the_same_rows() {
    let cohort = simulate(&SimConfig { persons: 12, days: 10, seed: 5, ..SimConfig::default() });
    let rate = AnswerRate::new(0.6, 0.2, 3).unwrap();
    let policy = CallPolicy::default();
    let rows = |threads| {
        let options = ReplayOptions { threads, ..ReplayOptions::default() };
        let shared = replay_closed_loop(cohort.events.clone(), &cohort.persons, &options, &rate, policy).unwrap();
        let here =
            replay_closed_loop_sequential(cohort.events.clone(), &cohort.persons, &options, &rate, policy).unwrap();
        assert_eq!(shared, here);
        shared
    };
    assert_eq!(rows(1), rows(3));
}

#[test]
fn a_simulated_spec_answers_as_its_cohort() {
    let cfg = SimConfig { persons: 8, days: 6, seed: 2, ..SimConfig::default() };
    let cohort = simulate(&cfg);
    let spec = ResponderSpec::from_value(ResponderSpec::Simulated(cfg).to_value()).unwrap();
    let responder = spec.responder();
    let options = ReplayOptions::default();
    let from_spec =
        replay_closed_loop(cohort.events.clone(), &cohort.persons, &options, &*responder, CallPolicy::default())
            .unwrap();
    let from_cohort =
        replay_closed_loop(cohort.events.clone(), &cohort.persons, &options, &cohort, CallPolicy::default()).unwrap();
    assert_eq!(from_spec, from_cohort);
}

/// Fails on its second call, recording the calls it saw.
struct Failing {
    calls: std::cell::Cell<usize>,
}

impl CheckinResponder for Failing {
    fn answer(&self, _: &str, _: Timestamp) -> Option<CheckinOutcome> {
        unreachable!("the replay calls try_answer")
    }
    fn try_answer(&self, person: &str, at: Timestamp) -> anbu::Result<Option<CheckinOutcome>> {
        self.calls.set(self.calls.get() + 1);
        if self.calls.get() == 2 {
            return anbu::parse_checkin_answer("maybe", person, at).map(Some);
        }
        Ok(Some(CheckinOutcome::Missed))
    }
}

#[test]
fn a_failing_responder_stops_the_replay_with_its_error() {
    let (home, person) = silent_home();
    let failing = Failing { calls: std::cell::Cell::new(0) };
    let err = replay_closed_loop_sequential(
        home.events.clone(),
        &[person],
        &ReplayOptions::default(),
        &failing,
        CallPolicy::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind().code(), "ANBU_INVALID_ARGUMENT");
    assert!(err.to_string().contains("`maybe`") && err.to_string().contains("p-silent"), "{err}");
    assert_eq!(failing.calls.get(), 2, "no call after the failure");
}

#[test]
fn a_seed_from_a_binding_is_a_whole_number_at_least_zero() {
    assert_eq!(AnswerRate::seed_from(Value::Null).unwrap(), 0);
    assert_eq!(AnswerRate::seed_from(Value::Float(3.0)).unwrap(), 3);
    assert_eq!(AnswerRate::seed_from(Value::Int(3)).unwrap(), 3);
    // Past 2^53, where a host number has no fraction to lose, a whole float is still a seed.
    assert_eq!(AnswerRate::seed_from(Value::Float(2f64.powi(60))).unwrap(), 1 << 60);
    for (bad, shown) in [(-1.0, "-1"), (1.5, "1.5"), (f64::NAN, "NaN"), (f64::INFINITY, "inf")] {
        let err = AnswerRate::seed_from(Value::Float(bad)).unwrap_err();
        assert_eq!(err.kind(), anbu::ErrorKind::InvalidArgument);
        assert_eq!(err.to_string(), format!("argument `seed`: must be a whole number >= 0, got {shown}"));
    }
    let err = AnswerRate::seed_from(Value::Text("7")).unwrap_err();
    assert!(err.to_string().starts_with("argument `seed`: must be a whole number >= 0"), "{err}");
    // The seed read is the seed drawn with.
    let rate = AnswerRate::new(0.5, 0.0, AnswerRate::seed_from(Value::Float(9.0)).unwrap()).unwrap();
    assert_eq!(rate.seed(), 9);
}

/// A responder that answers as another does and keeps each call it was asked to answer.
struct Counting<'r> {
    inner: &'r (dyn CheckinResponder + Sync),
    calls: std::sync::Mutex<Vec<(String, Timestamp)>>,
}

impl CheckinResponder for Counting<'_> {
    fn answer(&self, person: &str, at: Timestamp) -> Option<CheckinOutcome> {
        let outcome = self.inner.answer(person, at);
        if outcome.is_some() {
            self.calls.lock().unwrap().push((person.to_string(), at));
        }
        outcome
    }
}

#[test]
fn each_call_placed_is_marked_on_the_row_that_asked_for_it_and_counted_by_the_backtest() {
    use anbu::CheckinBy;
    use anbu::backtest::backtest;
    let cohort = simulate(&SimConfig { persons: 40, days: 21, seed: 11, incident_share: 0.5, ..SimConfig::default() });
    let rate = AnswerRate::new(0.3, 0.0, 4).unwrap();
    let counting = Counting { inner: &rate, calls: Default::default() };
    let policy = CallPolicy::default();
    let options = ReplayOptions::default();
    let rows = replay_closed_loop(cohort.events.clone(), &cohort.persons, &options, &counting, policy).unwrap();
    // Every call the responder answered is one row's `call`, the row `delay` before it; an
    // automatic call where the row asked for one, the staff's where it notified.
    let mut placed: Vec<(String, Timestamp)> = counting.calls.into_inner().unwrap();
    placed.sort();
    let marked: Vec<(String, Timestamp)> = rows
        .iter()
        .filter(|a| a.call.is_some())
        .map(|a| (a.person.clone(), a.at.plus_millis(policy.delay_ms)))
        .collect();
    assert_eq!(marked, placed);
    let by = |who: CheckinBy| rows.iter().filter(|a| a.call == Some(who)).collect::<Vec<_>>();
    let (auto, staff) = (by(CheckinBy::Auto), by(CheckinBy::Staff));
    assert!(!auto.is_empty() && !staff.is_empty(), "{} automatic, {} staff", auto.len(), staff.len());
    assert!(auto.iter().all(|a| a.action == Action::CheckinCall));
    assert!(staff.iter().all(|a| a.action == Action::Notify));
    // An open loop places none; the rows it keeps on `changes` still carry every call.
    assert!(replay(cohort.events.clone(), &cohort.persons, &options).unwrap().iter().all(|a| a.call.is_none()));
    let kept = anbu::Emit::Changes.keep(rows.clone());
    assert!(kept.len() < rows.len());
    assert_eq!(kept.iter().filter(|a| a.call.is_some()).count(), marked.len());
    // The backtest counts them per 100 person-months, from all rows or the changed ones alike.
    let report = backtest(&rows, &cohort.incidents, &cohort.persons).unwrap();
    let m = &report.overall;
    let per_100 = |n: usize| n as f64 * 100.0 / m.person_months;
    assert!((m.automatic_calls_placed_per_100_pm - per_100(auto.len())).abs() < 1e-9);
    assert!((m.staff_calls_placed_per_100_pm - per_100(staff.len())).abs() < 1e-9);
    assert!(m.automatic_calls_placed_per_100_pm >= m.checkin_calls_per_100_pm);
    let from_kept = backtest(&kept, &cohort.incidents, &cohort.persons).unwrap().overall;
    assert_eq!(
        (from_kept.automatic_calls_placed_per_100_pm * from_kept.person_months).round(),
        (m.automatic_calls_placed_per_100_pm * m.person_months).round()
    );
}
