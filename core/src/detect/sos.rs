//! `sos`: the emergency button means critical at once, held for the profile's `hold_h`
//! unless a later check-in call is answered normally. Where the profile says so
//! (`sos.guardian`) and the person has a guardian, the reason says the press is routed to
//! the guardian as well.

use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::messages::{Msg, say, say_more};
use crate::time::hours_ms;
use crate::vocab::Signal;

pub(crate) fn detect(view: &View<'_>, out: &mut Vec<Evidence>) {
    let s = &view.rules.profile.sos;
    let st = view.state;
    let Some(t) = st.last_sos else { return };
    let held = t <= view.at && view.at.millis_since(t) <= hours_ms(s.hold_h);
    let cleared = st.last_all_clear.is_some_and(|a| a > t);
    if held && !cleared && s.points > 0.0 {
        let mut detail = say!(view.locale(), Msg::SosPressed, view.local(t));
        if s.guardian && view.rules.guardian {
            say_more!(detail, view.locale(), Msg::SosGuardian);
        }
        out.push(Evidence::new(Signal::Sos, ReasonKind::Sos, detail, s.points));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::event::EventKind;
    use crate::vocab::CheckinOutcome;

    #[test]
    fn held_then_expired_or_cleared() {
        let r = rules("full", false);
        let press = [ev(1.0, "sos-button", EventKind::sos())];
        assert_eq!(run(&r, &press, 0.5, super::detect).len(), 0);
        let e = run(&r, &press, 2.0, super::detect);
        assert_eq!(e[0].reason.contribution, 100.0);
        assert!(e[0].reason.detail.contains("2024-05-01 01:00"));
        assert_eq!(run(&r, &press, 26.0, super::detect).len(), 0, "held 24 h");
        let cleared = [press[0].clone(), ev(3.0, "checkin", EventKind::checkin(CheckinOutcome::Answered))];
        assert_eq!(run(&r, &cleared, 4.0, super::detect).len(), 0);
        assert!(!e[0].reason.detail.contains("guardian"));
    }

    #[test]
    fn routed_to_the_guardian_where_the_profile_says_so_and_there_is_one() {
        let press = [ev(1.0, "sos-button", EventKind::sos())];
        let detail = |profile_says: bool, has_one: bool| {
            let mut r = rules("full", false);
            let mut p = (*r.profile).clone();
            p.sos.guardian = profile_says;
            r.profile = std::sync::Arc::new(p);
            let r = r.with_household(true, has_one);
            run(&r, &press, 2.0, super::detect)[0].reason.detail.clone()
        };
        assert!(detail(true, true).ends_with("; routed to the guardian as well"), "{}", detail(true, true));
        for (says, has) in [(true, false), (false, true), (false, false)] {
            assert!(!detail(says, has).contains("guardian"), "{says} {has}");
        }
    }
}
