//! `backtest`: assessments (a replay's output) against incidents, by the core's rules.

use anbu::backtest::BacktestReport;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::assessments_in::Reasons;
use crate::classes::profile_arg;
use crate::convert;
use crate::input;

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
pub(crate) fn records_frame(py: Python<'_>, rows: &[impl serde::Serialize], output: &str) -> PyResult<Py<PyAny>> {
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

/// Evaluates assessments against incidents (the spec's Incidents section), per profile and
/// overall; `progress` is called with `(rows scored, rows)`.
#[pyfunction]
#[pyo3(signature = (assessments, incidents, persons = None, progress = None))]
pub fn backtest(
    py: Python<'_>,
    assessments: &Bound<'_, PyAny>,
    incidents: &Bound<'_, PyAny>,
    persons: Option<&Bound<'_, PyAny>>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyBacktestReport> {
    let rows = crate::assessments_in::assessments(assessments, Reasons::Skip)?;
    let incidents = convert::incidents(incidents)?;
    let persons = match persons {
        Some(p) => convert::persons(p)?,
        None => Vec::new(),
    };
    let progress = input::Progress::new(progress, rows.len());
    let counter = input::Progress::counter(progress.as_ref());
    let report = input::run_reporting(py, progress.as_ref(), |_| {
        Ok(anbu::backtest::backtest_counted(&rows, &incidents, &persons, counter.as_deref())?)
    })?;
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
