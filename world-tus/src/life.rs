//! A person's life: who they are (persona), what happens to them besides an incident
//! (episodes: ordinary life and field nuisances), and the resulting state per 10-minute slot.

use crate::incidents::{Course, IncidentPlan, Living};
use crate::occupancy::{self, Habits, SLOTS_PER_DAY, State};
use crate::rng::Rng;

/// Who a person is: their routine and their habits with the devices.
#[derive(Clone, Debug)]
pub struct Persona {
    /// The routine's name in the stories.
    pub routine: &'static str,
    /// The occupancy chain's knobs.
    pub habits: Habits,
    /// Multiplier on the TUS probability of watching TV.
    pub tv_propensity: f64,
    /// Falls asleep with the TV on (a sleep timer turns it off within two hours).
    pub tv_sleeper: bool,
    /// The TV's power when on, watts.
    pub tv_watts: f64,
    /// The TV's standby power, watts.
    pub standby_watts: f64,
    /// Daylight reaching the plug's light sensor at noon on a clear day, lux (0: behind the TV).
    pub window_lux: f64,
    /// Light from the room lamp at the plug, lux.
    pub lamp_lux: f64,
    /// Steps per 10 minutes out.
    pub walk: f64,
    /// Steps per 10 minutes awake at home.
    pub home_steps: f64,
    /// Outgoing calls per hour awake.
    pub calls_out_per_h: f64,
    /// Incoming calls per hour, 08:00-21:00.
    pub calls_in_per_h: f64,
    /// Phone unlocks per hour awake.
    pub unlocks_per_h: f64,
    /// The step app reports hours with no steps too (otherwise only hours with steps).
    pub zero_step_reports: bool,
}

impl Persona {
    /// Draws a persona.
    pub fn draw(rng: &mut Rng) -> Persona {
        let u = rng.unit();
        let (routine, shift, out_prob, tv) = if u < 0.30 {
            ("regular", rng.int(-5, 5), rng.range(0.55, 0.9), rng.range(0.7, 1.4))
        } else if u < 0.45 {
            ("early_riser", rng.int(-12, -6), rng.range(0.6, 0.9), rng.range(0.6, 1.2))
        } else if u < 0.58 {
            ("night_owl", rng.int(6, 12), rng.range(0.5, 0.85), rng.range(0.8, 1.6))
        } else if u < 0.74 {
            ("homebody", rng.int(-6, 6), rng.range(0.15, 0.4), rng.range(1.0, 1.8))
        } else if u < 0.86 {
            ("walker", rng.int(-9, 3), rng.range(0.85, 0.98), rng.range(0.4, 0.9))
        } else {
            ("tv_watcher", rng.int(-4, 8), rng.range(0.35, 0.7), rng.range(1.6, 2.4))
        };
        let rare_caller = rng.chance(0.25);
        let call_scale = if rare_caller { 0.15 } else { 1.0 };
        Persona {
            routine,
            habits: Habits { days_off: Default::default(), shift, out_prob, home_by_night: rng.range(0.15, 0.5) },
            tv_propensity: tv,
            tv_sleeper: rng.chance(0.25),
            tv_watts: rng.range(55.0, 160.0),
            standby_watts: rng.range(0.3, 2.5),
            window_lux: if rng.chance(0.4) { rng.range(0.0, 15.0) } else { rng.range(60.0, 450.0) },
            lamp_lux: rng.range(60.0, 260.0),
            walk: rng.range(60.0, 250.0) * if routine == "walker" { 1.6 } else { 1.0 },
            home_steps: rng.range(10.0, 60.0),
            calls_out_per_h: rng.range(0.03, 0.25) * call_scale,
            calls_in_per_h: rng.range(0.04, 0.25) * call_scale,
            unlocks_per_h: rng.range(0.5, 4.0),
            zero_step_reports: rng.chance(0.5),
        }
    }
}

/// A span of world slots, `from` included, `to` excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// First slot.
    pub from: usize,
    /// Slot after the last.
    pub to: usize,
}

impl Span {
    /// Whether `slot` lies in the span.
    pub fn contains(self, slot: usize) -> bool {
        self.from <= slot && slot < self.to
    }

    fn overlaps(self, other: Span) -> bool {
        self.from < other.to && other.from < self.to
    }
}

/// Something that happens to a person for a while, besides an incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Episode {
    /// A trip to family (ordinary life); `registered`: an absence was registered beforehand.
    Trip {
        /// Whether the absence was registered.
        registered: bool,
    },
    /// A cold: days at home, weaker (ordinary life).
    Cold,
    /// An unregistered hospital stay: everything silent for days (nuisance `hospital_stay`).
    HospitalStay,
    /// The TV on day and night (nuisance `tv_always_on`).
    TvAlwaysOn,
    /// The phone on silent: calls and check-ins missed (nuisance `phone_silent`).
    PhoneSilent,
    /// A prepaid phone without credit: no outgoing calls (nuisance `prepaid_no_credit`).
    PrepaidNoCredit,
    /// The smart plug pulled from the wall: readings stop (nuisance `plug_pulled`).
    PlugPulled,
}

impl Episode {
    /// The episode's name in the stories.
    pub fn name(self) -> &'static str {
        match self {
            Episode::Trip { registered: true } => "trip_registered",
            Episode::Trip { registered: false } => "trip",
            Episode::Cold => "cold",
            Episode::HospitalStay => "hospital_stay",
            Episode::TvAlwaysOn => "tv_always_on",
            Episode::PhoneSilent => "phone_silent",
            Episode::PrepaidNoCredit => "prepaid_no_credit",
            Episode::PlugPulled => "plug_pulled",
        }
    }

    /// Whether the person is away from home, with the state it imposes.
    fn overlay(self) -> Option<State> {
        match self {
            Episode::Trip { .. } => Some(State::Visiting),
            Episode::HospitalStay => Some(State::Hospital),
            _ => None,
        }
    }
}

/// The nuisances (field cases), in the order shares are dealt.
pub const NUISANCES: [Episode; 5] =
    [Episode::TvAlwaysOn, Episode::PhoneSilent, Episode::PrepaidNoCredit, Episode::PlugPulled, Episode::HospitalStay];

/// Places episodes on the calendar without overlapping each other's or the incident's days.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    /// Episodes placed so far.
    pub episodes: Vec<(Episode, Span)>,
    /// No life episode (trip, cold, hospital) may start from here (an incident's onset).
    pub busy_from: Option<usize>,
}

impl Calendar {
    /// Tries a few times to place an episode of `days` days (from `hour` local) in
    /// `[first_day, last_day]`, apart from the others; whether it was placed.
    pub fn place(
        &mut self,
        episode: Episode,
        days: (i64, i64),
        first_day: i64,
        rng: &mut Rng,
        world_days: i64,
    ) -> bool {
        let day = SLOTS_PER_DAY as usize;
        for _ in 0..12 {
            let len = rng.int(days.0, days.1);
            let from_day = rng.int(first_day, world_days - len - 1);
            if from_day < first_day {
                return false;
            }
            let from = from_day as usize * day + rng.int(54, 78) as usize; // leaves 09:00-13:00
            let to = (from as i64 + len * day as i64 + rng.int(-18, 36)) as usize; // back days later, by day
            let span = Span { from, to };
            let free = self.episodes.iter().filter(|(e, _)| is_life(*e)).all(|(_, s)| !s.overlaps(span))
                && self.busy_from.is_none_or(|b| to + day <= b);
            if free {
                self.episodes.push((episode, span));
                return true;
            }
        }
        false
    }
}

fn is_life(e: Episode) -> bool {
    matches!(e, Episode::Trip { .. } | Episode::Cold | Episode::HospitalStay)
}

/// A person's life, slot by slot.
#[derive(Clone, Debug)]
pub struct Life {
    /// Who they are.
    pub persona: Persona,
    /// Their state per 10-minute slot.
    pub states: Vec<State>,
    /// Their strength per slot, percent.
    pub vigor: Vec<u8>,
    /// Episodes (ordinary life and nuisances).
    pub episodes: Vec<(Episode, Span)>,
    /// The incident, as it happened.
    pub course: Option<Course>,
}

impl Life {
    /// Draws a life of `slots` slots.
    pub fn draw(
        persona: Persona,
        episodes: Vec<(Episode, Span)>,
        incident: Option<IncidentPlan>,
        slots: usize,
        rng: &mut Rng,
    ) -> Life {
        let mut vigor = vec![100u8; slots];
        for (e, span) in &episodes {
            if *e == Episode::Cold {
                for v in vigor.iter_mut().take(span.to.min(slots)).skip(span.from) {
                    *v = 50;
                }
            }
        }
        if let Some(plan) = &incident {
            for (k, v) in vigor.iter_mut().enumerate().skip(plan.onset) {
                if let Some(x) = plan.vigor(k) {
                    *v = (x * 100.0).round() as u8;
                }
            }
        }
        let mut living = incident.map(Living::new);
        let mut states = Vec::with_capacity(slots);
        let mut cur = occupancy::first(&persona.habits, rng);
        for (k, &strength) in vigor.iter().enumerate() {
            let v = f64::from(strength) / 100.0;
            if k > 0 {
                cur = occupancy::next(cur, k as i64, &persona.habits, v, rng);
            }
            let imposed = living
                .as_mut()
                .and_then(|l| l.overlay(k, cur))
                .or_else(|| episodes.iter().find(|(_, s)| s.contains(k)).and_then(|(e, _)| e.overlay()));
            match imposed {
                Some(s) => {
                    states.push(s);
                    // Whoever comes back comes in awake.
                    cur = State::Home;
                }
                None => states.push(cur),
            }
        }
        let course = living.and_then(|l| l.course(slots));
        Life { persona, states, vigor, episodes, course }
    }

    /// Whether an episode of this kind covers `slot`.
    pub fn in_episode(&self, kind: Episode, slot: usize) -> bool {
        self.episodes.iter().any(|(e, s)| *e == kind && s.contains(slot))
    }

    /// Whether an episode of this kind happens at all.
    pub fn has_episode(&self, pred: impl Fn(Episode) -> bool) -> bool {
        self.episodes.iter().any(|(e, _)| pred(*e))
    }
}
