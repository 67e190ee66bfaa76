//! The one error type of the crate.
//!
//! Every failure anbu can report is a variant of [`Error`]. Each variant belongs to
//! one [`ErrorKind`], whose [`ErrorKind::code`] is the stable name the bindings expose
//! (a Python exception class, a Node `error.code`). Messages name the row, field or key
//! at fault and the reason, and never contain event contents beyond the offending value.

use std::fmt;

use crate::clip::{MAX_KEY_CHARS, MAX_REASON_CHARS, clip, clip_to};
use crate::time::Timestamp;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in an input a bad value was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A line of a text file (1-based, counting the header line of a CSV file).
    Line(u64),
    /// An index into an in-memory batch (0-based).
    Index(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Index(n) => write!(f, "row {n}"),
        }
    }
}

/// Everything that can go wrong in anbu.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An event (or a row of a table) is invalid: a field is missing, malformed or out of range.
    #[error("{}field `{}`: {}", at_prefix(.location), clip(field), clip_reason(reason))]
    InvalidEvent {
        /// Where the event came from, when it came from a file or a batch.
        location: Option<Location>,
        /// The field at fault, as named in the spec.
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A text file is malformed as a whole (bad header, bad quoting, an over-long line).
    #[error("{}{}", at_prefix(.location), clip_reason(reason))]
    Format {
        /// Where the problem was found.
        location: Option<Location>,
        /// What is wrong.
        reason: String,
    },
    /// A profile is invalid: a key has a bad value, or is unknown.
    #[error("profile `{}`: key `{}`: {}", clip(profile), clip_key(key), clip_reason(reason))]
    InvalidProfile {
        /// The profile's name (or `?` when it has none yet).
        profile: String,
        /// The dotted key at fault, for example `inactivity.plug.threshold_h`.
        key: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A profile name is neither built in nor supplied by the caller.
    #[error("unknown profile `{}` (built-in profiles: plug_only, call_only, call_app, call_iot, full)", clip(.0))]
    UnknownProfile(String),
    /// An event or request names a person the engine does not know.
    #[error("unknown person `{}`: register the person first", clip(.0))]
    UnknownPerson(String),
    /// An event arrived later than the allowed lateness.
    #[error(
        "{}event for person `{}` at {ts} is later than the allowed lateness: events up to {horizon} are final",
        at_prefix(.location),
        clip(person)
    )]
    LateEvent {
        /// Where the event came from, when known.
        location: Option<Location>,
        /// The person.
        person: String,
        /// The event's timestamp.
        ts: Timestamp,
        /// Events before this time can no longer be accepted for the person.
        horizon: Timestamp,
    },
    /// A caller-supplied argument is invalid (an evaluation time, a replay interval...).
    #[error("argument `{}`: {}", clip(name), clip_reason(reason))]
    InvalidArgument {
        /// The argument.
        name: String,
        /// Why it was rejected.
        reason: String,
    },
    /// Snapshot bytes could not be restored.
    #[error("snapshot: {}", clip_reason(.0))]
    Snapshot(String),
    /// Reading or writing failed at the operating-system level.
    #[error("i/o: {}", clip_reason(&.0.to_string()))]
    Io(#[from] std::io::Error),
    /// The caller asked a long computation to stop.
    #[error("interrupted")]
    Interrupted,
}

fn clip_key(key: &str) -> std::borrow::Cow<'_, str> {
    clip_to(key, MAX_KEY_CHARS)
}

fn clip_reason(reason: &str) -> std::borrow::Cow<'_, str> {
    clip_to(reason, MAX_REASON_CHARS)
}

fn at_prefix(location: &Option<Location>) -> String {
    match location {
        Some(l) => format!("{l}: "),
        None => String::new(),
    }
}

/// The category of an [`Error`]: what a binding maps to one exception class or error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::InvalidEvent`]
    InvalidEvent,
    /// [`Error::Format`]
    Format,
    /// [`Error::InvalidProfile`]
    InvalidProfile,
    /// [`Error::UnknownProfile`]
    UnknownProfile,
    /// [`Error::UnknownPerson`]
    UnknownPerson,
    /// [`Error::LateEvent`]
    LateEvent,
    /// [`Error::InvalidArgument`]
    InvalidArgument,
    /// [`Error::Snapshot`]
    Snapshot,
    /// [`Error::Io`]
    Io,
    /// [`Error::Interrupted`]
    Interrupted,
}

impl ErrorKind {
    /// Every kind, in a stable order.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::InvalidEvent,
        ErrorKind::Format,
        ErrorKind::InvalidProfile,
        ErrorKind::UnknownProfile,
        ErrorKind::UnknownPerson,
        ErrorKind::LateEvent,
        ErrorKind::InvalidArgument,
        ErrorKind::Snapshot,
        ErrorKind::Io,
        ErrorKind::Interrupted,
    ];

    /// The stable code of this kind, e.g. `ANBU_INVALID_EVENT`.
    ///
    /// ```
    /// assert_eq!(anbu::ErrorKind::LateEvent.code(), "ANBU_LATE_EVENT");
    /// ```
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidEvent => "ANBU_INVALID_EVENT",
            ErrorKind::Format => "ANBU_FORMAT",
            ErrorKind::InvalidProfile => "ANBU_INVALID_PROFILE",
            ErrorKind::UnknownProfile => "ANBU_UNKNOWN_PROFILE",
            ErrorKind::UnknownPerson => "ANBU_UNKNOWN_PERSON",
            ErrorKind::LateEvent => "ANBU_LATE_EVENT",
            ErrorKind::InvalidArgument => "ANBU_INVALID_ARGUMENT",
            ErrorKind::Snapshot => "ANBU_SNAPSHOT",
            ErrorKind::Io => "ANBU_IO",
            ErrorKind::Interrupted => "ANBU_INTERRUPTED",
        }
    }

    /// Whether the error is caused by the caller's input or configuration (a Python `ValueError`).
    pub const fn is_input(self) -> bool {
        matches!(
            self,
            ErrorKind::InvalidEvent
                | ErrorKind::Format
                | ErrorKind::InvalidProfile
                | ErrorKind::UnknownProfile
                | ErrorKind::UnknownPerson
                | ErrorKind::LateEvent
                | ErrorKind::InvalidArgument
                | ErrorKind::Snapshot
        )
    }
}

impl Error {
    /// The category of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidEvent { .. } => ErrorKind::InvalidEvent,
            Error::Format { .. } => ErrorKind::Format,
            Error::InvalidProfile { .. } => ErrorKind::InvalidProfile,
            Error::UnknownProfile(_) => ErrorKind::UnknownProfile,
            Error::UnknownPerson(_) => ErrorKind::UnknownPerson,
            Error::LateEvent { .. } => ErrorKind::LateEvent,
            Error::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            Error::Snapshot(_) => ErrorKind::Snapshot,
            Error::Io(_) => ErrorKind::Io,
            Error::Interrupted => ErrorKind::Interrupted,
        }
    }

    /// Sets the location of an error that has none yet (a reader adds its line number).
    pub fn at(mut self, loc: Location) -> Self {
        match &mut self {
            Error::InvalidEvent { location, .. }
            | Error::Format { location, .. }
            | Error::LateEvent { location, .. }
                if location.is_none() =>
            {
                *location = Some(loc);
            }
            _ => {}
        }
        self
    }

    /// A table (a CSV header, an Arrow table in a binding) that names a column twice: the
    /// one error every reader of tables gives.
    ///
    /// ```
    /// let e = anbu::Error::duplicate_column("ts");
    /// assert_eq!((e.to_string().as_str(), e.kind().code()), ("duplicate column `ts`", "ANBU_FORMAT"));
    /// ```
    pub fn duplicate_column(name: &str) -> Self {
        Error::Format { location: None, reason: format!("duplicate column `{}`", clip(name)) }
    }

    pub(crate) fn field(field: &str, reason: impl Into<String>) -> Self {
        Error::InvalidEvent { location: None, field: field.to_string(), reason: reason.into() }
    }

    pub(crate) fn argument(name: &str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument { name: name.to_string(), reason: reason.into() }
    }

    pub(crate) fn profile(profile: &str, key: &str, reason: impl Into<String>) -> Self {
        Error::InvalidProfile { profile: profile.to_string(), key: key.to_string(), reason: reason.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_row_and_field() {
        let e = Error::field("watts", "must be >= 0, got -3").at(Location::Line(7));
        assert_eq!(e.to_string(), "line 7: field `watts`: must be >= 0, got -3");
        assert_eq!(e.kind().code(), "ANBU_INVALID_EVENT");
        // A location already set is kept.
        let e = e.at(Location::Line(9));
        assert!(e.to_string().starts_with("line 7"));
    }

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
    }
}
