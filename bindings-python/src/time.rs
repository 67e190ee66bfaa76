//! Times and durations (the core's `time`): `datetime`s and `timedelta`s, and the time and
//! duration arguments, read by the core.

use anbu::Timestamp;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::error::to_py;
use crate::value::with_value;

/// `datetime.datetime`, `datetime.timedelta`, `datetime.timezone.utc` and the Unix epoch.
struct DateTimeApi {
    datetime: Py<PyAny>,
    timedelta: Py<PyAny>,
    epoch: Py<PyAny>,
}

static DATETIME: PyOnceLock<DateTimeApi> = PyOnceLock::new();

fn dt(py: Python<'_>) -> PyResult<&DateTimeApi> {
    DATETIME.get_or_try_init(py, || {
        let m = py.import("datetime")?;
        let datetime = m.getattr("datetime")?;
        let utc = m.getattr("timezone")?.getattr("utc")?;
        let epoch = datetime.call1((1970, 1, 1, 0, 0, 0, 0, utc))?;
        Ok(DateTimeApi {
            datetime: datetime.unbind(),
            timedelta: m.getattr("timedelta")?.unbind(),
            epoch: epoch.unbind(),
        })
    })
}

/// A UTC `datetime` for a core timestamp.
pub fn to_datetime(py: Python<'_>, ts: Timestamp) -> PyResult<Py<PyAny>> {
    let api = dt(py)?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("milliseconds", ts.as_millis())?;
    let delta = api.timedelta.bind(py).call((), Some(&kwargs))?;
    Ok(api.epoch.bind(py).call_method1("__add__", (delta,))?.unbind())
}

/// Epoch milliseconds of an aware `datetime` (or subclass: `pandas.Timestamp`); `None` if naive.
pub fn datetime_millis(v: &Bound<'_, PyAny>) -> PyResult<Option<i64>> {
    if v.call_method0("utcoffset")?.is_none() {
        return Ok(None);
    }
    let delta = v.call_method1("__sub__", (dt(v.py())?.epoch.bind(v.py()),))?;
    let days: i64 = delta.getattr("days")?.extract()?;
    let seconds: i64 = delta.getattr("seconds")?.extract()?;
    let micros: i64 = delta.getattr("microseconds")?.extract()?;
    Ok(Some(days.saturating_mul(86_400_000).saturating_add(seconds * 1000 + micros / 1000)))
}

pub fn is_datetime(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    v.is_instance(dt(v.py())?.datetime.bind(v.py()))
}

fn is_timedelta(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    v.is_instance(dt(v.py())?.timedelta.bind(v.py()))
}

/// A time argument `name` (an evaluation time, a start): an aware `datetime`, RFC 3339 text
/// or epoch milliseconds, read by the core.
pub fn timestamp_arg(name: &str, v: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    with_value(v, |value| Timestamp::from_value(name, value))?.map_err(to_py)
}

/// A duration argument `name` in milliseconds: a `timedelta`, or text (`"1h"`, `"15m"`) or a
/// number of milliseconds for the core to read. Range checks are the core's (where the
/// value is used).
pub fn duration_arg(name: &str, v: &Bound<'_, PyAny>) -> PyResult<i64> {
    if is_timedelta(v)? {
        let days: i64 = v.getattr("days")?.extract()?;
        let seconds: i64 = v.getattr("seconds")?.extract()?;
        let micros: i64 = v.getattr("microseconds")?.extract()?;
        return Ok(days.saturating_mul(86_400_000).saturating_add(seconds * 1000 + micros / 1000));
    }
    with_value(v, |value| anbu::duration_ms(name, value))?.map_err(to_py)
}

/// Milliseconds of a duration (`"1h"`, `"15m"`, `"3600s"`, milliseconds, or a `timedelta`).
#[pyfunction]
pub fn duration_ms(every: &Bound<'_, PyAny>) -> PyResult<i64> {
    duration_arg("every", every)
}
