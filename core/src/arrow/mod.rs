//! Arrow record batches in and out, and Parquet and Arrow IPC event files (the `arrow`
//! feature, off by default).
//!
//! One road for every columnar input: the Python binding hands the record batches of a
//! PyArrow or polars table here, and [`crate::read_events`] reads a `.parquet`, `.arrow`,
//! `.feather` or `.ipc` file into record batches and hands them here too. Each column is
//! read by its spec name, in its natural Arrow type (text for ids and enums, a timestamp or
//! epoch milliseconds for times, numbers, booleans) or one cast to it; the cells then go
//! through the same [`crate::Value`] checks as a CSV cell, and an error names the row
//! (0-based over the whole table) and the field.
//!
//! ```
//! use std::sync::atomic::AtomicBool;
//! use anbu::{Event, EventKind};
//! let e = Event::new("p-1", "2024-05-01T10:00:00+09:00".parse()?, None, EventKind::sos())?;
//! let batch = anbu::arrow::events_batch(std::slice::from_ref(&e)).unwrap();
//! let back = anbu::arrow::events_from_batches(&[batch], &AtomicBool::new(false), 1).unwrap();
//! assert_eq!(back, [e]);
//! # Ok::<(), anbu::Error>(())
//! ```

mod assessments_in;
mod cells;
mod columns_in;
mod events_in;
pub(crate) mod file;
mod out;

pub use arrow_array::RecordBatch;

pub use self::assessments_in::assessments_from_batches;
pub use self::cells::{Cell, Col, col, normalize, spec_columns};
pub use self::columns_in::columns_from_batches;
pub(crate) use self::events_in::events_with;
pub use self::events_in::{ROWS_PER_THREAD, events_from_batches};
pub use self::file::batches_from_bytes;
pub use self::out::{assessments_batch, assessments_schema, events_batch, events_schema};
use crate::error::Error;

/// Why a table cannot be converted.
#[derive(Debug)]
pub enum TableError {
    /// A row or column the core refused.
    Core(Error),
    /// A column of a type that is not text, number, boolean or time (a binding's type error;
    /// in a file, a [`Error::Format`] naming the column).
    Type(String),
}

impl From<Error> for TableError {
    fn from(e: Error) -> Self {
        TableError::Core(e)
    }
}

impl From<TableError> for Error {
    /// A column's type, as an error of the file it was read from.
    fn from(e: TableError) -> Self {
        match e {
            TableError::Core(e) => e,
            TableError::Type(reason) => Error::Format { location: None, reason },
        }
    }
}
