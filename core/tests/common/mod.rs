//! Shared by the scenario tests: one person's home written out hour by hour, and helpers
//! to read the assessments.
#![allow(dead_code)]

use anbu::{
    AppAction, Assessment, By, CallPolicy, CheckinBy, CheckinOutcome, CheckinResponder, ConcernCategory, Direction,
    DoorState, Engine, Event, EventKind, HOUR_MS, Level, Person, Profile, ReplayOptions, Timestamp, replay_closed_loop,
};

/// One person's home, written hour by hour from midnight (Seoul) of day 0, a Wednesday.
pub struct Home {
    pub id: &'static str,
    pub t0: Timestamp,
    pub events: Vec<Event>,
}

impl Home {
    pub fn new(id: &'static str) -> Home {
        Home { id, t0: "2024-05-01T00:00:00+09:00".parse().unwrap(), events: Vec::new() }
    }
    pub fn ts(&self, hour: f64) -> Timestamp {
        self.t0.plus_millis((hour * HOUR_MS as f64) as i64)
    }
    pub fn push(&mut self, hour: f64, device: &str, kind: EventKind) {
        let e = Event::new(self.id, self.ts(hour), Some(device), kind).unwrap();
        self.events.push(e);
    }
    /// Plug readings every 15 minutes from `from` to `to` hours; `watts(hour)`, at a steady
    /// 80 lux.
    pub fn plug(&mut self, from: f64, to: f64, watts: impl Fn(f64) -> f64) {
        self.plug_lit(from, to, watts, |_| 80.0);
    }
    /// Plug readings every 15 minutes from `from` to `to` hours; `watts(hour)` and `lux(hour)`.
    pub fn plug_lit(&mut self, from: f64, to: f64, watts: impl Fn(f64) -> f64, lux: impl Fn(f64) -> f64) {
        let mut h = from;
        while h < to {
            self.push(h, "plug-tv", EventKind::plug(watts(h)).with_lux(lux(h)));
            h += 0.25;
        }
    }
    pub fn door(&mut self, hour: f64) {
        self.push(hour, "door-front", EventKind::door(DoorState::Open));
        self.push(hour + 0.02, "door-front", EventKind::door(DoorState::Closed));
    }
    pub fn call(&mut self, hour: f64, direction: Direction, answered: bool) {
        self.push(hour, "phone", EventKind::call(direction, answered));
    }
    pub fn steps(&mut self, hour: f64, steps: u32) {
        self.push(hour, "phone", EventKind::steps(steps));
    }
    pub fn unlock(&mut self, hour: f64) {
        self.push(hour, "phone", EventKind::app(AppAction::Unlock));
    }
    pub fn checkin(&mut self, hour: f64, outcome: CheckinOutcome) {
        self.push(hour, "checkin", EventKind::checkin(outcome));
    }

    /// An ordinary day `d`: TV 08-12 and 18-23, out 09:30-11:00, calls, steps, phone use.
    /// `phone` says whether the phone side (calls, steps, app) is alive.
    pub fn ordinary_day(&mut self, d: u32, phone: bool, home: bool) {
        let b = d as f64 * 24.0;
        if home {
            self.plug(b, b + 24.0, |h| {
                let hod = h.rem_euclid(24.0);
                if (8.0..12.0).contains(&hod) || (18.0..23.0).contains(&hod) { 85.0 } else { 0.5 }
            });
            self.door(b + 9.5);
            self.door(b + 11.0);
        }
        if phone {
            // The step app reports every hour, zero while asleep.
            for h in 0..24 {
                let steps = match h {
                    9..11 => 1500,
                    7..23 => 120,
                    _ => 0,
                };
                self.steps(b + h as f64 + 0.99, steps);
            }
            self.unlock(b + 8.2);
            self.unlock(b + 13.1);
            self.unlock(b + 20.4);
            self.call(b + 19.0, Direction::Out, true);
        }
    }

    /// Replays through the streaming engine (events shuffled within the allowed lateness)
    /// and assesses every hour from `from` to `to`.
    pub fn hourly(&self, person: Person, from: u32, to: u32) -> Vec<Assessment> {
        self.hourly_with(None, person, from, to)
    }

    /// As [`Home::hourly`], with a caller's profile registered first.
    pub fn hourly_with(&self, profile: Option<Profile>, person: Person, from: u32, to: u32) -> Vec<Assessment> {
        let mut engine = Engine::new();
        if let Some(p) = profile {
            engine.add_profile(p).unwrap();
        }
        engine.add_person(person).unwrap();
        let mut events = self.events.clone();
        events.sort_by_key(|e| e.ts);
        // Deliver in small reversed batches (late within 30 minutes) to exercise reordering.
        let mut out = Vec::new();
        let mut next = 0;
        for h in from..=to {
            let at = self.ts(h as f64);
            let end = events.partition_point(|e| e.ts <= at);
            let mut batch: Vec<Event> = events[next..end].to_vec();
            if next > 0 {
                batch.reverse(); // an hour's events, newest first: late by up to an hour
            }
            engine.ingest_batch(batch).unwrap();
            next = end;
            out.push(engine.assess(self.id, at).unwrap());
        }
        debug_print(self, &out);
        out
    }

    /// A replay with the field workflow in the loop: the check-in calls the assessments ask
    /// for are placed, and `answer(hour)` says how each went.
    pub fn closed_loop(
        &self,
        person: Person,
        profile: Option<Profile>,
        answer: &(dyn Fn(f64) -> Option<CheckinOutcome> + Sync),
    ) -> (Vec<Assessment>, usize) {
        struct Answer<'a> {
            t0: Timestamp,
            answer: &'a (dyn Fn(f64) -> Option<CheckinOutcome> + Sync),
            calls: std::sync::atomic::AtomicUsize,
        }
        impl CheckinResponder for Answer<'_> {
            fn answer(&self, _: &str, at: Timestamp) -> Option<CheckinOutcome> {
                self.calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                (self.answer)(at.hours_since(self.t0))
            }
        }
        let responder = Answer { t0: self.t0, answer, calls: Default::default() };
        let options = ReplayOptions { profiles: profile.into_iter().collect(), ..ReplayOptions::default() };
        let out =
            replay_closed_loop(self.events.clone(), &[person], &options, &responder, CallPolicy::default()).unwrap();
        debug_print(self, &out);
        (out, responder.calls.into_inner())
    }
}

/// With `SCENARIO_DEBUG` set, prints the assessments hour by hour.
fn debug_print(home: &Home, out: &[Assessment]) {
    if std::env::var_os("SCENARIO_DEBUG").is_none() {
        return;
    }
    for a in out {
        let why: Vec<String> = a.reasons.iter().map(|r| format!("{:+.1} {}", r.contribution, r.detail)).collect();
        eprintln!(
            "{:>5.1}h {:>5.1} {:<8} {:<12} {}",
            a.at.hours_since(home.t0),
            a.score,
            a.level,
            a.action,
            why.join(" | ")
        );
    }
}

/// Two ordinary days, then a collapse at 10:00 on day 2 with the TV on: the plug keeps
/// reporting the same load and the phone zero steps; check-in calls missed at `missed` hours.
pub fn collapse_at_10_on_day_2_with_the_tv_on(missed: &[f64]) -> Home {
    let mut home = Home::new("p");
    for d in 0..3 {
        home.ordinary_day(d, true, true);
    }
    let collapse = home.ts(58.0);
    home.events.retain(|e| e.ts <= collapse);
    home.plug(58.25, 96.0, |_| 85.0);
    for h in 58..96 {
        home.steps(h as f64 + 0.99, 0);
    }
    for h in missed {
        home.checkin(*h, CheckinOutcome::Missed);
    }
    home
}

pub fn max_level(rows: &[Assessment]) -> Level {
    rows.iter().map(|a| a.level).max().unwrap_or(Level::Normal)
}

pub fn first_at_or_above(rows: &[Assessment], level: Level) -> Option<&Assessment> {
    rows.iter().find(|a| a.level >= level)
}

pub fn hours_after(home: &Home, a: &Assessment, hour: f64) -> f64 {
    a.at.hours_since(home.ts(hour))
}

pub fn person(profile: &str) -> Person {
    Person::new("p", profile).unwrap()
}

/// The built-in `profile` without the Korean holiday calendar (`schedule.calendar = "none"`),
/// named `{profile}_no_calendar`: for a simulated household whose days do not change on
/// holidays, learned over the holiday-dense weeks from 2024-05-01 (5, 6 and 15 May, 6 June),
/// where the calendar would leave the weekday hours fewer days to learn from.
pub fn without_calendar(profile: &str) -> Profile {
    let doc = format!(r#"{{"name":"{profile}_no_calendar","extends":"{profile}","schedule":{{"calendar":"none"}}}}"#);
    Profile::from_json(&doc).unwrap()
}

/// The seed rule of one `channel` (`plug`, `call`, ...) of the built-in `profile`, as an anbu
/// profile: that channel alone (with the person's check-in calls), in `fixed` mode, its
/// silence reaching `warning` exactly at its threshold; silence counted only since the last
/// sign of life in any signal (no contradicted silence), missed calls adding no points, no
/// hysteresis. It reaches `warning` (held at `watch` for a check-in call first) exactly when
/// the channel's seed rule fires.
pub fn seed_rule(profile: &str, channel: &str) -> Profile {
    Profile::from_json(&format!(
        r#"{{"name":"{profile}_seed_{channel}","extends":"{profile}","signals":["{channel}","checkin"],
            "routine":{{"mode":"fixed"}},"levels":{{"hysteresis":0}},"cross_check":{{"contradicted_factor":0}},
            "checkins":{{"points_each":0}},"inactivity":{{"{channel}":{{"weight":50}}}}}}"#
    ))
    .unwrap()
}

/// Whether a seed rule's assessment says the rule has fired (at warning, or held at watch
/// for a check-in call first).
pub fn seed_fired(a: &Assessment) -> bool {
    a.level >= Level::Warning
        || a.reasons
            .iter()
            .any(|r| r.kind == anbu::ReasonKind::Escalation && r.detail.starts_with("held below warning"))
}

/// Whether an SOS, what the person said on a call or what a visit found holds the
/// assessment up (not the silence).
fn raised_by_the_person(a: &Assessment) -> bool {
    a.reasons.iter().any(|r| {
        r.contribution > 0.0
            && matches!(r.kind, anbu::ReasonKind::Sos | anbu::ReasonKind::Concern | anbu::ReasonKind::Disposition)
    })
}

/// The safety floor, checked against the seed rules' rows (`seeds`, one run per channel,
/// on the same grid as `anbu`): wherever a seed rule has fired, anbu recommends at least a
/// check-in call (where the person has them; else warning), at least `warning` once a call
/// was missed after it fired (counted from the first hour it was seen fired, of the `missed`
/// calls, and after the last of the `urgent` signs of life: an SOS or a check-in answered,
/// with concern or not, which keep a seed rule's level up while they start its silence
/// again), or once the seed rule itself is at `warning` with none missed (no outcome came of
/// the call it held for: nothing heard, the caseworker), and `critical` once two were.
/// A call missed ahead of the rule (the floor asks `floor_call_ahead_h` before it fires) is
/// not its call: the floor asks again when the rule fires, as the seed service calls then, and
/// must be at `warning` an hour after the rule is seen fired if nothing was heard of it.
/// Returns a description of the first violation.
pub fn floor_violation(
    anbu: &[Assessment],
    seeds: &[Vec<Assessment>],
    missed: &[Timestamp],
    urgent: &[Timestamp],
    checkin: bool,
) -> Option<String> {
    use anbu::Action;
    // From when the floor asks (`floor_call_ahead_h` before the rule fires), with the hour the
    // grid may see the rule fired after it did.
    let ahead_h = Profile::builtin("full").expect("built in").escalation.floor_call_ahead_h;
    let ahead_ms = ((ahead_h + 1.0) * HOUR_MS as f64) as i64;
    let mut since: Option<Timestamp> = None;
    for (k, a) in anbu.iter().enumerate() {
        // The rule fired on silence: not a level that what the person did or said holds up (an
        // SOS, a call answered with a request for help, held for a day): that is a sign of life,
        // and the silence, and the rule's run, begin again after it.
        let fired = seeds.iter().any(|rows| {
            rows.get(k).is_some_and(|s| {
                assert_eq!(s.at, a.at);
                seed_fired(s) && !raised_by_the_person(s)
            })
        });
        // A seed rule past its call-first hold: it fired and no call's outcome came (with no
        // call missed, the only way its missed calls, worth no points, leave it at warning).
        let alerted = seeds.iter().any(|rows| rows.get(k).is_some_and(|s| s.level >= Level::Warning));
        if !fired {
            since = None;
            continue;
        }
        let run = *since.get_or_insert(a.at);
        let from = urgent.iter().filter(|t| **t <= a.at).fold(run, |f, t| f.max(*t));
        let mut since_from = missed.iter().filter(|t| **t >= from && **t <= a.at);
        let m = since_from.clone().count();
        // Calls missed ahead of the rule (within `ahead_ms` before the first hour it is seen
        // fired, and before the misses counted since): the seed service
        // calls when its rule fires, so the floor asks again then and waits up to an hour
        // (`tuning::FLOOR_RECALL_H`) for that call's outcome.
        let ahead = missed.iter().any(|t| *t < from && *t >= run.plus_millis(-ahead_ms));
        let recall_unheard = ahead && a.at.millis_since(run) >= HOUR_MS;
        // The caseworker's rung (issue 16): a visit on missed calls waits at notify for up to
        // `escalation.caseworker_h` (1 h by default) after the second miss.
        let rung = since_from.nth(1).is_some_and(|second| a.at.millis_since(*second) < HOUR_MS);
        let need = match (checkin, m) {
            (false, _) => (Level::Warning, Action::Notify),
            (true, 0) if recall_unheard || (alerted && !ahead) => (Level::Warning, Action::Notify),
            (true, 0) => (Level::Watch, Action::CheckinCall),
            (true, 1) => (Level::Warning, Action::Notify),
            (true, _) if rung => (Level::Critical, Action::Notify),
            (true, _) => (Level::Critical, Action::Dispatch),
        };
        if (a.level, a.action) < need {
            return Some(format!(
                "at {}: a seed rule fired (seen since {from}, {m} calls missed since), anbu gave {} {} < {} {}: {:?}",
                a.at, a.level, a.action, need.0, need.1, a.reasons
            ));
        }
    }
    None
}

// --- Field cases, shared by the scenario tests and the casebook ------------------------------

/// `days` ordinary days with a TV that is never switched off (±1 W of noise, within the
/// plug's tolerance).
pub fn tv_never_switched_off(days: u32) -> Home {
    let mut home = Home::new("p");
    for d in 0..days {
        home.ordinary_day(d, true, true);
    }
    home.events.retain(|e| e.device() != "plug-tv");
    home.plug(0.0, f64::from(days) * 24.0, |h| 85.0 + (h * 7.0).sin());
    home
}

/// Ten ordinary days with a TV that is never switched off and a check-in call answered each
/// day at 10:00, then a collapse on day 10 at 10:00 right after answering it: the TV stays
/// on, the phone reports zero steps until day 14, and the calls at `missed` hours after the
/// collapse go unanswered. Returns the home and the hour of the collapse.
pub fn tv_on_collapse(missed: &[f64]) -> (Home, f64) {
    let mut home = Home::new("p");
    for d in 0..10 {
        home.ordinary_day(d, true, true);
        home.checkin(d as f64 * 24.0 + 10.0, CheckinOutcome::Answered);
    }
    home.ordinary_day(10, true, true);
    let collapse = 10.0 * 24.0 + 10.0;
    let cut = home.ts(collapse);
    home.events.retain(|e| e.device() != "plug-tv" && e.ts <= cut);
    home.checkin(collapse, CheckinOutcome::Answered);
    home.plug(0.0, 14.0 * 24.0, |_| 85.0);
    for h in (collapse as u32 + 1)..(14 * 24) {
        home.steps(h as f64 + 0.99, 0);
    }
    for m in missed {
        home.checkin(collapse + m, CheckinOutcome::Missed);
    }
    (home, collapse)
}

/// `days` ordinary days in which every check-in call (10:00 and 15:00) and every incoming
/// call (16:00) goes unanswered: a phone kept on silent.
pub fn phone_on_silent(days: u32) -> Home {
    let mut home = Home::new("p");
    for d in 0..days {
        home.ordinary_day(d, true, true);
        let b = d as f64 * 24.0;
        home.checkin(b + 10.0, CheckinOutcome::Missed);
        home.checkin(b + 15.0, CheckinOutcome::Missed);
        home.call(b + 16.0, Direction::In, false);
    }
    home
}

/// `days` ordinary days without an outgoing call (a prepaid phone without credit); a
/// friend's calls get through every other day at 17:00.
pub fn prepaid_without_credit(days: u32) -> Home {
    let mut home = Home::new("p");
    for d in 0..days {
        home.ordinary_day(d, true, true);
        let b = d as f64 * 24.0;
        let day_start = home.ts(b);
        home.events
            .retain(|e| !(e.ts >= day_start && matches!(e.kind, EventKind::Call { direction: Direction::Out, .. })));
        if d % 2 == 0 {
            home.call(b + 17.0, Direction::In, true);
        }
    }
    home
}

/// A plug-only household (`days` ordinary days of TV) whose plug is pulled out of the wall at
/// `cut` hours: the plug's readings until then, nothing else.
pub fn plug_pulled(days: u32, cut: f64) -> Home {
    let mut home = Home::new("p");
    for d in 0..days {
        home.ordinary_day(d, false, true);
    }
    let cut = home.ts(cut);
    home.events.retain(|e| e.device() == "plug-tv" && e.ts < cut);
    home
}

/// Four ordinary days, then ten of fading activity (fewer steps, the TV shorter, no more
/// going out, a call every third day, the check-in call answered), then a collapse on day 14
/// at 07:00: the phone goes dark, the plug reports standby, the check-in calls at 10:00 and
/// 11:00 of days 14-16 go unanswered. Returns the home and the hour of the collapse.
pub fn ten_day_decline_then_collapse() -> (Home, f64) {
    let mut home = Home::new("p");
    for d in 0..4 {
        home.ordinary_day(d, true, true);
    }
    for d in 4..14 {
        let b = d as f64 * 24.0;
        let fade = 1.0 - (d - 4) as f64 / 10.0;
        let tv_end = 12.0 + 8.0 * fade;
        home.plug(b, b + 24.0, |h| if (8.0..tv_end).contains(&(h - b)) { 85.0 } else { 0.5 });
        for h in 8..20 {
            home.steps(b + h as f64, (300.0 * fade) as u32 + 10);
        }
        if d % 3 == 0 {
            home.call(b + 19.0, Direction::Out, true);
        }
        home.unlock(b + 9.0);
        home.checkin(b + 10.0, CheckinOutcome::Answered);
    }
    home.plug(14.0 * 24.0, 17.0 * 24.0, |_| 0.5);
    for d in 14..17 {
        home.checkin(d as f64 * 24.0 + 10.0, CheckinOutcome::Missed);
        home.checkin(d as f64 * 24.0 + 11.0, CheckinOutcome::Missed);
    }
    (home, 14.0 * 24.0 + 7.0)
}

/// Check-in payloads for property tests: every outcome, by the automatic call or by staff, and
/// a concern of every category.
pub fn checkins() -> impl proptest::strategy::Strategy<Value = EventKind> {
    use proptest::prelude::*;
    prop_oneof![
        (0usize..5, 0usize..2)
            .prop_map(|(o, b)| EventKind::checkin(CheckinOutcome::ALL[o]).with_by(By::from(CheckinBy::ALL[b]))),
        (0usize..6).prop_map(|c| EventKind::checkin(CheckinOutcome::Concern).with_category(ConcernCategory::ALL[c])),
    ]
}
