//! The binding's own: batch work run with the GIL released, Ctrl-C honoured and progress
//! reported, and why it failed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use anbu::Error;
use anbu::arrow::TableError;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::error::{internal, to_py};

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
