//! Persons (the core's `person`): the persons argument, a dict or rows of a table, each
//! row's cells read by the core.

use anbu::{Location, Person, PersonRecord, Value};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::error::to_py;
use crate::value::{is_mapping, items, rows, set_cells, with_cell};

/// A person as a row of the persons table: a dict of every column of the core's
/// [`PersonRecord::cells`], `None` where absent (what `Engine.persons()` lists and
/// `simulate` returns, so either is read back as persons).
pub fn person_row(py: Python<'_>, p: Person) -> PyResult<Bound<'_, PyDict>> {
    let r = PersonRecord::from(p);
    let d = PyDict::new(py);
    for (field, value) in r.cells() {
        match value {
            Value::Text(t) => d.set_item(field, t)?,
            Value::Bool(b) => d.set_item(field, b)?,
            _ => d.set_item(field, py.None())?,
        }
    }
    Ok(d)
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
