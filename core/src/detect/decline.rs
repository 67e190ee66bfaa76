//! `decline`: activity falling short of the person's own routine, before the signals stop
//! altogether, in two ways (see the `routine` module), the stronger of which counts:
//!
//! - over days: a downward trend of the daily count of signs of life (steps, calls, plug
//!   use, door openings, phone use), two EWMAs, a fast one against a slow baseline;
//! - over hours: an activity deficit, a CUSUM of the log-likelihood ratio of activity well
//!   below usual (an acute illness: the person still moves about, but much less). It is
//!   evidence of the same posterior as silence (see `inactivity`): its share of that
//!   posterior's points is reported here.
//!
//! It raises `watch` or `warning`. An answered check-in call in the last day says the
//! person is fine for now: it weakens the trend and clears the deficit. A trend that would
//! be `watch` but for that answer asks for the caseworker instead, in office hours, until one
//! of the service spoke with or saw the person ([`explained_away`]; fusion sets it).

use super::inactivity::{DeficitPoints, Percent};
use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::messages::{Msg, say, say_more};
use crate::profile::SilenceMode;
use crate::routine::Decline;
use crate::text::fixed;
use crate::time::Timestamp;
use crate::tuning::{DECLINE_AFTER_ANSWER, DECLINE_LOOK_DAYS, DECLINE_LOOK_FRESH_H, DEFICIT_ONSET};
use crate::vocab::Signal;

pub(crate) fn detect(view: &View<'_>, deficit: Option<DeficitPoints>, out: &mut Vec<Evidence>) {
    let r = &view.rules.profile.routine;
    let loc = view.locale();
    if r.mode != SilenceMode::Adaptive {
        return;
    }
    let trend = trend(view);
    let answered_recently = answered_recently(view);
    let trend_points =
        trend.map_or(0.0, |d| trend_points(view, &d) * if answered_recently { DECLINE_AFTER_ANSWER } else { 1.0 });
    if let Some(d) = deficit.filter(|d| d.points > 0.0) {
        let detail = say!(loc, Msg::DeclineDeficit, fixed(d.deficit, 1), fixed(DEFICIT_ONSET, 0), Percent(d.p, loc));
        out.push(Evidence::new(Signal::Steps, ReasonKind::Decline, detail, d.points));
    }
    if let Some(d) = trend.filter(|_| trend_points > 0.0) {
        let msg = if d.steps { Msg::DeclineSteps } else { Msg::DeclineSigns };
        let mut detail = say!(loc, msg, fixed(d.drop * 100.0, 0), fixed(d.recent, 0), fixed(d.usual, 0));
        if answered_recently {
            say_more!(detail, loc, Msg::DeclineAnswered);
        }
        out.push(Evidence::new(Signal::Steps, ReasonKind::Decline, detail, trend_points));
    }
}

/// A fade the person explains away on the automatic call: the daily trend would be `watch`
/// on its own, but a check-in call answered in the last `DECLINE_LOOK_FRESH_H` keeps it
/// below (see `DECLINE_AFTER_ANSWER`), and no caseworker's call was answered and no visit
/// made in the last `DECLINE_LOOK_DAYS`. An answer older than that weakens the trend for a
/// few hours more only: the trend then speaks for itself, where the caseworker's "fine"
/// would weaken it for another day. Another automatic call would be answered as the last
/// one; the caseworker's judgement is what is missing (the casebook's man found after ten
/// days without eating answered his daily call through the ten days of his fade). Returns
/// the reason's detail.
pub(crate) fn explained_away(view: &View<'_>) -> Option<String> {
    let p = &view.rules.profile;
    let st = view.state;
    // Spoken with or seen less than `DECLINE_LOOK_DAYS` ago.
    let seen = st.last_staff_contact.is_some_and(|t| t <= view.at && view.at.hours_since(t) < DECLINE_LOOK_DAYS * 24.0);
    if p.routine.mode != SilenceMode::Adaptive || !within(view, st.last_all_clear, DECLINE_LOOK_FRESH_H) || seen {
        return None;
    }
    let d = trend(view)?;
    (trend_points(view, &d) >= p.levels.watch)
        .then(|| say!(view.locale(), Msg::DeclineLook, fixed(d.drop * 100.0, 0), fixed(DECLINE_LOOK_DAYS, 0)))
}

/// The daily trend, where it has fallen past `routine.decline_onset`.
fn trend(view: &View<'_>) -> Option<Decline> {
    let onset = view.rules.profile.routine.decline_onset;
    view.state.routine.decline(view.at, &view.context()).filter(|d| d.drop > onset)
}

/// The trend's points before any answered call weakens them.
fn trend_points(view: &View<'_>, d: &Decline) -> f64 {
    let r = &view.rules.profile.routine;
    r.decline_weight * ((d.drop - r.decline_onset) / (r.decline_full - r.decline_onset)).min(1.0)
}

/// Whether a check-in call was answered in the last day: the person says they are fine.
fn answered_recently(view: &View<'_>) -> bool {
    within(view, view.state.last_all_clear, 24.0)
}

/// Whether `t` was at most `hours` before the view's time (and not after it).
fn within(view: &View<'_>, t: Option<Timestamp>, hours: f64) -> bool {
    t.is_some_and(|t| t <= view.at && view.at.hours_since(t) <= hours)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::event::EventKind;
    use crate::vocab::DoorState;

    fn detect(view: &super::View<'_>, out: &mut Vec<super::Evidence>) {
        let deficit = super::super::inactivity::judge(view, None).deficit;
        super::detect(view, deficit, out);
    }

    #[test]
    fn fading_activity_against_the_persons_own_baseline() {
        let r = rules("full", true);
        let mut events = Vec::new();
        for d in 0..30 {
            let per_day = if d < 22 { 12 } else { 12 - (d - 21) as usize };
            for k in 0..per_day {
                let h = d as f64 * 24.0 + 8.0 + k as f64;
                events.push(ev(h, "door-front", EventKind::door(DoorState::Open)));
            }
        }
        let e = run(&r, &events, 30.0 * 24.0 + 1.0, detect);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].reason.detail.starts_with("activity down"), "{}", e[0].reason.detail);
        assert!(e[0].reason.contribution > 0.0);
        // A steady person shows no decline.
        let steady: Vec<_> = (0..30 * 12)
            .map(|k| ev((k / 12) as f64 * 24.0 + 8.0 + (k % 12) as f64, "door-front", EventKind::door(DoorState::Open)))
            .collect();
        assert!(run(&r, &steady, 30.0 * 24.0 + 1.0, detect).is_empty());
    }

    #[test]
    fn a_fade_explained_away_on_the_automatic_call_asks_for_the_caseworker() {
        use crate::vocab::{By, CheckinOutcome};
        let r = rules("full", true);
        // Twelve door openings a day for three weeks, then two a day for a week: down 83%.
        let mut events = Vec::new();
        for d in 0..28 {
            for k in 0..if d < 21 { 12 } else { 2 } {
                events.push(ev(d as f64 * 24.0 + 8.0 + k as f64, "door-front", EventKind::door(DoorState::Open)));
            }
        }
        let answered = |h: f64, by: By| ev(h, "checkin", EventKind::checkin(CheckinOutcome::Answered).with_by(by));
        let look = |events: &[crate::event::Event], h: f64| {
            let st = state(&r, events);
            super::explained_away(&super::View::new(&st, &r, at(h), None))
        };
        let now = 27.0 * 24.0 + 12.0;
        // No call answered: the trend is `watch` on its own (an automatic call), not this.
        assert_eq!(look(&events, now), None);
        // The person answered the automatic call this morning: the caseworker should look.
        let mut fine = events.clone();
        fine.push(answered(now - 2.0, By::Auto));
        let detail = look(&fine, now).expect("the caseworker is asked");
        assert!(detail.contains("the caseworker should call or visit"), "{detail}");
        // An answer 13 h old weakens the trend for 11 h more only: not asked (the trend will
        // speak for itself, where the caseworker's "fine" would weaken it for another day).
        let mut older = events.clone();
        older.push(answered(now - 13.0, By::Auto));
        assert_eq!(look(&older, now), None);
        // Not once the caseworker spoke with them in the last week (a call, or a visit).
        let mut spoke = fine.clone();
        spoke.push(answered(now - 6.0 * 24.0, By::Staff));
        assert_eq!(look(&spoke, now), None);
        let mut visited = fine.clone();
        visited.push(ev(now - 3.0 * 24.0, "visit", EventKind::disposition(crate::vocab::Finding::Fine)));
        assert_eq!(look(&visited, now), None);
        // A call of theirs more than a week ago does not count.
        let mut long_ago = fine.clone();
        long_ago.push(answered(now - 8.0 * 24.0, By::Staff));
        assert!(look(&long_ago, now).is_some());
        // A steady person: nothing.
        let steady: Vec<_> = (0..28 * 12)
            .map(|k| ev((k / 12) as f64 * 24.0 + 8.0 + (k % 12) as f64, "door-front", EventKind::door(DoorState::Open)))
            .chain([answered(now - 2.0, By::Auto)])
            .collect();
        assert_eq!(look(&steady, now), None);
    }

    #[test]
    fn a_decline_shows_where_the_first_sign_of_life_of_a_day_comes_just_after_midnight() {
        // Steps every hour from 00:30 local (a phone reporting through the night): each day
        // is closed by that 00:30 report, and must be counted (its end is local midnight,
        // not midnight UTC: in Seoul the devices were then asked to have reported by 09:00).
        let r = rules("full", true);
        let mut events = Vec::new();
        for d in 0..30 {
            let steps = if d < 22 { 400 } else { 400 - 45 * (d - 21) };
            for h in 0..24 {
                events.push(ev(d as f64 * 24.0 + h as f64 + 0.5, "phone", EventKind::steps(steps)));
            }
        }
        let e = run(&r, &events, 29.0 * 24.0 + 12.0, detect);
        assert!(e.iter().any(|e| e.reason.detail.starts_with("activity down")), "{e:?}");
    }

    #[test]
    fn days_when_a_device_was_offline_are_not_days_of_no_activity() {
        // Steps every hour for 25 days, then the phone is off (nothing reports) for two days:
        // those days say nothing of how much the person walked.
        let r = rules("full", true);
        // (An hour's report of no steps in the small hours: the app reports on a schedule.)
        let steps = |h: i32| EventKind::steps(if h % 24 == 3 { 0 } else { 400 });
        let events: Vec<_> = (0..25 * 24).map(|h| ev(h as f64 + 0.5, "phone", steps(h))).collect();
        let e = run(&r, &events, 27.0 * 24.0 + 12.0, detect);
        assert!(!e.iter().any(|e| e.reason.detail.starts_with("activity down")), "{e:?}");
    }
}
