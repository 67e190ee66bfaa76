//! # anbu (안부, "how are you doing?")
//!
//! Fuses everyday signals about a person living alone (call logs, step counts, door
//! sensors, smart-plug and whole-home meter readings, phone use, check-in call outcomes, SOS
//! presses and registered absences) into one explained risk assessment: a score, a level, a
//! recommended action and responder, and the reasons.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod assessment;
mod assessment_columns;
pub mod backtest;
mod columns;
mod compact;
mod detect;
mod engine;
mod error;
mod event;
mod faults;
mod floor;
mod fusion;
mod incident;
pub mod limits;
mod macros;
mod meter;
mod names;
mod owned_columns;
mod pending;
mod person;
mod profile;
mod pseudonym;
mod read;
mod replay;
mod responder;
mod routine;
pub mod sim;
mod snapshot;
mod state;
mod text;
mod time;
mod value;
mod write;

pub use crate::assessment::{ASSESSMENT_FIELDS, Action, Assessment, Level, Reason, ReasonKind, Responder};
pub use crate::assessment_columns::AssessmentColumns;
pub use crate::columns::{Column, EventColumns, EventColumnsBuilder};
pub use crate::engine::{Engine, EngineConfig};
pub use crate::error::{Error, ErrorKind, Location, Result};
pub use crate::event::{
    AppAction, CheckinOutcome, ConcernCategory, Direction, DoorState, EVENT_FIELDS, Event, EventKind, EventRecord,
    Signal,
};
pub use crate::incident::{INCIDENT_FIELDS, Incident, IncidentRecord};
pub use crate::limits::{
    MAX_DEVICES_PER_PERSON, MAX_ID_LEN, MAX_LINE_BYTES, MAX_PROFILE_BYTES, MAX_REPLAY_ROWS, MIN_EVERY_MS,
};
pub use crate::owned_columns::{ColumnValues, IdCodes, OwnedColumns};
pub use crate::person::{PERSON_FIELDS, Person, PersonRecord};
pub use crate::profile::{
    BUILTIN_PROFILES, ChannelRule, Checkins, Clock, ConcernRule, ConcernRules, CrossCheck, DeviceOffline, Escalation,
    Inactivity, Levels, MeterRules, NoChange, Profile, Route, RoutineRules, Schedule, SilenceMode, Sos, Weekday,
};
pub use crate::read::{
    CsvEventReader, Format, JsonlEventReader, ReadOptions, ReadOutcome, read_columns, read_events, read_events_from,
};
pub use crate::write::{write_assessments_csv, write_assessments_jsonl, write_events_csv, write_events_jsonl};

pub use crate::replay::{
    CallPolicy, CheckinResponder, ReplayOptions, check_replay_rows, replay, replay_closed_loop,
    replay_closed_loop_sequential, replay_columns, replay_to_columns,
};
pub use crate::responder::{AnswerRate, ResponderSpec, parse_checkin_answer};
pub use crate::snapshot::{SNAPSHOT_MAGIC, SNAPSHOT_VERSION};
pub use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, SECONDS_LIKE, Timestamp, duration_ms, parse_duration};
pub use crate::value::Value;

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
