//! `backtest`: assessments (a replay's output) against incidents, by the core's rules (the
//! core's `backtest`; [`labels`] and [`sweep`] are its submodules).

pub mod labels;
pub mod sweep;

use anbu::backtest::BacktestReport;
use pyo3::prelude::*;

use crate::assessment::Reasons;
use crate::value::{json_value, records_frame};
use crate::{incident, person, run};

/// A backtest's result: everyone (`overall`), and each profile on its own (`by_profile`).
#[pyclass(module = "anbu", name = "BacktestReport", frozen)]
pub struct PyBacktestReport {
    pub(crate) inner: BacktestReport,
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

    /// Per incident `kind`, for the incidents labelled with one: `incidents`, `detected`,
    /// `detected_within_24h`, `ttd_median_h`, `ttd_p90_h`, `asked`, `asked_within_24h`,
    /// `ask_median_h` (empty when no incident has a `kind`).
    #[getter]
    fn by_kind(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_value(py, &self.inner.by_kind)
    }

    /// `{"overall": ..., "by_profile": ..., "by_kind": ..., "incidents": [...], "episodes": [...]}`.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_value(py, &self.inner)
    }

    /// A Markdown table: one row per profile, then `all`; then one row per incident `kind`,
    /// where incidents are labelled.
    fn to_markdown(&self) -> String {
        self.inner.to_markdown()
    }

    /// Every incident, in the order given, with whether, when and by which assessment it was
    /// detected: a DataFrame (`output` "pandas", "polars" or "arrow"), or dicts ("records").
    #[pyo3(signature = (output = "pandas"))]
    fn incidents(&self, py: Python<'_>, output: &str) -> PyResult<Py<PyAny>> {
        // An incident's `kind` is the caller's label, not an episode's kind.
        records_frame(py, &self.inner.incidents, output, &["kind"])
    }

    /// Every alert episode (`kind` true, early or false; its peak level, notifications and
    /// dispatches), by person then time: a DataFrame or dicts, as for `incidents`.
    #[pyo3(signature = (output = "pandas"))]
    fn episodes(&self, py: Python<'_>, output: &str) -> PyResult<Py<PyAny>> {
        records_frame(py, &self.inner.episodes, output, &[])
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
    let rows = crate::assessment::assessments(assessments, Reasons::Skip)?;
    let incidents = incident::incidents(incidents)?;
    let persons = match persons {
        Some(p) => person::persons(p)?,
        None => Vec::new(),
    };
    let progress = run::Progress::new(progress, rows.len());
    let counter = run::Progress::counter(progress.as_ref());
    let report = run::run_reporting(py, progress.as_ref(), |_| {
        Ok(anbu::backtest::backtest_counted(&rows, &incidents, &persons, counter.as_deref())?)
    })?;
    Ok(PyBacktestReport { inner: report })
}
