//! Unregistered absences: the person left by the door, and since then the home has been
//! quiet while the phone counts walking (more steps than moving about at home, in a report
//! whose hours began after the door: a walk home is reported after the door, but was walked
//! before it) and shows them well.
//! The home's silence is then explained: it counts at `AWAY_FACTOR`, and an `away`
//! reason says why. A collapse at home after a phone call does not look like this: no
//! steps are counted after the door, or the home saw something after the door.

use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::messages::{Msg, say};
use crate::time::HOUR_MS;
use crate::tuning::{AWAY_FACTOR, PHONE_RECENT_H};
use crate::vocab::Signal;

/// Whether the evidence says the person is out and well; adds the `away` reason if so.
pub(crate) fn detect(view: &View<'_>, out: &mut Vec<Evidence>) -> bool {
    if !view.expects(Signal::Door) {
        return false;
    }
    let st = view.state;
    let life = |s: Signal| s.channel_index().and_then(|i| st.last_life[i]);
    let Some(door) = life(Signal::Door) else { return false };
    if life(Signal::Plug).is_some_and(|p| p > door) {
        return false;
    }
    let phone = [life(Signal::Call), life(Signal::Steps), life(Signal::App), st.last_all_clear]
        .into_iter()
        .flatten()
        .filter(|t| *t > door && *t <= view.at)
        .max();
    let Some(phone) = phone else { return false };
    if st.last_walk.is_none_or(|t| t <= door) {
        return false;
    }
    if view.at.millis_since(phone) > PHONE_RECENT_H * HOUR_MS || view.at.millis_since(door) < 2 * HOUR_MS {
        return false;
    }
    let detail = say!(
        view.locale(),
        Msg::AwayFromHome,
        view.local(door),
        view.local(phone),
        view.hours(view.at.hours_since(phone)),
        AWAY_FACTOR
    );
    out.push(Evidence::new(Signal::Door, ReasonKind::Away, detail, 0.0));
    true
}
