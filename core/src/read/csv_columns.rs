//! A part of a CSV file parsed straight into columns: ids coded as they are read, no
//! `Event` (and no `String`) per row.
//!
//! Only for parts the parallel reader has cut (see `parallel`): whole lines, no quote
//! anywhere, so that a row is one line and its cells are what lies between its commas. The
//! cells are read as the streaming reader reads them (the same header, the same blank lines,
//! the `\r` of a CRLF line end stripped from the last cell, each value by
//! [`EventRecord::set_text`]); anything it could refuse gives up, for the streaming reader
//! to read and name.

use super::MAX_LINE_BYTES;
use super::csv::header_fields;
use crate::event::{EVENT_FIELDS, EventRecord};
use crate::owned_columns::{IdCodes, OwnedColumns};

/// The rows of `part` (read behind the header line `head`) as columns, ids coded by first
/// appearance in the part; `None` if the header or any row is not plainly readable.
pub(super) fn parse(head: &[u8], part: &[u8]) -> Option<OwnedColumns> {
    let fields = header_fields(head)?;
    // Each column as its index in the spec's fields.
    let columns: Vec<usize> = fields.iter().map(|f| EVENT_FIELDS.iter().position(|g| g == f)).collect::<Option<_>>()?;
    let text = std::str::from_utf8(part).ok()?;
    let mut out = OwnedColumns::default();
    // About 60 bytes a row.
    out.reserve(part.len() / 60);
    let (mut persons, mut devices) = (IdCodes::default(), IdCodes::default());
    let mut rest = text;
    while !rest.is_empty() {
        let (line, tail) = rest.split_once('\n').unwrap_or((rest, ""));
        rest = tail;
        if line.len() > MAX_LINE_BYTES {
            return None;
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let mut record = EventRecord::default();
        let (mut person, mut device) = (None, None);
        let mut cells = Cells { line, at: 0 };
        for &column in &columns {
            let cell = cells.next()?;
            if cell.is_empty() {
                continue;
            }
            match column {
                0 => person = Some(persons.code(&mut out.names, cell)),
                3 => device = Some(devices.code(&mut out.device_names, cell)),
                _ => record.set_column_text(column, cell).ok()?,
            }
        }
        if cells.next().is_some() {
            return None;
        }
        out.push(person?, record.ts?.as_millis(), record.signal?, device, &record);
    }
    Some(out)
}

/// The cells of a line without quotes: what lies between its commas.
struct Cells<'a> {
    line: &'a str,
    /// Where the next cell begins; past the end once the last cell was taken.
    at: usize,
}

impl<'a> Iterator for Cells<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let rest = self.line.get(self.at..)?;
        let len = rest.bytes().position(|b| b == b',').unwrap_or(rest.len());
        self.at += len + 1;
        rest.get(..len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::Format;
    use crate::read::read_events_from;
    use crate::read_outcome::ReadOptions;

    fn columns_of_reader(text: &str) -> Option<OwnedColumns> {
        let out = read_events_from(text.as_bytes(), Format::Csv, &ReadOptions::strict()).ok()?;
        Some(OwnedColumns::of(&out.events))
    }

    fn split(text: &str) -> (&[u8], &[u8]) {
        let nl = text.find('\n').unwrap() + 1;
        (&text.as_bytes()[..nl], &text.as_bytes()[nl..])
    }

    #[test]
    fn rows_read_as_the_streaming_reader_reads_them() {
        let text = "ts,person,signal,device,watts,lux\r\n\
                    2024-05-01T19:00:00+09:00,p-1,plug,tv,85.5,\r\n\
                    \r\n\
                    2024-05-01T19:15:00+09:00,p-2,plug,,  7 ,120\n\
                    \n\
                    2024-05-01T19:30:00+09:00,p-1,plug,tv,0,3";
        let (head, part) = split(text);
        let got = parse(head, part).unwrap();
        assert_eq!(Some(&got), columns_of_reader(text).as_ref());
        assert_eq!(got.names, ["p-1", "p-2"]);
        assert_eq!(got.device_names, ["tv"]);
        assert_eq!(got.device.1, [true, false, true]);
        assert!(got.batch().is_ok());
    }

    #[test]
    fn cells_are_what_lies_between_commas() {
        let cells = |line| Cells { line, at: 0 }.collect::<Vec<_>>();
        assert_eq!(cells("a,,bc,"), ["a", "", "bc", ""]);
        assert_eq!(cells(""), [""]);
        assert_eq!(cells("한,글"), ["한", "글"]);
    }

    #[test]
    fn gives_up_on_rows_it_cannot_read_plainly() {
        let head = "person,ts,signal,outcome\n";
        for row in [
            "p-1,2024-05-01T10:00:00+09:00,checkin",
            "p-1,2024-05-01T10:00:00+09:00,checkin,missed,extra",
            "p-1,yesterday,checkin,missed",
            "p-1,2024-05-01T10:00:00+09:00,knock,missed",
            "p-1,2024-05-01T10:00:00+09:00,checkin,maybe",
            ",2024-05-01T10:00:00+09:00,checkin,missed",
            "p-1,,checkin,missed",
            "p-1,2024-05-01T10:00:00+09:00,,missed",
        ] {
            let part = format!("p-0,2024-05-01T09:00:00+09:00,sos,\n{row}\n");
            assert_eq!(parse(head.as_bytes(), part.as_bytes()), None, "{row}");
            assert_eq!(columns_of_reader(&format!("{head}{part}")), None, "{row}");
        }
        assert_eq!(parse(b"person,ts\n", b"p-1,2024-05-01T10:00:00+09:00\n"), None);
        assert_eq!(parse(head.as_bytes(), b"p-1,2024-05-01T10:00:00+09:00,checkin,\xff\n"), None);
        let long = format!("p-1,2024-05-01T10:00:00+09:00,sos,{}\n", " ".repeat(MAX_LINE_BYTES));
        assert_eq!(parse(b"person,ts,signal,device\n", long.as_bytes()), None);
    }
}
