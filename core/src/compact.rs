//! The engine's internal event: a validated [`Event`] packed into 32 bytes, with its device
//! as a small code instead of a string, so that the lateness buffer, replays and the fold
//! hold no allocation per event.
//!
//! The public [`Event`] stays the validated row type of the spec; a [`Compact`] is only ever
//! made from one (or from columns checked by the same rules), so it holds valid values.
//! Its payload is stored exactly (floats by their bits), so converting back gives the same
//! event.

use std::cmp::Ordering;

use crate::event::EventKind;
use crate::time::Timestamp;
use crate::vocab::{
    AppAction, CheckinBy, CheckinOutcome, ConcernCategory, Direction, DoorState, Finding, FoundBy, Signal,
};

/// Payload word of an absent optional float (a NaN's bits, which no valid value has).
const NONE: u64 = u64::MAX;
/// Flag bit: the device id was given (not defaulted to the signal's name).
const GIVEN: u8 = 0x80;

/// A validated event of one person, in 32 bytes.
///
/// The device is a code whose meaning is the holder's: an index into the person's devices,
/// or a rank among device names. Unused payload words are zero, so two compact events of
/// one holder are equal exactly when the events are equal in the canonical order (see
/// [`Compact::canonical_cmp`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Compact {
    pub ts: Timestamp,
    /// First payload word: a float's bits, a count, or `until` in epoch ms.
    a: u64,
    /// Second payload word: `lux` or `interval_s`.
    b: u64,
    /// The device, as a code of the holder (see the type's docs).
    pub device: u32,
    pub signal: Signal,
    /// `GIVEN`, and the payload's small values (a direction and answered bit, or an enum).
    bits: u8,
}

const _: () = assert!(std::mem::size_of::<Compact>() == 32);

fn opt_bits(x: Option<f64>) -> u64 {
    x.map_or(NONE, f64::to_bits)
}

fn bits_opt(x: u64) -> Option<f64> {
    (x != NONE).then(|| f64::from_bits(x))
}

/// The enum value of index `i` (always in range: it was packed from one).
fn pick<T: Copy>(all: &[T], i: u8, fallback: T) -> T {
    all.get(usize::from(i)).copied().unwrap_or(fallback)
}

impl Compact {
    /// Packs a payload (already validated) with its time and device code.
    #[inline]
    pub fn new(ts: Timestamp, kind: &EventKind, device: u32, given: bool) -> Compact {
        let (a, b, small) = match *kind {
            EventKind::Call { direction, answered, duration_s } => {
                (opt_bits(duration_s), 0, direction as u8 | (u8::from(answered) << 1))
            }
            EventKind::Steps { steps, interval_s } => (u64::from(steps), u64::from(interval_s), 0),
            EventKind::Door { state } => (0, 0, state as u8),
            EventKind::Plug { watts, lux } => (watts.to_bits(), opt_bits(lux), 0),
            EventKind::App { action } => (0, 0, action as u8),
            // The outcome in bits 0-2, the category (+1, 0 for none) in bits 3-5; who called in `a`.
            EventKind::Checkin { outcome, category, by } => {
                (by as u64, 0, outcome as u8 | (category.map_or(0, |c| c as u8 + 1) << 3))
            }
            EventKind::Away { until } => (until.as_millis() as u64, 0, 0),
            EventKind::Meter { watts } => (watts.to_bits(), 0, 0),
            // Who found it (+1, 0 for none) in `a`.
            EventKind::Disposition { finding, by } => (by.map_or(0, |b| b as u64 + 1), 0, finding as u8),
            EventKind::Sos {} | EventKind::Heartbeat {} => (0, 0, 0),
        };
        let bits = small | if given { GIVEN } else { 0 };
        Compact { ts, a, b, device, signal: kind.signal(), bits }
    }

    /// Whether the device id was given (not defaulted to the signal's name).
    #[inline]
    pub fn given(&self) -> bool {
        self.bits & GIVEN != 0
    }

    fn small(&self) -> u8 {
        self.bits & !GIVEN
    }

    /// The payload.
    #[inline]
    pub fn kind(&self) -> EventKind {
        let small = self.small();
        match self.signal {
            Signal::Call => EventKind::Call {
                direction: if small & 1 != 0 { Direction::Out } else { Direction::In },
                answered: small & 2 != 0,
                duration_s: bits_opt(self.a),
            },
            Signal::Steps => EventKind::Steps { steps: self.a as u32, interval_s: self.b as u32 },
            Signal::Door => EventKind::Door { state: pick(DoorState::ALL, small, DoorState::Open) },
            Signal::Plug => EventKind::Plug { watts: f64::from_bits(self.a), lux: bits_opt(self.b) },
            Signal::App => EventKind::App { action: pick(AppAction::ALL, small, AppAction::Unlock) },
            Signal::Checkin => {
                let category =
                    (small >> 3).checked_sub(1).map(|c| pick(ConcernCategory::ALL, c, ConcernCategory::Other));
                EventKind::Checkin {
                    outcome: pick(CheckinOutcome::ALL, small & 7, CheckinOutcome::Answered),
                    category,
                    by: pick(CheckinBy::ALL, self.a as u8, CheckinBy::Auto),
                }
            }
            Signal::Sos => EventKind::Sos {},
            Signal::Away => EventKind::Away { until: Timestamp::from_millis_in_range(self.a as i64) },
            Signal::Heartbeat => EventKind::Heartbeat {},
            Signal::Meter => EventKind::Meter { watts: f64::from_bits(self.a) },
            Signal::Disposition => EventKind::Disposition {
                finding: pick(Finding::ALL, small, Finding::Fine),
                by: (self.a as u8).checked_sub(1).map(|b| pick(FoundBy::ALL, b, FoundBy::Visit)),
            },
        }
    }

    /// The payload as comparable integers, exactly as [`crate::Event`]'s canonical order has it.
    fn key(&self) -> [u64; 3] {
        let small = u64::from(self.small());
        match self.signal {
            Signal::Call => [small & 1, small >> 1, self.a],
            Signal::Steps | Signal::Plug => [self.a, self.b, 0],
            Signal::Door | Signal::App => [small, 0, 0],
            Signal::Disposition => [small, self.a, 0],
            Signal::Checkin => [small & 7, small >> 3, self.a],
            Signal::Away | Signal::Meter => [self.a, 0, 0],
            Signal::Sos | Signal::Heartbeat => [0, 0, 0],
        }
    }

    /// The canonical order of one person's events (as `Event::canonical_cmp`): time, signal,
    /// device id, payload, whether the device was given. `name` gives an event's device id;
    /// it is asked only for two events of the same time and signal with different codes.
    #[inline]
    pub fn canonical_cmp<'n>(&self, other: &Compact, name: impl Fn(&Compact) -> &'n str) -> Ordering {
        self.ts
            .cmp(&other.ts)
            .then_with(|| self.signal.cmp(&other.signal))
            .then_with(|| if self.device == other.device { Ordering::Equal } else { name(self).cmp(name(other)) })
            .then_with(|| self.payload_cmp(other))
    }

    /// The canonical order of two events whose device ids are given (their codes may be of
    /// different holders).
    pub fn named_cmp(&self, id: &str, other: &Compact, other_id: &str) -> Ordering {
        self.ts
            .cmp(&other.ts)
            .then_with(|| self.signal.cmp(&other.signal))
            .then_with(|| id.cmp(other_id))
            .then_with(|| self.payload_cmp(other))
    }

    /// The canonical order's last keys: the payload, then whether the device was given.
    fn payload_cmp(&self, other: &Compact) -> Ordering {
        self.key().cmp(&other.key()).then_with(|| self.given().cmp(&other.given()))
    }

    /// The canonical order when device codes are ranks of the device ids (equal ids, equal
    /// codes; a smaller id, a smaller code).
    #[inline]
    pub fn ranked_cmp(&self, other: &Compact) -> Ordering {
        self.ts
            .cmp(&other.ts)
            .then_with(|| self.signal.cmp(&other.signal))
            .then_with(|| self.device.cmp(&other.device))
            .then_with(|| self.payload_cmp(other))
    }

    /// Whether the two events are equal as [`crate::Event`]s (`==`: floats compared as
    /// numbers, so 0 and -0 W are the same reading), for events of one holder.
    pub fn same_event(&self, other: &Compact) -> bool {
        let f = |x: u64| f64::from_bits(x);
        let payload = match self.signal {
            Signal::Call => self.a == other.a || (self.a != NONE && other.a != NONE && f(self.a) == f(other.a)),
            Signal::Plug | Signal::Meter => {
                f(self.a) == f(other.a)
                    && (self.b == other.b || (self.b != NONE && other.b != NONE && f(self.b) == f(other.b)))
            }
            _ => self.a == other.a && self.b == other.b,
        };
        self.ts == other.ts
            && self.signal == other.signal
            && self.device == other.device
            && self.bits == other.bits
            && payload
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;
    use crate::payload::Fields;
    use crate::vocab::By;

    fn kinds() -> Vec<EventKind> {
        let t = Timestamp::from_millis(1_714_489_200_000).unwrap();
        vec![
            EventKind::call(Direction::Out, false),
            EventKind::call(Direction::In, true).with_duration_s(12.5),
            EventKind::steps(412).with_interval_s(900),
            EventKind::door(DoorState::Closed),
            EventKind::plug(85.5),
            EventKind::plug(-0.0).with_lux(0.0),
            EventKind::app(AppAction::AppOpen),
            EventKind::checkin(CheckinOutcome::Concern),
            EventKind::checkin(CheckinOutcome::Concern).with_category(ConcernCategory::SelfHarm).with_by(By::Staff),
            EventKind::checkin(CheckinOutcome::SmsReply).with_by(By::Staff),
            EventKind::disposition(Finding::Unreachable),
            EventKind::disposition(Finding::Fine).with_by(By::Rescue),
            EventKind::sos(),
            EventKind::away(t),
            EventKind::heartbeat(),
            EventKind::meter(412.5),
            EventKind::meter(-0.0),
        ]
        .into_iter()
        .chain(every_field())
        .collect()
    }

    /// A payload of every combination of each signal's fields, as the schema's table has them
    /// (each present one at its type's placeholder; those a check refuses left out), so that a field a signal gains fails the
    /// tests below until the packing and the order keep it.
    fn every_field() -> Vec<EventKind> {
        let mut out = Vec::new();
        for &signal in Signal::ALL {
            for mask in 0..(1u16 << crate::schema::PAYLOAD) {
                let mut f = Fields::filled(mask);
                if signal == Signal::Disposition && f.by.is_some() {
                    f.by = Some(By::Visit);
                }
                let ts = Timestamp::from_millis(1_714_489_200_000).unwrap();
                if let Ok(k) = f.into_kind(signal)
                    && Event::new("p", ts, None, k.clone()).is_ok()
                {
                    out.push(k);
                }
            }
        }
        out.dedup();
        out
    }

    #[test]
    fn round_trips_every_payload_in_32_bytes() {
        let ts = Timestamp::from_millis(1_714_489_200_000).unwrap();
        for k in kinds() {
            for given in [false, true] {
                let c = Compact::new(ts, &k, 3, given);
                assert_eq!(c.kind(), k);
                assert_eq!(c.given(), given);
                assert_eq!((c.ts, c.device, c.signal), (ts, 3, k.signal()));
            }
        }
    }

    #[test]
    fn orders_and_compares_as_events_do() {
        let ts = Timestamp::from_millis(1_714_489_200_000).unwrap();
        let ks = kinds();
        let events: Vec<Event> = ks
            .iter()
            .flat_map(|k| [None, Some("a-dev"), Some("b-dev")].map(|d| Event::new("p", ts, d, k.clone()).unwrap()))
            .collect();
        // Device codes: the rank of the id among all ids.
        let mut ids: Vec<&str> = events.iter().map(Event::device).collect();
        ids.sort_unstable();
        ids.dedup();
        let code = |e: &Event| ids.iter().position(|i| *i == e.device()).unwrap() as u32;
        let compact: Vec<Compact> =
            events.iter().map(|e| Compact::new(e.ts, &e.kind, code(e), e.device_given().is_some())).collect();
        for (x, cx) in events.iter().zip(&compact) {
            for (y, cy) in events.iter().zip(&compact) {
                let want = x.canonical_cmp(y);
                assert_eq!(cx.ranked_cmp(cy), want, "{x:?} {y:?}");
                assert_eq!(cx.canonical_cmp(cy, |c| ids[c.device as usize]), want);
                assert_eq!(cx.named_cmp(x.device(), &Compact { device: 9, ..*cy }, y.device()), want);
                assert_eq!(cx.same_event(cy), x == y, "{x:?} {y:?}");
                assert_eq!(cx == cy, want == Ordering::Equal);
            }
        }
    }
}
