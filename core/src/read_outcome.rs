//! How a reader of events treats bad rows ([`ReadOptions`]) and what it read
//! ([`ReadOutcome`]): the same for every format, and for the `arrow` readers.

use crate::error::Error;
use crate::event::Event;

/// How [`crate::read_events`] treats bad rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Skip bad rows instead of failing on the first one; they are listed in [`ReadOutcome::skipped`].
    ///
    /// Errors that concern the whole input (a bad CSV header, an I/O error) are never skipped.
    pub skip_bad_rows: bool,
    /// How many skipped rows' errors to keep (all of them are counted in [`ReadOutcome::skipped_count`]).
    pub max_skipped: usize,
}

impl Default for ReadOptions {
    /// Strict: the first bad row is an error.
    fn default() -> Self {
        ReadOptions::strict()
    }
}

impl ReadOptions {
    /// The first bad row is an error (the default).
    pub const fn strict() -> Self {
        ReadOptions { skip_bad_rows: false, max_skipped: 1000 }
    }

    /// Bad rows are skipped and reported; the details of the first 1000 are kept.
    pub const fn lenient() -> Self {
        ReadOptions { skip_bad_rows: true, max_skipped: 1000 }
    }
}

/// What [`crate::read_events`] read.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// The valid events, in input order.
    pub events: Vec<Event>,
    /// Why rows were skipped (each error names its line), at most [`ReadOptions::max_skipped`] of them.
    pub skipped: Vec<Error>,
    /// How many rows were skipped in all.
    pub skipped_count: u64,
}
