//! Event inputs (a path for the core's reader, an Arrow table, a list of dicts or `Event`s),
//! and running batch work with the GIL released and Ctrl-C honoured.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use anbu::{Error, Event};
use arrow_array::RecordBatch;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use pyo3_arrow::input::AnyRecordBatch;

use crate::classes::PyEvent;
use crate::convert::{self, at_index};
use crate::errors::{internal, to_py};
use anbu::arrow::TableError;

/// Why batch work failed.
pub enum Failure {
    /// The core refused something.
    Core(Error),
    /// A table column has a type the conversion does not read.
    Type(String),
    /// A bug: a panic in Rust code.
    Panic(Box<dyn std::any::Any + Send>),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

impl From<TableError> for Failure {
    fn from(e: TableError) -> Self {
        match e {
            TableError::Core(e) => Failure::Core(e),
            TableError::Type(t) => Failure::Type(t),
        }
    }
}

impl From<Failure> for PyErr {
    fn from(f: Failure) -> PyErr {
        match f {
            Failure::Core(e) => to_py(e),
            Failure::Type(t) => PyTypeError::new_err(t),
            Failure::Panic(p) => internal(p),
        }
    }
}

/// Events as given by the caller.
pub enum Input {
    /// An event file (CSV, JSON Lines, Parquet, Arrow IPC), read by the core.
    Path(PathBuf),
    /// Arrow record batches (pyarrow, polars, pandas through pyarrow).
    Arrow(Vec<RecordBatch>),
    /// Events already validated (from dicts or `Event`s).
    Events(Vec<Event>),
}

impl Input {
    /// Takes the caller's events argument (with the GIL: Arrow data is imported zero-copy).
    pub fn extract(v: &Bound<'_, PyAny>) -> PyResult<Input> {
        if v.is_instance_of::<PyString>() || v.hasattr("__fspath__")? {
            return Ok(Input::Path(v.extract()?));
        }
        if v.hasattr("__arrow_c_stream__")? || v.hasattr("__arrow_c_array__")? {
            let reader = v.extract::<AnyRecordBatch>()?.into_reader()?;
            let batches = reader
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| PyTypeError::new_err(format!("cannot read the Arrow data: {e}")))?;
            return Ok(Input::Arrow(batches));
        }
        if crate::convert::is_mapping(v)? || v.is_instance_of::<PyBytes>() {
            return Err(PyTypeError::new_err(
                "events must be a list of dicts or Events, a DataFrame, an Arrow table, or a CSV/JSONL path",
            ));
        }
        let iter = v.try_iter().map_err(|_| {
            PyTypeError::new_err(
                "events must be a list of dicts or Events, a DataFrame, an Arrow table, or a CSV/JSONL path",
            )
        })?;
        let mut out = Vec::new();
        for (i, item) in iter.enumerate() {
            let item = item?;
            if let Ok(e) = item.cast::<PyEvent>() {
                out.push(e.get().inner.clone());
                continue;
            }
            if !convert::is_mapping(&item)? {
                return Err(convert::not_an_event(&item));
            }
            let event = convert::record_from_mapping(&item)?.and_then(|r| r.into_event());
            out.push(event.map_err(|e| to_py(at_index(e, i)))?);
        }
        Ok(Input::Events(out))
    }

    /// The events as the core's columns, without an event per row where they can be: a file
    /// (read by the core's `read_columns`, whose errors are its event reader's), or an Arrow
    /// table whose every column converts (see `arrow_columns`).
    pub fn columns(&self) -> Result<Option<anbu::OwnedColumns>, Failure> {
        match self {
            Input::Path(p) => Ok(Some(anbu::read_columns(p)?)),
            Input::Arrow(batches) => Ok(anbu::arrow::columns_from_batches(batches)),
            Input::Events(_) => Ok(None),
        }
    }

    /// The events (reading or converting without the GIL);
    /// `threads` as in `ReplayOptions` (0: one per core) for converting Arrow tables.
    pub fn into_events(self, cancel: &AtomicBool, threads: usize) -> Result<Vec<Event>, Failure> {
        match self {
            Input::Path(p) => Ok(anbu::read_events(&p, &anbu::ReadOptions::strict())?.events),
            Input::Arrow(batches) => Ok(anbu::arrow::events_from_batches(&batches, cancel, threads)?),
            Input::Events(events) => Ok(events),
        }
    }
}

/// One event argument: an `Event` or a dict.
pub fn one_event(v: &Bound<'_, PyAny>) -> PyResult<Event> {
    if let Ok(e) = v.cast::<PyEvent>() {
        return Ok(e.get().inner.clone());
    }
    if !convert::is_mapping(v)? {
        return Err(convert::not_an_event(v));
    }
    convert::record_from_mapping(v)?.and_then(|r| r.into_event()).map_err(to_py)
}

/// How often the waiting thread looks for Ctrl-C.
const POLL: Duration = Duration::from_millis(50);

/// A progress callback `(done, total)`, fed from a core counter (`ReplayOptions::progress`,
/// `SimWatch::progress`) that the waiting thread reads at each poll: called (with the GIL)
/// when the count has moved since the last call, with `(0, total)` first and the final
/// count last. Its exception stops the work and is raised.
pub struct Progress<'py> {
    callback: Bound<'py, PyAny>,
    total: u64,
    done: Arc<AtomicU64>,
    reported: std::cell::Cell<Option<u64>>,
}

impl<'py> Progress<'py> {
    /// A progress of `total` units reported to `callback`; none without one.
    pub fn new(callback: Option<&Bound<'py, PyAny>>, total: usize) -> Option<Self> {
        callback.filter(|c| !c.is_none()).map(|c| Progress {
            callback: c.clone(),
            total: total as u64,
            done: Arc::new(AtomicU64::new(0)),
            reported: std::cell::Cell::new(None),
        })
    }

    /// The counter for the core to count on, if there is a progress.
    pub fn counter(progress: Option<&Self>) -> Option<Arc<AtomicU64>> {
        progress.map(|p| Arc::clone(&p.done))
    }

    fn report(&self) -> PyResult<()> {
        let done = self.done.load(Ordering::Relaxed);
        if self.reported.get() != Some(done) {
            self.reported.set(Some(done));
            self.callback.call1((done, self.total))?;
        }
        Ok(())
    }
}

/// Runs `work` on a worker thread with the GIL released. The calling thread waits and checks
/// for signals: on Ctrl-C (or any exception a signal handler raises) it sets the cancel flag,
/// waits for the worker to stop, and raises that exception. A panic becomes `AnbuError`.
pub fn run_interruptible<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Arc<AtomicBool>) -> Result<T, Failure> + Send,
{
    run_reporting(py, None, work)
}

/// [`run_interruptible`], reporting `progress` at each poll too (an exception of its callback
/// stops the work as Ctrl-C does).
pub fn run_reporting<T, F>(py: Python<'_>, progress: Option<&Progress<'_>>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Arc<AtomicBool>) -> Result<T, Failure> + Send,
{
    if let Some(p) = progress {
        p.report()?;
    }
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    // `detach` needs `Send` closures; a `Receiver` is `Send` but not `Sync`.
    let rx = std::sync::Mutex::new(rx);
    let recv = |timeout: Option<Duration>| match rx.lock() {
        Ok(rx) => match timeout {
            Some(t) => rx.recv_timeout(t),
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        },
        Err(_) => Err(mpsc::RecvTimeoutError::Disconnected),
    };
    let flag = Arc::clone(&cancel);
    let worker = move || {
        let r = catch_unwind(AssertUnwindSafe(|| work(&flag))).unwrap_or_else(|p| Err(Failure::Panic(p)));
        let _ = tx.send(r);
    };
    let waiter = || {
        loop {
            match py.detach(|| recv(Some(POLL))) {
                Ok(r) => {
                    let r = r.map_err(PyErr::from)?;
                    if let Some(p) = progress {
                        p.report()?;
                    }
                    return Ok(r);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let stop = py.check_signals().err().or_else(|| progress.and_then(|p| p.report().err()));
                    if let Some(error) = stop {
                        cancel.store(true, Ordering::Relaxed);
                        // The worker sees the flag at its next check; its result is dropped.
                        let _ = py.detach(|| recv(None));
                        return Err(error);
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(internal(Box::new("the worker thread ended without a result")));
                }
            }
        }
    };
    anbu::parallel::join(worker, waiter).1
}
