//! The one place where anbu errors become JavaScript errors.
#![forbid(unsafe_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};

/// What every binding function returns: a JS `Error` whose `code` is a stable string.
pub type JsResult<T> = std::result::Result<T, napi::Error<String>>;

/// The `code` of an error that is a bug in anbu (a Rust panic caught at the boundary).
pub const INTERNAL_CODE: &str = "ANBU_INTERNAL";

/// The one mapping: `code` = the core's stable category code, `message` = the core's message.
pub fn to_js(err: anbu::Error) -> napi::Error<String> {
    napi::Error::new(err.kind().code().to_string(), err.to_string())
}

/// A JS value that could not be read as the argument `name` (wrong type, a throwing getter).
///
/// The core has no notion of JS types, so this is reported as the core's `InvalidArgument`.
pub fn bad_arg(name: &str, reason: impl Into<String>) -> anbu::Error {
    anbu::Error::InvalidArgument { name: name.to_string(), reason: reason.into() }
}

/// [`bad_arg`] from a napi failure.
pub fn napi_arg(name: &'static str) -> impl Fn(napi::Error) -> anbu::Error {
    move |e| bad_arg(name, e.reason.clone())
}

/// Runs a binding body: core errors become JS errors, and a panic becomes an `ANBU_INTERNAL`
/// error instead of crossing into Node.
pub fn guard<T>(f: impl FnOnce() -> anbu::Result<T>) -> JsResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(to_js),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(napi::Error::new(INTERNAL_CODE.to_string(), format!("internal error in anbu (a bug): {what}")))
        }
    }
}
