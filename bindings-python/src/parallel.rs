//! Threads (the core's `parallel`): `set_threads` and `threads`.

use pyo3::prelude::*;

use crate::error::to_py;
use crate::value;

/// Sets the number of threads anbu works on in this process, for every call not given its own
/// `threads`; 0 goes back to `ANBU_NUM_THREADS`, or one per core (the core's
/// `parallel::set_threads`).
#[pyfunction]
pub fn set_threads(n: &Bound<'_, PyAny>) -> PyResult<()> {
    value::with_value(n, anbu::parallel::set_threads_from)?.map_err(to_py)
}

/// The number of threads anbu works on for a call not given its own `threads` (the core's
/// `parallel::threads`).
#[pyfunction]
pub fn threads() -> PyResult<usize> {
    anbu::parallel::threads().map_err(to_py)
}
