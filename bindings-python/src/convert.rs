//! Conversions between Python values and core values: times, durations, event records,
//! persons. Every check and message is the core's: values are handed to it as they are
//! (text through [`EventRecord::set_text`], numbers as numbers).

use anbu::{
    Error, EventRecord, Incident, IncidentRecord, Location, Person, PersonRecord, ReplayOptions, Timestamp, Value,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};

use crate::classes::profile_arg;
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

/// Calls `f` with a Python value as the core's [`Value`]: `None`, `bool`, `int` (one too
/// large for 64 bits as its digits, for the core to refuse), `float`, `str`, an aware
/// `datetime` (a typed time; a naive one as its text, which the core refuses for its missing
/// offset), anything else (numpy scalars...) by its text.
pub fn with_value<T>(v: &Bound<'_, PyAny>, f: impl FnOnce(Value<'_>) -> T) -> PyResult<T> {
    if v.is_none() {
        return Ok(f(Value::Null));
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(f(Value::Bool(b.is_true())));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(f(Value::Text(&s.to_cow()?)));
    }
    if v.is_instance_of::<PyInt>() {
        return Ok(match v.extract::<i64>() {
            Ok(i) => f(Value::Int(i)),
            Err(_) => f(Value::Text(&v.str()?.to_cow()?)),
        });
    }
    if let Ok(x) = v.cast::<PyFloat>() {
        return Ok(f(Value::Float(x.value())));
    }
    if is_datetime(v)? {
        return Ok(match datetime_millis(v)? {
            Some(ms) => f(Value::Time(ms)),
            None => f(Value::Text(&v.call_method0("isoformat")?.extract::<String>()?)),
        });
    }
    Ok(f(Value::Text(&v.str()?.to_cow()?)))
}

/// [`with_value`] for a cell of a table's row (persons, incidents), with pandas' missing
/// values (NaN, `NaT`) absent and a list of names as the comma-separated text of the
/// persons table's `devices`.
fn with_cell<T>(v: &Bound<'_, PyAny>, f: impl FnOnce(Value<'_>) -> T) -> PyResult<T> {
    // NaN and NaT are the values not equal to themselves.
    if !v.is_none() && !v.eq(v)? {
        return Ok(f(Value::Null));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let names: Vec<String> = v.extract()?;
        return Ok(f(Value::Text(&names.join(","))));
    }
    with_value(v, f)
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

/// A time argument `name` (an evaluation time, a start): an aware `datetime`, RFC 3339 text
/// or epoch milliseconds, read by the core.
pub fn timestamp_arg(name: &str, v: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    with_value(v, |value| Timestamp::from_value(name, value))?.map_err(to_py)
}

/// The closed loop's call policy: the core's default, with `delay` and `retry` (durations)
/// where given.
pub fn call_policy(delay: Option<&Bound<'_, PyAny>>, retry: Option<&Bound<'_, PyAny>>) -> PyResult<anbu::CallPolicy> {
    let mut policy = anbu::CallPolicy::default();
    // A `timedelta` in milliseconds; the core reads each (`CallPolicy::set`).
    for (name, v) in [("delay", delay), ("retry", retry)] {
        if let Some(v) = v {
            policy.set(name, Value::Int(duration_ms(name, v)?)).map_err(to_py)?;
        }
    }
    Ok(policy)
}

/// A duration argument `name` in milliseconds: a `timedelta`, or text (`"1h"`, `"15m"`) or a
/// number of milliseconds for the core to read. Range checks are the core's (where the
/// value is used).
pub fn duration_ms(name: &str, v: &Bound<'_, PyAny>) -> PyResult<i64> {
    if is_timedelta(v)? {
        let days: i64 = v.getattr("days")?.extract()?;
        let seconds: i64 = v.getattr("seconds")?.extract()?;
        let micros: i64 = v.getattr("microseconds")?.extract()?;
        return Ok(days.saturating_mul(86_400_000).saturating_add(seconds * 1000 + micros / 1000));
    }
    with_value(v, |value| anbu::duration_ms(name, value))?.map_err(to_py)
}

/// A replay's options: `every` (a duration) and `threads` as the core reads them, and the
/// caller's profiles.
pub fn replay_options(
    every: &Bound<'_, PyAny>,
    profiles: Option<Vec<Bound<'_, PyAny>>>,
    settings: &[(&str, Option<&Bound<'_, PyAny>>)],
) -> PyResult<ReplayOptions> {
    let mut options = ReplayOptions { every_ms: duration_ms("every", every)?, ..ReplayOptions::default() };
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

/// One person from a profile name and optional cells of the persons table (devices as
/// text or a list of names; district; caseworker).
pub fn person<'py, const N: usize>(
    id: &str,
    profile: &str,
    cells: [(&str, Option<Bound<'py, PyAny>>); N],
) -> PyResult<anbu::Result<Person>> {
    let mut r = PersonRecord { person: id.to_string(), profile: profile.to_string(), ..PersonRecord::default() };
    for (field, cell) in cells {
        if let Some(v) = cell
            && let Err(e) = with_cell(&v, |value| r.set(field, value))?
        {
            return Ok(Err(e));
        }
    }
    Ok(Person::try_from(r))
}

/// A table's rows as dicts: polars `to_dicts()`, pyarrow `to_pylist()`, pandas
/// `to_dict("records")`, or the rows as they are.
pub fn rows<'py>(v: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if v.hasattr("to_dicts")? {
        return v.call_method0("to_dicts");
    }
    if v.hasattr("to_pylist")? {
        return v.call_method0("to_pylist");
    }
    if v.hasattr("columns")? && v.hasattr("to_dict")? {
        return v.call_method1("to_dict", ("records",));
    }
    Ok(v.clone())
}

/// Hands a row's cells (`(column, value)` pairs) to `set`; pandas' index columns are left out.
fn set_cells<'py>(
    items: impl IntoIterator<Item = (Bound<'py, PyAny>, Bound<'py, PyAny>)>,
    mut set: impl FnMut(&str, Value<'_>) -> anbu::Result<()>,
) -> PyResult<anbu::Result<()>> {
    for (k, v) in items {
        let key = k.str()?;
        let key = key.to_cow()?;
        if key.starts_with("__index_level_") {
            continue;
        }
        if let Err(e) = with_cell(&v, |value| set(&key, value))? {
            return Ok(Err(e));
        }
    }
    Ok(Ok(()))
}

/// The items of a mapping.
fn items<'py>(m: &Bound<'py, PyAny>) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    let list = match m.cast::<PyDict>() {
        Ok(d) => d.items(),
        Err(_) => m.cast::<PyMapping>()?.items()?,
    };
    list.iter().map(|item| item.extract()).collect()
}

/// Whether `v` is a mapping (a dict, or any `collections.abc.Mapping`). Dicts and text are
/// told by type alone; anything else asks `isinstance`, whose error (a Ctrl-C that arrived
/// while Python ran the check) is raised, not lost as `is_instance_of::<PyMapping>` would lose it.
pub fn is_mapping(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    if v.is_instance_of::<PyDict>() {
        return Ok(true);
    }
    if v.is_instance_of::<PyString>() || v.is_instance_of::<PyInt>() || v.is_instance_of::<PyFloat>() {
        return Ok(false);
    }
    let abc = v.py().import("collections.abc")?.getattr("Mapping")?;
    v.is_instance(&abc)
}

/// The persons of a replay: a dict `{person: profile}` or `{person: {"profile": .., "devices": ..}}`,
/// or rows `{"person", "profile", "devices"}` (a list of dicts or a DataFrame). Each row's
/// cells go to the core's [`PersonRecord::set`]; an error names the row.
pub fn persons(v: &Bound<'_, PyAny>) -> PyResult<Vec<Person>> {
    let py = v.py();
    let mut out = Vec::new();
    let mut push = |i: usize, r: anbu::Result<PersonRecord>| -> PyResult<()> {
        let p = r.and_then(Person::try_from).map_err(|e| to_py(e.at(Location::Index(i as u64))))?;
        out.push(p);
        Ok(())
    };
    if let Ok(d) = v.cast::<PyDict>() {
        for (i, (k, val)) in d.iter().enumerate() {
            let mut r = PersonRecord::default();
            let mut cells = vec![(PyString::new(py, "person").into_any(), k)];
            if is_mapping(&val)? {
                cells.extend(items(&val)?);
            } else {
                cells.push((PyString::new(py, "profile").into_any(), val));
            }
            let set = set_cells(cells, |f, x| r.set(f, x))?;
            push(i, set.map(|()| r))?;
        }
        return Ok(out);
    }
    for (i, row) in rows(v)?.try_iter()?.enumerate() {
        let row = row?;
        if !is_mapping(&row)? {
            return Err(PyTypeError::new_err(format!(
                "a person must be a dict with `person`, `profile` and optional `devices`, not {}",
                row.get_type().name()?
            )));
        }
        let mut r = PersonRecord::default();
        let set = set_cells(items(&row)?, |f, x| r.set(f, x))?;
        push(i, set.map(|()| r))?;
    }
    Ok(out)
}

/// The incidents of a backtest: rows `{person, start, end}` (a list of dicts or a DataFrame).
/// Each row's cells go to the core's [`IncidentRecord::set`]; an error names the row.
pub fn incidents(v: &Bound<'_, PyAny>) -> PyResult<Vec<Incident>> {
    let mut out = Vec::new();
    for (i, row) in rows(v)?.try_iter()?.enumerate() {
        let row = row?;
        if !is_mapping(&row)? {
            return Err(PyTypeError::new_err("an incident must be a dict with `person`, `start` and optional `end`"));
        }
        let mut r = IncidentRecord::default();
        let set = set_cells(items(&row)?, |f, x| r.set(f, x))?;
        let incident = set.and_then(|()| r.into_incident());
        out.push(incident.map_err(|e| to_py(e.at(Location::Index(i as u64))))?);
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
