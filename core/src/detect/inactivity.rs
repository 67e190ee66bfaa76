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
use crate::profile::{ChannelRule, SilenceMode};
use crate::state::Context;
use crate::time::Timestamp;

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

/// Strength of evidence for a surprise, on the same ramp as fixed silence: 0 below the
/// onset, 1 at `full`, up to 1.25 at twice `full`.
fn surprise_strength(s: f64, onset: f64, full: f64) -> f64 {
    if s <= onset {
        0.0
    } else if s <= full {
        (s - onset) / (full - onset)
    } else {
        1.0 + 0.25 * ((s - full) / full).min(1.0)
    }
}

/// Points of a channel's silence, and the part of them that is contradicted: it comes
/// from silence before the last sign of life elsewhere.
///
/// In `fixed` mode, against the profile's threshold; in `adaptive` mode, against the
/// person's learned routine, blended with the threshold while the routine is young.
pub(crate) fn scored(view: &View<'_>, channel: Signal, silence: Silence, rule: &ChannelRule) -> Scored {
    let p = &view.rules.profile;
    let onset = p.inactivity.onset;
    let fixed_all = silence_points(silence.hours, rule, onset);
    let fixed_agreed = silence_points(silence.agreed_hours, rule, onset);
    let (mut all, mut agreed, mut surprise, mut confidence) = (fixed_all, fixed_agreed, None, 0.0);
    if p.routine.mode == SilenceMode::Adaptive
        && let Some(c) = channel.channel_index()
    {
        let r = &p.routine;
        let routine = &view.state.routine;
        let ctx = Context { rules: view.rules, devices: &view.state.devices, absences: &view.state.absences };
        let s_all = routine.surprise(c, silence.since, silence.until, r.learning_rate, &ctx);
        let s_agreed = routine.surprise(c, silence.agreed_from, silence.until, r.learning_rate, &ctx);
        let conf = routine.confidence(c, r.warmup_days);
        let adapt = |s: f64| rule.weight * surprise_strength(s, r.onset_surprise, r.full_surprise);
        all = conf * adapt(s_all) + (1.0 - conf) * fixed_all;
        agreed = conf * adapt(s_agreed) + (1.0 - conf) * fixed_agreed;
        surprise = Some(s_all);
        confidence = conf;
    }
    Scored { points: all, contradicted: (all - agreed).max(0.0), surprise, confidence }
}

/// A channel's scored silence.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scored {
    pub points: f64,
    pub contradicted: f64,
    /// The learned routine's surprise, in adaptive mode.
    pub surprise: Option<f64>,
    /// How much the routine is learned (0 to 1).
    pub confidence: f64,
}

impl Scored {
    /// How the silence was judged, for a reason's detail.
    pub fn judged(&self, rule: &ChannelRule) -> String {
        match self.surprise {
            Some(s) if self.confidence >= 1.0 => format!("unusual for this person at these hours: {}", odds(s)),
            Some(s) if self.confidence > 0.0 => format!(
                "{}; routine {:.0}% learned, alert at {} until then",
                odds(s),
                self.confidence * 100.0,
                hours(rule.threshold_h)
            ),
            _ => format!("alert at {}", hours(rule.threshold_h)),
        }
    }
}

/// "about 1 in N such periods" for a surprise.
fn odds(s: f64) -> String {
    let n = s.min(30.0).exp();
    if n < 1.5 {
        "usual for this person at these hours".to_string()
    } else if n < 1000.0 {
        format!("a silence this person shows about 1 time in {:.0}", n)
    } else {
        "a silence this person almost never shows".to_string()
    }
}

/// A channel's silence as watched.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Silence {
    pub since: Timestamp,
    pub agreed_from: Timestamp,
    pub until: Timestamp,
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
pub(crate) fn silence_until(view: &View<'_>, channel: Signal, until: Timestamp) -> Option<Silence> {
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
    Some(Silence { since, agreed_from, until, hours, agreed_hours: until.hours_since(agreed_from).max(0.0) })
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
        let sc = scored(view, channel, s, rule);
        if sc.points > 0.0 {
            let detail = format!("{} for {} ({})", what(channel), hours(s.hours), sc.judged(rule));
            out.push(Evidence::new(channel, ReasonKind::Inactivity, detail, sc.points).contradicted(sc.contradicted));
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
        .filter_map(|c| Some((c, p.inactivity.rule(c)?, silence_until(view, c, view.at)?)))
        .map(|(c, rule, s)| {
            let sc = scored(view, c, s, rule);
            sc.points - sc.contradicted * (1.0 - factor)
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
