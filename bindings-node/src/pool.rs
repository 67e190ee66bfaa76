//! The `...Async` forms: the same work as the sync forms, run on the libuv thread pool.
//!
//! A sync form is `guard(|| to_js_value(env, &read(args)?.run()?))`: its arguments are read
//! on the JS thread into a [`Job`] (plain Rust data), the job runs, and its result becomes JS.
//! The async form reads its arguments with the same function into a [`Pooled`] task: the
//! job runs on a pool thread (`compute`), and its result becomes JS on the JS thread
//! (`resolve`). So both forms take the same arguments, and an error, whether from reading
//! the arguments or from the core, rejects the promise with the very `code` and message the
//! sync form throws; a panic becomes `ANBU_INTERNAL` on either thread ([`guard`]).
//!
//! The binding's own module: it mirrors no core module (the core's `parallel`, the threads a
//! job runs on, is [`crate::parallel`]); the libuv pool is Node's.
#![forbid(unsafe_code)]

use napi::ScopedTask;
use napi::bindgen_prelude::{Env, JsObjectValue, JsValue, Unknown};

use crate::error::{JsResult, guard};
use crate::value::to_js_value;

/// Work read from JS arguments that needs no JS value to run.
pub trait Job: Send + Sized + 'static {
    /// What the work gives, converted to JS as the core serializes it.
    type Output: serde::Serialize + Send + 'static;

    /// Does the work (on whichever thread calls it).
    fn run(self) -> anbu::Result<Self::Output>;

    /// The sync form: runs the job read by `read` and converts its output, on this thread.
    fn sync<'env>(env: &'env Env, read: impl FnOnce() -> anbu::Result<Self>) -> JsResult<Unknown<'env>> {
        guard(|| to_js_value(env, &read()?.run()?))
    }

    /// The async form: reads the job with `read` now (on the JS thread); it runs on the pool.
    fn pooled(read: impl FnOnce() -> anbu::Result<Self>) -> Pooled<Self> {
        Pooled { job: Some(guard(read)) }
    }
}

/// A [`Job`] as a napi task (or the error reading its arguments gave, to reject with).
pub struct Pooled<J: Job> {
    job: Option<JsResult<J>>,
}

impl<'task, J: Job> ScopedTask<'task> for Pooled<J> {
    type Output = JsResult<J::Output>;
    type JsValue = Unknown<'task>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let job = self.job.take().unwrap_or_else(|| guard(|| Err(crate::error::bad_arg("task", "already run"))));
        Ok(job.and_then(|job| guard(|| job.run())))
    }

    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output.and_then(|out| guard(|| to_js_value(env, &out))) {
            Ok(value) => Ok(value),
            Err(e) => Err(rejection(env, e)),
        }
    }
}

/// The error a sync form throws, as the error a promise rejects with: napi rejects with a
/// `napi::Error<Status>`, whose `code` would be a napi status, so the JS error is made here
/// (with the binding's `code`) and handed over by reference.
fn rejection(env: &Env, e: napi::Error<String>) -> napi::Error {
    let made = env.create_error(napi::Error::from_reason(e.reason.clone())).and_then(|mut error| {
        error.set_named_property("code", e.status.as_str())?;
        Ok(error.to_unknown())
    });
    match made {
        Ok(error) => napi::Error::from(error),
        Err(failed) => failed,
    }
}

/// Declares a sync form and its `...Async` form from one argument list, one TypeScript
/// signature and one reader (`Job::read`): both take the same arguments and run the same
/// [`Job`], so they give the same value, or the same error (thrown, or rejecting the promise).
///
/// The docs are `#[doc = "..."]` attributes: napi-derive copies a doc string into index.d.ts as
/// it is written, and a `///` comment passed through a macro is a raw string (`r"..."`).
macro_rules! sync_and_async {
    (
        $(# $doc:tt)*
        pub fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ts_ret:tt;
        $(# $async_doc:tt)*
        pub fn $async_name:ident(..) -> $ts_promise:tt;
        ts_args = $ts_args:tt;
        read = $job:ident::$read:ident;
    ) => {
        $(# $doc)*
        #[napi(ts_args_type = $ts_args, ts_return_type = $ts_ret)]
        pub fn $name<'env>(env: &'env Env, $($arg: $ty),*) -> Result<Unknown<'env>> {
            $job::sync(env, || $job::$read($($arg),*))
        }

        $(# $async_doc)*
        #[napi(ts_args_type = $ts_args, ts_return_type = $ts_promise)]
        pub fn $async_name($($arg: $ty),*) -> AsyncTask<Pooled<$job>> {
            AsyncTask::new($job::pooled(|| $job::$read($($arg),*)))
        }
    };
}
pub(crate) use sync_and_async;
