//! The safety floor: for every channel a profile watches, the seed's fixed rule of that
//! channel is a floor under the learned routine.
//!
//! A channel's seed rule *fires* when the person has shown no sign of life, by any signal,
//! for the channel's `inactivity.<channel>.threshold_h` while the channel was watched (the
//! smart-plug service: no change in power or light for 24 h). Silence is counted as the
//! seed rules count it (see `inactivity`): only while a device watched the channel, never
//! across a registered absence, and none during one. Where the person has check-in calls,
//! the floor asks for the call `escalation.floor_call_ahead_h` (2 h) *before* the rule
//! fires, so that its outcome is known when the seed rule would alert; from then on, at
//! least:
//!
//! - an automatic check-in call (`watch`, the profile's `escalation.watch` action), where the
//!   person has check-in calls;
//! - `warning` (the caseworker) once the rule has fired and
//!   `escalation.warning_after_missed_checkins` calls were missed *after it fired*, as the
//!   seed service alerts when the call it places then is missed. A call missed ahead of the
//!   rule is not that call: until the rule fires the call is asked for again (an answer is a
//!   sign of life), and when it fires it is asked for again once more, as the service calls
//!   then; a miss of that one is the warning, and so is nothing heard of it within
//!   `tuning::FLOOR_RECALL_H` (an hour, at most `escalation.confirm_within_h`). `warning`
//!   as well when the rule fires where the person has no check-in calls (or that setting is
//!   0), and once it has fired and nothing at all was heard since the floor asked for its
//!   call (no outcome, no sign of life) for `escalation.confirm_within_h`: the call may never
//!   have been placed (a call service down, an integration that does not report outcomes, a
//!   replay without the workflow), and the seed rule alerts whatever anbu asked for;
//! - `critical` (dispatch) once the rule has fired and
//!   `escalation.critical_after_missed_checkins` calls were missed after it fired, counting
//!   as distinct only misses at least `escalation.confirm_within_h` apart: a person out
//!   without the phone misses the floor's call and the scheduled call a few minutes later
//!   alike, and two such misses say little more than one (counted each, they made most of
//!   the false visits in the backtests).
//!
//! A channel whose seed service watches it alone (`inactivity.<channel>.own_floor`, on for
//! the plug: the smart-plug service sees nothing else) is a floor on its own silence as well,
//! while the person is seen otherwise: its seed service alerts then, so anbu asks for the
//! call `floor_call_ahead_h` before it would, and a miss is `warning` (the seed's alert; never
//! `critical` on this alone). Once a check-in call is answered after it asked, or the person
//! is seen after the rule fired, it asks again a threshold after the person was last seen:
//! the service's rule still fires while the channel stays silent, and it calls again a day
//! after an answer. Where the channel still reports, the person's own floor asks then
//! already; where it does not (a plug pulled out of the wall in a plug-only home), nothing
//! else would (2026-12-06: world B's s1/w-117, ill a day after her plug was pulled, was found
//! by the plug service at 23.8 h and by anbu not at all; now at 14.8 h, for 10 more calls and
//! 0.6 more false alert episodes per 100 person-months on B, about 1 more call on A).
//!
//! The channel's own floor, measured 2026-12-05 with the worlds example (closed loop, 300
//! persons x 90 days x 3 seeds; A tuned on, B held out): incidents found later than the plug
//! rule alone 9 -> 1 (A; the one left is a decline whose floor call was answered) and 3 -> 0
//! (B), at false alert episodes 19.4 -> 24.2 and 20.4 -> 28.3 and check-in calls 104 -> 136
//! and 117 -> 136 per 100 person-months. The other channels' own silence is not a floor by
//! default: their seed services watch them together (a door sensor with the plug, a step
//! app with the call log), and on its own the door's silence asked for a call on every day a
//! person stayed in (with every channel on, and the ask ended by any sign of life after it:
//! check-in calls 372 and 248, false episodes 60 and 47; with the plug and the call log, 229
//! and 170, 41 and 34).
//!
//! Why the person's silence in every signal and not (by default) the channel's own: counted on the
//! channel's own silence (as the plug service, which sees nothing else), the floor made 77
//! (world A) and 90 (world B) false alert episodes and 500 and 378 check-in calls per 100
//! person-months in the closed-loop backtests, against 21 and 25 and 105 and 132 as it is;
//! counted only where the channel's own silence was unusual for the person (3 nats), 25 and
//! 52. Counted on both (the person's silence as here, and each channel's own silence once per
//! silent spell, satisfied by a call answered after the floor asked for it), the incidents
//! found later than the plug rule on its own fell from 9 to 1 (A) and 2 to 0 (B), but false
//! alert episodes rose to 139 and 158 and check-in calls to 788 and 511 per 100 person-months;
//! with that channel floor held at a check-in call (never escalating on its own), 5 and 3
//! remained at 16.5 and 20.9 false episodes but 709 and 442 calls (measured 2026-12-05 with the
//! worlds example). It is reported, not hidden: the backtest prints the incidents found later
//! than the plug rule on its own channel (a person still moving about, the TV untouched).
//!
//! Not a floor by default either: the seed rules *together*, as the profile's `fixed` mode adds
//! the channels' partial silences (for `full`, about 17 h of silence in every channel reach
//! `warning`, where each channel's rule alone waits 24 h), asking for the call an hour ahead.
//! Measured 2026-12-05 with the worlds example: on B the incidents found later than the fixed
//! mode fell 3 -> 0 (three declines, by 1 h) at no cost (false episodes 28.4 -> 28.6, calls
//! 137.2 -> 137.5), but on A only 23 -> 20, at false episodes 23.8 -> 33.9, false dispatches
//! 7.1 -> 9.0 and calls 139.5 -> 153.1 per 100 person-months: what makes the fixed mode
//! earlier on A is mostly its other parts (missed calls weighed 1 each whatever the person's
//! answer rate, the decaying discount of a recent sign of life). Adding the missed calls to
//! the sum took A to 18 later, at 48.2 false episodes and 14.6 false dispatches.
//!
//! Why two hours ahead, and no warning before the rule fires: with the call an hour ahead and
//! a miss a warning at once, a well person who missed that one call (out for an hour, in the
//! bath) made a caseworker's alert. Asked two hours ahead, the call is placed again while
//! the first is unanswered (the closed loop's retry), and a warning waits for the rule: the
//! same hour on the backtests' grid for a person who answers nothing. Measured 2026-12-05
//! with the worlds example (closed loop, 300 persons x 90 days x 3 seeds; A tuned on, B held
//! out; per 100 person-months): false alert episodes 25.6 -> 17.5 (A) and 29.8 -> 21.4 (B),
//! check-in calls 145 -> 157 and 149 -> 164, false dispatches 3.9 -> 4.4 and 1.9 -> 1.9,
//! detected within 24 h 56 -> 57 and 65 -> 64 (one person in B had answered the earlier
//! call before the incident began, as the rule's coincidental alert had not waited for),
//! and incidents found later than the plug rule alone 1 -> 2 (A; both declines whose person
//! answered a call in the two hours before the rule fired: quieter where a call is
//! answered, as the floor allows) and 0 -> 0 (B); on eight seeds of each world, false
//! episodes 26.3 -> 18.2 and 32.2 -> 23.4 with as many found within a day (134 and 168), and
//! later than the plug rule alone 6 -> 9 (A, each a person ill or in decline who still
//! answered calls) and 0 -> 0 (B). Three hours ahead with two distinct misses
//! for a warning (the plug's own floor) cut B's false episodes alike, but left 5 incidents
//! later than the plug rule on A.
//!
//! Every missed call weighs 1 here, however rarely the person answers; an answered call
//! (any sign of life) ends the silence, so the floor lets the learned routine be quieter
//! only where a call is answered, and earlier always. Fusion gives the higher of the
//! learned routine's assessment and the floor, by level then action; where the floor
//! decides, a `safety_floor` reason says so and raises the score to the level's cut-off.
//! It applies to `adaptive` profiles; a `fixed` profile is the seed rules itself.
//!
//! Why the calls missed *after* the rule fired, and not those asked for ahead of it: until
//! 2026-12-06 (fifth session) a call missed ahead of the rule was the warning when the rule
//! fired. On the backtests' hourly grid the floor's calls go two hours and one hour ahead of
//! the rule; a person back home or awake in the last hour missed them and would have
//! answered the seed service's call, placed when its rule fires, and was a false alert of
//! anbu's alone. Measured with the worlds example (closed loop, per 100 person-months; three
//! seeds): false alert episodes 17.4 -> 13.6 (A) and 21.7 -> 16.9 (B), of them begun by the
//! floor 14.9 -> 11.1 and 14.3 -> 9.5; false dispatches 3.8 -> 3.3 and 0.8 -> 1.1; check-in
//! calls 157.6 -> 158.0 and 170.1 -> 170.0; detected unchanged (83 of 90, 105 of 116), within
//! 24 h 57 -> 55 and 62 -> 61, medians unchanged (18.1 h, 18.0 h). Eight seeds never looked
//! at before (201-208): false episodes 18.6 -> 14.7 (A) and 24.2 -> 19.4 (B), within 24 h
//! 136 -> 133 of 242 and 165 -> 155 of 312. Against the operating curve (`routine.sensitivity`
//! swept), the new one lies left of the old on B everywhere (at 61-62 within 24 h, 16.9
//! false episodes against 21.7) and on A below 56 within 24 h (at 55, 13.6 against 16.7).
//! The cost is the call's own time: the floor's warning comes when the call placed as the
//! rule fires is missed, minutes later in real time and an hour later on the hourly grid,
//! the same hour as the plug service's own; the incidents found more than half an hour after
//! the plug rule on paper (no call at all) went 2 -> 11 (A) and 0 -> 14 (B), by more than the
//! call's hour 2 and 1, as before but for one acute illness whose person answered that call.
//!
//! The floor is a function of the folded state and the time (nothing is held between
//! assessments): when it asked for its call is `floor_call_ahead_h` before the rule fires,
//! so the outcome is due `confirm_within_h` after that, and not before the rule fires (with
//! the defaults, when it fires). Until 2026-12-06 it waited for an outcome as long as none
//! came, so that without the workflow in the loop (a replay of past events, the casebook's
//! scenarios built as a new user would) a plug-only man whose TV never came on again was
//! asked a call from 22 h and notified at 51 h by the learned routine, where the seed rule
//! alerts at 24 h. Measured with the worlds example (eight seeds; per 100 person-months):
//! the closed loop, where every call placed is answered or missed, unchanged on A and within
//! 0.1 on B but for the notifications (34.3 -> 34.8); open loop, incidents detected 185 ->
//! 201 of 232 (A) and 241 -> 275 of 309 (B), within 24 h 110 -> 128 and 110 -> 154, false
//! alert episodes 33.5 -> 57.6 and 10.3 -> 50.2 (the seed's plug rule alone: 73.2 and 61.5):
//! without calls, anbu raises the seed rules' alerts.

use crate::assessment::{Action, Level};
use crate::detect::missed_checkins::counted_misses_in;
use crate::detect::{View, inactivity};
use crate::profile::SilenceMode;
use crate::time::{Timestamp, hours_ms};
use crate::tuning::FLOOR_RECALL_H;
use crate::vocab::Signal;

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
    /// Since when the person (or, for a floor `alone`, the channel) has shown no sign of
    /// life, as that channel was watched.
    pub silent_since: Timestamp,
    /// Check-in calls missed after the rule fired (distinct attempts): what climbs the ladder.
    pub misses: u32,
    /// Check-in calls missed after the floor asked for its call and before the rule fired
    /// (distinct attempts): the call is asked for again when the rule fires.
    pub missed_ahead: u32,
    /// When the floor asked for the call of which no outcome was reported by its due time
    /// (the caseworker then, as the seed rule alerts; see the module docs): the call asked for
    /// ahead of the rule, or, where that one was missed, the call asked for again when the
    /// rule fired.
    pub unreported: Option<Timestamp>,
    /// Whether the channel's own silence decided, while the person was seen otherwise (its
    /// `own_floor`), rather than the person's silence in every signal.
    pub alone: bool,
}

/// One seed rule's ask: when its call goes, when it fires, and how high it may take the floor.
#[derive(Clone, Copy)]
struct Ask {
    call_at: Timestamp,
    fired_at: Timestamp,
    channel: Signal,
    threshold_h: f64,
    from: Timestamp,
    /// The highest level this ask may reach: a channel's own silence while the person was
    /// seen otherwise stops at `warning` (the seed rule's alert); the person's silence climbs
    /// the whole ladder.
    cap: Level,
}

/// The floor at the view's time, if a seed rule has fired (or is within
/// `escalation.floor_call_ahead_h` of firing, where the person has check-in calls).
pub(crate) fn floor(view: &View<'_>) -> Option<Floor> {
    let p = &view.rules.profile;
    if p.routine.mode != SilenceMode::Adaptive || view.state.absence_at(view.at).is_some() {
        return None;
    }
    let ahead_ms = if view.rules.expects_checkin { hours_ms(p.escalation.floor_call_ahead_h) } else { 0 };
    let mut best: Option<(Floor, Timestamp)> = None;
    for channel in Signal::CHANNELS.into_iter().filter(|c| view.expects(*c)) {
        let Some(rule) = p.inactivity.rule(channel) else { continue };
        let threshold_ms = hours_ms(rule.threshold_h);
        let ask = |from: Timestamp, cap: Level| {
            let fired_at = from.plus_millis(threshold_ms);
            Ask {
                call_at: fired_at.plus_millis(-ahead_ms).max(from),
                fired_at,
                channel,
                threshold_h: rule.threshold_h,
                from,
                cap,
            }
        };
        // The person's silence, as the channel watched it.
        let person = inactivity::silence(view, channel).map(|s| (ask(s.agreed_from, Level::Critical), s.until));
        // The channel's own silence, as its seed service sees it (which counts a plug pulled
        // out of the wall or offline as silence, but not a device a visit reported at fault).
        let reported_fault = view.state.devices.iter().any(|d| d.reported_fault && d.reports_on(channel));
        let own = if rule.own_floor && !reported_fault {
            inactivity::silence_until(view, channel, view.at).and_then(|s| {
                let first = ask(s.since, Level::Warning);
                // Its ask is met by a call answered after it asked, or by the person seen
                // after the rule fired. The channel stays silent, and its seed service's rule
                // still fires: the service calls again a threshold after the answer, and the
                // floor asks again a threshold after the person was last seen.
                let st = view.state;
                let answered = st.last_all_clear.is_some_and(|t| t >= first.call_at && t <= view.at);
                let seen = s.agreed_from >= first.fired_at && s.agreed_from > s.since;
                let own = match st.last_life_any.filter(|_| answered || seen) {
                    Some(last) => ask(last.ts, Level::Warning),
                    None => first,
                };
                // The person's own ask covers it unless the channel stopped watching before
                // that ask's call (a plug pulled out of the wall: its service still alerts).
                let earlier = person.is_none_or(|(p, until)| own.call_at < p.call_at || until < p.call_at);
                earlier.then_some((own, view.at))
            })
        } else {
            None
        };
        for (a, until) in [person, own].into_iter().flatten() {
            // Watched until `until`: the rule asks once the watched silence reaches the call.
            if until < a.call_at || view.at < a.call_at {
                continue;
            }
            let f = judge(view, &a);
            if best.as_ref().is_none_or(|(b, call_at)| {
                (f.level, f.action) > (b.level, b.action)
                    || ((f.level, f.action) == (b.level, b.action) && a.call_at < *call_at)
            }) {
                best = Some((f, a.call_at));
            }
        }
    }
    best.map(|(f, _)| f)
}

/// What one ask requires at the view's time.
fn judge(view: &View<'_>, a: &Ask) -> Floor {
    let esc = &view.rules.profile.escalation;
    let st = view.state;
    // Before the rule fires the floor only asks for the call. Once it has fired, the calls
    // missed *after* it climb the ladder, as the seed service's, which calls when its rule
    // fires: a call missed ahead of the rule is asked for again then (the person may be back,
    // or awake, and answer it), and is the warning only if nothing is heard of that call
    // within `FLOOR_RECALL_H`.
    let fired = view.at >= a.fired_at;
    let (missed_ahead, misses) = if fired {
        (counted_misses_in(view, a.call_at..a.fired_at), counted_misses_in(view, a.fired_at..=view.at))
    } else {
        (counted_misses_in(view, a.call_at..=view.at), 0)
    };
    let recall_unheard = fired
        && misses == 0
        && missed_ahead > 0
        && view.at >= a.fired_at.plus_hours(FLOOR_RECALL_H.min(esc.confirm_within_h));
    // What climbs the ladder: the misses after the rule fired, or the call asked for again
    // then, unheard, as one.
    let climbing = if recall_unheard { 1 } else { misses };
    // The call's outcome is due `confirm_within_h` after the floor asked, and not before the
    // rule fires. Nothing heard since it asked by then, no outcome and no sign of life: nobody
    // knows whether the call was placed, so the seed rule's alert stands.
    let due = a.fired_at.max(a.call_at.plus_hours(esc.confirm_within_h));
    let reported = |t: Timestamp| t >= a.call_at && t <= view.at;
    let unreported = (view.rules.expects_checkin
        && misses == 0
        && missed_ahead == 0
        && view.at >= due
        && !st.last_life_any.is_some_and(|l| reported(l.ts))
        && !st.staff_failed.is_some_and(reported)
        && !st.last_concern.is_some_and(reported)
        && !st.category_concerns.iter().any(|(_, t)| reported(*t)))
    .then_some(a.call_at);
    let (mut level, mut action) = if !view.rules.expects_checkin || unreported.is_some() {
        (Level::Warning, esc.warning)
    } else if fired && esc.critical_after_missed_checkins > 0 && climbing >= esc.critical_after_missed_checkins {
        (Level::Critical, esc.critical)
    } else if fired && climbing > 0 && climbing >= esc.warning_after_missed_checkins {
        (Level::Warning, esc.warning_after_missed_checkin)
    } else if fired && esc.warning_after_missed_checkins == 0 {
        (Level::Warning, if climbing > 0 { esc.warning_after_missed_checkin } else { esc.warning })
    } else {
        (Level::Watch, esc.watch)
    };
    if level > a.cap {
        (level, action) = (a.cap, if climbing > 0 { esc.warning_after_missed_checkin } else { esc.warning });
    }
    Floor {
        level,
        action,
        channel: a.channel,
        threshold_h: a.threshold_h,
        fired_at: a.fired_at,
        silent_since: a.from,
        misses,
        missed_ahead,
        unreported: if recall_unheard { Some(a.fired_at) } else { unreported },
        alone: a.cap < Level::Critical,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::*;
    use crate::event::EventKind;
    use crate::vocab::CheckinOutcome;

    fn floor_at(profile: &str, events: &[crate::event::Event], h: f64) -> Option<Floor> {
        let r = rules(profile, true);
        let st = state(&r, events);
        floor(&View::new(&st, &r, at(h), None))
    }

    fn checkin(h: f64, outcome: CheckinOutcome) -> crate::event::Event {
        ev(h, "checkin", EventKind::checkin(outcome))
    }

    #[test]
    fn the_call_goes_two_hours_ahead_of_the_plug_rule_and_distinct_missed_calls_climb_the_ladder() {
        // The TV switched off at 1:00, then standby readings only: the rule fires at 25:00.
        let mut events = plug(0.0, 1.0, 85.0);
        events.extend(plug(1.0, 60.0, 0.5));
        assert_eq!(floor_at("plug_only", &events, 22.9), None);
        let f = floor_at("plug_only", &events, 23.0).unwrap();
        assert_eq!(
            (f.level, f.action, f.channel, f.fired_at),
            (Level::Watch, Action::CheckinCall, Signal::Plug, at(25.0))
        );
        // Nothing heard of the call by the time the rule fires (asked 2 h before it, the
        // outcome due `confirm_within_h` = 2 h after): the seed rule's alert stands.
        assert_eq!(floor_at("plug_only", &events, 24.9).map(|f| (f.level, f.unreported)), Some((Level::Watch, None)));
        let f = floor_at("plug_only", &events, 25.0).unwrap();
        assert_eq!((f.level, f.action, f.misses, f.unreported), (Level::Warning, Action::Notify, 0, Some(at(23.0))));
        assert_eq!(floor_at("plug_only", &events, 40.0).map(|f| f.level), Some(Level::Warning));
        // A call missed before the floor asked does not escalate. The one it asked for, missed
        // ahead of the rule, does not either: when the rule fires the call is asked for again,
        // as the seed service calls then, and a miss of that one is the warning.
        events.push(checkin(20.0, CheckinOutcome::Missed));
        events.push(checkin(23.1, CheckinOutcome::Missed));
        let f = floor_at("plug_only", &events, 24.9).unwrap();
        assert_eq!((f.level, f.action, f.misses, f.missed_ahead), (Level::Watch, Action::CheckinCall, 0, 1));
        let f = floor_at("plug_only", &events, 25.0).unwrap();
        assert_eq!((f.level, f.action, f.misses, f.missed_ahead), (Level::Watch, Action::CheckinCall, 0, 1));
        let mut missed_at_rule = events.clone();
        missed_at_rule.push(checkin(25.1, CheckinOutcome::Missed));
        let f = floor_at("plug_only", &missed_at_rule, 25.2).unwrap();
        assert_eq!((f.level, f.action, f.misses, f.unreported), (Level::Warning, Action::Notify, 1, None));
        // Nothing heard of the call asked for again within `FLOOR_RECALL_H`: the seed rule's
        // alert stands.
        assert_eq!(floor_at("plug_only", &events, 25.9).map(|f| f.level), Some(Level::Watch));
        let f = floor_at("plug_only", &events, 26.0).unwrap();
        assert_eq!((f.level, f.action, f.misses, f.unreported), (Level::Warning, Action::Notify, 0, Some(at(25.0))));
        // Misses after the rule fired climb the ladder: a second an hour after the first is
        // not a distinct attempt; one 2 h after it is.
        events.push(checkin(25.1, CheckinOutcome::Missed));
        events.push(checkin(26.1, CheckinOutcome::Missed));
        assert_eq!(floor_at("plug_only", &events, 26.5).map(|f| (f.level, f.misses)), Some((Level::Warning, 1)));
        events.push(checkin(27.1, CheckinOutcome::Missed));
        let f = floor_at("plug_only", &events, 27.5).unwrap();
        assert_eq!((f.level, f.action, f.misses), (Level::Critical, Action::Dispatch, 2));
        // An answered call is a sign of life: the silence starts again.
        events.push(checkin(27.5, CheckinOutcome::Answered));
        assert_eq!(floor_at("plug_only", &events, 28.0), None);
        assert_eq!(floor_at("plug_only", &events, 49.5).map(|f| f.fired_at), Some(at(51.5)));
        // The call asked for again when the rule fired is answered: nothing is raised.
        let mut answered = plug(0.0, 1.0, 85.0);
        answered.extend(plug(1.0, 60.0, 0.5));
        answered.push(checkin(23.1, CheckinOutcome::Missed));
        answered.push(checkin(24.1, CheckinOutcome::Missed));
        answered.push(checkin(25.1, CheckinOutcome::Answered));
        assert_eq!(floor_at("plug_only", &answered, 26.0), None);
    }

    #[test]
    fn calls_asked_for_well_ahead_escalate_only_once_the_rule_fires() {
        // A profile asking six hours ahead: two distinct misses before the rule fires (25:00)
        // are a watch until then and while the call asked for again then has no outcome, a
        // warning when it has none within the hour, and critical only on the misses after
        // the rule fired, as the seed service's ladder.
        let mut events = plug(0.0, 1.0, 85.0);
        events.extend(plug(1.0, 60.0, 0.5));
        events.push(checkin(19.1, CheckinOutcome::Missed));
        events.push(checkin(21.5, CheckinOutcome::Missed));
        let mut r = rules("plug_only", true);
        std::sync::Arc::make_mut(&mut r.profile).escalation.floor_call_ahead_h = 6.0;
        let st = state(&r, &events);
        let at_h = |h: f64| floor(&View::new(&st, &r, at(h), None)).unwrap();
        let f = at_h(24.9);
        assert_eq!((f.level, f.action, f.missed_ahead), (Level::Watch, Action::CheckinCall, 2));
        let f = at_h(25.0);
        assert_eq!((f.level, f.action, f.misses), (Level::Watch, Action::CheckinCall, 0));
        let f = at_h(26.0);
        assert_eq!((f.level, f.action, f.unreported), (Level::Warning, Action::Notify, Some(at(25.0))));
        let mut events = events.clone();
        events.push(checkin(25.1, CheckinOutcome::Missed));
        events.push(checkin(27.2, CheckinOutcome::Missed));
        let st = state(&r, &events);
        let f = floor(&View::new(&st, &r, at(27.5), None)).unwrap();
        assert_eq!((f.level, f.action, f.misses), (Level::Critical, Action::Dispatch, 2));
    }

    #[test]
    fn a_retry_answered_before_the_rule_fires_raises_nothing() {
        // The person missed the floor's first call (out for an hour) and answered the retry:
        // no warning was raised in between, and none comes when the rule would have fired.
        let mut events = plug(0.0, 1.0, 85.0);
        events.extend(plug(1.0, 60.0, 0.5));
        events.push(checkin(23.1, CheckinOutcome::Missed));
        assert_eq!(floor_at("plug_only", &events, 24.0).map(|f| f.level), Some(Level::Watch));
        events.push(checkin(24.1, CheckinOutcome::Answered));
        assert_eq!(floor_at("plug_only", &events, 25.0), None);
        // Without the answer, the same miss asks for the call again when the rule fires
        // (25:00), and is a warning once nothing is heard of that one within the hour.
        events.pop();
        assert_eq!(floor_at("plug_only", &events, 25.0).map(|f| f.level), Some(Level::Watch));
        assert_eq!(floor_at("plug_only", &events, 26.0).map(|f| f.level), Some(Level::Warning));
    }

    #[test]
    fn the_plug_alone_asks_for_a_call_while_the_person_moves_about_and_stops_at_warning() {
        // The TV off from 1:00 while the door opens every two hours: the plug's own rule
        // fires at 25:00 (the smart-plug service sees the plug alone), so the floor asks for
        // the call at 23:00 though the person was seen minutes ago.
        let mut events = plug(0.0, 1.0, 85.0);
        events.extend(plug(1.0, 60.0, 0.5));
        let doors: Vec<_> =
            (0..30).map(|h| ev(h as f64 * 2.0 + 0.5, "door", EventKind::door(crate::vocab::DoorState::Open))).collect();
        let mut all = events.clone();
        all.extend(doors.iter().filter(|e| e.ts <= at(24.0)).cloned());
        assert_eq!(floor_at("call_iot", &all, 22.9), None);
        let f = floor_at("call_iot", &all, 23.0).unwrap();
        assert_eq!((f.level, f.action, f.channel, f.alone), (Level::Watch, Action::CheckinCall, Signal::Plug, true));
        // Missed ahead of the rule and when it fired, then again: the caseworker (the plug
        // service's alert), never a dispatch on this alone.
        all.push(checkin(23.1, CheckinOutcome::Missed));
        all.push(checkin(25.1, CheckinOutcome::Missed));
        all.push(checkin(27.4, CheckinOutcome::Missed));
        let f = floor_at("call_iot", &all, 27.45).unwrap();
        assert_eq!((f.level, f.action, f.misses), (Level::Warning, Action::Notify, 2));
        // Seen after the rule fired: this silent spell of the plug asks no more.
        all.push(doors[13].clone());
        assert_eq!(floor_at("call_iot", &all, 27.5), None);
        // Answered after the call was asked for: quieter at once, though the plug stays off.
        let mut answered = events.clone();
        answered.extend(doors.iter().filter(|e| e.ts <= at(24.0)).cloned());
        answered.push(checkin(23.2, CheckinOutcome::Answered));
        assert_eq!(floor_at("call_iot", &answered, 23.5), None);
        // A profile that does not take the plug's own silence as a floor waits for the person's.
        let mut r = rules("call_iot", true);
        std::sync::Arc::make_mut(&mut r.profile).inactivity.plug.own_floor = false;
        let st = state(&r, &all[..all.len() - 4]);
        assert_eq!(floor(&View::new(&st, &r, at(23.0), None)), None);
    }

    #[test]
    fn a_plug_pulled_out_of_the_wall_is_silence_to_its_own_rule() {
        // The TV's plug reports until 1:00, then nothing (pulled out); the door opens every
        // two hours. The plug service sees no change: its rule fires at 25:00.
        let mut events = plug(0.0, 1.0, 85.0);
        events.extend(plug(1.0, 1.1, 0.5));
        events
            .extend((0..12).map(|h| ev(h as f64 * 2.0 + 0.5, "door", EventKind::door(crate::vocab::DoorState::Open))));
        let f = floor_at("call_iot", &events, 24.0).expect("the plug's own rule asks");
        assert_eq!((f.level, f.action, f.channel, f.alone), (Level::Watch, Action::CheckinCall, Signal::Plug, true));
        // With nothing else to see the person either (a plug-only household), it still asks:
        // the person's own silence stopped counting when the plug stopped reporting.
        let mut alone = plug(0.0, 1.0, 85.0);
        alone.extend(plug(1.0, 1.1, 0.5));
        assert_eq!(floor_at("plug_only", &alone, 22.9), None);
        let f = floor_at("plug_only", &alone, 23.0).expect("the plug's own rule asks");
        assert_eq!((f.level, f.action, f.alone), (Level::Watch, Action::CheckinCall, true));
        // A missed call is the plug service's alert, and no more on this alone.
        alone.push(checkin(24.5, CheckinOutcome::Missed));
        alone.push(checkin(27.0, CheckinOutcome::Missed));
        assert_eq!(
            floor_at("plug_only", &alone, 28.0).map(|f| (f.level, f.action)),
            Some((Level::Warning, Action::Notify))
        );
    }

    #[test]
    fn a_pulled_plug_in_a_home_nothing_else_sees_is_asked_again_a_day_after_an_answer() {
        // Pulled out at 1:00 in a plug-only household: the call goes at 23:00 and is answered
        // at 23:30. The plug service's rule is still firing, and it calls again a day later;
        // so does the floor, a day after the person was last seen (the answer).
        let mut events = plug(0.0, 1.0, 85.0);
        events.extend(plug(1.0, 1.1, 0.5));
        events.push(checkin(23.5, CheckinOutcome::Answered));
        assert_eq!(floor_at("plug_only", &events, 24.0), None);
        assert_eq!(floor_at("plug_only", &events, 45.4), None);
        let f = floor_at("plug_only", &events, 45.5).expect("asked again");
        assert_eq!((f.level, f.action, f.alone, f.fired_at), (Level::Watch, Action::CheckinCall, true, at(47.5)));
        events.push(checkin(46.0, CheckinOutcome::Missed));
        assert_eq!(floor_at("plug_only", &events, 47.5).map(|f| f.level), Some(Level::Watch));
        events.push(checkin(47.6, CheckinOutcome::Missed));
        assert_eq!(floor_at("plug_only", &events, 47.7).map(|f| f.level), Some(Level::Warning));
        // A sign of life after the answer (the person phoned someone): the ask counts from it.
        let mut seen = plug(0.0, 1.0, 85.0);
        seen.extend(plug(1.0, 1.1, 0.5));
        seen.push(checkin(23.5, CheckinOutcome::Answered));
        seen.push(ev(30.0, "phone", EventKind::call(crate::vocab::Direction::Out, true)));
        assert_eq!(floor_at("plug_only", &seen, 45.5), None);
        assert_eq!(floor_at("plug_only", &seen, 52.0).map(|f| (f.level, f.fired_at)), Some((Level::Watch, at(54.0))));
    }

    #[test]
    fn without_check_in_calls_the_rule_is_a_warning_when_it_fires_not_ahead() {
        let mut events = plug(0.0, 1.0, 85.0);
        events.extend(plug(1.0, 60.0, 0.5));
        let mut r = rules("plug_only", true);
        r.expects_checkin = false;
        let st = state(&r, &events);
        let at_h = |h: f64| floor(&View::new(&st, &r, at(h), None));
        assert_eq!(at_h(24.5), None);
        assert_eq!(at_h(25.0).map(|f| (f.level, f.action)), Some((Level::Warning, Action::Notify)));
    }

    #[test]
    fn no_floor_for_a_fixed_profile_nor_during_a_registered_absence() {
        let events = plug(0.0, 60.0, 0.5);
        let r = rules("plug_only", false);
        let st = state(&r, &events);
        assert_eq!(floor(&View::new(&st, &r, at(50.0), None)), None);
        let mut away = events.clone();
        away.push(ev(10.0, "away", EventKind::away(at(100.0))));
        assert_eq!(floor_at("plug_only", &away, 50.0), None);
    }
}
