//! `decline`: a multi-day downward trend of activity (steps, calls, plug use, door
//! openings, phone use) against the person's own baseline, found with two EWMAs of the
//! daily count of signs of life (see the `routine` module). It raises `watch` or
//! `warning` before the signals stop altogether. An answered check-in call in the last
//! day says the person is fine for now and weakens it.

use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::event::Signal;
use crate::profile::SilenceMode;
use crate::state::Context;
use crate::time::HOUR_MS;

/// Share of decline evidence kept after an answered check-in call in the last day.
const AFTER_ANSWER: f64 = 0.3;

pub(crate) fn detect(view: &View<'_>, out: &mut Vec<Evidence>) {
    let r = &view.rules.profile.routine;
    if r.mode != SilenceMode::Adaptive || r.decline_weight <= 0.0 {
        return;
    }
    let ctx = Context { rules: view.rules, devices: &view.state.devices, absences: &view.state.absences };
    let Some((drop, usual, recent)) = view.state.routine.decline(view.at, &ctx) else { return };
    if drop <= r.decline_onset {
        return;
    }
    let strength = ((drop - r.decline_onset) / (r.decline_full - r.decline_onset)).min(1.0);
    let answered_recently =
        view.state.last_all_clear.is_some_and(|t| t <= view.at && view.at.millis_since(t) <= 24 * HOUR_MS);
    let points = r.decline_weight * strength * if answered_recently { AFTER_ANSWER } else { 1.0 };
    let mut detail = format!(
        "activity down {:.0}% over the last days: {recent:.0} signs of life a day against a usual {usual:.0} (EWMA)",
        drop * 100.0
    );
    if answered_recently {
        detail.push_str("; a check-in call was answered in the last day");
    }
    out.push(Evidence::new(Signal::Steps, ReasonKind::Decline, detail, points));
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::event::{DoorState, EventKind};

    #[test]
    fn fading_activity_against_the_persons_own_baseline() {
        let r = rules("full", true);
        let mut events = Vec::new();
        for d in 0..30 {
            let per_day = if d < 22 { 12 } else { 12 - (d - 21) as usize };
            for k in 0..per_day {
                let h = d as f64 * 24.0 + 8.0 + k as f64;
                events.push(ev(h, "door-front", EventKind::Door { state: DoorState::Open }));
            }
        }
        let e = run(&r, &events, 30.0 * 24.0 + 1.0, super::detect);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].reason.detail.starts_with("activity down"), "{}", e[0].reason.detail);
        assert!(e[0].reason.contribution > 0.0);
        // A steady person shows no decline.
        let steady: Vec<_> = (0..30 * 12)
            .map(|k| {
                ev(
                    (k / 12) as f64 * 24.0 + 8.0 + (k % 12) as f64,
                    "door-front",
                    EventKind::Door { state: DoorState::Open },
                )
            })
            .collect();
        assert!(run(&r, &steady, 30.0 * 24.0 + 1.0, super::detect).is_empty());
    }
}
