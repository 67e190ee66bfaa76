//! Reading event files (the core's `read`): `read_events` and what it read.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::event::PyEvent;
use crate::run;

/// What `read_events` read: the events, and the rows skipped (with `skip_bad_rows=True`).
#[pyclass(module = "anbu", name = "ReadOutcome", frozen)]
pub struct PyReadOutcome {
    /// The valid events, in input order.
    #[pyo3(get)]
    events: Py<PyList>,
    /// Why rows were skipped: one exception (naming the line) per skipped row, at most 1000.
    #[pyo3(get)]
    skipped: Py<PyList>,
    /// How many rows were skipped in all.
    #[pyo3(get)]
    skipped_count: u64,
}

#[pymethods]
impl PyReadOutcome {
    fn __len__(&self, py: Python<'_>) -> usize {
        self.events.bind(py).len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.events.bind(py).try_iter().map(|i| i.into_any())
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.events.bind(py).as_any().get_item(index)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("ReadOutcome(events={}, skipped_count={})", self.events.bind(py).len(), self.skipped_count)
    }
}

/// Reads an event file (CSV, JSON Lines, Parquet or Arrow IPC) with the core's reader (format
/// from the extension).
#[pyfunction]
#[pyo3(signature = (path, *, skip_bad_rows = false))]
pub fn read_events(py: Python<'_>, path: PathBuf, skip_bad_rows: bool) -> PyResult<PyReadOutcome> {
    let options = if skip_bad_rows { anbu::ReadOptions::lenient() } else { anbu::ReadOptions::strict() };
    let out = run::run_interruptible(py, |_| Ok(anbu::read_events(&path, &options)?))?;
    let events = PyList::empty(py);
    for e in out.events {
        events.append(PyEvent { inner: e })?;
    }
    let skipped = PyList::empty(py);
    for e in out.skipped {
        skipped.append(crate::error::to_py_value(py, e))?;
    }
    Ok(PyReadOutcome { events: events.unbind(), skipped: skipped.unbind(), skipped_count: out.skipped_count })
}
