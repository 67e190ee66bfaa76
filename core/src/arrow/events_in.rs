//! Arrow record batches of events into core events, column by column: each cell is handed
//! to the core as the value of its spec field; the core validates the record and names the
//! field; this module adds the row index.

use std::sync::atomic::{AtomicBool, Ordering};

use arrow_array::RecordBatch;

use super::TableError;
use super::cells::{apply, col, spec_columns};
use crate::error::{Error, Location};
use crate::event::{EVENT_FIELDS, Event, EventRecord};
use crate::read_outcome::{ReadOptions, ReadOutcome};

/// How often (in rows) the conversion looks at the cancel flag.
const CANCEL_EVERY: usize = 1 << 16;

/// Fewest rows worth a conversion thread of their own.
pub const ROWS_PER_THREAD: usize = 100_000;

/// The events of record batches, in row order; an error names the row (0-based, over all
/// batches), the first bad row when several are. Large tables are converted on `threads`
/// threads (0: one per core), each on a contiguous range of rows.
pub fn events_from_batches(
    batches: &[RecordBatch],
    cancel: &AtomicBool,
    threads: usize,
) -> Result<Vec<Event>, TableError> {
    let total: usize = batches.iter().map(|b| b.num_rows()).sum();
    let threads = crate::parallel::threads_for(threads)?.min(total / ROWS_PER_THREAD).max(1);
    if threads == 1 {
        return convert(batches, 0, cancel, Err);
    }
    // Contiguous parts of about `total / threads` rows (slices share the buffers).
    let per = total.div_ceil(threads);
    let mut parts: Vec<(usize, Vec<RecordBatch>)> = Vec::with_capacity(threads);
    let (mut part, mut part_rows, mut part_start, mut row) = (Vec::new(), 0, 0, 0);
    for b in batches {
        let mut offset = 0;
        while offset < b.num_rows() {
            let take = (per - part_rows).min(b.num_rows() - offset);
            part.push(b.slice(offset, take));
            (offset, part_rows, row) = (offset + take, part_rows + take, row + take);
            if part_rows == per {
                parts.push((part_start, std::mem::take(&mut part)));
                (part_rows, part_start) = (0, row);
            }
        }
    }
    if !part.is_empty() {
        parts.push((part_start, part));
    }
    let results = crate::parallel::run_all(parts.iter().map(|(row0, part)| move || convert(part, *row0, cancel, Err)));
    let mut out = Vec::with_capacity(total);
    for r in results {
        out.extend(r?);
    }
    Ok(out)
}

/// The events of record batches read from a file, in row order, bad rows skipped and
/// reported with [`ReadOptions::skip_bad_rows`] (a column of a type the conversion does not
/// read is never skipped), as [`crate::read_events`] reads a text file.
pub(crate) fn events_with(batches: &[RecordBatch], options: &ReadOptions) -> Result<ReadOutcome, TableError> {
    if !options.skip_bad_rows {
        let events = events_from_batches(batches, &AtomicBool::new(false), 0)?;
        return Ok(ReadOutcome { events, ..ReadOutcome::default() });
    }
    let (mut skipped, mut skipped_count) = (Vec::new(), 0);
    let events = convert(batches, 0, &AtomicBool::new(false), |e| {
        skipped_count += 1;
        if skipped.len() < options.max_skipped {
            skipped.push(e);
        }
        Ok(())
    })?;
    Ok(ReadOutcome { events, skipped, skipped_count })
}

/// Converts batches whose first row is row `row0` of the whole table; a bad row's error
/// (naming the row) goes to `bad`, which ends the conversion with it or lets it skip the row.
fn convert(
    batches: &[RecordBatch],
    row0: usize,
    cancel: &AtomicBool,
    mut bad: impl FnMut(Error) -> Result<(), Error>,
) -> Result<Vec<Event>, TableError> {
    let total: usize = batches.iter().map(|b| b.num_rows()).sum();
    let mut out = Vec::with_capacity(total);
    let mut row0 = row0;
    for batch in batches {
        let (fields, arrays) = spec_columns(batch)?;
        let cols = fields.iter().zip(&arrays).map(|(f, a)| col(EVENT_FIELDS[*f], a)).collect::<Result<Vec<_>, _>>()?;
        for i in 0..batch.num_rows() {
            let row = row0 + i;
            if row.is_multiple_of(CANCEL_EVERY) && cancel.load(Ordering::Relaxed) {
                return Err(Error::Interrupted.into());
            }
            let mut r = EventRecord::default();
            let event = fields
                .iter()
                .zip(&cols)
                .try_for_each(|(f, c)| apply(&mut r, *f, c.cell(i)))
                .and_then(|()| r.into_event());
            match event {
                Ok(event) => out.push(event),
                Err(e) => bad(e.at(Location::Index(row as u64)))?,
            }
        }
        row0 += batch.num_rows();
    }
    Ok(out)
}
