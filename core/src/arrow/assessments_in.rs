//! A replay's assessments read back from Arrow record batches (its table given back to the
//! backtest, the report or the writers).

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, GenericListArray, OffsetSizeTrait, RecordBatch};
use arrow_schema::DataType;

use super::{Cell, TableError, col, normalize};
use crate::assessment::{Action, Assessment, Level, Reason, Responder, VisitKind};
use crate::error::Error;
use crate::time::Timestamp;
use crate::vocab::CheckinBy;

/// A rejected value of an assessments table: the core's reason, with the row and column.
fn bad(row: usize, field: &str, reason: impl std::fmt::Display) -> Error {
    crate::assessment::assessment_error(row, field, reason)
}

fn parse<T: std::str::FromStr<Err = String>>(row: usize, field: &str, cell: Cell<'_>) -> crate::Result<T> {
    match cell {
        Cell::Str(s) => s.parse().map_err(|r| bad(row, field, r)),
        Cell::Null => Err(bad(row, field, "required")),
        _ => Err(bad(row, field, "expected text")),
    }
}

/// An optional text cell: null, empty, or a missing value as pandas reads one (NaN) is none.
fn optional<T: std::str::FromStr<Err = String>>(row: usize, field: &str, cell: Cell<'_>) -> crate::Result<Option<T>> {
    match cell {
        Cell::Null | Cell::Str("") => Ok(None),
        Cell::F64(x) if x.is_nan() => Ok(None),
        cell => parse(row, field, cell).map(Some),
    }
}

fn time(row: usize, field: &str, cell: Cell<'_>) -> crate::Result<Timestamp> {
    let t = match cell {
        Cell::Millis(ms) => Timestamp::from_millis(ms),
        Cell::I64(ms) => Timestamp::from_number(ms),
        Cell::Str(s) => s.parse(),
        Cell::Null => return Err(bad(row, field, "required")),
        _ => return Err(bad(row, field, "expected a time")),
    };
    t.map_err(|e| bad(row, field, e))
}

/// Assessments from Arrow batches (a replay's table given back) with (at least) the spec's
/// columns but `reasons`, which is read too with `with_reasons` (a list of `{signal, kind,
/// detail, contribution}` per row; a null list is no reasons), and `visit` and `call`, read
/// where the table has them (tables written before them have none). A missing or null
/// `visit` or `call`, an empty one or NaN (a missing value as pandas writes one) is none. A rejected value is an
/// [`Error::InvalidArgument`] of `assessments` naming the row (0-based over the whole table)
/// and the field; a column of another type is a [`TableError::Type`].
///
/// ```
/// use anbu::{Action, Assessment, AssessmentColumns, Level, Responder};
/// let a = Assessment {
///     person: "p-1".into(),
///     at: "2024-05-01T10:00:00+09:00".parse()?,
///     score: 12.5,
///     level: Level::Normal,
///     action: Action::None,
///     responder: Responder::DayOffice,
///     reasons: Vec::new(),
///     visit: None,
///     call: Some(anbu::CheckinBy::Auto),
/// };
/// let batch = anbu::arrow::assessments_batch(AssessmentColumns::of(std::slice::from_ref(&a))).unwrap();
/// assert_eq!(anbu::arrow::assessments_from_batches(&[batch], true).unwrap(), [a]);
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn assessments_from_batches(batches: &[RecordBatch], with_reasons: bool) -> Result<Vec<Assessment>, TableError> {
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
        let call = batch.column_by_name("call").map(|a| normalize("call", a)).transpose()?;
        let call = call.as_ref().map(|a| col("call", a)).transpose()?;
        let mut row_reasons = match (with_reasons, batch.column_by_name("reasons")) {
            (true, Some(a)) => reasons_of(a, row0)?.into_iter(),
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
                call: match &call {
                    Some(c) => optional::<CheckinBy>(row, "call", c.cell(i))?,
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

#[cfg(test)]
mod tests {
    use arrow_array::{Float64Array, Int64Array, StringArray};

    use super::*;
    use crate::assessment::ReasonKind;
    use crate::assessment_columns::AssessmentColumns;
    use crate::vocab::Signal;

    fn rows() -> Vec<Assessment> {
        let at: Timestamp = "2024-05-01T10:00:00+09:00".parse().unwrap();
        let reason = Reason {
            signal: Signal::Plug,
            kind: ReasonKind::NoChange,
            detail: "the same draw for 37 h".into(),
            contribution: 40.0,
        };
        vec![
            Assessment {
                person: "p-1".into(),
                at,
                score: 55.0,
                level: Level::Watch,
                action: Action::CheckinCall,
                responder: Responder::DayOffice,
                reasons: vec![reason],
                visit: None,
                call: Some(CheckinBy::Auto),
            },
            Assessment {
                person: "p-2".into(),
                at,
                score: 90.0,
                level: Level::Critical,
                action: Action::Dispatch,
                responder: Responder::ControlCenter,
                reasons: Vec::new(),
                visit: Some(VisitKind::Visit),
                call: None,
            },
        ]
    }

    fn text(v: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(v.to_vec()))
    }

    /// A table as pandas gives one back: `at` as epoch milliseconds, `visit` as NaN.
    fn pandas_like(level: &str, visit: ArrayRef) -> RecordBatch {
        RecordBatch::try_from_iter([
            ("person", text(&[Some("p-1")])),
            ("at", Arc::new(Int64Array::from(vec![1_714_525_200_000])) as ArrayRef),
            ("score", Arc::new(Float64Array::from(vec![12.5])) as ArrayRef),
            ("level", text(&[Some(level)])),
            ("action", text(&[Some("none")])),
            ("responder", text(&[Some("day_office")])),
            ("visit", visit),
        ])
        .unwrap()
    }

    #[test]
    fn a_replays_table_reads_back_as_its_assessments() {
        let rows = rows();
        let batch = crate::arrow::assessments_batch(AssessmentColumns::of(&rows)).unwrap();
        assert_eq!(assessments_from_batches(std::slice::from_ref(&batch), true).unwrap(), rows);
        let without: Vec<Assessment> = rows.iter().map(|a| Assessment { reasons: Vec::new(), ..a.clone() }).collect();
        assert_eq!(assessments_from_batches(&[batch], false).unwrap(), without);
    }

    #[test]
    fn pandas_missing_values_are_none_and_numbers_are_times() {
        let nan = Arc::new(Float64Array::from(vec![f64::NAN])) as ArrayRef;
        let got = assessments_from_batches(&[pandas_like("normal", nan)], true).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].visit, None);
        assert_eq!(got[0].at, Timestamp::from_millis(1_714_525_200_000).unwrap());
        assert_eq!(got[0].level, Level::Normal);
    }

    #[test]
    fn a_bad_value_names_its_row_over_the_whole_table_and_its_field() {
        let visit = || text(&[None]);
        let batches = [pandas_like("normal", visit()), pandas_like("alarming", visit())];
        let err = match assessments_from_batches(&batches, true) {
            Err(TableError::Core(e)) => e.to_string(),
            other => panic!("expected a core error, got {other:?}"),
        };
        assert!(err.contains("assessments") && err.contains("row 1") && err.contains("`level`"), "{err}");
    }

    #[test]
    fn a_missing_column_is_named() {
        let batch = RecordBatch::try_from_iter([("person", text(&[Some("p-1")]))]).unwrap();
        match assessments_from_batches(&[batch], true) {
            Err(TableError::Type(t)) => assert!(t.contains("`at`"), "{t}"),
            other => panic!("expected a type error, got {other:?}"),
        }
    }
}
