//! `sos`: the emergency button means critical at once, held for the profile's `hold_h`
//! unless a later check-in call is answered normally.

use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::event::Signal;
use crate::time::HOUR_MS;

pub(crate) fn detect(view: &View<'_>, out: &mut Vec<Evidence>) {
    let s = &view.rules.profile.sos;
    let st = view.state;
    let Some(t) = st.last_sos else { return };
    let held = view.at.millis_since(t) <= (s.hold_h * HOUR_MS as f64) as i64;
    let cleared = st.last_all_clear.is_some_and(|a| a > t);
    if held && !cleared && s.points > 0.0 {
        let detail = format!("emergency button pressed at {}", view.local(t));
        out.push(Evidence::new(Signal::Sos, ReasonKind::Sos, detail, s.points));
    }
}
