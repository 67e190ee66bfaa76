//! Responders (the core's `responder`): the `AnswerRate` class and the `responder` argument.
//!
//! Responders: an `AnswerRate` (the core's), a responder spec (a dict the core parses:
//! `{"answer_rate": {...}}` or `{"simulated": {...}}`, which `simulate()` hands out as
//! `Cohort.responder`), or a Python callable `(person, at) -> "answered" | "missed" |
//! "concern" | "unreachable" | "sms_reply" | None`. The callable is called on the replay's worker thread with the GIL taken
//! for each call, through the core's sequential path: one call at a time, person after person,
//! each person's calls in time order. Its exception stops the replay and is re-raised as it is.

use std::sync::Mutex;

use anbu::{AnswerRate, CheckinOutcome, CheckinResponder, Error, ResponderSpec, Timestamp};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::error::to_py;
use crate::{time, value};

/// Answers every check-in call at fixed rates (the core's `AnswerRate`): answered with
/// probability `rate`, otherwise missed; an answered call is a request for help (`concern`)
/// with probability `concern_rate`. Each call's draw depends only on `seed`, the person and the
/// call's time, so a replay gives the same rows every time, in Rust, Python and Node.
#[pyclass(module = "anbu", name = "AnswerRate", frozen)]
pub struct PyAnswerRate {
    inner: AnswerRate,
}

#[pymethods]
impl PyAnswerRate {
    #[new]
    #[pyo3(signature = (rate, concern_rate = 0.0, seed = None))]
    fn new(rate: f64, concern_rate: f64, seed: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        // The core reads the seed (a whole number >= 0; absent is 0), as from Node.
        let seed = match seed {
            Some(s) => value::with_value(s, AnswerRate::seed_from)?.map_err(to_py)?,
            None => 0,
        };
        Ok(PyAnswerRate { inner: AnswerRate::new(rate, concern_rate, seed).map_err(to_py)? })
    }

    /// The probability that a call is answered.
    #[getter]
    fn rate(&self) -> f64 {
        self.inner.rate()
    }

    /// The probability that an answered call is a request for help.
    #[getter]
    fn concern_rate(&self) -> f64 {
        self.inner.concern_rate()
    }

    /// The seed of the draws.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.seed()
    }

    fn __repr__(&self) -> String {
        let a = &self.inner;
        format!("AnswerRate(rate={}, concern_rate={}, seed={})", a.rate(), a.concern_rate(), a.seed())
    }
}

/// A Python callable as a responder. Its first exception is kept here (the core sees an error
/// that stops the replay) and raised in place of the core's error.
pub(crate) struct Callable {
    function: Py<PyAny>,
    pub(crate) raised: Mutex<Option<PyErr>>,
}

impl Callable {
    fn call(&self, person: &str, at: Timestamp) -> Result<Option<CheckinOutcome>, CallError> {
        Python::attach(|py| {
            let when = time::to_datetime(py, at).map_err(CallError::Raised)?;
            let answer = self.function.call1(py, (person, when)).map_err(CallError::Raised)?;
            let answer = answer.bind(py);
            if answer.is_none() {
                return Ok(None);
            }
            let text = match answer.cast::<PyString>() {
                Ok(s) => s.to_cow().map_err(CallError::Raised)?.into_owned(),
                Err(_) => answer.repr().and_then(|r| Ok(r.to_cow()?.into_owned())).map_err(CallError::Raised)?,
            };
            anbu::parse_checkin_answer(&text, person, at).map(Some).map_err(CallError::Core)
        })
    }
}

enum CallError {
    Raised(PyErr),
    Core(Error),
}

impl CheckinResponder for Callable {
    fn answer(&self, person: &str, at: Timestamp) -> Option<CheckinOutcome> {
        self.try_answer(person, at).ok().flatten()
    }

    fn try_answer(&self, person: &str, at: Timestamp) -> anbu::Result<Option<CheckinOutcome>> {
        match self.call(person, at) {
            Ok(answer) => Ok(answer),
            Err(CallError::Core(e)) => Err(e),
            Err(CallError::Raised(e)) => {
                if let Ok(mut slot) = self.raised.lock() {
                    slot.get_or_insert(e);
                }
                Err(Error::InvalidArgument { name: "responder".into(), reason: "raised an exception".into() })
            }
        }
    }
}

/// The responder argument.
pub(crate) enum Responder {
    /// An answer-rate model or a simulated cohort, parsed by the core.
    Spec(ResponderSpec),
    /// A Python function.
    Callable(Callable),
}

impl Responder {
    pub(crate) fn extract(v: &Bound<'_, PyAny>) -> PyResult<Responder> {
        if let Ok(a) = v.cast::<PyAnswerRate>() {
            return Ok(Responder::Spec(ResponderSpec::AnswerRate(a.get().inner)));
        }
        if value::is_mapping(v)? {
            let text: String = v.py().import("json")?.call_method1("dumps", (v,))?.extract()?;
            return Ok(Responder::Spec(ResponderSpec::from_json(&text).map_err(to_py)?));
        }
        if v.is_callable() {
            return Ok(Responder::Callable(Callable { function: v.clone().unbind(), raised: Mutex::new(None) }));
        }
        Err(PyTypeError::new_err(format!(
            "responder must be an AnswerRate, a simulated Cohort (or its `responder` dict), or a callable \
             (person, at) -> 'answered' | 'missed' | 'concern' | None, not {}",
            v.get_type().name()?
        )))
    }
}
