//! Incidents: ground truth for backtests (the spec's Incidents table).

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// When a person became unable to respond, and (optionally) when they were found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// The person.
    pub person: String,
    /// When the person became unable to respond (collapse, acute illness).
    pub start: Timestamp,
    /// When they were found or recovered; a detection counts until then, or 72 h after `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Timestamp>,
}
