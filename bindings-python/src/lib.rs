//! `anbu._anbu`: the native module of the Python package `anbu`.
//!
//! Thin: it converts Python values to core values and core errors to Python exceptions
//! ([`error::to_py`], the one mapping). Every rule, default and message is the core's.
//! Batch work (reading, converting Arrow tables, replaying) runs without the GIL and stops
//! on Ctrl-C ([`run`]).
//!
//! Each file is named after the core module whose API it exposes (as the bindings of
//! huggingface/tokenizers are, and as the Node binding is), so that a change in a core module
//! has one place to go here. The package (`python/anbu/__init__.py`) wraps some of these
//! (`replay` is `replay_arrow` made a DataFrame, `simulate` is `simulate_arrow`...).
//!
//! | binding file | core module | Python (`anbu._anbu`) |
//! |---|---|---|
//! | `engine.rs` | `engine` | `Engine` |
//! | `profile.rs` | `profile` | `Profile`, `BUILTIN_PROFILES`; the profile argument |
//! | `event.rs` | `event` | `Event`, `events`; the events argument (dicts, `Event`s, Arrow, a file) |
//! | `person.rs` | `person` | the persons argument |
//! | `incident.rs` | `incident` | the incidents argument; incident rows |
//! | `assessment.rs` | `assessment` | `Assessment`, `Reason`; the assessments argument |
//! | `time.rs` | `time` | `duration_ms`; `datetime`s, `timedelta`s, time and duration arguments |
//! | `value.rs` | `value` | Python values as the core's `Value`, table rows, results as Python data |
//! | `arrow.rs` | `arrow` | Arrow data (the PyCapsule interface) as record batches, and tables out |
//! | `replay.rs` | `replay` | `replay_arrow`, `replay_closed_loop_arrow`; the call policy |
//! | `responder.rs` | `responder` | `AnswerRate`; the `responder` argument |
//! | `sim.rs` | `sim` | `simulate_arrow` |
//! | `backtest.rs` | `backtest` | `BacktestReport`, `backtest` |
//! | `backtest/labels.rs` | `backtest::labels` | `labels_from_dispositions` |
//! | `backtest/sweep.rs` | `backtest::sweep` | `Sweep`, `sweep` |
//! | `report.rs` | `report` | `district_report` |
//! | `read.rs` | `read` | `read_events`, `ReadOutcome` |
//! | `write.rs` | `write` | `write_events`, `write_assessments` |
//! | `parallel.rs` | `parallel` | `set_threads`, `threads` |
//! | `error.rs` | `error` | `AnbuError` and a class per error kind, each with its `code` |
//! | `run.rs` | (the binding's own) | work without the GIL, Ctrl-C, `progress` callbacks |
//! | `lib.rs` | `lib` | `__version__`, `EVENT_FIELDS`, `ASSESSMENT_FIELDS`, `ORDERED_COLUMNS`, `cli` |

mod arrow;
mod assessment;
mod backtest;
mod engine;
mod error;
mod event;
mod incident;
mod parallel;
mod person;
mod profile;
mod read;
mod replay;
mod report;
mod responder;
mod run;
mod sim;
mod time;
mod value;
mod write;

use pyo3::prelude::*;

/// The `anbu` command line (replay, backtest, simulate, check) with `argv` (the program's name
/// first), as `python -m anbu` runs it; returns its exit code. Runs without the GIL.
#[pyfunction]
fn cli(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| anbu_cli::run(argv))
}

#[pymodule]
fn _anbu(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("BUILTIN_PROFILES", profile::builtin_names())?;
    m.add("EVENT_FIELDS", anbu::EVENT_FIELDS.to_vec())?;
    m.add("ASSESSMENT_FIELDS", anbu::ASSESSMENT_FIELDS.to_vec())?;
    m.add("ORDERED_COLUMNS", anbu::ordered_columns())?;
    error::register(m)?;
    m.add_class::<profile::PyProfile>()?;
    m.add_class::<event::PyEvent>()?;
    m.add_class::<assessment::PyReason>()?;
    m.add_class::<assessment::PyAssessment>()?;
    m.add_class::<engine::PyEngine>()?;
    m.add_class::<read::PyReadOutcome>()?;
    m.add_class::<backtest::PyBacktestReport>()?;
    m.add_class::<responder::PyAnswerRate>()?;
    m.add_class::<backtest::sweep::PySweep>()?;
    m.add_function(wrap_pyfunction!(read::read_events, m)?)?;
    m.add_function(wrap_pyfunction!(replay::replay_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(replay::replay_closed_loop_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(event::events, m)?)?;
    m.add_function(wrap_pyfunction!(time::duration_ms, m)?)?;
    m.add_function(wrap_pyfunction!(cli, m)?)?;
    m.add_function(wrap_pyfunction!(sim::simulate_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(backtest::backtest, m)?)?;
    m.add_function(wrap_pyfunction!(backtest::labels::labels_from_dispositions, m)?)?;
    m.add_function(wrap_pyfunction!(backtest::sweep::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(report::district_report, m)?)?;
    m.add_function(wrap_pyfunction!(write::write_events, m)?)?;
    m.add_function(wrap_pyfunction!(write::write_assessments, m)?)?;
    m.add_function(wrap_pyfunction!(parallel::set_threads, m)?)?;
    m.add_function(wrap_pyfunction!(parallel::threads, m)?)?;
    Ok(())
}
