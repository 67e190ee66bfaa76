//! `labels_from_dispositions` (the core's `backtest::labels`).

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::profile::profile_arg;
use crate::{event, incident, person, run};

/// The incidents that `disposition` events confirm (`emergency`, `deceased`): each from the
/// person's last sign of life before it to the finding, as rows (the core's
/// `backtest::labels_from_dispositions`), so that recorded field data can be backtested.
#[pyfunction]
#[pyo3(signature = (events, persons, profiles = None))]
pub fn labels_from_dispositions<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    persons: &Bound<'py, PyAny>,
    profiles: Option<Vec<Bound<'py, PyAny>>>,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let profiles = profiles.unwrap_or_default().iter().map(profile_arg).collect::<PyResult<Vec<_>>>()?;
    let persons = person::persons(persons)?;
    let source = event::Input::extract(events)?;
    let incidents = run::run_interruptible(py, |cancel| {
        let events = source.into_events(cancel, 0)?;
        Ok(anbu::backtest::labels_from_dispositions(&events, &persons, &profiles)?)
    })?;
    incident::incident_rows(py, incidents)
}
