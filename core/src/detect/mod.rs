//! Detectors: each reads a person's folded state at an evaluation time and produces
//! evidence, each piece with a reason a caseworker can read.

pub(crate) mod away;
pub(crate) mod away_from_home;
pub(crate) mod decline;
pub(crate) mod device_offline;
pub(crate) mod disposition;
pub(crate) mod inactivity;
pub(crate) mod missed_checkins;
pub(crate) mod no_change;
pub(crate) mod sos;
pub(crate) mod unwatched;

use std::cell::{Cell, RefCell};

use crate::assessment::{Reason, ReasonKind};
use crate::device::DeviceState;
use crate::messages::{Locale, Msg, render_to};
use crate::profile::Rules;
use crate::routine::Walks;
use crate::state::{Context, PersonState};
use crate::text::fixed;
use crate::time::Timestamp;
use crate::vocab::Signal;

/// One piece of evidence.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Evidence {
    pub reason: Reason,
    /// For silence evidence: the points that come from silence a channel kept past the
    /// last sign of life in another channel (discounted by the cross-check).
    pub contradicted: f64,
}

impl Evidence {
    pub fn new(signal: Signal, kind: ReasonKind, detail: String, contribution: f64) -> Evidence {
        Evidence { reason: Reason { signal, kind, detail, contribution }, contradicted: 0.0 }
    }

    /// Marks `points` of this evidence as contradicted by a sign of life elsewhere.
    pub fn contradicted(mut self, points: f64) -> Evidence {
        self.contradicted = points.max(0.0);
        self
    }
}

/// A person's state seen at one evaluation time.
pub(crate) struct View<'a> {
    pub state: &'a PersonState,
    pub rules: &'a Rules,
    pub at: Timestamp,
    /// The silences' walks of the person's last assessment, where the caller keeps them
    /// (a replay), to carry them on.
    pub walks: Option<&'a RefCell<Walks>>,
    /// Each channel's [`View::offline_channel_last_report`], once asked (the detectors and
    /// the floor ask it of every channel, several times an assessment).
    offline: [Cell<Option<Option<Timestamp>>>; 5],
    /// Each channel's [`inactivity::silence`], once asked (the silence detector and the
    /// floor both read it).
    silences: [Cell<Option<Option<inactivity::Silence>>>; 5],
}

impl<'a> View<'a> {
    /// The view of `state` at `at` under `rules`, carrying on `walks` where given.
    pub fn new(state: &'a PersonState, rules: &'a Rules, at: Timestamp, walks: Option<&'a RefCell<Walks>>) -> View<'a> {
        View { state, rules, at, walks, offline: Default::default(), silences: Default::default() }
    }

    /// The context the person's routine is read in: their time zone, devices and absences.
    pub fn context(&self) -> Context<'a> {
        Context { rules: self.rules, devices: &self.state.devices, absences: &self.state.absences }
    }
}

impl View<'_> {
    /// Whether the channel's silence is evidence for this person.
    pub fn expects(&self, channel: Signal) -> bool {
        channel.channel_index().is_some_and(|i| self.rules.expected_channels[i])
    }

    /// Since when the channel has been silent: its last sign of life, else the start of
    /// monitoring, and never before the end of the last registered absence.
    pub fn silent_since(&self, channel: Signal) -> Option<Timestamp> {
        let i = channel.channel_index()?;
        let base = self.state.last_life[i].or(self.state.first_ts)?;
        Some(match self.state.last_return(self.at) {
            Some(back) => base.max(back),
            None => base,
        })
    }

    /// If the channel has periodic devices (or devices a `disposition` reported faulty) and
    /// every one of them is offline with a fault: the last report among them, a reported
    /// device's being the channel's last sign of life (its silence since was the fault's).
    pub fn offline_channel_last_report(&self, channel: Signal) -> Option<Timestamp> {
        // A channel's devices and silence are those of its index (`reports_on`,
        // `silent_since`): the answer is the same for every signal of the channel.
        let cell = &self.offline[channel.channel_index()?];
        if let Some(known) = cell.get() {
            return known;
        }
        let last = self.offline_last_report_of(channel);
        cell.set(Some(last));
        last
    }

    /// [`View::offline_channel_last_report`], computed.
    fn offline_last_report_of(&self, channel: Signal) -> Option<Timestamp> {
        let mut last: Option<Timestamp> = None;
        for d in self.state.devices.iter().filter(|d| (d.periodic || d.reported_fault) && d.reports_on(channel)) {
            if !self.is_fault(d) {
                return None;
            }
            let report = if d.reported_fault { self.silent_since(channel).map(|t| t.min(d.last_report)) } else { None };
            last = last.max(Some(report.unwrap_or(d.last_report)));
        }
        last
    }

    /// Whether an offline device's silence is a fault, to be left out (unknown), rather
    /// than part of the person's silence. A mains-powered device (a plug, a sensor) that
    /// stops reporting was unplugged or broke: a person in danger does not do that. A
    /// phone that goes dark may have been switched off, or the person could not charge it:
    /// a fault only if the person showed life by other means after it went dark. A device a
    /// `disposition` reported faulty is one until it shows life again.
    pub fn is_fault(&self, d: &DeviceState) -> bool {
        if !self.is_offline(d) {
            return false;
        }
        if d.reported_fault {
            return true;
        }
        let phone = [Signal::Call, Signal::Steps, Signal::App].into_iter().any(|c| d.reports_on(c));
        !phone || self.state.last_life_any.is_some_and(|l| l.ts > d.last_report && l.ts <= self.at)
    }

    /// Until when the channel was watched: now, unless all its periodic devices went offline.
    pub fn observed_until(&self, channel: Signal) -> Timestamp {
        self.offline_channel_last_report(channel).map_or(self.at, |last| last.min(self.at))
    }

    /// Whether the device is offline: periodic and silent for `device_offline.after_h`, or
    /// reported faulty by a `disposition` (see `PersonState::dispose`).
    pub fn is_offline(&self, d: &DeviceState) -> bool {
        d.reported_fault || d.periodic && self.at.millis_since(d.last_report) > self.rules.offline_after_ms
    }

    /// The language of the person's reasons (their profile's).
    pub fn locale(&self) -> Locale {
        self.rules.profile.locale
    }

    /// Hours, readably, in the person's language (see [`hours`]).
    pub fn hours(&self, h: f64) -> Hours {
        hours(h, self.locale())
    }

    /// A time as the person's local `YYYY-MM-DD HH:MM`.
    pub fn local(&self, t: Timestamp) -> crate::text::LocalMinute {
        crate::text::local_minute(t, &self.rules.tz)
    }
}

/// Hours, readably: one decimal below 10 h, whole hours above, in `locale` (written where
/// it is used, without a string of its own).
pub(crate) fn hours(h: f64, locale: Locale) -> Hours {
    Hours(h, locale)
}

/// See [`hours`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hours(f64, Locale);

impl std::fmt::Display for Hours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let h = self.0;
        render_to(f, self.1, Msg::Hours, &[&fixed(h, if h < 10.0 { 1 } else { 0 })])
    }
}

/// Runs every detector.
pub(crate) fn detect_all(view: &View<'_>) -> Vec<Evidence> {
    let mut out = Vec::new();
    sos::detect(view, &mut out);
    disposition::detect(view, &mut out);
    missed_checkins::detect(view, &mut out);
    let away = away::detect(view, &mut out);
    if !away {
        let judgement = inactivity::judge(view, None);
        let mut scores = judgement.scores;
        if away_from_home::detect(view, &mut out) {
            for sc in scores.iter_mut().filter(|sc| matches!(sc.channel, Signal::Door | Signal::Plug)) {
                sc.points *= crate::tuning::AWAY_FACTOR;
                sc.contradicted *= crate::tuning::AWAY_FACTOR;
            }
        }
        inactivity::detect(&scores, &mut out);
        no_change::detect(view, &scores, &mut out);
        decline::detect(view, judgement.deficit, &mut out);
        unwatched::detect(view, &scores, &mut out);
    }
    device_offline::detect(view, &mut out);
    out
}

/// Helpers for the detectors' unit tests: a person's state after some events.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Evidence, View};
    use crate::event::{Event, EventKind};
    use crate::profile::{Profile, Rules};
    use crate::state::PersonState;
    use crate::time::{HOUR_MS, Timestamp};

    /// 2024-05-01T00:00:00+09:00, a Wednesday.
    pub const T0: i64 = 1_714_489_200_000;

    pub fn at(hours: f64) -> Timestamp {
        Timestamp::from_millis(T0 + (hours * HOUR_MS as f64) as i64).unwrap()
    }

    pub fn ev(hours: f64, device: &str, kind: EventKind) -> Event {
        Event::new("p", at(hours), Some(device), kind).unwrap()
    }

    /// Rules of a built-in profile, in fixed mode (the seed rules) unless `adaptive`.
    pub fn rules(profile: &str, adaptive: bool) -> Rules {
        let mut p = Profile::builtin(profile).unwrap();
        if !adaptive {
            p.routine.mode = crate::profile::SilenceMode::Fixed;
        }
        Rules::compile(&p).unwrap()
    }

    pub fn state(rules: &Rules, events: &[Event]) -> PersonState {
        let mut events = events.to_vec();
        events.sort_by(|a, b| a.canonical_cmp(b));
        let mut s = PersonState::default();
        for e in &events {
            s.fold(e, rules);
        }
        s
    }

    /// Runs one detector and returns its evidence.
    pub fn run(
        rules: &Rules,
        events: &[Event],
        hours: f64,
        detect: impl Fn(&View<'_>, &mut Vec<Evidence>),
    ) -> Vec<Evidence> {
        let state = state(rules, events);
        let view = View::new(&state, rules, at(hours), None);
        let mut out = Vec::new();
        detect(&view, &mut out);
        out
    }

    /// Plug readings every 15 minutes from `from` to `to` hours at `watts`.
    pub fn plug(from: f64, to: f64, watts: f64) -> Vec<Event> {
        let mut h = from;
        let mut v = Vec::new();
        while h < to {
            v.push(ev(h, "plug-tv", EventKind::plug(watts)));
            h += 0.25;
        }
        v
    }
}
