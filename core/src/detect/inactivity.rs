//! `inactivity`: silence per activity channel (calls, steps, door, phone use), with the
//! fixed thresholds of the profile (the seed rules).
//!
//! A channel's evidence starts at `onset × threshold_h` hours of silence, grows linearly
//! to the channel's weight at the threshold, and on to 1.25 × weight at twice the
//! threshold. Silence is counted only while the channel was watched (see
//! `device_offline`) and never across a registered absence.

use super::{Evidence, View, hours};
use crate::assessment::ReasonKind;
use crate::event::Signal;
use crate::profile::ChannelRule;

/// Points for `silence_h` hours of silence under a rule.
pub(crate) fn silence_points(silence_h: f64, rule: &ChannelRule, onset: f64) -> f64 {
    let t = rule.threshold_h;
    let start = onset * t;
    if silence_h <= start {
        return 0.0;
    }
    let strength = if silence_h <= t {
        (silence_h - start) / (t - start)
    } else {
        1.0 + 0.25 * ((silence_h - t) / t).min(1.0)
    };
    rule.weight * strength
}

/// Points of a channel's silence, and the part of them that is contradicted: it comes
/// from silence before the last sign of life elsewhere.
pub(crate) fn scored(silence: Silence, rule: &ChannelRule, onset: f64) -> (f64, f64) {
    let all = silence_points(silence.hours, rule, onset);
    let agreed = silence_points(silence.agreed_hours, rule, onset);
    (all, (all - agreed).max(0.0))
}

/// A channel's silence as watched.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Silence {
    /// From the channel's last sign of life to the end of what was watched.
    pub hours: f64,
    /// The part of it after the last sign of life in any signal.
    pub agreed_hours: f64,
}

/// Silence of one channel, as watched: from its last sign of life until now, or until
/// its devices went offline.
pub(crate) fn silence(view: &View<'_>, channel: Signal) -> Option<Silence> {
    silence_until(view, channel, view.observed_until(channel))
}

/// Silence of one channel had it been watched until `until`.
pub(crate) fn silence_until(view: &View<'_>, channel: Signal, until: crate::time::Timestamp) -> Option<Silence> {
    let since = view.silent_since(channel)?;
    let hours = until.hours_since(since).max(0.0);
    let agreed_from = match view.state.last_life_any {
        Some(l) if l.ts > since => l.ts,
        _ => since,
    };
    if until <= agreed_from && agreed_from > since {
        // Watching ended before the last sign of life: this silence says nothing about now.
        return None;
    }
    Some(Silence { hours, agreed_hours: until.hours_since(agreed_from).max(0.0) })
}

fn what(channel: Signal) -> &'static str {
    match channel {
        Signal::Call => "no call made or answered",
        Signal::Steps => "no steps counted",
        Signal::Door => "door not opened or closed",
        Signal::App => "phone not used",
        _ => "no activity",
    }
}

pub(crate) fn detect(view: &View<'_>, out: &mut Vec<Evidence>) {
    let p = &view.rules.profile;
    for channel in [Signal::Call, Signal::Steps, Signal::Door, Signal::App] {
        if !view.expects(channel) {
            continue;
        }
        let (Some(rule), Some(s)) = (p.inactivity.rule(channel), silence(view, channel)) else {
            continue;
        };
        let (points, contradicted) = scored(s, rule, p.inactivity.onset);
        if points > 0.0 {
            let detail = format!("{} for {} (alert at {})", what(channel), hours(s.hours), hours(rule.threshold_h));
            out.push(Evidence::new(channel, ReasonKind::Inactivity, detail, points).contradicted(contradicted));
        }
    }
}

/// Points the expected channels' silence would have, after the cross-check, had every
/// device kept watching until now.
pub(crate) fn points_if_watched(view: &View<'_>) -> f64 {
    let p = &view.rules.profile;
    let factor = p.cross_check.contradicted_factor;
    Signal::CHANNELS
        .into_iter()
        .filter(|c| view.expects(*c))
        .filter_map(|c| Some((p.inactivity.rule(c)?, silence_until(view, c, view.at)?)))
        .map(|(rule, s)| {
            let (all, contradicted) = scored(s, rule, p.inactivity.onset);
            all - contradicted * (1.0 - factor)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp() {
        let r = ChannelRule { threshold_h: 24.0, weight: 40.0 };
        assert_eq!(silence_points(12.0, &r, 0.5), 0.0);
        assert_eq!(silence_points(18.0, &r, 0.5), 20.0);
        assert_eq!(silence_points(24.0, &r, 0.5), 40.0);
        assert_eq!(silence_points(48.0, &r, 0.5), 50.0);
        assert_eq!(silence_points(480.0, &r, 0.5), 50.0);
        // Monotone in silence.
        let mut last = 0.0;
        for h in 0..200 {
            let p = silence_points(h as f64 * 0.5, &r, 0.5);
            assert!(p >= last);
            last = p;
        }
    }
}
