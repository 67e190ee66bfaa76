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
use crate::messages::{Locale, Msg, render_to, say};
use crate::profile::{ChannelRule, SilenceMode};
use crate::routine::{LeftOn, LeftOnSurprise};
use crate::text::fixed;
use crate::time::Timestamp;
use crate::tuning::{P_CRITICAL, P_WARNING, P_WATCH, RELIABLE_PRIOR, REPORT_UNRELIABLE, STALE_H};
use crate::vocab::Signal;

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

/// The points of a posterior probability `p`: piecewise linear through (0, 0),
/// (`P_WATCH`, watch), (`P_WARNING`, warning), (`P_CRITICAL`, critical) and (1, 100), so
/// that a level's cut-off is a probability (with the built-in cut-offs 25/50/80, the
/// points are `100·p`). Increasing in `p`.
pub(crate) fn posterior_points(p: f64, levels: &crate::profile::Levels) -> f64 {
    let knots =
        [(0.0, 0.0), (P_WATCH, levels.watch), (P_WARNING, levels.warning), (P_CRITICAL, levels.critical), (1.0, 100.0)];
    let p = p.clamp(0.0, 1.0);
    for w in knots.windows(2) {
        let ((p0, y0), (p1, y1)) = (w[0], w[1]);
        if p <= p1 {
            return y0 + (y1 - y0) * (p - p0) / (p1 - p0);
        }
    }
    100.0
}

/// The posterior probability that a channel still tells what its routine says, after it
/// kept `contradicted` nats of silence while the person was seen otherwise: a channel that
/// works shows that much silence with probability `e^(−contradicted)`, one that changed
/// with probability 1.
pub(crate) fn reliability(contradicted: f64) -> f64 {
    let rp = RELIABLE_PRIOR;
    let works = rp * (-contradicted.max(0.0)).exp();
    works / (works + (1.0 - rp))
}

/// The surprise of a silence of `s` nats in a channel of reliability `r`: `−ln(r·e^(−s) + 1 − r)`,
/// at most `−ln(1 − r)`, all of `s` when `r` is 1.
pub(crate) fn tempered(s: f64, r: f64) -> f64 {
    -(r * (-s).exp() + (1.0 - r)).ln()
}

/// One expected channel's silence, scored.
#[derive(Clone, Debug)]
pub(crate) struct ChannelScore {
    pub channel: Signal,
    pub silence: Silence,
    pub points: f64,
    pub contradicted: f64,
    /// Hours of the silence a plug stayed on in which it is usually off (see the routine's
    /// module docs, "An appliance left on"); 0 for other channels.
    pub usually_off_h: f64,
    /// Hours of the silence the light at a plug stayed up in which its room is usually dark;
    /// 0 for other channels.
    pub usually_dark_h: f64,
    /// How the silence was judged, for a reason's detail (written only when reported).
    pub judged: Judged,
}

impl ChannelScore {
    /// Whether the channel deserves a reason: it has points; or it is silent while the
    /// person's silence is evidence (it is part of that silence, whatever it adds); or it is
    /// so down-weighted that its silence says almost nothing (a trace of why).
    pub fn reported(&self) -> bool {
        let j = &self.judged;
        self.points > 0.0
            || (j.adaptive && j.evidence && self.silence.agreed_hours > 0.0)
            || (j.adaptive && j.reliability < REPORT_UNRELIABLE)
    }

    /// Whether the channel no longer watches the person (as the learned routine sees it): it
    /// has been silent for more than `STALE_H` while the person was seen otherwise, or it is so
    /// down-weighted (its reliability below `REPORT_UNRELIABLE`) that its silence says almost
    /// nothing. Reported (see `unwatched`), never a reason to drop the channel.
    pub fn stale(&self) -> bool {
        self.judged.adaptive && (self.silence.outlived() || self.judged.reliability < REPORT_UNRELIABLE)
    }
}

/// The silence detector's judgement: each channel's score, and the points the activity
/// deficit brings to the same posterior (reported by `decline`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Judgement {
    pub scores: Vec<ChannelScore>,
    pub deficit: Option<DeficitPoints>,
}

/// The activity deficit's share of the posterior's points.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DeficitPoints {
    pub points: f64,
    /// The deficit, nats.
    pub deficit: f64,
    /// The posterior it is part of.
    pub p: f64,
}

/// Scores the silence of every expected channel, watched until now (or until `until`).
pub(crate) fn channels(view: &View<'_>, until: Option<Timestamp>) -> Vec<ChannelScore> {
    judge(view, until).scores
}

/// Judges the silence of every expected channel, watched until now (or until `until`).
///
/// In `fixed` mode each channel is judged against its threshold. In `adaptive` mode the
/// channels are judged together (see the `routine` module docs): the surprise of each
/// channel's silence since the person's last sign of life, tempered by the channel's
/// reliability (see [`reliability`]), combine into the joint surprise (`routine::joint`),
/// the person's own gap survival prices it, and the posterior that the person became unable
/// to respond when the silence began (with the activity deficit before it as further
/// evidence) maps to points through the level cut-offs ([`posterior_points`]). The points
/// of the silence are shared among the channels by their surprise; the deficit's share goes
/// to `decline`. While the routine is young, the fixed thresholds weigh in by the share not
/// yet learned.
pub(crate) fn judge(view: &View<'_>, until: Option<Timestamp>) -> Judgement {
    let p = &view.rules.profile;
    let r = &p.routine;
    let onset = p.inactivity.onset;
    struct Raw {
        channel: Signal,
        rule: ChannelRule,
        silence: Silence,
        fixed_all: f64,
        fixed_agreed: f64,
        tempered: f64,
        reliability: f64,
        conf: f64,
        left_on: LeftOnSurprise,
    }
    let ctx = view.context();
    let adaptive = r.mode == SilenceMode::Adaptive;
    let routine = &view.state.routine;
    // Room for every channel at once (this runs at every assessment).
    let mut raw: Vec<Raw> = Vec::with_capacity(Signal::CHANNELS.len());
    raw.extend(Signal::CHANNELS.into_iter().filter(|c| view.expects(*c)).filter_map(|channel| {
        let rule = p.inactivity.rule(channel)?.clone();
        let silence = match until {
            Some(t) => silence_until(view, channel, t)?,
            None => silence(view, channel)?,
        };
        let c = channel.channel_index()?;
        let mut left_on = LeftOnSurprise::default();
        let (tempered, reliability, conf) = if adaptive {
            let (since, split, until, rate) = (silence.since, silence.agreed_from, silence.until, r.learning_rate);
            let (mut s_all, mut s_agreed) = match view.walks {
                Some(walks) => {
                    let mut walks = walks.borrow_mut();
                    let walk = walks.channel(c, &view.state.absences);
                    routine.surprise_pair_carried(c, since, split, until, rate, &ctx, walk)
                }
                None => routine.surprise_pair(c, since, split, until, rate, &ctx),
            };
            // A plug left on through hours it is usually off, since the person was last seen
            // (see the routine's module docs): the same in both, so that it does not count
            // against the channel's reliability.
            if channel == Signal::Plug {
                let (left, known_until) = plug_left_on(view);
                left_on = routine.left_on_surprise(split, until.min(known_until), left, rate, &ctx);
                s_all += left_on.nats;
                s_agreed += left_on.nats;
            }
            // Silence the channel kept while the person was seen otherwise is what it
            // failed to tell: it down-weights what it tells now.
            let reliability = reliability(s_all - s_agreed);
            (tempered(s_agreed, reliability), reliability, routine.confidence(c, r.warmup_days))
        } else {
            (0.0, 1.0, 0.0)
        };
        let fixed = |h: f64| silence_points(h, &rule, onset);
        Some(Raw {
            fixed_all: fixed(silence.hours),
            fixed_agreed: fixed(silence.agreed_hours),
            channel,
            rule,
            silence,
            tempered,
            reliability,
            conf,
            left_on,
        })
    }));
    if raw.is_empty() {
        return Judgement::default();
    }
    let conf = raw.iter().map(|x| x.conf).sum::<f64>() / raw.len() as f64;
    let joint = crate::routine::joint(raw.iter().map(|x| x.tempered));
    let deficit = if adaptive { routine.deficit() } else { 0.0 };
    let llr = if adaptive { routine.deficit_llr() } else { 0.0 };
    let unable = routine.unable(joint, llr, r.sensitivity);
    // Evidence only where there is some: a silence past the floor, or a deficit.
    let silence_nats = -unable.survival.ln();
    let evidence = adaptive && conf > 0.0 && (silence_nats > 0.0 || llr > 0.0);
    let total = if evidence { conf * posterior_points(unable.p, &p.levels) } else { 0.0 };
    let silence_share = 1.0 - unable.impaired_share;
    let tempered_sum: f64 = raw.iter().map(|x| x.tempered).sum();
    let share = |x: f64| if tempered_sum > 0.0 { x / tempered_sum } else { 1.0 / raw.len() as f64 };
    let scores = raw
        .iter()
        .map(|x| {
            let learned = total * silence_share * share(x.tempered);
            let points = learned + (1.0 - conf) * x.fixed_all;
            let judged = Judged {
                locale: p.locale,
                adaptive: adaptive && conf > 0.0,
                evidence: total > 0.0,
                conf,
                reliability: x.reliability,
                survival: unable.survival,
                p: unable.p,
                threshold_h: x.rule.threshold_h,
                before_h: x.silence.hours - x.silence.agreed_hours,
            };
            ChannelScore {
                channel: x.channel,
                silence: x.silence,
                points,
                contradicted: (1.0 - conf) * (x.fixed_all - x.fixed_agreed).max(0.0),
                usually_off_h: x.left_on.on_hours,
                usually_dark_h: x.left_on.lit_hours,
                judged,
            }
        })
        .collect();
    let deficit = (evidence && llr > 0.0).then_some(DeficitPoints {
        points: total * (1.0 - silence_share),
        deficit,
        p: unable.p,
    });
    Judgement { scores, deficit }
}

/// What a plug (not a meter) that still reports shows at the view's time: whether its steady
/// load is left on, and since when the light at it has stayed up; and until when its readings
/// show it. A plug that reports on a schedule shows its state up to its last reading, and no
/// further: pulled out of the wall with the TV on, it is not a TV left on through the night
/// (the hours until it counts as offline were read as such). One that reports only changes
/// shows it up to now.
fn plug_left_on(view: &View<'_>) -> (LeftOn, Timestamp) {
    let standby = view.rules.profile.no_change.standby_watts;
    let mut left = LeftOn::default();
    let mut known_until: Option<Timestamp> = None;
    for d in view.state.devices.iter().filter(|d| d.plug.is_some() && !view.is_offline(d)) {
        let (on, lit) = (d.appliance_on(standby), d.lit_since());
        left.on |= on;
        left.lit_from = left.lit_from.into_iter().chain(lit).min();
        if on || lit.is_some() {
            let shown = if d.periodic { d.last_report.min(view.at) } else { view.at };
            known_until = Some(known_until.map_or(shown, |t| t.max(shown)));
        }
    }
    (left, known_until.unwrap_or(view.at))
}

/// How a channel's silence was judged: what its reason's detail says in brackets.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Judged {
    locale: Locale,
    adaptive: bool,
    /// Whether the person's silence is evidence (the posterior has points).
    evidence: bool,
    conf: f64,
    /// The channel's reliability (see [`reliability`]).
    reliability: f64,
    /// The survival of the person's gaps at the joint surprise, and the posterior.
    survival: f64,
    p: f64,
    threshold_h: f64,
    /// Hours the channel was silent before the person's last sign of life elsewhere.
    before_h: f64,
}

// Written piece by piece, each piece a message of the table (this is written for most
// rows of a replay).
impl Display for Judged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.locale;
        if !self.adaptive {
            return render_to(f, loc, Msg::JudgedFixed, &[&hours(self.threshold_h, loc)]);
        }
        let n = 1.0 / self.survival.max(1e-12);
        if n < 1.5 {
            render_to(f, loc, Msg::JudgedUsual, &[])?;
        } else if n < 10_000.0 {
            render_to(f, loc, Msg::JudgedRare, &[&fixed(n, 0)])?;
        } else {
            render_to(f, loc, Msg::JudgedNever, &[])?;
        }
        render_to(f, loc, Msg::JudgedChance, &[&Percent(self.p, loc)])?;
        if self.reliability < 0.9 {
            render_to(f, loc, Msg::JudgedReliability, &[&hours(self.before_h, loc), &fixed(self.reliability, 2)])?;
        }
        if self.conf < 1.0 {
            render_to(f, loc, Msg::JudgedLearning, &[&fixed(self.conf * 100.0, 0), &hours(self.threshold_h, loc)])?;
        }
        Ok(())
    }
}

/// A probability as a whole percentage, "<1%" and ">99%" at the ends, in a locale.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Percent(pub f64, pub Locale);

impl Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pc = self.0 * 100.0;
        if pc < 1.0 {
            render_to(f, self.1, Msg::PercentBelow, &[])
        } else if pc > 99.0 {
            render_to(f, self.1, Msg::PercentAbove, &[])
        } else {
            render_to(f, self.1, Msg::Percent, &[&fixed(pc, 0)])
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
    // Known once asked: it depends on the channel's index only (`silent_since`,
    // `observed_until`).
    let cell = &view.silences[channel.channel_index()?];
    if let Some(known) = cell.get() {
        return known;
    }
    let silence = silence_until(view, channel, view.observed_until(channel));
    cell.set(Some(silence));
    silence
}

impl Silence {
    /// Whether the channel has been silent for more than `STALE_H` while the person was
    /// seen otherwise: it no longer watches the person (a TV left on, a plug pulled).
    pub fn outlived(&self) -> bool {
        self.hours - self.agreed_hours > STALE_H
    }
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

fn what(channel: Signal) -> Msg {
    match channel {
        Signal::Call => Msg::SilentCall,
        Signal::Steps => Msg::SilentSteps,
        Signal::Door => Msg::SilentDoor,
        Signal::App => Msg::SilentApp,
        _ => Msg::SilentOther,
    }
}

pub(crate) fn detect(scores: &[ChannelScore], out: &mut Vec<Evidence>) {
    for sc in scores.iter().filter(|sc| sc.channel != Signal::Plug && sc.reported()) {
        let loc = sc.judged.locale;
        let detail = say!(loc, Msg::Inactivity, what(sc.channel).at(loc), hours(sc.silence.hours, loc), sc.judged);
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
        let r = ChannelRule { threshold_h: 24.0, weight: 40.0, own_floor: false };
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
