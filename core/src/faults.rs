//! Fault isolation: one person's bad data affects that person only.
//!
//! - An event dated further ahead of the engine's clock than the person's profile allows
//!   (`clock.max_ahead_h`) is refused, and does not move the person's lateness window; the
//!   person's assessments then carry a `clock_ahead` reason naming the device, for a day. A
//!   replay refuses them by the same rule against its own clock (`ReplayOptions::clock`), for
//!   their person only, whose rows all carry the reason.
//! - A person who cannot be assessed at a time (their events already folded run past it)
//!   gets a `fault` assessment saying why, in place of failing every person's assessment.

use crate::assessment::{Action, Assessment, Level, Reason, ReasonKind};
use crate::clip::clip;
use crate::error::{Error, Result};
use crate::messages::{Locale, Msg, say};
use crate::profile::Rules;
use crate::text::fixed;
use crate::time::{HOUR_MS, Timestamp};
use crate::tuning::CLOCK_AHEAD_REPORT_MS;
use crate::vocab::Signal;

/// A device of a person whose events were refused as dated too far ahead (kept in snapshots).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClockAhead {
    /// The device (the last one refused).
    device: Box<str>,
    /// The signal of its last refused event.
    signal: Signal,
    /// How far ahead its last refused event was, milliseconds.
    ahead_ms: i64,
    /// The engine's clock when it was refused.
    clock: Timestamp,
    /// Events refused so far.
    refused: u64,
}

impl ClockAhead {
    /// Range checks of a restored note, naming the field at fault.
    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        if self.ahead_ms <= 0 {
            return Err(format!("ahead.ahead_ms: {} must be above 0 (the event was refused as ahead)", self.ahead_ms));
        }
        if self.refused == 0 {
            return Err("ahead.refused: must be at least 1".into());
        }
        Ok(())
    }
}

/// Whether an event at `ts` is dated further ahead of `clock` than `rules` allow (the one
/// rule of the engine and of a replay).
pub(crate) fn is_ahead(rules: &Rules, ts: Timestamp, clock: Timestamp) -> bool {
    ts.millis_since(clock) > rules.max_ahead_ms
}

/// Checks that an event at `ts` is not dated further ahead of `clock` than `rules` allow;
/// a refused one is noted in `note` (for the person's assessments) and is the error.
pub(crate) fn check_ahead(
    note: &mut Option<Box<ClockAhead>>,
    rules: &Rules,
    person: &str,
    signal: Signal,
    device: &str,
    ts: Timestamp,
    clock: Option<Timestamp>,
) -> Result<()> {
    let Some(clock) = clock else { return Ok(()) };
    if !is_ahead(rules, ts, clock) {
        return Ok(());
    }
    let (ahead, max) = (ts.millis_since(clock), rules.max_ahead_ms);
    let refused = note.as_ref().map_or(0, |n| n.refused) + 1;
    *note = Some(Box::new(ClockAhead { device: device.into(), signal, ahead_ms: ahead, clock, refused }));
    Err(Error::field(
        "ts",
        format!(
            "{ts} is {} h ahead of the engine's clock {clock} for person `{}` (device `{}`), more than the profile's \
             clock.max_ahead_h ({} h): the device's clock runs ahead; the event is refused",
            fixed(ahead as f64 / HOUR_MS as f64, 1),
            clip(person),
            clip(device),
            fixed(max as f64 / HOUR_MS as f64, 1),
        ),
    ))
}

/// Adds the `clock_ahead` reason to an assessment at `at` while the note is recent.
pub(crate) fn annotate(a: &mut Assessment, note: Option<&ClockAhead>, at: Timestamp, locale: Locale) {
    let Some(n) = note else { return };
    if at.millis_since(n.clock) > CLOCK_AHEAD_REPORT_MS {
        return;
    }
    let refused =
        if n.refused == 1 { say!(locale, Msg::ClockOneEvent) } else { say!(locale, Msg::ClockEvents, n.refused) };
    let detail =
        say!(locale, Msg::ClockAhead, clip(&n.device), refused, fixed(n.ahead_ms as f64 / HOUR_MS as f64, 1), n.clock);
    a.reasons.push(Reason { signal: n.signal, kind: ReasonKind::ClockAhead, detail, contribution: 0.0 });
}

/// What stands for a person's assessment at `at` when it failed with `error`: no points,
/// the person's last level (`last`, else normal) and no action, and a `fault` reason that
/// says why, so that the operator sees the person and the problem.
pub(crate) fn fault_assessment(
    person: &str,
    at: Timestamp,
    rules: &Rules,
    last: Option<Level>,
    error: &Error,
) -> Assessment {
    let reason = Reason {
        signal: Signal::Heartbeat,
        kind: ReasonKind::Fault,
        detail: say!(rules.profile.locale, Msg::Fault, error),
        contribution: 0.0,
    };
    Assessment {
        person: person.to_string(),
        at,
        score: 0.0,
        level: last.unwrap_or(Level::Normal),
        action: Action::None,
        responder: rules.responder(at),
        reasons: vec![reason],
        visit: None,
        call: None,
    }
}
