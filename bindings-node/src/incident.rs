//! Incidents from JS: `{ person, start, end?, kind? }` rows read by the core's `IncidentRecord`.
#![forbid(unsafe_code)]

use anbu::{Incident, IncidentRecord};
use napi::bindgen_prelude::Unknown;

use crate::value::{rows, set_cells};

/// An incident: `{ person, start, end?, kind? }`, read by the core's [`IncidentRecord::set`].
pub fn incident(v: Unknown<'_>) -> anbu::Result<Incident> {
    let mut r = IncidentRecord::default();
    set_cells("incident", v, |field, value| r.set(field, value))?;
    r.into_incident()
}

/// A list of incidents.
pub fn incidents(v: Unknown<'_>) -> anbu::Result<Vec<Incident>> {
    rows("incidents", v, incident)
}
