//! The built-in profiles, one per service tier used in Korea today.

use super::{
    ChannelRule, Checkins, Clock, ConcernRules, CrossCheck, DeviceOffline, Escalation, Inactivity, Levels, MeterRules,
    NoChange, Profile, RoutineRules, Schedule, SilenceMode, Sos, Weekday,
};
use crate::assessment::Action;
use crate::holidays::Calendar;
use crate::messages::Locale;
use crate::vocab::Signal;

/// Names of the built-in profiles.
pub const BUILTIN_PROFILES: [&str; 5] = ["plug_only", "call_only", "call_app", "call_iot", "full"];

/// Weight of the only channel of a single-channel profile: silence reaches `warning` exactly
/// at the threshold, as the seed rule alerts.
const SOLE_WEIGHT: f64 = 50.0;

fn rule(threshold_h: f64, weight: f64) -> ChannelRule {
    ChannelRule { threshold_h, weight, own_floor: false }
}

/// The `full` profile: every signal, each channel alone reaching `watch` and two agreeing
/// channels reaching `warning` at their thresholds.
fn full() -> Profile {
    Profile {
        name: "full".into(),
        signals: vec![Signal::Call, Signal::Steps, Signal::Door, Signal::Plug, Signal::App, Signal::Checkin],
        timezone: "Asia/Seoul".into(),
        schedule: Schedule {
            office_days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
            office_start: "09:00".into(),
            office_end: "18:00".into(),
            calendar: Calendar::Kr,
            holidays: Vec::new(),
        },
        levels: Levels {
            watch: 25.0,
            warning: 50.0,
            critical: 80.0,
            hysteresis: 10.0,
            hysteresis_h: super::DEFAULT_HYSTERESIS_H,
        },
        inactivity: Inactivity {
            onset: 0.5,
            min_steps: 10,
            call: rule(48.0, 30.0),
            steps: rule(24.0, 30.0),
            door: rule(24.0, 30.0),
            plug: ChannelRule { own_floor: true, ..rule(24.0, 35.0) },
            app: rule(24.0, 30.0),
        },
        no_change: NoChange { watts_tolerance: 5.0, lux_tolerance: 30.0, relative_tolerance: 0.15, standby_watts: 3.0 },
        meter: MeterRules { margin_watts: 60.0, margin_ratio: 0.3 },
        cross_check: CrossCheck { contradicted_factor: 0.05 },
        checkins: Checkins {
            after: 1,
            points_each: 8.0,
            max_points: 45.0,
            concern_points: 90.0,
            concern_hold_h: 24.0,
            categories: ConcernRules::default(),
        },
        sos: Sos { points: 100.0, hold_h: 24.0, guardian: false },
        device_offline: DeviceOffline { after_h: 6.0, blind_points: 0.0 },
        clock: Clock::default(),
        escalation: Escalation {
            watch: Action::CheckinCall,
            warning: Action::Notify,
            warning_after_missed_checkin: Action::Notify,
            critical: Action::Dispatch,
            critical_after_missed_checkins: 2,
            warning_after_missed_checkins: 1,
            confirm_within_h: 2.0,
            floor_call_ahead_h: super::DEFAULT_FLOOR_CALL_AHEAD_H,
            caseworker_h: super::DEFAULT_CASEWORKER_H,
        },
        routine: RoutineRules {
            mode: SilenceMode::Adaptive,
            learning_rate: 0.08,
            warmup_days: 10.0,
            sensitivity: super::DEFAULT_SENSITIVITY,
            onset_surprise: None,
            full_surprise: None,
            weight: None,
            decline_weight: 45.0,
            decline_onset: 0.35,
            decline_full: 0.7,
        },
        locale: Locale::En,
    }
}

/// A built-in profile by name.
pub(super) fn builtin(name: &str) -> Option<Profile> {
    let mut p = full();
    p.name = name.to_string();
    match name {
        "full" => {}
        // The smart-plug service: no change in power or light for 24 h.
        "plug_only" => {
            p.signals = vec![Signal::Plug, Signal::Checkin];
            p.inactivity.plug = ChannelRule { own_floor: true, ..rule(24.0, SOLE_WEIGHT) };
        }
        // Call logs only: people who call or are called most days.
        "call_only" => {
            p.signals = vec![Signal::Call, Signal::Checkin];
            p.inactivity.call = rule(48.0, SOLE_WEIGHT);
        }
        // Calls plus the step-count app: people who rarely call but go out.
        "call_app" => {
            p.signals = vec![Signal::Call, Signal::Steps, Signal::App, Signal::Checkin];
            p.inactivity.steps = rule(24.0, 35.0);
        }
        // Calls plus a door sensor and a smart plug: people who neither call nor go out much.
        "call_iot" => {
            p.signals = vec![Signal::Call, Signal::Door, Signal::Plug, Signal::Checkin];
            p.inactivity.door = rule(24.0, 35.0);
        }
        _ => return None,
    }
    Some(p)
}
