//! `missed_checkins` and `concern`: automatic check-in calls.
//!
//! Only calls missed since the last sign of life count (a call missed before the person
//! was seen again says nothing now), and none missed during a registered absence. A
//! `concern` outcome (answered, but the person asked for help) is held for the profile's
//! `concern_hold_h`, unless a later check-in is answered normally.

use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::event::Signal;
use crate::profile::SilenceMode;
use crate::time::HOUR_MS;

/// How much one missed call weighs for this person: 1 for someone who answers 90% of
/// calls, more for someone who always answers, less for a phone usually on silent (in
/// `adaptive` mode; always 1 in `fixed` mode).
pub(crate) fn miss_weight(view: &View<'_>) -> f64 {
    match view.rules.profile.routine.mode {
        SilenceMode::Adaptive => view.state.routine.miss_weight(),
        SilenceMode::Fixed => 1.0,
    }
}

/// Missed check-ins that count at the view's time, weighted by `miss_weight`.
pub(crate) fn weighted_misses(view: &View<'_>) -> f64 {
    counted_misses(view) as f64 * miss_weight(view)
}

/// Missed check-ins that count at the view's time.
pub(crate) fn counted_misses(view: &View<'_>) -> usize {
    let st = view.state;
    st.missed_checkins
        .iter()
        .filter(|t| **t <= view.at && !st.absences.iter().any(|a| a.start <= **t && **t < a.end))
        .count()
}

pub(crate) fn detect(view: &View<'_>, out: &mut Vec<Evidence>) {
    let c = &view.rules.profile.checkins;
    let st = view.state;
    if let Some(t) = st.last_concern {
        let held = view.at.millis_since(t) <= (c.concern_hold_h * HOUR_MS as f64) as i64;
        let cleared = st.last_all_clear.is_some_and(|a| a > t);
        if held && !cleared && c.concern_points > 0.0 {
            let detail = format!("check-in call at {} answered, but the person asked for help", view.local(t));
            out.push(Evidence::new(Signal::Checkin, ReasonKind::Concern, detail, c.concern_points));
        }
    }
    if view.state.absence_at(view.at).is_some() {
        return;
    }
    let m = counted_misses(view);
    if m as u32 >= c.after && m > 0 {
        let w = miss_weight(view);
        let points = (c.points_each * m as f64 * w).min(c.max_points);
        let last = st.missed_checkins.iter().filter(|t| **t <= view.at).max().copied();
        let mut detail = match last {
            Some(t) if m == 1 => format!("check-in call at {} missed since the last sign of life", view.local(t)),
            Some(t) => format!("{m} check-in calls missed since the last sign of life (last at {})", view.local(t)),
            None => format!("{m} check-in calls missed"),
        };
        if (w - 1.0).abs() > 0.05 {
            let share = view.state.routine.answer_rate() * 100.0;
            detail.push_str(&format!("; this person answers {share:.0}% of check-in calls"));
        }
        if points > 0.0 {
            out.push(Evidence::new(Signal::Checkin, ReasonKind::MissedCheckins, detail, points));
        }
    }
}
