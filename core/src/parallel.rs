//! Threads: how many anbu works on, and the helpers every part of anbu (the core, the `anbu`
//! command, the bindings) starts its threads with. No thread is started anywhere else.
//!
//! The number of threads is, of these, the first that is set ([`threads_for`]):
//!
//! 1. a count given to one call, such as [`ReplayOptions::threads`](crate::ReplayOptions)
//!    when it is not 0;
//! 2. the process-wide switch [`set_threads`] (0 unsets it);
//! 3. the environment variable [`ENV_VAR`] (`ANBU_NUM_THREADS`), read at every call: a whole
//!    number of threads; 0 or empty leaves it unset;
//! 4. one thread per core ([`std::thread::available_parallelism`]).
//!
//! An `ANBU_NUM_THREADS` that is not a whole number from 0 to [`MAX_THREADS`] is an error of
//! every call that reads the count, naming the variable: never a panic, never ignored.
//!
//! Work is split into contiguous parts whose results come back in input order, so a result
//! is the same on any number of threads. A worker's panic is resumed on the calling thread,
//! as if the work had run there.
//!
//! ```
//! use anbu::parallel;
//! parallel::set_threads(3)?;
//! assert_eq!(parallel::threads()?, 3);
//! assert_eq!(parallel::threads_for(2)?, 2); // a call's own count comes first
//! parallel::set_threads(0)?; // back to ANBU_NUM_THREADS, or one thread per core
//! # Ok::<(), anbu::Error>(())
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::clip::clip;
use crate::error::{Error, Result};
use crate::limits::{self, MAX_THREADS};
use crate::value::Value;

/// The environment variable that sets the number of threads when neither a call nor
/// [`set_threads`] does.
pub const ENV_VAR: &str = "ANBU_NUM_THREADS";

/// The process-wide switch; 0 when unset.
static SWITCH: AtomicUsize = AtomicUsize::new(0);

/// Sets the number of threads of the whole process, for every call that is not given its
/// own count; 0 unsets it. More than [`MAX_THREADS`] is refused.
///
/// ```
/// let err = anbu::parallel::set_threads(anbu::limits::MAX_THREADS + 1).unwrap_err();
/// assert_eq!(err.to_string(), "argument `threads`: 257 threads, at most 256");
/// ```
pub fn set_threads(n: usize) -> Result<()> {
    limits::at_most("threads", n, MAX_THREADS, "threads")?;
    SWITCH.store(n, Ordering::Relaxed);
    Ok(())
}

/// [`set_threads`] from a value as a binding is given it: a whole number >= 0, else an
/// error naming `threads`.
///
/// ```
/// use anbu::{Value, parallel};
/// parallel::set_threads_from(Value::Float(2.0))?;
/// assert_eq!(parallel::threads()?, 2);
/// let err = parallel::set_threads_from(Value::Int(-1)).unwrap_err();
/// assert_eq!(err.to_string(), "argument `threads`: must be a whole number >= 0, got -1");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn set_threads_from(value: Value<'_>) -> Result<()> {
    set_threads(crate::value::count("threads", value)?)
}

/// The number of threads of a call that has no count of its own: [`threads_for`]`(0)`.
///
/// ```
/// assert!(anbu::parallel::threads()? >= 1);
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn threads() -> Result<usize> {
    threads_for(0)
}

/// The number of threads of a call given `explicit` threads (0: none given), as the module
/// documentation lists; the error of a bad `ANBU_NUM_THREADS`.
///
/// ```
/// assert_eq!(anbu::parallel::threads_for(5)?, 5);
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn threads_for(explicit: usize) -> Result<usize> {
    let env = match std::env::var(ENV_VAR) {
        Ok(text) => Some(text),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(text)) => Some(text.to_string_lossy().into_owned()),
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    resolve(explicit, SWITCH.load(Ordering::Relaxed), env.as_deref(), cores)
}

/// The number of threads from each source, the first set of: `explicit`, `switch`, the
/// environment variable's text `env`, and `cores` (at least 1).
///
/// ```
/// use anbu::parallel::resolve;
/// assert_eq!(resolve(0, 0, None, 8)?, 8);
/// assert_eq!(resolve(0, 0, Some("2"), 8)?, 2);
/// assert_eq!(resolve(0, 0, Some(" 0 "), 8)?, 8); // 0 or empty: unset
/// assert_eq!(resolve(0, 3, Some("2"), 8)?, 3);
/// assert_eq!(resolve(4, 3, Some("2"), 8)?, 4);
/// assert!(resolve(anbu::limits::MAX_THREADS + 1, 0, None, 8).is_err());
/// let err = resolve(0, 0, Some("four"), 8).unwrap_err();
/// assert!(err.to_string().starts_with("argument `ANBU_NUM_THREADS`: must be a whole number"), "{err}");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn resolve(explicit: usize, switch: usize, env: Option<&str>, cores: usize) -> Result<usize> {
    // A call's own count is bounded as the switch and the variable are: a replay started
    // with `threads` in the millions would start one thread per person.
    limits::at_most("threads", explicit, MAX_THREADS, "threads")?;
    if explicit > 0 {
        return Ok(explicit);
    }
    if switch > 0 {
        return Ok(switch);
    }
    if let Some(text) = env.map(str::trim).filter(|t| !t.is_empty()) {
        let n = text.parse::<usize>().map_err(|_| {
            Error::argument(
                ENV_VAR,
                format!("must be a whole number of threads >= 0 (0: one per core), got `{}`", clip(text)),
            )
        })?;
        limits::at_most(ENV_VAR, n, MAX_THREADS, "threads")?;
        if n > 0 {
            return Ok(n);
        }
    }
    Ok(cores.max(1))
}

/// Into how many parts `len` items are split on `threads` threads when each part should
/// hold at least `min_part` items: never more than `threads`, at least 1.
///
/// ```
/// use anbu::parallel::parts;
/// assert_eq!(parts(1_000, 8, 300), 4);
/// assert_eq!(parts(1_000, 2, 300), 2);
/// assert_eq!(parts(10, 8, 300), 1);
/// assert_eq!(parts(0, 8, 300), 1);
/// ```
pub fn parts(len: usize, threads: usize, min_part: usize) -> usize {
    threads.min(len.div_ceil(min_part.max(1))).max(1)
}

/// Runs each job, all at once, one thread each, and returns their results in the jobs'
/// order; a single job runs on this thread.
///
/// ```
/// let squares = anbu::parallel::run_all((1..=4).map(|i| move || i * i));
/// assert_eq!(squares, [1, 4, 9, 16]);
/// ```
pub fn run_all<R: Send, J: FnOnce() -> R + Send>(jobs: impl IntoIterator<Item = J>) -> Vec<R> {
    let jobs: Vec<J> = jobs.into_iter().collect();
    if jobs.len() <= 1 {
        return jobs.into_iter().map(|job| job()).collect();
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs.into_iter().map(|job| s.spawn(job)).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    })
}

/// `f(first, chunk)` for `items` cut into at most `parts` contiguous chunks of about equal
/// size (`first`: the index of the chunk's first item), one thread per chunk; the results in
/// the chunks' order. No chunk (and no call) for no items.
///
/// ```
/// let items: Vec<u64> = (1..=10).collect();
/// let sums = anbu::parallel::map_chunks(&items, 3, |first, chunk| (first, chunk.iter().sum::<u64>()));
/// assert_eq!(sums, [(0, 10), (4, 26), (8, 19)]);
/// ```
pub fn map_chunks<'a, T: Sync, R: Send>(
    items: &'a [T],
    parts: usize,
    f: impl Fn(usize, &'a [T]) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(parts.max(1)).max(1);
    let f = &f;
    run_all(items.chunks(chunk).enumerate().map(|(k, c)| move || f(k * chunk, c)))
}

/// `a` on a new thread while `b` runs on this one; both results. For work beside a watcher
/// (a progress bar, a check for Ctrl-C) that must run at once whatever the number of threads.
///
/// ```
/// let (a, b) = anbu::parallel::join(|| 1 + 1, || "here");
/// assert_eq!((a, b), (2, "here"));
/// ```
pub fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|s| {
        let a = s.spawn(a);
        let b = b();
        (a.join().unwrap_or_else(|p| std::panic::resume_unwind(p)), b)
    })
}

/// [`join`] when `worth` it (enough work for two threads) and more than one thread is
/// allowed ([`threads`]); else `a` then `b` on this thread. An `ANBU_NUM_THREADS` that is not
/// valid runs them on this thread (its error is [`threads`]'s).
///
/// ```
/// let (a, b) = anbu::parallel::join_if(false, || 1, || 2);
/// assert_eq!((a, b), (1, 2));
/// ```
pub fn join_if<A: Send, B>(worth: bool, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    if worth && threads().is_ok_and(|n| n > 1) { join(a, b) } else { (a(), b()) }
}
