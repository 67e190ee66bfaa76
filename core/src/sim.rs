//! A seeded cohort simulator: people living alone with different routines, the field
//! cases that fool fixed rules, and real incidents, as the spec's event, person and
//! incident tables.
//!
//! Each simulated person has a routine (when they wake and sleep, how much they go out,
//! call, walk and watch TV; later at weekends, more TV and less going out in winter), a profile tier with its devices, possibly one nuisance
//! (a TV left on day and night, a phone kept on silent, a prepaid phone without credit,
//! a plug pulled out of the wall, an unregistered hospital stay) and possibly one
//! incident (a sudden collapse, a decline over days ending in collapse, an SOS press).
//! The same configuration always gives the same cohort.
//!
//! ```
//! use anbu::sim::{SimConfig, simulate};
//! let cohort = simulate(&SimConfig { persons: 5, days: 3, seed: 7, ..SimConfig::default() });
//! assert_eq!(cohort.persons.len(), 5);
//! assert!(!cohort.events.is_empty());
//! assert_eq!(cohort, simulate(&SimConfig { persons: 5, days: 3, seed: 7, ..SimConfig::default() }));
//! ```

use crate::event::{AppAction, CheckinOutcome, Direction, DoorState, Event, EventKind};
use crate::incident::Incident;
use crate::person::Person;
use crate::time::{DAY_MS, HOUR_MS, Timestamp};

/// What to simulate.
#[derive(Clone, Debug, PartialEq)]
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

/// A simulated person's story, for display and evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct SimCase {
    /// The person.
    pub person: String,
    /// Their routine: `early_riser`, `night_owl`, `homebound_tv`, `walker`, `irregular`.
    pub routine: &'static str,
    /// The field case they live with, if any.
    pub nuisance: Option<&'static str>,
    /// What happens to them, if anything: `sudden_collapse`, `decline`, `sos`.
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
}

/// SplitMix64: small, fast, and good enough for simulation.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
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

#[derive(Clone, Copy)]
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
}

const ROUTINES: [Routine; 5] = [
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
    },
];

const NUISANCES: [&str; 5] = ["tv_always_on", "phone_silent", "prepaid_no_credit", "plug_pulled", "hospital_stay"];
const INCIDENTS: [&str; 3] = ["sudden_collapse", "decline", "sos"];
const PROFILES: [(&str, &str); 5] = [
    ("plug_only", "plug,checkin"),
    ("call_only", "phone,checkin"),
    ("call_app", "phone,steps,app,checkin"),
    ("call_iot", "phone,door,plug,checkin"),
    ("full", "phone,steps,app,door,plug,checkin"),
];

/// How a person's days unfold around their nuisance and incident.
struct Plan {
    routine: Routine,
    profile: usize,
    nuisance: Option<&'static str>,
    nuisance_from: f64, // hours from start
    nuisance_to: f64,
    incident: Option<&'static str>,
    incident_at: f64, // hours from start
    /// When the person is found (then in hospital, registered away, until `back_at`).
    found_at: f64,
    back_at: f64,
    decline_days: f64,
    tv_watts: f64,
}

impl Plan {
    fn has(&self, device: &str) -> bool {
        PROFILES[self.profile].1.split(',').any(|d| d == device)
    }
    fn nuisance_on(&self, name: &str, h: f64) -> bool {
        self.nuisance == Some(name) && h >= self.nuisance_from && h < self.nuisance_to
    }
    /// Activity multiplier at hour `h`: 1 normally, fading during a decline, 0 after collapse.
    fn vigor(&self, h: f64) -> f64 {
        if h >= self.back_at {
            return 1.0;
        }
        match self.incident {
            Some("sos") | Some("sudden_collapse") if h >= self.incident_at => 0.0,
            Some("decline") if h >= self.incident_at => 0.0,
            Some("decline") if h >= self.incident_at - self.decline_days * 24.0 => {
                let left = (self.incident_at - h) / (self.decline_days * 24.0);
                0.15 + 0.85 * left
            }
            _ => 1.0,
        }
    }
}

/// Simulates a cohort.
pub fn simulate(cfg: &SimConfig) -> Cohort {
    let mut rng = Rng(cfg.seed ^ 0xA5A5_5A5A_1234_5678);
    let total_h = cfg.days as f64 * 24.0;
    let n = cfg.persons + cfg.recent_incidents;
    let width = n.to_string().len().max(3);
    let mut cohort = Cohort { events: Vec::new(), persons: Vec::new(), incidents: Vec::new(), cases: Vec::new() };
    for i in 0..n {
        let id = format!("p-{:0width$}", i + 1);
        let routine = rng.pick(&ROUTINES);
        let profile = rng.below(PROFILES.len());
        let recent = i >= cfg.persons;
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
        let plan = Plan {
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
        };
        let (pname, devices) = PROFILES[plan.profile];
        if let Ok(p) = Person::new(&id, pname).and_then(|p| p.with_devices(devices)) {
            cohort.persons.push(p);
        }
        if incident.is_some() {
            let start = cfg.start.plus_millis((incident_at * HOUR_MS as f64) as i64);
            let end = plan.found_at.is_finite().then(|| cfg.start.plus_millis((plan.found_at * HOUR_MS as f64) as i64));
            cohort.incidents.push(Incident { person: id.clone(), start, end });
        }
        cohort.cases.push(SimCase { person: id.clone(), routine: routine.name, nuisance, incident });
        simulate_person(&id, &plan, cfg, &mut rng, &mut cohort.events);
    }
    cohort.events.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.person.cmp(&b.person)));
    cohort
}

fn push(out: &mut Vec<Event>, person: &str, cfg: &SimConfig, h: f64, device: &str, kind: EventKind) {
    let ts = cfg.start.plus_millis((h * HOUR_MS as f64) as i64);
    if let Ok(e) = Event::new(person, ts, Some(device), kind) {
        out.push(e);
    }
}

fn simulate_person(id: &str, plan: &Plan, cfg: &SimConfig, rng: &mut Rng, out: &mut Vec<Event>) {
    let r = plan.routine;
    let total_h = cfg.days as f64 * 24.0;
    let mut tv_on_at_collapse = false;
    let mut sos_done = false;
    for day in 0..cfg.days {
        let base = day as f64 * 24.0;
        let weekday = (day + 2) % 7; // 2024-05-01 was a Wednesday (0 = Monday)
        let weekend = weekday >= 5;
        // Winter (December to February): people go out less and watch more TV.
        let month = cfg
            .start
            .plus_millis(i64::from(day) * DAY_MS + 12 * HOUR_MS)
            .to_jiff()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .month();
        let month_winter = matches!(month, 12 | 1 | 2);
        let jitter = if r.irregular { rng.range(-3.0, 3.0) } else { rng.range(-0.5, 0.5) };
        let wake = base + r.wake + jitter + if weekend { 0.5 } else { 0.0 };
        let sleep = base + r.sleep + jitter;
        let goes_out = rng.chance(r.out_prob * if month_winter { 0.6 } else { 1.0 });
        let out_from = wake + rng.range(1.5, 4.0);
        let out_to = out_from + rng.range(1.0, if r.walker { 4.0 } else { 2.5 });
        // TV sessions: one after waking, one in the evening.
        let tv_hours = r.tv_hours * if month_winter { 1.3 } else { 1.0 };
        let tv1 = (wake + 0.3, wake + 0.3 + tv_hours * 0.4);
        let tv2 = (sleep - tv_hours * 0.6, sleep - 0.2);
        let hospital = |h: f64| plan.nuisance_on("hospital_stay", h);
        let awake = |h: f64| h >= wake && h < sleep;
        let outside = |h: f64| goes_out && h >= out_from && h < out_to;

        // Smart plug every 15 minutes, with light.
        if plan.has("plug") {
            for q in 0..96 {
                let h = base + q as f64 * 0.25;
                if h >= total_h || plan.nuisance_on("plug_pulled", h) {
                    continue;
                }
                let v = plan.vigor(h);
                let alive = v > 0.0 && !hospital(h);
                let on_normally = alive
                    && awake(h)
                    && !outside(h)
                    && ((h >= tv1.0 && h < tv1.1) || (h >= tv2.0 && h < tv2.1))
                    && rng.chance(0.3 + 0.7 * v);
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
                let lamp = if alive && awake(h) && !outside(h) && !(6.0..18.0).contains(&hod) { 150.0 } else { 0.0 };
                let lux = if plan.nuisance_on("tv_always_on", h) { 40.0 } else { (daylight + lamp).round() };
                push(
                    out,
                    id,
                    cfg,
                    h,
                    "plug-tv",
                    EventKind::Plug { watts: (watts * 10.0).round() / 10.0, lux: Some(lux) },
                );
            }
        }
        // Door: leaving and coming back, plus hourly heartbeats; leaving for the hospital.
        if plan.has("door") {
            let leave = plan.nuisance_from;
            if plan.nuisance == Some("hospital_stay") && leave >= base && leave < base + 24.0 {
                push(out, id, cfg, leave, "door-front", EventKind::Door { state: DoorState::Open });
                push(out, id, cfg, leave + 0.01, "door-front", EventKind::Door { state: DoorState::Closed });
            }
            for hh in 0..24 {
                let h = base + hh as f64 + 0.5;
                if h < total_h {
                    push(out, id, cfg, h, "door-front", EventKind::Heartbeat);
                }
            }
            if goes_out && plan.vigor(out_from) > 0.0 && !hospital(out_from) && rng.chance(plan.vigor(out_from)) {
                for (h, state) in [
                    (out_from, DoorState::Open),
                    (out_from + 0.01, DoorState::Closed),
                    (out_to, DoorState::Open),
                    (out_to + 0.01, DoorState::Closed),
                ] {
                    if h < total_h {
                        push(out, id, cfg, h, "door-front", EventKind::Door { state });
                    }
                }
            }
        }
        // Phone: hourly steps, phone use, calls.
        let phone_dead = |h: f64| plan.vigor(h) == 0.0 && plan.incident.is_some();
        if plan.has("steps") {
            for hh in 0..24 {
                let h = base + hh as f64 + 0.999;
                if h >= total_h {
                    continue;
                }
                let v = plan.vigor(h);
                let steps = if v == 0.0 || !awake(h) {
                    0.0
                } else if outside(h) || (hospital(h) && rng.chance(0.3)) {
                    rng.range(600.0, if r.walker { 4000.0 } else { 2000.0 }) * v
                } else {
                    rng.range(20.0, 250.0) * v
                };
                push(out, id, cfg, h, "phone", EventKind::Steps { steps: steps as u32, interval_s: 3600 });
            }
        }
        if plan.has("app") {
            let uses = (rng.range(3.0, 9.0) * plan.vigor(base + 12.0)).round() as usize;
            for _ in 0..uses {
                let h = rng.range(wake, sleep);
                if h < total_h && !phone_dead(h) {
                    let action =
                        rng.pick(&[AppAction::Unlock, AppAction::Unlock, AppAction::AppOpen, AppAction::SmsOut]);
                    push(out, id, cfg, h, "phone", EventKind::App { action });
                }
            }
            let h = sleep - 0.1;
            if h < total_h && !phone_dead(h) && rng.chance(0.8) {
                push(out, id, cfg, h, "phone", EventKind::App { action: AppAction::Charge });
            }
        }
        if plan.has("phone") {
            let no_credit = |h: f64| plan.nuisance_on("prepaid_no_credit", h);
            let outs = poisson(rng, r.calls_out * plan.vigor(base + 12.0));
            for _ in 0..outs {
                let h = rng.range(wake, sleep);
                if h < total_h && !phone_dead(h) && !no_credit(h) {
                    push(
                        out,
                        id,
                        cfg,
                        h,
                        "phone",
                        EventKind::Call {
                            direction: Direction::Out,
                            answered: rng.chance(0.85),
                            duration_s: Some(rng.range(20.0, 600.0).round()),
                        },
                    );
                }
            }
            for _ in 0..poisson(rng, r.calls_in) {
                let h = base + rng.range(9.0, 21.0);
                if h >= total_h {
                    continue;
                }
                let answered = !phone_dead(h) && awake(h) && !plan.nuisance_on("phone_silent", h) && rng.chance(0.8);
                push(
                    out,
                    id,
                    cfg,
                    h,
                    "phone",
                    EventKind::Call {
                        direction: Direction::In,
                        answered,
                        duration_s: answered.then(|| rng.range(30.0, 900.0).round()),
                    },
                );
            }
        }
        // Daily automatic check-in call at 10:00.
        if plan.has("checkin") {
            let h = base + 10.0 + rng.range(0.0, 0.2);
            if h < total_h {
                let outcome = if phone_dead(h) || plan.nuisance_on("phone_silent", h) {
                    CheckinOutcome::Missed
                } else if plan.incident == Some("decline") && plan.vigor(h) < 0.4 && rng.chance(0.3) {
                    CheckinOutcome::Concern
                } else if !awake(h) || outside(h) && rng.chance(0.5) || rng.chance(0.05) {
                    CheckinOutcome::Missed
                } else {
                    CheckinOutcome::Answered
                };
                push(out, id, cfg, h, "checkin", EventKind::Checkin { outcome });
            }
        }
        if plan.incident == Some("sos") && !sos_done && plan.incident_at < base + 24.0 {
            sos_done = true;
            push(out, id, cfg, plan.incident_at, "sos-button", EventKind::Sos);
        }
        // Found and taken to hospital: the stay is registered as an absence.
        if plan.found_at >= base && plan.found_at < base + 24.0 && plan.found_at < total_h {
            let until = cfg.start.plus_millis((plan.back_at * HOUR_MS as f64) as i64);
            push(out, id, cfg, plan.found_at, "away", EventKind::Away { until });
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
    use crate::event::Signal;

    #[test]
    fn every_field_case_and_incident_kind_appears() {
        let c = simulate(&SimConfig { persons: 200, days: 30, seed: 5, ..SimConfig::default() });
        for n in NUISANCES {
            assert!(c.cases.iter().any(|k| k.nuisance == Some(n)), "{n}");
        }
        for i in INCIDENTS {
            assert!(c.cases.iter().any(|k| k.incident == Some(i)), "{i}");
        }
        assert!(c.incidents.iter().all(|i| i.end.is_none_or(|e| e > i.start)));
        assert!(c.events.windows(2).all(|w| w[0].ts <= w[1].ts));
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
}
