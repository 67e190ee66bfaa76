//! Assessments as columns: what a large replay returns without a `String` or a `Vec` per
//! row, laid out as an Arrow table holds them (offsets of 64 bits, the reasons' sentences in
//! one buffer), so that a binding hands the buffers over instead of copying every string.

use crate::assessment::{Action, Assessment, Level, Reason, ReasonKind, Responder, VisitKind};
use crate::error::Result;
use crate::limits;
use crate::owned_columns::IdCodes;
use crate::time::Timestamp;
use crate::vocab::{CheckinBy, Signal};

/// Assessments as columns, one entry per row in each: the person as a code into a dictionary
/// of ids, and each row's reasons as a run of the reason columns (as a list column of an
/// Arrow table: row `i`'s reasons are `reason_offsets[i]..reason_offsets[i + 1]`).
///
/// [`replay_to_columns`](crate::replay_to_columns) gives a replay's rows this way;
/// [`AssessmentColumns::of`] and [`AssessmentColumns::to_assessments`] convert from and to
/// [`Assessment`]s.
///
/// ```
/// use anbu::{AssessmentColumns, Column, DoorState, EventColumns, Person, ReplayOptions, Signal};
/// let t0 = 1_714_523_400_000; // 2024-05-01T08:30:00+09:00
/// let (ts, state) = ([t0, t0 + 3 * anbu::HOUR_MS], [DoorState::Open, DoorState::Closed]);
/// let batch = EventColumns::builder(&["p-1"], &[0, 0], &ts, &[Signal::Door; 2])
///     .state(Column::new(&state))
///     .build()?;
/// let persons = [Person::new("p-1", "call_iot")?];
/// let columns = anbu::replay_to_columns(&batch, &persons, &ReplayOptions::default())?;
/// assert_eq!(columns.len(), 3);
/// assert_eq!(columns.names, ["p-1"]);
/// assert_eq!(columns.to_assessments(), anbu::replay_columns(&batch, &persons, &ReplayOptions::default())?);
/// # Ok::<(), anbu::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct AssessmentColumns {
    /// The dictionary of person ids, in the order of their first row.
    pub names: Vec<String>,
    /// Person codes into `names`.
    pub person: Vec<u32>,
    /// Evaluation times, epoch milliseconds.
    pub at: Vec<i64>,
    /// Scores.
    pub score: Vec<f64>,
    /// Levels.
    pub level: Vec<Level>,
    /// Recommended actions.
    pub action: Vec<Action>,
    /// Responders.
    pub responder: Vec<Responder>,
    /// Which kind of visit each `dispatch` is (none for other actions).
    pub visit: Vec<Option<VisitKind>>,
    /// The check-in call a closed-loop replay placed after each row, if any.
    pub call: Vec<Option<CheckinBy>>,
    /// Where each row's reasons begin in the reason columns, and after the last row, where
    /// they end (one entry more than rows, the first 0).
    pub reason_offsets: Vec<i64>,
    /// Each reason's signal.
    pub reason_signal: Vec<Signal>,
    /// Each reason's detector.
    pub reason_kind: Vec<ReasonKind>,
    /// Each reason's points.
    pub reason_contribution: Vec<f64>,
    /// Where each reason's sentence begins in `details`, and after the last, where it ends
    /// (one entry more than reasons, the first 0).
    pub detail_offsets: Vec<i64>,
    /// Every reason's sentence, one after another.
    pub details: String,
}

impl Default for AssessmentColumns {
    fn default() -> Self {
        AssessmentColumns::with_capacity(0)
    }
}

impl AssessmentColumns {
    /// No rows, with room for `rows` of them.
    fn with_capacity(rows: usize) -> Self {
        let mut reason_offsets = Vec::with_capacity(rows + 1);
        reason_offsets.push(0);
        AssessmentColumns {
            names: Vec::new(),
            person: Vec::with_capacity(rows),
            at: Vec::with_capacity(rows),
            score: Vec::with_capacity(rows),
            level: Vec::with_capacity(rows),
            action: Vec::with_capacity(rows),
            responder: Vec::with_capacity(rows),
            visit: Vec::with_capacity(rows),
            call: Vec::with_capacity(rows),
            reason_offsets,
            reason_signal: Vec::new(),
            reason_kind: Vec::new(),
            reason_contribution: Vec::new(),
            detail_offsets: vec![0],
            details: String::new(),
        }
    }

    /// No rows, with room for `rows` of them, or the error of an allocation that failed.
    pub(crate) fn try_with_capacity(rows: usize) -> Result<Self> {
        let mut out = AssessmentColumns::with_capacity(0);
        let what = "assessment rows";
        limits::try_reserve(&mut out.person, rows, what)?;
        limits::try_reserve(&mut out.at, rows, what)?;
        limits::try_reserve(&mut out.score, rows, what)?;
        limits::try_reserve(&mut out.level, rows, what)?;
        limits::try_reserve(&mut out.action, rows, what)?;
        limits::try_reserve(&mut out.responder, rows, what)?;
        limits::try_reserve(&mut out.visit, rows, what)?;
        limits::try_reserve(&mut out.call, rows, what)?;
        limits::try_reserve(&mut out.reason_offsets, rows, what)?;
        Ok(out)
    }

    /// The assessments as columns (each person coded by the first row that names them).
    pub fn of<A: std::borrow::Borrow<Assessment>>(rows: &[A]) -> Self {
        let mut out = AssessmentColumns::with_capacity(rows.len());
        let mut codes = IdCodes::default();
        for a in rows.iter().map(A::borrow) {
            let code = codes.code(&mut out.names, &a.person);
            out.push_coded(code, a);
        }
        out
    }

    /// Appends a row of person `person`, who is the last person of the rows so far or comes
    /// after every one of them (as a replay gives its rows, person after person).
    pub(crate) fn push(&mut self, person: &str, a: &Assessment) {
        if self.names.last().is_none_or(|last| last != person) {
            self.names.push(person.to_string());
        }
        let code = self.names.len().saturating_sub(1) as u32;
        self.push_coded(code, a);
    }

    fn push_coded(&mut self, code: u32, a: &Assessment) {
        self.person.push(code);
        self.at.push(a.at.as_millis());
        self.score.push(a.score);
        self.level.push(a.level);
        self.action.push(a.action);
        self.responder.push(a.responder);
        self.visit.push(a.visit);
        self.call.push(a.call);
        for r in &a.reasons {
            self.reason_signal.push(r.signal);
            self.reason_kind.push(r.kind);
            self.reason_contribution.push(r.contribution);
            self.details.push_str(&r.detail);
            self.detail_offsets.push(self.details.len() as i64);
        }
        self.reason_offsets.push(self.reason_signal.len() as i64);
    }

    /// Appends the rows of `other`, whose persons are none of these rows' persons.
    pub(crate) fn append(&mut self, other: AssessmentColumns) {
        let (codes, reasons, bytes) =
            (self.names.len() as u32, self.reason_signal.len() as i64, self.details.len() as i64);
        self.names.extend(other.names);
        self.person.extend(other.person.iter().map(|c| c + codes));
        self.at.extend(other.at);
        self.score.extend(other.score);
        self.level.extend(other.level);
        self.action.extend(other.action);
        self.responder.extend(other.responder);
        self.visit.extend(other.visit);
        self.call.extend(other.call);
        self.reason_offsets.extend(other.reason_offsets.iter().skip(1).map(|o| o + reasons));
        self.reason_signal.extend(other.reason_signal);
        self.reason_kind.extend(other.reason_kind);
        self.reason_contribution.extend(other.reason_contribution);
        self.detail_offsets.extend(other.detail_offsets.iter().skip(1).map(|o| o + bytes));
        self.details.push_str(&other.details);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.person.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.person.is_empty()
    }

    /// The rows as [`Assessment`]s (as far as the columns agree in length).
    pub fn to_assessments(&self) -> Vec<Assessment> {
        let range = |offsets: &[i64], k: usize| match (offsets.get(k), offsets.get(k + 1)) {
            (Some(&a), Some(&b)) if 0 <= a && a <= b => a as usize..b as usize,
            _ => 0..0,
        };
        let reason = |j: usize| {
            Some(Reason {
                signal: *self.reason_signal.get(j)?,
                kind: *self.reason_kind.get(j)?,
                detail: self.details.get(range(&self.detail_offsets, j))?.to_string(),
                contribution: *self.reason_contribution.get(j)?,
            })
        };
        let rows = self.person.iter().zip(&self.at).zip(&self.score).zip(&self.level).zip(&self.action);
        rows.zip(&self.responder)
            .zip(&self.visit)
            .zip(&self.call)
            .enumerate()
            .map(|(i, (((((((person, at), score), level), action), responder), visit), call))| Assessment {
                person: self.names.get(*person as usize).cloned().unwrap_or_default(),
                at: Timestamp::from_millis_in_range(*at),
                score: *score,
                level: *level,
                action: *action,
                responder: *responder,
                reasons: range(&self.reason_offsets, i).filter_map(reason).collect(),
                visit: *visit,
                call: *call,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimConfig, simulate};
    use crate::{ReplayOptions, replay};

    #[test]
    fn columns_hold_the_rows_they_were_made_of() {
        let cohort = simulate(&SimConfig { persons: 12, days: 10, ..SimConfig::default() });
        let rows = replay(cohort.events, &cohort.persons, &ReplayOptions::default()).unwrap();
        assert!(rows.iter().any(|a| a.reasons.len() > 1));
        let columns = AssessmentColumns::of(&rows);
        assert_eq!(columns.len(), rows.len());
        assert_eq!(columns.names.len(), 12);
        assert_eq!(columns.reason_offsets.len(), rows.len() + 1);
        assert_eq!(columns.detail_offsets.len(), columns.reason_signal.len() + 1);
        assert_eq!(columns.to_assessments(), rows);
        // Rows pushed person after person, in two parts appended, are the same columns.
        let half = rows.iter().position(|a| a.person == columns.names[6]).unwrap();
        let (mut first, mut second) = (AssessmentColumns::default(), AssessmentColumns::with_capacity(3));
        rows[..half].iter().for_each(|a| first.push(&a.person, a));
        rows[half..].iter().for_each(|a| second.push(&a.person, a));
        first.append(second);
        assert_eq!(first, columns);
    }
}
