//! `sweep`: an operating curve, one profile key backtested at several values (the core's
//! `backtest::sweep`).

use anbu::backtest::{Sweep, SweepSetup};
use pyo3::prelude::*;

use crate::backtest::PyBacktestReport;
use crate::error::to_py;
use crate::event::Input;
use crate::responder::Responder;
use crate::value::json_value;
use crate::{incident, person, replay, run};

/// An operating curve: the swept key and, per value, the backtest of the cohort with it.
#[pyclass(module = "anbu", name = "Sweep", frozen)]
pub struct PySweep {
    inner: Sweep,
}

#[pymethods]
impl PySweep {
    /// The dotted profile key swept.
    #[getter]
    fn key(&self) -> &str {
        &self.inner.key
    }

    /// The values, in the order given.
    #[getter]
    fn values(&self) -> Vec<f64> {
        self.inner.points.iter().map(|p| p.value).collect()
    }

    /// The backtest of each value, in the order given.
    #[getter]
    fn reports(&self) -> Vec<PyBacktestReport> {
        self.inner.points.iter().map(|p| PyBacktestReport { inner: p.report.clone() }).collect()
    }

    /// The value whose setting detects the most incidents within 24 h (then the most, then the
    /// fastest) while keeping the group's false alert episodes per 100 person-months within
    /// `budget`; `None` if no value does. `group`: a profile's name, or `"all"`.
    #[pyo3(signature = (budget, group = "all"))]
    fn within_budget(&self, budget: f64, group: &str) -> Option<f64> {
        self.inner.within_budget(group, budget).map(|p| p.value)
    }

    /// The curve as a Markdown table (the core's).
    fn to_markdown(&self) -> String {
        self.inner.to_markdown()
    }

    /// The curve as plain data: `{"key": ..., "points": [{"value": ..., "report": ...}]}`.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_value(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!("Sweep(key={:?}, values={:?})", self.inner.key, self.values())
    }
}

/// Backtests the cohort once per value of a numeric profile key set in every profile its
/// persons use, open loop or (with a responder) closed loop.
#[pyfunction]
#[pyo3(signature = (events, persons, incidents, key, values, every, profiles = None, responder = None, threads = None, delay = None, retry = None, progress = None))]
#[allow(clippy::too_many_arguments)]
pub fn sweep<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    persons: &Bound<'py, PyAny>,
    incidents: &Bound<'py, PyAny>,
    key: &str,
    values: Vec<f64>,
    every: &Bound<'py, PyAny>,
    profiles: Option<Vec<Bound<'py, PyAny>>>,
    responder: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
    delay: Option<&Bound<'py, PyAny>>,
    retry: Option<&Bound<'py, PyAny>>,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<PySweep> {
    let mut options = replay::replay_options(every, profiles, &[("threads", threads)])?;
    let policy = replay::call_policy(delay, retry)?;
    let persons = person::persons(persons)?;
    let incidents = incident::incidents(incidents)?;
    let responder = match responder.map(Responder::extract).transpose()? {
        None => None,
        Some(Responder::Spec(spec)) => Some(spec.responder()),
        Some(Responder::Callable(_)) => return Err(to_py(anbu::function_responder_in_sweep())),
    };
    let source = Input::extract(events)?;
    let progress = run::Progress::new(
        progress,
        usize::try_from(anbu::backtest::progress_total(&persons, &values)).unwrap_or(usize::MAX),
    );
    options.progress = run::Progress::counter(progress.as_ref());
    let inner = run::run_reporting(py, progress.as_ref(), |cancel| {
        options.cancel = Some(std::sync::Arc::clone(cancel));
        let events = source.into_events(cancel, options.threads)?;
        let setup = SweepSetup {
            events: &events,
            persons: &persons,
            incidents: &incidents,
            options: &options,
            calls: responder.as_deref().map(|r| (r as &(dyn anbu::CheckinResponder + Sync), policy)),
        };
        Ok(anbu::backtest::sweep(&setup, key, &values)?)
    })?;
    Ok(PySweep { inner })
}
