//! The ladder as the Korean services run it: the automatic check-in call, then the
//! caseworker's (or the control center's) call or text, then a visit.
//!
//! Silence confirmed by missed automatic calls asks for `dispatch` only once the caseworker's
//! rung was tried (for a person without automatic calls, silence alone: a staff call or text
//! missed or unreachable, or `escalation.caseworker_h` after the first assessment that asked
//! for the caseworker): a staff call or text (`checkin` with `by` `staff`) missed or unreachable
//! after the automatic calls began to be missed, or `escalation.caseworker_h` hours after the
//! missed call that confirmed the silence and after the first assessment that asked for the
//! caseworker, with no sign of life since. Until then the action is `notify` (the level may be
//! `critical`), and a reason says so. SOS, a disposition that found an emergency or nobody at
//! the door, and what the person said skip the rung.
//!
//! The hour is the caseworker's from when anbu asked for them (fusion's `Held` keeps since
//! when the assessments have asked without a break): a level that reaches `critical` hours
//! after its confirming miss (automatic calls missed in sleep, the silence judged at warning
//! only later) is `notify` first, not a visit at once. An engine or replay that had not
//! assessed the person before (a first assessment) counts from the miss alone. Measured
//! 2026-12-06 with the worlds example (closed loop, 3 seeds; per 100 person-months): false
//! dispatches 4.4 -> 4.2 (A) and 1.8 -> 1.5 (B); of A's 119 false dispatches, 27 had gone out
//! with nobody asked to call, 5 remain so (a staff call had failed before); detection, and the
//! incidents visited while they lasted (70 of 90 and 76 of 116) with their median time to
//! the visit, unchanged.
//!
//! The visit names its kind ([`visit_kind`]): a staff `visit`, `police` or `119`.

use crate::assessment::{Action, Reason, ReasonKind, VisitKind};
use crate::detect::View;
use crate::detect::missed_checkins::{distinct_misses, staff_failed_since_misses};
use crate::messages::{Msg, say};
use crate::profile::ConcernRule;
use crate::time::Timestamp;
use crate::vocab::Finding;

/// Why a `dispatch` on silence and missed automatic calls waits at `notify`, if it does: the
/// reason's detail.
pub(crate) fn caseworker_pending(view: &View<'_>, notified_since: Option<Timestamp>) -> Option<String> {
    let esc = &view.rules.profile.escalation;
    if esc.caseworker_h <= 0.0 {
        return None;
    }
    let due = rung_from(view, notified_since)?.plus_hours(esc.caseworker_h);
    (view.at < due).then(|| say!(view.locale(), Msg::CaseworkerFirst, view.local(due)))
}

/// From when the caseworker's hour counts, if the rung is still to be tried (no staff call or
/// text failed since it began).
fn rung_from(view: &View<'_>, notified_since: Option<Timestamp>) -> Option<Timestamp> {
    let esc = &view.rules.profile.escalation;
    let st = view.state;
    if !view.rules.expects_checkin {
        // Nobody is called automatically: the caseworker's call or text is the first rung, and
        // the visit waits for it as it waits after the automatic calls.
        return st.staff_failed.is_none_or(|t| t > view.at).then(|| notified_since.unwrap_or(view.at));
    }
    // The automatic calls missed since the last sign of life (the state keeps no others).
    let misses: Vec<Timestamp> = st.missed_checkins.iter().copied().filter(|t| *t <= view.at).collect();
    if misses.is_empty() || staff_failed_since_misses(view).is_some() {
        return None;
    }
    // The miss that confirmed the silence: the one that made `critical_after_missed_checkins`
    // distinct attempts (the last one, if fewer were needed or counted).
    let need = esc.critical_after_missed_checkins.max(1);
    let confirmed = (1..=misses.len())
        .find(|n| distinct_misses(misses[..*n].iter().copied(), esc.confirm_within_h) >= need)
        .map_or(misses[misses.len() - 1], |n| misses[n - 1]);
    // The hour counts from when the caseworker was asked (`notify`), where earlier assessments
    // tell: a visit does not go out at the first assessment that calls for someone.
    Some(notified_since.map_or(confirmed, |n| n.max(confirmed)))
}

/// Which kind of visit a `dispatch` is (the rule is [`Assessment::visit`](crate::Assessment::visit)'s):
/// the strongest kind that the reasons call for, a staff visit if none does. `concern` is the
/// rule of what the person said, if a `concern` reason shows it.
pub(crate) fn visit_kind(view: &View<'_>, reasons: &[Reason], concern: Option<&ConcernRule>) -> VisitKind {
    let has = |kind: ReasonKind| reasons.iter().any(|r| r.kind == kind);
    let sos = has(ReasonKind::Sos).then_some(VisitKind::Ambulance);
    let found =
        view.state.last_disposition.filter(|_| has(ReasonKind::Disposition)).map(|(finding, _)| match finding {
            Finding::Emergency => VisitKind::Ambulance,
            _ => VisitKind::Police,
        });
    let said = concern.filter(|rule| rule.action == Action::Dispatch).map(|rule| rule.route.visit());
    [sos, found, said].into_iter().flatten().max().unwrap_or(VisitKind::Visit)
}
