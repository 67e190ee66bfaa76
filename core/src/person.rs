//! Persons: who is monitored, with which profile and which devices (the spec's Persons table).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::event::check_person_id;
use crate::value::Value;
use crate::vocab::Signal;

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
/// // Who looks after them: a district and a caseworker, as codes (never names).
/// let p = p.with_district("seoul-gangbuk")?.with_caseworker("cw-17")?;
/// assert_eq!((p.district(), p.caseworker()), (Some("seoul-gangbuk"), Some("cw-17")));
/// assert!(Person::new("p-001", "full")?.with_caseworker("010-1234-5678").is_err());
/// // A household that did not consent to night and holiday monitoring, with a guardian (a code).
/// let p = p.with_night_consent(false).with_guardian("g-203")?;
/// assert_eq!((p.night_consent(), p.guardian()), (false, Some("g-203")));
/// assert!(Person::new("p-001", "full")?.night_consent(), "absent: consented");
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
    district: Option<String>,
    caseworker: Option<String>,
    night_consent: bool,
    guardian: Option<String>,
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
    /// The district (a code, e.g. `seoul-gangbuk`) whose services look after the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// The caseworker in charge, as a pseudonymous code (never a name or a phone number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caseworker: Option<String>,
    /// Consent to night and holiday monitoring (by the 24 h control center): `false` when the
    /// household did not consent; absent means consented (files written before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night_consent: Option<bool>,
    /// The person's guardian (a family member, say), as a pseudonymous code, to whom an SOS is
    /// routed as well where the profile says so (`sos.guardian`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<String>,
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
        Ok(Person {
            person: person.to_string(),
            profile: profile.to_string(),
            devices: None,
            district: None,
            caseworker: None,
            night_consent: true,
            guardian: None,
        })
    }

    /// Sets the district whose services look after the person: a code checked as an id is
    /// (not empty, no phone number or e-mail address, at most the ids' length); empty text
    /// leaves it unset.
    pub fn with_district(mut self, district: &str) -> Result<Person> {
        self.district = code("district", district)?;
        Ok(self)
    }

    /// Sets the caseworker in charge, as a pseudonymous code (checked as [`Person::with_district`]).
    pub fn with_caseworker(mut self, caseworker: &str) -> Result<Person> {
        self.caseworker = code("caseworker", caseworker)?;
        Ok(self)
    }

    /// Sets whether the household consented to night and holiday monitoring. Without it, the
    /// 24 h control center does not act on them outside the day office's hours: what is found
    /// then waits for the office's next opening, except an SOS and what the person said on a
    /// call (see [`Assessment::responder`](crate::Assessment::responder)). Consented by default.
    pub fn with_night_consent(mut self, consented: bool) -> Person {
        self.night_consent = consented;
        self
    }

    /// Sets the person's guardian, as a pseudonymous code (checked as [`Person::with_district`]).
    pub fn with_guardian(mut self, guardian: &str) -> Result<Person> {
        self.guardian = code("guardian", guardian)?;
        Ok(self)
    }

    /// Whether the household consented to night and holiday monitoring (`true` unless told).
    pub fn night_consent(&self) -> bool {
        self.night_consent
    }

    /// The guardian's code, when given.
    pub fn guardian(&self) -> Option<&str> {
        self.guardian.as_deref()
    }

    /// The district, when given.
    pub fn district(&self) -> Option<&str> {
        self.district.as_deref()
    }

    /// The caseworker's code, when given.
    pub fn caseworker(&self) -> Option<&str> {
        self.caseworker.as_deref()
    }

    /// Sets the installed devices (`plug,door,phone,app,checkin`): an installed device that is
    /// silent is evidence, one that is not installed is not. Empty text means "as the profile says".
    /// A `meter` (whole-home power) watches the plug channel, as a `plug` does. Every signal
    /// name of the spec is accepted (and `phone` for `call`); `sos`, `away`, `heartbeat` and
    /// `disposition` are kept but watch no channel.
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

/// An optional code of the persons table (`district`, `caseworker`, `guardian`): checked as ids are.
fn code(field: &str, text: &str) -> Result<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    check_person_id(text).map_err(|r| Error::field(field, r))?;
    Ok(Some(text.to_string()))
}

/// The persons table's columns, in order.
pub const PERSON_FIELDS: [&str; 7] =
    ["person", "profile", "devices", "district", "caseworker", "night_consent", "guardian"];

impl PersonRecord {
    /// Sets one field of a persons-table row from a [`Value`], as every source gives it (a
    /// Python dict or DataFrame row, a JavaScript object): text, or a whole number (an id);
    /// null and empty text leave it absent. An unknown field is an error naming the table's
    /// fields. `night_consent` is `true`/`false` (or `1`/`0`, a boolean of the source).
    /// [`Person::try_from`] then checks the row.
    ///
    /// ```
    /// use anbu::{Person, PersonRecord, Value};
    /// let mut r = PersonRecord::default();
    /// r.set("person", Value::Int(1001))?;
    /// r.set("profile", Value::Text("full"))?;
    /// assert_eq!(Person::try_from(r.clone())?.person, "1001");
    /// let err = PersonRecord::default().set("device", Value::Text("plug")).unwrap_err();
    /// assert_eq!(err.to_string(), "field `device`: unknown field; the persons table's fields are: person, profile, devices, district, caseworker, night_consent, guardian");
    /// r.set("night_consent", Value::Text("false"))?;
    /// assert!(!Person::try_from(r.clone())?.night_consent());
    /// let err = r.set("night_consent", Value::Text("maybe")).unwrap_err();
    /// assert_eq!(err.to_string(), "field `night_consent`: expected true or false, got text `maybe`");
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
        if field == "night_consent" {
            self.night_consent = match value {
                Value::Null => None,
                Value::Bool(b) => Some(b),
                Value::Text(t) if t.trim().is_empty() => None,
                Value::Text(t) => Some(crate::value::bool_from_text(t).ok_or_else(|| bad_consent(value))?),
                other => Some(match other.as_whole() {
                    Some(1) => true,
                    Some(0) => false,
                    _ => return Err(bad_consent(other)),
                }),
            };
            return Ok(());
        }
        let text = match value {
            Value::Null => String::new(),
            Value::Text(t) => t.to_string(),
            other => match other.as_whole() {
                Some(i) => i.to_string(),
                None => return Err(Error::field(field, format!("expected text, got {}", other.what()))),
            },
        };
        let optional = (!text.is_empty()).then_some(text.clone());
        match column {
            0 => self.person = text,
            1 => self.profile = text,
            2 => self.devices = optional,
            3 => self.district = optional,
            4 => self.caseworker = optional,
            _ => self.guardian = optional,
        }
        Ok(())
    }
}

impl PersonRecord {
    /// The row as the persons table's cells, one per column of [`PERSON_FIELDS`] in order, an
    /// absent one as [`Value::Null`]: the one shape of a persons row a binding hands out,
    /// whether it lists an engine's persons or a simulated cohort's (so that either is read
    /// back by [`PersonRecord::set`]).
    ///
    /// ```
    /// use anbu::{Person, PersonRecord, Value, PERSON_FIELDS};
    /// let r = PersonRecord::from(Person::new("p-1", "full")?.with_devices("door,plug")?);
    /// let cells = r.cells();
    /// assert_eq!(cells.map(|(k, _)| k), PERSON_FIELDS);
    /// assert_eq!(cells[2], ("devices", Value::Text("door,plug")));
    /// assert_eq!(cells[5], ("night_consent", Value::Null));
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn cells(&self) -> [(&'static str, Value<'_>); PERSON_FIELDS.len()] {
        fn text(t: &Option<String>) -> Value<'_> {
            t.as_deref().map_or(Value::Null, Value::Text)
        }
        let values = [
            Value::Text(&self.person),
            Value::Text(&self.profile),
            text(&self.devices),
            text(&self.district),
            text(&self.caseworker),
            self.night_consent.map_or(Value::Null, Value::Bool),
            text(&self.guardian),
        ];
        let mut i = 0;
        values.map(|v| {
            i += 1;
            (PERSON_FIELDS[i - 1], v)
        })
    }
}

/// A `night_consent` value that is not a yes or a no.
fn bad_consent(value: Value<'_>) -> Error {
    Error::field("night_consent", format!("expected true or false, got {}", value.what()))
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
        let mut p = Person::new(&r.person, &r.profile)?;
        if let Some(d) = r.devices {
            p = p.with_devices(&d)?;
        }
        Ok(p.with_district(r.district.as_deref().unwrap_or(""))?
            .with_caseworker(r.caseworker.as_deref().unwrap_or(""))?
            .with_guardian(r.guardian.as_deref().unwrap_or(""))?
            .with_night_consent(r.night_consent.unwrap_or(true)))
    }
}

impl From<Person> for PersonRecord {
    fn from(p: Person) -> PersonRecord {
        let devices = p.devices.map(|d| crate::Value::list_text(d.iter().map(|s| s.as_str())));
        PersonRecord {
            person: p.person,
            profile: p.profile,
            devices,
            district: p.district,
            caseworker: p.caseworker,
            night_consent: (!p.night_consent).then_some(false),
            guardian: p.guardian,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persons_cells_read_back_as_the_same_person() {
        let full = Person::new("p-1", "full")
            .and_then(|p| p.with_devices("plug, door,phone"))
            .and_then(|p| p.with_district("gangbuk"))
            .and_then(|p| p.with_caseworker("cw-7"))
            .and_then(|p| p.with_guardian("g-2"))
            .map(|p| p.with_night_consent(false))
            .unwrap();
        for person in [full, Person::new("p-2", "call_iot").unwrap()] {
            let record = PersonRecord::from(person.clone());
            let mut back = PersonRecord::default();
            for (field, value) in record.cells() {
                back.set(field, value).unwrap();
            }
            assert_eq!(back, record);
            assert_eq!(Person::try_from(back).unwrap(), person);
        }
        let minimal = PersonRecord::from(Person::new("p-2", "call_iot").unwrap());
        let absent: Vec<&str> = minimal.cells().iter().filter(|(_, v)| *v == Value::Null).map(|(k, _)| *k).collect();
        assert_eq!(absent, ["devices", "district", "caseworker", "night_consent", "guardian"]);
    }
}
