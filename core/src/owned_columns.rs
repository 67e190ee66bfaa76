//! Events as owned columns: the vectors a caller fills when converting from another layout
//! (Arrow arrays of text, a DataFrame, a feed), then checks as an [`EventColumns`].

use std::collections::HashMap;

use crate::columns::{Column, EventColumns};
use crate::event::{
    AppAction, By, CheckinOutcome, ConcernCategory, Direction, DoorState, Event, EventRecord, Finding, Signal,
};
use crate::time::Timestamp;

/// A column's values and, per row, whether the value is present (a null where it is not).
pub type ColumnValues<T> = (Vec<T>, Vec<bool>);

/// Events as owned columns, one entry per row in each: person and device ids as codes into
/// dictionaries, a payload column per spec field with its validity (a row's value where the
/// field does not apply is a placeholder, marked absent). [`OwnedColumns::batch`] checks
/// them as the rows' records are checked.
///
/// ```
/// use anbu::{DoorState, Event, EventKind, OwnedColumns};
/// let t0: anbu::Timestamp = "2024-05-01T08:30:00+09:00".parse()?;
/// let events = vec![
///     Event::new("p-1", t0, Some("door-front"), EventKind::Door { state: DoorState::Open })?,
///     Event::new("p-2", t0, None, EventKind::Sos)?,
/// ];
/// let columns = OwnedColumns::of(&events);
/// assert_eq!(columns.names, ["p-1", "p-2"]);
/// assert_eq!(columns.batch()?.to_events(), events);
/// # Ok::<(), anbu::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OwnedColumns {
    /// The dictionary of person ids.
    pub names: Vec<String>,
    /// Person codes into `names`.
    pub person: Vec<u32>,
    /// Times, epoch milliseconds.
    pub ts: Vec<i64>,
    /// Signals.
    pub signal: Vec<Signal>,
    /// The dictionary of device ids.
    pub device_names: Vec<String>,
    /// Device codes into `device_names` (absent: the signal's name, as in the spec).
    pub device: ColumnValues<u32>,
    /// `direction` of calls.
    pub direction: ColumnValues<Direction>,
    /// `answered` of calls.
    pub answered: ColumnValues<bool>,
    /// `duration_s` of calls.
    pub duration_s: ColumnValues<f64>,
    /// `steps` of step counts.
    pub steps: ColumnValues<u32>,
    /// `interval_s` of step counts.
    pub interval_s: ColumnValues<u32>,
    /// `state` of door events.
    pub state: ColumnValues<DoorState>,
    /// `watts` of plug and meter readings.
    pub watts: ColumnValues<f64>,
    /// `lux` of plug readings.
    pub lux: ColumnValues<f64>,
    /// `action` of phone use.
    pub action: ColumnValues<AppAction>,
    /// `outcome` of check-in calls.
    pub outcome: ColumnValues<CheckinOutcome>,
    /// `until` of registered absences, epoch milliseconds.
    pub until: ColumnValues<i64>,
    /// `category` of check-in calls with outcome `concern`.
    pub category: ColumnValues<ConcernCategory>,
    /// `finding` of dispositions.
    pub finding: ColumnValues<Finding>,
    /// `by` of check-in calls and dispositions.
    pub by: ColumnValues<By>,
}

fn push<T: Copy>(col: &mut ColumnValues<T>, v: Option<T>, fill: T) {
    col.0.push(v.unwrap_or(fill));
    col.1.push(v.is_some());
}

/// Codes ids into a dictionary by first appearance, as [`OwnedColumns::of`] codes persons and
/// devices: for a caller filling [`OwnedColumns`] from another layout.
///
/// ```
/// let (mut codes, mut names) = (anbu::IdCodes::default(), Vec::new());
/// let coded: Vec<u32> = ["p-2", "p-1", "p-2"].iter().map(|id| codes.code(&mut names, id)).collect();
/// assert_eq!((coded, names), (vec![0, 1, 0], vec!["p-2".to_string(), "p-1".to_string()]));
/// ```
#[derive(Clone, Debug, Default)]
pub struct IdCodes {
    index: HashMap<String, u32>,
}

impl IdCodes {
    /// The code of `id`, appended to `names` (the dictionary) when first seen.
    pub fn code(&mut self, names: &mut Vec<String>, id: &str) -> u32 {
        if let Some(c) = self.index.get(id) {
            return *c;
        }
        names.push(id.to_string());
        let c = names.len() as u32 - 1;
        self.index.insert(id.to_string(), c);
        c
    }
}

impl OwnedColumns {
    /// The events as columns, ids coded in order of first appearance.
    pub fn of(events: &[Event]) -> OwnedColumns {
        let mut c = OwnedColumns::default();
        let (mut persons, mut devices) = (IdCodes::default(), IdCodes::default());
        for e in events {
            let person = persons.code(&mut c.names, &e.person);
            let device = e.device_given().map(|d| devices.code(&mut c.device_names, d));
            c.push(person, e.ts.as_millis(), e.signal(), device, &e.to_record());
        }
        c
    }

    /// Appends a row: its person and device codes, time and signal, and the payload fields
    /// of `record` (its other fields are not read). Nothing is checked until [`Self::batch`].
    pub fn push(&mut self, person: u32, ts: i64, signal: Signal, device: Option<u32>, record: &EventRecord) {
        let r = record;
        self.person.push(person);
        self.ts.push(ts);
        self.signal.push(signal);
        push(&mut self.device, device, 0);
        push(&mut self.direction, r.direction, Direction::In);
        push(&mut self.answered, r.answered, false);
        push(&mut self.duration_s, r.duration_s, 0.0);
        push(&mut self.steps, r.steps, 0);
        push(&mut self.interval_s, r.interval_s, 0);
        push(&mut self.state, r.state, DoorState::Open);
        push(&mut self.watts, r.watts, 0.0);
        push(&mut self.lux, r.lux, 0.0);
        push(&mut self.action, r.action, AppAction::Unlock);
        push(&mut self.outcome, r.outcome, CheckinOutcome::Missed);
        push(&mut self.until, r.until.map(Timestamp::as_millis), 0);
        push(&mut self.category, r.category, ConcernCategory::Other);
        push(&mut self.finding, r.finding, Finding::Fine);
        push(&mut self.by, r.by, By::Auto);
    }

    /// Appends the rows of `part`, its ids recoded into this table's dictionaries by `persons`
    /// and `devices` (which must have coded this table's ids): the rows of consecutive parts
    /// appended in order are coded as the whole would be by first appearance.
    pub(crate) fn append_recoded(&mut self, part: OwnedColumns, persons: &mut IdCodes, devices: &mut IdCodes) {
        fn extend<T>(to: &mut ColumnValues<T>, from: ColumnValues<T>) {
            to.0.extend(from.0);
            to.1.extend(from.1);
        }
        let person: Vec<u32> = part.names.iter().map(|id| persons.code(&mut self.names, id)).collect();
        let device: Vec<u32> = part.device_names.iter().map(|id| devices.code(&mut self.device_names, id)).collect();
        self.person.extend(part.person.iter().map(|c| person[*c as usize]));
        self.device
            .0
            .extend(part.device.0.iter().zip(&part.device.1).map(|(c, v)| if *v { device[*c as usize] } else { 0 }));
        self.device.1.extend(part.device.1);
        self.ts.extend(part.ts);
        self.signal.extend(part.signal);
        extend(&mut self.direction, part.direction);
        extend(&mut self.answered, part.answered);
        extend(&mut self.duration_s, part.duration_s);
        extend(&mut self.steps, part.steps);
        extend(&mut self.interval_s, part.interval_s);
        extend(&mut self.state, part.state);
        extend(&mut self.watts, part.watts);
        extend(&mut self.lux, part.lux);
        extend(&mut self.action, part.action);
        extend(&mut self.outcome, part.outcome);
        extend(&mut self.until, part.until);
        extend(&mut self.category, part.category);
        extend(&mut self.finding, part.finding);
        extend(&mut self.by, part.by);
    }

    /// Reserves room for `rows` more rows in every column.
    pub(crate) fn reserve(&mut self, rows: usize) {
        fn reserve<T>(c: &mut ColumnValues<T>, rows: usize) {
            c.0.reserve(rows);
            c.1.reserve(rows);
        }
        self.person.reserve(rows);
        self.ts.reserve(rows);
        self.signal.reserve(rows);
        reserve(&mut self.device, rows);
        reserve(&mut self.direction, rows);
        reserve(&mut self.answered, rows);
        reserve(&mut self.duration_s, rows);
        reserve(&mut self.steps, rows);
        reserve(&mut self.interval_s, rows);
        reserve(&mut self.state, rows);
        reserve(&mut self.watts, rows);
        reserve(&mut self.lux, rows);
        reserve(&mut self.action, rows);
        reserve(&mut self.outcome, rows);
        reserve(&mut self.until, rows);
        reserve(&mut self.category, rows);
        reserve(&mut self.finding, rows);
        reserve(&mut self.by, rows);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.person.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.person.is_empty()
    }

    /// The columns as a checked batch: an error names the first bad row and its field, as
    /// [`EventColumnsBuilder::build`](crate::EventColumnsBuilder::build) does.
    pub fn batch(&self) -> crate::Result<EventColumns<'_>> {
        fn col<T: Copy>(c: &ColumnValues<T>) -> Column<'_, T> {
            Column::with_validity(&c.0, &c.1)
        }
        EventColumns::builder(&self.names, &self.person, &self.ts, &self.signal)
            .device(&self.device_names, col(&self.device))
            .direction(col(&self.direction))
            .answered(col(&self.answered))
            .duration_s(col(&self.duration_s))
            .steps(col(&self.steps))
            .interval_s(col(&self.interval_s))
            .state(col(&self.state))
            .watts(col(&self.watts))
            .lux(col(&self.lux))
            .action(col(&self.action))
            .outcome(col(&self.outcome))
            .until(col(&self.until))
            .category(col(&self.category))
            .finding(col(&self.finding))
            .by(col(&self.by))
            .build()
    }
}
