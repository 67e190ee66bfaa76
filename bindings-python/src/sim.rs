//! Simulation (the core's `sim`): `simulate`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::to_py;
use crate::run::{self, Failure};
use crate::value::{self, json_value};
use crate::{arrow, incident, person};

/// A seeded simulated cohort (`anbu::sim`): events as an Arrow table, and the persons,
/// incidents and cases as rows. Unset options take the core's defaults.
/// Options are the core's `SimConfig` fields, read by the core (`None` takes the default);
/// `progress` is called with `(persons simulated, persons)`.
#[pyfunction]
#[pyo3(signature = (progress = None, **options))]
pub fn simulate_arrow<'py>(
    py: Python<'py>,
    progress: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<SimTables<'py>> {
    let mut cfg = anbu::sim::SimConfig::default();
    for (k, v) in options.into_iter().flat_map(|o| o.iter()) {
        if !v.is_none() {
            let key = k.str()?;
            let key = key.to_cow()?;
            value::with_value(&v, |value| cfg.set(&key, value))?.map_err(to_py)?;
        }
    }
    cfg.check().map_err(to_py)?;
    // What `replay_closed_loop` takes to answer as this cohort (simulated again from it).
    let responder = json_value(py, &anbu::ResponderSpec::Simulated(cfg.clone()).to_value())?.into_bound(py);
    let progress = run::Progress::new(progress, cfg.persons.saturating_add(cfg.recent_incidents));
    let watch = anbu::sim::SimWatch { progress: run::Progress::counter(progress.as_ref()), cancel: None };
    let (cohort, batch) = run::run_reporting(py, progress.as_ref(), |cancel| {
        let watch = anbu::sim::SimWatch { cancel: Some(std::sync::Arc::clone(cancel)), ..watch };
        let cohort = anbu::sim::try_simulate_watched(&cfg, &watch)?;
        let batch = anbu::arrow::events_batch(&cohort.events).map_err(|e| Failure::Type(e.to_string()))?;
        Ok((cohort, batch))
    })?;
    let events = arrow::table(py, batch)?;
    let persons = cohort.persons.into_iter().map(|p| person::person_row(py, p)).collect::<PyResult<Vec<_>>>()?;
    let incidents = incident::incident_rows(py, cohort.incidents)?;
    let cases = cohort
        .cases
        .into_iter()
        .map(|c| {
            let d = PyDict::new(py);
            d.set_item("person", c.person)?;
            d.set_item("routine", c.routine)?;
            d.set_item("nuisance", c.nuisance)?;
            d.set_item("incident", c.incident)?;
            Ok(d)
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok((events, persons, incidents, cases, responder))
}

/// What `simulate_arrow` returns: events (Arrow), persons, incidents, cases (rows), and the
/// cohort's responder spec (`{"simulated": {...}}`).
type SimTables<'py> =
    (Bound<'py, PyAny>, Vec<Bound<'py, PyDict>>, Vec<Bound<'py, PyDict>>, Vec<Bound<'py, PyDict>>, Bound<'py, PyAny>);
