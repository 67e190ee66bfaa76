//! `write_events` / `write_assessments`: the core's writers (CSV, JSON Lines, Parquet, Arrow IPC), to a file or
//! as bytes (which the package writes to a file object).

use std::io::Write;
use std::path::{Path, PathBuf};

use anbu::Format;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::assessment::{Reasons, assessments};
use crate::error::to_py;
use crate::event::Input;
use crate::run::{self, Failure};

/// The format asked for (`csv`, `jsonl`, ...), else as the core chooses for an output.
fn format(path: Option<&Path>, format: Option<&str>) -> PyResult<Format> {
    let asked = format.map(str::parse).transpose().map_err(to_py)?;
    Format::for_output(asked, path).map_err(to_py)
}

/// Runs a core writer into the file at `path`, or into bytes without one.
fn write_to(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> anbu::Result<()>,
) -> anbu::Result<Option<Vec<u8>>> {
    match path {
        Some(path) => {
            let mut out = anbu::create_file(path)?;
            write(&mut out)?;
            out.flush()?;
            Ok(None)
        }
        None => {
            let mut out = Vec::new();
            write(&mut out)?;
            Ok(Some(out))
        }
    }
}

fn bytes(py: Python<'_>, out: Option<Vec<u8>>) -> Option<Bound<'_, PyBytes>> {
    out.map(|b| PyBytes::new(py, &b))
}

/// Writes events (any input `replay` takes) as the spec's CSV or JSON Lines: to `path`, or
/// returned as bytes without one. Runs without the GIL; Ctrl-C stops it.
#[pyfunction]
#[pyo3(signature = (events, path = None, format = None))]
pub fn write_events<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    path: Option<PathBuf>,
    format: Option<&str>,
) -> PyResult<Option<Bound<'py, PyBytes>>> {
    let format = self::format(path.as_deref(), format)?;
    let source = Input::extract(events)?;
    let out = run::run_interruptible(py, |cancel| {
        let events = source.into_events(cancel, 0)?;
        write_to(path.as_deref(), |w| anbu::write_events_as(format, w, &events)).map_err(Failure::from)
    })?;
    Ok(bytes(py, out))
}

/// Writes assessments (a replay's table or `Assessment` objects) as the spec's CSV or JSON
/// Lines: to `path`, or returned as bytes without one. Runs without the GIL.
#[pyfunction]
#[pyo3(signature = (assessments, path = None, format = None))]
pub fn write_assessments<'py>(
    py: Python<'py>,
    assessments: &Bound<'py, PyAny>,
    path: Option<PathBuf>,
    format: Option<&str>,
) -> PyResult<Option<Bound<'py, PyBytes>>> {
    let format = self::format(path.as_deref(), format)?;
    let rows = self::assessments(assessments, Reasons::Read)?;
    let out = run::run_interruptible(py, |_| {
        write_to(path.as_deref(), |w| anbu::write_assessments_as(format, w, &rows)).map_err(Failure::from)
    })?;
    Ok(bytes(py, out))
}
