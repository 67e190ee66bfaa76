//! From a life to the spec's events, per the devices the person has.
//!
//! - door (`door-front`): open and closed (a minute apart) when the person leaves or comes
//!   home, and now and then without leaving (rubbish out, a parcel); an hourly heartbeat.
//! - steps (`phone`): hourly counts (`interval_s` 3600) at the end of each hour the phone is
//!   on; most when out (60-250 per 10 minutes out, walkers more), a few at home when awake;
//!   some step apps leave out hours with none.
//! - plug (`plug-tv`): every 15 minutes the TV's watts (on, or standby) and the light at
//!   the plug (daylight through the window, the lamp when dark and someone is up, the TV's glow).
//!   The TV is on per the TUS "watching TV" profile, scaled by the person's taste.
//! - calls (`phone`): outgoing calls while about (Poisson per hour awake), incoming calls
//!   08:00-21:00, answered as the person's state allows; missed incoming calls are logged.
//! - app (`phone`): unlocks while about, a charge at bedtime, data, now and then an SMS.
//! - away: a registered trip, and the registered absence after a person was found.
//! - sos (`sos-button`): the emergency button.

use anbu::{AppAction, Direction, DoorState, Event, EventKind, MINUTE_MS, Signal, Timestamp};

use crate::incidents::IncidentKind;
use crate::life::{Episode, Life};
use crate::occupancy::{self, SLOTS_PER_DAY, State};
use crate::rng::Rng;
use crate::tables::TV;

/// The devices installed for a person (a phone for check-in calls everyone has).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Devices {
    /// The phone's call log is watched.
    pub call: bool,
    /// The step-count app.
    pub steps: bool,
    /// The door sensor.
    pub door: bool,
    /// The smart plug on the TV.
    pub plug: bool,
    /// The phone-use app.
    pub app: bool,
}

impl Devices {
    /// The devices of a profile's usual installation.
    pub fn of_profile(profile: &str) -> Devices {
        let mut d = Devices::default();
        match profile {
            "plug_only" => d.plug = true,
            "call_only" => d.call = true,
            "call_app" => (d.call, d.steps, d.app) = (true, true, true),
            "call_iot" => (d.call, d.door, d.plug) = (true, true, true),
            _ => (d.call, d.steps, d.door, d.plug, d.app) = (true, true, true, true, true),
        }
        d
    }

    /// The `devices` text of the persons table.
    pub fn text(self) -> String {
        let mut out: Vec<&str> = Vec::new();
        for (on, name) in
            [(self.plug, "plug"), (self.door, "door"), (self.call, "phone"), (self.steps, "steps"), (self.app, "app")]
        {
            if on {
                out.push(name);
            }
        }
        out.push("checkin");
        out.join(",")
    }

    /// Whether the device of `signal` is installed.
    pub fn has(self, signal: Signal) -> bool {
        match signal {
            Signal::Call => self.call,
            Signal::Steps => self.steps,
            Signal::Door => self.door,
            Signal::Plug => self.plug,
            Signal::App => self.app,
            _ => true,
        }
    }
}

/// Daylight outside Seoul's windows at `minute` of world day `day` (0 = 6 January), 0 to 1:
/// sunrise from 07:47 to 06:14 and sunset from 17:28 to 18:55 over the first 90 days.
pub fn daylight(day: i64, minute: f64) -> f64 {
    let f = (day as f64 / 90.0).clamp(0.0, 1.5);
    let (rise, set) = (467.0 - 93.0 * f, 1048.0 + 87.0 * f);
    if minute <= rise || minute >= set { 0.0 } else { (std::f64::consts::PI * (minute - rise) / (set - rise)).sin() }
}

/// Writes one person's events.
pub struct Writer<'a> {
    person: &'a str,
    start: Timestamp,
    events: Vec<Event>,
}

impl<'a> Writer<'a> {
    fn push(&mut self, minute: f64, device: &str, kind: EventKind) {
        let ts = self.start.plus_millis((minute * MINUTE_MS as f64).round() as i64);
        let e = Event::new(self.person, ts, Some(device), kind).expect("the world writes valid events");
        self.events.push(e);
    }
}

/// The person's events over the life's slots, from `start` (local midnight).
pub fn events(person: &str, life: &Life, devices: Devices, start: Timestamp, rng: &mut Rng) -> Vec<Event> {
    let mut w = Writer { person, start, events: Vec::new() };
    let slots = life.states.len();
    let p = &life.persona;
    let tv = tv_states(life, rng);
    let lamp = lamp_states(life);
    let slot_min = 10.0;
    for k in 0..slots {
        let s = life.states[k];
        let prev = if k == 0 { s } else { life.states[k - 1] };
        let v = f64::from(life.vigor[k]) / 100.0;
        let m0 = k as f64 * slot_min;
        let clock = (k as i64 % SLOTS_PER_DAY) as f64 * slot_min; // local minute of day
        // Door.
        if devices.door {
            if k % 6 == 0 {
                w.push(m0, "door-front", EventKind::heartbeat());
            }
            let found = life.course.as_ref().is_some_and(|c| c.end == Some(k) && c.kind != IncidentKind::AcuteIllness);
            let chore = s == State::Home && (420.0..1260.0).contains(&clock) && rng.chance(0.012);
            if prev.at_home() != s.at_home() || found || chore {
                let t = m0 + rng.range(0.0, 8.0);
                w.push(t, "door-front", EventKind::door(DoorState::Open));
                w.push(t + rng.range(0.3, 1.5), "door-front", EventKind::door(DoorState::Closed));
            }
        }
        // Calls.
        if devices.call && s.phone_on() {
            let silent = life.in_episode(Episode::PhoneSilent, k);
            if s.about() && !life.in_episode(Episode::PrepaidNoCredit, k) {
                for _ in 0..rng.poisson(p.calls_out_per_h / 6.0 * v.sqrt()) {
                    let answered = rng.chance(0.8);
                    let duration = answered.then(|| (120.0 * (0.9 * rng.normal()).exp()).clamp(5.0, 3600.0).round());
                    let kind = EventKind::call(Direction::Out, answered).with_duration_s(duration);
                    w.push(m0 + rng.range(0.0, 10.0), "phone", kind);
                }
            }
            if (480.0..1260.0).contains(&clock) {
                for _ in 0..rng.poisson(p.calls_in_per_h / 6.0) {
                    let base = match s {
                        State::Home => 0.9,
                        State::Out => 0.7,
                        State::Visiting => 0.85,
                        State::Asleep => 0.15,
                        State::Nap => 0.5,
                        State::Bedridden => 0.05,
                        _ => 0.0,
                    };
                    let answered = rng.chance(base * v.sqrt() * if silent { 0.1 } else { 1.0 });
                    let duration = answered.then(|| (150.0 * (0.9 * rng.normal()).exp()).clamp(5.0, 3600.0).round());
                    let kind = EventKind::call(Direction::In, answered).with_duration_s(duration);
                    w.push(m0 + rng.range(0.0, 10.0), "phone", kind);
                }
            }
        }
        // Phone use.
        if devices.app && s.phone_on() {
            let per_h = match s {
                _ if s.about() => p.unlocks_per_h * v.sqrt(),
                State::Bedridden => 0.12,
                _ => 0.0,
            };
            for _ in 0..rng.poisson(per_h / 6.0) {
                w.push(m0 + rng.range(0.0, 10.0), "phone", EventKind::app(AppAction::Unlock));
            }
            if s.about() {
                if rng.chance(0.3 / 6.0) {
                    w.push(m0 + rng.range(0.0, 10.0), "phone", EventKind::app(AppAction::Data));
                }
                if rng.chance(0.03 / 6.0) {
                    w.push(m0 + rng.range(0.0, 10.0), "phone", EventKind::app(AppAction::SmsOut));
                }
            }
            if prev == State::Home && s == State::Asleep && rng.chance(0.6) {
                // Put on charge at bedtime.
                w.push(m0 + rng.range(0.0, 5.0), "phone", EventKind::app(AppAction::Charge));
            }
        }
        // Steps, at the end of each hour.
        if devices.steps && k % 6 == 5 {
            let hour = k - 5..=k;
            if hour.clone().any(|j| life.states[j].phone_on()) {
                let steps: f64 = hour.map(|j| slot_steps(life, j, rng)).sum();
                let steps = steps.round() as u32;
                if steps > 0 || p.zero_step_reports {
                    w.push(m0 + slot_min, "phone", EventKind::steps(steps));
                }
            }
        }
        // Plug: readings at :00, :15, :30, :45.
        if devices.plug && !life.in_episode(Episode::PlugPulled, k) {
            for q in [0.0, 15.0, 30.0, 45.0] {
                let within = q - (k % 6) as f64 * slot_min;
                if !(0.0..slot_min).contains(&within) {
                    continue;
                }
                let minute = m0 + within;
                let day = k as i64 / SLOTS_PER_DAY;
                let cloud = cloud_of(day, p.window_lux);
                let mut lux = daylight(day, clock + within) * p.window_lux * cloud;
                if lamp[k] {
                    lux += p.lamp_lux;
                }
                let watts = if tv[k] {
                    lux += 12.0;
                    p.tv_watts * (1.0 + 0.05 * rng.normal())
                } else {
                    p.standby_watts + 0.05 * rng.normal()
                };
                let lux = (lux * (1.0 + 0.03 * rng.normal()) + 1.5 * rng.normal()).max(0.0);
                let reading = EventKind::plug((watts.max(0.0) * 10.0).round() / 10.0).with_lux(lux.round());
                w.push(minute, "plug-tv", reading);
            }
        }
    }
    extras(&mut w, life, slots, rng);
    w.events
}

/// Registered absences and the emergency button.
fn extras(w: &mut Writer<'_>, life: &Life, slots: usize, rng: &mut Rng) {
    let end_minute = slots as f64 * 10.0;
    for (e, span) in &life.episodes {
        if *e == (Episode::Trip { registered: true }) {
            let from = span.from as f64 * 10.0;
            let until =
                w.start.plus_millis(((span.to as f64 * 10.0 + rng.range(0.0, 600.0)) * MINUTE_MS as f64) as i64);
            w.push((from - rng.range(60.0, 1800.0)).max(0.0), "away", EventKind::away(until));
        }
    }
    if let Some(c) = &life.course {
        if let Some(minute) = c.sos_minute {
            w.push(minute as f64, "sos-button", EventKind::sos());
        }
        if let (Some(end), true) = (c.end, c.kind != IncidentKind::AcuteIllness) {
            let back = c.back.map_or(end_minute + 1440.0, |b| b as f64 * 10.0);
            let until = w.start.plus_millis((back * MINUTE_MS as f64) as i64);
            w.push(end as f64 * 10.0 + 30.0, "away", EventKind::away(until));
        }
    }
}

/// How clear day `day` is at the plug (0.25 to 1), the same for every reading of the day.
fn cloud_of(day: i64, salt: f64) -> f64 {
    0.25 + 0.75 * crate::rng::unit_of(&[day as u64, salt.to_bits()])
}

/// Steps walked in slot `k`.
fn slot_steps(life: &Life, k: usize, rng: &mut Rng) -> f64 {
    let p = &life.persona;
    let v = f64::from(life.vigor[k]) / 100.0;
    let noisy = |mean: f64, rng: &mut Rng| (mean * (1.0 + 0.35 * rng.normal())).max(0.0);
    match life.states[k] {
        State::Out => noisy(p.walk * v, rng),
        State::Visiting => noisy(p.walk * 0.35, rng),
        State::Home => noisy(p.home_steps * v, rng),
        State::Asleep | State::Nap if rng.chance(0.04) => rng.range(8.0, 40.0),
        State::Bedridden if rng.chance(0.03) => rng.range(2.0, 25.0),
        _ => 0.0,
    }
}

/// Whether the TV is on, per slot: a two-state chain whose share of "on" follows the TUS
/// probability of watching TV (times the person's taste), sessions of 70 minutes on average.
fn tv_states(life: &Life, rng: &mut Rng) -> Vec<bool> {
    let p = &life.persona;
    let mut on = false;
    let mut asleep_on = 0;
    let mut out = Vec::with_capacity(life.states.len());
    let fall = life.course.as_ref().and_then(|c| c.fall);
    let tv_stays_on = life.course.as_ref().is_some_and(|c| c.tv_stays_on);
    let stop = 1.0 / 7.0;
    for (k, s) in life.states.iter().enumerate() {
        on = match s {
            _ if life.in_episode(Episode::TvAlwaysOn, k) => true,
            State::Home => {
                let (step, weekend) = occupancy::table_time(k as i64, &p.habits);
                let share = (occupancy::p_activity(weekend, TV, step) * p.tv_propensity).min(0.9);
                let start = (share * stop / (1.0 - share)).min(1.0);
                if on { !rng.chance(stop) } else { rng.chance(start) }
            }
            State::Asleep | State::Nap if on && p.tv_sleeper && asleep_on < 12 => {
                asleep_on += 1;
                true
            }
            State::Down if fall.is_some_and(|f| k >= f) => tv_stays_on,
            _ => false,
        };
        if !matches!(s, State::Asleep | State::Nap) {
            asleep_on = 0;
        }
        out.push(on);
    }
    out
}

/// Whether the lamp is on, per slot: someone up at home in the dark; after a fall it stays
/// as it was.
fn lamp_states(life: &Life) -> Vec<bool> {
    let mut out = Vec::with_capacity(life.states.len());
    let mut lamp = false;
    for (k, s) in life.states.iter().enumerate() {
        let day = k as i64 / SLOTS_PER_DAY;
        let minute = (k as i64 % SLOTS_PER_DAY) as f64 * 10.0 + 5.0;
        lamp = match s {
            State::Home => daylight(day, minute) < 0.15,
            State::Down | State::Bedridden => lamp,
            _ => false,
        };
        out.push(lamp);
    }
    out
}
