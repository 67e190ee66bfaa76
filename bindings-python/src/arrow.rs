//! Arrow (the core's `arrow`): Arrow data of any Python library (the Arrow PyCapsule
//! interface) as record batches, record batches as a `pyarrow`-compatible table, and a
//! replay's assessment columns read back from Arrow.

use std::sync::Arc;

use anbu::arrow::{Cell, TableError, col, normalize};
use anbu::{Action, Assessment, Error, Level, Reason, Responder, Timestamp, VisitKind};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, GenericListArray, OffsetSizeTrait, RecordBatch};
use arrow_schema::DataType;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;

use crate::assessment::Reasons;
use crate::run::Failure;

/// The record batches of any Arrow data (pyarrow, polars, pandas through pyarrow; imported
/// zero-copy with the GIL).
pub fn batches(v: &Bound<'_, PyAny>) -> PyResult<Vec<RecordBatch>> {
    v.extract::<AnyRecordBatch>()?
        .into_reader()?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PyTypeError::new_err(format!("cannot read the Arrow data: {e}")))
}

/// Whether `v` is Arrow data (it has the Arrow PyCapsule interface).
pub fn is_arrow(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(v.hasattr("__arrow_c_stream__")? || v.hasattr("__arrow_c_array__")?)
}

/// A record batch as a table (`pyo3_arrow.Table`, which pyarrow and polars take).
pub fn table<'py>(py: Python<'py>, batch: RecordBatch) -> PyResult<Bound<'py, PyAny>> {
    let schema = batch.schema();
    Ok(PyTable::try_new(vec![batch], schema)?.into_pyobject(py)?.into_any())
}

/// A replay's assessment columns as a table with the spec's assessment columns (built
/// without the GIL).
pub fn assessments_table(py: Python<'_>, columns: anbu::AssessmentColumns) -> PyResult<Bound<'_, PyAny>> {
    let batch =
        py.detach(|| anbu::arrow::assessments_batch(columns)).map_err(|e| PyErr::from(Failure::Type(e.to_string())))?;
    table(py, batch)
}

/// A rejected value of an assessments table: the core's reason, with the row and column.
fn bad(row: usize, field: &str, reason: impl std::fmt::Display) -> Error {
    Error::InvalidArgument { name: "assessments".into(), reason: format!("row {row}: field `{field}`: {reason}") }
}

fn parse<T: std::str::FromStr<Err = String>>(row: usize, field: &str, cell: Cell<'_>) -> anbu::Result<T> {
    match cell {
        Cell::Str(s) => s.parse().map_err(|r| bad(row, field, r)),
        Cell::Null => Err(bad(row, field, "required")),
        _ => Err(bad(row, field, "expected text")),
    }
}

/// An optional text cell: null, empty, or a missing value as pandas reads one (NaN) is none.
fn optional<T: std::str::FromStr<Err = String>>(row: usize, field: &str, cell: Cell<'_>) -> anbu::Result<Option<T>> {
    match cell {
        Cell::Null | Cell::Str("") => Ok(None),
        Cell::F64(x) if x.is_nan() => Ok(None),
        cell => parse(row, field, cell).map(Some),
    }
}

fn time(row: usize, field: &str, cell: Cell<'_>) -> anbu::Result<Timestamp> {
    let t = match cell {
        Cell::Millis(ms) => Timestamp::from_millis(ms),
        Cell::I64(ms) => Timestamp::from_number(ms),
        Cell::Str(s) => s.parse(),
        Cell::Null => return Err(bad(row, field, "required")),
        _ => return Err(bad(row, field, "expected a time")),
    };
    t.map_err(|e| bad(row, field, e))
}

/// Assessments from Arrow batches with (at least) the spec's columns but `reasons`, which is
/// read too (a list of `{signal, kind, detail, contribution}` per row) with `Reasons::Read`,
/// and `visit`, read where the table has it (tables written before it have none).
pub fn assessments_from_batches(batches: &[RecordBatch], reasons: Reasons) -> Result<Vec<Assessment>, TableError> {
    const NEEDED: [&str; 6] = ["person", "at", "score", "level", "action", "responder"];
    let mut out = Vec::new();
    let mut row0 = 0;
    for batch in batches {
        let arrays = NEEDED
            .iter()
            .map(|n| match batch.column_by_name(n) {
                Some(a) => normalize(n, a),
                None => Err(TableError::Type(format!("assessments need a column `{n}` (as replay returns them)"))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cols = NEEDED.iter().zip(&arrays).map(|(n, a)| col(n, a)).collect::<Result<Vec<_>, _>>()?;
        let visit = batch.column_by_name("visit").map(|a| normalize("visit", a)).transpose()?;
        let visit = visit.as_ref().map(|a| col("visit", a)).transpose()?;
        let mut row_reasons = match (reasons, batch.column_by_name("reasons")) {
            (Reasons::Read, Some(a)) => reasons_of(a, row0)?.into_iter(),
            _ => Vec::new().into_iter(),
        };
        for i in 0..batch.num_rows() {
            let row = row0 + i;
            let person = match cols[0].cell(i) {
                Cell::Str(s) => s.to_string(),
                _ => return Err(bad(row, "person", "expected text").into()),
            };
            let score = match cols[2].cell(i) {
                Cell::F64(x) => x,
                Cell::I64(x) => x as f64,
                _ => return Err(bad(row, "score", "expected a number").into()),
            };
            out.push(Assessment {
                person,
                at: time(row, "at", cols[1].cell(i))?,
                score,
                level: parse::<Level>(row, "level", cols[3].cell(i))?,
                action: parse::<Action>(row, "action", cols[4].cell(i))?,
                responder: parse::<Responder>(row, "responder", cols[5].cell(i))?,
                reasons: row_reasons.next().unwrap_or_default(),
                visit: match &visit {
                    Some(c) => optional::<VisitKind>(row, "visit", c.cell(i))?,
                    None => None,
                },
            });
        }
        row0 += batch.num_rows();
    }
    Ok(out)
}

/// The `reasons` column: each row's list of `{signal, kind, detail, contribution}` structs
/// (as `replay` returns it; a null list is no reasons). `row0` numbers the batch's first row.
fn reasons_of(a: &ArrayRef, row0: usize) -> Result<Vec<Vec<Reason>>, TableError> {
    match a.data_type() {
        DataType::List(_) => reasons_of_list(a.as_list::<i32>(), row0),
        DataType::LargeList(_) => reasons_of_list(a.as_list::<i64>(), row0),
        DataType::Null => Ok(vec![Vec::new(); a.len()]),
        other => Err(TableError::Type(format!(
            "column `reasons`: Arrow type {other} is not a list of {{signal, kind, detail, contribution}}"
        ))),
    }
}

fn reasons_of_list<O: OffsetSizeTrait>(
    list: &GenericListArray<O>,
    row0: usize,
) -> Result<Vec<Vec<Reason>>, TableError> {
    let not_struct = || TableError::Type("column `reasons`: the list's items are not structs".into());
    let items = list.values().as_struct_opt().ok_or_else(not_struct)?;
    const FIELDS: [&str; 4] = ["signal", "kind", "detail", "contribution"];
    let arrays = FIELDS
        .iter()
        .map(|f| match items.column_by_name(f) {
            Some(a) => normalize(&format!("reasons.{f}"), a),
            None => Ok(Arc::new(arrow_array::NullArray::new(items.len())) as ArrayRef),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let cols = FIELDS.iter().zip(&arrays).map(|(f, a)| col(f, a)).collect::<Result<Vec<_>, _>>()?;
    let offsets = list.value_offsets();
    let mut out = Vec::with_capacity(list.len());
    for i in 0..list.len() {
        let row = row0 + i;
        if list.is_null(i) {
            out.push(Vec::new());
            continue;
        }
        let (from, to) = (offsets[i].as_usize(), offsets[i + 1].as_usize());
        let mut reasons = Vec::with_capacity(to - from);
        for j in from..to {
            let contribution = match cols[3].cell(j) {
                Cell::F64(x) => x,
                Cell::I64(x) => x as f64,
                _ => return Err(bad(row, "reasons.contribution", "expected a number").into()),
            };
            let detail = match cols[2].cell(j) {
                Cell::Str(s) => s.to_string(),
                _ => return Err(bad(row, "reasons.detail", "expected text").into()),
            };
            reasons.push(Reason {
                signal: parse(row, "reasons.signal", cols[0].cell(j))?,
                kind: parse(row, "reasons.kind", cols[1].cell(j))?,
                detail,
                contribution,
            });
        }
        out.push(reasons);
    }
    Ok(out)
}
