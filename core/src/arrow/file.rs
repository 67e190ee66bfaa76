//! Parquet and Arrow IPC files: read into record batches, written from them.
//!
//! The readers check a file's own account of itself before they trust it: the rows its
//! metadata declares (at most [`MAX_BATCH_ROWS`], refused before anything is read), and the
//! place of every block of data it names (inside the file, so that no length read from a
//! corrupt file becomes an allocation). Whatever is still wrong is a [`Error::Format`]
//! naming the file, never a panic or an abort.

use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use arrow_array::RecordBatch;
use arrow_ipc::reader::{FileReader, StreamReader};
use arrow_ipc::writer::FileWriter;
use arrow_schema::{ArrowError, SchemaRef};
use bytes::Bytes;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::ChunkReader;

use super::{assessments_batch, assessments_schema, events_batch, events_schema};
use crate::assessment::Assessment;
use crate::assessment_columns::AssessmentColumns;
use crate::clip::{MAX_PATH_CHARS, clip, clip_to};
use crate::error::{Error, Result};
use crate::event::Event;
use crate::file::Format;
use crate::limits::MAX_BATCH_ROWS;

/// Rows of one record batch as the readers give them, and of one row group as the writer
/// writes it.
const BATCH_ROWS: usize = 64 * 1024;

/// The name an error gives a file.
fn shown(path: &Path) -> String {
    clip_to(&path.display().to_string(), MAX_PATH_CHARS).into_owned()
}

/// A file that is not what its extension says, or is damaged.
fn corrupt(name: &str, format: Format, reason: impl std::fmt::Display) -> Error {
    let what = if format == Format::Parquet { "Parquet" } else { "Arrow IPC" };
    Error::Format { location: None, reason: format!("`{name}`: not a readable {what} file: {reason}") }
}

/// The record batches of a Parquet or Arrow IPC file.
pub(crate) fn read_file(path: &Path, format: Format) -> Result<Vec<RecordBatch>> {
    let file = crate::file::open(path)?;
    let len = file.metadata()?.len();
    let name = shown(path);
    contained(&name, format, || match format {
        Format::Parquet => parquet_batches(&name, file),
        _ => ipc_batches(&name, file, len),
    })
}

/// The record batches of a Parquet or Arrow IPC file held in memory (errors call it `bytes`).
///
/// ```
/// let err = anbu::arrow::batches_from_bytes(anbu::Format::Parquet, b"PAR1 not really".to_vec()).unwrap_err();
/// assert_eq!(err.kind().code(), "ANBU_FORMAT");
/// assert!(err.to_string().starts_with("`bytes`: not a readable Parquet file"), "{err}");
/// ```
pub fn batches_from_bytes(format: Format, bytes: Vec<u8>) -> Result<Vec<RecordBatch>> {
    if !format.is_columnar() {
        return Err(Error::argument("format", format!("{format} is not a columnar format: use parquet or arrow")));
    }
    let (name, bytes) = ("bytes", Bytes::from(bytes));
    let len = bytes.len() as u64;
    contained(name, format, || match format {
        Format::Parquet => parquet_batches(name, bytes),
        _ => ipc_batches(name, Cursor::new(bytes), len),
    })
}

/// Runs a decoder. The parquet and arrow-ipc crates check what they read, but not all of it:
/// a corrupt file can still make one panic (a slice past a buffer, an assertion on a length).
/// A file is input, so its damage is the caller's format error, never the end of the process
/// (a Python interpreter, a Node service). The decoder only reads into values it owns, all
/// dropped with the panic: nothing it leaves half done is used afterwards.
fn contained(
    name: &str,
    format: Format,
    decode: impl FnOnce() -> Result<Vec<RecordBatch>>,
) -> Result<Vec<RecordBatch>> {
    catch_unwind(AssertUnwindSafe(decode)).unwrap_or_else(|_| Err(corrupt(name, format, "its data is corrupt")))
}

/// Refuses a file of more rows than a batch may hold.
fn check_rows(name: &str, format: Format, rows: i64) -> Result<()> {
    match usize::try_from(rows) {
        Err(_) => Err(corrupt(name, format, format!("it declares {rows} rows"))),
        Ok(n) if n > MAX_BATCH_ROWS => Err(Error::Format {
            location: None,
            reason: format!("`{name}`: {n} rows, at most {MAX_BATCH_ROWS} in one file: split it"),
        }),
        Ok(_) => Ok(()),
    }
}

fn parquet_batches<T: ChunkReader + 'static>(name: &str, input: T) -> Result<Vec<RecordBatch>> {
    let format = Format::Parquet;
    let len = input.len();
    let builder = ParquetRecordBatchReaderBuilder::try_new(input).map_err(|e| corrupt(name, format, e))?;
    let meta = builder.metadata();
    check_rows(name, format, meta.file_metadata().num_rows())?;
    let mut rows = 0i64;
    for (g, group) in meta.row_groups().iter().enumerate() {
        rows = rows.saturating_add(group.num_rows().max(0));
        for c in group.columns() {
            let start = c.dictionary_page_offset().unwrap_or(c.data_page_offset());
            let size = c.compressed_size();
            let inside = start >= 0 && size >= 0 && (start as u64).saturating_add(size as u64) <= len;
            if !inside {
                let column = c.column_path().string();
                let reason = format!("row group {g}, column `{}`: its data lies outside the file", clip(&column));
                return Err(corrupt(name, format, reason));
            }
        }
    }
    check_rows(name, format, rows)?;
    let reader = builder.with_batch_size(BATCH_ROWS).build().map_err(|e| corrupt(name, format, e))?;
    collect(name, format, reader)
}

/// The batches of a reader, each error naming its batch.
fn collect(
    name: &str,
    format: Format,
    batches: impl Iterator<Item = std::result::Result<RecordBatch, ArrowError>>,
) -> Result<Vec<RecordBatch>> {
    let (mut out, mut rows) = (Vec::new(), 0usize);
    for (i, batch) in batches.enumerate() {
        let batch = batch.map_err(|e| corrupt(name, format, format!("batch {i}: {e}")))?;
        rows = rows.saturating_add(batch.num_rows());
        check_rows(name, format, i64::try_from(rows).unwrap_or(i64::MAX))?;
        out.push(batch);
    }
    Ok(out)
}

/// An Arrow IPC file (`ARROW1` at both ends: `.arrow`, Feather 2) or stream.
fn ipc_batches<R: Read + Seek>(name: &str, mut input: R, len: u64) -> Result<Vec<RecordBatch>> {
    let format = Format::Arrow;
    let bad = |e: ArrowError| corrupt(name, format, e);
    let mut magic = [0u8; 6];
    let head = input.read(&mut magic)?;
    input.rewind()?;
    if head >= 4 && magic[..4] == *b"FEA1" {
        return Err(corrupt(name, format, "Feather version 1 is not read: write Feather version 2 (Arrow IPC)"));
    }
    if head == 6 && magic == *b"ARROW1" {
        check_file_blocks(name, &mut input, len)?;
        input.rewind()?;
        collect(name, format, FileReader::try_new(BufReader::new(input), None).map_err(bad)?)
    } else {
        check_stream_messages(name, &mut input, len)?;
        input.rewind()?;
        collect(name, format, StreamReader::try_new(BufReader::new(input), None).map_err(bad)?)
    }
}

/// Reads exactly `n` bytes (`n` checked against the file's length by the caller).
fn read_n<R: Read>(input: &mut R, n: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    input.take(n).read_to_end(&mut buf)?;
    if (buf.len() as u64) < n {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file ends early"));
    }
    Ok(buf)
}

/// Checks that every block an IPC file's footer names lies inside the file (the reader
/// allocates a block's declared size before it reads it).
fn check_file_blocks<R: Read + Seek>(name: &str, input: &mut R, len: u64) -> Result<()> {
    let bad = |reason: &str| corrupt(name, Format::Arrow, reason);
    if len < 18 {
        return Err(bad("too short"));
    }
    input.seek(SeekFrom::Start(len - 10))?;
    let tail = read_n(input, 10)?;
    let footer_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if tail[4..] != *b"ARROW1" || footer_len > len - 18 {
        return Err(bad("no footer at its end (is it truncated?)"));
    }
    input.seek(SeekFrom::Start(len - 10 - footer_len))?;
    let bytes = read_n(input, footer_len)?;
    let footer = arrow_ipc::root_as_footer(&bytes).map_err(|_| bad("its footer is damaged"))?;
    let blocks = footer.recordBatches().into_iter().flatten().chain(footer.dictionaries().into_iter().flatten());
    for (i, block) in blocks.enumerate() {
        let (at, meta, body) = (block.offset(), i64::from(block.metaDataLength()), block.bodyLength());
        let inside = at >= 0 && meta >= 0 && body >= 0 && (at as u64 + meta as u64).saturating_add(body as u64) <= len;
        if !inside {
            return Err(bad("its footer names data outside the file"));
        }
        input.seek(SeekFrom::Start(at as u64))?;
        let bytes = read_n(input, meta as u64)?;
        // The message's length prefix: a continuation marker and a length, or (older files) a length.
        let skip = if bytes.starts_with(&[0xff; 4]) { 8 } else { 4 };
        let message = bytes.get(skip..).and_then(|b| arrow_ipc::root_as_message(b).ok());
        let message = message.ok_or_else(|| bad("a block's header is damaged"))?;
        check_buffers(name, input, &message, (at + meta) as u64, body as u64, i)?;
    }
    Ok(())
}

/// Most bytes a compressed buffer may declare per compressed byte: 65,536, past what zstd
/// (at most about 32,768 to 1, a block of one repeated byte) or lz4 (255 to 1) can give.
const MAX_RATIO: u64 = 1 << 16;

/// Most bytes a compressed buffer may declare per row of its batch (ids are at most 128
/// bytes; offsets and numbers 8).
const MAX_BYTES_PER_ROW: u64 = 256;

/// Checks a record batch's buffers: each inside the message's body (arrow-ipc would panic
/// slicing past it), and, when the body is compressed, the size each declares once
/// decompressed: arrow-ipc allocates that before it decompresses, so a forged size would be
/// an allocation out of proportion to the file (or, failing, an abort). At most
/// [`MAX_RATIO`] times the compressed buffer, and [`MAX_BYTES_PER_ROW`] times the batch's rows.
fn check_buffers<R: Read + Seek>(
    name: &str,
    input: &mut R,
    message: &arrow_ipc::Message<'_>,
    body_at: u64,
    body_len: u64,
    i: usize,
) -> Result<()> {
    let bad = |reason: &str| corrupt(name, Format::Arrow, format!("message {i}: {reason}"));
    let batch = message.header_as_record_batch().or_else(|| message.header_as_dictionary_batch()?.data());
    let Some(batch) = batch else { return Ok(()) };
    let compressed = batch.compression().is_some();
    let rows = u64::try_from(batch.length()).map_err(|_| bad("a negative length"))?;
    for buffer in batch.buffers().into_iter().flatten() {
        let (offset, size) = (buffer.offset(), buffer.length());
        let (Ok(offset), Ok(size)) = (u64::try_from(offset), u64::try_from(size)) else {
            return Err(bad("a negative length"));
        };
        if offset.saturating_add(size) > body_len {
            return Err(bad("a buffer lies outside its body"));
        }
        if !compressed || size < 8 {
            continue;
        }
        input.seek(SeekFrom::Start(body_at + offset))?;
        let prefix = read_n(input, 8)?;
        let declared = i64::from_le_bytes(prefix.try_into().unwrap_or_default());
        let most = size.saturating_mul(MAX_RATIO).min(rows.saturating_add(1).saturating_mul(MAX_BYTES_PER_ROW));
        if u64::try_from(declared).is_ok_and(|d| d > most) {
            return Err(bad("a compressed buffer declares more bytes than it can hold"));
        }
    }
    Ok(())
}

/// Checks that every message of an IPC stream lies inside the file (the reader allocates a
/// message's declared size before it reads it).
fn check_stream_messages<R: Read + Seek>(name: &str, input: &mut R, len: u64) -> Result<()> {
    let bad = |i: usize, reason: &str| corrupt(name, Format::Arrow, format!("message {i}: {reason}"));
    let mut at = 0u64;
    for i in 0.. {
        let Ok(word) = read_n(input, 4) else { break };
        at += 4;
        let mut size = i32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        if size == -1 {
            let word = read_n(input, 4).map_err(|_| bad(i, "the file ends early"))?;
            at += 4;
            size = i32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        }
        if size == 0 {
            break;
        }
        let Ok(size) = u64::try_from(size) else { return Err(bad(i, "a negative length")) };
        if at + size > len {
            return Err(bad(i, "it ends past the end of the file"));
        }
        let meta = read_n(input, size)?;
        at += size;
        let message = arrow_ipc::root_as_message(&meta).map_err(|_| bad(i, "its header is damaged"))?;
        let body = u64::try_from(message.bodyLength()).map_err(|_| bad(i, "a negative length"))?;
        if at.saturating_add(body) > len {
            return Err(bad(i, "its body ends past the end of the file"));
        }
        check_buffers(name, input, &message, at, body, i)?;
        at += body;
        input.seek(SeekFrom::Start(at))?;
    }
    Ok(())
}

/// An error of an Arrow or Parquet writer (the output is ours: an I/O failure, or a bug).
fn write_error(e: impl std::fmt::Display) -> Error {
    Error::Io(io::Error::other(e.to_string()))
}

/// Writes record batches as a Parquet file (zstd, a row group per batch) or an Arrow IPC
/// file. A Parquet row group is written to `w` as soon as it is made, so the file is never
/// held whole in memory.
fn write_batches<W: Write>(
    format: Format,
    mut w: W,
    schema: SchemaRef,
    batches: impl IntoIterator<Item = Result<RecordBatch>>,
) -> Result<()> {
    if format == Format::Parquet {
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_max_row_group_row_count(Some(BATCH_ROWS))
            .build();
        let mut writer = ArrowWriter::try_new(Vec::new(), schema, Some(props)).map_err(write_error)?;
        for batch in batches {
            writer.write(&batch?).map_err(write_error)?;
            writer.flush().map_err(write_error)?;
            writer.sync()?;
            w.write_all(&std::mem::take(writer.inner_mut()))?;
        }
        writer.finish().map_err(write_error)?;
        writer.sync()?;
        w.write_all(writer.inner_mut())?;
        return Ok(());
    }
    let mut writer = FileWriter::try_new(w, &schema).map_err(write_error)?;
    for batch in batches {
        writer.write(&batch?).map_err(write_error)?;
    }
    writer.finish().map_err(write_error)
}

/// Writes events as Parquet or an Arrow IPC file, a record batch of [`events_batch`] per
/// [`BATCH_ROWS`] rows.
pub(crate) fn write_events<'a, W: Write>(
    format: Format,
    w: W,
    events: impl IntoIterator<Item = &'a Event>,
) -> Result<()> {
    write_batches(format, w, events_schema(), in_batches(events, events_batch))
}

/// Writes assessments as Parquet or an Arrow IPC file, a record batch of
/// [`assessments_batch`] per [`BATCH_ROWS`] rows.
pub(crate) fn write_assessments<'a, W: Write>(
    format: Format,
    w: W,
    rows: impl IntoIterator<Item = &'a Assessment>,
) -> Result<()> {
    write_batches(
        format,
        w,
        assessments_schema(),
        in_batches(rows, |rows| assessments_batch(AssessmentColumns::of(rows))),
    )
}

/// Splits rows into chunks of [`BATCH_ROWS`], each made into a record batch by `batch`.
fn in_batches<'a, T: 'a>(
    rows: impl IntoIterator<Item = &'a T>,
    batch: impl Fn(&[&'a T]) -> std::result::Result<RecordBatch, ArrowError>,
) -> impl Iterator<Item = Result<RecordBatch>> {
    let mut rows = rows.into_iter();
    std::iter::from_fn(move || {
        let chunk: Vec<&T> = rows.by_ref().take(BATCH_ROWS).collect();
        (!chunk.is_empty()).then(|| batch(&chunk).map_err(write_error))
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, StringArray, TimestampMicrosecondArray};

    use super::*;
    use crate::{OwnedColumns, ReadOptions, read_columns, read_events, read_events_from, write_events_as};

    fn cohort() -> Vec<Event> {
        crate::sim::simulate(&crate::sim::SimConfig { persons: 3, days: 3, ..Default::default() }).events
    }

    #[test]
    fn events_written_as_parquet_and_ipc_read_back_the_same() {
        let events = cohort();
        let dir = std::env::temp_dir().join(format!("anbu-arrow-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (format, ext) in [(Format::Parquet, "parquet"), (Format::Arrow, "arrow"), (Format::Arrow, "feather")] {
            let mut bytes = Vec::new();
            write_events_as(format, &mut bytes, &events).unwrap();
            let back = read_events_from(bytes.as_slice(), format, &ReadOptions::strict()).unwrap();
            assert_eq!(back.events, events, "{format}");
            let path = dir.join(format!("events.{ext}"));
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(read_events(&path, &ReadOptions::strict()).unwrap().events, events, "{ext}");
            assert_eq!(read_columns(&path).unwrap(), OwnedColumns::of(&events), "{ext}");
            // Cut short, the file is a format error that names it.
            std::fs::write(&path, &bytes[..bytes.len() * 2 / 3]).unwrap();
            let err = read_events(&path, &ReadOptions::strict()).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Format, "{err}");
            assert!(err.to_string().contains(&format!("events.{ext}`: not a readable")), "{err}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A Parquet file as pandas writes one: text, microsecond times with a zone.
    fn parquet_of(outcome: &[&str]) -> Vec<u8> {
        let n = outcome.len();
        let text = |v: Vec<&str>| Arc::new(StringArray::from(v)) as ArrayRef;
        let t0 = 1_714_521_600_000_000i64;
        let ts = TimestampMicrosecondArray::from((0..n as i64).map(|i| t0 + i * 60_000_000).collect::<Vec<_>>())
            .with_timezone("Asia/Seoul");
        let batch = RecordBatch::try_from_iter([
            ("person", text(vec!["p-1"; n])),
            ("ts", Arc::new(ts) as ArrayRef),
            ("signal", text(vec!["checkin"; n])),
            ("outcome", text(outcome.to_vec())),
        ])
        .unwrap();
        let mut out = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut out, batch.schema(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        out
    }

    #[test]
    fn a_bad_cell_names_its_row_and_field() {
        let bytes = parquet_of(&["missed", "maybe", "answered"]);
        let strict = read_events_from(bytes.as_slice(), Format::Parquet, &ReadOptions::strict());
        let err = strict.unwrap_err().to_string();
        assert!(err.starts_with("row 1: field `outcome`: unknown value `maybe`"), "{err}");
        let lenient = read_events_from(bytes.as_slice(), Format::Parquet, &ReadOptions::lenient()).unwrap();
        assert_eq!((lenient.events.len(), lenient.skipped_count), (2, 1));
    }

    #[test]
    fn rows_past_the_limit_are_refused() {
        let limit = MAX_BATCH_ROWS as i64;
        assert!(check_rows("f", Format::Parquet, limit).is_ok());
        let err = check_rows("f", Format::Parquet, limit + 1).unwrap_err().to_string();
        assert_eq!(err, format!("`f`: {} rows, at most {limit} in one file: split it", limit + 1));
        assert!(check_rows("f", Format::Arrow, -1).is_err());
    }

    #[test]
    fn a_compressed_buffer_may_not_declare_more_than_it_can_hold() {
        use arrow_array::Int64Array;
        use arrow_ipc::CompressionType;
        use arrow_ipc::writer::{IpcWriteOptions, StreamWriter};
        let batch =
            RecordBatch::try_from_iter([("steps", Arc::new(Int64Array::from(vec![7_i64; 1000])) as ArrayRef)]).unwrap();
        let options = IpcWriteOptions::default().try_with_compression(Some(CompressionType::LZ4_FRAME)).unwrap();
        let mut bytes = Vec::new();
        let mut writer = StreamWriter::try_new_with_options(&mut bytes, &batch.schema(), options).unwrap();
        writer.write(&batch).unwrap();
        writer.finish().unwrap();
        drop(writer);
        assert_eq!(batches_from_bytes(Format::Arrow, bytes.clone()).unwrap(), [batch]);
        // The values' buffer: its decompressed length (8,000 bytes), then an lz4 frame.
        let mut prefix = 8000_i64.to_le_bytes().to_vec();
        prefix.extend([0x04, 0x22, 0x4d, 0x18]);
        let at = bytes.windows(12).position(|w| w == prefix).expect("the values' buffer");
        bytes[at..at + 8].copy_from_slice(&(1_i64 << 40).to_le_bytes());
        let err = batches_from_bytes(Format::Arrow, bytes).unwrap_err().to_string();
        assert!(err.contains("a compressed buffer declares more bytes than it can hold"), "{err}");
    }

    #[test]
    fn garbage_is_a_format_error() {
        for format in [Format::Parquet, Format::Arrow] {
            for bytes in [&b""[..], b"PAR1", b"ARROW1\0\0garbage", b"\xff\xff\xff\xff\x10\0\0\0", b"FEA1...."] {
                let err = batches_from_bytes(format, bytes.to_vec()).unwrap_err();
                assert_eq!(err.kind(), crate::ErrorKind::Format, "{format} {bytes:?}: {err}");
            }
        }
        let err = batches_from_bytes(Format::Csv, b"person\n".to_vec()).unwrap_err().to_string();
        assert_eq!(err, "argument `format`: csv is not a columnar format: use parquet or arrow");
    }
}
