//! `district_report`: the core's per-district period report (`anbu::report`).

use pyo3::prelude::*;

use crate::assessment::Reasons;
use crate::error::to_py;
use crate::value::records_frame;
use crate::{event, person, run, time};

/// The per-district report of the period from `start` up to `end`: the persons (by their
/// `district`), the events (check-in calls, dispositions) and a replay's assessments (the
/// households with a risk signal), one row per district, as the DataFrame `output` names
/// ("pandas", "polars", "arrow") or dicts ("records").
#[pyfunction]
#[pyo3(signature = (events, persons, assessments, start, end, output = "pandas"))]
pub fn district_report(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    persons: &Bound<'_, PyAny>,
    assessments: &Bound<'_, PyAny>,
    start: &Bound<'_, PyAny>,
    end: &Bound<'_, PyAny>,
    output: &str,
) -> PyResult<Py<PyAny>> {
    let period = anbu::report::Period::new(time::timestamp_arg("start", start)?, time::timestamp_arg("end", end)?)
        .map_err(to_py)?;
    let persons = person::persons(persons)?;
    let rows = crate::assessment::assessments(assessments, Reasons::Skip)?;
    let source = event::Input::extract(events)?;
    let report = run::run_interruptible(py, |cancel| {
        let events = source.into_events(cancel, 0)?;
        Ok(anbu::report::district_report(period, &persons, &events, &rows)?)
    })?;
    records_frame(py, &report.rows, output, &[])
}
