//! The safety floor, by construction: for every channel a profile watches, the seed's fixed
//! rule of that channel is a floor. Over generated histories (persons on random built-in
//! profiles and devices, days of routine-like activity, then sometimes an incident,
//! nuisances, registered absences and check-in outcomes of every kind), wherever a channel's
//! seed rule has fired (each replayed alone as anbu's own `fixed` mode, `common::seed_rule`),
//! anbu recommends at least the check-in call, and the caseworker and dispatch as calls are
//! missed after it; the first call comes no later than the first rule fires; and nobody is
//! sent on silence at the first assessment that asks for anyone (the caseworker first).

use anbu::{
    Action, AppAction, Assessment, CheckinOutcome, Direction, DoorState, Event, EventKind, MINUTE_MS, Person, Profile,
    ReasonKind, ReplayOptions, Timestamp, replay,
};
use proptest::prelude::*;

use crate::common;

/// 2024-05-01T00:00:00+09:00, a Wednesday.
const T0: i64 = 1_714_489_200_000;

const PROFILES: [&str; 5] = ["plug_only", "call_only", "call_app", "call_iot", "full"];
const DEVICES: [&str; 6] = ["plug", "door", "phone", "steps", "app", "checkin"];

/// Something in the person's life that today's fixed rules get wrong.
#[derive(Clone, Copy, Debug)]
enum Nuisance {
    None,
    /// The TV is never switched off.
    TvAlwaysOn,
    /// The phone is kept on silent: check-in calls and incoming calls go unanswered.
    PhoneSilent,
    /// The plug is pulled out of the wall on this day.
    PlugPulled(u32),
}

/// All activity stops at `hour`.
#[derive(Clone, Debug)]
struct Incident {
    hour: u32,
    /// The TV stays on at a steady load (else the plug reports standby).
    tv_stays_on: bool,
    /// The phone keeps reporting zero steps (else it goes dark).
    zero_steps: bool,
    /// The outcomes of the daily check-in calls after it (`None`: no call placed).
    outcomes: Vec<Option<CheckinOutcome>>,
}

#[derive(Clone, Debug)]
struct Life {
    profile: usize,
    /// Installed devices (bits of `DEVICES`); 0 means as the profile says.
    devices: u8,
    days: u32,
    wake: u32,
    sleep: u32,
    tv_morning: bool,
    tv_evening_from: u32,
    /// Chance of going out on a day, in tenths.
    out_tenths: u32,
    /// Chance of an outgoing call on a day, in tenths.
    call_tenths: u32,
    checkin_hour: u32,
    /// Chance the daily check-in call is answered, in tenths.
    answer_tenths: u32,
    nuisance: Nuisance,
    /// A registered absence: start hour and length in hours.
    absence: Option<(u32, u32)>,
    incident: Option<Incident>,
    seed: u64,
}

fn outcome() -> impl Strategy<Value = Option<CheckinOutcome>> {
    prop_oneof![
        6 => Just(Some(CheckinOutcome::Missed)),
        2 => Just(Some(CheckinOutcome::Answered)),
        1 => Just(Some(CheckinOutcome::Concern)),
        2 => Just(None),
    ]
}

fn life() -> impl Strategy<Value = Life> {
    let nuisance = prop_oneof![
        4 => Just(Nuisance::None),
        2 => Just(Nuisance::TvAlwaysOn),
        2 => Just(Nuisance::PhoneSilent),
        1 => (1u32..14).prop_map(Nuisance::PlugPulled),
    ];
    let incident = (0u32..24 * 16, any::<bool>(), any::<bool>(), proptest::collection::vec(outcome(), 4))
        .prop_map(|(hour, tv_stays_on, zero_steps, outcomes)| Incident { hour, tv_stays_on, zero_steps, outcomes });
    (
        (0usize..5, prop_oneof![2 => Just(0u8), 1 => 1u8..64], 2u32..16, 5u32..9, 21u32..24, any::<bool>(), 17u32..20),
        (0u32..8, 0u32..11, 8u32..18, prop_oneof![3 => Just(10u32), 2 => 7u32..10, 1 => 0u32..4], nuisance),
        (proptest::option::weighted(0.25, (24u32..24 * 14, 12u32..72)), proptest::option::weighted(0.7, incident)),
        any::<u64>(),
    )
        .prop_map(
            |(
                (profile, devices, days, wake, sleep, tv_morning, tv_evening_from),
                (out_tenths, call_tenths, checkin_hour, answer_tenths, nuisance),
                (absence, incident),
                seed,
            )| {
                let incident = incident.map(|mut i| {
                    i.hour = 24 + i.hour % (days * 24);
                    i
                });
                Life {
                    profile,
                    devices,
                    days,
                    wake,
                    sleep,
                    tv_morning,
                    tv_evening_from,
                    out_tenths,
                    call_tenths,
                    checkin_hour,
                    answer_tenths,
                    nuisance,
                    absence,
                    incident,
                    seed,
                }
            },
        )
}

/// A small deterministic generator for the jitter of one life.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// True with chance `tenths` / 10.
    fn chance(&mut self, tenths: u32) -> bool {
        self.next() % 10 < u64::from(tenths)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn ts(minute: u64) -> Timestamp {
    Timestamp::from_millis(T0 + minute as i64 * MINUTE_MS).unwrap()
}

impl Life {
    /// The hours the events span: the routine days, and four days after an incident.
    fn end_hour(&self) -> u32 {
        let routine = self.days * 24;
        match &self.incident {
            Some(i) => routine.max(i.hour + 96),
            None => routine + 24,
        }
    }

    fn events(&self) -> Vec<Event> {
        let mut rng = Rng(self.seed);
        let mut out = Vec::new();
        let mut push = |minute: u64, device: &str, kind: EventKind| {
            out.push(Event::new("p", ts(minute), Some(device), kind).unwrap());
        };
        let end = self.end_hour();
        let stop = self.incident.as_ref().map_or(u32::MAX, |i| i.hour);
        let away = |h: u32| self.absence.is_some_and(|(s, len)| h >= s && h < s + len);
        if let Some((start, len)) = self.absence {
            push(u64::from(start) * 60, "away", EventKind::away(ts(u64::from(start + len) * 60)));
        }
        let pulled = match self.nuisance {
            Nuisance::PlugPulled(d) => d * 24 + 13,
            _ => u32::MAX,
        };
        for h in 0..end {
            let (day, hod) = (h / 24, h % 24);
            let alive = h < stop;
            let home = alive && !away(h);
            let awake = hod >= self.wake && hod < self.sleep;
            // Going out today, and when.
            let mut day_rng = Rng(self.seed ^ u64::from(day).wrapping_mul(0x1234_5678_9ABC_DEF1));
            let goes_out = day_rng.chance(self.out_tenths);
            let out_at = self.wake + 2 + day_rng.below(4) as u32;
            let is_out = goes_out && (out_at..out_at + 2).contains(&hod);
            // The plug, every 15 minutes.
            if h < pulled {
                for q in 0..4u64 {
                    let tv = match self.nuisance {
                        Nuisance::TvAlwaysOn => true,
                        _ if !alive => self.incident.as_ref().is_some_and(|i| i.tv_stays_on),
                        _ => {
                            home && awake
                                && !is_out
                                && ((self.tv_morning && hod < self.wake + 2) || hod >= self.tv_evening_from)
                        }
                    };
                    let watts = if tv { 85.0 } else { 0.5 };
                    push(u64::from(h) * 60 + q * 15, "plug-tv", EventKind::plug(watts).with_lux(80.0));
                }
            }
            // The door.
            if home && goes_out && hod == out_at {
                push(u64::from(h) * 60 + 5, "door-front", EventKind::door(DoorState::Open));
                push(u64::from(h) * 60 + 6, "door-front", EventKind::door(DoorState::Closed));
            }
            if alive && !away(h) && goes_out && hod == out_at + 2 {
                push(u64::from(h) * 60 + 1, "door-front", EventKind::door(DoorState::Open));
                push(u64::from(h) * 60 + 2, "door-front", EventKind::door(DoorState::Closed));
            }
            // The phone: steps every hour, phone use, calls.
            let zero_steps = self.incident.as_ref().is_some_and(|i| i.zero_steps);
            if alive || zero_steps {
                let steps = match () {
                    _ if !alive => 0,
                    _ if is_out => 1200 + rng.below(600) as u32,
                    _ if awake => 60 + rng.below(120) as u32,
                    _ => 0,
                };
                push(u64::from(h) * 60 + 59, "phone", EventKind::steps(steps));
            }
            if alive && awake && rng.chance(2) {
                push(u64::from(h) * 60 + rng.below(50), "phone", EventKind::app(AppAction::Unlock));
            }
            if alive && hod == 19 && rng.chance(self.call_tenths) {
                push(u64::from(h) * 60 + 10, "phone", EventKind::call(Direction::Out, true));
            }
            if alive && hod == 16 && rng.chance(3) {
                let answered = !matches!(self.nuisance, Nuisance::PhoneSilent) && rng.chance(8);
                push(u64::from(h) * 60 + 20, "phone", EventKind::call(Direction::In, answered));
            }
            // The daily check-in call.
            if hod == self.checkin_hour {
                let outcome = if alive {
                    if away(h) || matches!(self.nuisance, Nuisance::PhoneSilent) || !rng.chance(self.answer_tenths) {
                        Some(CheckinOutcome::Missed)
                    } else {
                        Some(CheckinOutcome::Answered)
                    }
                } else {
                    let i = self.incident.as_ref().map_or(0, |i| ((h - i.hour) / 24) as usize);
                    self.incident.as_ref().and_then(|inc| inc.outcomes.get(i).copied().flatten())
                };
                if let Some(outcome) = outcome {
                    push(u64::from(h) * 60 + 30, "checkin", EventKind::checkin(outcome));
                }
                // A second call an hour later, as the field does after a missed one.
                if alive && outcome == Some(CheckinOutcome::Missed) && rng.chance(5) {
                    push(u64::from(h) * 60 + 90, "checkin", EventKind::checkin(CheckinOutcome::Missed));
                }
            }
        }
        out.sort_by_key(|e| e.ts);
        out
    }

    fn person(&self, profile: &str) -> Person {
        let devices: Vec<&str> =
            (0..DEVICES.len()).filter(|i| self.devices & (1 << i) != 0).map(|i| DEVICES[i]).collect();
        Person::new("p", profile).unwrap().with_devices(&devices.join(",")).unwrap()
    }
}

/// The channels the person is watched on (device names for `with_devices`), and whether
/// they have check-in calls.
fn watched(life: &Life) -> (Vec<(&'static str, &'static str)>, bool) {
    let all = [("call", "phone"), ("steps", "steps"), ("door", "door"), ("plug", "plug"), ("app", "app")];
    if life.devices == 0 {
        let p = Profile::builtin(PROFILES[life.profile]).unwrap();
        let has = |name: &str| p.signals.iter().any(|s| s.as_str() == name);
        (all.into_iter().filter(|(c, _)| has(c)).collect(), has("checkin"))
    } else {
        let has = |name: &str| DEVICES.iter().enumerate().any(|(i, d)| *d == name && life.devices & (1 << i) != 0);
        (all.into_iter().filter(|(_, d)| has(d)).collect(), has("checkin"))
    }
}

/// The same events replayed with the built-in (adaptive) profile, and with each watched
/// channel's seed rule alone (see `common::seed_rule`).
fn replay_all(life: &Life) -> (Vec<Assessment>, Vec<Vec<Assessment>>, Vec<Event>) {
    let name = PROFILES[life.profile];
    let events = life.events();
    let (channels, checkin) = watched(life);
    let profiles = channels.iter().map(|(c, _)| common::seed_rule(name, c)).collect();
    let options = ReplayOptions { profiles, threads: 1, ..ReplayOptions::default() };
    let anbu = replay(events.clone(), &[life.person(name)], &options).unwrap();
    let seeds = channels
        .iter()
        .map(|(c, device)| {
            let devices = if checkin { format!("{device},checkin") } else { device.to_string() };
            let person = Person::new("p", &format!("{name}_seed_{c}")).unwrap().with_devices(&devices).unwrap();
            replay(events.clone(), &[person], &options).unwrap()
        })
        .collect();
    (anbu, seeds, events)
}

fn missed_calls(events: &[Event]) -> Vec<Timestamp> {
    events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Checkin { outcome: CheckinOutcome::Missed, .. }))
        .map(|e| e.ts)
        .collect()
}

/// SOS presses and answered check-in calls: signs of life that may keep a level up.
fn urgent(events: &[Event]) -> Vec<Timestamp> {
    let answered = |e: &&Event| {
        matches!(
            e.kind,
            EventKind::Sos { .. }
                | EventKind::Checkin { outcome: CheckinOutcome::Answered | CheckinOutcome::Concern, .. }
        )
    };
    events.iter().filter(answered).map(|e| e.ts).collect()
}

/// When the plug rule fires on the plug's readings alone (the smart-plug service), for a
/// person watched on the plug.
fn plug_alone_fired(life: &Life, events: &[Event]) -> Option<Timestamp> {
    if !watched(life).0.iter().any(|(c, _)| *c == "plug") {
        return None;
    }
    let person = Person::new("p", "plug_only").unwrap().with_devices("plug").unwrap();
    let rule = anbu::backtest::plug_rule(events, &[person]).unwrap();
    let options = ReplayOptions { profiles: vec![rule.profile.clone()], threads: 1, ..ReplayOptions::default() };
    let rows = replay(rule.events.clone(), &rule.persons, &options).unwrap();
    rows.iter().find(|a| a.level >= anbu::Level::Warning).map(|a| a.at)
}

fn first_fired(seeds: &[Vec<Assessment>]) -> Option<Timestamp> {
    seeds.iter().filter_map(|rows| rows.iter().find(|a| common::seed_fired(a)).map(|a| a.at)).min()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_seed_rules_are_a_floor(life in life()) {
        let (anbu, seeds, events) = replay_all(&life);
        let (_, checkin) = watched(&life);
        if let Some(v) = common::floor_violation(&anbu, &seeds, &missed_calls(&events), &urgent(&events), checkin) {
            prop_assert!(false, "{}", v);
        }
        // The ladder: nobody is sent on silence at the first assessment that asks for anyone;
        // the caseworker (`notify`) is asked first.
        for w in anbu.windows(2) {
            let skips = w[1].reasons.iter().any(|r| {
                matches!(r.kind, ReasonKind::Sos | ReasonKind::Concern | ReasonKind::Disposition)
            });
            if w[1].action == Action::Dispatch && !skips {
                prop_assert!(w[0].action >= Action::Notify, "sent at {} with nobody asked at {}", w[1].at, w[0].at);
            }
        }
        // The first check-in call (or alert) comes no later than the first seed rule fires:
        // each channel's alone as replayed here, and the plug's as the smart-plug service
        // runs it, on the plug's readings alone (outside registered absences, which that
        // service does not know).
        let plug = if life.absence.is_none() { plug_alone_fired(&life, &events) } else { None };
        if let Some(fired) = first_fired(&seeds).into_iter().chain(plug).min() {
            let first = anbu.iter().find(|a| a.action >= Action::CheckinCall).map(|a| a.at);
            prop_assert!(first.is_some_and(|t| t <= fired), "anbu first at {:?}, a seed rule fired at {}", first, fired);
        }
    }
}

/// Where the floor is not binding, the assessment is the learned routine's, unchanged; where
/// it is, a `safety_floor` reason says so and the reasons still add up to the score.
#[test]
fn the_floor_reason_appears_only_where_the_floor_decides() {
    let life = Life {
        profile: 0,
        devices: 0,
        days: 14,
        wake: 7,
        sleep: 23,
        tv_morning: false,
        tv_evening_from: 18,
        out_tenths: 0,
        call_tenths: 0,
        checkin_hour: 10,
        answer_tenths: 10,
        nuisance: Nuisance::None,
        absence: None,
        incident: Some(Incident { hour: 14 * 24 - 2, tv_stays_on: true, zero_steps: false, outcomes: vec![None; 4] }),
        seed: 7,
    };
    let (anbu, seeds, events) = replay_all(&life);
    // The plug rule as the smart-plug service runs it, on the plug's readings alone (the TV
    // came on at 18:00 and was never touched again), and as each channel's seed rule alone.
    let plug = plug_alone_fired(&life, &events);
    let fired = first_fired(&seeds).into_iter().chain(plug).min().expect("the plug rule fires");
    let mut floored = 0;
    for a in &anbu {
        let on_floor: Vec<_> = a.reasons.iter().filter(|r| r.kind == anbu::ReasonKind::SafetyFloor).collect();
        if let Some(r) = on_floor.first() {
            floored += 1;
            // The floor asks for its call ahead of the rule by `escalation.floor_call_ahead_h`.
            let ahead = Profile::builtin("plug_only").unwrap().escalation.floor_call_ahead_h;
            assert!(a.at >= fired.plus_millis(-(ahead * anbu::HOUR_MS as f64) as i64), "{a:?}");
            let tense = if a.at < fired { "fires" } else { "fired" };
            assert!(r.detail.starts_with(&format!("safety floor: the seed rule of plug {tense} at ")), "{}", r.detail);
            let sum: f64 = a.reasons.iter().map(|r| r.contribution).sum();
            assert!((sum - a.score).abs() < 0.35, "{sum} vs {}: {a:?}", a.score);
        }
    }
    assert!(floored > 0, "the TV left on after a collapse: the seed rule decides some hours");
}
