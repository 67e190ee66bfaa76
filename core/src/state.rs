//! What the engine remembers about one person: a compact summary folded from the
//! person's events in time order.
//!
//! Folding is the only place where an event changes what is known. It keeps, per
//! channel, the last sign of life; per device, the last report and the last plug (or
//! meter) reading; the check-in calls missed since the last sign of life; the last SOS and
//! concern; the registered absences; and, for a whole-home meter, the household's learned
//! base load (see `meter`).

use serde::{Deserialize, Serialize};

use crate::absence::{Absence, OPEN_END};
use crate::coder::{self, tracks_device};
use crate::compact::Compact;
use crate::day_marks::{DayMarks, Mark};
use crate::device::{DeviceState, PlugReading};
use crate::event::EventKind;
use crate::meter::MeterBase;
use crate::names::Name;
use crate::profile::{Rules, SilenceMode};
use crate::routine::{HourContext, Routine};
use crate::time::Timestamp;
use crate::tuning::{LIGHT_TREND_H, WAVER_RATE, WAVER_TIMES};
use crate::vocab::{AppAction, CheckinBy, CheckinOutcome, ConcernCategory, Direction, Finding, Signal};

/// Steps per hour that mean walking somewhere rather than moving about at home.
const WALK_STEPS_PER_HOUR: u64 = 400;
use crate::limits::{MAX_ABSENCES, MAX_DEVICES_PER_PERSON, MAX_MISSED_CHECKINS as MAX_MISSED};

/// A sign of life: when, and in which signal.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Life {
    pub ts: Timestamp,
    pub signal: Signal,
}

/// The folded state of one person.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct PersonState {
    pub first_ts: Option<Timestamp>,
    pub last_ts: Option<Timestamp>,
    /// Last sign of life per activity channel (`Signal::CHANNELS` order).
    pub last_life: [Option<Timestamp>; 5],
    /// Last sign of life in any signal (channels, answered check-ins, SOS).
    pub last_life_any: Option<Life>,
    pub devices: Vec<DeviceState>,
    /// Missed check-in calls since the last sign of life, oldest first.
    pub missed_checkins: Vec<Timestamp>,
    pub last_all_clear: Option<Timestamp>,
    /// The last `concern` without a category.
    pub last_concern: Option<Timestamp>,
    /// The last `concern` of each category (at most one entry per category; absent from
    /// snapshots written before categories).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category_concerns: Vec<(ConcernCategory, Timestamp)>,
    pub last_sos: Option<Timestamp>,
    /// When the latest hours of walking (more steps than moving about at home) began: the
    /// start of the report's interval, as a step count says nothing of when in it the steps
    /// were walked (a walk home ends in the report after the door, but began before it).
    #[serde(default)]
    pub last_walk: Option<Timestamp>,
    pub absences: Vec<Absence>,
    /// The day of the first event, and the days of the last 32 with a call made or answered
    /// and with a walk (see `tier`; absent from snapshots written before it).
    #[serde(default, skip_serializing_if = "DayMarks::is_empty")]
    pub days: DayMarks,
    /// The person's learned routine.
    pub routine: Routine,
    /// The household's learned base load, for a person with a whole-home meter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meter: Option<Box<MeterBase>>,
    /// The last `disposition`: what a call or a visit found, and when (absent from
    /// snapshots written before dispositions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_disposition: Option<(Finding, Timestamp)>,
    /// The last staff call or text (a `checkin` by `staff`) missed or unreachable since the
    /// last sign of life: the caseworker's rung was tried (absent from snapshots before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_failed: Option<Timestamp>,
    /// The last automatic call that could not ring (outcome `unreachable`) since the last
    /// sign of life, for the reason's words (absent from snapshots before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_unreachable: Option<Timestamp>,
    /// The last time someone from the service spoke with the person or saw them: a staff
    /// call or text answered, a `concern` said to staff, or a visit's finding other than
    /// `unreachable` (absent from snapshots before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_staff_contact: Option<Timestamp>,
}

/// The context the routine learns in: the person's time zone, devices and absences.
pub(crate) struct Context<'a> {
    pub rules: &'a Rules,
    pub devices: &'a [DeviceState],
    pub absences: &'a [Absence],
}

impl HourContext for Context<'_> {
    fn bin(&self, start_ms: i64) -> usize {
        self.rules.bin(start_ms)
    }
    fn bins(&self, start_ms: i64) -> impl Iterator<Item = usize> {
        self.rules.hour_bins(start_ms)
    }
    fn day(&self, ms: i64) -> i64 {
        self.rules.local_parts(ms).0
    }
    fn day_end(&self, day: i64) -> i64 {
        self.rules.day_end_ms(day)
    }
    fn watched(&self, c: usize, end_ms: i64) -> bool {
        let Some(channel) = Signal::CHANNELS.get(c).copied() else { return false };
        let mut periodic = self.devices.iter().filter(|d| d.periodic && d.reports_on(channel)).peekable();
        if periodic.peek().is_none() {
            return true;
        }
        periodic.any(|d| end_ms - d.last_report.as_millis() <= self.rules.offline_after_ms)
    }
    fn away(&self, ms: i64) -> bool {
        self.absences.iter().any(|a| a.start.as_millis() <= ms && ms < a.end.as_millis())
    }
    fn away_within(&self, a: i64, z: i64) -> bool {
        self.absences.iter().any(|x| x.start.as_millis() < z && a < x.end.as_millis() && x.start < x.end)
    }
    /// [`HourContext::watched`] of every channel in one pass over the devices.
    fn watched_mask(&self, end_ms: i64) -> u8 {
        self.watched_mask_until(end_ms).0
    }
    /// Offline devices stay offline as the end moves on; online ones hold until the first of
    /// them has been silent `offline_after_ms`.
    fn watched_mask_until(&self, end_ms: i64) -> (u8, i64) {
        let (mut periodic, mut online, mut until) = (0u8, 0u8, i64::MAX);
        for d in self.devices.iter().filter(|d| d.periodic) {
            periodic |= d.channels;
            let last = d.last_report.as_millis();
            if end_ms - last <= self.rules.offline_after_ms {
                online |= d.channels;
                until = until.min(last.saturating_add(self.rules.offline_after_ms));
            }
        }
        ((!periodic | online) & 0b1_1111, until)
    }
    fn expected_mask(&self) -> u8 {
        self.rules.expected_mask()
    }
    fn decay(&self) -> Option<&crate::routine::Decay> {
        Some(&self.rules.decay)
    }
    fn expected(&self, c: usize) -> bool {
        self.rules.expected_channels.get(c).copied().unwrap_or(false)
    }
}

/// Whether an event shows that the person did something.
fn is_sign_of_life(kind: &EventKind, rules: &Rules) -> bool {
    match kind {
        EventKind::Call { direction, answered, .. } => *direction == Direction::Out || *answered,
        EventKind::Steps { steps, .. } => *steps >= rules.profile.inactivity.min_steps.max(1),
        EventKind::Door { .. } => true,
        EventKind::App { action, .. } => *action != AppAction::Data,
        EventKind::Checkin { outcome, .. } => outcome.is_life(),
        EventKind::Sos { .. } => true,
        // A call or a visit that found the person well saw them alive.
        EventKind::Disposition { finding, .. } => *finding == Finding::Fine,
        // Plug readings are judged by change, meter readings against the base load, when the
        // device's report is recorded.
        EventKind::Plug { .. } | EventKind::Meter { .. } | EventKind::Away { .. } | EventKind::Heartbeat { .. } => {
            false
        }
    }
}

impl PersonState {
    /// Folds one event given as an [`crate::Event`]: registers its device and folds it.
    pub fn fold(&mut self, e: &crate::Event, rules: &Rules) {
        let device = if tracks_device(e.signal()) {
            let name = || Name::new(e.device().to_string());
            coder::device(&mut self.devices, &e.person, e.device(), name).unwrap_or(u32::MAX)
        } else {
            u32::MAX
        };
        self.fold_compact(&Compact::new(e.ts, &e.kind, device, e.device_given().is_some()), rules);
    }

    /// Folds one event; events must come in canonical time order, their devices registered
    /// (a tracked event's `device` is its index in `devices`).
    pub fn fold_compact(&mut self, e: &Compact, rules: &Rules) {
        let kind = e.kind();
        self.first_ts = Some(self.first_ts.map_or(e.ts, |t| t.min(e.ts)));
        self.last_ts = Some(self.last_ts.map_or(e.ts, |t| t.max(e.ts)));
        self.days.start(rules, e.ts.as_millis());
        let mut life = is_sign_of_life(&kind, rules);
        if let EventKind::Steps { steps, interval_s, .. } = kind
            && u64::from(steps) * 3600 >= WALK_STEPS_PER_HOUR * u64::from(interval_s)
        {
            let began = e.ts.plus_millis(-i64::from(interval_s) * 1000);
            self.last_walk = Some(self.last_walk.map_or(began, |t| t.max(began)));
            self.days.mark(rules, e.ts.as_millis(), Mark::Walk);
        }
        match &kind {
            EventKind::Away { until, .. } => self.register_absence(e.ts, *until),
            EventKind::Sos { .. } => self.last_sos = Some(e.ts),
            EventKind::Disposition { finding, .. } => self.dispose(e.ts, *finding, rules),
            EventKind::Checkin { outcome, by: CheckinBy::Staff, .. } if outcome.is_failed() => {
                // The caseworker's call or text went unanswered: their rung was tried. It is
                // not an automatic call, so it neither counts as one nor teaches the answer rate.
                self.staff_failed = Some(self.staff_failed.map_or(e.ts, |t| t.max(e.ts)));
            }
            EventKind::Checkin {
                outcome: CheckinOutcome::Answered | CheckinOutcome::SmsReply,
                by: CheckinBy::Staff,
                ..
            } => {
                self.last_all_clear = Some(e.ts);
                self.staff_contact(e.ts);
            }
            EventKind::Checkin { outcome, category, .. } => match outcome {
                CheckinOutcome::Answered | CheckinOutcome::SmsReply => {
                    self.last_all_clear = Some(e.ts);
                    self.routine.checkin(true);
                    self.routine.all_clear();
                }
                CheckinOutcome::Concern => {
                    if matches!(kind, EventKind::Checkin { by: CheckinBy::Staff, .. }) {
                        self.staff_contact(e.ts);
                    }
                    match *category {
                        None => self.last_concern = Some(e.ts),
                        Some(c) => match self.category_concerns.iter_mut().find(|(k, _)| *k == c) {
                            Some(slot) => slot.1 = slot.1.max(e.ts),
                            None => self.category_concerns.push((c, e.ts)),
                        },
                    }
                    self.routine.checkin(true);
                }
                CheckinOutcome::Missed | CheckinOutcome::Unreachable => {
                    if *outcome == CheckinOutcome::Unreachable {
                        self.last_unreachable = Some(e.ts);
                    }
                    self.routine.checkin(false);
                    if self.missed_checkins.len() == MAX_MISSED {
                        self.missed_checkins.remove(0);
                    }
                    self.missed_checkins.push(e.ts);
                }
            },
            _ => {}
        }
        if tracks_device(e.signal) {
            life |= self.report_device(e, &kind, rules);
        }
        if life {
            // The routine learns the hours up to a sign of life only once it comes: the
            // silence after the last one may be an emergency, and is not learned as normal.
            let ctx = Context { rules, devices: &self.devices, absences: &self.absences };
            let r = &rules.profile.routine;
            self.routine.advance(e.ts, r.learning_rate, &ctx);
            if r.mode == SilenceMode::Adaptive
                && let Some(prev) = self.last_life_any
                && e.ts > prev.ts
            {
                let gap = self.routine.close_gap(rules.expected_mask(), prev.ts, e.ts, r.learning_rate, &ctx);
                if let (Some(surprise), EventKind::Disposition { finding: Finding::Fine, .. }) = (gap, &kind) {
                    // Seen well by a call or a visit: this silence was normal for the person.
                    self.routine.lesson(surprise);
                }
            }
            // An absence that lasts until the next sign of life ends here.
            for a in self.absences.iter_mut().filter(|a| a.end == OPEN_END && a.start < e.ts) {
                a.end = e.ts;
            }
            if let Some(d) = self.devices.get_mut(e.device as usize).filter(|_| tracks_device(e.signal)) {
                d.reported_fault = false;
            }
            let signal = e.signal;
            if let Some(i) = signal.channel_index() {
                self.last_life[i] = Some(e.ts);
                self.routine.life(signal);
            }
            if let EventKind::Steps { steps, .. } = kind {
                self.routine.steps(steps);
            }
            if signal == Signal::Call {
                self.days.mark(rules, e.ts.as_millis(), Mark::Call);
            }
            self.last_life_any = Some(Life { ts: e.ts, signal });
            // A plug on now stays on through the hours the next sign of life closes (switching
            // it is one): the routine learns when it is usually on from that.
            let standby = rules.profile.no_change.standby_watts;
            self.routine.set_plug_on(self.devices.iter().any(|d| d.appliance_on(standby)));
            self.missed_checkins.clear();
            self.staff_failed = None;
            self.last_unreachable = None;
        }
    }

    /// Records a device report; returns whether a plug reading changed, or a meter reading
    /// stood out from the base load (a sign of life).
    fn report_device(&mut self, e: &Compact, kind: &EventKind, rules: &Rules) -> bool {
        let signal = e.signal;
        // Registered when the event was taken; never grow past the cap.
        let Some(d) = self.devices.get_mut(e.device as usize) else { return false };
        let before = d.last_report;
        d.last_report = d.last_report.max(e.ts);
        if let Some(i) = signal.channel_index() {
            d.channels |= 1 << i;
        }
        // A steps app that reports an hour of no steps reports on a schedule; one that
        // reports only when there are steps is silent when the person does not walk, and its
        // silence is the person's, not the device's.
        if matches!(signal, Signal::Plug | Signal::Meter | Signal::Heartbeat)
            || matches!(kind, EventKind::Steps { steps: 0, .. })
        {
            d.periodic = true;
        }
        match kind {
            EventKind::Plug { watts, lux, .. } => {
                let nc = &rules.profile.no_change;
                let differs =
                    |a: f64, b: f64, abs_tol: f64| (a - b).abs() > abs_tol.max(nc.relative_tolerance * a.max(b));
                let hours = e.ts.hours_since(before);
                let fresh = hours > 0.0 && hours <= LIGHT_TREND_H;
                let adaptive = rules.profile.routine.mode == SilenceMode::Adaptive;
                // While the appliance stays on, its load wavers (a TV's picture): the learned
                // routine takes a change for a sign of life only beyond `WAVER_TIMES` this
                // plug's usual waver. Switching on or off (across standby) always counts.
                let on = |w: f64| w > nc.standby_watts;
                let staying_on = d.plug.is_some_and(|prev| adaptive && fresh && on(prev.watts) && on(*watts));
                let waver_tol =
                    d.plug.map_or(0.0, |prev| if staying_on { WAVER_TIMES * f64::from(prev.waver) } else { 0.0 });
                let power = d.plug.is_some_and(|prev| differs(prev.watts, *watts, nc.watts_tolerance.max(waver_tol)));
                let changed = d.plug.is_some_and(|prev| {
                    let light = match (prev.lux(), lux) {
                        // Daylight moves the light steadily; a lamp switched on or off breaks
                        // that trend (see `LIGHT_TREND_H`). The seed rule (`fixed`) counts
                        // every change.
                        (Some(a), Some(b)) => {
                            let trend = if adaptive && fresh { f64::from(prev.lux_trend) * hours } else { 0.0 };
                            differs(a, *b, nc.lux_tolerance) && differs((a + trend).max(0.0), *b, nc.lux_tolerance)
                        }
                        _ => false,
                    };
                    power || light
                });
                let steady_since = match d.plug {
                    Some(prev) if !changed => prev.steady_since,
                    _ => e.ts,
                };
                let lux_trend = match (d.plug.and_then(|p| p.lux()), lux) {
                    (Some(a), Some(b)) if fresh => ((b - a) / hours) as f32,
                    _ => 0.0,
                };
                // The waver's root mean square, each change held at the tolerance it was
                // judged by (so that a switch's jump teaches little).
                let waver = match d.plug {
                    Some(prev) if staying_on => {
                        let w = f64::from(prev.waver);
                        let tol = waver_tol.max(nc.watts_tolerance).max(nc.relative_tolerance * prev.watts.max(*watts));
                        let x = (prev.watts - *watts).abs().min(tol);
                        (w * w + WAVER_RATE * (x * x - w * w)).max(0.0).sqrt() as f32
                    }
                    _ => d.plug.map_or(0.0, |prev| prev.waver),
                };
                // Lit at every reading since: a gap in the readings ends it.
                let lit = lux.is_some_and(|l| l > nc.lux_tolerance);
                let was_lit = d.lit_since().is_some();
                let lit_since =
                    lit.then(|| d.plug.filter(|_| hours <= LIGHT_TREND_H).and_then(|p| p.lit_since).unwrap_or(e.ts));
                // `lux` stays private to `device`: the learned figures are set on a new reading.
                let mut reading = PlugReading::new(*watts, *lux, steady_since);
                (reading.lux_trend, reading.waver, reading.lit_since) = (lux_trend, waver, lit_since);
                d.plug = Some(reading);
                // Whether the room is lit when an hour closes is learned from the readings
                // themselves (daylight comes and goes with no sign of life): any plug lit, as
                // it was unless this one changed.
                let any_lit = if lit == was_lit {
                    self.routine.plug_lit()
                } else {
                    self.devices.iter().any(|d| d.lit_since().is_some())
                };
                self.routine.set_plug_lit(e.ts, any_lit);
                changed
            }
            EventKind::Meter { watts, .. } => {
                d.meter = true;
                let hour = rules.local_parts(e.ts.as_millis()).1;
                let base = self.meter.get_or_insert_with(Box::default);
                let prev = d.plug.map(|r| r.watts);
                let life = base.is_life(hour, *watts, prev, &rules.profile.meter);
                base.learn(hour, *watts);
                let steady_since = match d.plug {
                    Some(r) if !life => r.steady_since,
                    _ => e.ts,
                };
                d.plug = Some(PlugReading::new(*watts, None, steady_since));
                life
            }
            _ => false,
        }
    }

    /// A caseworker, the control center or a visitor reached the person at `ts`.
    fn staff_contact(&mut self, ts: Timestamp) {
        self.last_staff_contact = Some(self.last_staff_contact.map_or(ts, |t| t.max(ts)));
    }

    /// What a call or a visit found (see [`Finding`]): `fine` is a sign of life (folded as
    /// one by the caller) and clears what was held (an SOS, a concern); `away` and
    /// `hospital` start an absence until the next sign of life; `device_fault` reports the
    /// devices of every channel silent for `device_offline.after_h` or more as faulty, until
    /// each shows life again. Every finding but `unreachable` is a contact by the service
    /// (see [`PersonState::staff_contact`]). Every finding is kept as the last disposition
    /// (`emergency`, `deceased` and `unreachable` are read by the `disposition` detector).
    fn dispose(&mut self, ts: Timestamp, finding: Finding, rules: &Rules) {
        if !matches!(finding, Finding::Unreachable) {
            self.staff_contact(ts);
        }
        match finding {
            Finding::Fine => {
                self.last_all_clear = Some(ts);
                self.routine.all_clear();
            }
            Finding::Away | Finding::Hospital => self.register_absence(ts, OPEN_END),
            Finding::DeviceFault => {
                let silent = |i: usize| {
                    self.last_life[i].or(self.first_ts).is_none_or(|t| ts.millis_since(t) >= rules.offline_after_ms)
                };
                let mask = (0..Signal::CHANNELS.len()).filter(|i| silent(*i)).fold(0u8, |m, i| m | 1 << i);
                for d in self.devices.iter_mut().filter(|d| d.channels & mask != 0) {
                    d.reported_fault = true;
                }
            }
            Finding::Emergency | Finding::Deceased | Finding::Unreachable => {}
        }
        self.last_disposition = Some((finding, ts));
    }

    fn register_absence(&mut self, start: Timestamp, until: Timestamp) {
        if until == start {
            // Cancels the absences under way at `start`.
            for a in &mut self.absences {
                if a.start <= start && start < a.end {
                    a.end = start;
                }
            }
            return;
        }
        if self.absences.len() == MAX_ABSENCES {
            self.absences.remove(0);
        }
        self.absences.push(Absence { start, end: until });
    }

    /// The absence under way at `at`, if any (the one ending last).
    pub fn absence_at(&self, at: Timestamp) -> Option<Absence> {
        self.absences.iter().filter(|a| a.start <= at && at < a.end).max_by_key(|a| a.end).copied()
    }

    /// The end of the latest absence that ended at or before `at`.
    pub fn last_return(&self, at: Timestamp) -> Option<Timestamp> {
        self.absences.iter().filter(|a| a.end <= at && a.start < a.end).map(|a| a.end).max()
    }

    /// Checks a restored state (see `snapshot`): every value in its range and the times in
    /// the order folding keeps them, so that it assesses as it did and is written back readable.
    /// The error names the field (`state.devices[0].plug.watts`) and why.
    pub fn check(&self) -> std::result::Result<(), String> {
        self.check_fields().map_err(|e| format!("state.{e}"))
    }

    fn check_fields(&self) -> std::result::Result<(), String> {
        use crate::range::in_range;
        let last = self.last_ts;
        // Every time folded from an event is at or before the last event folded.
        let folded = |name: &str, t: Option<Timestamp>| match (t, last) {
            (Some(t), Some(last)) if t > last => Err(format!("{name}: {t} is after last_ts ({last})")),
            (Some(t), None) => Err(format!("{name}: {t} is set while no event was folded (last_ts is null)")),
            _ => Ok(()),
        };
        if self.first_ts.is_some() != last.is_some() {
            return Err("first_ts: must be set exactly when last_ts is".into());
        }
        folded("first_ts", self.first_ts)?;
        for (i, t) in self.last_life.iter().enumerate() {
            folded(&format!("last_life[{i}]"), *t)?;
        }
        folded("last_life_any", self.last_life_any.map(|l| l.ts))?;
        folded("last_all_clear", self.last_all_clear)?;
        folded("last_concern", self.last_concern)?;
        for (i, (c, t)) in self.category_concerns.iter().enumerate() {
            if self.category_concerns[..i].iter().any(|(k, _)| k == c) {
                return Err(format!("category_concerns[{i}]: one entry per category, got `{c}` twice"));
            }
            folded(&format!("category_concerns[{i}]"), Some(*t))?;
        }
        folded("last_sos", self.last_sos)?;
        folded("last_walk", self.last_walk)?;
        folded("last_disposition", self.last_disposition.map(|(_, t)| t))?;
        if self.devices.len() > MAX_DEVICES_PER_PERSON {
            return Err(format!("devices: at most {MAX_DEVICES_PER_PERSON}, got {}", self.devices.len()));
        }
        for (i, d) in self.devices.iter().enumerate() {
            if d.id.is_empty() || self.devices[..i].iter().any(|o| o.id == d.id) {
                return Err(format!("devices[{i}].id: must be non-empty and unique"));
            }
            if d.channels >> Signal::CHANNELS.len() != 0 {
                return Err(format!(
                    "devices[{i}].channels: must be a set of the 5 channels' bits, got {}",
                    d.channels
                ));
            }
            // A device registered for an event not folded yet keeps the epoch.
            if d.last_report != Timestamp::EPOCH {
                folded(&format!("devices[{i}].last_report"), Some(d.last_report))?;
            }
            if let Some(r) = &d.plug {
                in_range(&format!("devices[{i}].plug.watts"), r.watts, 0.0, f64::MAX)?;
                if let Some(lux) = r.lux() {
                    in_range(&format!("devices[{i}].plug.lux"), lux, 0.0, f64::MAX)?;
                }
                if r.steady_since > d.last_report {
                    return Err(format!("devices[{i}].plug.steady_since: {} is after last_report", r.steady_since));
                }
                if let Some(t) = r.lit_since.filter(|t| *t > d.last_report) {
                    return Err(format!("devices[{i}].plug.lit_since: {t} is after last_report"));
                }
            }
        }
        if self.missed_checkins.len() > MAX_MISSED || !self.missed_checkins.is_sorted() {
            return Err(format!("missed_checkins: at most {MAX_MISSED}, oldest first"));
        }
        for (i, t) in self.missed_checkins.iter().enumerate() {
            folded(&format!("missed_checkins[{i}]"), Some(*t))?;
        }
        if self.absences.len() > MAX_ABSENCES {
            return Err(format!("absences: at most {MAX_ABSENCES}, got {}", self.absences.len()));
        }
        if let Some(i) = self.absences.iter().position(|a| a.end < a.start) {
            return Err(format!("absences[{i}]: ends before it starts"));
        }
        self.routine.check().map_err(|e| format!("routine.{e}"))?;
        if let Some(m) = &self.meter {
            m.check().map_err(|e| format!("meter.{e}"))?;
        }
        Ok(())
    }

    /// Approximate heap size of this state, bytes (device ids are interned, counted by the engine).
    pub fn heap_bytes(&self) -> usize {
        self.devices.capacity() * std::mem::size_of::<DeviceState>()
            + self.missed_checkins.capacity() * std::mem::size_of::<Timestamp>()
            + self.absences.capacity() * std::mem::size_of::<Absence>()
            + self.routine.heap_bytes()
            + self.meter.as_ref().map_or(0, |_| std::mem::size_of::<MeterBase>())
    }
}
