//! `inactivity`: silence per activity channel (calls, steps, door, phone use; the plug's
//! silence is reported by `no_change`), judged against the fixed thresholds of the
//! profile (the seed rules) or against the person's learned routine (see [`channels`]).
//!
//! Fixed: a channel's evidence starts at `onset × threshold_h` hours of silence, grows
//! linearly to the channel's weight at the threshold, and on to 1.25 × weight at twice
//! the threshold. Silence is counted only while the channel was watched (see
//! `device_offline`) and never across a registered absence.

use std::fmt::{self, Display};

use super::{Evidence, View, hours};
use crate::assessment::ReasonKind;
use crate::event::Signal;
use crate::profile::{ChannelRule, SilenceMode};
use crate::state::Context;
use crate::text::fixed;
use crate::text::sentence;
use crate::time::Timestamp;

/// Hours a channel may stay silent past the last sign of life elsewhere before it is
/// taken as changed (stale) rather than as evidence.
const STALE_H: f64 = 48.0;

/// Points for `silence_h` hours of silence under a rule.
pub(crate) fn silence_points(silence_h: f64, rule: &ChannelRule, onset: f64) -> f64 {
    let t = rule.threshold_h;
    let start = onset * t;
    if silence_h <= start {
        return 0.0;
    }
    let strength =
        if silence_h <= t { (silence_h - start) / (t - start) } else { 1.0 + 0.25 * ((silence_h - t) / t).min(1.0) };
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

/// One expected channel's silence, scored.
#[derive(Clone, Debug)]
pub(crate) struct ChannelScore {
    pub channel: Signal,
    pub silence: Silence,
    pub points: f64,
    pub contradicted: f64,
    /// How the silence was judged, for a reason's detail (written only when reported).
    pub judged: Judged,
    /// Silent for days while the person was seen otherwise: reported, not counted.
    pub stale: bool,
}

impl ChannelScore {
    /// Whether the channel deserves a reason.
    pub fn reported(&self) -> bool {
        self.points > 0.0 || self.stale
    }
}

/// Scores the silence of every expected channel, watched until now (or until `until`).
///
/// In `fixed` mode each channel is judged against its threshold. In `adaptive` mode the
/// channels are judged together against the learned routine: their surprises combine
/// (see `routine::joint`), so silence that the channels agree on weighs more than
/// silence in one, even when each alone would be unremarkable; the joint points
/// (`routine.weight` at `full_surprise`) are shared among the channels by their
/// surprise. While the routine is young, the fixed thresholds weigh in by the share
/// not yet learned.
pub(crate) fn channels(view: &View<'_>, until: Option<Timestamp>) -> Vec<ChannelScore> {
    let p = &view.rules.profile;
    let r = &p.routine;
    let onset = p.inactivity.onset;
    struct Raw {
        channel: Signal,
        rule: ChannelRule,
        silence: Silence,
        fixed_all: f64,
        fixed_agreed: f64,
        s_all: f64,
        s_agreed: f64,
        conf: f64,
        stale: bool,
    }
    let ctx = Context { rules: view.rules, devices: &view.state.devices, absences: &view.state.absences };
    let adaptive = r.mode == SilenceMode::Adaptive;
    // Room for every channel at once (this runs at every assessment).
    let mut raw: Vec<Raw> = Vec::with_capacity(Signal::CHANNELS.len());
    raw.extend(Signal::CHANNELS.into_iter().filter(|c| view.expects(*c)).filter_map(|channel| {
        let rule = p.inactivity.rule(channel)?.clone();
        let silence = match until {
            Some(t) => silence_until(view, channel, t)?,
            None => silence(view, channel)?,
        };
        let c = channel.channel_index()?;
        let routine = &view.state.routine;
        // A channel silent for days while the person was seen by other means has
        // changed (a TV left on, a plug pulled, a phone without credit): it says
        // nothing now, until it shows life again.
        let stale = adaptive && silence.hours - silence.agreed_hours > STALE_H;
        let (s_all, s_agreed, conf) = if stale {
            (0.0, 0.0, routine.confidence(c, r.warmup_days))
        } else if adaptive {
            let (since, split, until, rate) = (silence.since, silence.agreed_from, silence.until, r.learning_rate);
            let (s_all, s_agreed) = match view.walks {
                Some(walks) => {
                    let mut walks = walks.borrow_mut();
                    let walk = walks.channel(c, &view.state.absences);
                    routine.surprise_pair_carried(c, since, split, until, rate, &ctx, walk)
                }
                None => routine.surprise_pair(c, since, split, until, rate, &ctx),
            };
            (s_all, s_agreed, routine.confidence(c, r.warmup_days))
        } else {
            (0.0, 0.0, 0.0)
        };
        let fixed = |h: f64| if stale { 0.0 } else { silence_points(h, &rule, onset) };
        Some(Raw {
            fixed_all: fixed(silence.hours),
            fixed_agreed: fixed(silence.agreed_hours),
            stale,
            channel,
            rule,
            silence,
            s_all,
            s_agreed,
            conf,
        })
    }));
    if raw.is_empty() {
        return Vec::new();
    }
    let joint_all = crate::routine::joint(raw.iter().map(|x| x.s_all));
    let joint_agreed = crate::routine::joint(raw.iter().map(|x| x.s_agreed));
    let conf = raw.iter().map(|x| x.conf).sum::<f64>() / raw.len() as f64;
    // Evidence starts beyond this person's longest silence of the last two weeks (capped,
    // so that one long silence cannot switch the detector off), and grows over a span as
    // wide as those silences vary: an irregular person's alarm needs a longer silence.
    let (usual, spread) = match view.walks {
        Some(walks) => view.state.routine.usual_gap_carried(&mut walks.borrow_mut()),
        None => view.state.routine.usual_gap(),
    };
    let shift = (usual - r.onset_surprise).clamp(0.0, r.full_surprise);
    let width = (r.full_surprise - r.onset_surprise).max(spread.min(r.full_surprise * 2.0));
    let strength = |s: f64| r.weight * surprise_strength(s - shift, r.onset_surprise, r.onset_surprise + width);
    let (pj_all, pj_agreed) = (strength(joint_all), strength(joint_agreed));
    let share = |x: f64, total: f64| if total > 0.0 { x / total } else { 1.0 / raw.len() as f64 };
    raw.iter()
        .map(|x| {
            let points = conf * pj_all * share(x.s_all, joint_all) + (1.0 - conf) * x.fixed_all;
            let agreed = conf * pj_agreed * share(x.s_agreed, joint_agreed) + (1.0 - conf) * x.fixed_agreed;
            let judged = Judged {
                stale: x.stale,
                adaptive: adaptive && conf > 0.0,
                conf,
                surprise: x.s_all,
                joint: (raw.len() > 1).then_some(joint_all),
                threshold_h: x.rule.threshold_h,
                seen_h: x.silence.agreed_hours,
            };
            ChannelScore {
                channel: x.channel,
                silence: x.silence,
                points,
                contradicted: (points - agreed).max(0.0),
                judged,
                stale: x.stale,
            }
        })
        .collect()
}

/// How a channel's silence was judged: what its reason's detail says in brackets.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Judged {
    stale: bool,
    adaptive: bool,
    conf: f64,
    surprise: f64,
    /// All channels' joint surprise, when there are several.
    joint: Option<f64>,
    threshold_h: f64,
    /// Hours since the person was last seen (by any signal).
    seen_h: f64,
}

// Written piece by piece (a `write!` per piece would parse its format again, and this is
// written for most rows of a replay).
impl Display for Judged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.stale {
            f.write_str("silent for days while the person was seen otherwise: not counted (")?;
            Display::fmt(&hours(self.seen_h), f)?;
            return f.write_str(" since they were seen)");
        }
        if !self.adaptive {
            f.write_str("alert at ")?;
            return Display::fmt(&hours(self.threshold_h), f);
        }
        let own = Odds::of(self.surprise);
        Display::fmt(&own, f)?;
        if let Some(joint) = self.joint {
            let together = Odds::of(joint);
            if !together.reads_as(own) {
                f.write_str("; all channels together: ")?;
                Display::fmt(&together, f)?;
            }
        }
        if self.conf < 1.0 {
            f.write_str("; routine ")?;
            Display::fmt(&fixed(self.conf * 100.0, 0), f)?;
            f.write_str("% learned, alert at ")?;
            Display::fmt(&hours(self.threshold_h), f)?;
            f.write_str(" until then")?;
        }
        Ok(())
    }
}

/// "1 time in N" for a surprise.
#[derive(Clone, Copy, Debug)]
enum Odds {
    Usual,
    OneIn(f64),
    AlmostNever,
}

impl Odds {
    fn of(s: f64) -> Odds {
        let n = s.min(30.0).exp();
        if n < 1.5 {
            Odds::Usual
        } else if n < 10_000.0 {
            Odds::OneIn(n)
        } else {
            Odds::AlmostNever
        }
    }

    /// Whether the two are written the same.
    fn reads_as(self, other: Odds) -> bool {
        match (self, other) {
            (Odds::Usual, Odds::Usual) | (Odds::AlmostNever, Odds::AlmostNever) => true,
            (Odds::OneIn(a), Odds::OneIn(b)) => match (fixed(a, 0).whole(), fixed(b, 0).whole()) {
                (Some(a), Some(b)) => a == b,
                _ => self.to_string() == other.to_string(),
            },
            _ => false,
        }
    }
}

impl Display for Odds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Odds::Usual => f.write_str("usual for this person at these hours"),
            Odds::OneIn(n) => {
                f.write_str("a silence this person shows about 1 time in ")?;
                Display::fmt(&fixed(*n, 0), f)
            }
            Odds::AlmostNever => f.write_str("a silence this person almost never shows"),
        }
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

pub(crate) fn detect(scores: &[ChannelScore], out: &mut Vec<Evidence>) {
    for sc in scores.iter().filter(|sc| sc.channel != Signal::Plug && sc.reported()) {
        let detail = sentence!("{} for {} ({})", what(sc.channel), hours(sc.silence.hours), sc.judged);
        out.push(Evidence::new(sc.channel, ReasonKind::Inactivity, detail, sc.points).contradicted(sc.contradicted));
    }
}

/// Points the expected channels' silence would have, after the cross-check, had every
/// device kept watching until now.
pub(crate) fn points_if_watched(view: &View<'_>) -> f64 {
    let factor = view.rules.profile.cross_check.contradicted_factor;
    channels(view, Some(view.at)).iter().map(|sc| sc.points - sc.contradicted * (1.0 - factor)).sum()
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
