//! The per-district period report, as the Seoul services' press releases table their month:
//! per district, the households watched, those with a risk signal, the automatic check-in
//! calls, the caseworkers' calls and texts, the visits by kind, and what the calls and
//! visits found.
//!
//! [`district_report`] reads the persons (for their districts), then the events and the
//! assessments of a replay once each, in any order, keeping one counter row per district and
//! one bit per person: memory grows with the persons, never with the events or the rows.
//!
//! | column | counts, within the period |
//! |---|---|
//! | `district` | the district's code; empty (`null` in JSON) for the persons without one, one row for all of them, last |
//! | `households` | the persons of the district (every person listed is watched) |
//! | `risk_households` | the persons with an assessment at `warning` or above |
//! | `auto_calls` | automatic check-in calls (`checkin` rows placed automatically), whatever their outcome |
//! | `staff_calls` | calls by a caseworker or the control center (`checkin` rows `by` `staff`) |
//! | `texts` | text messages answered (`checkin` rows with outcome `sms_reply`) |
//! | `visits_staff`, `visits_police`, `visits_119` | `disposition` rows found `by` a staff `visit`, the `police`, `119` |
//! | `found_fine` ... `found_unreachable` | `disposition` rows by `finding` (one column per finding) |
//!
//! ```
//! use anbu::report::{Period, district_report};
//! use anbu::{By, Event, EventKind, Finding, Person};
//! let t = |s: &str| s.parse::<anbu::Timestamp>().unwrap();
//! let may = Period::new(t("2024-05-01T00:00:00+09:00"), t("2024-06-01T00:00:00+09:00"))?;
//! let persons = [
//!     Person::new("p-1", "full")?.with_district("gangbuk")?,
//!     Person::new("p-2", "full")?,
//! ];
//! let found = EventKind::disposition(Finding::Fine).with_by(By::Visit);
//! let events = [Event::new("p-1", t("2024-05-03T10:00:00+09:00"), Some("visit"), found)?];
//! let report = district_report(may, &persons, &events, [])?;
//! let gangbuk = &report.rows[0];
//! assert_eq!((gangbuk.district.as_deref(), gangbuk.households, gangbuk.found_fine), (Some("gangbuk"), 1, 1));
//! assert_eq!(gangbuk.visits_staff, 1);
//! assert_eq!((report.rows[1].district.as_deref(), report.rows[1].households), (None, 1));
//! # Ok::<(), anbu::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::assessment::{Assessment, Level};
use crate::clip::clip;
use crate::error::{Error, Result};
use crate::event::{Event, EventKind};
use crate::file::Format;
use crate::person::Person;
use crate::time::Timestamp;
use crate::vocab::{CheckinBy, CheckinOutcome, FoundBy};

/// A report's period: from `start` (included) to `end` (excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// The first instant counted.
    pub start: Timestamp,
    /// The first instant after the period.
    pub end: Timestamp,
}

impl Period {
    /// The period from `start` up to `end`; an `end` not after `start` is an
    /// [`Error::InvalidArgument`] naming `end`.
    pub fn new(start: Timestamp, end: Timestamp) -> Result<Period> {
        if end <= start {
            return Err(Error::argument("end", format!("{end} is not after start {start}")));
        }
        Ok(Period { start, end })
    }

    /// Whether `t` falls in the period.
    pub fn contains(&self, t: Timestamp) -> bool {
        t >= self.start && t < self.end
    }
}

/// The report's columns, in order (the CSV header; the fields of a row's JSON object).
pub const REPORT_FIELDS: [&str; 16] = [
    "district",
    "households",
    "risk_households",
    "auto_calls",
    "staff_calls",
    "texts",
    "visits_staff",
    "visits_police",
    "visits_119",
    "found_fine",
    "found_away",
    "found_hospital",
    "found_device_fault",
    "found_emergency",
    "found_deceased",
    "found_unreachable",
];

/// One district's counts over the period (the columns: the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictRow {
    /// The district's code; `None` for the persons without a district.
    pub district: Option<String>,
    /// Persons of the district.
    pub households: u64,
    /// Persons with an assessment at `warning` or above in the period.
    pub risk_households: u64,
    /// Automatic check-in calls.
    pub auto_calls: u64,
    /// Calls by a caseworker or the control center.
    pub staff_calls: u64,
    /// Text messages answered.
    pub texts: u64,
    /// Dispositions found by a staff visit.
    pub visits_staff: u64,
    /// Dispositions found by the police.
    pub visits_police: u64,
    /// Dispositions found by 119.
    pub visits_119: u64,
    /// Dispositions `fine`.
    pub found_fine: u64,
    /// Dispositions `away`.
    pub found_away: u64,
    /// Dispositions `hospital`.
    pub found_hospital: u64,
    /// Dispositions `device_fault`.
    pub found_device_fault: u64,
    /// Dispositions `emergency`.
    pub found_emergency: u64,
    /// Dispositions `deceased`.
    pub found_deceased: u64,
    /// Dispositions `unreachable`.
    pub found_unreachable: u64,
}

impl DistrictRow {
    /// The counts in the order of [`REPORT_FIELDS`] (after `district`).
    pub fn counts(&self) -> [u64; 15] {
        [
            self.households,
            self.risk_households,
            self.auto_calls,
            self.staff_calls,
            self.texts,
            self.visits_staff,
            self.visits_police,
            self.visits_119,
            self.found_fine,
            self.found_away,
            self.found_hospital,
            self.found_device_fault,
            self.found_emergency,
            self.found_deceased,
            self.found_unreachable,
        ]
    }

    /// Every count, mutable, in the order of [`REPORT_FIELDS`] (after `district`).
    fn counts_mut(&mut self) -> [&mut u64; 15] {
        [
            &mut self.households,
            &mut self.risk_households,
            &mut self.auto_calls,
            &mut self.staff_calls,
            &mut self.texts,
            &mut self.visits_staff,
            &mut self.visits_police,
            &mut self.visits_119,
            &mut self.found_fine,
            &mut self.found_away,
            &mut self.found_hospital,
            &mut self.found_device_fault,
            &mut self.found_emergency,
            &mut self.found_deceased,
            &mut self.found_unreachable,
        ]
    }

    /// The row of `district` with every count from `counts` (in the order of [`REPORT_FIELDS`]).
    fn from_counts(district: Option<String>, counts: [u64; 15]) -> DistrictRow {
        let mut row = DistrictRow { district, ..DistrictRow::default() };
        for (slot, c) in row.counts_mut().into_iter().zip(counts) {
            *slot = c;
        }
        row
    }
}

/// Indexes into [`DistrictRow::counts`].
mod col {
    pub const HOUSEHOLDS: usize = 0;
    pub const RISK: usize = 1;
    pub const AUTO_CALLS: usize = 2;
    pub const STAFF_CALLS: usize = 3;
    pub const TEXTS: usize = 4;
    pub const VISITS_STAFF: usize = 5;
    pub const VISITS_POLICE: usize = 6;
    pub const VISITS_119: usize = 7;
    pub const FOUND: usize = 8;
}

/// The counters an event adds one to: at most two (a disposition's finding, and who found it).
fn tally(kind: &EventKind) -> [Option<usize>; 2] {
    match kind {
        EventKind::Checkin { outcome: CheckinOutcome::SmsReply, .. } => [Some(col::TEXTS), None],
        EventKind::Checkin { by: CheckinBy::Staff, .. } => [Some(col::STAFF_CALLS), None],
        EventKind::Checkin { .. } => [Some(col::AUTO_CALLS), None],
        EventKind::Disposition { finding, by, .. } => {
            let visit = match by {
                Some(FoundBy::Visit) => Some(col::VISITS_STAFF),
                Some(FoundBy::Police) => Some(col::VISITS_POLICE),
                Some(FoundBy::Rescue) => Some(col::VISITS_119),
                Some(FoundBy::Call) | None => None,
            };
            [Some(col::FOUND + *finding as usize), visit]
        }
        _ => [None, None],
    }
}

/// Whether the report counts an event of this kind (a check-in call, a disposition), so that a
/// caller holding many events can keep only these for [`district_report`].
pub fn counts(kind: &EventKind) -> bool {
    tally(kind)[0].is_some()
}

/// A per-district report over a period (see [`district_report`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictReport {
    /// The period counted.
    pub period: Period,
    /// One row per district, by code; the persons without a district last.
    pub rows: Vec<DistrictRow>,
}

/// Counts, per district, what happened in `period`: the persons (each in their district),
/// the `events` (check-in calls, dispositions) and the `assessments` of a replay of them (the
/// households with a risk signal), each read once, in any order (see the module docs).
///
/// An event or an assessment of a person not in `persons` is an [`Error::UnknownPerson`]; a
/// person listed twice is an error naming them.
pub fn district_report<'a>(
    period: Period,
    persons: &[Person],
    events: impl IntoIterator<Item = &'a Event>,
    assessments: impl IntoIterator<Item = &'a Assessment>,
) -> Result<DistrictReport> {
    // Districts by code (`None` sorts first; moved last below), and each person's district.
    let mut districts: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    for p in persons {
        let next = districts.len();
        districts.entry(p.district()).or_insert(next);
    }
    let mut counts = vec![[0u64; 15]; districts.len()];
    // Each person's position and district.
    let mut index: HashMap<&str, (usize, usize)> = HashMap::with_capacity(persons.len());
    for (i, p) in persons.iter().enumerate() {
        let d = districts[&p.district()];
        if index.insert(p.person.as_str(), (i, d)).is_some() {
            return Err(Error::field("person", format!("person `{}` is listed twice", clip(&p.person))));
        }
        counts[d][col::HOUSEHOLDS] += 1;
    }
    let district_of = |person: &str| index.get(person).copied().ok_or_else(|| Error::UnknownPerson(person.to_string()));
    for e in events {
        let (_, d) = district_of(&e.person)?;
        if period.contains(e.ts) {
            for c in tally(&e.kind).into_iter().flatten() {
                counts[d][c] += 1;
            }
        }
    }
    // Per person: whether a risk signal was counted for them already.
    let mut risk = vec![false; persons.len()];
    for a in assessments {
        let (i, d) = district_of(&a.person)?;
        if a.level >= Level::Warning && period.contains(a.at) && !std::mem::replace(&mut risk[i], true) {
            counts[d][col::RISK] += 1;
        }
    }
    let mut rows: Vec<DistrictRow> = districts
        .into_iter()
        .map(|(district, d)| DistrictRow::from_counts(district.map(str::to_string), counts[d]))
        .collect();
    if rows.first().is_some_and(|r| r.district.is_none()) {
        rows.rotate_left(1);
    }
    Ok(DistrictReport { period, rows })
}

impl DistrictReport {
    /// Every district's counts added up (`district` `None`).
    pub fn total(&self) -> DistrictRow {
        let mut sum = [0u64; 15];
        for row in &self.rows {
            for (s, c) in sum.iter_mut().zip(row.counts()) {
                *s += c;
            }
        }
        DistrictRow::from_counts(None, sum)
    }
}

/// What the Markdown table shows for the persons without a district.
pub const NO_DISTRICT_LABEL: &str = "(no district)";

impl fmt::Display for DistrictReport {
    /// A Markdown table: the period, one row per district, then `all`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Period: {} to {} (excluded)\n", self.period.start, self.period.end)?;
        writeln!(f, "| {} |", REPORT_FIELDS.join(" | "))?;
        writeln!(f, "|---|{}", "---:|".repeat(REPORT_FIELDS.len() - 1))?;
        let line = |f: &mut fmt::Formatter<'_>, name: &str, row: &DistrictRow| {
            let cells: Vec<String> = row.counts().iter().map(u64::to_string).collect();
            writeln!(f, "| {name} | {} |", cells.join(" | "))
        };
        for row in &self.rows {
            line(f, row.district.as_deref().unwrap_or(NO_DISTRICT_LABEL), row)?;
        }
        line(f, "all", &self.total())
    }
}

/// Writes a report's rows as CSV ([`REPORT_FIELDS`]; `district` empty for the persons without one).
///
/// ```
/// use anbu::report::{DistrictRow, write_district_report_csv};
/// let row = DistrictRow { district: Some("gangbuk".into()), households: 2, ..DistrictRow::default() };
/// let mut out = Vec::new();
/// write_district_report_csv(&mut out, [&row])?;
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with("district,households,risk_households,auto_calls,"));
/// assert!(text.ends_with("\ngangbuk,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"));
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn write_district_report_csv<'a, W: Write>(w: W, rows: impl IntoIterator<Item = &'a DistrictRow>) -> Result<()> {
    crate::write::write_cells_csv(
        w,
        REPORT_FIELDS,
        rows.into_iter().map(|r| {
            let mut cells: [Option<String>; 16] = Default::default();
            cells[0] = r.district.clone();
            for (cell, c) in cells[1..].iter_mut().zip(r.counts()) {
                *cell = Some(c.to_string());
            }
            cells
        }),
    )
}

/// Writes a report's rows as JSON Lines: one object per row with [`REPORT_FIELDS`]
/// (`district` `null` for the persons without one).
pub fn write_district_report_jsonl<'a, W: Write>(w: W, rows: impl IntoIterator<Item = &'a DistrictRow>) -> Result<()> {
    crate::write::write_jsonl(w, rows)
}

/// Writes a report's rows in a format: [`write_district_report_csv`] or
/// [`write_district_report_jsonl`].
pub fn write_district_report_as<'a, W: Write>(
    format: Format,
    w: W,
    rows: impl IntoIterator<Item = &'a DistrictRow>,
) -> Result<()> {
    match format {
        Format::Csv => write_district_report_csv(w, rows),
        Format::Jsonl => write_district_report_jsonl(w, rows),
        Format::Parquet | Format::Arrow => Err(format.text_only("district reports")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Finding;

    #[test]
    fn the_fields_are_the_rows_json_keys_in_order() {
        let json = serde_json::to_value(DistrictRow::default()).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        // serde_json's map keeps insertion order only with `preserve_order`; compare as sets
        // and check the order through the CSV writer's header and `counts`.
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        let mut fields = REPORT_FIELDS.to_vec();
        fields.sort_unstable();
        assert_eq!(sorted, fields);
        let mut row = DistrictRow::default();
        for (i, slot) in row.counts_mut().into_iter().enumerate() {
            *slot = i as u64 + 1;
        }
        let json = serde_json::to_value(&row).unwrap();
        for (i, name) in REPORT_FIELDS[1..].iter().enumerate() {
            assert_eq!(json[name], i as u64 + 1, "{name}");
        }
        assert_eq!(row.counts().to_vec(), (1..=15).collect::<Vec<u64>>());
    }

    #[test]
    fn every_finding_has_its_column() {
        for (i, f) in Finding::ALL.iter().enumerate() {
            assert_eq!(REPORT_FIELDS[1 + col::FOUND + i], format!("found_{f}"));
        }
    }

    #[test]
    fn a_period_must_end_after_it_starts() {
        let t = Timestamp::from_millis(1_714_500_000_000).unwrap();
        let err = Period::new(t, t).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument);
        assert!(err.to_string().contains("end"), "{err}");
    }
}
