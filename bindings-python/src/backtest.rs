//! `backtest`: assessments (a replay's output) against incidents, by the core's rules.

use anbu::backtest::BacktestReport;
use anbu::{Action, Assessment, Error, Level, Responder, Timestamp};
use arrow_array::RecordBatch;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::input::AnyRecordBatch;

use crate::arrow_in::{Cell, TableError, col, normalize};
use crate::classes::{PyAssessment, profile_arg};
use crate::convert;
use crate::input::{self, Failure};

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

/// Assessments from Arrow batches with (at least) the spec's columns but `reasons`.
fn from_batches(batches: &[RecordBatch]) -> Result<Vec<Assessment>, TableError> {
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
                reasons: Vec::new(),
            });
        }
        row0 += batch.num_rows();
    }
    Ok(out)
}

/// The assessments argument: a replay's DataFrame / Arrow table, or `Assessment` objects.
fn assessments(v: &Bound<'_, PyAny>) -> PyResult<Vec<Assessment>> {
    if v.hasattr("__arrow_c_stream__")? || v.hasattr("__arrow_c_array__")? {
        let batches = v
            .extract::<AnyRecordBatch>()?
            .into_reader()?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| PyTypeError::new_err(format!("cannot read the Arrow data: {e}")))?;
        return from_batches(&batches).map_err(|e| Failure::from(e).into());
    }
    let mut out = Vec::new();
    for item in v.try_iter()? {
        let item = item?;
        match item.cast::<PyAssessment>() {
            Ok(a) => out.push(a.get().inner.clone()),
            Err(_) => {
                return Err(PyTypeError::new_err(
                    "assessments must be replay's output (a DataFrame or Arrow table) or a list of Assessments",
                ));
            }
        }
    }
    Ok(out)
}

/// A backtest's result: everyone (`overall`), and each profile on its own (`by_profile`).
#[pyclass(module = "anbu", name = "BacktestReport", frozen)]
pub struct PyBacktestReport {
    pub(crate) inner: BacktestReport,
}

pub(crate) fn json_value(py: Python<'_>, value: &impl serde::Serialize) -> PyResult<Py<PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// Rows of the core's records as the DataFrame `output` names (made by the Python package's
/// `_records_frame`, which types times and ordered vocabularies), or as dicts for "records".
fn records_frame(py: Python<'_>, rows: &[impl serde::Serialize], output: &str) -> PyResult<Py<PyAny>> {
    let records = json_value(py, &rows)?;
    if output == "records" {
        return Ok(records);
    }
    Ok(py.import("anbu")?.getattr("_records_frame")?.call1((records, output))?.unbind())
}

#[pymethods]
impl PyBacktestReport {
    /// The metrics of all persons: `persons`, `person_months`, `incidents`, `detected`,
    /// `detection_rate`, `detected_within_24h`, `ttd_median_h`, `ttd_p90_h`, `false_episodes`,
    /// `false_per_100_pm`, `checkin_calls_per_100_pm`, `notifications_per_100_pm`,
    /// `dispatches_per_100_pm`, `false_dispatches`, `false_dispatches_per_100_pm`.
    #[getter]
    fn overall(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_value(py, &self.inner.overall)
    }

    /// The same metrics per profile name.
    #[getter]
    fn by_profile(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_value(py, &self.inner.by_profile)
    }

    /// `{"overall": ..., "by_profile": ...}`.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_value(py, &self.inner)
    }

    /// A Markdown table: one row per profile, then `all`.
    fn to_markdown(&self) -> String {
        self.inner.to_markdown()
    }

    /// Every incident, in the order given, with whether, when and by which assessment it was
    /// detected: a DataFrame (`output` "pandas", "polars" or "arrow"), or dicts ("records").
    #[pyo3(signature = (output = "pandas"))]
    fn incidents(&self, py: Python<'_>, output: &str) -> PyResult<Py<PyAny>> {
        records_frame(py, &self.inner.incidents, output)
    }

    /// Every alert episode (`kind` true, early or false; its peak level, notifications and
    /// dispatches), by person then time: a DataFrame or dicts, as for `incidents`.
    #[pyo3(signature = (output = "pandas"))]
    fn episodes(&self, py: Python<'_>, output: &str) -> PyResult<Py<PyAny>> {
        records_frame(py, &self.inner.episodes, output)
    }

    fn _repr_markdown_(&self) -> String {
        self.inner.to_markdown()
    }

    fn __repr__(&self) -> String {
        let m = &self.inner.overall;
        format!(
            "BacktestReport(persons={}, incidents={}, detected={}, false_episodes={}, profiles={:?})",
            m.persons,
            m.incidents,
            m.detected,
            m.false_episodes,
            self.inner.by_profile.keys().collect::<Vec<_>>()
        )
    }
}

/// Evaluates assessments against incidents (the spec's Incidents section), per profile and overall.
#[pyfunction]
#[pyo3(signature = (assessments, incidents, persons = None))]
pub fn backtest(
    py: Python<'_>,
    assessments: &Bound<'_, PyAny>,
    incidents: &Bound<'_, PyAny>,
    persons: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyBacktestReport> {
    let rows = self::assessments(assessments)?;
    let incidents = convert::incidents(incidents)?;
    let persons = match persons {
        Some(p) => convert::persons(p)?,
        None => Vec::new(),
    };
    let report = input::run_interruptible(py, |_| Ok(anbu::backtest::backtest(&rows, &incidents, &persons)?))?;
    Ok(PyBacktestReport { inner: report })
}

/// Incidents as rows: dicts of `person`, `start` and `end` (aware datetimes in UTC; `end` may
/// be `None`).
pub fn incident_rows(py: Python<'_>, incidents: Vec<anbu::Incident>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    incidents
        .into_iter()
        .map(|i| {
            let d = PyDict::new(py);
            d.set_item("person", i.person)?;
            d.set_item("start", convert::to_datetime(py, i.start)?)?;
            d.set_item("end", i.end.map(|t| convert::to_datetime(py, t)).transpose()?)?;
            Ok(d)
        })
        .collect()
}

/// The incidents that `disposition` events confirm (`emergency`, `deceased`): each from the
/// person's last sign of life before it to the finding, as rows (the core's
/// `backtest::labels_from_dispositions`), so that recorded field data can be backtested.
#[pyfunction]
#[pyo3(signature = (events, persons, profiles = None))]
pub fn labels_from_dispositions<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    persons: &Bound<'py, PyAny>,
    profiles: Option<Vec<Bound<'py, PyAny>>>,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let profiles = profiles.unwrap_or_default().iter().map(profile_arg).collect::<PyResult<Vec<_>>>()?;
    let persons = convert::persons(persons)?;
    let source = input::Input::extract(events)?;
    let incidents = input::run_interruptible(py, |cancel| {
        let events = source.into_events(cancel, 0)?;
        Ok(anbu::backtest::labels_from_dispositions(&events, &persons, &profiles)?)
    })?;
    incident_rows(py, incidents)
}
