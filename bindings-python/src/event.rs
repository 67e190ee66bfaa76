//! Events (the core's `event`): `Event` objects, event dicts, and the events argument in any
//! form (a file for the core's reader, an Arrow table, a list of dicts or `Event`s).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anbu::{Error, Event, EventRecord, Location};
use arrow_array::RecordBatch;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyMapping, PyString};

use crate::arrow;
use crate::error::{guard, to_py};
use crate::run::{self, Failure};
use crate::time::to_datetime;
use crate::value::{self, with_value};

/// One validated event.
#[pyclass(module = "anbu", name = "Event", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyEvent {
    pub inner: anbu::Event,
}

#[pymethods]
impl PyEvent {
    /// An event: `Event("p-1", "2024-05-01T19:02:00+09:00", "plug", watts=85.5, device="plug-tv")`.
    #[new]
    #[pyo3(signature = (person, ts, signal, **fields))]
    fn new(
        person: &Bound<'_, PyAny>,
        ts: &Bound<'_, PyAny>,
        signal: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let mut r = EventRecord::default();
        for (name, v) in [("person", person), ("ts", ts), ("signal", signal)] {
            set_value(&mut r, name, v)?.map_err(to_py)?;
        }
        if let Some(fields) = fields {
            for (k, v) in fields.iter() {
                set_value(&mut r, &k.str()?.to_cow()?, &v)?.map_err(to_py)?;
            }
        }
        guard(|| r.into_event()).map(|inner| PyEvent { inner })
    }

    /// An event from a dict of the spec's fields.
    #[staticmethod]
    fn from_dict(d: &Bound<'_, PyAny>) -> PyResult<Self> {
        let r = record_from_mapping(d)?.map_err(to_py)?;
        guard(|| r.into_event()).map(|inner| PyEvent { inner })
    }

    /// The person's pseudonymous id.
    #[getter]
    fn person(&self) -> &str {
        &self.inner.person
    }

    /// When it happened (UTC).
    #[getter]
    fn ts(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_datetime(py, self.inner.ts)
    }

    /// The signal.
    #[getter]
    fn signal(&self) -> &'static str {
        self.inner.signal().as_str()
    }

    /// The source device (the signal's name when not given).
    #[getter]
    fn device(&self) -> &str {
        self.inner.device()
    }

    /// The spec's fields that are set (times as UTC datetimes).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        record_dict(py, &self.inner.to_record())
    }

    fn __repr__(&self) -> String {
        let r = self.inner.to_record();
        let mut parts = vec![format!("{:?}", self.inner.person), format!("{:?}", self.inner.ts.to_string())];
        parts.push(format!("{:?}", self.inner.signal().as_str()));
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&r) {
            for (k, v) in map {
                if !matches!(k.as_str(), "person" | "ts" | "signal") {
                    parts.push(format!("{k}={v}"));
                }
            }
        }
        format!("Event({})", parts.join(", "))
    }
}

/// A flat event record as a dict: times (the core's [`EventRecord::is_time_field`]) as UTC
/// datetimes, as the `ts` attribute is; other values as the spec writes them.
fn record_dict<'py>(py: Python<'py>, r: &EventRecord) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let value = serde_json::to_value(r).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    if let serde_json::Value::Object(map) = value {
        for (k, v) in map {
            match (k.as_str(), &v) {
                (field, serde_json::Value::String(s)) if EventRecord::is_time_field(field) => {
                    let t: anbu::Timestamp = s.parse().map_err(to_py)?;
                    d.set_item(&k, to_datetime(py, t)?)?;
                }
                (_, serde_json::Value::String(s)) => d.set_item(&k, s)?,
                (_, serde_json::Value::Bool(b)) => d.set_item(&k, *b)?,
                (_, serde_json::Value::Number(n)) => match n.as_u64() {
                    Some(u) => d.set_item(&k, u)?,
                    None => d.set_item(&k, n.as_f64())?,
                },
                _ => {}
            }
        }
    }
    Ok(d)
}

/// Hands one Python value to the core as the value of `field` of an event record.
pub fn set_value(r: &mut EventRecord, field: &str, v: &Bound<'_, PyAny>) -> PyResult<anbu::Result<()>> {
    with_value(v, |value| r.set(field, value))
}

/// An event record from a mapping of spec field names to values.
pub fn record_from_mapping(m: &Bound<'_, PyAny>) -> PyResult<anbu::Result<EventRecord>> {
    let mut r = EventRecord::default();
    let items = match m.cast::<PyDict>() {
        Ok(d) => d.items(),
        Err(_) => m.cast::<PyMapping>()?.items()?,
    };
    for item in items.iter() {
        let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
        let key = k.str()?;
        if let Err(e) = set_value(&mut r, &key.to_cow()?, &v)? {
            return Ok(Err(e));
        }
    }
    Ok(Ok(r))
}

/// The error for an events argument of no accepted form.
const NOT_EVENTS: &str = "events must be a list of dicts or Events, a DataFrame, an Arrow table, or a CSV/JSONL path";

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
        if arrow::is_arrow(v)? {
            return Ok(Input::Arrow(arrow::batches(v)?));
        }
        if value::is_mapping(v)? || v.is_instance_of::<PyBytes>() {
            return Err(PyTypeError::new_err(NOT_EVENTS));
        }
        let iter = v.try_iter().map_err(|_| PyTypeError::new_err(NOT_EVENTS))?;
        let mut out = Vec::new();
        for (i, item) in iter.enumerate() {
            let item = item?;
            if let Ok(e) = item.cast::<PyEvent>() {
                out.push(e.get().inner.clone());
                continue;
            }
            if !value::is_mapping(&item)? {
                return Err(not_an_event(&item));
            }
            let event = record_from_mapping(&item)?.and_then(|r| r.into_event());
            out.push(event.map_err(|e| to_py(at_index(e, i)))?);
        }
        Ok(Input::Events(out))
    }

    /// The events as the core's columns, without an event per row where they can be: a file
    /// (read by the core's `read_columns`, whose errors are its event reader's), or an Arrow
    /// table whose every column converts (the core's `arrow::columns_from_batches`).
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
    if !value::is_mapping(v)? {
        return Err(not_an_event(v));
    }
    record_from_mapping(v)?.and_then(|r| r.into_event()).map_err(to_py)
}

/// Events of any accepted input (dicts, `Event`s, an Arrow table, a CSV/JSONL path) as `Event`s.
#[pyfunction]
pub fn events(py: Python<'_>, events: &Bound<'_, PyAny>) -> PyResult<Vec<PyEvent>> {
    let source = Input::extract(events)?;
    let events = run::run_interruptible(py, |cancel| source.into_events(cancel, 0))?;
    Ok(events.into_iter().map(|inner| PyEvent { inner }).collect())
}

/// The error for an event that is not a mapping.
pub fn not_an_event(v: &Bound<'_, PyAny>) -> PyErr {
    let name = v.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    PyTypeError::new_err(format!("an event must be a dict of the spec's fields or an anbu.Event, not {name}"))
}

/// Keeps the location of an error in a batch.
pub fn at_index(e: Error, i: usize) -> Error {
    e.at(Location::Index(i as u64))
}
