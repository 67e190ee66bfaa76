//! `anbu._anbu`: the native module of the Python package `anbu`.
//!
//! Thin: it converts Python values to core values and core errors to Python exceptions
//! ([`errors::to_py`], the one mapping). Every rule, default and message is the core's.
//! Batch work (reading, converting Arrow tables, replaying) runs without the GIL and stops
//! on Ctrl-C.

mod assessments_in;
mod backtest;
mod classes;
mod closed_loop;
mod convert;
mod errors;
mod input;
mod report;
mod sweep;
mod write;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::PyTable;

use crate::classes::{PyAssessment, PyEngine, PyEvent, PyProfile, PyReadOutcome, PyReason};
use crate::input::{Failure, Input};

/// Replays events: every person assessed at each multiple of `every` (the spec's Replays),
/// returned as an Arrow table with the spec's assessment columns (`anbu.replay` makes the
/// DataFrame), or as a list of `Assessment` objects with `objects=True`.
#[pyfunction]
#[pyo3(signature = (events, persons, every, profiles = None, threads = None, objects = false, start = None, end = None, clock = None, progress = None))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments, one each
fn replay_arrow<'py>(
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
    let mut options = convert::replay_options(
        every,
        profiles,
        &[("threads", threads), ("start", start), ("end", end), ("clock", clock)],
    )?;
    let persons = convert::persons(persons)?;
    let source = Input::extract(events)?;
    let threads = options.threads;
    let progress = input::Progress::new(progress, persons.len());
    options.progress = input::Progress::counter(progress.as_ref());
    let replayed = input::run_reporting(py, progress.as_ref(), |cancel| {
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
        Ok(if objects { Replayed::Rows(rows) } else { Replayed::Columns(Box::new(anbu::AssessmentColumns::of(&rows))) })
    })?;
    let columns = match replayed {
        Replayed::Rows(rows) => {
            let list: Vec<PyAssessment> = rows.into_iter().map(|inner| PyAssessment { inner }).collect();
            return Ok(list.into_pyobject(py)?.into_any());
        }
        Replayed::Columns(columns) => columns,
    };
    let batch = py
        .detach(|| anbu::arrow::assessments_batch(*columns))
        .map_err(|e| PyErr::from(Failure::Type(e.to_string())))?;
    let schema = batch.schema();
    Ok(PyTable::try_new(vec![batch], schema)?.into_pyobject(py)?.into_any())
}

/// A replay's rows, as `Assessment`s for objects or as columns for a table.
enum Replayed {
    Rows(Vec<anbu::Assessment>),
    Columns(Box<anbu::AssessmentColumns>),
}

/// Events of any accepted input (dicts, `Event`s, an Arrow table, a CSV/JSONL path) as `Event`s.
#[pyfunction]
fn events(py: Python<'_>, events: &Bound<'_, PyAny>) -> PyResult<Vec<PyEvent>> {
    let source = Input::extract(events)?;
    let events = input::run_interruptible(py, |cancel| source.into_events(cancel, 0))?;
    Ok(events.into_iter().map(|inner| PyEvent { inner }).collect())
}

/// A seeded simulated cohort (`anbu::sim`): events as an Arrow table, and the persons,
/// incidents and cases as rows. Unset options take the core's defaults.
/// Options are the core's `SimConfig` fields, read by the core (`None` takes the default);
/// `progress` is called with `(persons simulated, persons)`.
#[pyfunction]
#[pyo3(signature = (progress = None, **options))]
fn simulate_arrow<'py>(
    py: Python<'py>,
    progress: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<SimTables<'py>> {
    let mut cfg = anbu::sim::SimConfig::default();
    for (k, v) in options.into_iter().flat_map(|o| o.iter()) {
        if !v.is_none() {
            let key = k.str()?;
            let key = key.to_cow()?;
            convert::with_value(&v, |value| cfg.set(&key, value))?.map_err(errors::to_py)?;
        }
    }
    cfg.check().map_err(errors::to_py)?;
    // What `replay_closed_loop` takes to answer as this cohort (simulated again from it).
    let responder = json_object(py, &anbu::ResponderSpec::Simulated(cfg.clone()).to_value())?;
    let progress = input::Progress::new(progress, cfg.persons.saturating_add(cfg.recent_incidents));
    let watch = anbu::sim::SimWatch { progress: input::Progress::counter(progress.as_ref()), cancel: None };
    let (cohort, batch) = input::run_reporting(py, progress.as_ref(), |cancel| {
        let watch = anbu::sim::SimWatch { cancel: Some(std::sync::Arc::clone(cancel)), ..watch };
        let cohort = anbu::sim::try_simulate_watched(&cfg, &watch)?;
        let batch = anbu::arrow::events_batch(&cohort.events).map_err(|e| Failure::Type(e.to_string()))?;
        Ok((cohort, batch))
    })?;
    let schema = batch.schema();
    let events = PyTable::try_new(vec![batch], schema)?.into_pyobject(py)?.into_any();
    let persons = cohort
        .persons
        .into_iter()
        .map(|p| {
            let r: anbu::PersonRecord = p.into();
            let d = PyDict::new(py);
            d.set_item("person", r.person)?;
            d.set_item("profile", r.profile)?;
            d.set_item("devices", r.devices)?;
            Ok(d)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let incidents = backtest::incident_rows(py, cohort.incidents)?;
    let cases = cohort
        .cases
        .into_iter()
        .map(|c| {
            let d = PyDict::new(py);
            d.set_item("person", c.person)?;
            d.set_item("routine", c.routine)?;
            d.set_item("nuisance", c.nuisance)?;
            d.set_item("incident", c.incident)?;
            Ok(d)
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok((events, persons, incidents, cases, responder))
}

/// A JSON value as Python data (`json.loads`).
fn json_object<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (value.to_string(),))
}

/// What `simulate_arrow` returns: events (Arrow), persons, incidents, cases (rows), and the
/// cohort's responder spec (`{"simulated": {...}}`).
type SimTables<'py> =
    (Bound<'py, PyAny>, Vec<Bound<'py, PyDict>>, Vec<Bound<'py, PyDict>>, Vec<Bound<'py, PyDict>>, Bound<'py, PyAny>);

/// Milliseconds of a duration (`"1h"`, `"15m"`, `"3600s"`, milliseconds, or a `timedelta`).
#[pyfunction]
fn duration_ms(every: &Bound<'_, PyAny>) -> PyResult<i64> {
    convert::duration_ms("every", every)
}

/// The `anbu` command line (replay, backtest, simulate, check) with `argv` (the program's name
/// first), as `python -m anbu` runs it; returns its exit code. Runs without the GIL.
#[pyfunction]
fn cli(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| anbu_cli::run(argv))
}

/// Sets the number of threads anbu works on in this process, for every call not given its own
/// `threads`; 0 goes back to `ANBU_NUM_THREADS`, or one per core (the core's
/// `parallel::set_threads`).
#[pyfunction]
fn set_threads(n: &Bound<'_, PyAny>) -> PyResult<()> {
    convert::with_value(n, anbu::parallel::set_threads_from)?.map_err(errors::to_py)
}

/// The number of threads anbu works on for a call not given its own `threads` (the core's
/// `parallel::threads`).
#[pyfunction]
fn threads() -> PyResult<usize> {
    anbu::parallel::threads().map_err(errors::to_py)
}

#[pymodule]
fn _anbu(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("BUILTIN_PROFILES", classes::builtin_names())?;
    m.add("EVENT_FIELDS", anbu::EVENT_FIELDS.to_vec())?;
    m.add("ASSESSMENT_FIELDS", anbu::ASSESSMENT_FIELDS.to_vec())?;
    m.add("ORDERED_COLUMNS", anbu::ordered_columns())?;
    errors::register(m)?;
    m.add_class::<PyProfile>()?;
    m.add_class::<PyEvent>()?;
    m.add_class::<PyReason>()?;
    m.add_class::<PyAssessment>()?;
    m.add_class::<PyEngine>()?;
    m.add_class::<PyReadOutcome>()?;
    m.add_class::<backtest::PyBacktestReport>()?;
    m.add_class::<closed_loop::PyAnswerRate>()?;
    m.add_class::<sweep::PySweep>()?;
    m.add_function(wrap_pyfunction!(classes::read_events, m)?)?;
    m.add_function(wrap_pyfunction!(replay_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(closed_loop::replay_closed_loop_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(events, m)?)?;
    m.add_function(wrap_pyfunction!(duration_ms, m)?)?;
    m.add_function(wrap_pyfunction!(cli, m)?)?;
    m.add_function(wrap_pyfunction!(simulate_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(backtest::backtest, m)?)?;
    m.add_function(wrap_pyfunction!(backtest::labels_from_dispositions, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(report::district_report, m)?)?;
    m.add_function(wrap_pyfunction!(write::write_events, m)?)?;
    m.add_function(wrap_pyfunction!(write::write_assessments, m)?)?;
    m.add_function(wrap_pyfunction!(set_threads, m)?)?;
    m.add_function(wrap_pyfunction!(threads, m)?)?;
    Ok(())
}
