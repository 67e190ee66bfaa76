//! Arrow tables of events (pyarrow, polars, pandas via pyarrow) into core events, column by
//! column, without Python objects per row. Each cell is handed to the core as the value of
//! its spec field; the core validates the record and names the field; this module adds the
//! row index.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anbu::{Error, Event, EventRecord, Timestamp, Value};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float64Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};

use crate::convert::at_index;

/// Why a table cannot be converted (not the core's business: the table's shape).
#[derive(Debug)]
pub enum TableError {
    /// A row or column the core refused.
    Core(Error),
    /// A column of a type that is not text, number, boolean or time.
    Type(String),
}

impl From<Error> for TableError {
    fn from(e: Error) -> Self {
        TableError::Core(e)
    }
}

/// A column's cells, in the few physical types the conversion reads.
pub(crate) enum Col<'a> {
    Null,
    Str(&'a arrow_array::StringArray),
    LargeStr(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    Bool(&'a arrow_array::BooleanArray),
    I64(&'a arrow_array::Int64Array),
    U64(&'a arrow_array::UInt64Array),
    F64(&'a arrow_array::Float64Array),
    /// Epoch time in a unit: milliseconds = value * mul / div (floored).
    Time {
        values: &'a [i64],
        nulls: Option<&'a arrow_buffer::NullBuffer>,
        mul: i64,
        div: i64,
        naive: bool,
    },
}

/// One cell.
pub(crate) enum Cell<'a> {
    Null,
    Str(&'a str),
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Millis(i64),
    /// A time without an offset (an Arrow timestamp without a time zone), as if UTC.
    Naive(i64),
}

impl Col<'_> {
    pub(crate) fn cell(&self, i: usize) -> Cell<'_> {
        macro_rules! get {
            ($a:expr, $v:expr) => {
                if $a.is_null(i) { Cell::Null } else { $v }
            };
        }
        match self {
            Col::Null => Cell::Null,
            Col::Str(a) => get!(a, Cell::Str(a.value(i))),
            Col::LargeStr(a) => get!(a, Cell::Str(a.value(i))),
            Col::View(a) => get!(a, Cell::Str(a.value(i))),
            Col::Bool(a) => get!(a, Cell::Bool(a.value(i))),
            Col::I64(a) => get!(a, Cell::I64(a.value(i))),
            Col::U64(a) => get!(a, Cell::U64(a.value(i))),
            Col::F64(a) => get!(a, Cell::F64(a.value(i))),
            Col::Time { values, nulls, mul, div, naive } => {
                let Some(v) = values.get(i) else { return Cell::Null };
                let ms = v.saturating_mul(*mul).div_euclid(*div);
                match (nulls.is_some_and(|n| n.is_null(i)), naive) {
                    (true, _) => Cell::Null,
                    (false, false) => Cell::Millis(ms),
                    (false, true) => Cell::Naive(ms),
                }
            }
        }
    }
}

/// Sets field `f` of `r` from a cell, as the core reads a [`Value`].
fn apply(r: &mut EventRecord, f: usize, cell: Cell<'_>) -> anbu::Result<()> {
    let name = anbu::EVENT_FIELDS[f];
    let naive;
    let value = match cell {
        Cell::Null => Value::Null,
        Cell::Str(s) => Value::Text(s),
        Cell::Bool(b) => Value::Bool(b),
        Cell::I64(i) => Value::Int(i),
        Cell::U64(u) => match i64::try_from(u) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(u as f64),
        },
        Cell::F64(x) => Value::Float(x),
        Cell::Millis(ms) => Value::Time(ms),
        // The spec wants an offset: hand the core the time as written, without one.
        Cell::Naive(ms) => {
            naive = match Timestamp::from_millis(ms) {
                Ok(t) => t.to_string().trim_end_matches('Z').to_string(),
                Err(_) => ms.to_string(),
            };
            Value::Text(&naive)
        }
    };
    r.set(name, value)
}

/// The column as one of the physical types of [`Col`], cast when needed.
pub(crate) fn normalize(name: &str, a: &ArrayRef) -> Result<ArrayRef, TableError> {
    let target = match a.data_type() {
        DataType::Null
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Boolean
        | DataType::Int64
        | DataType::UInt64
        | DataType::Float64
        | DataType::Timestamp(_, _) => return Ok(Arc::clone(a)),
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::UInt8 | DataType::UInt16 | DataType::UInt32 => {
            DataType::Int64
        }
        DataType::Float16 | DataType::Float32 | DataType::Decimal128(_, _) | DataType::Decimal256(_, _) => {
            DataType::Float64
        }
        DataType::Date32 | DataType::Date64 => DataType::Timestamp(TimeUnit::Millisecond, None),
        DataType::Dictionary(_, v)
            if matches!(v.as_ref(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) =>
        {
            DataType::Utf8
        }
        other => {
            return Err(TableError::Type(format!(
                "column `{name}`: Arrow type {other} is not supported (use text, numbers, booleans or timestamps)"
            )));
        }
    };
    arrow_cast::cast(a, &target).map_err(|e| TableError::Type(format!("column `{name}`: {e}")))
}

pub(crate) fn col<'a>(name: &str, a: &'a ArrayRef) -> Result<Col<'a>, TableError> {
    let bad = || TableError::Type(format!("column `{name}`: unexpected Arrow layout {}", a.data_type()));
    let naive = matches!(a.data_type(), DataType::Timestamp(_, None));
    let time = |mul: i64, div: i64, values: &'a [i64]| Col::Time { values, nulls: a.nulls(), mul, div, naive };
    Ok(match a.data_type() {
        DataType::Null => Col::Null,
        DataType::Utf8 => Col::Str(a.as_string_opt::<i32>().ok_or_else(bad)?),
        DataType::LargeUtf8 => Col::LargeStr(a.as_string_opt::<i64>().ok_or_else(bad)?),
        DataType::Utf8View => Col::View(a.as_string_view_opt().ok_or_else(bad)?),
        DataType::Boolean => Col::Bool(a.as_boolean_opt().ok_or_else(bad)?),
        DataType::Int64 => Col::I64(a.as_primitive_opt::<Int64Type>().ok_or_else(bad)?),
        DataType::UInt64 => Col::U64(a.as_primitive_opt::<UInt64Type>().ok_or_else(bad)?),
        DataType::Float64 => Col::F64(a.as_primitive_opt::<Float64Type>().ok_or_else(bad)?),
        DataType::Timestamp(TimeUnit::Second, _) => {
            time(1000, 1, a.as_primitive_opt::<TimestampSecondType>().ok_or_else(bad)?.values())
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            time(1, 1, a.as_primitive_opt::<TimestampMillisecondType>().ok_or_else(bad)?.values())
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            time(1, 1000, a.as_primitive_opt::<TimestampMicrosecondType>().ok_or_else(bad)?.values())
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            time(1, 1_000_000, a.as_primitive_opt::<TimestampNanosecondType>().ok_or_else(bad)?.values())
        }
        _ => return Err(bad()),
    })
}

/// How often (in rows) the conversion looks at the cancel flag.
const CANCEL_EVERY: usize = 1 << 16;

/// Fewest rows worth a conversion thread of their own.
pub(crate) const ROWS_PER_THREAD: usize = 100_000;

/// The events of record batches, in row order; an error names the row (0-based, over all
/// batches), the first bad row when several are. Large tables are converted on `threads`
/// threads (0: one per core), each on a contiguous range of rows.
pub fn events_from_batches(
    batches: &[RecordBatch],
    cancel: &AtomicBool,
    threads: usize,
) -> Result<Vec<Event>, TableError> {
    let total: usize = batches.iter().map(|b| b.num_rows()).sum();
    let threads = anbu::parallel::threads_for(threads)?.min(total / ROWS_PER_THREAD).max(1);
    if threads == 1 {
        return convert(batches, 0, cancel);
    }
    // Contiguous parts of about `total / threads` rows (slices share the buffers).
    let per = total.div_ceil(threads);
    let mut parts: Vec<(usize, Vec<RecordBatch>)> = Vec::with_capacity(threads);
    let (mut part, mut part_rows, mut part_start, mut row) = (Vec::new(), 0, 0, 0);
    for b in batches {
        let mut offset = 0;
        while offset < b.num_rows() {
            let take = (per - part_rows).min(b.num_rows() - offset);
            part.push(b.slice(offset, take));
            (offset, part_rows, row) = (offset + take, part_rows + take, row + take);
            if part_rows == per {
                parts.push((part_start, std::mem::take(&mut part)));
                (part_rows, part_start) = (0, row);
            }
        }
    }
    if !part.is_empty() {
        parts.push((part_start, part));
    }
    let results = anbu::parallel::run_all(parts.iter().map(|(row0, part)| move || convert(part, *row0, cancel)));
    let mut out = Vec::with_capacity(total);
    for r in results {
        out.extend(r?);
    }
    Ok(out)
}

/// A batch's columns: each one's spec field (its position in [`anbu::EVENT_FIELDS`]) and its
/// array in one of the physical types of [`Col`]. pandas keeps a DataFrame's index in extra
/// columns, which are left out; any other column that is not a spec field is the core's error.
pub(crate) fn spec_columns(batch: &RecordBatch) -> Result<(Vec<usize>, Vec<ArrayRef>), TableError> {
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut arrays = Vec::with_capacity(batch.num_columns());
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        let name = field.name();
        if name.starts_with("__index_level_") {
            continue;
        }
        let Some(f) = anbu::EVENT_FIELDS.iter().position(|n| n == name) else {
            // The core names the spec's fields.
            let mut probe = EventRecord::default();
            probe.set_text(name, "?")?;
            continue;
        };
        if fields.contains(&f) {
            return Err(Error::duplicate_column(name).into());
        }
        fields.push(f);
        arrays.push(normalize(name, array)?);
    }
    Ok((fields, arrays))
}

/// Converts batches whose first row is row `row0` of the whole table.
fn convert(batches: &[RecordBatch], row0: usize, cancel: &AtomicBool) -> Result<Vec<Event>, TableError> {
    let total: usize = batches.iter().map(|b| b.num_rows()).sum();
    let mut out = Vec::with_capacity(total);
    let mut row0 = row0;
    for batch in batches {
        let (fields, arrays) = spec_columns(batch)?;
        let cols =
            fields.iter().zip(&arrays).map(|(f, a)| col(anbu::EVENT_FIELDS[*f], a)).collect::<Result<Vec<_>, _>>()?;
        for i in 0..batch.num_rows() {
            let row = row0 + i;
            if row.is_multiple_of(CANCEL_EVERY) && cancel.load(Ordering::Relaxed) {
                return Err(Error::Interrupted.into());
            }
            let mut r = EventRecord::default();
            for (f, c) in fields.iter().zip(&cols) {
                apply(&mut r, *f, c.cell(i)).map_err(|e| at_index(e, row))?;
            }
            out.push(r.into_event().map_err(|e| at_index(e, row))?);
        }
        row0 += batch.num_rows();
    }
    Ok(out)
}
