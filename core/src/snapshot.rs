//! Engine snapshots: the whole engine as bytes, so that a service can restart without
//! losing state or changing a decision.
//!
//! A snapshot holds everything that decides the next assessment: the configuration, the
//! caller's profiles, and per person the registration, the folded state (with the learned
//! routine), the events waiting in the lateness buffer, the newest event time, and what the
//! last assessment holds for the next one (its time and level, for hysteresis, and the
//! call-first escalation clock). An engine restored from it and fed the same events assesses
//! exactly as the engine that was never stopped.
//!
//! Format (version 2): the 8 bytes `ANBUSNAP`, a little-endian `u32` format version, a
//! little-endian `u32` CRC32C (Castagnoli) of the 12 bytes before it followed by the body,
//! then the body: the engine as JSON. Version 1 (written before 2026-12) had no checksum: the
//! body followed the version directly; it is still read. A snapshot of another version, one
//! whose checksum does not match (a flipped bit, a torn write), or one holding a value out of
//! its range is refused with an error naming what is wrong; nothing is restored from it.

use serde::{Deserialize, Serialize};

use crate::assessment::Level;
use crate::config::EngineConfig;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::person::Person;
use crate::profile::Profile;
use crate::state::PersonState;
use crate::time::Timestamp;

/// The magic bytes that start every snapshot.
pub const SNAPSHOT_MAGIC: &[u8; 8] = b"ANBUSNAP";
/// The format version this build writes (it reads this one and version 1).
pub const SNAPSHOT_VERSION: u32 = 2;
/// The first version, without a checksum (still read).
const VERSION_1: u32 = 1;
/// Bytes before the body: the magic, the version and (from version 2) the checksum.
const HEADER_V1: usize = 12;
const HEADER: usize = 16;

/// The body of a snapshot (the same in versions 1 and 2; fields added later default).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SnapshotV1 {
    pub config: EngineConfig,
    pub profiles: Vec<Profile>,
    pub persons: Vec<PersonSnapshot>,
    /// The engine's wall clock (see `Engine::set_clock`), if one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Timestamp>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PersonSnapshot {
    pub person: Person,
    pub state: PersonState,
    pub pending: Vec<Event>,
    pub watermark: Option<Timestamp>,
    /// The last assessment's time and level, for hysteresis.
    #[serde(default)]
    pub held: Option<(Timestamp, Level)>,
    /// Since when silence at warning strength has waited for a check-in call.
    #[serde(default)]
    pub unconfirmed_since: Option<Timestamp>,
    /// Since when the caseworker has been asked for without a break (the caseworker's rung).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_since: Option<Timestamp>,
    /// The device whose clock ran ahead, while its note is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ahead: Option<Box<crate::faults::ClockAhead>>,
}

/// The checksum of a version 2 snapshot: CRC32C of its first 12 bytes, then of its body.
fn checksum(head: &[u8], body: &[u8]) -> u32 {
    crc32c::crc32c_append(crc32c::crc32c(head), body)
}

pub(crate) fn encode(s: &SnapshotV1) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(SNAPSHOT_MAGIC);
    out.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    // Serializing plain data to a Vec cannot fail.
    if let Err(e) = serde_json::to_writer(&mut out, s) {
        debug_assert!(false, "snapshot serialization failed: {e}");
    }
    let crc = checksum(&out[..HEADER_V1], &out[HEADER..]);
    out[HEADER_V1..HEADER].copy_from_slice(&crc.to_le_bytes());
    out
}

pub(crate) fn decode(bytes: &[u8]) -> Result<SnapshotV1> {
    let Some(rest) = bytes.strip_prefix(SNAPSHOT_MAGIC.as_slice()) else {
        return Err(Error::Snapshot("not an anbu snapshot (missing ANBUSNAP header)".into()));
    };
    let Some((version, rest)) = rest.split_first_chunk::<4>() else {
        return Err(Error::Snapshot("truncated header: no format version".into()));
    };
    let body = match u32::from_le_bytes(*version) {
        // A version 1 body is JSON from its first byte (no checksum to tell a damaged one).
        VERSION_1 if rest.first() == Some(&b'{') => rest,
        VERSION_1 => return Err(Error::Snapshot("corrupt body: a version 1 body must start with `{`".into())),
        SNAPSHOT_VERSION => {
            let Some((stored, body)) = rest.split_first_chunk::<4>() else {
                return Err(Error::Snapshot("truncated header: no checksum".into()));
            };
            let (stored, actual) = (u32::from_le_bytes(*stored), checksum(&bytes[..HEADER_V1], body));
            if stored != actual {
                return Err(Error::Snapshot(format!(
                    "checksum mismatch (stored {stored:08x}, computed {actual:08x}): the file is damaged or incomplete"
                )));
            }
            body
        }
        other => {
            return Err(Error::Snapshot(format!(
                "format version {other} is not supported by this build (it reads versions {VERSION_1} and {SNAPSHOT_VERSION})"
            )));
        }
    };
    let snap: SnapshotV1 = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body))
        .map_err(|e| Error::Snapshot(format!("corrupt body at `{}`: {}", e.path(), e.inner())))?;
    for p in &snap.persons {
        p.check(snap.config.allowed_lateness_ms)
            .map_err(|reason| Error::Snapshot(format!("person `{}`: {reason}", p.person.person)))?;
    }
    Ok(snap)
}

impl PersonSnapshot {
    /// Checks that every value is in its range and agrees with the others, so that a restored
    /// engine behaves as the one that wrote the snapshot and its next snapshot reads back.
    fn check(&self, lateness_ms: i64) -> std::result::Result<(), String> {
        self.state.check()?;
        let last = self.state.last_ts;
        if let (Some(last), watermark) = (last, self.watermark)
            && watermark.is_none_or(|w| w < last)
        {
            return Err(format!("watermark: must be at or after state.last_ts ({last})"));
        }
        for (i, e) in self.pending.iter().enumerate() {
            if e.person != self.person.person {
                return Err(format!("pending[{i}]: holds another person's event"));
            }
            let horizon = self.watermark.map(|w| w.plus_millis(-lateness_ms));
            if self.watermark.is_none_or(|w| e.ts > w) || horizon.is_some_and(|h| e.ts < h) {
                return Err(format!("pending[{i}].ts: {} is outside the lateness window up to the watermark", e.ts));
            }
            if last.is_some_and(|l| e.ts < l) {
                return Err(format!("pending[{i}].ts: {} is before state.last_ts, already folded", e.ts));
            }
        }
        if let Some(a) = &self.ahead {
            a.check()?;
        }
        for (name, since) in [("unconfirmed_since", self.unconfirmed_since), ("notified_since", self.notified_since)] {
            match (self.held, since) {
                (None, Some(_)) => return Err(format!("{name}: set without a held level")),
                (Some((at, _)), Some(since)) if since > at => {
                    return Err(format!("{name}: {since} is after the held assessment at {at}"));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::{Engine, EventKind, HOUR_MS, MINUTE_MS};

    /// An engine with a plug person assessed at 36 h (a check-in call first, the escalation
    /// clock running) and a meter person.
    fn engine() -> (Engine, Timestamp) {
        let mut engine = Engine::new();
        engine.add_person(Person::new("p-001", "plug_only").unwrap()).unwrap();
        engine.add_person(Person::new("p-002", "full").unwrap()).unwrap();
        let t0: Timestamp = "2024-05-01T08:00:00+09:00".parse().unwrap();
        for q in 0..=(36 * 4) {
            let ts = t0.plus_millis(q * 15 * MINUTE_MS);
            let watts = if q == 0 { 0.0 } else { 85.0 + 1e-9 * q as f64 };
            engine.ingest(Event::new("p-001", ts, Some("plug-tv"), EventKind::plug(watts)).unwrap()).unwrap();
            let meter = EventKind::meter([60.0, 140.0, 1500.0][q as usize % 3]);
            engine.ingest(Event::new("p-002", ts, Some("meter-home"), meter).unwrap()).unwrap();
        }
        engine.assess("p-001", t0.plus_millis(36 * HOUR_MS)).unwrap();
        (engine, t0)
    }

    /// Version 1 framing (no checksum) of a version 2 snapshot's body.
    fn as_v1(bytes: &[u8]) -> Vec<u8> {
        let mut out = SNAPSHOT_MAGIC.to_vec();
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&bytes[HEADER..]);
        out
    }

    /// A version 2 snapshot of `body`, with its checksum.
    fn as_v2(body: &str) -> Vec<u8> {
        let mut out = SNAPSHOT_MAGIC.to_vec();
        out.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
        let crc = checksum(&out, body.as_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(body.as_bytes());
        out
    }

    fn body(bytes: &[u8]) -> String {
        String::from_utf8(bytes[HEADER..].to_vec()).unwrap()
    }

    fn refused(bytes: &[u8]) -> String {
        match Engine::restore(bytes) {
            Ok(_) => panic!("restored"),
            Err(e) => {
                assert_eq!(e.kind(), crate::ErrorKind::Snapshot);
                e.to_string()
            }
        }
    }

    #[test]
    fn writes_version_2_with_a_checksum() {
        let bytes = engine().0.snapshot();
        assert_eq!(&bytes[..8], SNAPSHOT_MAGIC);
        assert_eq!(bytes[8..12], 2u32.to_le_bytes());
        let crc = crc32c::crc32c_append(crc32c::crc32c(&bytes[..12]), &bytes[16..]);
        assert_eq!(bytes[12..16], crc.to_le_bytes());
        assert_eq!(Engine::restore(&bytes).unwrap().snapshot(), bytes);
    }

    #[test]
    fn reads_version_1_files_as_they_were_written() {
        // Written by the build before version 2, after the plug person's assessment at 36 h
        // (a check-in call first): the escalation clock it holds makes 38 h notify.
        let v1 = include_bytes!("../tests/data/snapshot-v1.snap");
        assert_eq!(v1[8..12], 1u32.to_le_bytes());
        let mut engine = Engine::restore(v1).unwrap();
        let t0: Timestamp = "2024-05-01T08:00:00+09:00".parse().unwrap();
        let a = engine.assess("p-001", t0.plus_millis(38 * HOUR_MS)).unwrap();
        assert_eq!((a.level, a.action), (Level::Warning, crate::Action::Notify));
        // Written again as version 2, the same engine.
        let v2 = Engine::restore(v1).unwrap().snapshot();
        assert_eq!(v2[8..12], 2u32.to_le_bytes());
        assert_eq!(as_v1(&v2), v1);
    }

    #[test]
    fn refuses_other_versions_naming_them() {
        let bytes = engine().0.snapshot();
        let mut v3 = bytes.clone();
        v3[8..12].copy_from_slice(&3u32.to_le_bytes());
        assert_eq!(
            refused(&v3),
            "snapshot: format version 3 is not supported by this build (it reads versions 1 and 2)"
        );
        assert_eq!(refused(&bytes[..14]), "snapshot: truncated header: no checksum");
        assert_eq!(refused(&bytes[..10]), "snapshot: truncated header: no format version");
    }

    #[test]
    fn refuses_a_torn_snapshot() {
        let bytes = engine().0.snapshot();
        for len in [16, 17, bytes.len() / 2, bytes.len() - 1] {
            assert!(refused(&bytes[..len]).contains("checksum mismatch"), "{len}");
        }
        let mut longer = bytes.clone();
        longer.push(b' ');
        assert!(refused(&longer).contains("checksum mismatch"));
    }

    /// Every value out of its range is refused, naming the person and the field, in either
    /// version (a version 1 file has no checksum; a version 2 one may be written by hand).
    #[test]
    fn refuses_values_out_of_range_naming_the_field() {
        let (engine, _) = engine();
        let text = body(&engine.snapshot());
        let cases = [
            ("\"deficit\":", "\"deficit\":1e39,\"x\":", "persons[0].state.routine.deficit`: number out of range"),
            ("\"deficit\":", "\"deficit\":100.5,\"x\":", "person `p-001`: state.routine.deficit"),
            ("\"answer_rate\":0.9", "\"answer_rate\":1.5", "person `p-001`: state.routine.answer_rate"),
            ("\"fast\":", "\"fast\":-1,\"x\":", "person `p-001`: state.routine.fast"),
            ("\"open_hour\":", "\"open_hour\":9223372036854775807,\"x\":", "person `p-001`: state.routine.open_hour"),
            ("\"lit_hour\":", "\"lit_hour\":9223372036854775807,\"x\":", "person `p-001`: state.routine.lit_hour"),
            ("\"watts\":85.0", "\"watts\":-85.0", "person `p-001`: state.devices[0].plug.watts"),
            ("\"low\":[", "\"low\":[1e39,\"x\":", "persons[1].state.meter.low"),
            ("\"low\":[", "\"low\":[-1,\"x\":", "person `p-002`: state.meter.low[0]"),
            ("\"channels\":8", "\"channels\":64", "person `p-001`: state.devices[0].channels"),
            (
                "\"first_ts\":\"2024-04-30T23:00:00Z\"",
                "\"first_ts\":\"2024-06-30T23:00:00Z\"",
                "person `p-001`: state.first_ts",
            ),
            ("\"unconfirmed_since\":\"2024", "\"unconfirmed_since\":\"2025", "person `p-001`: unconfirmed_since"),
            // p-001's TV untouched for 36 h, no call reported: the caseworker was asked.
            ("\"notified_since\":\"2024", "\"notified_since\":\"2025", "person `p-001`: notified_since"),
            ("\"watermark\":\"2024", "\"watermark\":\"2023", "person `p-001`: watermark"),
        ];
        for (from, to, want) in cases {
            let at = text.find(from).unwrap_or_else(|| panic!("{from} not in {text}"));
            let mut bad = text.clone();
            bad.replace_range(at..at + from.len(), to);
            // A leftover `,"x":<old value>` key is cut.
            if let Some(x) = bad.find(",\"x\":") {
                let end = bad[x + 5..].find([',', '}', ']']).map_or(bad.len(), |e| x + 5 + e);
                bad.replace_range(x..end, "");
            }
            for bytes in [as_v2(&bad), as_v1(&as_v2(&bad))] {
                let e = refused(&bytes);
                assert!(e.contains(want), "{want}: {e}");
            }
        }
    }

    /// A flipped bit in every byte, one at a time (before version 2, 5.9% of random flips were
    /// restored with altered data).
    #[test]
    fn a_flipped_bit_in_any_byte_is_refused() {
        let bytes = engine().0.snapshot();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 1 << (i % 8);
            assert!(Engine::restore(&bad).is_err(), "byte {i}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Any flipped bit anywhere in a snapshot is refused, never restored altered.
        #[test]
        fn a_flipped_bit_is_refused(bits in proptest::collection::vec(any::<proptest::sample::Index>(), 1..4)) {
            let bytes = engine().0.snapshot();
            let mut bad = bytes.clone();
            for bit in &bits {
                let i = bit.index(bytes.len() * 8);
                bad[i / 8] ^= 1 << (i % 8);
            }
            prop_assume!(bad != bytes);
            prop_assert!(Engine::restore(&bad).is_err());
        }
    }
}
