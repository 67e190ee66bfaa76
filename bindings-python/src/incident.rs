//! Incidents (the core's `incident`): rows of a table in, each row's cells read by the core,
//! and rows out.

use anbu::{Incident, IncidentRecord, Location};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::to_py;
use crate::time;
use crate::value::{is_mapping, items, rows, set_cells};

/// The incidents of a backtest: rows `{person, start, end, kind}` (a list of dicts or a DataFrame).
/// Each row's cells go to the core's [`IncidentRecord::set`]; an error names the row.
pub fn incidents(v: &Bound<'_, PyAny>) -> PyResult<Vec<Incident>> {
    let mut out = Vec::new();
    for (i, row) in rows(v)?.try_iter()?.enumerate() {
        let row = row?;
        if !is_mapping(&row)? {
            return Err(PyTypeError::new_err(
                "an incident must be a dict with `person`, `start` and optional `end` and `kind`",
            ));
        }
        let mut r = IncidentRecord::default();
        let set = set_cells(items(&row)?, |f, x| r.set(f, x))?;
        let incident = set.and_then(|()| r.into_incident());
        out.push(incident.map_err(|e| to_py(e.at(Location::Index(i as u64))))?);
    }
    Ok(out)
}

/// Incidents as rows: dicts of `person`, `start`, `end` (aware datetimes in UTC; `end` may
/// be `None`) and `kind` (`None` when not labelled).
pub fn incident_rows(py: Python<'_>, incidents: Vec<anbu::Incident>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    incidents
        .into_iter()
        .map(|i| {
            let d = PyDict::new(py);
            d.set_item("person", i.person)?;
            d.set_item("start", time::to_datetime(py, i.start)?)?;
            d.set_item("end", i.end.map(|t| time::to_datetime(py, t)).transpose()?)?;
            d.set_item("kind", i.kind)?;
            Ok(d)
        })
        .collect()
}
