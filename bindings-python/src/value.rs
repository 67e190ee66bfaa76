//! Python values as the core's [`Value`] (the core's `value`), rows of a table, and core
//! results as Python data. Every check and message is the core's: values are handed to it as
//! they are (text as text, numbers as numbers).

use anbu::Value;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};

use crate::time::{datetime_millis, is_datetime};

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
/// values (NaN, `NaT`) absent and a list of names as the text of the
/// persons table's `devices` ([`Value::list_text`]).
pub fn with_cell<T>(v: &Bound<'_, PyAny>, f: impl FnOnce(Value<'_>) -> T) -> PyResult<T> {
    // NaN and NaT are the values not equal to themselves.
    if !v.is_none() && !v.eq(v)? {
        return Ok(f(Value::Null));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let names: Vec<String> = v.extract()?;
        return Ok(f(Value::Text(&Value::list_text(&names))));
    }
    with_value(v, f)
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
pub fn set_cells<'py>(
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
pub fn items<'py>(m: &Bound<'py, PyAny>) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
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

/// `json.loads` of core JSON text.
pub fn json_loads(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// A serializable core value as Python data (through its JSON).
pub fn json_value(py: Python<'_>, value: &impl serde::Serialize) -> PyResult<Py<PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    json_loads(py, &text)
}

/// Rows of the core's records as the DataFrame `output` names (made by the Python package's
/// `_records_frame`, which types times and ordered vocabularies, but for the columns named in
/// `unordered`: a name that means something else in this table), or as dicts for "records".
pub fn records_frame(
    py: Python<'_>,
    rows: &[impl serde::Serialize],
    output: &str,
    unordered: &[&str],
) -> PyResult<Py<PyAny>> {
    let records = json_value(py, &rows)?;
    if output == "records" {
        return Ok(records);
    }
    let unordered = pyo3::types::PyTuple::new(py, unordered)?;
    Ok(py.import("anbu")?.getattr("_records_frame")?.call1((records, output, unordered))?.unbind())
}
