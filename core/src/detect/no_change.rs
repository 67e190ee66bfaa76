//! `no_change`: smart plugs whose power and light stay flat.
//!
//! A plug reading that merely repeats the last one is not a sign of life; only a change
//! is (see the profile's `no_change` tolerances). So a TV left on day and night, whose
//! steady load the plug reports every few minutes, looks exactly as silent as a TV that
//! is off: it is caught, not mistaken for activity. Thresholds and weights are those of
//! the plug channel in `inactivity`.

use super::inactivity::ChannelScore;
use super::{Evidence, View, hours};
use crate::assessment::ReasonKind;
use crate::event::Signal;

pub(crate) fn detect(view: &View<'_>, scores: &[ChannelScore], out: &mut Vec<Evidence>) {
    let Some(sc) = scores.iter().find(|sc| sc.channel == Signal::Plug && sc.reported()) else { return };
    let p = &view.rules.profile;
    // Describe the plug that reported last.
    let plug = view
        .state
        .devices
        .iter()
        .filter(|d| d.plug.is_some())
        .max_by(|a, b| a.last_report.cmp(&b.last_report).then_with(|| b.id.cmp(&a.id)));
    let how = match plug.and_then(|d| d.plug.map(|r| (d, r))) {
        Some((d, r)) if r.watts > p.no_change.standby_watts => {
            format!("{} on at a steady {:.0} W but untouched", d.id, r.watts)
        }
        Some((d, _)) => format!("{} off, nothing switched on", d.id),
        None => "no plug reading".to_string(),
    };
    let detail = format!("{how}: no change in power or light for {} ({})", hours(sc.silence.hours), sc.judged);
    out.push(Evidence::new(Signal::Plug, ReasonKind::NoChange, detail, sc.points).contradicted(sc.contradicted));
}
