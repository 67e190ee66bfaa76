//! An Arrow column's cells, in the few physical types the conversions read (other types are
//! cast to one of them first), and a cell as the core reads a [`Value`].

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float64Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};

use super::TableError;
use crate::error::Error;
use crate::event::{EVENT_FIELDS, EventRecord};
use crate::time::Timestamp;
use crate::value::Value;

/// A column's cells, in the few physical types the conversion reads.
pub enum Col<'a> {
    /// A column of nulls only.
    Null,
    /// Text (32-bit offsets).
    Str(&'a arrow_array::StringArray),
    /// Text (64-bit offsets).
    LargeStr(&'a arrow_array::LargeStringArray),
    /// Text (views).
    View(&'a arrow_array::StringViewArray),
    /// Booleans.
    Bool(&'a arrow_array::BooleanArray),
    /// Signed integers (narrower ones are cast to these).
    I64(&'a arrow_array::Int64Array),
    /// Unsigned 64-bit integers.
    U64(&'a arrow_array::UInt64Array),
    /// Floating-point numbers (narrower ones and decimals are cast to these).
    F64(&'a arrow_array::Float64Array),
    /// Epoch time in a unit: milliseconds = value * mul / div (floored).
    Time {
        /// The values in the column's unit.
        values: &'a [i64],
        /// Which are null.
        nulls: Option<&'a arrow_buffer::NullBuffer>,
        /// Multiplier to milliseconds.
        mul: i64,
        /// Divisor to milliseconds.
        div: i64,
        /// Whether the timestamps have no time zone.
        naive: bool,
    },
}

/// One cell.
pub enum Cell<'a> {
    /// No value.
    Null,
    /// Text.
    Str(&'a str),
    /// A boolean.
    Bool(bool),
    /// A signed integer.
    I64(i64),
    /// An unsigned integer.
    U64(u64),
    /// A floating-point number.
    F64(f64),
    /// A time zone–aware time, in epoch milliseconds.
    Millis(i64),
    /// A time without an offset (an Arrow timestamp without a time zone), as if UTC.
    Naive(i64),
}

impl Col<'_> {
    /// The cell of row `i` (null past the end).
    pub fn cell(&self, i: usize) -> Cell<'_> {
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
pub(crate) fn apply(r: &mut EventRecord, f: usize, cell: Cell<'_>) -> crate::Result<()> {
    let name = EVENT_FIELDS[f];
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
pub fn normalize(name: &str, a: &ArrayRef) -> Result<ArrayRef, TableError> {
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

/// A column (of a type [`normalize`] gives) as one of the [`Col`] types.
pub fn col<'a>(name: &str, a: &'a ArrayRef) -> Result<Col<'a>, TableError> {
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

/// A batch's columns: each one's spec field (its position in [`EVENT_FIELDS`]) and its
/// array in one of the physical types of [`Col`]. pandas keeps a DataFrame's index in extra
/// columns, which are left out; any other column that is not a spec field is the core's error.
pub fn spec_columns(batch: &RecordBatch) -> Result<(Vec<usize>, Vec<ArrayRef>), TableError> {
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut arrays = Vec::with_capacity(batch.num_columns());
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        let name = field.name();
        if name.starts_with("__index_level_") {
            continue;
        }
        let Some(f) = EVENT_FIELDS.iter().position(|n| n == name) else {
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
