//! Events as owned columns: the vectors a caller fills when converting from another layout
//! (Arrow arrays of text, a DataFrame, a feed), then checks as an [`EventColumns`].

use std::collections::HashMap;

use crate::columns::{Column, EventColumns};
use crate::event::{Event, EventRecord};
use crate::payload::Fields;
use crate::schema::{Field, FieldType, HEAD, column_type, payload_fields};
use crate::time::Timestamp;
use crate::vocab::{AppAction, By, CheckinOutcome, ConcernCategory, Direction, DoorState, Finding, Signal};

/// A column's values and, per row, whether the value is present (a null where it is not).
pub type ColumnValues<T> = (Vec<T>, Vec<bool>);

/// Generates, from the schema's table (see `schema`), the owned columns and what fills them.
macro_rules! owned_payload {
    ($( $(#[$doc:meta])* $name:ident: $ty:ty, on [$($on:ident),*], required [$($req:ident),*] $(, text $what:literal)? $(, column $cell:ty)? $(, check $check:ident)? $(, set $set:ident)?; )*) => {
        /// Events as owned columns, one entry per row in each: person and device ids as codes into
        /// dictionaries, a payload column per spec field with its validity (a row's value where the
        /// field does not apply is a placeholder, marked absent). [`OwnedColumns::batch`] checks
        /// them as the rows' records are checked.
        ///
        /// ```
        /// use anbu::{DoorState, Event, EventKind, OwnedColumns};
        /// let t0: anbu::Timestamp = "2024-05-01T08:30:00+09:00".parse()?;
        /// let events = vec![
        ///     Event::new("p-1", t0, Some("door-front"), EventKind::door(DoorState::Open))?,
        ///     Event::new("p-2", t0, None, EventKind::sos())?,
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
            $( $(#[$doc])* pub $name: ColumnValues<column_type!($ty $(, $cell)?)>, )*
        }

        impl OwnedColumns {
            /// Appends the payload `fields` of a row (absent ones as placeholders).
            fn push_payload(&mut self, fields: &Fields) {
                $( push(&mut self.$name, fields.$name.map(<$ty as FieldType>::to_cell), <$ty as FieldType>::FILL); )*
            }

            /// Appends the payload columns of `part`.
            fn extend_payload(&mut self, part: &mut OwnedColumns) {
                fn append<T>(to: &mut ColumnValues<T>, from: &mut ColumnValues<T>) {
                    to.0.append(&mut from.0);
                    to.1.append(&mut from.1);
                }
                $( append(&mut self.$name, &mut part.$name); )*
            }

            /// Reserves room for `rows` more rows in every payload column.
            fn reserve_payload(&mut self, rows: usize) {
                $( reserve(&mut self.$name, rows); )*
            }

            /// Hands the visitor each payload column, with its column in [`crate::EVENT_FIELDS`] and its
            /// type (a reader that fills them).
            #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
            pub(crate) fn visit_payload_mut(&mut self, v: &mut impl PayloadColumnsVisitor) {
                $( v.column::<$ty>(HEAD + Field::$name as usize, &mut self.$name); )*
            }

            /// The columns as a checked batch: an error names the first bad row and its field, as
            /// [`EventColumnsBuilder::build`](crate::EventColumnsBuilder::build) does.
            pub fn batch(&self) -> crate::Result<EventColumns<'_>> {
                fn col<T: Copy>(c: &ColumnValues<T>) -> Column<'_, T> {
                    Column::with_validity(&c.0, &c.1)
                }
                EventColumns::builder(&self.names, &self.person, &self.ts, &self.signal)
                    .device(&self.device_names, col(&self.device))
                    $( .$name(col(&self.$name)) )*
                    .build()
            }
        }
    };
}

payload_fields!(owned_payload);

/// What a reader does with each payload column (see [`OwnedColumns::visit_payload_mut`]).
#[cfg_attr(not(feature = "arrow"), allow(dead_code))]
pub(crate) trait PayloadColumnsVisitor {
    /// The column of a field of type `T`, at `column` of [`crate::EVENT_FIELDS`].
    fn column<T: FieldType>(&mut self, column: usize, values: &mut ColumnValues<T::Cell>);
}

fn reserve<T>(c: &mut ColumnValues<T>, rows: usize) {
    c.0.reserve(rows);
    c.1.reserve(rows);
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
            c.push_fields(person, e.ts.as_millis(), e.signal(), device, &Fields::from(&e.kind));
        }
        c
    }

    /// Appends a row: its person and device codes, time and signal, and the payload fields
    /// of `record` (its other fields are not read). Nothing is checked until [`Self::batch`].
    pub fn push(&mut self, person: u32, ts: i64, signal: Signal, device: Option<u32>, record: &EventRecord) {
        self.push_fields(person, ts, signal, device, &record.fields());
    }

    /// [`Self::push`] of a row's payload fields.
    fn push_fields(&mut self, person: u32, ts: i64, signal: Signal, device: Option<u32>, fields: &Fields) {
        self.person.push(person);
        self.ts.push(ts);
        self.signal.push(signal);
        push(&mut self.device, device, 0);
        self.push_payload(fields);
    }

    /// Appends the rows of `part`, its ids recoded into this table's dictionaries by `persons`
    /// and `devices` (which must have coded this table's ids): the rows of consecutive parts
    /// appended in order are coded as the whole would be by first appearance.
    pub(crate) fn append_recoded(&mut self, mut part: OwnedColumns, persons: &mut IdCodes, devices: &mut IdCodes) {
        let person: Vec<u32> = part.names.iter().map(|id| persons.code(&mut self.names, id)).collect();
        let device: Vec<u32> = part.device_names.iter().map(|id| devices.code(&mut self.device_names, id)).collect();
        self.person.extend(part.person.iter().map(|c| person[*c as usize]));
        self.device
            .0
            .extend(part.device.0.iter().zip(&part.device.1).map(|(c, v)| if *v { device[*c as usize] } else { 0 }));
        self.device.1.append(&mut part.device.1);
        self.ts.append(&mut part.ts);
        self.signal.append(&mut part.signal);
        self.extend_payload(&mut part);
    }

    /// Reserves room for `rows` more rows in every column.
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.person.reserve(rows);
        self.ts.reserve(rows);
        self.signal.reserve(rows);
        reserve(&mut self.device, rows);
        self.reserve_payload(rows);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.person.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.person.is_empty()
    }
}
