//! `setThreads` / `threads`: the core's `parallel` settings.

use napi::bindgen_prelude::Unknown;
use napi_derive::napi;

use crate::error::{JsResult as Result, guard};
use crate::value;

/// Sets the number of threads anbu works on in this process, for every call not given its own
/// `threads`; 0 goes back to `ANBU_NUM_THREADS`, or one per core (the core's
/// `parallel::set_threads`).
#[napi(ts_args_type = "n: number")]
pub fn set_threads(n: Unknown<'_>) -> Result<()> {
    guard(|| value::with_value("threads", n, anbu::parallel::set_threads_from)?)
}

/// The number of threads anbu works on for a call not given its own `threads` (the core's
/// `parallel::threads`).
#[napi]
pub fn threads() -> Result<u32> {
    guard(|| Ok(u32::try_from(anbu::parallel::threads()?).unwrap_or(u32::MAX)))
}
