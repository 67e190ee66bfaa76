//! Columnar event batches: the spec's event table as typed columns, checked once.
//!
//! An [`EventColumns`] borrows the columns of a batch (as a DataFrame or an Arrow table holds
//! them): person ids as `u32` codes into a dictionary of names, `ts` in epoch milliseconds,
//! the signal per row, optional device codes into a dictionary of device ids, and one typed
//! column per payload field of the spec, each with optional validity (a null is "absent").
//! [`EventColumnsBuilder::build`] checks every row by exactly the rules of
//! [`EventRecord::into_event`](crate::EventRecord::into_event) (the same code gives the same
//! errors, each naming the row index and the field), checking each dictionary entry once.
//! [`Engine::ingest_columns`](crate::Engine::ingest_columns) and
//! [`replay_columns`](crate::replay_columns) then take the batch without an allocation per
//! event.
//!
//! ```
//! use anbu::{Column, DoorState, Engine, EventColumns, Person, Signal};
//!
//! let persons = ["p-001", "p-002"];
//! let person = [0, 1, 0];
//! let ts = [1_714_521_600_000, 1_714_521_660_000, 1_714_525_200_000];
//! let signal = [Signal::Plug, Signal::Door, Signal::Plug];
//! let devices = ["plug-tv", "door-front"];
//! let device = [0, 1, 0];
//! // Columns that do not apply to a row's signal are null there.
//! let watts = [85.5, 0.0, 3.0];
//! let is_plug = [true, false, true];
//! let state = [DoorState::Open; 3];
//! let is_door = [false, true, false];
//! let batch = EventColumns::builder(&persons, &person, &ts, &signal)
//!     .device(&devices, Column::new(&device))
//!     .watts(Column::with_validity(&watts, &is_plug))
//!     .state(Column::with_validity(&state, &is_door))
//!     .build()?;
//! assert_eq!(batch.event(1).unwrap().device(), "door-front");
//!
//! let mut engine = Engine::new();
//! engine.add_person(Person::new("p-001", "plug_only")?)?;
//! engine.add_person(Person::new("p-002", "call_iot")?)?;
//! assert_eq!(engine.ingest_columns(&batch)?, 3);
//!
//! // A bad row is named by its index and field; nothing of the batch is taken.
//! let bad = [85.5, 0.0, -3.0];
//! let err = EventColumns::builder(&persons, &person, &ts, &signal)
//!     .watts(Column::with_validity(&bad, &is_plug))
//!     .state(Column::with_validity(&state, &is_door))
//!     .build()
//!     .unwrap_err();
//! assert_eq!(err.to_string(), "row 2: field `watts`: must be >= 0, got -3");
//! # Ok::<(), anbu::Error>(())
//! ```

use crate::error::{Error, Location, Result};
use crate::event::{Event, EventKind, check_id, check_person_id, kind_of, validate_kind};
use crate::limits::{self, MAX_BATCH_ROWS};
use crate::payload::{Fields, PayloadSource, allowed_fields, required_fields};
use crate::schema::{Field, FieldType, PAYLOAD, column_type, payload_fields};
use crate::time::Timestamp;
use crate::vocab::{AppAction, By, CheckinOutcome, ConcernCategory, Direction, DoorState, Finding, Signal};

/// One column of a batch: a value per row and, optionally, which rows have one (`false`
/// is a null). Values in null rows are ignored.
#[derive(Clone, Copy, Debug)]
pub struct Column<'a, T> {
    values: &'a [T],
    valid: Option<&'a [bool]>,
}

impl<'a, T: Copy> Column<'a, T> {
    /// A column with a value in every row.
    pub fn new(values: &'a [T]) -> Self {
        Column { values, valid: None }
    }

    /// A column with nulls: row `i` has a value when `valid[i]`.
    pub fn with_validity(values: &'a [T], valid: &'a [bool]) -> Self {
        Column { values, valid: Some(valid) }
    }

    /// The value of row `i`, if it has one (rows are in range once the batch is built).
    #[inline]
    fn get(&self, i: usize) -> Option<T> {
        if let Some(v) = self.valid
            && !*v.get(i)?
        {
            return None;
        }
        self.values.get(i).copied()
    }

    /// Ors `bit` into `present` for each of the rows from `start` that have a value.
    fn mark(&self, bit: u16, start: usize, present: &mut [u16]) {
        match self.valid {
            None => present.iter_mut().for_each(|p| *p |= 1 << bit),
            Some(v) => {
                let v = v.get(start..start + present.len()).unwrap_or_default();
                present.iter_mut().zip(v).for_each(|(p, x)| *p |= u16::from(*x) << bit);
            }
        }
    }

    fn check_len(&self, field: &str, rows: usize) -> Result<()> {
        if self.values.len() != rows {
            return Err(Error::argument(field, format!("has {} values for {rows} rows", self.values.len())));
        }
        match self.valid {
            Some(v) if v.len() != rows => {
                Err(Error::argument(field, format!("validity has {} entries for {rows} rows", v.len())))
            }
            _ => Ok(()),
        }
    }
}

impl<'a, T: Copy> From<&'a [T]> for Column<'a, T> {
    fn from(values: &'a [T]) -> Self {
        Column::new(values)
    }
}

/// Generates, from the schema's table (see `schema`), the payload columns of a batch, their
/// checks, a row's fields read from them, and the builder's setters.
macro_rules! columns_payload {
    ($( $(#[$doc:meta])* $name:ident: $ty:ty, on [$($on:ident),*], required [$($req:ident),*] $(, text $what:literal)? $(, column $cell:ty)? $(, check $check:ident)? $(, set $set:ident)?; )*) => {
        /// The payload columns, each optional (an absent column is null in every row).
        #[derive(Clone, Copy, Debug, Default)]
        struct Payload<'a> {
            $( $name: Option<Column<'a, column_type!($ty $(, $cell)?)>>, )*
        }

        impl Payload<'_> {
            /// Ors into `present` the payload fields (as bits, see [`Field`]) that the rows from
            /// `start` have.
            fn mark(&self, start: usize, present: &mut [u16]) {
                $( if let Some(c) = &self.$name {
                    c.mark(Field::$name as u16, start, present);
                } )*
            }

            /// Checks that every column has `rows` values (and validity entries).
            fn check_len(&self, rows: usize) -> Result<()> {
                $( if let Some(c) = &self.$name {
                    c.check_len(stringify!($name), rows)?;
                } )*
                Ok(())
            }

            /// The payload fields of row `i`, as a record of the row would have them.
            #[inline]
            fn fields(&self, i: usize) -> Result<Fields> {
                Ok(Fields { $( $name: match cell(&self.$name, i) {
                    Some(c) => Some(<$ty as FieldType>::check_cell(stringify!($name), c)?),
                    None => None,
                }, )* })
            }

            /// Whether row `i`'s values read as a record's do (a time in range).
            #[inline]
            fn cells_ok(&self, i: usize) -> bool {
                true $( && cell(&self.$name, i).is_none_or(|c| <$ty as FieldType>::check_cell(stringify!($name), c).is_ok()) )*
            }
        }

        impl PayloadSource for RowFields<'_, '_> {
            $( #[inline]
            fn $name(&self) -> Option<$ty> {
                value(&self.payload.$name, self.mask, Field::$name as u16, self.i).map(<$ty as FieldType>::from_checked_cell)
            } )*
        }

        impl<'a> EventColumnsBuilder<'a> {
            $(
                #[doc = concat!("Sets the `", stringify!($name), "` column:")]
                $(#[$doc])*
                pub fn $name(mut self, column: Column<'a, column_type!($ty $(, $cell)?)>) -> Self {
                    self.batch.payload.$name = Some(column);
                    self
                }
            )*
        }
    };
}

payload_fields!(columns_payload);

/// Row `i`'s payload fields, read from the columns its `mask` has, once the row is checked
/// (or its values are: see [`Payload::cells_ok`]).
struct RowFields<'p, 'a> {
    payload: &'p Payload<'a>,
    mask: u16,
    i: usize,
}

#[inline]
fn cell<T: Copy>(c: &Option<Column<'_, T>>, i: usize) -> Option<T> {
    c.as_ref().and_then(|c| c.get(i))
}

/// Rows checked at a time, with their payload fields as bits.
const CHUNK: usize = 1024;

/// Rows from which a batch is checked on every core.
const PARALLEL_ROWS: usize = 1 << 20;

/// A batch of events as columns, every row checked (see the module docs).
#[derive(Clone, Debug)]
pub struct EventColumns<'a> {
    person_names: Vec<&'a str>,
    person: &'a [u32],
    ts: &'a [i64],
    signal: &'a [Signal],
    device_names: Vec<&'a str>,
    device: Option<Column<'a, u32>>,
    payload: Payload<'a>,
    /// Per row, the payload fields it has (bits by column, see `payload::allowed_fields`) and
    /// `DEVICE_BIT` if its device is given: set by the check, then read instead of validity.
    present: Vec<u16>,
}

/// The bit of `EventColumns::present` of a given device (after the payload columns' bits).
const DEVICE_BIT: u16 = PAYLOAD as u16;
const _: () = assert!(DEVICE_BIT < 16);

/// Row `i`'s value of a column, when `mask` has the column's `bit`.
#[inline]
fn value<T: Copy>(c: &Option<Column<'_, T>>, mask: u16, bit: u16, i: usize) -> Option<T> {
    if mask & (1 << bit) == 0 {
        return None;
    }
    c.as_ref().and_then(|c| c.values.get(i).copied())
}

/// Builds an [`EventColumns`]: the required columns first, then any payload columns.
#[derive(Clone, Debug)]
#[must_use = "call `build` to check the columns"]
pub struct EventColumnsBuilder<'a> {
    batch: EventColumns<'a>,
}

/// One row of a checked batch, ready to be taken.
pub(crate) struct Row {
    pub person: u32,
    pub ts: Timestamp,
    pub signal: Signal,
    /// The device's code into the dictionary, when given.
    pub device: Option<u32>,
    pub kind: EventKind,
}

impl<'a> EventColumns<'a> {
    /// Starts a batch from its required columns: `person` codes into the `person_names`
    /// dictionary, `ts` in epoch milliseconds (UTC) and the `signal` of each row.
    pub fn builder<S: AsRef<str>>(
        person_names: &'a [S],
        person: &'a [u32],
        ts: &'a [i64],
        signal: &'a [Signal],
    ) -> EventColumnsBuilder<'a> {
        EventColumnsBuilder {
            batch: EventColumns {
                person_names: person_names.iter().map(AsRef::as_ref).collect(),
                person,
                ts,
                signal,
                device_names: Vec::new(),
                device: None,
                payload: Payload::default(),
                present: Vec::new(),
            },
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.person.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.person.is_empty()
    }

    /// The person code of every row (into [`EventColumns::person_names`]).
    pub fn person_codes(&self) -> &[u32] {
        self.person
    }

    /// The time of every row, epoch milliseconds.
    pub(crate) fn timestamps(&self) -> &[i64] {
        self.ts
    }

    /// The dictionary of person ids.
    pub fn person_names(&self) -> &[&'a str] {
        &self.person_names
    }

    /// The dictionary of device ids.
    pub fn device_names(&self) -> &[&'a str] {
        &self.device_names
    }

    /// Row `row` as an [`Event`] (`None` past the end).
    pub fn event(&self, row: usize) -> Option<Event> {
        let r = self.row(row)?;
        let person = self.person_names.get(r.person as usize)?;
        Some(Event::from_valid_parts(person, r.ts, self.device_name(r.device), r.kind))
    }

    /// Every row as an [`Event`], in order.
    pub fn to_events(&self) -> Vec<Event> {
        (0..self.len()).filter_map(|i| self.event(i)).collect()
    }

    /// The device id of a device code (in range once built).
    pub(crate) fn device_name(&self, code: Option<u32>) -> Option<&'a str> {
        code.and_then(|c| self.device_names.get(c as usize).copied())
    }

    /// The person code of row `i` (in range once built; `i < len`).
    #[inline]
    pub(crate) fn person_code(&self, i: usize) -> u32 {
        self.person.get(i).copied().unwrap_or(0)
    }

    /// Row `i` of the checked batch, reading only the columns its signal uses.
    #[inline]
    pub(crate) fn row(&self, i: usize) -> Option<Row> {
        let (&person, &ms, &signal, &mask) =
            (self.person.get(i)?, self.ts.get(i)?, self.signal.get(i)?, self.present.get(i)?);
        let ts = Timestamp::from_millis_in_range(ms);
        let device = value(&self.device, mask, DEVICE_BIT, i);
        Some(Row { person, ts, signal, device, kind: self.kind(i, mask, signal).ok()? })
    }

    /// Row `i`'s person code, time, signal and device code.
    #[inline]
    pub(crate) fn key(&self, i: usize) -> Option<(u32, Timestamp, Signal, Option<u32>)> {
        let (&person, &ms, &signal, &mask) =
            (self.person.get(i)?, self.ts.get(i)?, self.signal.get(i)?, self.present.get(i)?);
        Some((person, Timestamp::from_millis_in_range(ms), signal, value(&self.device, mask, DEVICE_BIT, i)))
    }

    /// Row `i`'s payload, read from the columns its signal uses (`mask`: the row's fields),
    /// as [`Fields::into_kind`] reads a record's ([`kind_of`]). An error only for a row
    /// without a field its signal requires.
    #[inline]
    fn kind(&self, i: usize, mask: u16, signal: Signal) -> std::result::Result<EventKind, ()> {
        kind_of(&RowFields { payload: &self.payload, mask, i }, signal)
    }

    /// Checks the whole batch; the first bad row's error names its index and field.
    fn check(&mut self) -> Result<()> {
        let rows = self.person.len();
        limits::at_most("person", rows, MAX_BATCH_ROWS, "rows")?;
        Column::new(self.ts).check_len("ts", rows)?;
        Column::new(self.signal).check_len("signal", rows)?;
        if let Some(c) = &self.device {
            c.check_len("device", rows)?;
        }
        self.payload.check_len(rows)?;
        let mut all = vec![0u16; rows];
        // A large batch is checked in as many parts as there are cores; the error reported
        // is the first row's in any case.
        let threads = if rows >= PARALLEL_ROWS { crate::parallel::threads()? } else { 1 };
        let part = rows.div_ceil(threads.max(1)).next_multiple_of(CHUNK).max(CHUNK);
        let this = &*self;
        let checked: Vec<Result<()>> = crate::parallel::run_all(
            all.chunks_mut(part).enumerate().map(|(k, present)| move || this.check_rows(k * part, present)),
        );
        checked.into_iter().collect::<Result<Vec<()>>>()?;
        self.present = all;
        Ok(())
    }

    /// Checks the rows from `first` on, one per entry of `all`, and sets their present bits.
    fn check_rows(&self, first: usize, all: &mut [u16]) -> Result<()> {
        // Each dictionary entry is checked once, when a row first uses it.
        let mut persons = Checked::new(self.person_names.len());
        let mut devices = Checked::new(self.device_names.len());
        for (c, present) in all.chunks_mut(CHUNK).enumerate() {
            let start = first + c * CHUNK;
            self.payload.mark(start, present);
            if let Some(d) = &self.device {
                d.mark(DEVICE_BIT, start, present);
            }
            for (j, mask) in present.iter().enumerate() {
                let i = start + j;
                // Rows that pass the quick test are valid; any other row is checked in full,
                // which names what is wrong with it.
                if !self.passes(i, *mask, &mut persons, &mut devices) {
                    self.check_row(i, &mut persons, &mut devices).map_err(|e| e.at(Location::Index(i as u64)))?;
                }
            }
        }
        Ok(())
    }

    /// A quick test that row `i`, with the payload fields `present`, is valid: `true` only
    /// if [`Self::check_row`] passes it (the same checks of ids and values, and the fields
    /// `into_kind` allows and requires, as bits).
    #[inline]
    fn passes(&self, i: usize, mask: u16, persons: &mut Checked, devices: &mut Checked) -> bool {
        let present = mask & !(1 << DEVICE_BIT);
        let (Some(&person), Some(&signal)) = (self.person.get(i), self.signal.get(i)) else { return false };
        let device = value(&self.device, mask, DEVICE_BIT, i);
        let Some(&ms) = self.ts.get(i) else { return false };
        let Ok(ts) = Timestamp::check_millis(ms) else { return false };
        let shape = present & !allowed_fields(signal) == 0 && required_fields(signal) & !present == 0;
        let person = person as usize;
        let person_ok = self.person_names.get(person).is_some_and(|id| persons.passes(person, || check_person_id(id)));
        let device_ok = match device {
            Some(d) => self.device_names.get(d as usize).is_some_and(|id| devices.passes(d as usize, || check_id(id))),
            None => true,
        };
        shape
            && self.payload.cells_ok(i)
            && person_ok
            && device_ok
            && self.kind(i, mask, signal).is_ok_and(|kind| validate_kind(&kind, ts).is_ok())
    }

    /// The checks of one row, in the order a record of it meets them: its values as read
    /// (codes, times), then [`Fields::into_kind`], the ids and the payload's values, as in
    /// [`Event::new`].
    #[inline]
    fn check_row(&self, i: usize, persons: &mut Checked, devices: &mut Checked) -> Result<()> {
        let person = self.person_code(i) as usize;
        let Some(person_id) = self.person_names.get(person) else {
            return Err(Error::field(
                "person",
                format!("code {person} is not in the dictionary of {} person ids", self.person_names.len()),
            ));
        };
        let ts = Timestamp::check_millis(self.ts.get(i).copied().unwrap_or(-1)).map_err(|r| Error::field("ts", r))?;
        let device = match cell(&self.device, i) {
            Some(code) => match self.device_names.get(code as usize) {
                Some(id) => Some((code as usize, *id)),
                None => {
                    return Err(Error::field(
                        "device",
                        format!("code {code} is not in the dictionary of {} device ids", self.device_names.len()),
                    ));
                }
            },
            None => None,
        };
        let fields = self.payload.fields(i)?;
        let signal = self.signal.get(i).copied().unwrap_or(Signal::Heartbeat);
        let kind = fields.into_kind(signal)?;
        persons.check(person, || check_person_id(person_id)).map_err(|r| Error::field("person", r))?;
        if let Some((code, id)) = device {
            devices.check(code, || check_id(id)).map_err(|r| Error::field("device", r))?;
        }
        validate_kind(&kind, ts)
    }
}

/// Which dictionary entries were checked, and whether they passed.
struct Checked {
    /// 0: not checked yet, 1: passed, 2: failed.
    state: Vec<u8>,
}

impl Checked {
    fn new(n: usize) -> Self {
        Checked { state: vec![0; n] }
    }

    /// Whether entry `i` passes its check, run once.
    #[inline]
    fn passes(&mut self, i: usize, run: impl FnOnce() -> std::result::Result<(), String>) -> bool {
        match self.state.get_mut(i) {
            Some(1) => true,
            Some(2) | None => false,
            Some(s) => {
                let ok = run().is_ok();
                *s = if ok { 1 } else { 2 };
                ok
            }
        }
    }

    /// Entry `i`'s check: passed already, or run (again, for the reason).
    fn check(
        &mut self,
        i: usize,
        run: impl FnOnce() -> std::result::Result<(), String>,
    ) -> std::result::Result<(), String> {
        match self.state.get(i) {
            Some(1) => Ok(()),
            _ => run(),
        }
    }
}

impl<'a> EventColumnsBuilder<'a> {
    /// Sets the device column: codes into the `names` dictionary of device ids; a null row's
    /// device defaults to the signal's name, as in the spec.
    pub fn device<S: AsRef<str>>(mut self, names: &'a [S], codes: Column<'a, u32>) -> Self {
        self.batch.device_names = names.iter().map(AsRef::as_ref).collect();
        self.batch.device = Some(codes);
        self
    }

    /// Checks every row and returns the batch. A column of the wrong length is an
    /// [`Error::InvalidArgument`] naming it; a bad row is the error a record of it would
    /// give ([`Error::InvalidEvent`]), at [`Location::Index`] of the row.
    pub fn build(self) -> Result<EventColumns<'a>> {
        let mut batch = self.batch;
        batch.check()?;
        Ok(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventRecord;

    const T: i64 = 1_714_521_600_000;

    #[test]
    fn rows_are_the_events_of_their_records() {
        let persons = ["p-1", "p-2"];
        let person = [0, 1, 1, 0];
        let ts = [T, T + 1, T + 2, T + 3];
        let signal = [Signal::Steps, Signal::Call, Signal::Away, Signal::Sos];
        let steps = [412, 0, 0, 0];
        let is_steps = [true, false, false, false];
        let dir = [Direction::Out; 4];
        let is_call = [false, true, false, false];
        let until = [0, 0, T + 9, 0];
        let is_away = [false, false, true, false];
        let b = EventColumns::builder(&persons, &person, &ts, &signal)
            .steps(Column::with_validity(&steps, &is_steps))
            .direction(Column::with_validity(&dir, &is_call))
            .answered(Column::with_validity(&[true; 4], &is_call))
            .until(Column::with_validity(&until, &is_away))
            .build()
            .unwrap();
        let events = b.to_events();
        assert_eq!(events.len(), 4);
        assert_eq!(events[0].kind, EventKind::steps(412));
        assert_eq!(events[0].device(), "steps");
        assert_eq!(events[2].kind, EventKind::away(Timestamp::from_millis(T + 9).unwrap()));
        for e in &events {
            assert_eq!(&e.to_record().into_event().unwrap(), e);
        }
    }

    fn error(person: &[u32], signal: &[Signal], watts: Option<&[f64]>) -> String {
        let persons = ["p-1", "010-1234-5678"];
        let ts = vec![T; person.len()];
        let mut b = EventColumns::builder(&persons, person, &ts, signal);
        if let Some(w) = watts {
            b = b.watts(Column::new(w));
        }
        b.build().unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_row_and_field_as_records_do() {
        use Signal::{Door, Plug, Sos};
        assert_eq!(error(&[0, 0], &[Sos, Plug], None), "row 1: field `watts`: required for signal `plug`");
        assert_eq!(
            error(&[0, 0], &[Plug, Plug], Some(&[1.0, f64::NAN])),
            "row 1: field `watts`: must be a number, got NaN"
        );
        assert_eq!(
            error(&[0, 0], &[Plug, Door], Some(&[1.0, 1.0])),
            "row 1: field `watts`: does not apply to signal `door`; leave it empty"
        );
        assert!(error(&[0, 1], &[Sos, Sos], None).starts_with("row 1: field `person`: looks like a phone"));
        assert!(error(&[0, 7], &[Sos, Sos], None).starts_with("row 1: field `person`: code 7 is not in"));
        let e = EventColumns::builder(&["p"], &[0, 0], &[T, -5], &[Sos; 2]).build().unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 1: field `ts`: epoch milliseconds -5 out of range (1970-01-01T00:00:00Z to 9999-12-30T22:00:00Z)"
        );
        // A record of the row says the same.
        let mut r = EventRecord::default();
        let e = r.set_text("ts", "-5").unwrap_err().at(Location::Index(1));
        assert_eq!(
            e.to_string(),
            "row 1: field `ts`: epoch milliseconds -5 out of range (1970-01-01T00:00:00Z to 9999-12-30T22:00:00Z)"
        );
        let e = EventColumns::builder(&["p"], &[0], &[T], &[Sos]).watts(Column::new(&[1.0, 2.0])).build();
        assert_eq!(e.unwrap_err().to_string(), "argument `watts`: has 2 values for 1 rows");
    }

    #[test]
    fn device_ids_are_checked_once_and_nulls_default() {
        let names = ["plug-tv", ""];
        let b = EventColumns::builder(&["p"], &[0, 0, 0], &[T, T, T], &[Signal::Heartbeat; 3])
            .device(&names, Column::with_validity(&[0, 1, 0], &[true, false, true]))
            .build()
            .unwrap();
        assert_eq!(b.event(1).unwrap().device_given(), None);
        let e = EventColumns::builder(&["p"], &[0, 0], &[T, T], &[Signal::Heartbeat; 2])
            .device(&names, Column::new(&[0, 1]))
            .build()
            .unwrap_err();
        assert_eq!(e.to_string(), "row 1: field `device`: must not be empty");
    }
}
