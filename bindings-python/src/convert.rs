//! Conversions between Python values and core values: times, durations, event records,
//! persons. Every check and message is the core's: values are handed to it as they are
//! (text through [`EventRecord::set_text`], numbers as numbers).

use anbu::{Error, EventRecord, Location, Person, Timestamp};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};

use crate::errors::to_py;

/// `datetime.datetime`, `datetime.timedelta`, `datetime.timezone.utc` and the Unix epoch.
struct DateTimeApi {
    datetime: Py<PyAny>,
    timedelta: Py<PyAny>,
    epoch: Py<PyAny>,
}

static DATETIME: PyOnceLock<DateTimeApi> = PyOnceLock::new();

fn dt(py: Python<'_>) -> PyResult<&DateTimeApi> {
    DATETIME.get_or_try_init(py, || {
        let m = py.import("datetime")?;
        let datetime = m.getattr("datetime")?;
        let utc = m.getattr("timezone")?.getattr("utc")?;
        let epoch = datetime.call1((1970, 1, 1, 0, 0, 0, 0, utc))?;
        Ok(DateTimeApi {
            datetime: datetime.unbind(),
            timedelta: m.getattr("timedelta")?.unbind(),
            epoch: epoch.unbind(),
        })
    })
}

/// A UTC `datetime` for a core timestamp.
pub fn to_datetime(py: Python<'_>, ts: Timestamp) -> PyResult<Py<PyAny>> {
    let api = dt(py)?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("milliseconds", ts.as_millis())?;
    let delta = api.timedelta.bind(py).call((), Some(&kwargs))?;
    Ok(api.epoch.bind(py).call_method1("__add__", (delta,))?.unbind())
}

/// Epoch milliseconds of an aware `datetime` (or subclass: `pandas.Timestamp`); `None` if naive.
fn datetime_millis(v: &Bound<'_, PyAny>) -> PyResult<Option<i64>> {
    if v.call_method0("utcoffset")?.is_none() {
        return Ok(None);
    }
    let delta = v.call_method1("__sub__", (dt(v.py())?.epoch.bind(v.py()),))?;
    let days: i64 = delta.getattr("days")?.extract()?;
    let seconds: i64 = delta.getattr("seconds")?.extract()?;
    let micros: i64 = delta.getattr("microseconds")?.extract()?;
    Ok(Some(days.saturating_mul(86_400_000).saturating_add(seconds * 1000 + micros / 1000)))
}

fn is_datetime(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    v.is_instance(dt(v.py())?.datetime.bind(v.py()))
}

fn is_timedelta(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    v.is_instance(dt(v.py())?.timedelta.bind(v.py()))
}

/// Text a Rust `f64` reads back exactly.
fn float_text(x: f64) -> String {
    if x.is_nan() { "NaN".to_string() } else { format!("{x}") }
}

/// Hands one Python value to the core as the value of `field` of an event record.
pub fn set_value(r: &mut EventRecord, field: &str, v: &Bound<'_, PyAny>) -> PyResult<anbu::Result<()>> {
    if v.is_none() {
        return Ok(Ok(()));
    }
    if let Ok(b) = v.cast::<PyBool>() {
        let b = b.is_true();
        if field == "answered" {
            r.answered = Some(b);
            return Ok(Ok(()));
        }
        return Ok(r.set_text(field, if b { "true" } else { "false" }));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(r.set_text(field, &s.to_cow()?));
    }
    if v.is_instance_of::<PyInt>() {
        let text = match v.extract::<i64>() {
            Ok(i) => i.to_string(),
            Err(_) => v.str()?.to_cow()?.into_owned(),
        };
        return Ok(r.set_text(field, &text));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return Ok(r.set_text(field, &float_text(f.value())));
    }
    if is_datetime(v)? {
        let text = match datetime_millis(v)? {
            Some(ms) => ms.to_string(),
            // A naive time has no offset: the core says why that is refused.
            None => v.call_method0("isoformat")?.extract::<String>()?,
        };
        return Ok(r.set_text(field, &text));
    }
    // numpy scalars and anything else: by their text.
    Ok(r.set_text(field, &v.str()?.to_cow()?))
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

/// A timestamp argument (an evaluation time): aware `datetime`, RFC 3339 text or epoch milliseconds.
pub fn timestamp_arg(v: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    if v.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err("a time must be a datetime, RFC 3339 text or epoch milliseconds"));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return s.to_cow()?.parse::<Timestamp>().map_err(to_py);
    }
    if v.is_instance_of::<PyInt>() {
        let text = v.str()?.to_cow()?.into_owned();
        return text.parse::<Timestamp>().map_err(to_py);
    }
    if is_datetime(v)? {
        return match datetime_millis(v)? {
            Some(ms) => ms.to_string().parse::<Timestamp>().map_err(to_py),
            None => v.call_method0("isoformat")?.extract::<String>()?.parse::<Timestamp>().map_err(to_py),
        };
    }
    Err(PyTypeError::new_err(format!(
        "a time must be a datetime, RFC 3339 text or epoch milliseconds, not {}",
        v.get_type().name()?
    )))
}

/// The closed loop's call policy: the core's default, with `delay` and `retry` (durations)
/// where given.
pub fn call_policy(delay: Option<&Bound<'_, PyAny>>, retry: Option<&Bound<'_, PyAny>>) -> PyResult<anbu::CallPolicy> {
    let mut policy = anbu::CallPolicy::default();
    if let Some(d) = delay {
        policy.delay_ms = duration_ms(d)?;
    }
    if let Some(r) = retry {
        policy.retry_ms = duration_ms(r)?;
    }
    Ok(policy)
}

/// A duration argument in milliseconds: text for the core's parser (`"1h"`, `"15m"`, `"3600s"`),
/// a number of seconds, or a `timedelta`. Range checks are the core's (where the value is used).
pub fn duration_ms(v: &Bound<'_, PyAny>) -> PyResult<i64> {
    if v.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err("a duration must be text like \"1h\", seconds or a timedelta"));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return anbu::parse_duration(&s.to_cow()?).map_err(to_py);
    }
    if v.is_instance_of::<PyInt>() {
        let seconds: i64 = v.extract()?;
        return Ok(seconds.saturating_mul(1000));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        // `as` saturates; NaN becomes 0, which the core refuses as not positive.
        return Ok((f.value() * 1000.0).round() as i64);
    }
    if is_timedelta(v)? {
        let days: i64 = v.getattr("days")?.extract()?;
        let seconds: i64 = v.getattr("seconds")?.extract()?;
        let micros: i64 = v.getattr("microseconds")?.extract()?;
        return Ok(days.saturating_mul(86_400_000).saturating_add(seconds * 1000 + micros / 1000));
    }
    Err(PyTypeError::new_err(format!(
        "a duration must be text like \"1h\", seconds or a timedelta, not {}",
        v.get_type().name()?
    )))
}

/// Text of an optional cell of a persons table (`None` and float NaN are absent).
fn optional_text(v: Option<Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    let Some(v) = v else { return Ok(None) };
    if v.is_none() {
        return Ok(None);
    }
    if let Ok(f) = v.cast::<PyFloat>()
        && f.value().is_nan()
    {
        return Ok(None);
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Some(s.to_cow()?.into_owned()));
    }
    // A sequence of device names.
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let names: Vec<String> = v.extract()?;
        return Ok(Some(names.join(",")));
    }
    Ok(Some(v.str()?.to_cow()?.into_owned()))
}

/// One person from a profile name and optional devices (text or a list of names).
pub fn person(id: &str, profile: &str, devices: Option<Bound<'_, PyAny>>) -> PyResult<anbu::Result<Person>> {
    let devices = optional_text(devices)?;
    Ok(Person::new(id, profile).and_then(|p| match devices {
        Some(d) => p.with_devices(&d),
        None => Ok(p),
    }))
}

/// The persons of a replay: a dict `{person: profile}` or `{person: {"profile": .., "devices": ..}}`,
/// or a list of rows `{"person", "profile", "devices"}` (what `__init__.py` makes of a DataFrame).
pub fn persons(v: &Bound<'_, PyAny>) -> PyResult<Vec<Person>> {
    // DataFrames and Arrow tables as rows: polars `to_dicts()`, pyarrow `to_pylist()`,
    // pandas `to_dict("records")`.
    if v.hasattr("to_dicts")? {
        return persons(&v.call_method0("to_dicts")?);
    }
    if v.hasattr("to_pylist")? {
        return persons(&v.call_method0("to_pylist")?);
    }
    if v.hasattr("columns")? && v.hasattr("to_dict")? {
        return persons(&v.call_method1("to_dict", ("records",))?);
    }
    let mut out = Vec::new();
    if let Ok(d) = v.cast::<PyDict>() {
        for (i, (k, val)) in d.iter().enumerate() {
            let id = k.str()?.to_cow()?.into_owned();
            let p = if let Ok(s) = val.cast::<PyString>() {
                person(&id, &s.to_cow()?, None)?
            } else {
                let profile = val.get_item("profile").ok().map(|p| optional_text(Some(p))).transpose()?.flatten();
                person(&id, profile.as_deref().unwrap_or(""), val.get_item("devices").ok())?
            };
            out.push(p.map_err(|e| to_py(e.at(Location::Index(i as u64))))?);
        }
        return Ok(out);
    }
    for (i, row) in v.try_iter()?.enumerate() {
        let row = row?;
        let get = |k: &str| row.get_item(k).ok();
        let id = optional_text(get("person"))?.unwrap_or_default();
        let profile = optional_text(get("profile"))?.unwrap_or_default();
        let p = person(&id, &profile, get("devices"))?;
        out.push(p.map_err(|e| to_py(e.at(Location::Index(i as u64))))?);
    }
    Ok(out)
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
