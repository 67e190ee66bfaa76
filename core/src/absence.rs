//! A registered absence (a `disposition` of `away` or `hospital`, or an `away` event): the
//! span in which the person's silence is expected.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// The end of an absence that lasts until the person's next sign of life (a `disposition` of
/// `away` or `hospital`): the latest time there is.
pub(crate) const OPEN_END: Timestamp = Timestamp::LATEST;

/// A registered absence `[start, end)`; `end` is [`OPEN_END`] until the next sign of life.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Absence {
    pub start: Timestamp,
    pub end: Timestamp,
}
