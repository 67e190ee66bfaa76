//! Tier recommendation (issue 16): from a person's call and walking history, which of the
//! pilot's tiers should watch them, why, and whether their devices can see them now.
//!
//! The seed vendor's pilot watches the call log first (`call_only`); adds the step-count app
//! for people who rarely call but go out (`call_app`); and a door sensor and a smart plug for
//! people who do neither (`call_iot`). `full` is for people whose phone cannot be relied on.
//! The rules, in order (the constants below):
//!
//! 1. fewer than [`TIER_MIN_HISTORY_DAYS`] days of history: the pilot's start, `call_only`,
//!    saying so;
//! 2. check-in calls mostly unanswered (the learned answer rate below
//!    [`TIER_UNRELIABLE_ANSWER_RATE`]): `full`, as the call log and the step app are both the
//!    phone;
//! 3. a call made or answered on at least [`TIER_CALL_DAYS_SHARE`] of the days: `call_only`;
//! 4. walking (steps at a walking pace) on at least [`TIER_WALK_DAYS_SHARE`] of the days:
//!    `call_app`;
//! 5. otherwise `call_iot`.
//!
//! The days are the last [`TIER_WINDOW_DAYS`] whole local days before the evaluation time (or
//! all whole days since the person's first event, when fewer); a day counts as a call day or a
//! walking day as the engine folded the person's events (each person keeps a bit per day of the
//! last 32 days for each, and the day of their first event; a person restored from a snapshot
//! written before these were kept has history from their next event on). The advice also carries the `unwatched` reason of the person's
//! assessment at the same time (a TV always on and a phone on silent: no channel can see them),
//! so that a tier is never chosen for devices that cannot watch the person.
//!
//! ```
//! use anbu::{Direction, Engine, Event, EventKind, Person, Tier, Timestamp, HOUR_MS};
//! let mut engine = Engine::new();
//! engine.add_person(Person::new("p-1", "call_only")?)?;
//! let t0: Timestamp = "2024-05-01T00:00:00+09:00".parse()?;
//! // A call every evening for ten days.
//! for d in 0..10 {
//!     let call = EventKind::call(Direction::Out, true);
//!     engine.ingest(Event::new("p-1", t0.plus_millis((d * 24 + 19) * HOUR_MS), None, call)?)?;
//! }
//! let advice = engine.recommend_tier("p-1", Some(t0.plus_millis(10 * 24 * HOUR_MS)))?;
//! assert_eq!(advice.tier, Tier::CallOnly);
//! assert_eq!((advice.call_days, advice.days), (10, 10));
//! assert_eq!(advice.reason, "calls or answers on 10 of the last 10 days: the call log watches them");
//! assert_eq!(advice.unwatched, None);
//! # Ok::<(), anbu::Error>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::messages::{Msg, say};
use crate::profile::Rules;
use crate::state::PersonState;
use crate::text::fixed;
use crate::time::Timestamp;

/// Days of history looked at: two weeks, so that a weekly rhythm (calls to a child on
/// Sundays) shows twice.
pub const TIER_WINDOW_DAYS: u32 = 14;
/// Whole days of history below which no tier but the pilot's start is recommended.
pub const TIER_MIN_HISTORY_DAYS: u32 = 7;
/// Share of the days with a call made or answered at which the call log alone watches the
/// person ("most days": 5 of 7, 10 of 14).
pub const TIER_CALL_DAYS_SHARE: f64 = 0.7;
/// Share of the days with a walk (steps at a walking pace) at which the step-count app
/// watches a person who rarely calls ("many days": 3 of 7, 6 of 14).
pub const TIER_WALK_DAYS_SHARE: f64 = 0.4;
/// Learned check-in answer rate below which the phone cannot be relied on (most calls
/// unanswered): `full`.
pub const TIER_UNRELIABLE_ANSWER_RATE: f64 = 0.5;
/// The pilot's start: the call log first.
pub const TIER_START: Tier = Tier::CallOnly;

/// A pilot tier, named as the built-in profile that watches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// The call log.
    CallOnly,
    /// The call log and the step-count app.
    CallApp,
    /// The call log, a door sensor and a smart plug.
    CallIot,
    /// Every device.
    Full,
}

impl Tier {
    /// The tier's name, the built-in profile's (`call_only`, `call_app`, `call_iot`, `full`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::CallOnly => "call_only",
            Tier::CallApp => "call_app",
            Tier::CallIot => "call_iot",
            Tier::Full => "full",
        }
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tier recommended for one person at one time, with the reason and the evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierAdvice {
    /// The person.
    pub person: String,
    /// When the history was read.
    pub at: Timestamp,
    /// The tier recommended.
    pub tier: Tier,
    /// Why, in one sentence.
    pub reason: String,
    /// Why some channel (or every channel) cannot watch the person now: the `unwatched` reason
    /// of the person's assessment at `at`, if it has one.
    pub unwatched: Option<String>,
    /// Whole days of history looked at (at most [`TIER_WINDOW_DAYS`]).
    pub days: u32,
    /// Of those, days with a call made or answered.
    pub call_days: u32,
    /// Of those, days with a walk (steps at a walking pace).
    pub walk_days: u32,
    /// The learned share of check-in calls answered, to 0.001 (0.9, the prior, before any call).
    pub answer_rate: f64,
}

/// Of the `days` whole days before `today`, how many `bits` marks.
fn count(bits: u32, days: u32) -> u32 {
    (1..=days.min(31)).filter(|k| bits & (1 << k) != 0).count() as u32
}

/// Whether `n` of `days` reach `share`.
fn reaches(n: u32, days: u32, share: f64) -> bool {
    days > 0 && f64::from(n) / f64::from(days) >= share
}

/// The advice for a person with this state at `at` (see the module docs).
pub(crate) fn advise(
    person: &str,
    state: &PersonState,
    rules: &Rules,
    at: Timestamp,
    unwatched: Option<String>,
) -> TierAdvice {
    let today = i32::try_from(rules.local_parts(at.as_millis()).0).unwrap_or(i32::MIN);
    let history = state.days.history(today);
    let days = history.min(TIER_WINDOW_DAYS);
    let (calls, walks) = state.days.at(today);
    let (call_days, walk_days) = (count(calls, days), count(walks, days));
    let answer_rate = (state.routine.answer_rate() * 1000.0).round() / 1000.0;
    let loc = rules.profile.locale;
    let (tier, reason) = if history < TIER_MIN_HISTORY_DAYS {
        (TIER_START, say!(loc, Msg::TierYoung, history, TIER_MIN_HISTORY_DAYS))
    } else if answer_rate < TIER_UNRELIABLE_ANSWER_RATE {
        (Tier::Full, say!(loc, Msg::TierUnreliable, fixed(answer_rate * 100.0, 0)))
    } else if reaches(call_days, days, TIER_CALL_DAYS_SHARE) {
        (Tier::CallOnly, say!(loc, Msg::TierCallOnly, call_days, days))
    } else if reaches(walk_days, days, TIER_WALK_DAYS_SHARE) {
        (Tier::CallApp, say!(loc, Msg::TierCallApp, call_days, days, walk_days))
    } else {
        (Tier::CallIot, say!(loc, Msg::TierCallIot, call_days, walk_days, days))
    };
    TierAdvice { person: person.to_string(), at, tier, reason, unwatched, days, call_days, walk_days, answer_rate }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day_marks::{DayMarks, Mark};
    use crate::profile::Profile;
    use crate::time::DAY_MS;

    fn rules() -> Rules {
        Rules::compile(&Profile::builtin("call_only").unwrap()).unwrap()
    }

    /// 2024-05-01T12:00:00+09:00.
    const NOON: i64 = 1_714_532_400_000;

    #[test]
    fn days_are_marked_a_bit_each_and_move_on_with_the_days() {
        let r = rules();
        let mut m = DayMarks::default();
        assert!(m.is_empty());
        m.start(&r, NOON);
        m.start(&r, NOON + DAY_MS);
        assert!(!m.is_empty());
        m.mark(&r, NOON, Mark::Call);
        m.mark(&r, NOON + DAY_MS, Mark::Walk);
        m.mark(&r, NOON + 2 * DAY_MS, Mark::Call);
        // An event of an earlier day, within reach, marks that day.
        m.mark(&r, NOON + DAY_MS, Mark::Call);
        let today = i32::try_from(r.local_parts(NOON + 3 * DAY_MS).0).unwrap();
        let (call, walk) = m.at(today);
        assert_eq!((count(call, 14), count(walk, 14)), (3, 1));
        assert_eq!(count(call, 1), 1);
        assert_eq!(m.history(today), 3);
        // Days older than the marks reach are forgotten.
        assert_eq!(m.at(today + 40), (0, 0));
    }

    #[test]
    fn shares_are_reached_at_the_documented_counts() {
        assert!(reaches(5, 7, TIER_CALL_DAYS_SHARE) && !reaches(4, 7, TIER_CALL_DAYS_SHARE));
        assert!(reaches(10, 14, TIER_CALL_DAYS_SHARE) && !reaches(9, 14, TIER_CALL_DAYS_SHARE));
        assert!(reaches(3, 7, TIER_WALK_DAYS_SHARE) && !reaches(2, 7, TIER_WALK_DAYS_SHARE));
        assert!(reaches(6, 14, TIER_WALK_DAYS_SHARE) && !reaches(5, 14, TIER_WALK_DAYS_SHARE));
        assert!(!reaches(0, 0, TIER_WALK_DAYS_SHARE));
    }
}
