//! `readEvents`: the core's event file readers (`read`).

use napi::bindgen_prelude::{AsyncTask, Env, Unknown};
use napi_derive::napi;

use crate::error::JsResult as Result;
use crate::pool::{Job, Pooled, sync_and_async};

/// Options of `readEvents`.
#[napi(object)]
pub struct ReadEventsOptions {
    /// Skip bad rows instead of failing on the first one; they are listed in `skipped`.
    pub skip_bad_rows: Option<bool>,
    /// How many skipped rows' errors to keep (default: the core's).
    pub max_skipped: Option<u32>,
}

sync_and_async! {
    #[doc = " Reads an event file (`.csv`, or `.jsonl` / `.ndjson` / `.json` as JSON Lines). Strict by"]
    #[doc = " default: the first bad row throws, naming its line, field and reason."]
    pub fn read_events(path: String, options: Option<ReadEventsOptions>) -> "ReadOutcome";
    #[doc = " `readEvents` on the libuv thread pool: the same outcome and errors (a rejection)."]
    pub fn read_events_async(..) -> "Promise<ReadOutcome>";
    ts_args = "path: string, options?: ReadEventsOptions | undefined | null";
    read = ReadEvents::read;
}

/// `readEvents`' arguments, read.
pub struct ReadEvents {
    path: String,
    options: anbu::ReadOptions,
}

impl ReadEvents {
    fn read(path: String, options: Option<ReadEventsOptions>) -> anbu::Result<ReadEvents> {
        let mut opts = anbu::ReadOptions::default();
        if let Some(o) = options {
            if o.skip_bad_rows == Some(true) {
                opts = anbu::ReadOptions::lenient();
            }
            if let Some(m) = o.max_skipped {
                opts.max_skipped = m as usize;
            }
        }
        Ok(ReadEvents { path, options: opts })
    }
}

impl Job for ReadEvents {
    type Output = serde_json::Value;

    fn run(self) -> anbu::Result<Self::Output> {
        let out = anbu::read_events(std::path::Path::new(&self.path), &self.options)?;
        let skipped: Vec<serde_json::Value> = out
            .skipped
            .iter()
            .map(|e| serde_json::json!({ "code": e.kind().code(), "message": e.to_string() }))
            .collect();
        Ok(serde_json::json!({ "events": out.events, "skipped": skipped, "skippedCount": out.skipped_count }))
    }
}
