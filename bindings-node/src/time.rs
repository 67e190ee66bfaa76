//! `parseDuration`, and JS values as the core's times and durations (the core's `time`).

use anbu::Timestamp;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;

use crate::error::{JsResult as Result, guard};
use crate::value::with_value;

/// Parses a duration such as `1h`, `15m`, `3600s`, `2d` (or a bare number of milliseconds) into milliseconds.
#[napi]
pub fn parse_duration(text: String) -> Result<i64> {
    guard(|| anbu::parse_duration(&text))
}

/// A timestamp argument: RFC 3339 text with an offset, epoch milliseconds, or a `Date`.
pub fn timestamp(name: &'static str, v: Unknown<'_>) -> anbu::Result<Timestamp> {
    with_value(name, v, |value| Timestamp::from_value(name, value))?
}
