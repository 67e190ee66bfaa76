//! Every limit anbu puts on a resource, in one place: no input may make anbu use memory or
//! time out of proportion to it, or end the process that runs it.
//!
//! Each limit is a named constant here (the four that bound what an error message quotes are
//! defined with the clipping, in `clip`, and re-exported here), used where it is enforced and tested at the limit
//! and just past it (`core/tests/limits.rs`; the Node binding's in
//! `bindings-node/__test__/bounded.test.mjs`), but for two: [`MAX_PERSONS`] is not tested
//! (16 M persons take gigabytes; its check is the one every count here goes through), and
//! [`MAX_ROW_BYTES`] holds to within a read of up
//! to [`MAX_LINE_BYTES`] (the reader sees a row's bytes in blocks), so it is tested at the
//! limit and one block past it. What happens past a limit is one of two things:
//! the input is refused with an error that names the row, field or argument and the limit,
//! or (for what the state keeps of a long history) the oldest entry is forgotten.
//!
//! | resource | limit | past it |
//! |---|---|---|
//! | the step of a replay's grid, the time between two check-in calls of the closed loop | [`MIN_EVERY_MS`] (1 minute) | the replay is refused |
//! | assessment rows of one replay | [`MAX_REPLAY_ROWS`] (10 M) | the replay is refused before it allocates its rows |
//! | assessment rows a binding returns as one object each (the Node binding's `replay`, `replayClosedLoop`) | [`MAX_OBJECT_ROWS`] (500,000) | the replay is refused before it runs |
//! | threads of a call (`ReplayOptions.threads`), of the process-wide switch and of `ANBU_NUM_THREADS` ([`crate::parallel`]) | [`MAX_THREADS`] (256) | the call, the switch (or every call that reads the variable) is refused |
//! | a simulated cohort | [`MAX_PERSON_DAYS`] (250,000 person-days) | the simulation is refused |
//! | persons of one engine or replay | [`MAX_PERSONS`] (16,777,216) | the person (or the replay) is refused |
//! | events of one batch (an engine's batch, a replay's input, a columnar batch, an array a binding is given) | [`MAX_BATCH_ROWS`] (134,217,728) | the batch is refused before anything is allocated for its rows |
//! | nesting of a JavaScript value the Node binding reads as JSON (a profile document, persons, incidents) | [`MAX_JSON_DEPTH`] (128) | the value is refused |
//! | values in one such JavaScript value | [`MAX_JSON_VALUES`] (1,000,000) | the value is refused |
//! | events waiting in one person's lateness buffer | [`MAX_PENDING_PER_PERSON`] (262,144) | the event (or batch) that would leave more waiting is refused |
//! | devices of one person | [`MAX_DEVICES_PER_PERSON`] (32) | the event of a 33rd device is refused (by a replay: the replay) |
//! | missed check-ins a person's state keeps | [`MAX_MISSED_CHECKINS`] (32) | the oldest is forgotten |
//! | registered absences a person's state keeps | [`MAX_ABSENCES`] (16) | the oldest is forgotten |
//! | allowed lateness of an engine | [`MAX_ALLOWED_LATENESS_MS`] (30 days) | the configuration is refused |
//! | person, device and profile ids | [`MAX_ID_LEN`] (128 bytes) | the id is refused |
//! | a line of an event file | [`MAX_LINE_BYTES`] (1 MiB) | the line is refused (the reader goes on) |
//! | a CSV row spread over lines by quoted newlines | [`MAX_ROW_BYTES`] (8 MiB) | the row is refused |
//! | a profile file | [`MAX_PROFILE_BYTES`] (1 MiB) | the file is refused before it is read whole |
//! | a value quoted in an error message | [`MAX_ECHO_CHARS`] (40 characters) | cut, `…` marking the cut |
//! | a profile key named in an error message | [`MAX_KEY_CHARS`] (120 characters) | cut |
//! | a file path named in an error message | [`MAX_PATH_CHARS`] (200 characters) | cut |
//! | an error message's reason | [`MAX_REASON_CHARS`] (600 characters) | cut |

pub use crate::clip::{MAX_ECHO_CHARS, MAX_KEY_CHARS, MAX_PATH_CHARS, MAX_REASON_CHARS};
use crate::error::{Error, Result};
use crate::time::DAY_MS;

/// The shortest step of a replay's grid (and the least time between two check-in calls of
/// the closed loop): one minute. A shorter one is almost surely a duration in the wrong
/// unit: a number for a duration is milliseconds in every language (`every=3600` is 3.6 s).
pub const MIN_EVERY_MS: i64 = crate::time::MINUTE_MS;

/// Most assessment rows one replay may give: 10 million (a year of hourly rows for 1,141
/// persons, or a day for 416,666). A replay counts its rows (each person's grid times from
/// their first event to the input's last) before it allocates anything for them, and refuses
/// more, naming the person with the most rows and their first event: a time a bad value
/// inflates (a very early `ts`, a `1ms` grid) is refused, never allocated. At the limit, a
/// replay reserves room for its rows up front: 0.72 GB as [`crate::Assessment`]s (72 bytes a
/// row, up to twice that while the parts replayed on several cores are joined), 0.31 GB as
/// [`crate::AssessmentColumns`], before each row's person and reasons; a reservation that
/// fails is an error, not an abort.
pub const MAX_REPLAY_ROWS: u64 = 10_000_000;

/// Most assessment rows a binding returns as one object each: 500,000. The Node binding's
/// `replay` and `replayClosedLoop` turn every row into a JavaScript object, about 1.8 KB of
/// V8 heap with its reasons (a million rows: 1.8 GB), and V8 ends the process when its heap
/// (about 4 GB by default on a 64-bit machine with 16 GB or more, less on smaller ones) runs
/// out; they count the rows first ([`crate::check_replay_rows`]) and refuse more. A day of
/// 20,000 persons is 480,000 hourly rows: replay more persons in parts (as
/// `benches/examples/national_day.rs` does), or as columns from Python.
pub const MAX_OBJECT_ROWS: u64 = 500_000;

/// The largest cohort [`crate::sim::try_simulate`] makes, in person-days: (`persons` +
/// `recent_incidents`) x `days` (also `anbu::sim::MAX_PERSON_DAYS`). A person-day is about
/// 80 events (some 10 kB in memory), so this is about 20 million events, twice the Python
/// binding's 10-million-event benchmark; a larger request is an error rather than a wait for
/// memory to run out.
pub const MAX_PERSON_DAYS: u64 = 250_000;

/// Most persons one engine holds, or one replay assesses: 16,777,216 (2^24; every
/// one-person household of Korea twice over). A person past it is refused.
pub const MAX_PERSONS: usize = 1 << 24;

/// Most events in one batch: [`crate::Engine::ingest_batch`], the events of
/// [`crate::replay`], an [`crate::EventColumns`] batch, and an array a binding is handed
/// (whose declared length, a sparse JavaScript array's up to 2^32 − 1, is checked with
/// [`batch_vec`] before anything is allocated). 134,217,728 (2^27): a national day of 1.5 M
/// persons is 371 M events, replayed in partitions of 20,000 persons (5 M events each).
pub const MAX_BATCH_ROWS: usize = 1 << 27;

/// How deeply a JavaScript value the Node binding reads as JSON (a profile document, a list
/// of persons or incidents) may nest: 128 levels (napi's own limit, and serde_json's).
pub const MAX_JSON_DEPTH: usize = 128;

/// How many values one JavaScript value the Node binding reads as JSON may hold, a shared
/// object counted each time it is reached (so that a graph of shared objects cannot expand
/// without end): 1,000,000 (napi's own limit).
pub const MAX_JSON_VALUES: usize = 1_000_000;

/// Rows a binding reserves up front for a batch (see [`batch_vec`]); more grow as they come.
const PREALLOC_ROWS: usize = 1 << 16;

/// Most events waiting in one person's lateness buffer (those within the allowed lateness
/// of the person's newest event, not folded yet): 262,144 (2^18, 8 MiB of 32-byte events; a
/// month's lateness, the longest allowed, of six devices reporting every minute). An
/// [`crate::Engine`] refuses an event, or a batch, that would leave more waiting (exact
/// repeats, which are not stored, do not count), naming the person and their last row.
pub const MAX_PENDING_PER_PERSON: usize = 1 << 18;

/// Most devices one person may have (tracked devices: those whose reports are judged);
/// an event of one more is refused.
pub const MAX_DEVICES_PER_PERSON: usize = 32;

/// Missed check-ins a person's state keeps, the most recent (only those since the last sign
/// of life count); an older one is forgotten.
pub const MAX_MISSED_CHECKINS: usize = 32;

/// Registered absences a person's state keeps, the most recent; an older one is forgotten.
pub const MAX_ABSENCES: usize = 16;

/// Longest allowed lateness of an engine ([`crate::EngineConfig::allowed_lateness_ms`]):
/// 30 days, in milliseconds.
pub const MAX_ALLOWED_LATENESS_MS: i64 = 30 * DAY_MS;

/// Longest accepted person, device or profile id, in bytes.
pub const MAX_ID_LEN: usize = 128;

/// The longest accepted physical line of an input file, in bytes (1 MiB, not counting the newline).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The most bytes one CSV row may span when a quoted cell holds newlines (the lines of the
/// row are each at most [`MAX_LINE_BYTES`]); bounds memory when a quote is left open.
pub const MAX_ROW_BYTES: u64 = 8 << 20;

/// Largest profile file [`crate::Profile::from_path`] reads (1 MiB; a full profile is about 3 KB).
pub const MAX_PROFILE_BYTES: u64 = 1 << 20;

/// Most threads the process-wide switch ([`crate::parallel::set_threads`]) or the environment
/// variable `ANBU_NUM_THREADS` may ask for (a thread each reserves a stack, and a file is read
/// in blocks of a part per thread).
pub const MAX_THREADS: usize = 256;

/// Room for `n` more items in `v` where `n` comes from the input: an allocation that fails is
/// an error naming `what`, never an abort of the process (a Python interpreter, a Node
/// service).
pub(crate) fn try_reserve<T>(v: &mut Vec<T>, n: usize, what: &str) -> Result<()> {
    v.try_reserve_exact(n).map_err(|_| {
        let bytes = n.saturating_mul(std::mem::size_of::<T>());
        Error::argument(what, format!("cannot allocate room for {n} of them ({bytes} bytes): out of memory"))
    })
}

/// Refuses `n` of something past `max`, naming the argument `name`.
pub(crate) fn at_most(name: &str, n: usize, max: usize, what: &str) -> Result<()> {
    if n > max {
        return Err(Error::argument(name, format!("{n} {what}, at most {max}")));
    }
    Ok(())
}

/// An empty vector for the rows of a batch whose length a caller declares (a JavaScript
/// array's `length`, which a sparse array makes up to 2^32 − 1 without holding a row):
/// refused past [`MAX_BATCH_ROWS`], naming the argument `name`. Room for at most 65,536
/// rows is reserved up front; the vector grows with the rows actually there.
///
/// ```
/// let rows: Vec<u8> = anbu::limits::batch_vec("events", anbu::limits::MAX_BATCH_ROWS as u64)?;
/// assert!(rows.capacity() <= 1 << 16);
/// let err = anbu::limits::batch_vec::<u8>("events", 1 << 32).unwrap_err();
/// assert_eq!(err.to_string(), "argument `events`: 4294967296 rows, at most 134217728");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn batch_vec<T>(name: &str, rows: u64) -> Result<Vec<T>> {
    let rows = usize::try_from(rows).unwrap_or(usize::MAX);
    at_most(name, rows, MAX_BATCH_ROWS, "rows")?;
    let mut out = Vec::new();
    try_reserve(&mut out, rows.min(PREALLOC_ROWS), name)?;
    Ok(out)
}
