//! The safety floor: for every channel a profile watches, the seed's fixed rule of that
//! channel is a floor under the learned routine.
//!
//! A channel's seed rule *fires* when the person has shown no sign of life, by any signal,
//! for the channel's `inactivity.<channel>.threshold_h` while the channel was watched (the
//! smart-plug service: no change in power or light for 24 h). Silence is counted as the
//! seed rules count it (see `inactivity`): only while a device watched the channel, never
//! across a registered absence, and none during one. From the first firing on, at least:
//!
//! - an automatic check-in call (`watch`, the profile's `escalation.watch` action), where the
//!   person has check-in calls;
//! - `warning` (the caseworker) once `escalation.warning_after_missed_checkins` calls were
//!   missed *after the rule fired*, or at once where the person has no check-in calls (or
//!   that setting is 0);
//! - `critical` (dispatch) once `escalation.critical_after_missed_checkins` calls were missed
//!   after the rule fired.
//!
//! Every missed call weighs 1 here, however rarely the person answers; an answered call
//! (any sign of life) ends the silence, so the floor lets the learned routine be quieter
//! only where a call is answered, and earlier always. Fusion gives the higher of the
//! learned routine's assessment and the floor, by level then action; where the floor
//! decides, a `safety_floor` reason says so and raises the score to the level's cut-off.
//! It applies to `adaptive` profiles; a `fixed` profile is the seed rules itself.
//!
//! The floor is a function of the folded state and the time (nothing is held between
//! assessments), so it waits for a call's outcome as long as none comes: the learned
//! routine's own call-first clock (`escalation.confirm_within_h`) starts only at the first
//! assessment that asks for the call, which the floor cannot know.

use crate::assessment::{Action, Level};
use crate::detect::{View, inactivity};
use crate::event::Signal;
use crate::profile::SilenceMode;
use crate::time::{HOUR_MS, Timestamp};

/// What the seed rules require at a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Floor {
    /// At least this level and action.
    pub level: Level,
    pub action: Action,
    /// The channel whose seed rule fired first, its threshold, and when it fired.
    pub channel: Signal,
    pub threshold_h: f64,
    pub fired_at: Timestamp,
    /// Since when the person has shown no sign of life (as that channel was watched).
    pub silent_since: Timestamp,
    /// Check-in calls missed after the rule fired.
    pub misses: u32,
}

/// The floor at the view's time, if a seed rule has fired.
pub(crate) fn floor(view: &View<'_>) -> Option<Floor> {
    let p = &view.rules.profile;
    if p.routine.mode != SilenceMode::Adaptive || view.state.absence_at(view.at).is_some() {
        return None;
    }
    // The first channel whose rule fired (its silence past the threshold while watched).
    let mut first: Option<(Timestamp, Signal, f64, Timestamp)> = None;
    for channel in Signal::CHANNELS.into_iter().filter(|c| view.expects(*c)) {
        let (Some(rule), Some(silence)) = (p.inactivity.rule(channel), inactivity::silence(view, channel)) else {
            continue;
        };
        if silence.agreed_hours < rule.threshold_h {
            continue;
        }
        let fired_at = silence.agreed_from.plus_millis((rule.threshold_h * HOUR_MS as f64).round() as i64);
        if first.is_none_or(|(t, ..)| fired_at < t) {
            first = Some((fired_at, channel, rule.threshold_h, silence.agreed_from));
        }
    }
    let (fired_at, channel, threshold_h, silent_since) = first?;
    let st = view.state;
    let misses = st
        .missed_checkins
        .iter()
        .filter(|t| **t >= fired_at && **t <= view.at && !st.absences.iter().any(|a| a.start <= **t && **t < a.end))
        .count() as u32;
    let esc = &p.escalation;
    let (level, action) = if !view.rules.expects_checkin {
        (Level::Warning, esc.warning)
    } else if esc.critical_after_missed_checkins > 0 && misses >= esc.critical_after_missed_checkins {
        (Level::Critical, esc.critical)
    } else if misses > 0 && misses >= esc.warning_after_missed_checkins {
        (Level::Warning, esc.warning_after_missed_checkin)
    } else if esc.warning_after_missed_checkins == 0 {
        (Level::Warning, if misses > 0 { esc.warning_after_missed_checkin } else { esc.warning })
    } else {
        (Level::Watch, esc.watch)
    };
    Some(Floor { level, action, channel, threshold_h, fired_at, silent_since, misses })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::*;
    use crate::event::{CheckinOutcome, EventKind};

    fn floor_at(profile: &str, events: &[crate::event::Event], h: f64) -> Option<Floor> {
        let r = rules(profile, true);
        let st = state(&r, events);
        floor(&View { state: &st, rules: &r, at: at(h), walks: None })
    }

    fn checkin(h: f64, outcome: CheckinOutcome) -> crate::event::Event {
        ev(h, "checkin", EventKind::Checkin { outcome })
    }

    #[test]
    fn the_plug_rule_fires_at_24_h_and_missed_calls_after_it_climb_the_ladder() {
        // The TV switched off at 1:00, then standby readings only.
        let mut events = plug(0.0, 1.0, 85.0);
        events.extend(plug(1.0, 60.0, 0.5));
        assert_eq!(floor_at("plug_only", &events, 24.9), None);
        let f = floor_at("plug_only", &events, 25.0).unwrap();
        assert_eq!(
            (f.level, f.action, f.channel, f.fired_at),
            (Level::Watch, Action::CheckinCall, Signal::Plug, at(25.0))
        );
        // No outcome: the call is still asked for.
        assert_eq!(floor_at("plug_only", &events, 40.0).map(|f| f.level), Some(Level::Watch));
        // A call missed before the rule fired does not escalate; one after it does, two dispatch.
        events.push(checkin(20.0, CheckinOutcome::Missed));
        events.push(checkin(25.5, CheckinOutcome::Missed));
        let f = floor_at("plug_only", &events, 26.0).unwrap();
        assert_eq!((f.level, f.action, f.misses), (Level::Warning, Action::Notify, 1));
        events.push(checkin(26.5, CheckinOutcome::Missed));
        let f = floor_at("plug_only", &events, 27.0).unwrap();
        assert_eq!((f.level, f.action, f.misses), (Level::Critical, Action::Dispatch, 2));
        // An answered call is a sign of life: the silence starts again.
        events.push(checkin(27.5, CheckinOutcome::Answered));
        assert_eq!(floor_at("plug_only", &events, 28.0), None);
        assert_eq!(floor_at("plug_only", &events, 51.5).map(|f| f.fired_at), Some(at(51.5)));
    }

    #[test]
    fn no_floor_for_a_fixed_profile_nor_during_a_registered_absence() {
        let events = plug(0.0, 60.0, 0.5);
        let r = rules("plug_only", false);
        let st = state(&r, &events);
        assert_eq!(floor(&View { state: &st, rules: &r, at: at(50.0), walks: None }), None);
        let mut away = events.clone();
        away.push(ev(10.0, "away", EventKind::Away { until: at(100.0) }));
        assert_eq!(floor_at("plug_only", &away, 50.0), None);
    }
}
