//! The CSV event reader.

use std::io::{self, Read};

use ::csv::{ByteRecord, ReaderBuilder, Terminator};

use super::{BUF_BYTES, MAX_LINE_BYTES, format_error, line_too_long};
use crate::clip::clip;
use crate::error::{Error, Location, Result};
use crate::event::{EVENT_FIELDS, Event, EventRecord};

use crate::limits::MAX_ROW_BYTES;

/// Reads events from CSV, one row at a time.
///
/// The header names the columns: any subset of the spec's fields ([`EVENT_FIELDS`]) in any
/// order, but `person`, `ts` and `signal` must be present. An empty cell is an absent field.
/// Rows end at `\n` or `\r\n`; a quoted cell may hold commas, quotes (doubled) and newlines.
///
/// Errors name the physical line of the row (the header is line 1). After an error about
/// one row the iterator goes on with the next row; after an error about the whole input (a
/// bad header, an I/O error) it ends, and [`CsvEventReader::is_stopped`] says so.
///
/// ```
/// use anbu::{CsvEventReader, Signal};
/// let csv = "person,ts,signal,watts\n\
///            p-1,2024-05-01T19:02:00+09:00,plug,85.5\n\
///            p-1,2024-05-01T19:03:00+09:00,plug,-1\n";
/// let mut rows = CsvEventReader::new(csv.as_bytes());
/// assert_eq!(rows.next().unwrap()?.signal(), Signal::Plug);
/// let err = rows.next().unwrap().unwrap_err();
/// assert_eq!(err.to_string(), "line 3: field `watts`: must be >= 0, got -1");
/// assert!(rows.next().is_none());
/// # Ok::<(), anbu::Error>(())
/// ```
pub struct CsvEventReader<R: Read> {
    /// The CSV parser; `None` only while it is being rebuilt after an over-long line.
    parser: Option<::csv::Reader<LineCap<R>>>,
    /// The field of each column.
    columns: Vec<&'static str>,
    record: ByteRecord,
    /// The physical line on which the current parser started.
    base_line: u64,
    /// The physical line where the next row begins (or blank lines before it).
    next_line: u64,
    state: State,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Header,
    Rows,
    Done,
    Stopped,
}

/// What went wrong when a row could not be read.
enum Failure {
    /// The row (or its line) was over-long; the reader resyncs at the next line.
    Row(Error),
    /// The input cannot be read further.
    Fatal(Error),
}

impl<R: Read> CsvEventReader<R> {
    /// A reader over CSV text (the header is read with the first call to `next`).
    pub fn new(reader: R) -> Self {
        CsvEventReader {
            parser: Some(new_parser(LineCap::new(reader))),
            columns: Vec::new(),
            record: ByteRecord::new(),
            base_line: 1,
            next_line: 1,
            state: State::Header,
        }
    }

    /// Whether the reader stopped for good after an error about the whole input (a bad
    /// header or an I/O error), as opposed to an error about one row.
    pub fn is_stopped(&self) -> bool {
        self.state == State::Stopped
    }

    /// The fields named by the header, in column order (empty until the header is read).
    pub fn columns(&self) -> &[&'static str] {
        &self.columns
    }

    /// Reads the next non-blank record into `self.record`; returns its first physical line.
    fn next_record(&mut self) -> Option<Result<u64, Failure>> {
        loop {
            let parser = self.parser.as_mut()?;
            match parser.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {
                    let cap = parser.get_ref();
                    let pos = parser.position();
                    let after = pos.line();
                    let at_eof = cap.eof && pos.byte() == cap.delivered && cap.last_byte != Some(b'\n');
                    let embedded = self.record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
                    let start = after.saturating_sub(embedded + u64::from(!at_eof)).max(1);
                    let byte = pos.byte();
                    parser.get_mut().record_start = byte;
                    self.next_line = self.base_line + after - 1;
                    if is_blank(&self.record) {
                        continue;
                    }
                    return Some(Ok(self.base_line + start - 1));
                }
                Err(e) => {
                    let parser = self.parser.take()?;
                    let mut cap = parser.into_inner();
                    let err = match cap.overflow.take() {
                        Some(Overflow::Line(n)) => line_too_long(n),
                        Some(Overflow::Row) => {
                            format_error(self.next_line, "row spans more than 8 MiB (is a quoted cell left open?)")
                        }
                        None => return Some(Err(Failure::Fatal(Error::Io(io::Error::from(e))))),
                    };
                    // Resync: the adapter skips the rest of the current line; a fresh parser
                    // starts on the next one.
                    cap.reset();
                    self.base_line = cap.line + 1;
                    self.next_line = self.base_line;
                    self.parser = Some(new_parser(cap));
                    return Some(Err(Failure::Row(err)));
                }
            }
        }
    }

    fn read_header(&mut self) -> Result<bool> {
        let line = match self.next_record() {
            None => return Ok(false),
            Some(Ok(line)) => line,
            Some(Err(Failure::Row(e) | Failure::Fatal(e))) => return Err(e),
        };
        let last = self.record.len().saturating_sub(1);
        let mut columns = Vec::with_capacity(self.record.len());
        for (i, cell) in self.record.iter().enumerate() {
            let mut cell = if i == last { strip_cr(cell) } else { cell };
            if i == 0 {
                cell = cell.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(cell);
            }
            let name = std::str::from_utf8(cell)
                .map_err(|_| format_error(line, format!("the name of column {} is not valid UTF-8", i + 1)))?
                .trim();
            if name.is_empty() {
                return Err(format_error(line, format!("column {} has no name", i + 1)));
            }
            let Some(field) = EVENT_FIELDS.iter().find(|f| **f == name) else {
                return Err(format_error(
                    line,
                    format!("unknown column `{}`; the spec's columns are: {}", clip(name), EVENT_FIELDS.join(", ")),
                ));
            };
            if columns.contains(field) {
                return Err(Error::duplicate_column(field).at(Location::Line(line)));
            }
            columns.push(*field);
        }
        for required in ["person", "ts", "signal"] {
            if !columns.contains(&required) {
                return Err(format_error(line, format!("missing required column `{required}`")));
            }
        }
        self.columns = columns;
        Ok(true)
    }

    fn parse_row(&self, line: u64) -> Result<Event> {
        let at = |e: Error| e.at(Location::Line(line));
        if self.record.len() != self.columns.len() {
            return Err(format_error(
                line,
                format!("expected {} cells as in the header, got {}", self.columns.len(), self.record.len()),
            ));
        }
        let last = self.record.len().saturating_sub(1);
        let mut record = EventRecord::default();
        for (i, (cell, field)) in self.record.iter().zip(&self.columns).enumerate() {
            let cell = if i == last { strip_cr(cell) } else { cell };
            if cell.is_empty() {
                continue;
            }
            let text = std::str::from_utf8(cell)
                .map_err(|_| format_error(line, format!("column `{field}`: not valid UTF-8")))?;
            record.set_text(field, text).map_err(at)?;
        }
        record.into_event().map_err(at)
    }
}

impl<R: Read> Iterator for CsvEventReader<R> {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        if self.state == State::Header {
            match self.read_header() {
                Ok(true) => self.state = State::Rows,
                Ok(false) => self.state = State::Done,
                Err(e) => {
                    self.state = State::Stopped;
                    return Some(Err(e));
                }
            }
        }
        if self.state != State::Rows {
            return None;
        }
        match self.next_record() {
            None => {
                self.state = State::Done;
                None
            }
            Some(Ok(line)) => Some(self.parse_row(line)),
            Some(Err(Failure::Row(e))) => Some(Err(e)),
            Some(Err(Failure::Fatal(e))) => {
                self.state = State::Stopped;
                Some(Err(e))
            }
        }
    }
}

/// The fields named by a CSV header line, as the streaming reader reads them, or `None`
/// where it refuses the header.
pub(super) fn header_fields(head: &[u8]) -> Option<Vec<&'static str>> {
    let mut reader = CsvEventReader::new(head);
    reader.read_header().ok()?.then_some(reader.columns)
}

fn new_parser<R: Read>(cap: LineCap<R>) -> ::csv::Reader<LineCap<R>> {
    // Only `\n` ends a row, so that every row's terminator is counted as one line; a `\r`
    // before it is stripped from the last cell.
    ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(Terminator::Any(b'\n'))
        .buffer_capacity(BUF_BYTES)
        .from_reader(cap)
}

fn strip_cr(cell: &[u8]) -> &[u8] {
    cell.strip_suffix(b"\r").unwrap_or(cell)
}

/// A line holding nothing (or only `\r`, or `""`).
fn is_blank(record: &ByteRecord) -> bool {
    record.len() == 1 && strip_cr(&record[0]).is_empty()
}

/// Why [`LineCap`] stopped the parser.
#[derive(Debug)]
enum Overflow {
    /// This physical line is over [`MAX_LINE_BYTES`].
    Line(u64),
    /// The current row spans more than [`MAX_ROW_BYTES`].
    Row,
}

/// Counts lines and bytes on their way to the CSV parser, and stops an over-long line (or
/// row) with an I/O error; it then skips to the next newline when read again.
struct LineCap<R> {
    inner: R,
    /// Physical line number of the next byte.
    line: u64,
    /// Bytes since the last newline.
    since_nl: usize,
    /// Bytes handed to the current parser.
    delivered: u64,
    /// Where (in `delivered` terms) the current parser's current row began.
    record_start: u64,
    last_byte: Option<u8>,
    eof: bool,
    skipping: bool,
    overflow: Option<Overflow>,
}

impl<R: Read> LineCap<R> {
    fn new(inner: R) -> Self {
        LineCap {
            inner,
            line: 1,
            since_nl: 0,
            delivered: 0,
            record_start: 0,
            last_byte: None,
            eof: false,
            skipping: false,
            overflow: None,
        }
    }

    /// Prepares for a new parser after an overflow.
    fn reset(&mut self) {
        self.delivered = 0;
        self.record_start = 0;
        self.last_byte = None;
        self.overflow = None;
    }

    fn read_inner(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                r => return r,
            }
        }
    }

    fn stop(&mut self, why: Overflow) -> io::Error {
        self.overflow = Some(why);
        self.skipping = true;
        io::Error::other("anbu: over-long line")
    }
}

impl<R: Read> Read for LineCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || self.eof {
            return Ok(0);
        }
        // Never hand out more than one line's worth past the last newline, so an overflow
        // is caught at the end of a chunk that holds no newline.
        let limit = buf.len().min(MAX_LINE_BYTES + 1);
        let mut n = 0;
        let mut from = 0;
        if self.skipping {
            loop {
                n = self.read_inner(&mut buf[..limit])?;
                if n == 0 {
                    self.eof = true;
                    return Ok(0);
                }
                if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
                    self.skipping = false;
                    self.line += 1;
                    self.since_nl = 0;
                    from = i + 1;
                    break;
                }
            }
        }
        if from == n {
            // Nothing pending: read afresh.
            from = 0;
            if self.delivered - self.record_start > MAX_ROW_BYTES {
                return Err(self.stop(Overflow::Row));
            }
            let room = MAX_LINE_BYTES + 1 - self.since_nl;
            n = self.read_inner(&mut buf[..limit.min(room)])?;
            if n == 0 {
                self.eof = true;
                return Ok(0);
            }
        }
        let chunk = &buf[from..n];
        let newlines = chunk.iter().filter(|&&b| b == b'\n').count();
        match chunk.iter().rposition(|&b| b == b'\n') {
            Some(i) => self.since_nl = chunk.len() - i - 1,
            None => self.since_nl += chunk.len(),
        }
        if self.since_nl > MAX_LINE_BYTES {
            return Err(self.stop(Overflow::Line(self.line)));
        }
        self.line += newlines as u64;
        self.delivered += chunk.len() as u64;
        self.last_byte = chunk.last().copied();
        if from > 0 {
            buf.copy_within(from..n, 0);
        }
        Ok(n - from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(input: &str) -> Vec<std::result::Result<u64, String>> {
        let text = format!("person,ts,signal\n{input}");
        CsvEventReader::new(text.as_bytes())
            .map(|r| match r {
                Ok(e) => Ok(e.ts.as_millis() as u64),
                Err(e) => Err(e.to_string()),
            })
            .collect()
    }

    #[test]
    fn line_numbers_are_physical() {
        // ts = the expected line number, so the events show which line they came from.
        let got = lines_of("p,2,sos\n\n\np,5,sos\r\n\r\np,\"7\",sos\np,8,\"sos\"\r\np,9,sos");
        assert_eq!(got, vec![Ok(2), Ok(5), Ok(7), Ok(8), Ok(9)]);
        let got = lines_of("\"p\nq\",2,sos\np,\"x\ny\",sos\np,6,sos\n");
        assert!(got[0].as_ref().unwrap_err().starts_with("line 2: field `person`"), "{got:?}");
        assert!(got[1].as_ref().unwrap_err().starts_with("line 4: field `ts`"), "{got:?}");
        assert_eq!(got[2], Ok(6));
    }

    #[test]
    fn over_long_lines_resync() {
        let long = "x".repeat(MAX_LINE_BYTES + 10);
        let text = format!("person,ts,signal\np,2,sos\n{long},3,sos\np,4,sos\n{long}");
        let got: Vec<_> = CsvEventReader::new(text.as_bytes()).map(|r| r.map_err(|e| e.to_string())).collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[1].as_ref().unwrap_err(), "line 3: longer than 1 MiB");
        assert_eq!(got[2].as_ref().unwrap().ts.as_millis(), 4);
        assert_eq!(got[3].as_ref().unwrap_err(), "line 5: longer than 1 MiB");
        // A line of exactly the limit is fine.
        let name = "y".repeat(MAX_LINE_BYTES - "p,".len() - ",10,sos".len());
        let text = format!("person,device,ts,signal\np,{name},10,sos\n");
        let got: Vec<_> = CsvEventReader::new(text.as_bytes()).collect();
        let got = got[0].as_ref().unwrap_err().to_string();
        assert!(got.starts_with("line 2: field `device`: longer than"), "{got}");
    }

    #[test]
    fn open_quote_is_bounded() {
        let mut text = String::from("person,ts,signal\np,\"2,sos\n");
        let filler = format!("{}\n", "z".repeat(1000));
        while text.len() < (MAX_ROW_BYTES as usize) + 100_000 {
            text.push_str(&filler);
        }
        text.push_str("p,99,sos\n");
        let got: Vec<_> = CsvEventReader::new(text.as_bytes()).map(|r| r.map_err(|e| e.to_string())).collect();
        assert_eq!(got[0].as_ref().unwrap_err(), "line 2: row spans more than 8 MiB (is a quoted cell left open?)");
        assert_eq!(got.last().unwrap().as_ref().unwrap().ts.as_millis(), 99);
    }
}
