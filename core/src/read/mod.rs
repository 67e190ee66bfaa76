//! Readers for the spec's event tables: CSV and JSON Lines, and (with the `arrow` feature)
//! Parquet and Arrow IPC files (see [`crate::arrow`]).
//!
//! Both readers stream: they hold one line (at most [`MAX_LINE_BYTES`]) at a time, so a
//! multi-gigabyte file is read in constant memory. Every error names the physical line
//! (1-based; the header of a CSV file is line 1), the field and the reason. A reader never
//! drops a row silently: [`read_events`] either stops at the first bad row (the default) or,
//! with [`ReadOptions::skip_bad_rows`], skips it and reports what was skipped and why.

mod csv;
mod csv_columns;
mod jsonl;
mod parallel;
mod table;

use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

pub use self::csv::CsvEventReader;
pub use self::jsonl::JsonlEventReader;
pub use self::table::{TableOutcome, read_incidents, read_persons};
use crate::error::{Error, Location, Result};
use crate::event::Event;
use crate::file::{Format, open};
use crate::owned_columns::OwnedColumns;
use crate::read_outcome::{ReadOptions, ReadOutcome};

pub(crate) use crate::limits::MAX_LINE_BYTES;

/// Size of the buffers the readers put in front of their input.
const BUF_BYTES: usize = 64 * 1024;

/// The error for a line over [`MAX_LINE_BYTES`].
fn line_too_long(line: u64) -> Error {
    format_error(line, "longer than 1 MiB")
}

/// An [`Error::Format`] at a line.
fn format_error(line: u64, reason: impl Into<String>) -> Error {
    Error::Format { location: Some(Location::Line(line)), reason: reason.into() }
}

/// Reads an event file, choosing the format from its extension (see [`Format::from_path`]).
///
/// ```no_run
/// let out = anbu::read_events("events.csv".as_ref(), &anbu::ReadOptions::lenient())?;
/// println!("{} events, {} rows skipped", out.events.len(), out.skipped_count);
/// for e in &out.skipped {
///     eprintln!("skipped {e}");
/// }
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn read_events(path: &Path, options: &ReadOptions) -> Result<ReadOutcome> {
    let format = Format::from_path(path)?;
    if format.is_columnar() {
        return read_columnar(path, format, options);
    }
    let mut file = open(path)?;
    // A large file is read on every core where it can be (see `parallel`); where it cannot,
    // or anything in it is refused, it is read again by one streaming reader, so the outcome
    // is always that reader's.
    let threads = crate::parallel::threads()?;
    if threads > 1 && file.metadata().is_ok_and(|m| m.is_file() && m.len() >= parallel::MIN_PARALLEL_BYTES) {
        if let Ok(Some(events)) = parallel::read_all(&file, format, threads) {
            return Ok(ReadOutcome { events, ..ReadOutcome::default() });
        }
        file.rewind().map_err(Error::Io)?;
    }
    read_events_from(file, format, options)
}

/// Reads an event file as columns: the events [`read_events`] reads strictly, as
/// [`OwnedColumns::of`] would code them, and the same error where it refuses a row.
///
/// A CSV file is parsed straight into columns, on every core (ids coded as they are read,
/// no [`Event`] per row), wherever that is exactly what the streaming reader reads; anywhere
/// else (a quoted cell, a refused row, a JSON Lines file) it is read as events.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("anbu-doc-columns-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let path = dir.join("events.csv");
/// std::fs::write(&path, "person,ts,signal,outcome\n\
///                        p-1,2024-05-01T10:00:00+09:00,checkin,missed\n\
///                        p-2,2024-05-01T10:05:00+09:00,checkin,answered\n")?;
/// let columns = anbu::read_columns(&path)?;
/// assert_eq!(columns.names, ["p-1", "p-2"]);
/// assert_eq!(columns.batch()?.len(), 2);
///
/// std::fs::write(&path, "person,ts,signal,outcome\np-1,2024-05-01T10:00:00+09:00,checkin,maybe\n")?;
/// let err = anbu::read_columns(&path).unwrap_err();
/// assert!(err.to_string().starts_with("line 2: field `outcome`: unknown value `maybe`"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_columns(path: &Path) -> Result<OwnedColumns> {
    let format = Format::from_path(path)?;
    #[cfg(feature = "arrow")]
    if format.is_columnar() {
        let batches = crate::arrow::file::read_file(path, format)?;
        if let Some(columns) = crate::arrow::columns_from_batches(&batches) {
            return Ok(columns);
        }
        let events = crate::arrow::events_with(&batches, &ReadOptions::strict())?.events;
        return Ok(OwnedColumns::of(&events));
    }
    if format.is_columnar() {
        return Ok(OwnedColumns::of(&read_columnar(path, format, &ReadOptions::strict())?.events));
    }
    let mut file = open(path)?;
    if format == Format::Csv {
        if let Ok(Some(columns)) = parallel::read_csv_columns(&file, crate::parallel::threads()?) {
            return Ok(columns);
        }
        file.rewind().map_err(Error::Io)?;
    }
    Ok(OwnedColumns::of(&read_events_from(file, format, &ReadOptions::strict())?.events))
}

/// Reads a Parquet or Arrow IPC file: its rows are numbered from 0, as an Arrow table's are.
#[cfg(feature = "arrow")]
fn read_columnar(path: &Path, format: Format, options: &ReadOptions) -> Result<ReadOutcome> {
    let batches = crate::arrow::file::read_file(path, format)?;
    Ok(crate::arrow::events_with(&batches, options)?)
}

/// Without the `arrow` feature, a Parquet or Arrow IPC file is refused, naming the feature.
#[cfg(not(feature = "arrow"))]
fn read_columnar(path: &Path, format: Format, _options: &ReadOptions) -> Result<ReadOutcome> {
    Err(format.needs_arrow(Some(path)))
}

/// Reads events in the given format from any reader.
///
/// ```
/// use anbu::{Format, ReadOptions, read_events_from};
/// let csv = "person,ts,signal,outcome\n\
///            p-1,2024-05-01T10:00:00+09:00,checkin,missed\n\
///            p-1,2024-05-01T11:00:00+09:00,checkin,maybe\n";
/// let err = read_events_from(csv.as_bytes(), Format::Csv, &ReadOptions::strict()).unwrap_err();
/// assert!(err.to_string().starts_with("line 3: field `outcome`: unknown value `maybe`"));
///
/// let out = read_events_from(csv.as_bytes(), Format::Csv, &ReadOptions::lenient())?;
/// assert_eq!((out.events.len(), out.skipped_count), (1, 1));
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn read_events_from<R: Read>(reader: R, format: Format, options: &ReadOptions) -> Result<ReadOutcome> {
    match format {
        Format::Csv => collect(CsvEventReader::new(reader), options),
        Format::Jsonl => collect(JsonlEventReader::new(BufReader::with_capacity(BUF_BYTES, reader)), options),
        Format::Parquet | Format::Arrow => read_columnar_from(reader, format, options),
    }
}

/// A Parquet or Arrow IPC input held whole in memory (a file path is read without that).
#[cfg(feature = "arrow")]
fn read_columnar_from<R: Read>(mut reader: R, format: Format, options: &ReadOptions) -> Result<ReadOutcome> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    let batches = crate::arrow::batches_from_bytes(format, bytes)?;
    Ok(crate::arrow::events_with(&batches, options)?)
}

#[cfg(not(feature = "arrow"))]
fn read_columnar_from<R: Read>(_reader: R, format: Format, _options: &ReadOptions) -> Result<ReadOutcome> {
    Err(format.needs_arrow(None))
}

/// Reads one physical line into `buf` (without its `\n` or `\r\n`), keeping at most
/// [`MAX_LINE_BYTES`] of it: `None` at the end of the input, else whether the line was longer
/// (then `buf` is empty and the rest of the line was skipped).
fn read_capped_line<R: io::BufRead>(inner: &mut R, buf: &mut Vec<u8>) -> io::Result<Option<bool>> {
    buf.clear();
    let mut any = false;
    let mut too_long = false;
    loop {
        let avail = match inner.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            break;
        }
        any = true;
        let (content, used, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (&avail[..i], i + 1, true),
            None => (avail, avail.len(), false),
        };
        if !too_long {
            if buf.len() + content.len() > MAX_LINE_BYTES {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(content);
            }
        }
        inner.consume(used);
        if done {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if !too_long && buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(too_long))
}

/// An event reader that can tell whether an error ended the input for good.
trait EventSource: Iterator<Item = Result<Event>> {
    fn stopped(&self) -> bool;
}

impl<R: Read> EventSource for CsvEventReader<R> {
    fn stopped(&self) -> bool {
        self.is_stopped()
    }
}

impl<R: io::BufRead> EventSource for JsonlEventReader<R> {
    fn stopped(&self) -> bool {
        self.is_stopped()
    }
}

fn collect(mut source: impl EventSource, options: &ReadOptions) -> Result<ReadOutcome> {
    let mut out = ReadOutcome::default();
    while let Some(item) = source.next() {
        match item {
            Ok(event) => out.events.push(event),
            Err(e) if !options.skip_bad_rows || source.stopped() => return Err(e),
            Err(e) => {
                out.skipped_count += 1;
                if out.skipped.len() < options.max_skipped {
                    out.skipped.push(e);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!("CSV".parse::<Format>().unwrap(), Format::Csv);
        assert_eq!("json".parse::<Format>().unwrap(), Format::Jsonl);
        assert_eq!(Format::Jsonl.to_string(), "jsonl");
        let e = "xml".parse::<Format>().unwrap_err().to_string();
        assert_eq!(
            e,
            "argument `format`: unknown format `xml`, expected one of: csv, jsonl, ndjson, json, parquet, arrow, feather, ipc"
        );
        let e = Format::from_path(Path::new("a/events")).unwrap_err().to_string();
        assert!(e.contains("cannot tell the format of `a/events`"), "{e}");
    }

    #[cfg(not(feature = "arrow"))]
    #[test]
    fn columnar_files_without_the_feature_name_the_file_and_the_feature() {
        let e = read_events(Path::new("in/events.parquet"), &ReadOptions::strict()).unwrap_err().to_string();
        assert_eq!(
            e,
            "argument `format`: `in/events.parquet`: parquet files need anbu's `arrow` feature, which this build leaves out"
        );
        let e = read_columns(Path::new("events.feather")).unwrap_err().to_string();
        assert!(e.contains("`events.feather`: arrow files need anbu's `arrow` feature"), "{e}");
        let e = crate::write_events_as(Format::Parquet, Vec::new(), []).unwrap_err().to_string();
        assert!(e.contains("parquet files need anbu's `arrow` feature"), "{e}");
    }

    #[test]
    fn missing_file_names_the_path() {
        let e = read_events(Path::new("/nonexistent/events.csv"), &ReadOptions::strict()).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/events.csv"), "{e}");
        assert_eq!(e.kind(), crate::ErrorKind::Io);
    }

    #[test]
    fn lenient_keeps_at_most_max_skipped() {
        let mut text = String::from("person,ts,signal\n");
        for _ in 0..5 {
            text.push_str("p-1,soon,sos\n");
        }
        text.push_str("p-1,1,sos\n");
        let opts = ReadOptions { skip_bad_rows: true, max_skipped: 2 };
        let out = read_events_from(text.as_bytes(), Format::Csv, &opts).unwrap();
        assert_eq!(out.events.len(), 1);
        assert_eq!(out.skipped_count, 5);
        assert_eq!(out.skipped.len(), 2);
        assert!(out.skipped[1].to_string().starts_with("line 3: field `ts`"));
    }
}
