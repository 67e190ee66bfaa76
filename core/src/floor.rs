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
//! Where the person usually sleeps in the hour the rule fires (the learned chance of a sign
//! of life in it, in any channel watched, under `tuning::FLOOR_AWAKE_SHARE` of the day's most
//! active hour's), the floor asks earlier: at the last hour before, at most
//! `tuning::FLOOR_AWAKE_WINDOW_H` ahead of the rule, in which the person is usually up. A
//! 24 h or 48 h rule fires at the hour of the day the person was last seen, so this is the
//! silence that began at an odd hour (a call made at 03:00, a door at dawn): its rule fires
//! at night, where its calls are missed in sleep and the warning goes to the control center.
//! Answered in the evening, the call starts the silence again, and the rule's next turn falls
//! in the day; missed, it climbs nothing (as a call missed before the floor asked), and the
//! calls two hours ahead and when the rule fires go as before. Not where the routine shows
//! the person in no hour (`tuning::FLOOR_AWAKE_MOST`: a channel that hardly ever reports, whose
//! quiet hours say nothing of sleep), and not for a channel's own floor (the plug's): its
//! service calls when its rule fires whatever was answered before, so an earlier call would
//! only add one. Measured 2026-12-06 with the worlds example (closed loop, per 100
//! person-months; A tuned on, B held out): three seeds, false alert episodes 13.6 -> 12.7 (A)
//! and 16.9 -> 16.6 (B), of them begun by the floor 11.1 -> 10.3 and 9.5 -> 9.2, check-in
//! calls 158.0 -> 160.8 and 170.0 -> 171.5, false dispatches 3.3 -> 3.3 and 1.1 -> 1.2,
//! detection and the incidents found later than the plug rule alone unchanged; eight seeds
//! never looked at (301-308), false episodes 15.7 -> 14.5 and 20.2 -> 19.7, calls
//! 156.6 -> 160.1 and 169.5 -> 171.1, false dispatches unchanged (3.1, 1.9), within 24 h
//! 132 of 227 and 164 of 309 as before. Asking so on the plug's channel too (the person's
//! silence there, while the plug's own floor still asks when its rule fires) gave 12.3 (A)
//! and 16.6 (B) for 162.6 and 172.6 calls, and on the eight seeds 14.0 and 19.6 for 161.0
//! and 172.6 calls and false dispatches 3.1 -> 3.3 (A); its own floor asking so too broke
//! the floor (the plug service, which knows of no answer, calls when its rule fires).
//! Taking the routine's quiet hours as sleep where it hardly shows the person moved the call
//! for a TV never switched off to the one hour it was once switched.
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
use std::cell::OnceCell;

use crate::routine::BinModel;
use crate::time::{HOUR_MS, Timestamp, hours_ms};
use crate::tuning::{FLOOR_AWAKE_MOST, FLOOR_AWAKE_SHARE, FLOOR_AWAKE_WINDOW_H, FLOOR_RECALL_H};
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
    /// When the floor asks for its call: `near`, or earlier where the person usually sleeps
    /// when the rule fires (see [`awake_call_at`]).
    call_at: Timestamp,
    /// `escalation.floor_call_ahead_h` before the rule fires (not before the silence began):
    /// the calls missed from then on are the ones just ahead of the rule, asked for again when
    /// it fires, and the call's outcome is due from then (see [`judge`]). A call asked for
    /// earlier and missed climbs nothing, as a call missed before the floor asked.
    near: Timestamp,
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
    // The person's usual waking hours, read from the routine once an ask needs them.
    let waking = OnceCell::new();
    let mut best: Option<(Floor, Timestamp)> = None;
    for channel in Signal::CHANNELS.into_iter().filter(|c| view.expects(*c)) {
        let Some(rule) = p.inactivity.rule(channel) else { continue };
        let threshold_ms = hours_ms(rule.threshold_h);
        let ask = |from: Timestamp, cap: Level| {
            let fired_at = from.plus_millis(threshold_ms);
            let near = fired_at.plus_millis(-ahead_ms).max(from);
            // A channel whose seed service watches it alone keeps to that service's hour: the
            // service calls when its rule fires whatever was answered before, and so does the
            // channel's own floor (an earlier call would only add one).
            let call_at = if rule.own_floor { near } else { awake_call_at(view, fired_at, near, from, &waking) };
            Ask { call_at, near, fired_at, channel, threshold_h: rule.threshold_h, from, cap }
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

/// When to ask for the floor's call: `call_at` (`escalation.floor_call_ahead_h` before the
/// rule fires), unless the person usually sleeps in the hour the rule fires (see
/// [`Waking`]). Then the floor asks at the last hour before it, at most
/// `FLOOR_AWAKE_WINDOW_H` ahead of the rule and not before the silence began, in which the
/// person is usually up: the call goes while it can be answered, and an answer starts the
/// silence again, so the rule's next turn falls in the day. The call when the rule fires is
/// asked for all the same (see [`judge`]).
fn awake_call_at<'v>(
    view: &View<'v>,
    fired_at: Timestamp,
    call_at: Timestamp,
    from: Timestamp,
    waking: &OnceCell<Waking<'v>>,
) -> Timestamp {
    let earliest = fired_at.plus_hours(-FLOOR_AWAKE_WINDOW_H).max(from);
    if !view.rules.expects_checkin || view.at < earliest || earliest >= call_at {
        return call_at;
    }
    let waking = waking.get_or_init(|| Waking::of(view));
    if waking.usually_up(view.rules.bin(fired_at.as_millis())) != Some(false) {
        return call_at;
    }
    // The whole hours before `call_at`, back to `earliest`: the last one the person is
    // usually up in (their bins counted on from the first, as the routine's walks do).
    let back = call_at.millis_since(earliest) / HOUR_MS;
    let first = call_at.plus_millis(-back * HOUR_MS);
    let bins = view.rules.hour_bins(first.as_millis()).take(back as usize);
    match bins.enumerate().filter(|(_, b)| waking.usually_up(*b) == Some(true)).last() {
        Some((k, _)) => first.plus_millis(k as i64 * HOUR_MS),
        None => call_at,
    }
}

/// The hours a person is usually up in, as the learned routine tells: an hour whose chance
/// of a sign of life, in any channel watched (taken as independent), is at least
/// `FLOOR_AWAKE_SHARE` of the most active hour's of the same kind of day (weekday or
/// weekend). A routine whose most active hour shows the person less than `FLOOR_AWAKE_MOST`
/// of the time (a TV never switched off, the plug alone watching) cannot tell their sleep.
/// Each kind of day is read from the routine when first asked about.
struct Waking<'v> {
    models: Vec<BinModel<'v>>,
    days: [OnceCell<([f64; 24], f64)>; 2],
}

impl<'v> Waking<'v> {
    fn of(view: &View<'v>) -> Waking<'v> {
        let ctx = view.context();
        let rate = view.rules.profile.routine.learning_rate;
        let routine = &view.state.routine;
        let models = Signal::CHANNELS
            .into_iter()
            .filter(|c| view.expects(*c))
            .filter_map(|c| c.channel_index())
            .map(|c| routine.model(c, rate, &ctx))
            .collect();
        Waking { models, days: Default::default() }
    }

    /// Whether the person is usually up in bin `b`; none where the routine cannot tell.
    fn usually_up(&self, b: usize) -> Option<bool> {
        let (day, hour) = (b / 24, b % 24);
        let (life, most) = self.days.get(day)?.get_or_init(|| {
            let life: [f64; 24] =
                std::array::from_fn(|h| 1.0 - self.models.iter().map(|m| 1.0 - m.p(day * 24 + h)).product::<f64>());
            (life, life.iter().copied().fold(0.0, f64::max))
        });
        (*most >= FLOOR_AWAKE_MOST).then(|| life[hour] >= FLOOR_AWAKE_SHARE * most)
    }
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
        (counted_misses_in(view, a.near..a.fired_at), counted_misses_in(view, a.fired_at..=view.at))
    } else {
        (counted_misses_in(view, a.near..=view.at), 0)
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
    let due = a.fired_at.max(a.near.plus_hours(esc.confirm_within_h));
    let reported = |t: Timestamp| t >= a.near && t <= view.at;
    let unreported = (view.rules.expects_checkin
        && misses == 0
        && missed_ahead == 0
        && view.at >= due
        && !st.last_life_any.is_some_and(|l| reported(l.ts))
        && !st.staff_failed.is_some_and(reported)
        && !st.last_concern.is_some_and(reported)
        && !st.category_concerns.iter().any(|(_, t)| reported(*t)))
    .then_some(a.near);
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

    /// `days` days of a call made at 19:00 (local), then one night a call at 03:00, and no
    /// call after: the call log's seed rule (48 h) fires at 03:00 two nights later, an hour
    /// this person sleeps in.
    fn evening_calls_then_one_at_night(days: u32) -> (Vec<crate::event::Event>, f64) {
        let call = |h: f64| ev(h, "phone", EventKind::call(crate::vocab::Direction::Out, true));
        let mut events: Vec<_> = (0..days).map(|d| call(f64::from(d) * 24.0 + 19.0)).collect();
        let night = f64::from(days) * 24.0 + 3.0;
        events.push(call(night));
        (events, night + 48.0)
    }

    #[test]
    fn the_call_goes_at_the_last_hour_the_person_is_usually_up_where_the_rule_fires_in_their_sleep() {
        let (events, fires) = evening_calls_then_one_at_night(14);
        // Two hours ahead (01:00) and the hours back to 20:00 are hours this person's routine
        // shows nothing in; 19:00 is their evening call's: the call goes then.
        let evening = fires - 8.0;
        assert_eq!(floor_at("call_only", &events, evening - 0.1), None);
        let f = floor_at("call_only", &events, evening).unwrap();
        assert_eq!(
            (f.level, f.action, f.channel, f.fired_at),
            (Level::Watch, Action::CheckinCall, Signal::Call, at(fires))
        );
        // Answered, it starts the silence again: nothing more tonight.
        let mut answered = events.clone();
        answered.push(checkin(evening + 0.2, CheckinOutcome::Answered));
        assert_eq!(floor_at("call_only", &answered, fires + 1.0), None);
        // Missed, it climbs nothing, as a call missed before the floor asked: when the rule
        // fires, nothing heard of the call asked two hours ahead is the seed rule's alert.
        let mut missed = events.clone();
        missed.push(checkin(evening + 0.2, CheckinOutcome::Missed));
        let f = floor_at("call_only", &missed, fires - 0.1).unwrap();
        assert_eq!((f.level, f.missed_ahead), (Level::Watch, 0));
        let f = floor_at("call_only", &missed, fires).unwrap();
        assert_eq!(
            (f.level, f.action, f.misses, f.unreported),
            (Level::Warning, Action::Notify, 0, Some(at(fires - 2.0)))
        );
    }

    #[test]
    fn a_routine_that_hardly_shows_the_person_and_the_plug_keep_the_call_two_hours_ahead() {
        // Two weeks with one call, in the first evening: no hour of the day shows the person.
        let call = |h: f64| ev(h, "phone", EventKind::call(crate::vocab::Direction::Out, true));
        let mut events = vec![call(19.0)];
        events.push(call(14.0 * 24.0 + 3.0));
        let fires = 14.0 * 24.0 + 3.0 + 48.0;
        assert_eq!(floor_at("call_only", &events, fires - 2.1), None);
        assert_eq!(floor_at("call_only", &events, fires - 2.0).map(|f| f.level), Some(Level::Watch));
        // The plug, whose service calls when its rule fires whatever was answered before: two
        // weeks of evening TV, switched on at 03:00 one night and off at 03:15.
        let mut events = Vec::new();
        for d in 0..14 {
            let h = f64::from(d) * 24.0;
            events.extend(plug(h, h + 18.0, 0.5));
            events.extend(plug(h + 18.0, h + 22.0, 85.0));
            events.extend(plug(h + 22.0, h + 24.0, 0.5));
        }
        let night = 14.0 * 24.0;
        events.extend(plug(night, night + 3.0, 0.5));
        events.extend(plug(night + 3.0, night + 3.25, 85.0));
        events.extend(plug(night + 3.25, night + 60.0, 0.5));
        let fires = night + 3.25 + 24.0;
        assert_eq!(floor_at("plug_only", &events, fires - 2.1), None);
        assert_eq!(floor_at("plug_only", &events, fires - 2.0).map(|f| f.level), Some(Level::Watch));
    }
}
