//! The streaming engine (the core's `engine`): the `Engine` class.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyType};

use crate::assessment::PyAssessment;
use crate::error::{guard, to_py};
use crate::event::{self, Input};
use crate::profile::profile_arg;
use crate::time::{self, to_datetime};
use crate::{person, run, value};

/// The streaming engine: register persons, ingest their events, assess any person at any time.
#[pyclass(module = "anbu", name = "Engine")]
pub struct PyEngine {
    inner: anbu::Engine,
}

#[pymethods]
impl PyEngine {
    /// An engine; `allowed_lateness` (default one hour) as `"1h"`, milliseconds or a `timedelta`.
    #[new]
    #[pyo3(signature = (*, allowed_lateness = None))]
    fn new(allowed_lateness: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let mut config = anbu::EngineConfig::default();
        if let Some(l) = allowed_lateness {
            config.allowed_lateness_ms = time::duration_arg("allowed_lateness", l)?;
        }
        guard(|| anbu::Engine::with_config(config)).map(|inner| PyEngine { inner })
    }

    /// The allowed lateness, in milliseconds.
    #[getter]
    fn allowed_lateness_ms(&self) -> i64 {
        self.inner.config().allowed_lateness_ms
    }

    /// Adds (or replaces) a caller's profile: a `Profile`, a dict or a TOML/JSON file path.
    fn add_profile(&mut self, profile: &Bound<'_, PyAny>) -> PyResult<()> {
        let p = profile_arg(profile)?;
        guard(|| self.inner.add_profile(p))
    }

    /// Registers a person (or changes their profile and devices), with the district and the
    /// caseworker (codes, never names) that look after them, the household's consent to night
    /// and holiday monitoring and their guardian (a code).
    #[pyo3(signature = (person, profile, devices = None, district = None, caseworker = None, night_consent = None, guardian = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_person(
        &mut self,
        person: &str,
        profile: &str,
        devices: Option<Bound<'_, PyAny>>,
        district: Option<Bound<'_, PyAny>>,
        caseworker: Option<Bound<'_, PyAny>>,
        night_consent: Option<Bound<'_, PyAny>>,
        guardian: Option<Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let p = person::person(
            person,
            profile,
            [
                ("devices", devices),
                ("district", district),
                ("caseworker", caseworker),
                ("night_consent", night_consent),
                ("guardian", guardian),
            ],
        )?
        .map_err(to_py)?;
        guard(|| self.inner.add_person(p))
    }

    /// The triage queue at `at`: the persons of `district` and `caseworker` (when given),
    /// assessed, those at `level` or above, most urgent first (level, action, score, person).
    #[pyo3(signature = (at, district = None, caseworker = None, level = "normal"))]
    fn triage(
        &mut self,
        at: &Bound<'_, PyAny>,
        district: Option<String>,
        caseworker: Option<String>,
        level: &str,
    ) -> PyResult<Vec<PyAssessment>> {
        let at = time::timestamp_arg("at", at)?;
        let filter = anbu::TriageFilter { district, caseworker, ..anbu::TriageFilter::default() }
            .with_level(level)
            .map_err(to_py)?;
        let rows = guard(|| self.inner.triage(at, &filter))?;
        Ok(rows.into_iter().map(|inner| PyAssessment { inner }).collect())
    }

    /// The pilot tier recommended for `person` at `at` (default: the later of the engine's
    /// clock and the person's newest event), as a dict of the core's `TierAdvice`: `tier`,
    /// `reason`, `unwatched`, `days`, `call_days`, `walk_days`, `answer_rate`, and `at` as a
    /// `datetime`.
    #[pyo3(signature = (person, at = None))]
    fn recommend_tier<'py>(
        &self,
        py: Python<'py>,
        person: &str,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let at = at.map(|a| time::timestamp_arg("at", a)).transpose()?;
        let advice = guard(|| self.inner.recommend_tier(person, at))?;
        let out = value::json_value(py, &advice)?.into_bound(py);
        out.set_item("at", to_datetime(py, advice.at)?)?;
        Ok(out)
    }

    /// Erases a person: their registration, state and waiting events (see the core's
    /// `Engine::remove_person`).
    fn remove_person(&mut self, person: &str) -> PyResult<()> {
        guard(|| self.inner.remove_person(person))
    }

    /// Registers persons: a dict `{person: profile}` or rows `{"person", "profile", "devices"}`.
    fn add_persons(&mut self, persons: &Bound<'_, PyAny>) -> PyResult<usize> {
        let persons = person::persons(persons)?;
        let n = persons.len();
        for p in persons {
            guard(|| self.inner.add_person(p))?;
        }
        Ok(n)
    }

    /// The registered persons, as rows of the persons table (every column, `None` where absent).
    fn persons<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner.persons().map(|p| person::person_row(py, p.clone())).collect()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Ingests one event (an `Event` or a dict of the spec's fields).
    fn ingest(&mut self, event: &Bound<'_, PyAny>) -> PyResult<()> {
        let e = event::one_event(event)?;
        guard(|| self.inner.ingest(e))
    }

    /// Ingests one event as `ingest` does, and says what became of it: `"accepted"`, or
    /// `"duplicate"` (an exact repeat of an event still waiting within the allowed lateness:
    /// ignored, nothing changed).
    fn ingest_one(&mut self, event: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let e = event::one_event(event)?;
        guard(|| self.inner.ingest_one(e).map(anbu::Ingested::as_str))
    }

    /// Ingests a batch atomically (a list of events/dicts, an Arrow table, or a CSV/JSONL path);
    /// returns the number of events.
    fn ingest_batch(&mut self, py: Python<'_>, events: &Bound<'_, PyAny>) -> PyResult<usize> {
        let source = Input::extract(events)?;
        let engine = &mut self.inner;
        run::run_interruptible(py, |cancel| {
            let events = source.into_events(cancel, 0)?;
            Ok(engine.ingest_batch(events)?)
        })
    }

    /// Assesses a person at a time (a datetime, RFC 3339 text or epoch milliseconds).
    fn assess(&mut self, person: &str, at: &Bound<'_, PyAny>) -> PyResult<PyAssessment> {
        let at = time::timestamp_arg("at", at)?;
        guard(|| self.inner.assess(person, at)).map(|inner| PyAssessment { inner })
    }

    /// Tells the engine the time now (a datetime, RFC 3339 text or epoch milliseconds): an
    /// event dated further ahead than its profile's `clock.max_ahead_h` is then refused.
    fn set_clock(&mut self, now: &Bound<'_, PyAny>) -> PyResult<()> {
        let now = time::timestamp_arg("now", now)?;
        self.inner.set_clock(now);
        Ok(())
    }

    /// Assesses every person at a time, in person order.
    fn assess_all(&mut self, at: &Bound<'_, PyAny>) -> PyResult<Vec<PyAssessment>> {
        let at = time::timestamp_arg("at", at)?;
        let rows = guard(|| self.inner.assess_all(at))?;
        Ok(rows.into_iter().map(|inner| PyAssessment { inner }).collect())
    }

    /// The whole engine as bytes (see `Engine.restore`).
    fn snapshot<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.snapshot())
    }

    /// An engine restored from `Engine.snapshot()` bytes.
    #[classmethod]
    fn restore(_cls: &Bound<'_, PyType>, data: &[u8]) -> PyResult<Self> {
        guard(|| anbu::Engine::restore(data)).map(|inner| PyEngine { inner })
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        Ok((py.get_type::<PyEngine>().getattr("restore")?, (self.snapshot(py),)))
    }

    fn __repr__(&self) -> String {
        format!("Engine(persons={}, allowed_lateness_ms={})", self.inner.len(), self.allowed_lateness_ms())
    }
}
