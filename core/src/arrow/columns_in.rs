//! Arrow tables into the core's columnar batch (`anbu::OwnedColumns`), without an event per
//! row: ids coded once, enums parsed from their spec names, numbers and times copied.
//!
//! Only for tables whose every column has its natural type (text for ids and enums, a time
//! zone–aware timestamp or epoch milliseconds for times, numbers, booleans). Anything else, or
//! any cell that does not convert, gives `None`: the caller then converts row by row
//! (`events_in`), which gives the same events, or the error that names the row and field.

use std::str::FromStr;

use arrow_array::RecordBatch;

use super::cells::{Cell, Col, col, spec_columns};
use super::events_in::ROWS_PER_THREAD;
use crate::event::EVENT_FIELDS;
use crate::owned_columns::{ColumnValues, IdCodes, OwnedColumns, PayloadColumnsVisitor};
use crate::schema::FieldType;
use crate::time::Timestamp;
use crate::value::Value;
use crate::vocab::Signal;

/// The spec fields, by position in [`EVENT_FIELDS`].
mod field {
    pub const PERSON: usize = 0;
    pub const TS: usize = 1;
    pub const SIGNAL: usize = 2;
    pub const DEVICE: usize = 3;
}

/// The table as owned columns, or `None` if a column or cell needs the row conversion.
pub fn columns_from_batches(batches: &[RecordBatch]) -> Option<OwnedColumns> {
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    // Each batch's spec columns, by field.
    let spec = batches.iter().map(|b| spec_columns(b).ok()).collect::<Option<Vec<_>>>()?;
    let parts = batches
        .iter()
        .zip(&spec)
        .map(|(batch, (fields, arrays))| {
            let mut by_field: [Option<Col<'_>>; EVENT_FIELDS.len()] = Default::default();
            for (f, a) in fields.iter().zip(arrays) {
                *by_field.get_mut(*f)? = Some(col(EVENT_FIELDS[*f], a).ok()?);
            }
            Some((batch.num_rows(), by_field))
        })
        .collect::<Option<Vec<_>>>()?;
    let mut c = OwnedColumns::default();
    let (mut names, mut person_codes, mut times, mut signals) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut device_names, mut device_codes) = (Vec::new(), (Vec::new(), Vec::new()));
    person_codes.reserve(rows);
    times.reserve(rows);
    signals.reserve(rows);
    let (mut persons, mut devices) = (IdCodes::default(), IdCodes::default());
    // The ids, times and signals of every batch are taken on one thread while the other takes
    // the payload's values (a table in many small batches, as read from a file, converts on
    // two cores too).
    let parts = &parts;
    let (persons, devices) = (&mut persons, &mut devices);
    let (names_out, device_names_out) = (&mut names, &mut device_names);
    let (person_out, times_out, signals_out, device_out) =
        (&mut person_codes, &mut times, &mut signals, &mut device_codes);
    let ids = move || -> Option<()> {
        for (n, by_field) in parts {
            let (person, ts, signal) =
                (by_field[field::PERSON].as_ref()?, by_field[field::TS].as_ref()?, by_field[field::SIGNAL].as_ref()?);
            for i in 0..*n {
                let Cell::Str(p) = person.cell(i) else { return None };
                person_out.push(persons.code(names_out, p));
                times_out.push(<Timestamp as FieldType>::typed_cell(typed_value(ts.cell(i))?)?);
                let Cell::Str(s) = signal.cell(i) else { return None };
                signals_out.push(Signal::from_str(s).ok()?);
            }
            push_all(device_out, by_field[field::DEVICE].as_ref(), *n, 0, |cell| match cell {
                Cell::Str(d) => Some(devices.code(device_names_out, d)),
                _ => None,
            })?;
        }
        Some(())
    };
    let payload = &mut c;
    let values = move || -> Option<()> {
        for (n, by_field) in parts {
            let mut fill = Fill { by_field, n: *n, ok: true };
            payload.visit_payload_mut(&mut fill);
            fill.ok.then_some(())?;
        }
        Some(())
    };
    let (coded, taken) = crate::parallel::join_if(rows >= ROWS_PER_THREAD, ids, values);
    coded?;
    taken?;
    c.names = names;
    c.person = person_codes;
    c.ts = times;
    c.signal = signals;
    c.device_names = device_names;
    c.device = device_codes;
    Some(c)
}

/// Fills each payload column from a batch's column of its field.
struct Fill<'b, 'c> {
    by_field: &'b [Option<Col<'c>>; EVENT_FIELDS.len()],
    n: usize,
    /// Whether every cell so far converted.
    ok: bool,
}

impl PayloadColumnsVisitor for Fill<'_, '_> {
    fn column<T: FieldType>(&mut self, column: usize, values: &mut ColumnValues<T::Cell>) {
        if self.ok {
            let cells = self.by_field.get(column).and_then(Option::as_ref);
            self.ok = push_all(values, cells, self.n, T::FILL, |cell| T::typed_cell(typed_value(cell)?)).is_some();
        }
    }
}

/// A cell as a [`Value`] of its natural type, for [`FieldType::typed_cell`]: `None` for a time
/// without an offset (the row conversion reads it). An unsigned integer is a float, so that a
/// time column takes only signed epoch milliseconds, as it did.
fn typed_value(cell: Cell<'_>) -> Option<Value<'_>> {
    Some(match cell {
        Cell::Null => Value::Null,
        Cell::Str(s) => Value::Text(s),
        Cell::Bool(b) => Value::Bool(b),
        Cell::I64(i) => Value::Int(i),
        Cell::U64(u) => Value::Float(u as f64),
        Cell::F64(x) => Value::Float(x),
        Cell::Millis(ms) => Value::Time(ms),
        Cell::Naive(_) => return None,
    })
}

/// Appends `n` rows of a column (all absent if the table has no such column); a present cell
/// that `value` does not take makes the whole conversion give up.
fn push_all<T: Copy>(
    out: &mut ColumnValues<T>,
    column: Option<&Col<'_>>,
    n: usize,
    fill: T,
    mut value: impl FnMut(Cell<'_>) -> Option<T>,
) -> Option<()> {
    out.0.reserve(n);
    out.1.reserve(n);
    let Some(column) = column else {
        out.0.extend(std::iter::repeat_n(fill, n));
        out.1.extend(std::iter::repeat_n(false, n));
        return Some(());
    };
    for i in 0..n {
        match column.cell(i) {
            Cell::Null => {
                out.0.push(fill);
                out.1.push(false);
            }
            cell => {
                out.0.push(value(cell)?);
                out.1.push(true);
            }
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, TimestampMillisecondArray, UInt64Array};

    use super::*;
    use crate::event::{Event, EventKind};
    use crate::vocab::DoorState;

    fn events() -> Vec<Event> {
        let t0: Timestamp = "2024-05-01T08:30:00+09:00".parse().unwrap();
        vec![
            Event::new("p-1", t0, Some("door-front"), EventKind::door(DoorState::Open)).unwrap(),
            Event::new("p-2", t0, None, EventKind::steps(120)).unwrap(),
            Event::new("p-1", t0, Some("plug-tv"), EventKind::plug(85.0)).unwrap(),
        ]
    }

    fn batch(ts: ArrayRef) -> RecordBatch {
        let text = |v: &[Option<&str>]| Arc::new(StringArray::from(v.to_vec())) as ArrayRef;
        RecordBatch::try_from_iter([
            ("person", text(&[Some("p-1"), Some("p-2"), Some("p-1")])),
            ("ts", ts),
            ("signal", text(&[Some("door"), Some("steps"), Some("plug")])),
            ("device", text(&[Some("door-front"), None, Some("plug-tv")])),
            ("state", text(&[Some("open"), None, None])),
            ("steps", Arc::new(UInt64Array::from(vec![None, Some(120), None])) as ArrayRef),
            ("interval_s", Arc::new(Float64Array::from(vec![None, Some(3600.0), None])) as ArrayRef),
            ("watts", Arc::new(Float64Array::from(vec![None, None, Some(85.0)])) as ArrayRef),
        ])
        .unwrap()
    }

    #[test]
    fn natural_types_become_the_events_columns() {
        let ms = events()[0].ts.as_millis();
        let ts = Arc::new(TimestampMillisecondArray::from(vec![ms; 3]).with_timezone("UTC")) as ArrayRef;
        let columns = columns_from_batches(&[batch(ts)]).expect("natural types convert");
        assert_eq!(columns.batch().unwrap().to_events(), events());
    }

    #[test]
    fn a_large_table_converts_as_its_events_do() {
        // Past `ROWS_PER_THREAD` rows in all the ids are coded on a thread of their own, also
        // for a table in batches each smaller than that (as a file is read).
        let cohort = crate::sim::simulate(&crate::sim::SimConfig { persons: 100, days: 14, ..Default::default() });
        assert!(cohort.events.len() >= ROWS_PER_THREAD, "{}", cohort.events.len());
        let batch = super::super::events_batch(&cohort.events).unwrap();
        let (first, rest) = (batch.slice(0, 1000), batch.slice(1000, batch.num_rows() - 1000));
        let columns = columns_from_batches(&[first, rest]).expect("natural types convert");
        assert_eq!(columns, OwnedColumns::of(&cohort.events));
        let chunk = 7_000;
        let small: Vec<RecordBatch> =
            (0..batch.num_rows()).step_by(chunk).map(|at| batch.slice(at, chunk.min(batch.num_rows() - at))).collect();
        assert!(small.len() > 2 && chunk < ROWS_PER_THREAD);
        assert_eq!(columns_from_batches(&small).expect("natural types convert"), columns);
    }

    #[test]
    fn anything_else_is_left_to_the_row_conversion() {
        // Times as text: the row conversion parses them (or names the bad one).
        let ts = Arc::new(StringArray::from(vec!["2024-05-01T08:30:00+09:00"; 3])) as ArrayRef;
        assert_eq!(columns_from_batches(&[batch(ts)]), None);
        // A count that is not whole, a signal that is not the spec's.
        let ms = events()[0].ts.as_millis();
        let ts = Arc::new(TimestampMillisecondArray::from(vec![ms; 3]).with_timezone("UTC")) as ArrayRef;
        let mut b = batch(ts);
        let i = b.schema().index_of("interval_s").unwrap();
        let mut cols = b.columns().to_vec();
        cols[i] = Arc::new(Float64Array::from(vec![None, Some(3600.5), None]));
        b = RecordBatch::try_new(b.schema(), cols).unwrap();
        assert_eq!(columns_from_batches(&[b]), None);
    }
}
