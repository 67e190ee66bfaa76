//! Fusion: evidence in, one assessment out.
//!
//! 1. Every detector's evidence is points; silence in several expected channels adds
//!    up, so silence that independent channels agree on weighs more than silence in one.
//! 2. Cross-check: the person has been inactive for at most `r` hours, the time since
//!    the last sign of life in any signal. Silence a channel kept past that is contradicted
//!    by the other channel: its points count only at the profile's
//!    `cross_check.contradicted_factor`. What is taken off is shown as a `recent_activity`
//!    reason with a negative contribution, naming the sign of life.
//! 3. Where the person has check-in calls, silence alone is held just below `critical`
//!    until `escalation.critical_after_missed_checkins` calls were missed since the last
//!    sign of life (an `escalation` reason shows the points held back): nobody is sent
//!    before calls confirm the silence. Once they do, a `warning` becomes `critical`.
//! 4. The score is the sum, clamped to 0-100 and rounded to one decimal; the level comes
//!    from the profile's cut-offs, the action from its escalation policy (warning: a
//!    check-in call; warning with a missed check-in since the last sign of life: notify the
//!    caseworker; critical: dispatch), the responder from its schedule.
//!
//! 5. The safety floor: an `adaptive` profile is assessed twice, by the learned routine
//!    and by the seed rules (the same profile in `fixed` mode, `Rules::floor`), each with
//!    its own held state (hysteresis, the call-first clock). The higher of the two by
//!    level, then action, is the assessment: the seed rule of every channel the profile
//!    watches is a floor, so anbu asks for the check-in call no later than that rule
//!    fires and escalates on missed calls as the ladder says; the learned routine may only
//!    make it earlier (and quieter where a call is answered, as the seed rules' own
//!    cross-check is). Where the floor decides, its assessment is given with a
//!    `safety_floor` reason (no points) saying so; elsewhere the routine's, unchanged.
//!
//! Deterministic: the same state and time give the same assessment.

use std::cell::RefCell;

use crate::assessment::{Action, Assessment, Level, Reason, ReasonKind};
use crate::detect::{self, Evidence, View};
use crate::event::Signal;
use crate::profile::Rules;
use crate::routine::Walks;
use crate::state::PersonState;
use crate::text::fixed;
use crate::text::sentence;
use crate::time::Timestamp;

/// What one path of assessments (the learned routine's, or the safety floor's) remembers
/// for its next assessment.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Track {
    /// The last assessment's time and level, for hysteresis.
    pub last: Option<(Timestamp, Level)>,
    /// Since when silence at warning strength has waited for a check-in call to confirm it.
    pub unconfirmed_since: Option<Timestamp>,
}

/// What an assessment remembers for the next one: each path its own.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Held {
    /// The profile's own path (the learned routine, or the seed rules of a `fixed` profile).
    pub own: Track,
    /// The safety floor's path (the seed rules of an `adaptive` profile).
    pub floor: Track,
}

/// Hours within which a previous level is held by hysteresis.
const HOLD_H: i64 = 6;

/// One path's judgement: an assessment without its person, time and responder.
struct Judgement {
    score: f64,
    level: Level,
    action: Action,
    reasons: Vec<Reason>,
}

/// Assesses one person at `at` from the folded state; `held` is what the previous
/// assessment left (hysteresis, the call-first clock), updated when `at` is later.
pub(crate) fn assess(
    person: String,
    state: &PersonState,
    rules: &Rules,
    at: Timestamp,
    held: &mut Held,
    walks: Option<&RefCell<Walks>>,
) -> Assessment {
    let own = judge(state, rules, at, &mut held.own, walks);
    // The floor judges every time, so that its hysteresis and call-first clock are its
    // own; it does not walk silences (fixed mode), so the carried walks stay the routine's.
    let j = match rules.floor.as_deref() {
        Some(floor_rules) if floor_is_quiet(state, floor_rules, at, &mut held.floor) => own,
        Some(floor_rules) => {
            let floor = judge(state, floor_rules, at, &mut held.floor, None);
            if (floor.level, floor.action) > (own.level, own.action) { on_the_floor(floor, &own) } else { own }
        }
        None => own,
    };
    Assessment {
        person,
        at,
        score: j.score,
        level: j.level,
        action: j.action,
        responder: rules.responder(at),
        reasons: j.reasons,
    }
}

/// Whether the floor's judgement at `at` is certainly `normal` with nothing held: then it
/// cannot decide, and only its track is moved on (as [`judge`] would), without writing the
/// reasons it would not give. Most hours of most persons are so.
///
/// Its points are bounded by the channels' silence after the cross-check (exactly as
/// fusion counts it; leaving a registered absence or an away-from-home discount out only
/// raises the bound), plus the missed check-in calls' points and any device-blind points;
/// an SOS or a concern that could count, or a previous level to hold by hysteresis, takes
/// the full path.
fn floor_is_quiet(state: &PersonState, rules: &Rules, at: Timestamp, track: &mut Track) -> bool {
    let p = &rules.profile;
    if track.last.is_some_and(|(_, level)| level != Level::Normal) || track.unconfirmed_since.is_some() {
        return false;
    }
    let within = |t: Option<Timestamp>, hold_h: f64| t.is_some_and(|t| t <= at && at.hours_since(t) <= hold_h);
    if within(state.last_sos, p.sos.hold_h) || within(state.last_concern, p.checkins.concern_hold_h) {
        return false;
    }
    let view = View { state, rules, at, walks: None };
    // Missed check-in calls as they count in fixed mode (each weighs 1).
    let misses = detect::missed_checkins::counted_misses(&view);
    let c = &p.checkins;
    let mut bound =
        if misses > 0 && misses as u32 >= c.after { (c.points_each * misses as f64).min(c.max_points) } else { 0.0 };
    let discount =
        if state.last_life_any.is_some_and(|l| l.ts <= at) { 1.0 - p.cross_check.contradicted_factor } else { 0.0 };
    // Each expected channel's fixed points, as `inactivity::channels` gives them in fixed
    // mode (its silence on the rule's ramp; the part kept past the last sign of life
    // elsewhere contradicted), without the routine's work or a reason's text.
    for channel in Signal::CHANNELS.into_iter().filter(|c| view.expects(*c)) {
        let (Some(rule), Some(silence)) = (p.inactivity.rule(channel), detect::inactivity::silence(&view, channel))
        else {
            continue;
        };
        let points = detect::inactivity::silence_points(silence.hours, rule, p.inactivity.onset);
        let agreed = detect::inactivity::silence_points(silence.agreed_hours, rule, p.inactivity.onset);
        bound += points - (points - agreed).max(0.0) * discount;
    }
    if state.devices.iter().any(|d| view.is_offline(d)) {
        bound += p.device_offline.blind_points;
    }
    // Scores are rounded to one decimal: keep clear of the cut-off.
    if bound + 0.1 >= p.levels.watch {
        return false;
    }
    #[cfg(debug_assertions)]
    {
        let mut full = *track;
        let j = judge(state, rules, at, &mut full, None);
        let mut quick = *track;
        move_on(&mut quick, at);
        debug_assert_eq!(
            (j.level, j.action, full),
            (Level::Normal, Action::None, quick),
            "floor bound {bound}: {:?}",
            j.reasons
        );
    }
    move_on(track, at);
    true
}

/// A track after a `normal` judgement at `at` with nothing held.
fn move_on(track: &mut Track, at: Timestamp) {
    if track.last.is_none_or(|(prev_at, _)| at > prev_at) {
        *track = Track { last: Some((at, Level::Normal)), unconfirmed_since: None };
    }
}

/// The floor's judgement, with the `safety_floor` reason that says why it is given (and the
/// routine's `unwatched` reason, which knows the stale channels the seed rules do not).
fn on_the_floor(mut floor: Judgement, own: &Judgement) -> Judgement {
    if let Some(unwatched) = own.reasons.iter().find(|r| r.kind == ReasonKind::Unwatched) {
        floor.reasons.retain(|r| r.kind != ReasonKind::Unwatched);
        floor.reasons.push(unwatched.clone());
    }
    // The channels whose seed rules fired: the floor's reasons that add points.
    let mut channels: Vec<Signal> = Vec::with_capacity(4);
    for r in floor.reasons.iter().filter(|r| r.contribution > 0.0) {
        if !channels.contains(&r.signal) {
            channels.push(r.signal);
        }
    }
    let mut names = String::new();
    for (i, c) in channels.iter().enumerate() {
        names.push_str(match i {
            0 => "",
            _ if i + 1 == channels.len() => " and ",
            _ => ", ",
        });
        names.push_str(c.as_str());
    }
    if names.is_empty() {
        names.push_str("the person's channels");
    }
    let detail = sentence!(
        "safety floor: the seed rule of {names} fired ({}, {}); the learned routine alone judged {} ({}): the seed rule is the floor",
        floor.level,
        floor.action,
        own.level,
        own.action
    );
    floor.reasons.push(Reason {
        signal: channels.first().copied().unwrap_or(Signal::Checkin),
        kind: ReasonKind::SafetyFloor,
        detail,
        contribution: 0.0,
    });
    sort_reasons(&mut floor.reasons);
    floor
}

fn sort_reasons(reasons: &mut [Reason]) {
    reasons.sort_by(|a, b| {
        b.contribution
            .total_cmp(&a.contribution)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.signal.cmp(&b.signal))
            .then_with(|| a.detail.cmp(&b.detail))
    });
}

/// One path's assessment under `rules`; `held` is that path's own.
fn judge(
    state: &PersonState,
    rules: &Rules,
    at: Timestamp,
    held: &mut Track,
    walks: Option<&RefCell<Walks>>,
) -> Judgement {
    let view = View { state, rules, at, walks };
    let evidence = detect::detect_all(&view);
    let p = &rules.profile;

    let contradicted: f64 = evidence.iter().map(|e| e.contradicted).sum();
    let mut reasons: Vec<Reason> = evidence.into_iter().map(|e: Evidence| e.reason).collect();

    let factor = p.cross_check.contradicted_factor;
    if contradicted > 0.0
        && factor < 1.0
        && let Some(life) = state.last_life_any.filter(|l| l.ts <= at)
    {
        let detail = sentence!(
            "sign of life ({}) at {}, {} ago: silence elsewhere before it counts x{}",
            life.signal,
            view.local(life.ts),
            detect::hours(at.hours_since(life.ts)),
            fixed(factor, 2)
        );
        reasons.push(Reason {
            signal: life.signal,
            kind: ReasonKind::RecentActivity,
            detail,
            contribution: -contradicted * (1.0 - factor),
        });
    }

    let mut total: f64 = reasons.iter().map(|r| r.contribution).sum();
    let misses = detect::missed_checkins::counted_misses(&view) as u32;
    let confirmed = detect::missed_checkins::weighted_misses(&view) + 1e-3
        >= f64::from(p.escalation.critical_after_missed_checkins);
    let urgent = reasons.iter().any(|r| matches!(r.kind, ReasonKind::Sos | ReasonKind::Concern));
    let esc = &p.escalation;
    // A check-in call first: silence at warning strength waits for a missed call.
    let call_first = rules.expects_checkin
        && !urgent
        && esc.warning_after_missed_checkins > 0
        && misses < esc.warning_after_missed_checkins
        && round1(total) >= p.levels.warning;
    let unconfirmed_since = call_first.then(|| held.unconfirmed_since.filter(|s| *s <= at).unwrap_or(at));
    let waiting = unconfirmed_since.is_some_and(|s| at.hours_since(s) < esc.confirm_within_h);
    let hold_at = p.levels.critical - 0.1;
    if waiting {
        let below = p.levels.warning - 0.1;
        reasons.push(Reason {
            signal: crate::event::Signal::Checkin,
            kind: ReasonKind::Escalation,
            detail: sentence!(
                "held below warning until a check-in call is missed ({misses} so far), for at most {}: an automatic call goes first",
                detect::hours(esc.confirm_within_h)
            ),
            contribution: below - total,
        });
        total = below;
    } else if let Some(since) = unconfirmed_since {
        reasons.push(Reason {
            signal: crate::event::Signal::Checkin,
            kind: ReasonKind::Escalation,
            detail: sentence!(
                "no check-in call answered or missed in the {} since the silence reached warning",
                detect::hours(at.hours_since(since))
            ),
            contribution: 0.0,
        });
    }
    if rules.expects_checkin
        && confirmed
        && misses > 0
        && total >= p.levels.warning
        && total < p.levels.critical
        && esc.critical_after_missed_checkins > 0
    {
        // The field workflow: silence at warning that check-in calls confirm is critical.
        reasons.push(Reason {
            signal: crate::event::Signal::Checkin,
            kind: ReasonKind::Escalation,
            detail: sentence!("warning confirmed by {misses} missed check-in calls: someone must go"),
            contribution: p.levels.critical - total,
        });
        total = p.levels.critical;
    }
    if rules.expects_checkin && !confirmed && !urgent && total > hold_at {
        reasons.push(Reason {
            signal: crate::event::Signal::Checkin,
            kind: ReasonKind::Escalation,
            detail: sentence!(
                "held below critical until {} check-in calls are missed ({misses} so far)",
                esc.critical_after_missed_checkins
            ),
            contribution: hold_at - total,
        });
        total = hold_at;
    }

    let score = round1(total.clamp(0.0, 100.0));
    let cut = |l: Level| match l {
        Level::Normal => 0.0,
        Level::Watch => p.levels.watch,
        Level::Warning => p.levels.warning,
        Level::Critical => p.levels.critical,
    };
    let raw = Level::ALL.iter().rev().copied().find(|l| score >= cut(*l)).unwrap_or(Level::Normal);
    let mut level = raw;
    if let Some((prev_at, prev)) = held.last
        && at > prev_at
        && at.millis_since(prev_at) <= HOLD_H * crate::time::HOUR_MS
        && prev > raw
    {
        // Hysteresis: stay at the previous level while the score is within the margin.
        if let Some(kept) =
            Level::ALL.iter().rev().copied().find(|l| *l <= prev && *l > raw && score >= cut(*l) - p.levels.hysteresis)
        {
            level = kept;
            reasons.push(Reason {
                signal: crate::event::Signal::Checkin,
                kind: ReasonKind::Escalation,
                detail: sentence!(
                    "held at {kept} until the score falls below {} (hysteresis)",
                    fixed(cut(kept) - p.levels.hysteresis, 0)
                ),
                contribution: 0.0,
            });
        }
    }
    if held.last.is_none_or(|(prev_at, _)| at > prev_at) {
        held.last = Some((at, level));
        held.unconfirmed_since = unconfirmed_since;
    }
    sort_reasons(&mut reasons);
    for r in &mut reasons {
        r.contribution = round1(r.contribution);
    }
    let action = match level {
        Level::Normal => Action::None,
        Level::Watch => p.escalation.watch,
        Level::Warning if misses > 0 => p.escalation.warning_after_missed_checkin,
        Level::Warning => p.escalation.warning,
        Level::Critical => p.escalation.critical,
    };
    Judgement { score, level, action, reasons }
}

fn round1(x: f64) -> f64 {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 { 0.0 } else { r }
}
