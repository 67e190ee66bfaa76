//! `away`: a registered absence (hospital, travel) suppresses silence and missed
//! check-in evidence until it ends; silence is counted again from the return.

use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::messages::{Msg, say};
use crate::vocab::Signal;

/// Adds the `away` reason and returns whether an absence is under way.
pub(crate) fn detect(view: &View<'_>, out: &mut Vec<Evidence>) -> bool {
    match view.state.absence_at(view.at) {
        Some(a) => {
            let detail = if a.end == crate::absence::OPEN_END {
                say!(view.locale(), Msg::AwayFound, view.local(a.start))
            } else {
                say!(view.locale(), Msg::AwayRegistered, view.local(a.end))
            };
            out.push(Evidence::new(Signal::Away, ReasonKind::Away, detail, 0.0));
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::event::EventKind;

    #[test]
    fn absence_and_its_cancellation() {
        let r = rules("full", false);
        let away = [ev(1.0, "away", EventKind::away(at(48.0)))];
        let mut out = Vec::new();
        let st = state(&r, &away);
        let view = super::View::new(&st, &r, at(10.0), None);
        assert!(super::detect(&view, &mut out));
        assert!(out[0].reason.detail.contains("until 2024-05-03 00:00"));
        let view = super::View::new(&st, &r, at(49.0), None);
        assert!(!super::detect(&view, &mut Vec::new()));
        let cancelled = [away[0].clone(), ev(5.0, "away", EventKind::away(at(5.0)))];
        let st = state(&r, &cancelled);
        let view = super::View::new(&st, &r, at(10.0), None);
        assert!(!super::detect(&view, &mut Vec::new()));
        assert_eq!(st.last_return(at(10.0)), Some(at(5.0)));
    }
}
