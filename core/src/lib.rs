//! # anbu (안부, "how are you doing?")
//!
//! Fuses everyday signals about a person living alone (call logs, step counts, door
//! sensors, smart-plug and whole-home meter readings, phone use, check-in call outcomes, SOS
//! presses and registered absences) into one explained risk assessment: a score, a level, a
//! recommended action and responder, and the reasons.
//!
//! ## The pipeline
//!
//! 1. **Signals.** An [`Event`] is one thing a device or service saw ([`EventKind`], on one
//!    [`Signal`] channel), checked against the interchange contract (`docs/interchange.md`)
//!    as it is made or read: one at a time, from CSV or JSON Lines ([`read_events`],
//!    [`CsvEventReader`]), or as columns ([`EventColumns`], [`read_columns`]). Every source
//!    reads its cells through one [`Value`], so a value means the same from every language.
//! 2. **State.** An [`Engine`] holds one state per [`Person`]: events are folded in time
//!    order (late ones wait in a bounded buffer, `EngineConfig::allowed_lateness_ms`), into the
//!    last sign of life per channel, the devices and whether they report, missed calls and
//!    absences, and the person's learned routine (hourly probabilities of a sign of life, the
//!    survival of their own gaps, an activity deficit, daily activity averages).
//! 3. **Detectors.** At a time, each detector reads the state and gives evidence with its
//!    reason: silence (the posterior that the person became unable to respond, against the
//!    learned routine; see `routine`), a plug or meter without change, a decline, missed and
//!    concerned check-in calls, SOS, registered and unregistered absences, devices offline,
//!    channels that no longer watch the person.
//! 4. **Fusion.** The evidence adds up to a score from 0 to 100; the [`Profile`]'s level
//!    cut-offs give the [`Level`] (for silence, a cut-off is a probability); an automatic
//!    check-in call goes first, missed calls confirm; hysteresis holds a level; and the seed
//!    rules of the person's channels are a floor the learned routine may only make earlier.
//!    The level gives the [`Action`] and the [`Responder`] (the caseworker in office hours,
//!    else the control center).
//! 5. **Assessment.** An [`Assessment`]: score, level, action, responder and the [`Reason`]s,
//!    each with its share of the score, strongest first.
//!
//! Over many persons and days the same road runs in batch: [`replay`] assesses everyone on a
//! time grid, [`replay_closed_loop`] with the check-in calls it asks for placed and answered,
//! [`backtest`] scores assessments against known incidents, and `sim` simulates cohorts.
//!
//! ## Features
//!
//! - `sim` (on by default): the cohort simulator (`anbu::sim`) and the simulated responder of
//!   closed-loop replays; `default-features = false` leaves it out, so that a vendor can embed
//!   the engine alone.
//! - `arrow` (off by default): Arrow record batches in and out (`anbu::arrow`: what the Python
//!   binding converts its tables with) and event files as Parquet or Arrow IPC (`.parquet`, `.arrow`, `.feather`,
//!   `.ipc`) in [`read_events`], [`read_columns`], [`write_events_as`] and
//!   [`write_assessments_as`]. Without it, such a file is an error naming the file and the
//!   feature.
//!
//! ```
//! use anbu::{Action, Engine, Event, EventKind, HOUR_MS, Level, Person, ReasonKind, Signal, Timestamp};
//!
//! let mut engine = Engine::new();
//! engine.add_person(Person::new("p-1", "plug_only")?)?;
//! // The TV switched on at 20:00, then off; nothing since.
//! let t0: Timestamp = "2024-05-01T20:00:00+09:00".parse()?;
//! let plug = |h: i64, watts: f64| {
//!     Event::new("p-1", t0.plus_millis(h * HOUR_MS), Some("plug-tv"), EventKind::plug(watts))
//! };
//! engine.ingest(plug(0, 85.0)?)?;
//! for h in 1..=23 {
//!     engine.ingest(plug(h, 0.5)?)?;
//! }
//! // The TV off since 21:00 and nothing else seen: an hour before the plug service's rule
//! // (no change for 24 h) would alert, an automatic check-in call, and why.
//! let a = engine.assess("p-1", t0.plus_millis(24 * HOUR_MS))?;
//! assert_eq!((a.level, a.action), (Level::Watch, Action::CheckinCall));
//! assert_eq!((a.reasons[0].signal, a.reasons[0].kind), (Signal::Plug, ReasonKind::NoChange));
//! # Ok::<(), anbu::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod absence;
#[cfg(feature = "arrow")]
pub mod arrow;
mod assessment;
mod assessment_columns;
pub mod backtest;
mod clip;
mod coder;
mod columns;
mod compact;
mod config;
mod day_marks;
mod detect;
mod device;
mod engine;
mod error;
mod event;
mod faults;
mod file;
mod floor;
mod fusion;
pub mod holidays;
mod incident;
mod ladder;
pub mod limits;
mod macros;
mod messages;
mod meter;
mod names;
mod number;
mod ordered_columns;
mod owned_columns;
pub mod parallel;
mod payload;
mod pending;
mod person;
mod profile;
mod pseudonym;
mod range;
mod read;
mod read_outcome;
mod replay;
pub mod report;
mod responder;
mod routine;
mod schema;
#[cfg(feature = "sim")]
pub mod sim;
mod snapshot;
mod splitmix;
mod state;
mod text;
mod tier;
mod time;
mod time_input;
mod triage;
mod tuning;
mod value;
mod vocab;
mod write;

pub use crate::assessment::{
    ASSESSMENT_FIELDS, Action, Assessment, Level, Reason, ReasonKind, Responder, Route, VisitKind,
};
pub use crate::assessment_columns::AssessmentColumns;
pub use crate::columns::{Column, EventColumns, EventColumnsBuilder};
pub use crate::config::EngineConfig;
pub use crate::engine::{Engine, Ingested};
pub use crate::error::{Error, ErrorKind, Location, Result};
pub use crate::event::{DEFAULT_INTERVAL_S, EVENT_FIELDS, Event, EventKind, EventRecord};
pub use crate::file::Format;
pub use crate::holidays::Calendar;
pub use crate::incident::{INCIDENT_FIELDS, INCIDENT_KIND_MAX_BYTES, Incident, IncidentRecord};
pub use crate::limits::{
    MAX_DEVICES_PER_PERSON, MAX_ID_LEN, MAX_LINE_BYTES, MAX_PROFILE_BYTES, MAX_REPLAY_ROWS, MIN_EVERY_MS,
};
pub use crate::messages::Locale;
pub use crate::ordered_columns::ordered_columns;
pub use crate::owned_columns::{ColumnValues, IdCodes, OwnedColumns};
pub use crate::person::{PERSON_FIELDS, Person, PersonRecord};
pub use crate::profile::{
    BUILTIN_PROFILES, ChannelRule, Checkins, Clock, ConcernRule, ConcernRules, CrossCheck, DeviceOffline, Escalation,
    Inactivity, Levels, MeterRules, NoChange, Profile, RoutineRules, Schedule, SilenceMode, Sos, Weekday,
};
pub use crate::read::{
    CsvEventReader, JsonlEventReader, TableOutcome, read_columns, read_events, read_events_from, read_incidents,
    read_persons,
};
pub use crate::read_outcome::{ReadOptions, ReadOutcome};
pub use crate::vocab::{
    AppAction, By, CheckinBy, CheckinOutcome, ConcernCategory, Direction, DoorState, Finding, FoundBy, Signal,
};
pub use crate::write::{
    create_file, write_assessments_as, write_assessments_csv, write_assessments_jsonl, write_events_as,
    write_events_csv, write_events_jsonl, write_incidents_as, write_incidents_csv, write_incidents_jsonl,
    write_persons_as, write_persons_csv, write_persons_jsonl,
};

pub use crate::replay::{
    CallPolicy, CheckinResponder, Emit, ReplayOptions, check_replay_rows, replay, replay_closed_loop,
    replay_closed_loop_sequential, replay_columns, replay_to_columns,
};
pub use crate::responder::{AnswerRate, ResponderSpec, function_responder_in_sweep, parse_checkin_answer};
pub use crate::snapshot::{SNAPSHOT_MAGIC, SNAPSHOT_VERSION};
pub use crate::tier::{
    TIER_CALL_DAYS_SHARE, TIER_MIN_HISTORY_DAYS, TIER_START, TIER_UNRELIABLE_ANSWER_RATE, TIER_WALK_DAYS_SHARE,
    TIER_WINDOW_DAYS, Tier, TierAdvice,
};
pub use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, SECONDS_LIKE, Timestamp};
pub use crate::time_input::{duration_ms, parse_duration};
pub use crate::triage::{TriageFilter, rank, triage_latest, triage_markdown, urgency};
pub use crate::value::Value;

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
