//! `replay_closed_loop`: a replay with the automatic check-in calls the assessments ask for
//! placed and answered by a responder (the core's `replay_closed_loop`).
//!
//! Responders: an `AnswerRate` (the core's), a responder spec (a dict the core parses:
//! `{"answer_rate": {...}}` or `{"simulated": {...}}`, which `simulate()` hands out as
//! `Cohort.responder`), or a Python callable `(person, at) -> "answered" | "missed" |
//! "concern" | None`. The callable is called on the replay's worker thread with the GIL taken
//! for each call, through the core's sequential path: one call at a time, person after person,
//! each person's calls in time order. Its exception stops the replay and is re-raised as it is.

use std::sync::Mutex;

use anbu::{AnswerRate, CheckinOutcome, CheckinResponder, Error, ResponderSpec, Timestamp};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use pyo3_arrow::PyTable;

use crate::Replayed;
use crate::classes::PyAssessment;
use crate::convert;
use crate::errors::to_py;
use crate::input::{self, Failure, Input};

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
            Some(s) => convert::with_value(s, AnswerRate::seed_from)?.map_err(to_py)?,
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
    raised: Mutex<Option<PyErr>>,
}

impl Callable {
    fn call(&self, person: &str, at: Timestamp) -> Result<Option<CheckinOutcome>, CallError> {
        Python::attach(|py| {
            let when = convert::to_datetime(py, at).map_err(CallError::Raised)?;
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
        if crate::convert::is_mapping(v)? {
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

/// Replays with the automatic check-in calls in the loop (the core's `replay_closed_loop`),
/// as an Arrow table with the spec's assessment columns, or `Assessment` objects with
/// `objects=True`. `delay` and `retry` are durations (default: the core's `CallPolicy`).
#[pyfunction]
#[pyo3(signature = (events, persons, responder, every, profiles = None, threads = None, delay = None, retry = None, objects = false, start = None, end = None, clock = None, progress = None))]
#[allow(clippy::too_many_arguments)]
pub fn replay_closed_loop_arrow<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    persons: &Bound<'py, PyAny>,
    responder: &Bound<'py, PyAny>,
    every: &Bound<'py, PyAny>,
    profiles: Option<Vec<Bound<'py, PyAny>>>,
    threads: Option<&Bound<'py, PyAny>>,
    delay: Option<&Bound<'py, PyAny>>,
    retry: Option<&Bound<'py, PyAny>>,
    objects: bool,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    clock: Option<&Bound<'py, PyAny>>,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut options = convert::replay_options(
        every,
        profiles,
        &[("threads", threads), ("start", start), ("end", end), ("clock", clock)],
    )?;
    let policy = convert::call_policy(delay, retry)?;
    let persons = convert::persons(persons)?;
    let responder = Responder::extract(responder)?;
    let source = Input::extract(events)?;
    let progress = input::Progress::new(progress, persons.len());
    options.progress = input::Progress::counter(progress.as_ref());
    let result = input::run_reporting(py, progress.as_ref(), |cancel| {
        options.cancel = Some(std::sync::Arc::clone(cancel));
        let events = source.into_events(cancel, options.threads)?;
        let rows = match &responder {
            Responder::Spec(spec) => {
                let responder = spec.responder();
                anbu::replay_closed_loop(events, &persons, &options, &*responder, policy)?
            }
            Responder::Callable(c) => anbu::replay_closed_loop_sequential(events, &persons, &options, c, policy)?,
        };
        Ok(if objects { Replayed::Rows(rows) } else { Replayed::Columns(Box::new(anbu::AssessmentColumns::of(&rows))) })
    });
    if let Responder::Callable(c) = &responder
        && let Some(raised) = c.raised.lock().ok().and_then(|mut slot| slot.take())
    {
        return Err(raised);
    }
    match result? {
        Replayed::Rows(rows) => {
            let list: Vec<PyAssessment> = rows.into_iter().map(|inner| PyAssessment { inner }).collect();
            Ok(list.into_pyobject(py)?.into_any())
        }
        Replayed::Columns(columns) => {
            let batch = py
                .detach(|| anbu::arrow::assessments_batch(*columns))
                .map_err(|e| PyErr::from(Failure::Type(e.to_string())))?;
            let schema = batch.schema();
            Ok(PyTable::try_new(vec![batch], schema)?.into_pyobject(py)?.into_any())
        }
    }
}
