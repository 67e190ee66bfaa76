//! Reading an event file on every core.
//!
//! The file is read in blocks of whole lines; each block is cut at line ends into one part
//! per core, and the parts are parsed at once by the streaming readers, a CSV part behind
//! the file's header line. Their events, joined in order, are the events of the file.
//!
//! Only lines are cut, so this holds only where no row spans lines: a CSV block holding a
//! quote (`"`, which may open a cell holding newlines) is not cut. Any doubt gives up:
//! such a block, any error in any part, a line longer than a block, an input without rows
//! (whose CSV header no part has checked). The caller then reads
//! the file again with one streaming reader, so that what it returns (events, errors, their
//! lines, skipped rows) is always exactly the streaming reader's.

use std::io::{self, Read};

use super::{Format, MAX_LINE_BYTES, ReadOptions, csv_columns, read_events_from};
use crate::event::Event;
use crate::owned_columns::{IdCodes, OwnedColumns};

/// Bytes read per core and block.
const PART_BYTES: usize = 8 << 20;
/// Files under this are read by one reader (starting threads would cost more).
pub(super) const MIN_PARALLEL_BYTES: u64 = 1 << 20;

/// The events of an input read in parallel by `threads` cores, or `None` where the parallel
/// reading gives up (see the module docs): the input must then be read by one reader.
pub(super) fn read_all(input: impl Read, format: Format, threads: usize) -> io::Result<Option<Vec<Event>>> {
    let mut events = Vec::new();
    let parse = |head: &[u8], part: &[u8]| parse(head, part, format);
    let read = read_in_blocks(input, format, threads, PART_BYTES, parse, |mut part| events.append(&mut part))?;
    Ok(read.then_some(events))
}

/// The events of a CSV input as columns, read in parallel by `threads` cores (the parts
/// parsed straight into columns by [`csv_columns`]), or `None` where the parallel reading
/// gives up or any row is refused: the input must then be read by one streaming reader.
pub(super) fn read_csv_columns(input: impl Read, threads: usize) -> io::Result<Option<OwnedColumns>> {
    read_csv_columns_in_blocks(input, threads, PART_BYTES)
}

/// [`read_csv_columns`] with blocks of `part_bytes` per core.
fn read_csv_columns_in_blocks(input: impl Read, threads: usize, part_bytes: usize) -> io::Result<Option<OwnedColumns>> {
    let mut all = OwnedColumns::default();
    let (mut persons, mut devices) = (IdCodes::default(), IdCodes::default());
    let read = read_in_blocks(input, Format::Csv, threads, part_bytes, csv_columns::parse, |part| {
        all.append_recoded(part, &mut persons, &mut devices);
    })?;
    // The rows' values are checked as the streaming reader checks them (by the batch's
    // checks, which are the records' checks), so that a refused row is refused here too.
    Ok((read && all.batch().is_ok()).then_some(all))
}

/// Reads `input` in blocks of `part_bytes` per core, each cut at line ends into one part per
/// core; `parse` reads a part (behind the CSV header line `head`) on its own core, and `join`
/// takes the parsed parts in input order. Returns whether every part was parsed: `false`
/// where the parallel reading gives up (see the module docs).
fn read_in_blocks<T: Send>(
    mut input: impl Read,
    format: Format,
    threads: usize,
    part_bytes: usize,
    parse: impl Fn(&[u8], &[u8]) -> Option<T> + Sync,
    mut join: impl FnMut(T),
) -> io::Result<bool> {
    let threads = threads.max(1);
    let block_bytes = part_bytes.max(1) * threads;
    let mut buf: Vec<u8> = Vec::with_capacity(block_bytes + MAX_LINE_BYTES);
    let mut header: Option<Vec<u8>> = None;
    let mut eof = false;
    // Whether any part was parsed: a CSV header is checked only behind a part, so that an
    // input without rows (a header alone) is left to the streaming reader to judge.
    let mut parsed_any = false;
    while !eof {
        eof = fill(&mut input, &mut buf, block_bytes)?;
        // The block ends after its last newline; the rest waits for the next block.
        let end = if eof { buf.len() } else { buf.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) };
        if end == 0 && !buf.is_empty() && !eof {
            return Ok(false);
        }
        let mut block = &buf[..end];
        if format == Format::Csv {
            if block.contains(&b'"') {
                return Ok(false);
            }
            if header.is_none() {
                // The header must be the first line (the streaming reader skips blank lines
                // before it).
                let Some(nl) = block.iter().position(|b| *b == b'\n') else { return Ok(false) };
                if block[..nl].strip_suffix(b"\r").unwrap_or(&block[..nl]).is_empty() {
                    return Ok(false);
                }
                header = Some(block[..=nl].to_vec());
                block = &block[nl + 1..];
            }
        }
        let parts = cut(block, threads);
        let head = header.as_deref().unwrap_or_default();
        let parse = &parse;
        // A part whose parser panics is left, with the rest, to the streaming reader.
        let parsed: Vec<Option<T>> = crate::parallel::run_all(parts.iter().map(|part| {
            move || std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(head, part))).ok().flatten()
        }));
        for part in parsed {
            let Some(part) = part else { return Ok(false) };
            parsed_any = true;
            join(part);
        }
        buf.drain(..end);
    }
    Ok(parsed_any)
}

/// Reads into `buf` until it holds `want` bytes or the input ends; returns whether it ended.
fn fill(input: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    while buf.len() < want {
        let room = want - buf.len();
        let n = input.by_ref().take(room as u64).read_to_end(buf)?;
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `block` cut after newlines into at most `n` parts of about equal size.
fn cut(block: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(n);
    let mut rest = block;
    for k in (1..=n).rev() {
        if rest.is_empty() {
            break;
        }
        let want = rest.len() / k;
        let at = if k == 1 {
            rest.len()
        } else {
            rest.get(want..).and_then(|r| r.iter().position(|b| *b == b'\n')).map_or(rest.len(), |i| want + i + 1)
        };
        let (part, tail) = rest.split_at(at);
        parts.push(part);
        rest = tail;
    }
    parts
}

/// The events of one part (`head`: the CSV header line it is read behind), or `None` if any
/// of its rows is refused.
fn parse(head: &[u8], part: &[u8], format: Format) -> Option<Vec<Event>> {
    read_events_from(head.chain(part), format, &ReadOptions::strict()).ok().map(|out| out.events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimConfig, simulate};

    fn serial(text: &[u8], format: Format) -> Vec<Event> {
        read_events_from(text, format, &ReadOptions::strict()).unwrap().events
    }

    /// [`read_all`] with blocks of `part` bytes per core.
    fn events_in_blocks(input: &[u8], format: Format, threads: usize, part: usize) -> Option<Vec<Event>> {
        let mut events = Vec::new();
        let parse = |head: &[u8], p: &[u8]| parse(head, p, format);
        let read = read_in_blocks(input, format, threads, part, parse, |mut p| events.append(&mut p)).unwrap();
        read.then_some(events)
    }

    fn texts() -> [(Format, Vec<u8>); 2] {
        let cohort = simulate(&SimConfig { persons: 4, days: 2, ..SimConfig::default() });
        let (mut csv, mut jsonl) = (Vec::new(), Vec::new());
        crate::write_events_csv(&mut csv, &cohort.events).unwrap();
        crate::write_events_jsonl(&mut jsonl, &cohort.events).unwrap();
        [(Format::Csv, csv), (Format::Jsonl, jsonl)]
    }

    #[test]
    fn blocks_read_on_every_core_give_the_events_of_one_reader() {
        for (format, text) in texts() {
            let want = serial(&text, format);
            assert!(want.len() > 300, "{}", want.len());
            // Blocks of a few lines up to the whole text, one to three cores, with and
            // without a newline at the end and with CRLF line ends.
            let crlf: Vec<u8> =
                text.iter().flat_map(|b| if *b == b'\n' { vec![b'\r', b'\n'] } else { vec![*b] }).collect();
            let unterminated = text.strip_suffix(b"\n").unwrap().to_vec();
            for input in [&text, &crlf, &unterminated] {
                for threads in 1..=3 {
                    for part in [300, 1000, 4096, 1 << 20] {
                        let got = events_in_blocks(input.as_slice(), format, threads, part);
                        assert_eq!(got.as_ref(), Some(&want), "{format} threads {threads} part {part}");
                    }
                }
            }
        }
    }

    #[test]
    fn csv_blocks_read_into_columns_give_the_columns_of_one_reader() {
        let [(_, text), _] = texts();
        let want = OwnedColumns::of(&serial(&text, Format::Csv));
        let crlf: Vec<u8> = text.iter().flat_map(|b| if *b == b'\n' { vec![b'\r', b'\n'] } else { vec![*b] }).collect();
        let unterminated = text.strip_suffix(b"\n").unwrap().to_vec();
        for input in [&text, &crlf, &unterminated] {
            for threads in 1..=3 {
                for part in [300, 1000, 4096, 1 << 20] {
                    let got = read_csv_columns_in_blocks(input.as_slice(), threads, part).unwrap();
                    assert_eq!(got.as_ref(), Some(&want), "threads {threads} part {part}");
                }
            }
        }
        // Rows the cells read but the checks refuse (as the streaming reader does): a
        // negative reading, a phone number for a person id, a field of another signal.
        for bad in [
            "person,ts,signal,watts\np-1,2024-05-01T10:00:00+09:00,plug,-1\n",
            "person,ts,signal,watts\n010-1234-5678,2024-05-01T10:00:00+09:00,plug,1\n",
            "person,ts,signal,watts\np-1,2024-05-01T10:00:00+09:00,sos,1\n",
        ] {
            assert!(read_events_from(bad.as_bytes(), Format::Csv, &ReadOptions::strict()).is_err(), "{bad}");
            assert_eq!(read_csv_columns_in_blocks(bad.as_bytes(), 2, 1000).unwrap(), None, "{bad}");
        }
    }

    #[test]
    fn gives_up_where_one_reader_must_read() {
        for (format, text) in texts() {
            let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
            let with_line = |at: usize, line: &[u8]| {
                let mut t = lines[..at].concat();
                t.extend_from_slice(line);
                t.extend(lines[at..].concat());
                t
            };
            // A refused row near the end, in the last block.
            let bad = with_line(lines.len() - 3, b"not a row\n");
            // A line longer than a block.
            let long = with_line(lines.len() / 2, &[b'x'; 5000]);
            for input in [bad, long] {
                assert_eq!(events_in_blocks(input.as_slice(), format, 2, 1000), None, "{format}");
            }
        }
        let [(_, csv), _] = texts();
        let quoted = String::from_utf8(csv.clone()).unwrap().replacen(",plug,", ",\"plug\",", 1);
        assert_eq!(events_in_blocks(quoted.as_bytes(), Format::Csv, 2, 1000), None);
        let blank_first = [b"\r\n".as_slice(), &csv].concat();
        assert_eq!(events_in_blocks(blank_first.as_slice(), Format::Csv, 2, 1000), None);
    }

    #[test]
    fn parts_end_at_newlines_and_hold_every_byte() {
        let block = b"aa\nbbbb\nc\n\ndddddd\ne\n";
        for n in 1..8 {
            let parts = cut(block, n);
            assert!(parts.len() <= n);
            assert_eq!(parts.concat(), block.to_vec());
            assert!(parts.iter().all(|p| p.ends_with(b"\n")), "{n}: {parts:?}");
        }
        assert_eq!(cut(b"no newline", 3), vec![b"no newline".as_slice()]);
        assert!(cut(b"", 2).is_empty());
    }
}
