//! The closed loop: how a person answers an automatic check-in call, as their life allows.
//!
//! Answered when at home and awake with the phone at hand; missed when asleep (mostly), out
//! (sometimes: a noisy street, the phone in a bag), in hospital (phone off), on silent, or
//! unable to move. A prepaid phone without credit still receives calls, so it answers as
//! usual. An acutely ill person answers now and then, often asking for help (`concern`);
//! so does a bedridden one who can reach the phone, and someone far into a decline.
//! Every answer depends only on (world seed, person, time): the same call gets the same answer.

use anbu::{CheckinOutcome, CheckinResponder, MINUTE_MS, Timestamp};

use crate::World;
use crate::incidents::IncidentKind;
use crate::life::{Episode, Life};
use crate::occupancy::State;
use crate::rng::unit_of;

impl CheckinResponder for World {
    fn answer(&self, person: &str, at: Timestamp) -> Option<CheckinOutcome> {
        let &i = self.index.get(person)?;
        let life = self.lives.get(i)?;
        let minute = at.millis_since(self.config.start).div_euclid(MINUTE_MS);
        if minute < 0 || minute >= life.states.len() as i64 * 10 {
            return None;
        }
        let u = unit_of(&[self.config.seed, i as u64, at.as_millis() as u64]);
        Some(outcome(life, (minute / 10) as usize, u))
    }
}

/// The outcome of a call at `slot`, `u` uniform in `[0, 1)`.
pub fn outcome(life: &Life, slot: usize, u: f64) -> CheckinOutcome {
    use CheckinOutcome::{Answered, Concern, Missed};
    let s = life.states[slot];
    let v = f64::from(life.vigor[slot]) / 100.0;
    let in_incident = life.course.as_ref().filter(|c| c.start <= slot && c.end.is_none_or(|e| slot < e));
    match (s, in_incident.map(|c| c.kind)) {
        (State::Down | State::Hospital | State::Gone, _) => return Missed,
        (State::Bedridden, _) => return if u < 0.15 { Concern } else { Missed },
        (State::Home, Some(IncidentKind::AcuteIllness)) => {
            return if u < 0.3 {
                Concern
            } else if u < 0.5 {
                Answered
            } else {
                Missed
            };
        }
        (State::Asleep | State::Nap, Some(IncidentKind::AcuteIllness)) => {
            return if u < 0.08 { Concern } else { Missed };
        }
        _ => {}
    }
    let reach = match s {
        State::Home => 0.93,
        State::Visiting => 0.85,
        State::Out => 0.65,
        State::Nap => 0.6,
        State::Asleep => 0.2,
        _ => 0.0,
    };
    let silent = if life.in_episode(Episode::PhoneSilent, slot) { 0.08 } else { 1.0 };
    let p = reach * v.sqrt() * silent;
    if u >= p {
        Missed
    } else if in_incident.is_some() && u < p * 0.3 {
        // Far into a decline: answers, and says something is wrong.
        Concern
    } else {
        Answered
    }
}
