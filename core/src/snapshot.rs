//! Engine snapshots: the whole engine as bytes, so that a service can restart without
//! losing state.
//!
//! Format: the 8 bytes `ANBUSNAP`, a little-endian `u32` format version (now 1), then
//! the engine as JSON (configuration, the caller's profiles, and per person the
//! registration, folded state, pending events and newest event time). A snapshot of a
//! newer version is refused with a clear error; older versions are read as they were.

use serde::{Deserialize, Serialize};

use crate::engine::EngineConfig;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::person::Person;
use crate::profile::Profile;
use crate::state::{MAX_DEVICES_PER_PERSON, PersonState};
use crate::time::Timestamp;

/// The magic bytes that start every snapshot.
pub const SNAPSHOT_MAGIC: &[u8; 8] = b"ANBUSNAP";
/// The format version this build writes.
pub const SNAPSHOT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SnapshotV1 {
    pub config: EngineConfig,
    pub profiles: Vec<Profile>,
    pub persons: Vec<PersonSnapshot>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PersonSnapshot {
    pub person: Person,
    pub state: PersonState,
    pub pending: Vec<Event>,
    pub watermark: Option<Timestamp>,
    #[serde(default)]
    pub held: Option<(Timestamp, crate::assessment::Level)>,
    /// Since when silence at warning strength has waited for a check-in call.
    #[serde(default)]
    pub unconfirmed_since: Option<Timestamp>,
}

pub(crate) fn encode(s: &SnapshotV1) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(SNAPSHOT_MAGIC);
    out.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
    // Serializing plain data to a Vec cannot fail.
    if let Err(e) = serde_json::to_writer(&mut out, s) {
        debug_assert!(false, "snapshot serialization failed: {e}");
    }
    out
}

pub(crate) fn decode(bytes: &[u8]) -> Result<SnapshotV1> {
    let Some(rest) = bytes.strip_prefix(SNAPSHOT_MAGIC.as_slice()) else {
        return Err(Error::Snapshot("not an anbu snapshot (missing ANBUSNAP header)".into()));
    };
    let Some((version, body)) = rest.split_first_chunk::<4>() else {
        return Err(Error::Snapshot("truncated header".into()));
    };
    let version = u32::from_le_bytes(*version);
    if version != SNAPSHOT_VERSION {
        return Err(Error::Snapshot(format!(
            "format version {version} is not supported by this build (it reads version {SNAPSHOT_VERSION})"
        )));
    }
    let snap: SnapshotV1 = serde_json::from_slice(body).map_err(|e| Error::Snapshot(format!("corrupt body: {e}")))?;
    for p in &snap.persons {
        if p.state.devices.len() > MAX_DEVICES_PER_PERSON {
            return Err(Error::Snapshot(format!("person `{}` has too many devices", p.person.person)));
        }
        if p.pending.iter().any(|e| e.person != p.person.person) {
            return Err(Error::Snapshot(format!("person `{}` holds another person's events", p.person.person)));
        }
    }
    Ok(snap)
}
