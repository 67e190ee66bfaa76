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
//!    before calls confirm the silence.
//! 4. The score is the sum, clamped to 0-100 and rounded to one decimal; the level comes
//!    from the profile's cut-offs, the action from its escalation policy (warning: a
//!    check-in call; warning with a missed check-in since the last sign of life: notify the
//!    caseworker; critical: dispatch), the responder from its schedule.
//!
//! Deterministic: the same state and time give the same assessment.

use crate::assessment::{Action, Assessment, Level, Reason, ReasonKind};
use crate::detect::{self, Evidence, View};
use crate::profile::Rules;
use crate::state::PersonState;
use crate::time::Timestamp;

/// Assesses one person at `at` from the folded state.
pub(crate) fn assess(person: &str, state: &PersonState, rules: &Rules, at: Timestamp) -> Assessment {
    let view = View { state, rules, at };
    let evidence = detect::detect_all(&view);
    let p = &rules.profile;

    let contradicted: f64 = evidence.iter().map(|e| e.contradicted).sum();
    let mut reasons: Vec<Reason> = evidence.into_iter().map(|e: Evidence| e.reason).collect();

    let factor = p.cross_check.contradicted_factor;
    if contradicted > 0.0
        && factor < 1.0
        && let Some(life) = state.last_life_any.filter(|l| l.ts <= at)
    {
        let detail = format!(
            "sign of life ({}) at {}, {} ago: silence elsewhere before it counts x{factor:.2}",
            life.signal,
            view.local(life.ts),
            detect::hours(at.hours_since(life.ts))
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
    let confirmed = misses >= p.escalation.critical_after_missed_checkins;
    let urgent = reasons.iter().any(|r| matches!(r.kind, ReasonKind::Sos | ReasonKind::Concern));
    let hold_at = p.levels.critical - 0.1;
    if rules.expects_checkin && !confirmed && !urgent && total > hold_at {
        reasons.push(Reason {
            signal: crate::event::Signal::Checkin,
            kind: ReasonKind::Escalation,
            detail: format!(
                "held below critical until {} check-in calls are missed ({misses} so far)",
                p.escalation.critical_after_missed_checkins
            ),
            contribution: hold_at - total,
        });
        total = hold_at;
    }

    reasons.sort_by(|a, b| {
        b.contribution
            .total_cmp(&a.contribution)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.signal.cmp(&b.signal))
            .then_with(|| a.detail.cmp(&b.detail))
    });
    for r in &mut reasons {
        r.contribution = round1(r.contribution);
    }
    let score = round1(total.clamp(0.0, 100.0));
    let level = if score >= p.levels.critical {
        Level::Critical
    } else if score >= p.levels.warning {
        Level::Warning
    } else if score >= p.levels.watch {
        Level::Watch
    } else {
        Level::Normal
    };
    let action = match level {
        Level::Normal => Action::None,
        Level::Watch => p.escalation.watch,
        Level::Warning if misses > 0 => p.escalation.warning_after_missed_checkin,
        Level::Warning => p.escalation.warning,
        Level::Critical => p.escalation.critical,
    };
    Assessment { person: person.to_string(), at, score, level, action, responder: rules.responder(at), reasons }
}

fn round1(x: f64) -> f64 {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 { 0.0 } else { r }
}
