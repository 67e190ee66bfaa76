//! `device_offline`: a device that stopped reporting (a plug, a whole-home meter, a step
//! app, a sensor) is a technical fault, reported as such. Its silence is unknown, not evidence that the person is inactive: the
//! channel's silence is counted only up to the device's last report. When every
//! expected channel is blind, the person is not watched at all: the reason says so, and
//! the profile's `blind_points` (0 by default) may add to the score, but never more than
//! the silence would weigh had the devices kept watching, so a person seen alive a moment
//! ago by other means is a technical ticket, not a welfare concern.

use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::messages::{Msg, say, say_more};
use crate::vocab::Signal;

pub(crate) fn detect(view: &View<'_>, out: &mut Vec<Evidence>) {
    let mut offline: Vec<_> = view.state.devices.iter().filter(|d| view.is_offline(d)).collect();
    if offline.is_empty() {
        return;
    }
    offline.sort_by(|a, b| a.last_report.cmp(&b.last_report).then_with(|| a.id.cmp(&b.id)));
    let expected: Vec<Signal> = Signal::CHANNELS.into_iter().filter(|c| view.expects(*c)).collect();
    let blind = !expected.is_empty() && expected.iter().all(|c| view.offline_channel_last_report(*c).is_some());
    let loc = view.locale();
    for (i, d) in offline.iter().enumerate() {
        let silent_h = view.at.hours_since(d.last_report);
        let mut detail = if d.reported_fault {
            say!(loc, Msg::DeviceReportedFaulty, d.id)
        } else if view.is_fault(d) {
            say!(loc, Msg::DeviceFault, d.id, view.hours(silent_h))
        } else {
            say!(loc, Msg::DeviceDark, d.id, view.hours(silent_h))
        };
        let mut points = 0.0;
        if blind && i == 0 {
            say_more!(detail, loc, Msg::DeviceNoneWorking);
            points = view.rules.profile.device_offline.blind_points.min(super::inactivity::points_if_watched(view));
        }
        let signal = if d.meter { Signal::Meter } else { d.first_channel().unwrap_or(Signal::Heartbeat) };
        out.push(Evidence::new(signal, ReasonKind::DeviceOffline, detail, points));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::event::EventKind;
    use crate::vocab::DoorState;

    #[test]
    fn a_plug_that_stops_reporting_is_a_fault_and_its_silence_unknown() {
        let r = rules("call_iot", false);
        let mut events = plug(0.0, 10.0, 0.5);
        events.push(ev(20.0, "door-front", EventKind::door(DoorState::Open)));
        let e = run(&r, &events, 30.0, super::detect);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].reason.detail.starts_with("plug-tv has not reported for 20 h: device fault?"),
            "{}",
            e[0].reason.detail
        );
        assert_eq!(e[0].reason.contribution, 0.0);
        // Its channel is only watched until its last report.
        let st = state(&r, &events);
        let view = super::View::new(&st, &r, at(30.0), None);
        assert_eq!(view.observed_until(crate::vocab::Signal::Plug), at(9.75));
    }

    #[test]
    fn a_phone_that_goes_dark_with_nothing_else_alive_is_not_a_fault() {
        let r = rules("call_app", false);
        // A steps app that reports every hour, an hour without steps too.
        let steps = |h: i32| EventKind::steps(if h % 2 == 0 { 0 } else { 100 });
        let events: Vec<_> = (0..6).map(|h| ev(h as f64, "phone", steps(h))).collect();
        let e = run(&r, &events, 20.0, super::detect);
        assert!(e[0].reason.detail.contains("nothing else showed life since"), "{}", e[0].reason.detail);
        let st = state(&r, &events);
        let view = super::View::new(&st, &r, at(20.0), None);
        assert_eq!(view.observed_until(crate::vocab::Signal::Steps), at(20.0));
    }

    #[test]
    fn a_steps_app_that_reports_only_steps_is_silent_not_dark() {
        // Never an hour of no steps reported: the app sends steps when there are some, and
        // its silence is the person's (the seed's step rule counts it), not a device's.
        let r = rules("call_app", false);
        let events: Vec<_> = (0..6).map(|h| ev(h as f64, "phone", EventKind::steps(100))).collect();
        assert!(run(&r, &events, 20.0, super::detect).is_empty());
        let st = state(&r, &events);
        let view = super::View::new(&st, &r, at(20.0), None);
        assert!(st.devices.iter().all(|d| !view.is_offline(d)));
    }
}
