//! `writeEvents` / `writeAssessments`: the core's CSV and JSON Lines writers, to a file.

use std::io::Write as _;
use std::path::PathBuf;

use anbu::Format;
use napi::bindgen_prelude::{AsyncTask, Env, Unknown};
use napi_derive::napi;

use crate::error::JsResult as Result;
use crate::event::any_events;
use crate::pool::{Job, Pooled, sync_and_async};
use crate::value::from_js_list;

/// A table to write: its rows, where, and in which format.
pub struct WriteTable<T> {
    rows: Vec<T>,
    path: PathBuf,
    format: Format,
}

/// The format asked for (`csv`, `jsonl`, ...), else as the core chooses for an output.
fn format(path: &std::path::Path, format: Option<String>) -> anbu::Result<Format> {
    Format::for_output(format.as_deref().map(str::parse).transpose()?, Some(path))
}

impl WriteTable<anbu::Event> {
    fn read(events: Unknown<'_>, path: String, format: Option<String>) -> anbu::Result<Self> {
        let path = PathBuf::from(path);
        Ok(WriteTable { format: self::format(&path, format)?, rows: any_events(events)?, path })
    }
}

impl WriteTable<anbu::Assessment> {
    fn read(assessments: Unknown<'_>, path: String, format: Option<String>) -> anbu::Result<Self> {
        let path = PathBuf::from(path);
        Ok(WriteTable { format: self::format(&path, format)?, rows: from_js_list("assessments", assessments)?, path })
    }
}

/// Writes the rows with the core's writer of their table.
trait Writer: Sized {
    fn write(w: &mut dyn std::io::Write, format: Format, rows: &[Self]) -> anbu::Result<()>;
}

impl Writer for anbu::Event {
    fn write(w: &mut dyn std::io::Write, format: Format, rows: &[Self]) -> anbu::Result<()> {
        anbu::write_events_as(format, w, rows)
    }
}

impl Writer for anbu::Assessment {
    fn write(w: &mut dyn std::io::Write, format: Format, rows: &[Self]) -> anbu::Result<()> {
        anbu::write_assessments_as(format, w, rows)
    }
}

impl<T: Writer + Send + 'static> Job for WriteTable<T> {
    type Output = ();

    fn run(self) -> anbu::Result<()> {
        let mut out = anbu::create_file(&self.path)?;
        T::write(&mut out, self.format, &self.rows)?;
        Ok(out.flush()?)
    }
}

/// `writeEvents`' job.
pub type WriteEvents = WriteTable<anbu::Event>;
/// `writeAssessments`' job.
pub type WriteAssessments = WriteTable<anbu::Assessment>;

sync_and_async! {
    #[doc = " Writes events (event objects or columns) to `path` in the interchange contract's CSV or"]
    #[doc = " JSON Lines form, by the core's writer (times in UTC; read back identical by `readEvents`)."]
    #[doc = " `format`: `csv` or `jsonl`; by default the path's extension (`.csv`, `.jsonl`, `.ndjson`, `.json`)."]
    pub fn write_events(events: Unknown<'_>, path: String, format: Option<String>) -> "void";
    #[doc = " `writeEvents` on the libuv thread pool: the same file and errors (a rejection)."]
    pub fn write_events_async(..) -> "Promise<void>";
    ts_args = "events: EventInput[] | EventColumns, path: string, format?: 'csv' | 'jsonl' | null";
    read = WriteEvents::read;
}

sync_and_async! {
    #[doc = " Writes assessments (as `replay` gives them) to `path` in the interchange contract's CSV"]
    #[doc = " (`reasons` as a JSON cell) or JSON Lines form, by the core's writer; `format` as for `writeEvents`."]
    pub fn write_assessments(assessments: Unknown<'_>, path: String, format: Option<String>) -> "void";
    #[doc = " `writeAssessments` on the libuv thread pool: the same file and errors (a rejection)."]
    pub fn write_assessments_async(..) -> "Promise<void>";
    ts_args = "assessments: Assessment[], path: string, format?: 'csv' | 'jsonl' | null";
    read = WriteAssessments::read;
}
