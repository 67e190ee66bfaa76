//! `unwatched`: nobody drops out silently. When some expected channel cannot watch the
//! person now, a reason says which channels still do and which do not, and why:
//!
//! - every periodic device of the channel is offline with a fault (see `device_offline`):
//!   its silence is unknown;
//! - the channel is stale: silent for days while the person was seen otherwise (a TV left
//!   on, a plug pulled, a phone without credit), or so down-weighted by the learned routine
//!   that its silence says almost nothing (its reliability, see `inactivity`), until it
//!   shows life again.
//!
//! When no expected channel can see the person, the reason says so explicitly: a technical
//! alert for the operator (check the devices), not a person alert. It adds no points and
//! changes no level; it is written only when something is degraded.

use super::inactivity::ChannelScore;
use super::{Evidence, View};
use crate::assessment::ReasonKind;
use crate::messages::{Msg, say_more};
use crate::vocab::Signal;

/// Why a channel cannot watch the person now.
#[derive(Clone, Copy, Debug)]
enum Blind {
    /// All its periodic devices are offline with a fault; the last report among them.
    Offline(crate::time::Timestamp),
    /// Silent for days while the person was seen otherwise.
    Stale,
}

/// Adds the `unwatched` reason when some expected channel cannot watch the person;
/// `scores` are the channels' silences as judged (their staleness).
pub(crate) fn detect(view: &View<'_>, scores: &[ChannelScore], out: &mut Vec<Evidence>) {
    // Every row asks: no allocation unless something is degraded.
    let mut state: [Option<Option<Blind>>; 5] = [None; 5];
    let mut any = false;
    for (i, channel) in Signal::CHANNELS.into_iter().enumerate().filter(|(_, c)| view.expects(*c)) {
        let blind = if let Some(last) = view.offline_channel_last_report(channel) {
            Some(Blind::Offline(last))
        } else if scores.iter().any(|sc| sc.channel == channel && sc.stale()) {
            Some(Blind::Stale)
        } else {
            None
        };
        any |= blind.is_some();
        state[i] = Some(blind);
    }
    if !any {
        return;
    }
    let channels = || Signal::CHANNELS.into_iter().zip(state).filter_map(|(c, s)| s.map(|b| (c, b)));
    let first = channels().find_map(|(c, b)| b.map(|_| c)).unwrap_or(Signal::Heartbeat);
    let none_watching = channels().all(|(_, b)| b.is_some());
    let loc = view.locale();
    let mut detail = String::with_capacity(160);
    say_more!(detail, loc, if none_watching { Msg::UnwatchedNone } else { Msg::UnwatchedSome });
    for (i, (channel, why)) in channels().filter_map(|(c, b)| b.map(|b| (c, b))).enumerate() {
        if i > 0 {
            say_more!(detail, loc, Msg::ListSep);
        }
        say_more!(detail, loc, Msg::signal(channel));
        match why {
            Blind::Offline(last) => {
                say_more!(detail, loc, Msg::UnwatchedOffline, view.hours(view.at.hours_since(last)))
            }
            Blind::Stale => say_more!(detail, loc, Msg::UnwatchedStale),
        }
    }
    if none_watching {
        say_more!(detail, loc, Msg::UnwatchedCheck);
        if view.rules.expects_checkin {
            say_more!(detail, loc, Msg::UnwatchedCallsOnly);
        }
    } else {
        say_more!(detail, loc, Msg::UnwatchedStill);
        for (i, channel) in channels().filter(|(_, b)| b.is_none()).map(|(c, _)| c).enumerate() {
            if i > 0 {
                say_more!(detail, loc, Msg::ListSep);
            }
            say_more!(detail, loc, Msg::signal(channel));
        }
    }
    out.push(Evidence::new(first, ReasonKind::Unwatched, detail, 0.0));
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{View, inactivity};
    use crate::assessment::ReasonKind;
    use crate::event::EventKind;
    use crate::vocab::DoorState;

    fn unwatched(profile: &str, adaptive: bool, events: &[crate::event::Event], h: f64) -> Option<String> {
        let r = rules(profile, adaptive);
        let st = state(&r, events);
        let view = View::new(&st, &r, at(h), None);
        let scores = inactivity::channels(&view, None);
        let mut out = Vec::new();
        super::detect(&view, &scores, &mut out);
        assert!(out.iter().all(|e| e.reason.kind == ReasonKind::Unwatched && e.reason.contribution == 0.0));
        out.first().map(|e| e.reason.detail.clone())
    }

    fn door_every_day(days: u32) -> Vec<crate::event::Event> {
        (0..days).map(|d| ev(d as f64 * 24.0 + 9.0, "door-front", EventKind::door(DoorState::Open))).collect()
    }

    #[test]
    fn nothing_is_said_while_every_channel_watches() {
        let mut events = plug(0.0, 20.0, 0.5);
        events.extend(plug(20.0, 30.0, 85.0));
        events.extend(door_every_day(2));
        assert_eq!(unwatched("call_iot", true, &events, 30.0), None);
    }

    #[test]
    fn a_pulled_plug_is_named_and_the_channels_still_watching_too() {
        let mut events = plug(0.0, 10.0, 0.5);
        events.extend(door_every_day(2));
        let d = unwatched("call_iot", false, &events, 30.0).expect("plug offline");
        assert!(d.starts_with("not watching the person now: plug (its devices offline for 20 h: a fault)"), "{d}");
        assert!(d.ends_with("still watching: call, door"), "{d}");
    }

    #[test]
    fn a_tv_left_on_while_the_door_shows_life_is_stale_and_alone_it_leaves_nobody_watching() {
        // The TV on for five days, untouched; the door opens every morning.
        let mut events = plug(0.0, 1.0, 0.5);
        events.extend(plug(1.0, 120.0, 85.0));
        events.extend(door_every_day(5));
        let d = unwatched("call_iot", true, &events, 119.0).expect("plug stale");
        // No call for five days either: stale too.
        assert!(
            d.starts_with("not watching the person now: call (silent for days while the person was seen otherwise"),
            "{d}"
        );
        assert!(d.contains(", plug (silent for days while the person was seen otherwise"), "{d}");
        assert!(d.ends_with("still watching: door"), "{d}");
        // The seed rules never take a channel as stale.
        assert_eq!(unwatched("call_iot", false, &events, 119.0), None);
        // Plug only: nothing watches the person.
        let d = unwatched("plug_only", true, &events, 119.0).expect("nobody watching");
        assert!(d.starts_with("no channel can see this person: plug (silent for days"), "{d}");
        assert!(d.ends_with(": check the devices (only check-in calls reach the person)"), "{d}");
    }
}
