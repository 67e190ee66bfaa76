//! The field cases where anbu was later than the fixed seed rule it replaces, measured on an
//! independent cohort, each as a new user would build it: the seed rule of every channel the
//! profile watches is a floor (`safety_floor`), and a person whom a channel no longer
//! watches is said to be so (`unwatched`).

use crate::common;

use anbu::{Action, AppAction, Assessment, CheckinOutcome, Direction, EventKind, Level, Person, Profile, ReasonKind};
use common::Home;

/// The profile `name` in `fixed` mode: the seed rules, with the fixed profile's own
/// weighing of several channels and early evidence (watch from half the threshold).
fn fixed(name: &str) -> Profile {
    Profile::from_json(&format!(r#"{{"name":"{name}_fixed","extends":"{name}","routine":{{"mode":"fixed"}}}}"#))
        .unwrap()
}

/// A man on the smart-plug service with a regular evening-TV habit: on at 18:00, off at
/// 23:00, for `days` days (from day 0); standby otherwise.
fn evening_tv(days: u32) -> Home {
    let mut home = Home::new("p");
    home.plug(0.0, days as f64 * 24.0, |h| if (18.0..23.0).contains(&h.rem_euclid(24.0)) { 85.0 } else { 0.5 });
    home
}

/// The first hour (after `from`) at which `rows` recommend `rung` or more.
fn first(home: &Home, rows: &[Assessment], rung: Action, from: f64) -> Option<f64> {
    rows.iter().filter(|a| a.at >= home.ts(from)).find(|a| a.action >= rung).map(|a| a.at.hours_since(home.ts(from)))
}

/// The row at hour `h` (of the home).
fn at<'a>(home: &Home, rows: &'a [Assessment], h: f64) -> &'a Assessment {
    rows.iter().find(|a| a.at == home.ts(h)).unwrap_or_else(|| panic!("no row at {h}"))
}

/// Rows of anbu (built-in profile) and of the plug's seed rule alone (see
/// `common::seed_rule`), hour by hour through the engine.
fn hourly_both(home: &Home, profile: &str, from: u32, to: u32) -> (Vec<Assessment>, Vec<Assessment>) {
    let anbu = home.hourly(Person::new("p", profile).unwrap(), from, to);
    let rule = common::seed_rule(profile, "plug");
    let seed = home.hourly_with(Some(rule), Person::new("p", &format!("{profile}_seed_plug")).unwrap(), from, to);
    (anbu, seed)
}

/// The rows in the closed loop, every check-in call placed going unanswered: anbu's, and
/// the profile's in `fixed` mode (each placing its own calls).
fn missed_both(home: &Home, profile: &str) -> (Vec<Assessment>, Vec<Assessment>) {
    let missed = |_: f64| Some(CheckinOutcome::Missed);
    let (anbu, _) = home.closed_loop(Person::new("p", profile).unwrap(), None, &missed);
    let (seed, _) =
        home.closed_loop(Person::new("p", &format!("{profile}_fixed")).unwrap(), Some(fixed(profile)), &missed);
    (anbu, seed)
}

/// The rungs' first hours (from `from`) in `rows`.
fn rungs(home: &Home, rows: &[Assessment], from: f64) -> [Option<f64>; 3] {
    [Action::CheckinCall, Action::Notify, Action::Dispatch].map(|rung| first(home, rows, rung, from))
}

/// The floor holds against the plug's seed rule (`seed`, on the same hours as `anbu`), and
/// anbu's first check-in call comes no later than the rule fires; returns the hours (from
/// `from`) of the rungs as anbu reaches them, and the hour the rule fired.
fn assert_floor(home: &Home, anbu: &[Assessment], seed: &[Assessment], from: f64) -> ([Option<f64>; 3], f64) {
    let missed: Vec<_> = home
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Checkin { outcome: CheckinOutcome::Missed, .. }))
        .map(|e| e.ts)
        .collect();
    if let Some(v) = common::floor_violation(anbu, &[seed.to_vec()], &missed, &[], true) {
        panic!("{v}");
    }
    let fired = seed.iter().filter(|a| a.at >= home.ts(from)).find(|a| common::seed_fired(a)).expect("the rule fires");
    let fired = fired.at.hours_since(home.ts(from));
    let got = rungs(home, anbu, from);
    assert!(got[0].is_some_and(|h| h <= fired), "first call at {:?} h, the rule fired at {fired} h", got[0]);
    if std::env::var_os("SCENARIO_DEBUG").is_some() {
        eprintln!("rungs {got:?}, the rule fired at {fired} h");
    }
    (got, fired)
}

fn floor_reason(a: &Assessment) -> Option<&anbu::Reason> {
    a.reasons.iter().find(|r| r.kind == ReasonKind::SafetyFloor)
}

// --- (a), (b): a plug-only man with 40 days of an evening-TV habit -----------------------------

#[test]
fn the_tv_never_comes_on_again() {
    // Off at 23:00 on day 39, then never on again: the plug keeps reporting standby.
    let mut home = evening_tv(40);
    home.plug(40.0 * 24.0, 44.0 * 24.0, |_| 0.5);
    let last_change = 39.0 * 24.0 + 23.0;
    let (anbu, seed) = hourly_both(&home, "plug_only", 38 * 24, 44 * 24 - 1);
    // The seed rule fires at 24 h (no change for 24 h): an automatic call two hours ahead of it;
    // no call is placed here, so nothing is heard of it by the time the rule fires, and the
    // caseworker is told then, as the seed rule alerts (before, the call was asked for as long
    // as no outcome came, and the learned routine alone notified at 51 h).
    assert_eq!(assert_floor(&home, &anbu, &seed, last_change), ([Some(22.0), Some(24.0), None], 24.0));
    let a = at(&home, &anbu, last_change + 23.0);
    assert_eq!((a.level, a.action), (Level::Watch, Action::CheckinCall), "{a:?}");
    let a = at(&home, &anbu, last_change + 24.0);
    assert_eq!((a.level, a.action), (Level::Warning, Action::Notify), "{a:?}");
    let why = floor_reason(a).expect("the seed rule decides");
    assert!(
        why.detail.starts_with(
            "safety floor: the seed rule of plug fired at 2024-06-10 23:00 (silent for 24 h, alert at 24 h); \
             no outcome reported of the check-in call asked for at 2024-06-10 21:00: \
             at least warning, notify; the learned routine alone judged"
        ),
        "{}",
        why.detail
    );
    assert_eq!(a.score, 50.0, "{a:?}");
    // With the workflow in the loop and every call missed: the call at 22 h (asked for again
    // at 23 h), asked for again when the rule fires (24 h), as the seed service calls then;
    // that one missed, the caseworker (25 h), who takes it from there; and, the calls at 22 h
    // and 24 h two distinct attempts, someone is sent once the caseworker's own call, in
    // office hours, went unanswered as well (35 h, 10:00 the day after the rule fired; until
    // 2026-12-07, once the learned routine's own silence reached `warning`, 49 h). (The
    // profile in `fixed` mode calls from watch strength, 18 h, before the rule fires,
    // notifies on three misses at 21 h, dispatching after its caseworker call at 22 h.)
    let (anbu, fixed) = missed_both(&home, "plug_only");
    assert_eq!(rungs(&home, &anbu, last_change), [Some(22.0), Some(25.0), Some(35.0)]);
    // Since the caseworker's rung (issue 16), the visit comes after the caseworker's call,
    // placed at notify and missed: 22 h (before, 21 h with the notification).
    assert_eq!(rungs(&home, &fixed, last_change), [Some(18.0), Some(21.0), Some(22.0)]);
}

/// The evening-TV man out from day 39's midnight: the TV off at 23:00 and not on again; the
/// calls two hours and one hour ahead of the plug rule missed, the one placed when it fires
/// (24 h) with `last`. Returns the home and the hour of the TV's last change.
fn out_for_the_evening(last: CheckinOutcome) -> (Home, f64) {
    let mut home = evening_tv(40);
    home.plug(40.0 * 24.0, 44.0 * 24.0, |_| 0.5);
    let last_change = 39.0 * 24.0 + 23.0;
    home.checkin(last_change + 22.1, CheckinOutcome::Missed);
    home.checkin(last_change + 23.1, CheckinOutcome::Missed);
    home.checkin(last_change + 24.1, last);
    (home, last_change)
}

#[test]
fn back_home_in_the_rules_last_hour_he_answers_the_call_placed_when_it_fires() {
    // He misses the call two hours ahead of the rule and its retry, and answers the one placed
    // when the rule fires, as the seed service calls then: nobody is told, and the silence
    // starts again.
    let (home, last_change) = out_for_the_evening(CheckinOutcome::Answered);
    let (anbu, seed) = hourly_both(&home, "plug_only", 38 * 24, 44 * 24 - 1);
    assert_eq!(assert_floor(&home, &anbu, &seed, last_change).0[0], Some(22.0));
    let a = at(&home, &anbu, last_change + 24.0);
    assert_eq!((a.level, a.action), (Level::Watch, Action::CheckinCall), "{a:?}");
    let why = floor_reason(a).expect("the seed rule decides");
    assert!(why.detail.contains("check-in call missed ahead of it (the call is asked for again"), "{}", why.detail);
    for h in 22..=30 {
        let a = at(&home, &anbu, last_change + f64::from(h));
        assert!(a.level < Level::Warning, "at {h} h: {a:?}");
    }
    // That one missed as well: the caseworker, once its miss is heard (25 h on this grid).
    let (home, last_change) = out_for_the_evening(CheckinOutcome::Missed);
    let (anbu, seed) = hourly_both(&home, "plug_only", 38 * 24, 44 * 24 - 1);
    assert_eq!(assert_floor(&home, &anbu, &seed, last_change).0[..2], [Some(22.0), Some(25.0)]);
    let why = floor_reason(at(&home, &anbu, last_change + 25.0)).expect("the seed rule decides");
    assert!(why.detail.contains("1 check-in call missed since it fired"), "{}", why.detail);
}

#[test]
fn the_tv_is_left_on_untouched() {
    // On at 18:00 on day 40, never switched off: a steady 85 W.
    let mut home = evening_tv(40);
    home.plug(40.0 * 24.0, 40.0 * 24.0 + 18.0, |_| 0.5);
    home.plug(40.0 * 24.0 + 18.0, 44.0 * 24.0, |_| 85.0);
    let last_change = 40.0 * 24.0 + 18.0;
    let (anbu, seed) = hourly_both(&home, "plug_only", 38 * 24, 44 * 24 - 1);
    // The learned routine asks for the call at 6 h (00:00): the TV on, untouched, through
    // the hour it is always off by (2026-12-07; before, the floor's call at 22 h, two hours
    // ahead of the rule); nothing heard of it, the caseworker at 9 h (before, 24 h).
    assert_eq!(assert_floor(&home, &anbu, &seed, last_change), ([Some(6.0), Some(9.0), None], 24.0));
    let a = at(&home, &anbu, last_change + 24.0);
    assert_eq!((a.level, a.action), (Level::Warning, Action::Notify), "{a:?}");
    // The routine's own reason says what the plug shows, and that it is on at hours it is
    // usually off (the floor's is not needed: the learned routine is at warning already).
    let no_change = a.reasons.iter().find(|r| r.kind == ReasonKind::NoChange).expect("no_change reason");
    assert!(no_change.detail.contains("on at a steady 85 W but untouched, "), "{}", no_change.detail);
    assert!(no_change.detail.contains("at hours it is usually off"), "{}", no_change.detail);
    // Every call missed: the call at 6 h (00:00), the caseworker at 7 h, once it is missed;
    // someone sent at 16 h (10:00), once the caseworker's call in office hours went unanswered
    // too (until 2026-12-07: the floor's call at 22 h, the caseworker at 25 h, someone sent at
    // 49 h).
    let (anbu, _) = missed_both(&home, "plug_only");
    assert_eq!(rungs(&home, &anbu, last_change), [Some(6.0), Some(7.0), Some(16.0)]);
}

// --- (c): the same man, with a prepaid phone without credit ------------------------------------

#[test]
fn tv_untouched_and_two_missed_calls_are_never_normal() {
    // He makes no calls (no credit); friends call every other day and get through; he answers
    // most of the daily check-in calls.
    let mut home = evening_tv(41);
    for d in 0..40 {
        let b = d as f64 * 24.0;
        if d % 2 == 0 {
            home.call(b + 17.0, Direction::In, true);
        }
        let outcome = if d % 4 == 3 { CheckinOutcome::Missed } else { CheckinOutcome::Answered };
        home.checkin(b + 10.0, outcome);
    }
    home.checkin(40.0 * 24.0 + 10.0, CheckinOutcome::Answered);
    // Day 40: the TV comes on at 18:00 and is never touched again.
    let tv_on = 40.0 * 24.0 + 18.0;
    let cut = home.ts(tv_on);
    home.events.retain(|e| e.device() != "plug-tv" || e.ts < cut);
    home.plug(tv_on, 44.0 * 24.0, |_| 85.0);
    // Two check-in calls go unanswered after the rule fired (24 h): at 26 h and 40 h.
    home.checkin(tv_on + 26.0, CheckinOutcome::Missed);
    home.checkin(tv_on + 40.0, CheckinOutcome::Missed);
    let (anbu, seed) = hourly_both(&home, "plug_only", 38 * 24, 44 * 24 - 1);
    // A check-in call from 6 h, the TV on through the night's hours it is always off in
    // (2026-12-07; before, from 22 h, ahead of the rule); the caseworker with nothing heard of
    // it (9 h; before, when the rule fired, 24 h), and after the missed call; someone sent an
    // hour after the second (40 h): the caseworker's rung, `escalation.caseworker_h`.
    assert_eq!(assert_floor(&home, &anbu, &seed, tv_on), ([Some(6.0), Some(9.0), Some(41.0)], 24.0));
    let a = at(&home, &anbu, tv_on + 40.0);
    assert_eq!((a.level, a.action), (Level::Critical, Action::Notify), "{a:?}");
    // One missed call after the rule fired: the caseworker is told.
    let a = at(&home, &anbu, tv_on + 27.0);
    assert_eq!((a.level, a.action), (Level::Warning, Action::Notify), "{a:?}");
    // TV untouched 45 h, two calls missed: someone must go.
    let a = at(&home, &anbu, tv_on + 45.0);
    assert_eq!((a.level, a.action), (Level::Critical, Action::Dispatch), "{a:?}");
    let a = at(&home, &anbu, tv_on + 41.0);
    assert_eq!((a.level, a.action), (Level::Critical, Action::Dispatch), "{a:?}");
}

// --- (d): a TV never switched off and a phone on silent, for weeks; then a collapse ------------

#[test]
fn a_collapse_behind_a_tv_left_on_and_a_phone_on_silent() {
    // Three weeks: the TV is never switched off, the phone is kept on silent (check-in calls
    // go unanswered), but he uses the phone every day (unlocks, steps).
    let mut home = Home::new("p");
    let days = 21;
    home.plug(0.0, 0.25, |_| 0.5);
    home.plug(0.25, 35.0 * 24.0, |_| 85.0);
    let collapse = days as f64 * 24.0 + 9.0;
    for h in 0..(days * 24 + 9) {
        let hod = h % 24;
        let awake = (7..23).contains(&hod);
        home.steps(h as f64 + 0.99, if awake { 150 } else { 0 });
        if matches!(hod, 8 | 13 | 20) {
            home.push(h as f64 + 0.3, "phone", EventKind::app(AppAction::Unlock));
        }
        if hod == 10 {
            home.checkin(h as f64 + 0.5, CheckinOutcome::Missed);
        }
    }
    // After the collapse the phone reports zero steps and every check-in call is missed, for 13 days.
    for h in (days * 24 + 9)..(34 * 24) {
        home.steps(h as f64 + 0.99, 0);
        if h % 24 == 10 {
            home.checkin(h as f64 + 0.5, CheckinOutcome::Missed);
        }
    }
    let (anbu, seed) = hourly_both(&home, "plug_only", (days - 2) * 24, 34 * 24 - 1);
    // The seed rule, worked out: the last sign of life is the step count of 08:00-09:00
    // (reported at 08:59); the plug rule fires 24 h later (09:00 the next day, with the TV's
    // weeks of flat readings counted as the seed rule counts them: only since the person was
    // last seen): a check-in call, of which nothing is heard when the rule fires: the
    // caseworker (24 h; the daily call is missed at 10:30, 25.5 h); the next day's, missed at
    // 49.5 h: dispatch (50 h).
    assert_eq!(assert_floor(&home, &anbu, &seed, collapse), ([Some(22.0), Some(24.0), Some(50.0)], 24.0));
    // 13 days of missed calls leave him at critical, never normal.
    let late = at(&home, &anbu, 34.0 * 24.0 - 1.0);
    assert_eq!((late.level, late.action), (Level::Critical, Action::Dispatch), "{late:?}");
    let why = floor_reason(late).expect("the seed rule decides");
    assert!(why.detail.starts_with("safety floor: the seed rule of plug"), "{}", why.detail);
}

// --- Nobody drops out silently -------------------------------------------------------------------

fn unwatched(a: &Assessment) -> Option<&str> {
    a.reasons.iter().find(|r| r.kind == ReasonKind::Unwatched).map(|r| r.detail.as_str())
}

#[test]
fn a_tv_always_on_is_named_as_no_longer_watching() {
    // A week of ordinary days with the full kit, but the TV is never switched off and the
    // phone is kept on silent (check-in calls and incoming calls go unanswered).
    let mut home = Home::new("p");
    for d in 0..7 {
        home.ordinary_day(d, true, true);
        let b = d as f64 * 24.0;
        home.checkin(b + 10.0, CheckinOutcome::Missed);
        home.call(b + 16.0, Direction::In, false);
    }
    home.events.retain(|e| e.device() != "plug-tv");
    home.plug(0.0, 0.25, |_| 0.5);
    home.plug(0.25, 7.0 * 24.0, |_| 85.0);
    let rows = home.hourly(Person::new("p", "full").unwrap(), 1, 167);
    // Nothing is said while every channel watches, and nobody is bothered all week.
    assert!(rows.iter().take(40).all(|a| unwatched(a).is_none()));
    assert!(rows.iter().all(|a| a.level <= Level::Watch), "{:?}", rows.iter().find(|a| a.level > Level::Watch));
    // After days of a flat plug while the person is seen otherwise, the plug is named.
    let late = at(&home, &rows, 150.0);
    let d = unwatched(late).expect("unwatched reason");
    assert!(
        d.starts_with("not watching the person now: plug (silent for days while the person was seen otherwise"),
        "{d}"
    );
    assert!(d.ends_with("still watching: call, steps, door, app"), "{d}");
    assert_eq!(late.reasons.iter().find(|r| r.kind == ReasonKind::Unwatched).unwrap().contribution, 0.0);
    // On the plug-only service, nobody can see him: a technical alert, not a person alert.
    let rows = home.hourly(Person::new("p", "plug_only").unwrap(), 1, 167);
    let d = unwatched(at(&home, &rows, 150.0)).expect("unwatched reason");
    assert!(d.starts_with("no channel can see this person: plug"), "{d}");
    assert!(d.contains("check the devices"), "{d}");
}

#[test]
fn a_pulled_plug_is_named_as_not_watching() {
    let mut home = Home::new("p");
    for d in 0..5 {
        home.ordinary_day(d, true, true);
    }
    // Unplugged on day 2 at 13:00; the door and the phone go on.
    let cut = home.ts(61.0);
    home.events.retain(|e| e.device() != "plug-tv" || e.ts < cut);
    let rows = home.hourly(Person::new("p", "call_iot").unwrap(), 1, 119);
    assert!(rows.iter().filter(|a| a.at < home.ts(66.0)).all(|a| unwatched(a).is_none()));
    let a = at(&home, &rows, 80.0);
    let d = unwatched(a).expect("unwatched reason");
    assert_eq!(
        d,
        "not watching the person now: plug (its devices offline for 19 h: a fault); still watching: call, door"
    );
    assert_eq!(a.level, Level::Normal, "{a:?}");
}
