//! Incidents: what goes wrong, when, and what the person can still do.
//!
//! Each kind is planned before the person's life is drawn (its onset, how long it lasts, when
//! they are found) and settled while it is drawn: a fall happens at home, so it waits for the
//! first slot the person is in.

use crate::occupancy::{SLOTS_PER_DAY, State};
use crate::rng::Rng;

/// The kinds of incident, as the stories name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IncidentKind {
    /// All activity stops at once (a stroke, a fall, a cardiac arrest); the TV may stay on.
    SuddenCollapse,
    /// Activity fades over 4-10 days, then a collapse; the incident starts at half of usual.
    Decline,
    /// Activity at 10-30 % of usual for days, in bed; calls mostly missed, some answered
    /// with a request for help; then recovery.
    AcuteIllness,
    /// A fall without getting up: a few steps or a phone unlock now and then, never out.
    Bedridden,
    /// A fall, and the emergency button pressed.
    Sos,
}

impl IncidentKind {
    /// Every kind, in the order shares are dealt.
    pub const ALL: [IncidentKind; 5] = [
        IncidentKind::SuddenCollapse,
        IncidentKind::Decline,
        IncidentKind::AcuteIllness,
        IncidentKind::Bedridden,
        IncidentKind::Sos,
    ];

    /// The kind's name in stories and tables.
    pub fn name(self) -> &'static str {
        match self {
            IncidentKind::SuddenCollapse => "sudden_collapse",
            IncidentKind::Decline => "decline",
            IncidentKind::AcuteIllness => "acute_illness",
            IncidentKind::Bedridden => "bedridden",
            IncidentKind::Sos => "sos",
        }
    }
}

/// An incident as planned, before the life is drawn. Times are world slots.
#[derive(Clone, Debug)]
pub struct IncidentPlan {
    /// What happens.
    pub kind: IncidentKind,
    /// A collapse with the TV left on at a steady watt.
    pub tv_stays_on: bool,
    /// When things start going wrong (the decline's first weak day; otherwise the earliest fall).
    pub onset: usize,
    /// The fall is planned here (a decline's end); it happens at the first slot at home from here.
    planned_fall: usize,
    /// Slots from the fall (an illness: from the onset) to being found or recovering; `None`:
    /// not within the world.
    found_after: Option<usize>,
    /// Slots from being found to coming home again (an SOS: a short hospital stay).
    back_after: Option<usize>,
    /// An illness's strength (0.1-0.3).
    ill_vigor: f64,
    /// Minutes from the fall to pressing the emergency button.
    sos_delay_min: i64,
}

/// An incident as it happened. Times are world slots.
#[derive(Clone, Debug, PartialEq)]
pub struct Course {
    /// What happened.
    pub kind: IncidentKind,
    /// A collapse with the TV left on.
    pub tv_stays_on: bool,
    /// When the person became unable to respond: the incident's start.
    pub start: usize,
    /// When they fell (none for an illness).
    pub fall: Option<usize>,
    /// When they were found or recovered: the incident's end; `None`: not within the world.
    pub end: Option<usize>,
    /// When they came home again after being found.
    pub back: Option<usize>,
    /// When the emergency button was pressed, minutes from the world's start.
    pub sos_minute: Option<i64>,
}

impl IncidentPlan {
    /// Plans an incident in a world of `days` days, late enough for routines to be learned.
    pub fn draw(kind: IncidentKind, days: usize, rng: &mut Rng) -> IncidentPlan {
        let day = SLOTS_PER_DAY as usize;
        let last = days.saturating_sub(4).max(1);
        let first = 20.min(days / 2).min(last);
        let onset_day = rng.int(first as i64, last as i64) as usize;
        let onset = onset_day * day + rng.int(0, SLOTS_PER_DAY - 1) as usize;
        let (planned_fall, found_after, back_after) = match kind {
            IncidentKind::SuddenCollapse => {
                let found = (!rng.chance(0.2)).then(|| rng.int(4 * day as i64, 10 * day as i64) as usize);
                (onset, found, None)
            }
            IncidentKind::Decline => {
                let len = rng.int(4, 10) as usize * day;
                (onset + len, Some(rng.int(2 * day as i64, 8 * day as i64) as usize), None)
            }
            IncidentKind::AcuteIllness => (onset, Some(rng.int(3 * day as i64, 7 * day as i64) as usize), None),
            IncidentKind::Bedridden => {
                let found = (!rng.chance(0.15)).then(|| rng.int(2 * day as i64, 8 * day as i64) as usize);
                (onset, found, None)
            }
            IncidentKind::Sos => {
                (onset, Some(rng.int(6, 24) as usize), Some(rng.int(2 * day as i64, 7 * day as i64) as usize))
            }
        };
        IncidentPlan {
            kind,
            tv_stays_on: kind == IncidentKind::SuddenCollapse && rng.chance(0.45),
            onset,
            planned_fall,
            found_after,
            back_after,
            ill_vigor: rng.range(0.1, 0.3),
            sos_delay_min: rng.int(1, 25),
        }
    }

    /// The slots the incident may touch, from two days before its onset: ordinary episodes
    /// keep out of it.
    pub fn busy_from(&self) -> usize {
        self.onset.saturating_sub(2 * SLOTS_PER_DAY as usize)
    }

    /// The person's strength at `slot` when the incident sets it (before any fall).
    pub fn vigor(&self, slot: usize) -> Option<f64> {
        let day = SLOTS_PER_DAY as usize;
        match self.kind {
            IncidentKind::Decline if slot >= self.onset => {
                let len = (self.planned_fall - self.onset).max(1) as f64;
                Some((1.0 - 0.9 * (slot - self.onset) as f64 / len).max(0.1))
            }
            IncidentKind::AcuteIllness if slot >= self.onset => {
                let end = self.onset + self.found_after.unwrap_or(usize::MAX - self.onset);
                if slot < end {
                    Some(self.ill_vigor)
                } else {
                    // Recovering over a day.
                    let f = (slot - end) as f64 / day as f64;
                    (f < 1.0).then_some(self.ill_vigor + (1.0 - self.ill_vigor) * f)
                }
            }
            _ => None,
        }
    }

    /// Where the incident's start falls for kinds whose start does not wait for a fall.
    fn fixed_start(&self) -> Option<usize> {
        match self.kind {
            // Activity is at half of usual 5/9 of the way from onset to the planned fall.
            IncidentKind::Decline => Some(self.onset + (self.planned_fall - self.onset) * 5 / 9),
            IncidentKind::AcuteIllness => Some(self.onset),
            _ => None,
        }
    }

    /// Whether the person falls at `slot`, being in `cur` there.
    fn falls_at(&self, slot: usize, cur: State) -> bool {
        slot >= self.planned_fall
            && match self.kind {
                IncidentKind::AcuteIllness => false,
                // Pressing a button needs someone awake.
                IncidentKind::Sos => cur == State::Home,
                _ => cur.at_home(),
            }
    }

    /// The course once the fall happened at `fall` (or, for an illness, from the plan alone).
    fn course(&self, fall: Option<usize>) -> Course {
        let start = self.fixed_start().or(fall).unwrap_or(self.onset);
        let end = match self.kind {
            IncidentKind::AcuteIllness => self.found_after.map(|d| self.onset + d),
            _ => fall.and_then(|f| self.found_after.map(|d| f + d)),
        };
        Course {
            kind: self.kind,
            tv_stays_on: self.tv_stays_on,
            start,
            fall,
            end,
            back: end.and_then(|e| self.back_after.map(|b| e + b)),
            sos_minute: (self.kind == IncidentKind::Sos)
                .then(|| fall.map(|f| f as i64 * 10 + self.sos_delay_min))
                .flatten(),
        }
    }
}

/// An incident being lived through, slot by slot.
#[derive(Clone, Debug)]
pub struct Living {
    plan: IncidentPlan,
    fall: Option<usize>,
}

impl Living {
    /// Starts living `plan`.
    pub fn new(plan: IncidentPlan) -> Living {
        Living { plan, fall: None }
    }

    /// The plan.
    pub fn plan(&self) -> &IncidentPlan {
        &self.plan
    }

    /// The state the incident imposes at `slot`, the chain's own state being `cur`: down,
    /// bedridden, gone (found), or nothing (the chain goes on).
    pub fn overlay(&mut self, slot: usize, cur: State) -> Option<State> {
        if self.fall.is_none() && self.plan.falls_at(slot, cur) {
            self.fall = Some(slot);
        }
        let fall = self.fall?;
        let course = self.plan.course(Some(fall));
        if course.back.is_some_and(|b| slot >= b) {
            return None;
        }
        if course.end.is_some_and(|e| slot >= e) {
            return Some(State::Gone);
        }
        Some(match self.plan.kind {
            IncidentKind::Bedridden => State::Bedridden,
            _ => State::Down,
        })
    }

    /// How the incident went; `None` when it never started within the world.
    pub fn course(&self, slots: usize) -> Option<Course> {
        let c = self.plan.course(self.fall);
        let starts_without_fall = matches!(self.plan.kind, IncidentKind::AcuteIllness | IncidentKind::Decline);
        if self.fall.is_none() && !starts_without_fall {
            return None;
        }
        if c.start >= slots {
            return None;
        }
        Some(Course { end: c.end.filter(|e| *e < slots), back: c.back.filter(|b| *b < slots), ..c })
    }
}
