//! `away`: a registered absence (hospital, travel) suppresses silence and missed
//! check-in evidence until it ends; silence is counted again from the return.

use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::event::Signal;

/// Adds the `away` reason and returns whether an absence is under way.
pub(crate) fn detect(view: &View<'_>, out: &mut Vec<Evidence>) -> bool {
    match view.state.absence_at(view.at) {
        Some(a) => {
            let detail = format!("registered absence until {}: silence is not counted", view.local(a.end));
            out.push(Evidence::new(Signal::Away, ReasonKind::Away, detail, 0.0));
            true
        }
        None => false,
    }
}
