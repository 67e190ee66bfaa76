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
//! engine.ingest(Event::new("p-2", t0, None, EventKind::sos())?)?;
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

/// The queue from a replay's rows (a batch job's "now"): the latest row of each person of
/// `persons` that `filter` covers, those at `filter.min_level` or above, most urgent first.
///
/// ```
/// use anbu::{Event, EventKind, Level, Person, ReplayOptions, Timestamp, TriageFilter, replay, HOUR_MS};
/// let t0: Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
/// let persons = [Person::new("p-1", "full")?, Person::new("p-2", "full")?];
/// let events = vec![
///     Event::new("p-1", t0, Some("plug-1"), EventKind::heartbeat())?,
///     Event::new("p-2", t0.plus_millis(2 * HOUR_MS), None, EventKind::sos())?,
/// ];
/// let rows = replay(events, &persons, &ReplayOptions::default())?;
/// let filter = TriageFilter { min_level: Level::Watch, ..TriageFilter::default() };
/// let queue = anbu::triage_latest(&rows, &persons, &filter);
/// assert_eq!(queue.len(), 1);
/// assert_eq!((queue[0].person.as_str(), queue[0].level), ("p-2", Level::Critical));
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn triage_latest(rows: &[Assessment], persons: &[Person], filter: &TriageFilter) -> Vec<Assessment> {
    let covered: std::collections::HashSet<&str> =
        persons.iter().filter(|p| filter.covers(p)).map(|p| p.person.as_str()).collect();
    let mut latest: std::collections::HashMap<&str, &Assessment> = std::collections::HashMap::new();
    for a in rows.iter().filter(|a| covered.contains(a.person.as_str())) {
        let slot = latest.entry(a.person.as_str()).or_insert(a);
        if a.at > slot.at {
            *slot = a;
        }
    }
    queue(latest.into_values().cloned().collect(), filter)
}

/// A triage queue as a Markdown table, one row per person in its order: the level, the
/// action (with the kind of visit), who responds, the score and the first reason that adds
/// points (what the operator's board shows).
///
/// ```
/// use anbu::{Action, Assessment, Level, Responder, Timestamp};
/// let row = Assessment {
///     person: "p-2".into(), at: Timestamp::from_millis(1_714_521_600_000)?, score: 100.0,
///     level: Level::Critical, action: Action::Dispatch, responder: Responder::ControlCenter,
///     reasons: Vec::new(), visit: None, call: None,
/// };
/// let table = anbu::triage_markdown(&[row]);
/// assert!(table.lines().nth(2).unwrap().starts_with("| 1 | p-2 | critical | dispatch |"), "{table}");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn triage_markdown(queue: &[Assessment]) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("| # | person | level | action | visit | responder | score | why |\n");
    out.push_str("|---:|---|---|---|---|---|---:|---|\n");
    for (i, a) in queue.iter().enumerate() {
        let why = a.reasons.iter().find(|r| r.contribution > 0.0).map_or("", |r| r.detail.as_str());
        let visit = a.visit.map_or_else(String::new, |v| v.to_string());
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {:.1} | {} |",
            i + 1,
            a.person,
            a.level,
            a.action,
            visit,
            a.responder,
            a.score,
            why.replace('|', "\\|")
        );
    }
    out
}

/// The queue from assessments of everyone `filter` covers: those at `filter.min_level` or
/// above, most urgent first.
pub(crate) fn queue(mut rows: Vec<Assessment>, filter: &TriageFilter) -> Vec<Assessment> {
    rows.retain(|a| a.level >= filter.min_level);
    rank(&mut rows);
    rows
}
