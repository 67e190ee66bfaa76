//! Incidents: ground truth for backtests (the spec's Incidents table).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::time::Timestamp;
use crate::value::Value;

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
    /// What it was, as the caller labels it (`sudden_collapse`, `decline`, ...): at most
    /// [`INCIDENT_KIND_MAX_BYTES`] bytes, no control characters. The backtest carries it to
    /// each incident's outcome, so that outcomes can be grouped by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// The incidents table's columns, in order.
pub const INCIDENT_FIELDS: [&str; 4] = ["person", "start", "end", "kind"];

/// The longest an incident's `kind` may be, in bytes: a label, not a description.
pub const INCIDENT_KIND_MAX_BYTES: usize = 64;

/// An incidents-table row as it is read, every field optional; [`IncidentRecord::into_incident`]
/// checks it.
///
/// ```
/// use anbu::{IncidentRecord, Value};
/// let mut r = IncidentRecord::default();
/// r.set("person", Value::Text("p-1"))?;
/// r.set("start", Value::Text("2024-05-01T10:00:00+09:00"))?;
/// r.set("end", Value::Null)?;
/// assert_eq!(r.into_incident()?.start.to_string(), "2024-05-01T01:00:00Z");
/// let err = IncidentRecord::default().set("start", Value::Text("soon")).unwrap_err();
/// assert!(err.to_string().starts_with("field `start`: cannot parse `soon`"), "{err}");
/// # Ok::<(), anbu::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncidentRecord {
    /// The person.
    pub person: Option<String>,
    /// When the incident began.
    pub start: Option<Timestamp>,
    /// When it ended, if known.
    pub end: Option<Timestamp>,
    /// What it was, if labelled.
    pub kind: Option<String>,
}

impl IncidentRecord {
    /// Sets one field from a [`Value`], as every source gives it: `person` text or a whole
    /// number, `start` and `end` times as [`Timestamp::from_value`] reads them (a number is
    /// epoch milliseconds); null and empty text leave a field absent. Errors are
    /// [`Error::InvalidEvent`] naming the field.
    pub fn set(&mut self, field: &str, value: Value<'_>) -> Result<()> {
        if matches!(value, Value::Null | Value::Text("")) {
            return Ok(());
        }
        let time = |value| Timestamp::check_value(value).map_err(|r| Error::field(field, r));
        match field {
            "person" => {
                let text = match value {
                    Value::Text(t) => t.to_string(),
                    other => match other.as_whole() {
                        Some(i) => i.to_string(),
                        None => return Err(Error::field(field, format!("expected text, got {}", other.what()))),
                    },
                };
                self.person = Some(text);
            }
            "start" => self.start = Some(time(value)?),
            "end" => self.end = Some(time(value)?),
            "kind" => {
                let Value::Text(t) = value else {
                    return Err(Error::field(field, format!("expected text, got {}", value.what())));
                };
                if t.len() > INCIDENT_KIND_MAX_BYTES || t.chars().any(char::is_control) {
                    return Err(Error::field(
                        field,
                        format!(
                            "a label of at most {INCIDENT_KIND_MAX_BYTES} bytes without control characters, got `{}`",
                            crate::clip::clip(t)
                        ),
                    ));
                }
                self.kind = Some(t.to_string());
            }
            _ => {
                return Err(Error::field(
                    field,
                    format!("unknown field; the incidents table's fields are: {}", INCIDENT_FIELDS.join(", ")),
                ));
            }
        }
        Ok(())
    }

    /// The incident: `person` and `start` are required.
    pub fn into_incident(self) -> Result<Incident> {
        let person = self.person.ok_or_else(|| Error::field("person", "required"))?;
        let start = self.start.ok_or_else(|| Error::field("start", "required"))?;
        Ok(Incident { person, start, end: self.end, kind: self.kind })
    }
}
