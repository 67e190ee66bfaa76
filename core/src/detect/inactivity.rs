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

/// Points of a channel silent for `silence_h`, and the part of them that comes from
/// silence past the last sign of life elsewhere (`gap_h` hours ago).
pub(crate) fn scored(silence_h: f64, gap_h: f64, rule: &ChannelRule, onset: f64) -> (f64, f64) {
    let all = silence_points(silence_h, rule, onset);
    let agreed = silence_points(silence_h.min(gap_h), rule, onset);
    (all, all - agreed)
}

/// Silence of one channel in hours, as watched.
pub(crate) fn silence_hours(view: &View<'_>, channel: Signal) -> Option<f64> {
    let since = view.silent_since(channel)?;
    let until = view.observed_until(channel);
    Some(until.hours_since(since).max(0.0))
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
        let (Some(rule), Some(h)) = (p.inactivity.rule(channel), silence_hours(view, channel)) else {
            continue;
        };
        let gap = view.life_gap_h().unwrap_or(h);
        let (points, contradicted) = scored(h, gap, rule, p.inactivity.onset);
        if points > 0.0 {
            let detail = format!("{} for {} (alert at {})", what(channel), hours(h), hours(rule.threshold_h));
            out.push(Evidence::new(channel, ReasonKind::Inactivity, detail, points).contradicted(contradicted));
        }
    }
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
