//! Assessments (the core's `assessment`): the `Assessment` and `Reason` classes, and
//! assessments given back by the caller (a replay's DataFrame or Arrow table, or `Assessment`
//! objects) for the backtest, the report and the writers.

use anbu::Assessment;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::arrow;
use crate::run::Failure;
use crate::time::to_datetime;

/// One piece of evidence behind a score.
#[pyclass(module = "anbu", name = "Reason", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyReason {
    pub inner: anbu::Reason,
}

#[pymethods]
impl PyReason {
    /// The signal the evidence is about.
    #[getter]
    fn signal(&self) -> &'static str {
        self.inner.signal.as_str()
    }

    /// The detector that produced it.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }

    /// A sentence a caseworker can read.
    #[getter]
    fn detail(&self) -> &str {
        &self.inner.detail
    }

    /// Points this evidence adds to the score.
    #[getter]
    fn contribution(&self) -> f64 {
        self.inner.contribution
    }

    /// `{signal, kind, detail, contribution}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("signal", self.signal())?;
        d.set_item("kind", self.kind())?;
        d.set_item("detail", self.detail())?;
        d.set_item("contribution", self.contribution())?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "Reason(signal={:?}, kind={:?}, contribution={}, detail={:?})",
            self.signal(),
            self.kind(),
            self.inner.contribution,
            self.inner.detail
        )
    }
}

/// The risk assessment of one person at one time.
#[pyclass(module = "anbu", name = "Assessment", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyAssessment {
    pub inner: anbu::Assessment,
}

#[pymethods]
impl PyAssessment {
    /// The person.
    #[getter]
    fn person(&self) -> &str {
        &self.inner.person
    }

    /// The evaluation time (UTC).
    #[getter]
    fn at(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_datetime(py, self.inner.at)
    }

    /// Fused risk, 0 to 100.
    #[getter]
    fn score(&self) -> f64 {
        self.inner.score
    }

    /// `normal`, `watch`, `warning` or `critical`.
    #[getter]
    fn level(&self) -> &'static str {
        self.inner.level.as_str()
    }

    /// `none`, `checkin_call`, `notify` or `dispatch`.
    #[getter]
    fn action(&self) -> &'static str {
        self.inner.action.as_str()
    }

    /// `day_office` or `control_center`.
    #[getter]
    fn responder(&self) -> &'static str {
        self.inner.responder.as_str()
    }

    /// For a `dispatch`, who goes: `visit` (staff), `police` or `119`; `None` otherwise.
    #[getter]
    fn visit(&self) -> Option<&'static str> {
        self.inner.visit.map(|v| v.as_str())
    }

    /// The check-in call a closed-loop replay placed after this assessment: `auto` (the
    /// automatic call) or `staff` (the caseworker's or the control center's); `None` otherwise.
    #[getter]
    fn call(&self) -> Option<&'static str> {
        self.inner.call.map(|c| c.as_str())
    }

    /// The evidence, strongest first.
    #[getter]
    fn reasons(&self) -> Vec<PyReason> {
        self.inner.reasons.iter().map(|r| PyReason { inner: r.clone() }).collect()
    }

    /// The spec's assessment fields (`at` as a UTC datetime, `reasons` as dicts).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("person", self.person())?;
        d.set_item("at", self.at(py)?)?;
        d.set_item("score", self.score())?;
        d.set_item("level", self.level())?;
        d.set_item("action", self.action())?;
        d.set_item("responder", self.responder())?;
        let reasons = PyList::empty(py);
        for r in self.reasons() {
            reasons.append(r.to_dict(py)?)?;
        }
        d.set_item("reasons", reasons)?;
        d.set_item("visit", self.visit())?;
        d.set_item("call", self.call())?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let a = &self.inner;
        let top = a.reasons.first().map(|r| format!(", top={:?}", r.kind.as_str())).unwrap_or_default();
        let visit = a.visit.map(|v| format!(", visit={:?}", v.as_str())).unwrap_or_default();
        let call = a.call.map(|c| format!(", call={:?}", c.as_str())).unwrap_or_default();
        format!(
            "Assessment(person={:?}, at={:?}, score={}, level={:?}, action={:?}, responder={:?}, reasons={}{top}{visit}{call})",
            a.person,
            a.at.to_string(),
            a.score,
            a.level.as_str(),
            a.action.as_str(),
            a.responder.as_str(),
            a.reasons.len()
        )
    }
}

/// Whether to read a table's `reasons` column (the backtest does not need them).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reasons {
    Read,
    Skip,
}

/// The assessments argument: a replay's DataFrame / Arrow table, or `Assessment` objects.
pub fn assessments(v: &Bound<'_, PyAny>, reasons: Reasons) -> PyResult<Vec<Assessment>> {
    if arrow::is_arrow(v)? {
        let batches = arrow::batches(v)?;
        return anbu::arrow::assessments_from_batches(&batches, reasons == Reasons::Read)
            .map_err(|e| Failure::from(e).into());
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
