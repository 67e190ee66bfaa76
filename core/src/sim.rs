//! A seeded cohort simulator: people living alone with different routines, the ordinary
//! irregularities of their lives, the field cases that fool fixed rules, and real incidents,
//! as the spec's event, person and incident tables.
//!
//! ## Who is simulated
//! Each person has a routine: when they wake and sleep, how much they go out, call, walk and
//! watch TV (`early_riser`, `night_owl`, `homebound_tv`, `walker`, `irregular`, and `drinker`:
//! irregular days, and after a drinking night a morning slept through). Days differ: later at
//! weekends, less going out and more TV in winter (December to February). Ordinary life
//! brings unregistered trips away from home (one to three nights with family, at a rate of
//! 0 to 2 a month that differs per person) and days in bed with a cold (no TV, no lamp, few
//! steps). Each person has a profile tier with its devices, possibly one nuisance (a TV left
//! on day and night, a phone kept on silent, a prepaid phone without credit, a plug pulled
//! out of the wall, an unregistered hospital stay) and possibly one incident:
//!
//! | incident | what happens | its `start` |
//! |---|---|---|
//! | `sudden_collapse` | activity stops at once; a TV that was on stays on | the collapse |
//! | `decline` | activity fades over 4 to 10 days, then the person collapses | when activity has fallen to half of usual: from then on the person can no longer look after themselves |
//! | `acute_illness` | much less activity, in bed; check-in calls are missed or answered with `concern` | the onset |
//! | `sos` | the person presses the emergency button and cannot get up | the press |
//!
//! The person is found 12 to 72 hours later (SOS: within 2 hours), which ends the incident,
//! and stays in hospital for one to two weeks, registered as an absence.
//!
//! ## Check-in calls on demand
//! [`Cohort::answer_checkin`] tells what a simulated person would answer to an automatic
//! check-in call placed at any moment, from the same world that produced their events (asleep,
//! out, collapsed, phone on silent...), so that a backtest can place the calls an engine asks
//! for and feed the outcomes back (see [`crate::replay_closed_loop`]).
//!
//! The same configuration always gives the same cohort.
//!
//! ```
//! use anbu::sim::{SimConfig, simulate};
//! let cohort = simulate(&SimConfig { persons: 5, days: 3, seed: 7, ..SimConfig::default() });
//! assert_eq!(cohort.persons.len(), 5);
//! assert!(!cohort.events.is_empty());
//! assert_eq!(cohort, simulate(&SimConfig { persons: 5, days: 3, seed: 7, ..SimConfig::default() }));
//! ```

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::error::{Error, Result};
use crate::event::{Event, EventKind};
use crate::incident::Incident;
use crate::person::Person;
use crate::time::{DAY_MS, HOUR_MS, Timestamp};
use crate::value::{Value, count};
use crate::vocab::{AppAction, CheckinOutcome, Direction, DoorState};

/// What to simulate. As data (serde), every field is optional and takes its default; `start`
/// is RFC 3339 text or epoch milliseconds.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Number of persons.
    pub persons: usize,
    /// Number of days.
    pub days: u32,
    /// Random seed.
    pub seed: u64,
    /// Local midnight (Asia/Seoul) of the first day.
    pub start: Timestamp,
    /// Share of persons with an incident somewhere in the period (0 to 1).
    pub incident_share: f64,
    /// Share of persons with a nuisance (a field case that fools fixed rules).
    pub nuisance_share: f64,
    /// Extra persons whose incident starts in the last day and a half, at staggered
    /// times, so that a replay's last hour shows every level (for demonstrations).
    pub recent_incidents: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            persons: 300,
            days: 90,
            seed: 1,
            // 2024-05-01T00:00:00+09:00
            start: Timestamp::from_millis_in_range(1_714_489_200_000),
            incident_share: 0.1,
            nuisance_share: 0.3,
            recent_incidents: 0,
        }
    }
}

pub use crate::limits::MAX_PERSON_DAYS;

impl SimConfig {
    /// Sets an option from a [`Value`], as the bindings pass theirs (the field names of
    /// [`SimConfig`]): `persons`, `days`, `recent_incidents` and `seed` are whole numbers >= 0
    /// (a whole float is one), `start` a time ([`Timestamp::from_value`]), `incident_share`
    /// and `nuisance_share` numbers from 0 to 1. Errors are [`Error::InvalidArgument`] naming
    /// the option. [`SimConfig::check`] then checks the whole.
    ///
    /// ```
    /// use anbu::Value;
    /// use anbu::sim::SimConfig;
    /// let mut cfg = SimConfig::default();
    /// cfg.set("persons", Value::Float(20.0))?;
    /// cfg.set("start", Value::Text("2024-06-01T00:00:00+09:00"))?;
    /// assert_eq!(cfg.persons, 20);
    /// let err = cfg.set("days", Value::Int(-3)).unwrap_err();
    /// assert_eq!(err.to_string(), "argument `days`: must be a whole number >= 0, got -3");
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn set(&mut self, name: &str, value: Value<'_>) -> Result<()> {
        match name {
            "persons" => self.persons = count(name, value)?,
            "days" => self.days = count(name, value)?,
            "recent_incidents" => self.recent_incidents = count(name, value)?,
            "seed" => self.seed = count(name, value)?,
            "start" => self.start = Timestamp::from_value(name, value)?,
            "incident_share" => self.incident_share = share(name, value)?,
            "nuisance_share" => self.nuisance_share = share(name, value)?,
            _ => {
                return Err(Error::argument(
                    name,
                    "unknown simulation option (options: persons, days, seed, start, incident_share, \
                     nuisance_share, recent_incidents)",
                ));
            }
        }
        Ok(())
    }

    /// Checks the whole configuration: shares from 0 to 1, and at most [`MAX_PERSON_DAYS`]
    /// person-days.
    ///
    /// ```
    /// use anbu::sim::SimConfig;
    /// let huge = SimConfig { persons: 100_000_000, ..SimConfig::default() };
    /// let err = huge.check().unwrap_err().to_string();
    /// assert!(err.starts_with("argument `persons`: 100000000 persons x 90 days is 9000000000 person-days"), "{err}");
    /// ```
    pub fn check(&self) -> Result<()> {
        for (name, x) in [("incident_share", self.incident_share), ("nuisance_share", self.nuisance_share)] {
            share(name, Value::Float(x))?;
        }
        let persons = self.persons as u64 + self.recent_incidents as u64;
        let person_days = persons.saturating_mul(u64::from(self.days));
        if person_days > MAX_PERSON_DAYS {
            return Err(Error::argument(
                "persons",
                format!(
                    "{persons} persons x {} days is {person_days} person-days, more than the {MAX_PERSON_DAYS} \
                     one simulation makes (anbu::sim::MAX_PERSON_DAYS); simulate fewer persons or days",
                    self.days
                ),
            ));
        }
        Ok(())
    }
}

/// A share from 0 to 1.
fn share(name: &str, value: Value<'_>) -> Result<f64> {
    let x = match value {
        Value::Int(i) => Some(i as f64),
        Value::Float(x) => Some(x),
        _ => None,
    };
    match x {
        Some(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(Error::argument(name, format!("must be a number from 0 to 1, got {}", value.what()))),
    }
}

/// Simulates a cohort after checking its configuration ([`SimConfig::check`]): what the
/// bindings call, so that no request can make a cohort too large to hold.
///
/// ```
/// use anbu::sim::{SimConfig, try_simulate};
/// assert!(try_simulate(&SimConfig { persons: 3, days: 2, ..SimConfig::default() }).is_ok());
/// assert!(try_simulate(&SimConfig { persons: 1_000_000, days: 1, ..SimConfig::default() }).is_err());
/// ```
pub fn try_simulate(cfg: &SimConfig) -> Result<Cohort> {
    try_simulate_watched(cfg, &SimWatch::default())
}

/// What a caller watches a long simulation with, as [`ReplayOptions`](crate::ReplayOptions)
/// has them: a counter of the persons simulated so far, and a flag that stops it.
#[derive(Clone, Debug, Default)]
pub struct SimWatch {
    /// Counts the persons simulated so far (one added as each person is done), of
    /// `persons + recent_incidents`, for a progress display.
    pub progress: Option<Arc<AtomicU64>>,
    /// Set to stop the simulation early with [`Error::Interrupted`] (looked at after each person).
    pub cancel: Option<Arc<AtomicBool>>,
}

/// [`try_simulate`] with a progress counter and a cancel flag.
///
/// ```
/// use std::sync::{Arc, atomic::{AtomicBool, AtomicU64, Ordering}};
/// use anbu::sim::{SimConfig, SimWatch, try_simulate, try_simulate_watched};
/// let cfg = SimConfig { persons: 4, days: 2, recent_incidents: 1, ..SimConfig::default() };
/// let done = Arc::new(AtomicU64::new(0));
/// let watched = try_simulate_watched(&cfg, &SimWatch { progress: Some(done.clone()), cancel: None })?;
/// assert_eq!(done.load(Ordering::Relaxed), 5);
/// assert_eq!(watched, try_simulate(&cfg)?);
/// let stop = SimWatch { cancel: Some(Arc::new(AtomicBool::new(true))), ..SimWatch::default() };
/// assert!(matches!(try_simulate_watched(&cfg, &stop), Err(anbu::Error::Interrupted)));
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn try_simulate_watched(cfg: &SimConfig, watch: &SimWatch) -> Result<Cohort> {
    cfg.check()?;
    generate(cfg, || {
        if let Some(done) = &watch.progress {
            done.fetch_add(1, Ordering::Relaxed);
        }
        match &watch.cancel {
            Some(c) if c.load(Ordering::Relaxed) => Err(Error::Interrupted),
            _ => Ok(()),
        }
    })
}

/// A simulated person's story, for display and evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct SimCase {
    /// The person.
    pub person: String,
    /// Their routine: `early_riser`, `night_owl`, `homebound_tv`, `walker`, `irregular`, `drinker`.
    pub routine: &'static str,
    /// The field case they live with, if any.
    pub nuisance: Option<&'static str>,
    /// What happens to them, if anything: `sudden_collapse`, `decline`, `acute_illness`, `sos`.
    pub incident: Option<&'static str>,
}

/// A simulated cohort: the spec's three tables and each person's story.
#[derive(Clone, Debug, PartialEq)]
pub struct Cohort {
    /// Events, in time order.
    pub events: Vec<Event>,
    /// Persons with their profile and devices.
    pub persons: Vec<Person>,
    /// Ground truth.
    pub incidents: Vec<Incident>,
    /// Each person's story, in person order.
    pub cases: Vec<SimCase>,
    /// Each person's simulated life, in person order (answers on-demand check-in calls).
    lives: Vec<Life>,
    seed: u64,
    start: Timestamp,
}

impl Cohort {
    /// What the person would answer to an automatic check-in call placed at `at`: from the
    /// same simulated life as their events (asleep, out, collapsed, phone on silent...).
    /// `None` for a person not in the cohort or a time outside the simulated period.
    /// The answer depends only on the cohort, the person and `at`.
    ///
    /// ```
    /// use anbu::sim::{SimConfig, simulate};
    /// let cohort = simulate(&SimConfig { persons: 3, days: 2, ..SimConfig::default() });
    /// let at = cohort.events[0].ts.plus_millis(12 * anbu::HOUR_MS);
    /// let person = &cohort.persons[0].person;
    /// assert!(cohort.answer_checkin(person, at).is_some());
    /// assert_eq!(cohort.answer_checkin(person, at), cohort.answer_checkin(person, at));
    /// assert_eq!(cohort.answer_checkin("nobody", at), None);
    /// ```
    pub fn answer_checkin(&self, person: &str, at: Timestamp) -> Option<CheckinOutcome> {
        let i = self.cases.binary_search_by(|c| c.person.as_str().cmp(person)).ok()?;
        let life = self.lives.get(i)?;
        let h = at.millis_since(self.start) as f64 / HOUR_MS as f64;
        if h < 0.0 || h >= life.days.len() as f64 * 24.0 {
            return None;
        }
        let mut rng = Rng(self.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ at.as_millis() as u64);
        rng.next();
        Some(life.checkin_outcome(h, &mut rng))
    }
}

impl crate::replay::CheckinResponder for Cohort {
    fn answer(&self, person: &str, at: Timestamp) -> Option<CheckinOutcome> {
        self.answer_checkin(person, at)
    }
}

/// SplitMix64: small, fast, and good enough for simulation.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let out = crate::splitmix::mix(self.0);
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        out
    }
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.f() * n as f64) as usize % n.max(1)
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Routine {
    name: &'static str,
    wake: f64,
    sleep: f64, // may exceed 24 (after midnight)
    out_prob: f64,
    calls_out: f64,
    calls_in: f64,
    tv_hours: f64,
    walker: bool,
    irregular: bool,
    /// Chance of a drinking night, after which the morning is slept through.
    binge: f64,
}

const ROUTINES: [Routine; 6] = [
    Routine {
        name: "early_riser",
        wake: 5.0,
        sleep: 21.0,
        out_prob: 0.7,
        calls_out: 1.2,
        calls_in: 1.0,
        tv_hours: 4.0,
        walker: false,
        irregular: false,
        binge: 0.0,
    },
    Routine {
        name: "night_owl",
        wake: 10.5,
        sleep: 26.0,
        out_prob: 0.5,
        calls_out: 1.0,
        calls_in: 0.8,
        tv_hours: 6.0,
        walker: false,
        irregular: false,
        binge: 0.0,
    },
    Routine {
        name: "homebound_tv",
        wake: 7.0,
        sleep: 23.0,
        out_prob: 0.1,
        calls_out: 0.8,
        calls_in: 1.0,
        tv_hours: 11.0,
        walker: false,
        irregular: false,
        binge: 0.0,
    },
    Routine {
        name: "walker",
        wake: 6.0,
        sleep: 22.0,
        out_prob: 0.95,
        calls_out: 0.2,
        calls_in: 0.3,
        tv_hours: 2.0,
        walker: true,
        irregular: false,
        binge: 0.0,
    },
    Routine {
        name: "irregular",
        wake: 9.0,
        sleep: 25.0,
        out_prob: 0.4,
        calls_out: 0.7,
        calls_in: 0.5,
        tv_hours: 6.0,
        walker: false,
        irregular: true,
        binge: 0.0,
    },
    Routine {
        name: "drinker",
        wake: 9.0,
        sleep: 24.0,
        out_prob: 0.5,
        calls_out: 0.6,
        calls_in: 0.4,
        tv_hours: 7.0,
        walker: false,
        irregular: true,
        binge: 0.2,
    },
];

const NUISANCES: [&str; 5] = ["tv_always_on", "phone_silent", "prepaid_no_credit", "plug_pulled", "hospital_stay"];
const INCIDENTS: [&str; 4] = ["sudden_collapse", "decline", "acute_illness", "sos"];
const PROFILES: [(&str, &str); 5] = [
    ("plug_only", "plug,checkin"),
    ("call_only", "phone,checkin"),
    ("call_app", "phone,steps,app,checkin"),
    ("call_iot", "phone,door,plug,checkin"),
    ("full", "phone,steps,app,door,plug,checkin"),
];
/// Trips away from home a month, by person (drawn from these).
const TRIP_RATES: [f64; 5] = [0.0, 0.0, 0.5, 1.0, 2.0];
/// Days in bed with a cold a month, by person.
const SICK_RATES: [f64; 4] = [0.0, 0.3, 0.7, 1.5];
/// Activity left during an acute illness.
const ILL_VIGOR: f64 = 0.25;
/// Activity at which a declining person can no longer look after themselves (the incident's start).
const DECLINE_START_VIGOR: f64 = 0.5;
/// Activity at the end of a decline, before the collapse.
const DECLINE_FLOOR: f64 = 0.15;

/// How a person's life unfolds around their nuisance and incident (hours from the start).
#[derive(Clone, Debug, PartialEq)]
struct Plan {
    routine: Routine,
    profile: usize,
    nuisance: Option<&'static str>,
    nuisance_from: f64,
    nuisance_to: f64,
    incident: Option<&'static str>,
    /// The collapse (for a decline, at its end), the illness's onset or the SOS press.
    incident_at: f64,
    /// When the person is found (then in hospital, registered away, until `back_at`).
    found_at: f64,
    back_at: f64,
    decline_days: f64,
    tv_watts: f64,
    /// Whether a lamp near the plug goes on in the evening (its light is seen by the plug).
    lamp: bool,
    /// Unregistered trips away from home: leave, return.
    trips: Vec<(f64, f64)>,
}

/// One day's schedule (hours from the start).
#[derive(Clone, Debug, PartialEq)]
struct Day {
    wake: f64,
    sleep: f64,
    out: Option<(f64, f64)>,
    tv: [(f64, f64); 2],
    sick: bool,
}

/// A simulated person's life: the plan and every day's schedule.
#[derive(Clone, Debug, PartialEq)]
struct Life {
    plan: Plan,
    days: Vec<Day>,
}

impl Plan {
    fn has(&self, device: &str) -> bool {
        PROFILES[self.profile].1.split(',').any(|d| d == device)
    }
    fn nuisance_on(&self, name: &str, h: f64) -> bool {
        self.nuisance == Some(name) && h >= self.nuisance_from && h < self.nuisance_to
    }
    /// When trouble begins: the incident, or the start of a decline.
    fn trouble_from(&self) -> f64 {
        match self.incident {
            Some("decline") => self.incident_at - self.decline_days * 24.0,
            _ => self.incident_at,
        }
    }
    /// The incident's `start` (see the module docs).
    fn incident_start(&self) -> f64 {
        match self.incident {
            // vigor = floor + (1 - floor) * left, so vigor reaches the start level at this share left.
            Some("decline") => {
                let left = (DECLINE_START_VIGOR - DECLINE_FLOOR) / (1.0 - DECLINE_FLOOR);
                self.incident_at - left * self.decline_days * 24.0
            }
            _ => self.incident_at,
        }
    }
    /// Activity multiplier at hour `h`: 1 normally, fading during a decline, low during an
    /// acute illness, 0 after a collapse.
    fn vigor(&self, h: f64) -> f64 {
        if h >= self.back_at {
            return 1.0;
        }
        match self.incident {
            Some("acute_illness") if h >= self.found_at => 0.0,
            Some("acute_illness") if h >= self.incident_at => ILL_VIGOR,
            Some(_) if h >= self.incident_at => 0.0,
            Some("decline") if h >= self.trouble_from() => {
                let left = (self.incident_at - h) / (self.decline_days * 24.0);
                DECLINE_FLOOR + (1.0 - DECLINE_FLOOR) * left
            }
            _ => 1.0,
        }
    }
    fn on_trip(&self, h: f64) -> bool {
        self.trips.iter().any(|&(a, b)| a <= h && h < b)
    }
    /// Whether the phone is dark: the person collapsed (or is in hospital after it).
    fn phone_dead(&self, h: f64) -> bool {
        self.vigor(h) == 0.0 && self.incident.is_some()
    }
    fn ill(&self, h: f64) -> bool {
        self.incident.is_some_and(|i| i == "acute_illness" || i == "decline")
            && self.vigor(h) > 0.0
            && self.vigor(h) < 0.4
    }
}

impl Life {
    fn day(&self, h: f64) -> Option<&Day> {
        if h < 0.0 {
            return None;
        }
        self.days.get((h / 24.0) as usize)
    }
    fn awake(&self, h: f64) -> bool {
        let d = (h / 24.0).floor() as i64;
        [d - 1, d]
            .into_iter()
            .filter_map(|k| usize::try_from(k).ok())
            .filter_map(|k| self.days.get(k))
            .any(|day| day.wake <= h && h < day.sleep)
    }
    fn outside(&self, h: f64) -> bool {
        self.plan.on_trip(h) || self.day(h).and_then(|d| d.out).is_some_and(|(a, b)| a <= h && h < b)
    }
    fn in_hospital(&self, h: f64) -> bool {
        self.plan.nuisance_on("hospital_stay", h) || (h >= self.plan.found_at && h < self.plan.back_at)
    }
    /// The outcome of an automatic check-in call at hour `h`.
    fn checkin_outcome(&self, h: f64, rng: &mut Rng) -> CheckinOutcome {
        let p = &self.plan;
        let u = rng.f();
        if p.phone_dead(h) || p.nuisance_on("phone_silent", h) {
            CheckinOutcome::Missed
        } else if p.ill(h) {
            if u < 0.4 {
                CheckinOutcome::Concern
            } else if u < 0.75 {
                CheckinOutcome::Missed
            } else {
                CheckinOutcome::Answered
            }
        } else if !self.awake(h) {
            // Some calls wake the person up.
            if u < 0.15 { CheckinOutcome::Answered } else { CheckinOutcome::Missed }
        } else if (p.on_trip(h) && u < 0.15) || (self.outside(h) && !p.on_trip(h) && u < 0.5) || u < 0.05 {
            CheckinOutcome::Missed
        } else {
            CheckinOutcome::Answered
        }
    }
}

/// Simulates a cohort.
pub fn simulate(cfg: &SimConfig) -> Cohort {
    match generate(cfg, || Ok::<(), Infallible>(())) {
        Ok(cohort) => cohort,
        Err(never) => match never {},
    }
}

/// Simulates a cohort, calling `after_each` after each person (its error stops it).
fn generate<E>(
    cfg: &SimConfig,
    mut after_each: impl FnMut() -> std::result::Result<(), E>,
) -> std::result::Result<Cohort, E> {
    let mut rng = Rng(cfg.seed ^ 0xA5A5_5A5A_1234_5678);
    let n = cfg.persons + cfg.recent_incidents;
    let width = n.to_string().len().max(3);
    let mut cohort = Cohort {
        events: Vec::new(),
        persons: Vec::new(),
        incidents: Vec::new(),
        cases: Vec::new(),
        lives: Vec::new(),
        seed: cfg.seed,
        start: cfg.start,
    };
    for i in 0..n {
        let id = format!("p-{:0width$}", i + 1);
        let recent = i >= cfg.persons;
        let plan = plan(cfg, i, recent, &mut rng);
        let (pname, devices) = PROFILES[plan.profile];
        if let Ok(p) = Person::new(&id, pname).and_then(|p| p.with_devices(devices)) {
            cohort.persons.push(p);
        }
        if plan.incident.is_some() {
            let at = |h: f64| cfg.start.plus_millis((h * HOUR_MS as f64) as i64);
            let end = plan.found_at.is_finite().then(|| at(plan.found_at));
            let kind = plan.incident.map(|k| k.to_string());
            cohort.incidents.push(Incident { person: id.clone(), start: at(plan.incident_start()), end, kind });
        }
        cohort.cases.push(SimCase {
            person: id.clone(),
            routine: plan.routine.name,
            nuisance: plan.nuisance,
            incident: plan.incident,
        });
        let life = Life { days: schedule(&plan, cfg, &mut rng), plan };
        simulate_person(&id, &life, cfg, &mut rng, &mut cohort.events);
        cohort.lives.push(life);
        after_each()?;
    }
    cohort.events.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.person.cmp(&b.person)));
    Ok(cohort)
}

/// Draws one person's plan.
fn plan(cfg: &SimConfig, i: usize, recent: bool, rng: &mut Rng) -> Plan {
    let total_h = cfg.days as f64 * 24.0;
    let routine = rng.pick(&ROUTINES);
    let profile = rng.below(PROFILES.len());
    let nuisance = (!recent && rng.chance(cfg.nuisance_share)).then(|| rng.pick(&NUISANCES));
    let nuisance_from = rng.range(total_h * 0.2, total_h * 0.7);
    let nuisance_len = match nuisance {
        Some("prepaid_no_credit") => 21.0 * 24.0,
        Some("plug_pulled") => rng.range(2.0, 5.0) * 24.0,
        Some("hospital_stay") => rng.range(3.0, 7.0) * 24.0,
        _ => total_h,
    };
    let (incident, incident_at) = if recent {
        // Staggered through the last 36 hours, so the final hour shows every stage.
        let k = i - cfg.persons;
        let kinds = ["sos", "sudden_collapse", "sudden_collapse", "decline", "sudden_collapse"];
        let ago = [1.5, 50.0, 20.0, 26.0, 14.0][k % 5] + (k / 5) as f64 * 3.0;
        (Some(kinds[k % 5]), (total_h - ago).max(1.0))
    } else if rng.chance(cfg.incident_share) {
        (Some(rng.pick(&INCIDENTS)), rng.range(total_h * 0.3, total_h - 36.0).max(1.0))
    } else {
        (None, f64::INFINITY)
    };
    let found_at = match incident {
        _ if recent => f64::INFINITY,
        Some("sos") => incident_at + rng.range(0.5, 2.0),
        Some(_) => incident_at + rng.range(12.0, 72.0),
        None => f64::INFINITY,
    };
    let back_at = found_at + rng.range(7.0, 14.0) * 24.0;
    let mut plan = Plan {
        routine,
        profile: if recent { [4, 3, 0, 2, 3][(i - cfg.persons) % 5] } else { profile },
        nuisance,
        nuisance_from,
        nuisance_to: nuisance_from + nuisance_len,
        incident,
        incident_at,
        found_at,
        back_at,
        decline_days: rng.range(4.0, 10.0),
        tv_watts: rng.range(60.0, 120.0).round(),
        lamp: rng.chance(0.7),
        trips: Vec::new(),
    };
    // Trips: never during a hospital stay, nor once trouble has begun.
    let rate = rng.pick(&TRIP_RATES) / 30.0;
    let mut day = 0.0;
    while day < cfg.days as f64 {
        if rng.chance(rate) {
            let leave = day * 24.0 + routine.wake + rng.range(1.0, 5.0);
            let nights = 1.0 + rng.below(3) as f64;
            let back = (day + nights) * 24.0 + rng.range(14.0, 20.0);
            let busy = |h: f64| plan.nuisance_on("hospital_stay", h);
            if back < plan.trouble_from().min(plan.found_at) && !busy(leave) && !busy(back) {
                plan.trips.push((leave, back));
                day += nights + 1.0;
                continue;
            }
        }
        day += 1.0;
    }
    plan
}

/// Draws every day's schedule.
fn schedule(plan: &Plan, cfg: &SimConfig, rng: &mut Rng) -> Vec<Day> {
    let r = plan.routine;
    let sick_rate = rng.pick(&SICK_RATES) / 30.0;
    let mut hangover = false;
    (0..cfg.days)
        .map(|day| {
            let base = day as f64 * 24.0;
            // The day's date in Seoul (the simulated persons live there): a weekend or a
            // public holiday is a day off, when they get up later.
            let date = cfg
                .start
                .plus_millis(i64::from(day) * DAY_MS + 12 * HOUR_MS)
                .to_jiff()
                .to_zoned(jiff::tz::TimeZone::get("Asia/Seoul").unwrap_or(jiff::tz::TimeZone::UTC))
                .date();
            let weekend = date.weekday().to_monday_zero_offset() >= 5 || crate::holidays::Calendar::Kr.is_holiday(date);
            let month = date.month();
            let winter = matches!(month, 12 | 1 | 2);
            let jitter = if r.irregular { rng.range(-3.0, 3.0) } else { rng.range(-0.5, 0.5) };
            let late = if hangover { rng.range(4.0, 8.0) } else { 0.0 };
            let wake = base + r.wake + jitter + late + if weekend { 0.5 } else { 0.0 };
            let sleep = base + r.sleep + jitter;
            hangover = rng.chance(r.binge);
            let sick = rng.chance(sick_rate);
            let goes_out =
                !sick && rng.chance(r.out_prob * if winter { 0.6 } else { 1.0 } * if late > 0.0 { 0.5 } else { 1.0 });
            let out_from = wake + rng.range(1.5, 4.0);
            let out_to = out_from + rng.range(1.0, if r.walker { 4.0 } else { 2.5 });
            // TV sessions: one after waking, one in the evening.
            let tv_hours = r.tv_hours * if winter { 1.3 } else { 1.0 };
            let tv = [(wake + 0.3, wake + 0.3 + tv_hours * 0.4), (sleep - tv_hours * 0.6, sleep - 0.2)];
            Day { wake, sleep: sleep.max(wake + 1.0), out: goes_out.then_some((out_from, out_to)), tv, sick }
        })
        .collect()
}

fn push(out: &mut Vec<Event>, person: &str, cfg: &SimConfig, h: f64, device: &str, kind: EventKind) {
    let ts = cfg.start.plus_millis((h * HOUR_MS as f64) as i64);
    if let Ok(e) = Event::new(person, ts, Some(device), kind) {
        out.push(e);
    }
}

fn simulate_person(id: &str, life: &Life, cfg: &SimConfig, rng: &mut Rng, out: &mut Vec<Event>) {
    let plan = &life.plan;
    let r = plan.routine;
    let total_h = cfg.days as f64 * 24.0;
    let mut tv_on_at_collapse = false;
    let mut sos_done = false;
    let at_home = |h: f64| !plan.on_trip(h) && !life.in_hospital(h);
    for (day, d) in life.days.iter().enumerate() {
        let base = day as f64 * 24.0;
        let awake = |h: f64| life.awake(h);
        let outside = |h: f64| life.outside(h);

        // Smart plug every 15 minutes, with light.
        if plan.has("plug") {
            for q in 0..96 {
                let h = base + q as f64 * 0.25;
                if h >= total_h || plan.nuisance_on("plug_pulled", h) {
                    continue;
                }
                let v = plan.vigor(h);
                let home = v > 0.0 && at_home(h);
                let session = (h >= d.tv[0].0 && h < d.tv[0].1) || (h >= d.tv[1].0 && h < d.tv[1].1);
                let watching = if d.sick || plan.ill(h) { session && rng.chance(0.1) } else { session };
                let on_normally = home && awake(h) && !outside(h) && watching && rng.chance(0.3 + 0.7 * v);
                let tv_on = if plan.nuisance_on("tv_always_on", h) {
                    true
                } else if v == 0.0 && plan.incident.is_some() {
                    tv_on_at_collapse && h < plan.found_at
                } else {
                    on_normally
                };
                if v > 0.0 && plan.incident.is_some() && h < plan.incident_at {
                    tv_on_at_collapse = tv_on;
                }
                let watts = if tv_on { plan.tv_watts + rng.range(-1.5, 1.5) } else { 0.4 + rng.range(0.0, 0.2) };
                let hod = h - base;
                let daylight = (((hod - 6.0) / 12.0 * std::f64::consts::PI).sin() * 250.0).max(0.0);
                let lamp_on = plan.lamp
                    && home
                    && !d.sick
                    && !plan.ill(h)
                    && awake(h)
                    && !outside(h)
                    && !(6.0..18.0).contains(&hod);
                let lamp = if lamp_on { 150.0 } else { 0.0 };
                let lux = if plan.nuisance_on("tv_always_on", h) { 40.0 } else { (daylight + lamp).round() };
                push(out, id, cfg, h, "plug-tv", EventKind::plug((watts * 10.0).round() / 10.0).with_lux(lux));
            }
        }
        // Door: leaving and coming back, plus hourly heartbeats.
        if plan.has("door") {
            let mut moves: Vec<f64> = Vec::new();
            if plan.nuisance == Some("hospital_stay") && plan.nuisance_from >= base && plan.nuisance_from < base + 24.0
            {
                moves.push(plan.nuisance_from);
            }
            for &(leave, back) in &plan.trips {
                moves.extend([leave, back].into_iter().filter(|h| *h >= base && *h < base + 24.0));
            }
            if let Some((from, to)) = d.out
                && plan.vigor(from) > 0.0
                && at_home(from)
                && rng.chance(plan.vigor(from))
            {
                moves.extend([from, to]);
            }
            for h in moves {
                for (dh, state) in [(0.0, DoorState::Open), (0.01, DoorState::Closed)] {
                    if h + dh < total_h {
                        push(out, id, cfg, h + dh, "door-front", EventKind::door(state));
                    }
                }
            }
            for hh in 0..24 {
                let h = base + hh as f64 + 0.5;
                if h < total_h {
                    push(out, id, cfg, h, "door-front", EventKind::heartbeat());
                }
            }
        }
        // Phone: hourly steps, phone use, calls.
        if plan.has("steps") {
            for hh in 0..24 {
                let h = base + hh as f64 + 0.999;
                if h >= total_h {
                    continue;
                }
                let v = plan.vigor(h);
                let walking = outside(h) && (!plan.on_trip(h) || rng.chance(0.5));
                let steps = if v == 0.0 || !awake(h) {
                    0.0
                } else if d.sick || plan.ill(h) {
                    rng.range(0.0, 80.0) * v
                } else if walking || (life.in_hospital(h) && rng.chance(0.3)) {
                    rng.range(600.0, if r.walker { 4000.0 } else { 2000.0 }) * v
                } else {
                    rng.range(20.0, 250.0) * v
                };
                push(out, id, cfg, h, "phone", EventKind::steps(steps as u32));
            }
        }
        if plan.has("app") {
            let uses = (rng.range(3.0, 9.0) * plan.vigor(base + 12.0)).round() as usize;
            for _ in 0..uses {
                let h = rng.range(d.wake, d.sleep);
                if h < total_h && !plan.phone_dead(h) {
                    let action =
                        rng.pick(&[AppAction::Unlock, AppAction::Unlock, AppAction::AppOpen, AppAction::SmsOut]);
                    push(out, id, cfg, h, "phone", EventKind::app(action));
                }
            }
            let h = d.sleep - 0.1;
            if h < total_h && !plan.phone_dead(h) && rng.chance(0.8) {
                push(out, id, cfg, h, "phone", EventKind::app(AppAction::Charge));
            }
        }
        if plan.has("phone") {
            let no_credit = |h: f64| plan.nuisance_on("prepaid_no_credit", h);
            let outs = poisson(rng, r.calls_out * plan.vigor(base + 12.0));
            for _ in 0..outs {
                let h = rng.range(d.wake, d.sleep);
                if h < total_h && !plan.phone_dead(h) && !no_credit(h) {
                    push(
                        out,
                        id,
                        cfg,
                        h,
                        "phone",
                        EventKind::call(Direction::Out, rng.chance(0.85))
                            .with_duration_s(rng.range(20.0, 600.0).round()),
                    );
                }
            }
            for _ in 0..poisson(rng, r.calls_in) {
                let h = base + rng.range(9.0, 21.0);
                if h >= total_h {
                    continue;
                }
                let answered = !plan.phone_dead(h)
                    && awake(h)
                    && !plan.nuisance_on("phone_silent", h)
                    && rng.chance(if plan.ill(h) { 0.4 } else { 0.8 });
                push(
                    out,
                    id,
                    cfg,
                    h,
                    "phone",
                    EventKind::call(Direction::In, answered)
                        .with_duration_s(answered.then(|| rng.range(30.0, 900.0).round())),
                );
            }
        }
        // Daily automatic check-in call at 10:00.
        if plan.has("checkin") {
            let h = base + 10.0 + rng.range(0.0, 0.2);
            if h < total_h {
                let outcome = life.checkin_outcome(h, rng);
                push(out, id, cfg, h, "checkin", EventKind::checkin(outcome));
            }
        }
        if plan.incident == Some("sos") && !sos_done && plan.incident_at < base + 24.0 {
            sos_done = true;
            push(out, id, cfg, plan.incident_at, "sos-button", EventKind::sos());
        }
        // Found and taken to hospital: the stay is registered as an absence.
        if plan.found_at >= base && plan.found_at < base + 24.0 && plan.found_at < total_h {
            let until = cfg.start.plus_millis((plan.back_at * HOUR_MS as f64) as i64);
            push(out, id, cfg, plan.found_at, "away", EventKind::away(until));
        }
    }
}

fn poisson(rng: &mut Rng, mean: f64) -> usize {
    let l = (-mean.max(0.0)).exp();
    let mut k = 0;
    let mut p = 1.0;
    loop {
        p *= rng.f();
        if p <= l || k > 50 {
            return k;
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Signal;

    #[test]
    fn every_field_case_and_incident_kind_appears() {
        let c = simulate(&SimConfig { persons: 200, days: 30, seed: 5, ..SimConfig::default() });
        for n in NUISANCES {
            assert!(c.cases.iter().any(|k| k.nuisance == Some(n)), "{n}");
        }
        for i in INCIDENTS {
            assert!(c.cases.iter().any(|k| k.incident == Some(i)), "{i}");
        }
        for r in ROUTINES {
            assert!(c.cases.iter().any(|k| k.routine == r.name), "{}", r.name);
        }
        assert!(c.incidents.iter().all(|i| i.end.is_none_or(|e| e > i.start)));
        assert!(c.events.windows(2).all(|w| w[0].ts <= w[1].ts));
        assert!(c.lives.iter().any(|l| !l.plan.trips.is_empty()));
        assert!(c.lives.iter().any(|l| l.days.iter().any(|d| d.sick)));
    }

    #[test]
    fn winter_keeps_people_in() {
        let door_per_day = |start: &str| {
            let c = simulate(&SimConfig {
                persons: 60,
                days: 28,
                seed: 9,
                incident_share: 0.0,
                nuisance_share: 0.0,
                start: start.parse().unwrap(),
                ..SimConfig::default()
            });
            c.events.iter().filter(|e| e.signal() == Signal::Door).count() as f64 / 28.0
        };
        let (winter, summer) = (door_per_day("2024-01-01T00:00:00+09:00"), door_per_day("2024-06-01T00:00:00+09:00"));
        assert!(winter < 0.8 * summer, "winter {winter} vs summer {summer}");
    }

    #[test]
    fn a_collapsed_person_misses_every_call_and_a_well_one_answers_most() {
        let c = simulate(&SimConfig { persons: 300, days: 30, seed: 11, nuisance_share: 0.0, ..SimConfig::default() });
        let (mut well, mut answered) = (0, 0);
        for (case, life) in c.cases.iter().zip(&c.lives) {
            let p = &life.plan;
            for k in 0..30 * 24 {
                let at = c.start.plus_millis(k * HOUR_MS + 5 * crate::time::MINUTE_MS);
                let h = k as f64 + 5.0 / 60.0;
                let outcome = c.answer_checkin(&case.person, at).unwrap();
                if p.phone_dead(h) {
                    assert_eq!(outcome, CheckinOutcome::Missed, "{} at {h}", case.person);
                } else if p.incident.is_none() && life.awake(h) && !life.outside(h) {
                    well += 1;
                    answered += usize::from(outcome == CheckinOutcome::Answered);
                }
            }
        }
        let share = answered as f64 / well as f64;
        assert!(share > 0.9, "{share}");
    }
}
