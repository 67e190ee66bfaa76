//! Dispositions in the closed loop (issue 16, item 3): a caseworker's visit that finds the
//! person well after a false alert records `fine`. The alert ends there (a sign of life),
//! the person's learned routine takes the lesson, and no incident is detected later for it.

use crate::common;

use common::Home;

use anbu::backtest::{AlertEpisode, BacktestReport, EpisodeKind, backtest};
use anbu::sim::{Cohort, SimConfig, simulate};
use anbu::{
    Assessment, CallPolicy, CheckinOutcome, CheckinResponder, Event, EventKind, Finding, HOUR_MS, Incident, Person,
    ReasonKind, ReplayOptions, Timestamp, replay_closed_loop,
};

/// From an alert's first warning to the visit that records what it found.
const VISIT_DELAY_MS: i64 = HOUR_MS;

/// A world to replay in the closed loop: events, persons, who answers the check-in calls,
/// and the incidents.
struct World<'a> {
    events: &'a [Event],
    persons: &'a [Person],
    responder: &'a (dyn CheckinResponder + Sync),
    incidents: &'a [Incident],
}

impl World<'_> {
    fn of(cohort: &Cohort) -> World<'_> {
        World { events: &cohort.events, persons: &cohort.persons, responder: cohort, incidents: &cohort.incidents }
    }
}

fn closed_loop(world: &World<'_>, visits: &[Event]) -> (Vec<Assessment>, BacktestReport) {
    let mut events = world.events.to_vec();
    events.extend_from_slice(visits);
    let options = ReplayOptions::default();
    let rows = replay_closed_loop(events, world.persons, &options, world.responder, CallPolicy::default()).unwrap();
    let report = backtest(&rows, world.incidents, world.persons).unwrap();
    (rows, report)
}

/// The closed loop with a `fine` visit after each false alert's first warning (unless the
/// person's incident has begun by then, or the period is over), round after round (a
/// visit changes what follows it) until every false alert has had its visit.
fn with_visits(world: &World<'_>) -> (Vec<Assessment>, BacktestReport, Vec<Event>) {
    let last = world.events.iter().map(|e| e.ts).max().unwrap();
    let well = |person: &str, at: Timestamp| {
        at <= last && !world.incidents.iter().any(|i| i.person == person && at >= i.start)
    };
    let mut visits: Vec<Event> = Vec::new();
    loop {
        let (rows, report) = closed_loop(world, &visits);
        let before = visits.len();
        for ep in falses(&report) {
            let at = ep.start.plus_millis(VISIT_DELAY_MS);
            let visited = visits.iter().any(|v| v.person == ep.person && v.ts >= ep.start && v.ts <= at);
            if !visited && well(&ep.person, at) {
                let fine = EventKind::disposition(Finding::Fine);
                visits.push(Event::new(&ep.person, at, Some("visit"), fine).unwrap());
            }
        }
        if visits.len() == before {
            return (rows, report, visits);
        }
    }
}

fn falses(r: &BacktestReport) -> impl Iterator<Item = &AlertEpisode> {
    r.episodes.iter().filter(|e| e.kind == EpisodeKind::False)
}

/// Hours at `warning` or above in false alerts (an episode of one row is one hour).
fn false_hours(r: &BacktestReport) -> f64 {
    falses(r).map(|e| e.end.hours_since(e.start) + 1.0).sum()
}

/// False alerts whose first warning the learned routine raised (the safety floor added
/// nothing): the ones a lesson can act on.
fn by_the_routine(rows: &[Assessment], r: &BacktestReport) -> usize {
    falses(r)
        .filter(|e| {
            let first = rows.iter().find(|a| a.person == e.person && a.at == e.start).unwrap();
            !first.reasons.iter().any(|x| x.kind == ReasonKind::SafetyFloor && x.contribution > 0.0)
        })
        .count()
}

#[test]
fn fine_visits_end_false_alerts_without_delaying_detection() {
    let cohort = simulate(&SimConfig { persons: 40, days: 60, seed: 3, ..SimConfig::default() });
    let world = World::of(&cohort);
    let (rows_before, before) = closed_loop(&world, &[]);
    let (rows_after, after, visits) = with_visits(&world);
    eprintln!(
        "{} fine visits; false alerts {} -> {} ({} -> {} raised by the learned routine), {} -> {} hours \
         at warning or above; detected {} -> {} of {}",
        visits.len(),
        falses(&before).count(),
        falses(&after).count(),
        by_the_routine(&rows_before, &before),
        by_the_routine(&rows_after, &after),
        false_hours(&before),
        false_hours(&after),
        before.overall.detected,
        after.overall.detected,
        before.overall.incidents
    );
    assert!(!visits.is_empty());
    // Each visit ends its alert: no false alert goes on past the hour after its visit, and
    // fewer hours of false alerts. Since the caseworker's rung (issue 16) the closed loop's
    // caseworker call, answered, ends most false alerts before any visit (seed 3: 341 -> 41
    // hours without visits), and since the safety floor's call goes two hours ahead (issue
    // 18) a retry answered before the rule fires ends more (21 -> 9 false alerts, 41 -> 15
    // hours); the visits take what is left from 15 to 9 hours.
    for v in &visits {
        let ran_on =
            falses(&after).any(|e| e.person == v.person && e.start <= v.ts && e.end > v.ts.plus_millis(VISIT_DELAY_MS));
        assert!(!ran_on, "a false alert of {} went on past its visit at {}", v.person, v.ts);
    }
    assert!(false_hours(&after) < false_hours(&before));
    // The lessons never add an alert the routine raises.
    assert!(by_the_routine(&rows_after, &after) <= by_the_routine(&rows_before, &before));
    // No incident is detected later (nor missed).
    for (b, a) in before.incidents.iter().zip(&after.incidents) {
        assert_eq!((&a.person, a.start), (&b.person, b.start));
        if let Some(ttd) = b.ttd_h {
            assert!(a.ttd_h.is_some_and(|t| t <= ttd), "{}: {:?} -> {:?}", b.person, b.ttd_h, a.ttd_h);
        }
    }
}

/// Eight weeks of a regular person (TV, door and phone every day) who every ninth day sleeps
/// until 18:00 with the phone off (19 h without a sign of life since the TV went off the
/// night before: short of every seed rule), then collapses at 10:00 on day 56.
struct Sleeper;

const WEEKS: u32 = 8;
/// The long sleeps: days 4, 13, 22, ... (not on a weekday the hourly routine could learn).
fn long_sleep(d: u32) -> bool {
    d % 9 == 4
}
const COLLAPSE_H: f64 = (WEEKS * 7 * 24) as f64 + 10.0;

impl CheckinResponder for Sleeper {
    fn answer(&self, _: &str, at: Timestamp) -> Option<CheckinOutcome> {
        let t0: Timestamp = "2024-05-01T00:00:00+09:00".parse().unwrap();
        let h = at.hours_since(t0);
        let d = (h / 24.0) as u32;
        let asleep = long_sleep(d) && h - d as f64 * 24.0 < 18.0;
        Some(if asleep || h >= COLLAPSE_H { CheckinOutcome::Missed } else { CheckinOutcome::Answered })
    }
}

fn sleeper() -> (Home, Incident) {
    let mut home = Home::new("p-sleeper");
    for d in 0..WEEKS * 7 {
        if long_sleep(d) {
            // Up at 18:00: the TV and the phone until 23:00; no step report while off.
            let b = d as f64 * 24.0;
            home.plug(b, b + 24.0, |h| if (18.0..23.0).contains(&h.rem_euclid(24.0)) { 85.0 } else { 0.5 });
            for h in 18..23 {
                home.steps(b + h as f64 + 0.99, 120);
            }
            home.unlock(b + 18.5);
            home.call(b + 19.0, anbu::Direction::Out, true);
        } else {
            home.ordinary_day(d, true, true);
        }
    }
    // The last Wednesday: up, then a collapse at 10:00; the devices go on reporting.
    let b = (WEEKS * 7 * 24) as f64;
    home.plug(b, b + 48.0, |h| if (8.0..10.0).contains(&(h - b)) { 85.0 } else { 0.5 });
    home.unlock(b + 8.2);
    for h in 0..48 {
        home.steps(b + h as f64 + 0.99, if (7..10).contains(&h) { 120 } else { 0 });
    }
    let incident = Incident { person: home.id.into(), start: home.ts(COLLAPSE_H), end: None, kind: None };
    (home, incident)
}

#[test]
fn fine_visits_teach_a_regular_absence_and_the_collapse_is_found_as_soon() {
    let (home, incident) = sleeper();
    let persons = [Person::new(home.id, "full").unwrap()];
    let incidents = [incident];
    let world = World { events: &home.events, persons: &persons, responder: &Sleeper, incidents: &incidents };
    let (_, before) = closed_loop(&world, &[]);
    let (_, after, visits) = with_visits(&world);
    // The control: at the same times, a sign of life that teaches no lesson (an answered
    // check-in call).
    let answered: Vec<Event> = visits
        .iter()
        .map(|v| {
            let kind = EventKind::checkin(CheckinOutcome::Answered);
            Event::new(&v.person, v.ts, Some("visit"), kind).unwrap()
        })
        .collect();
    let (_, control) = closed_loop(&world, &answered);
    let starts = |r: &BacktestReport| falses(r).map(|e| e.start.to_string()).collect::<Vec<_>>();
    eprintln!(
        "{} fine visits; false alerts {} -> {} ({} with answered calls instead): {:?} -> {:?}; time to detect {:?} -> {:?} h",
        visits.len(),
        falses(&before).count(),
        falses(&after).count(),
        falses(&control).count(),
        starts(&before),
        starts(&after),
        before.incidents[0].ttd_h,
        after.incidents[0].ttd_h
    );
    assert!(falses(&after).count() < falses(&before).count());
    // The lesson did it, not the sign of life alone.
    assert!(falses(&after).count() < falses(&control).count());
    let ttd = before.incidents[0].ttd_h.expect("detected without visits");
    assert!(after.incidents[0].ttd_h.is_some_and(|t| t <= ttd));
}

/// Three ordinary days, then silence (the TV off, nothing else), and what a visit found at
/// hour 100; assessed hourly to hour 130.
fn found(finding: Finding) -> Vec<Assessment> {
    let mut home = Home::new("p-found");
    for d in 0..3 {
        home.ordinary_day(d, true, true);
    }
    home.plug(72.0, 130.0, |_| 0.5);
    home.push(100.0, "visit", EventKind::disposition(finding));
    let person = Person::new(home.id, "call_iot").unwrap().with_devices("plug,door,phone").unwrap();
    home.hourly(person, 0, 130)
}

fn at_hour(rows: &[Assessment], h: usize) -> &Assessment {
    &rows[h]
}

#[test]
fn each_finding_acts_as_documented() {
    use anbu::{Action, Level};
    let silent = found(Finding::Away);
    // Before the visit the silence alerts (the same for every finding).
    assert!(at_hour(&silent, 99).level >= Level::Warning, "{:?}", at_hour(&silent, 99));
    // `away` and `hospital`: an absence from then on, until a sign of life.
    for finding in [Finding::Away, Finding::Hospital] {
        let rows = found(finding);
        let a = at_hour(&rows, 120);
        assert_eq!(a.level, Level::Normal, "{finding}: {a:?}");
        assert!(a.reasons.iter().any(|r| r.kind == ReasonKind::Away && r.detail.contains("until a sign of life")));
    }
    // `fine`: a sign of life; the silence counts again from the visit.
    let rows = found(Finding::Fine);
    assert_eq!(at_hour(&rows, 101).level, Level::Normal);
    assert!(at_hour(&rows, 101).score < at_hour(&silent, 99).score);
    // `emergency`, `deceased`, `unreachable`: critical and dispatch at once, with the reason.
    for finding in [Finding::Emergency, Finding::Deceased, Finding::Unreachable] {
        let rows = found(finding);
        let a = at_hour(&rows, 100);
        assert_eq!((a.level, a.action), (Level::Critical, Action::Dispatch), "{finding}");
        assert!(a.reasons.iter().any(|r| r.kind == ReasonKind::Disposition), "{finding}: {a:?}");
    }
    // `device_fault`: the silent channels' devices are a technical problem, not evidence.
    let rows = found(Finding::DeviceFault);
    let a = at_hour(&rows, 101);
    assert!(a.reasons.iter().any(|r| r.kind == ReasonKind::DeviceOffline && r.detail.contains("reported faulty")));
    assert_eq!((a.score, a.level), (0.0, Level::Normal), "{a:?}");
}

/// The safety floor reads no lesson: the same final silence, after weeks whose long silences
/// were ended by the person (a door) or by a `fine` visit at the same times, gets its floor
/// at the same hour, and is never assessed below it.
#[test]
fn lessons_never_touch_the_safety_floor() {
    let floor_rows = |visits: bool| {
        let mut home = Home::new("p-floor");
        for d in 0..21 {
            if d % 5 == 2 {
                // A 30 h silence (past the seed rules), ended at 18:00 the next day.
                let b = d as f64 * 24.0;
                home.plug(b, b + 42.0, |_| 0.5);
                let end = b + 42.0;
                if visits {
                    home.push(end, "visit", EventKind::disposition(Finding::Fine));
                } else {
                    home.door(end);
                }
            } else if d % 5 != 3 {
                home.ordinary_day(d, true, true);
            }
        }
        // The final silence: nothing but the TV's standby from day 21 on.
        home.plug(21.0 * 24.0, 25.0 * 24.0, |_| 0.5);
        let person = Person::new(home.id, "full").unwrap().with_devices("plug,door,phone").unwrap();
        home.hourly(person, 21 * 24, 25 * 24 - 1)
    };
    let floor = |rows: &[Assessment]| -> Vec<(Timestamp, anbu::Level, anbu::Action)> {
        rows.iter()
            .filter(|a| a.reasons.iter().any(|r| r.kind == ReasonKind::SafetyFloor))
            .map(|a| (a.at, a.level, a.action))
            .collect()
    };
    let (by_door, by_visits) = (floor_rows(false), floor_rows(true));
    let (a, b) = (floor(&by_door), floor(&by_visits));
    assert!(!a.is_empty(), "the final silence reaches the floor");
    // The floor comes at the same hour, and wherever it decides one assessment the other is at
    // least as high (the floor, or the learned routine above it).
    assert_eq!(a.first(), b.first());
    for (rows, floors) in [(&by_visits, &a), (&by_door, &b)] {
        for (at, level, action) in floors {
            let other = rows.iter().find(|r| r.at == *at).unwrap();
            assert!((other.level, other.action) >= (*level, *action), "{other:?}");
        }
    }
}
