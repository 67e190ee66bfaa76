//! Persons: who is monitored, with which profile and which devices (the spec's Persons table).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::event::{Signal, check_person_id};
use crate::value::Value;

/// One monitored person.
///
/// ```
/// use anbu::{Person, Signal};
/// let p = Person::new("p-001", "call_iot")?.with_devices("plug,door,phone,checkin")?;
/// assert_eq!(p.devices(), Some(&[Signal::Call, Signal::Door, Signal::Plug, Signal::Checkin][..]));
/// assert!(Person::new("p-001", "call_iot")?.with_devices("plug,teleporter").is_err());
/// // Every signal name of the spec is a device name; `sos` (the button) watches no channel.
/// let p = Person::new("p-001", "call_iot")?.with_devices("phone,sos")?;
/// assert_eq!(p.devices(), Some(&[Signal::Call, Signal::Sos][..]));
/// # Ok::<(), anbu::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PersonRecord", into = "PersonRecord")]
pub struct Person {
    /// Pseudonymous id.
    pub person: String,
    /// Name of a built-in or caller-supplied profile.
    pub profile: String,
    devices: Option<Vec<Signal>>,
}

/// The Persons table's row: `person`, `profile`, optional comma-separated `devices`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRecord {
    /// Pseudonymous id.
    pub person: String,
    /// Profile name.
    pub profile: String,
    /// Installed devices as signal names, comma-separated (`phone` means `call`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices: Option<String>,
}

impl Person {
    /// A person watched with a profile; the profile's signals are what is expected.
    pub fn new(person: &str, profile: &str) -> Result<Person> {
        check_person_id(person).map_err(|r| Error::field("person", r))?;
        if profile.trim().is_empty() {
            return Err(Error::field("profile", "must not be empty"));
        }
        if profile.len() > crate::event::MAX_ID_LEN {
            return Err(Error::field("profile", format!("longer than {} bytes", crate::event::MAX_ID_LEN)));
        }
        Ok(Person { person: person.to_string(), profile: profile.to_string(), devices: None })
    }

    /// Sets the installed devices (`plug,door,phone,app,checkin`): an installed device that is
    /// silent is evidence, one that is not installed is not. Empty text means "as the profile says".
    /// A `meter` (whole-home power) watches the plug channel, as a `plug` does. Every signal
    /// name of the spec is accepted (and `phone` for `call`); `sos`, `away` and `heartbeat`
    /// are kept but watch no channel.
    pub fn with_devices(mut self, devices: &str) -> Result<Person> {
        let mut out: Vec<Signal> = Vec::new();
        for name in devices.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let sig = match name {
                "phone" => Signal::Call,
                other => other.parse::<Signal>().map_err(|r| Error::field("devices", r))?,
            };
            if !out.contains(&sig) {
                out.push(sig);
            }
        }
        out.sort();
        self.devices = if out.is_empty() { None } else { Some(out) };
        Ok(self)
    }

    /// The installed devices as signals, when given.
    pub fn devices(&self) -> Option<&[Signal]> {
        self.devices.as_deref()
    }
}

/// The persons table's columns, in order.
pub const PERSON_FIELDS: [&str; 3] = ["person", "profile", "devices"];

impl PersonRecord {
    /// Sets one field of a persons-table row from a [`Value`], as every source gives it (a
    /// Python dict or DataFrame row, a JavaScript object): text, or a whole number (an id);
    /// null and empty text leave it absent. An unknown field is an error naming the table's
    /// fields. [`Person::try_from`] then checks the row.
    ///
    /// ```
    /// use anbu::{Person, PersonRecord, Value};
    /// let mut r = PersonRecord::default();
    /// r.set("person", Value::Int(1001))?;
    /// r.set("profile", Value::Text("full"))?;
    /// assert_eq!(Person::try_from(r)?.person, "1001");
    /// let err = PersonRecord::default().set("device", Value::Text("plug")).unwrap_err();
    /// assert_eq!(err.to_string(), "field `device`: unknown field; the persons table's fields are: person, profile, devices");
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn set(&mut self, field: &str, value: Value<'_>) -> Result<()> {
        let Some(column) = PERSON_FIELDS.iter().position(|f| *f == field) else {
            return match value {
                Value::Null | Value::Text("") => Ok(()),
                _ => Err(Error::field(
                    field,
                    format!("unknown field; the persons table's fields are: {}", PERSON_FIELDS.join(", ")),
                )),
            };
        };
        let text = match value {
            Value::Null => String::new(),
            Value::Text(t) => t.to_string(),
            other => match other.as_whole() {
                Some(i) => i.to_string(),
                None => return Err(Error::field(field, format!("expected text, got {}", other.what()))),
            },
        };
        match column {
            0 => self.person = text,
            1 => self.profile = text,
            _ => self.devices = (!text.is_empty()).then_some(text),
        }
        Ok(())
    }
}

impl TryFrom<PersonRecord> for Person {
    type Error = Error;
    /// The person of a persons-table row; an empty `person` or `profile` is missing.
    fn try_from(r: PersonRecord) -> Result<Person> {
        for (field, text) in [("person", &r.person), ("profile", &r.profile)] {
            if text.is_empty() {
                return Err(Error::field(field, "required"));
            }
        }
        let p = Person::new(&r.person, &r.profile)?;
        match r.devices {
            Some(d) => p.with_devices(&d),
            None => Ok(p),
        }
    }
}

impl From<Person> for PersonRecord {
    fn from(p: Person) -> PersonRecord {
        let devices = p.devices.map(|d| d.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","));
        PersonRecord { person: p.person, profile: p.profile, devices }
    }
}
