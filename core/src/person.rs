//! Persons: who is monitored, with which profile and which devices (the spec's Persons table).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, clip};
use crate::event::{Signal, check_person_id};

/// One monitored person.
///
/// ```
/// use anbu::{Person, Signal};
/// let p = Person::new("p-001", "call_iot")?.with_devices("plug,door,phone,checkin")?;
/// assert_eq!(p.devices(), Some(&[Signal::Call, Signal::Door, Signal::Plug, Signal::Checkin][..]));
/// assert!(Person::new("p-001", "call_iot")?.with_devices("plug,teleporter").is_err());
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
    /// A `meter` (whole-home power) watches the plug channel, as a `plug` does.
    pub fn with_devices(mut self, devices: &str) -> Result<Person> {
        let mut out: Vec<Signal> = Vec::new();
        for name in devices.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let sig = match name {
                "phone" => Signal::Call,
                other => other.parse::<Signal>().map_err(|r| Error::field("devices", r))?,
            };
            if sig.channel_index().is_none() && sig != Signal::Checkin {
                return Err(Error::field(
                    "devices",
                    format!("`{}` is not a device (plug, meter, door, phone, steps, app, checkin)", clip(name)),
                ));
            }
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

impl TryFrom<PersonRecord> for Person {
    type Error = Error;
    fn try_from(r: PersonRecord) -> Result<Person> {
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
