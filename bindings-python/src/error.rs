//! The one place where core errors become Python exceptions.
//!
//! Every [`anbu::ErrorKind`] has one exception class under `anbu.AnbuError`, named after the
//! kind. Input and configuration kinds ([`anbu::ErrorKind::is_input`]) also subclass
//! `ValueError`, I/O errors also subclass `OSError`. Each class carries the kind's stable
//! `code` (`ANBU_INVALID_EVENT`, ...). The message is the core's, unchanged.

use std::panic::{AssertUnwindSafe, catch_unwind};

use anbu::{Error, ErrorKind};
use pyo3::exceptions::{PyException, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

pyo3::create_exception!(
    anbu,
    AnbuError,
    PyException,
    "Base class of every error anbu raises; `code` is the stable error code."
);

/// The exception classes, in [`ErrorKind::ALL`] order.
static CLASSES: PyOnceLock<Vec<Py<PyType>>> = PyOnceLock::new();

/// The Python class name of a kind.
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidEvent => "InvalidEventError",
        ErrorKind::Format => "FormatError",
        ErrorKind::InvalidProfile => "InvalidProfileError",
        ErrorKind::UnknownProfile => "UnknownProfileError",
        ErrorKind::UnknownPerson => "UnknownPersonError",
        ErrorKind::LateEvent => "LateEventError",
        ErrorKind::InvalidArgument => "InvalidArgumentError",
        ErrorKind::Snapshot => "SnapshotError",
        ErrorKind::Io => "AnbuIOError",
        ErrorKind::Interrupted => "AnbuInterruptedError",
        _ => "AnbuError",
    }
}

/// Creates the classes (`type(name, bases, namespace)`, since a class may have two bases).
fn make_classes(py: Python<'_>) -> PyResult<Vec<Py<PyType>>> {
    let base = py.get_type::<AnbuError>();
    base.setattr("code", "ANBU_ERROR")?;
    let type_ = py.get_type::<PyType>();
    let mut out = Vec::with_capacity(ErrorKind::ALL.len());
    for kind in ErrorKind::ALL {
        let mut bases = vec![base.clone().into_any()];
        if kind.is_input() {
            bases.push(py.get_type::<PyValueError>().into_any());
        }
        if kind == ErrorKind::Io {
            bases.push(py.get_type::<PyOSError>().into_any());
        }
        let ns = PyDict::new(py);
        ns.set_item("__module__", "anbu")?;
        ns.set_item("code", kind.code())?;
        ns.set_item("__doc__", format!("anbu error `{}`.", kind.code()))?;
        let cls = type_.call1((class_name(kind), PyTuple::new(py, bases)?, ns))?;
        out.push(cls.cast_into::<PyType>()?.unbind());
    }
    Ok(out)
}

/// Registers the hierarchy in the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("AnbuError", py.get_type::<AnbuError>())?;
    let classes = CLASSES.get_or_try_init(py, || make_classes(py))?;
    for (kind, cls) in ErrorKind::ALL.iter().zip(classes) {
        m.add(class_name(*kind), cls.bind(py))?;
    }
    Ok(())
}

/// The exception class of a kind.
fn class_of(py: Python<'_>, kind: ErrorKind) -> Bound<'_, PyType> {
    let found =
        CLASSES.get(py).and_then(|classes| ErrorKind::ALL.iter().position(|k| *k == kind).and_then(|i| classes.get(i)));
    match found {
        Some(cls) => cls.bind(py).clone(),
        None => py.get_type::<AnbuError>(),
    }
}

/// The Python exception for a core error: its kind's class, the core's message.
pub fn to_py(err: Error) -> PyErr {
    let kind = err.kind();
    let message = err.to_string();
    Python::attach(|py| match &err {
        // OSError(errno, strerror) would reorder the message; keep the core's text whole.
        Error::Io(io) => {
            let e = PyErr::from_type(class_of(py, kind), (message,));
            if let Some(code) = io.raw_os_error() {
                let _ = e.value(py).setattr("errno", code);
            }
            e
        }
        _ => PyErr::from_type(class_of(py, kind), (message,)),
    })
}

/// The exception instance for a core error (for lists of skipped rows).
pub fn to_py_value(py: Python<'_>, err: Error) -> Py<PyAny> {
    to_py(err).into_value(py).into_any()
}

/// Runs core code; a panic (a bug) becomes `AnbuError` instead of crossing into Python.
pub fn guard<T>(f: impl FnOnce() -> Result<T, Error>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(to_py),
        Err(panic) => Err(internal(panic)),
    }
}

/// The error for a caught panic.
pub fn internal(panic: Box<dyn std::any::Any + Send>) -> PyErr {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".to_string());
    AnbuError::new_err(format!("internal error (please report): {what}"))
}
