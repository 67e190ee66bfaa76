//! The triage queue: who needs action now, most urgent first, for a district or a
//! caseworker (the control center's list at night, the caseworker's in the morning).
//!
//! Urgency is one order, used wherever assessments are ranked: the level (most severe
//! first), then the action (dispatch before notify before a check-in call), then the score,
//! then the person's id (so that equal rows keep a stable order).
//!
//! ```
//! use anbu::{Engine, Event, EventKind, Level, Person, Timestamp, TriageFilter, HOUR_MS};
//! let mut engine = Engine::new();
//! let t0: Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
//! for (id, district) in [("p-1", "gangbuk"), ("p-2", "gangbuk"), ("p-3", "nowon")] {
//!     engine.add_person(Person::new(id, "full")?.with_district(district)?)?;
//! }
//! // p-2 pressed the emergency button.
//! engine.ingest(Event::new("p-2", t0, None, EventKind::Sos)?)?;
//! let queue = engine.triage(t0.plus_millis(HOUR_MS), &TriageFilter::district("gangbuk"))?;
//! let order: Vec<&str> = queue.iter().map(|a| a.person.as_str()).collect();
//! assert_eq!(order, ["p-2", "p-1"]);
//! assert_eq!(queue[0].level, Level::Critical);
//! // Only those at `watch` or above.
//! let filter = TriageFilter { min_level: Level::Watch, ..TriageFilter::default() };
//! assert_eq!(engine.triage(t0.plus_millis(HOUR_MS), &filter)?.len(), 1);
//! # Ok::<(), anbu::Error>(())
//! ```

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::assessment::{Assessment, Level};
use crate::person::Person;

/// Which persons a triage queue shows: those of a district, of a caseworker, at a level or
/// above (each unset filter keeps everyone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TriageFilter {
    /// Only persons of this district.
    pub district: Option<String>,
    /// Only persons of this caseworker.
    pub caseworker: Option<String>,
    /// Only assessments at this level or above (`normal`: everyone).
    #[serde(rename = "level")]
    pub min_level: Level,
}

impl Default for TriageFilter {
    /// Everyone, at every level.
    fn default() -> TriageFilter {
        TriageFilter { district: None, caseworker: None, min_level: Level::Normal }
    }
}

impl TriageFilter {
    /// The persons of one district.
    pub fn district(district: &str) -> TriageFilter {
        TriageFilter { district: Some(district.to_string()), ..TriageFilter::default() }
    }

    /// The persons of one caseworker.
    pub fn caseworker(caseworker: &str) -> TriageFilter {
        TriageFilter { caseworker: Some(caseworker.to_string()), ..TriageFilter::default() }
    }

    /// The filter at `level` or above, the level by its name (an unknown name is an
    /// [`crate::ErrorKind::InvalidArgument`] error naming `level` and the accepted names).
    pub fn with_level(mut self, level: &str) -> crate::Result<TriageFilter> {
        self.min_level = level.parse().map_err(|r: String| crate::Error::argument("level", r))?;
        Ok(self)
    }

    /// Whether the queue shows this person (before their assessment's level is known).
    pub fn covers(&self, person: &Person) -> bool {
        let matches = |want: &Option<String>, has: Option<&str>| want.as_deref().is_none_or(|w| has == Some(w));
        matches(&self.district, person.district()) && matches(&self.caseworker, person.caseworker())
    }
}

/// The urgency order: `Less` when `a` is more urgent than `b` (see the module docs).
pub fn urgency(a: &Assessment, b: &Assessment) -> Ordering {
    b.level
        .cmp(&a.level)
        .then_with(|| b.action.cmp(&a.action))
        .then_with(|| b.score.total_cmp(&a.score))
        .then_with(|| a.person.cmp(&b.person))
        .then_with(|| a.at.cmp(&b.at))
}

/// Sorts assessments most urgent first.
pub fn rank(rows: &mut [Assessment]) {
    rows.sort_by(urgency);
}

/// The queue from assessments of everyone `filter` covers: those at `filter.min_level` or
/// above, most urgent first.
pub(crate) fn queue(mut rows: Vec<Assessment>, filter: &TriageFilter) -> Vec<Assessment> {
    rows.retain(|a| a.level >= filter.min_level);
    rank(&mut rows);
    rows
}
