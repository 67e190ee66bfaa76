//! # anbu (안부, "how are you doing?")
//!
//! Fuses everyday signals about a person living alone (call logs, step counts, door
//! sensors, smart-plug readings, phone use, check-in call outcomes, SOS presses and
//! registered absences) into one explained risk assessment: a score, a level, a
//! recommended action and responder, and the reasons.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod assessment;
mod error;
mod event;
mod macros;
mod profile;
mod time;

pub use crate::assessment::{ASSESSMENT_FIELDS, Action, Assessment, Level, Reason, ReasonKind, Responder};
pub use crate::error::{Error, ErrorKind, Location, Result};
pub use crate::event::{
    AppAction, CheckinOutcome, Direction, DoorState, EVENT_FIELDS, Event, EventKind, EventRecord, MAX_ID_LEN, Signal,
};
pub use crate::profile::{
    BUILTIN_PROFILES, ChannelRule, Checkins, CrossCheck, DeviceOffline, Escalation, Inactivity, Levels, NoChange,
    Profile, Schedule, Sos, Weekday,
};
pub use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, Timestamp, parse_duration};
