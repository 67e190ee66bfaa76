//! Replays (the core's `replay`): `replay` and `replay_closed_loop`, their options and the
//! closed loop's call policy.

use anbu::{ReplayOptions, Value};
use pyo3::prelude::*;

use crate::assessment::PyAssessment;
use crate::error::to_py;
use crate::event::Input;
use crate::profile::profile_arg;
use crate::responder::Responder;
use crate::time::duration_arg;
use crate::value::with_value;
use crate::{arrow, person, run};

/// Replays events: every person assessed at each multiple of `every` (the spec's Replays),
/// returned as an Arrow table with the spec's assessment columns (`anbu.replay` makes the
/// DataFrame), or as a list of `Assessment` objects with `objects=True`.
#[pyfunction]
#[pyo3(signature = (events, persons, every, profiles = None, threads = None, objects = false, start = None, end = None, clock = None, progress = None))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments, one each
pub fn replay_arrow<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    persons: &Bound<'py, PyAny>,
    every: &Bound<'py, PyAny>,
    profiles: Option<Vec<Bound<'py, PyAny>>>,
    threads: Option<&Bound<'py, PyAny>>,
    objects: bool,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    clock: Option<&Bound<'py, PyAny>>,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut options =
        replay_options(every, profiles, &[("threads", threads), ("start", start), ("end", end), ("clock", clock)])?;
    let persons = person::persons(persons)?;
    let source = Input::extract(events)?;
    let threads = options.threads;
    let progress = run::Progress::new(progress, persons.len());
    options.progress = run::Progress::counter(progress.as_ref());
    let replayed = run::run_reporting(py, progress.as_ref(), |cancel| {
        options.cancel = Some(std::sync::Arc::clone(cancel));
        // A file, or an Arrow table of natural column types, is replayed as columns; anything
        // else (and any table the columns refuse, for the row conversion's error) as events.
        if let Some(columns) = source.columns()?
            && let Ok(batch) = columns.batch()
        {
            return Ok(if objects {
                Replayed::Rows(anbu::replay_columns(&batch, &persons, &options)?)
            } else {
                Replayed::Columns(Box::new(anbu::replay_to_columns(&batch, &persons, &options)?))
            });
        }
        let events = source.into_events(cancel, threads)?;
        let rows = anbu::replay(events, &persons, &options)?;
        Ok(Replayed::of(rows, objects))
    })?;
    replayed.into_py(py)
}

/// A replay's rows, as `Assessment`s for objects or as columns for a table.
enum Replayed {
    Rows(Vec<anbu::Assessment>),
    Columns(Box<anbu::AssessmentColumns>),
}

impl Replayed {
    /// The rows as they are for objects, else as columns.
    fn of(rows: Vec<anbu::Assessment>, objects: bool) -> Self {
        if objects { Replayed::Rows(rows) } else { Replayed::Columns(Box::new(anbu::AssessmentColumns::of(&rows))) }
    }

    /// The rows as a list of `Assessment`s, or the columns as an Arrow table.
    fn into_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        match self {
            Replayed::Rows(rows) => {
                let list: Vec<PyAssessment> = rows.into_iter().map(|inner| PyAssessment { inner }).collect();
                Ok(list.into_pyobject(py)?.into_any())
            }
            Replayed::Columns(columns) => arrow::assessments_table(py, *columns),
        }
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
    let mut options =
        replay_options(every, profiles, &[("threads", threads), ("start", start), ("end", end), ("clock", clock)])?;
    let policy = call_policy(delay, retry)?;
    let persons = person::persons(persons)?;
    let responder = Responder::extract(responder)?;
    let source = Input::extract(events)?;
    let progress = run::Progress::new(progress, persons.len());
    options.progress = run::Progress::counter(progress.as_ref());
    let result = run::run_reporting(py, progress.as_ref(), |cancel| {
        options.cancel = Some(std::sync::Arc::clone(cancel));
        let events = source.into_events(cancel, options.threads)?;
        let rows = match &responder {
            Responder::Spec(spec) => {
                let responder = spec.responder();
                anbu::replay_closed_loop(events, &persons, &options, &*responder, policy)?
            }
            Responder::Callable(c) => anbu::replay_closed_loop_sequential(events, &persons, &options, c, policy)?,
        };
        Ok(Replayed::of(rows, objects))
    });
    if let Responder::Callable(c) = &responder
        && let Some(raised) = c.raised.lock().ok().and_then(|mut slot| slot.take())
    {
        return Err(raised);
    }
    result?.into_py(py)
}

/// A replay's options: `every` (a duration) and `threads` as the core reads them, and the
/// caller's profiles.
pub fn replay_options(
    every: &Bound<'_, PyAny>,
    profiles: Option<Vec<Bound<'_, PyAny>>>,
    settings: &[(&str, Option<&Bound<'_, PyAny>>)],
) -> PyResult<ReplayOptions> {
    let mut options = ReplayOptions { every_ms: duration_arg("every", every)?, ..ReplayOptions::default() };
    // The core reads each setting (`threads`, `start`, `end`, `clock`): [`ReplayOptions::set`].
    for (name, v) in settings {
        if let Some(v) = v {
            with_value(v, |value| options.set(name, value))?.map_err(to_py)?;
        }
    }
    options.check().map_err(to_py)?;
    options.profiles = profiles.unwrap_or_default().iter().map(profile_arg).collect::<PyResult<Vec<_>>>()?;
    Ok(options)
}

/// The closed loop's call policy: the core's default, with `delay` and `retry` (durations)
/// where given.
pub fn call_policy(delay: Option<&Bound<'_, PyAny>>, retry: Option<&Bound<'_, PyAny>>) -> PyResult<anbu::CallPolicy> {
    let mut policy = anbu::CallPolicy::default();
    // A `timedelta` in milliseconds; the core reads each (`CallPolicy::set`).
    for (name, v) in [("delay", delay), ("retry", retry)] {
        if let Some(v) = v {
            policy.set(name, Value::Int(duration_arg(name, v)?)).map_err(to_py)?;
        }
    }
    Ok(policy)
}
