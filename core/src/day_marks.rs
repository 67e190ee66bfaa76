//! Days with a call and days with a walk, a bit per local day of the last 32: what a
//! person's state keeps for the tier advice (see `tier`).

use serde::{Deserialize, Serialize};

use crate::profile::Rules;

/// Days with a call and days with a walk, a bit per local day (bit `k`: `k` days before `day`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct DayMarks {
    /// The local day of the first event folded since days were kept (none before).
    since: Option<i32>,
    /// The local day index of bit 0 (none before anything is marked).
    day: Option<i32>,
    call: u32,
    walk: u32,
}

/// What a day is marked for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Mark {
    Call,
    Walk,
}

impl DayMarks {
    /// Whether no event was folded since days were kept (not written to snapshots then).
    pub fn is_empty(&self) -> bool {
        self.since.is_none()
    }

    /// Notes the first event folded (its local day starts the history).
    #[inline]
    pub fn start(&mut self, rules: &Rules, ms: i64) {
        if self.since.is_none() {
            self.since = i32::try_from(rules.local_parts(ms).0).ok();
        }
    }

    /// Whole local days from the first event folded to `today`.
    pub fn history(&self, today: i32) -> u32 {
        self.since.map_or(0, |s| u32::try_from(i64::from(today) - i64::from(s)).unwrap_or(0))
    }

    /// Marks the local day of `ms` (events come in time order; an older day within reach is
    /// marked in place).
    pub fn mark(&mut self, rules: &Rules, ms: i64, mark: Mark) {
        let Ok(day) = i32::try_from(rules.local_parts(ms).0) else { return };
        let (call, walk) = self.at(day);
        let (call, walk, bit) = match self.day {
            Some(d) if d > day => (self.call, self.walk, d.abs_diff(day)),
            _ => (call, walk, 0),
        };
        self.day = Some(self.day.map_or(day, |d| d.max(day)));
        let bit = if bit < 32 { 1u32 << bit } else { 0 };
        (self.call, self.walk) = match mark {
            Mark::Call => (call | bit, walk),
            Mark::Walk => (call, walk | bit),
        };
    }

    /// The marks with bit 0 on `day` (days before the marks' first are unmarked).
    pub fn at(&self, day: i32) -> (u32, u32) {
        let Some(d) = self.day else { return (0, 0) };
        let shift = i64::from(day) - i64::from(d);
        match shift {
            0..32 => (self.call << shift, self.walk << shift),
            s if s < 0 => (self.call, self.walk),
            _ => (0, 0),
        }
    }
}
