//! The Python classes: thin wrappers over the core's values.

use std::path::PathBuf;

use anbu::{EventRecord, PersonRecord};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyType};

use crate::convert::{self, to_datetime};
use crate::errors::{guard, to_py};
use crate::input::{self, Input};

/// `json.loads` of core JSON text.
fn json_loads(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// A profile: the rules, thresholds and weights that decide how a person is watched.
#[pyclass(module = "anbu", name = "Profile", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyProfile {
    pub inner: anbu::Profile,
}

#[pymethods]
impl PyProfile {
    /// A built-in profile by name (`plug_only`, `call_only`, `call_app`, `call_iot`, `full`).
    #[new]
    fn new(name: &str) -> PyResult<Self> {
        Self::builtin(name)
    }

    /// A built-in profile by name.
    #[staticmethod]
    fn builtin(name: &str) -> PyResult<Self> {
        guard(|| anbu::Profile::builtin(name)).map(|inner| PyProfile { inner })
    }

    /// A profile from a dict (the keys of a TOML/JSON profile document; `extends` a built-in).
    #[staticmethod]
    fn from_dict(py: Python<'_>, doc: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text: String = py.import("json")?.call_method1("dumps", (doc,))?.extract()?;
        Self::from_json(&text)
    }

    /// A profile from JSON text.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        guard(|| anbu::Profile::from_json(text)).map(|inner| PyProfile { inner })
    }

    /// A profile from TOML text.
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        guard(|| anbu::Profile::from_toml(text)).map(|inner| PyProfile { inner })
    }

    /// A profile file: `.toml` as TOML, anything else as JSON.
    #[staticmethod]
    fn from_file(path: PathBuf) -> PyResult<Self> {
        guard(|| anbu::Profile::from_path(&path)).map(|inner| PyProfile { inner })
    }

    /// The profile's name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The signals the profile expects.
    #[getter]
    fn signals(&self) -> Vec<&'static str> {
        self.inner.signals.iter().map(|s| s.as_str()).collect()
    }

    /// The person's IANA time zone.
    #[getter]
    fn timezone(&self) -> &str {
        &self.inner.timezone
    }

    /// Every key, as nested dicts (loadable again with `from_dict`).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_loads(py, &self.inner.to_json())
    }

    /// Every key, as JSON text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// A copy with some keys changed: `{"routine.sensitivity": 0.02}` (dotted keys; the
    /// core's `Profile::replace`). Named as a built-in profile (the default: the same name),
    /// the copy overrides it in the engine or replay given it, so a sweep needs no renaming.
    fn replace(&self, py: Python<'_>, changes: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text: String = py.import("json")?.call_method1("dumps", (changes,))?.extract()?;
        let changes: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
            pyo3::exceptions::PyTypeError::new_err(format!("changes: expected a dict of dotted keys: {e}"))
        })?;
        guard(|| self.inner.replace(&changes)).map(|inner| PyProfile { inner })
    }

    fn __repr__(&self) -> String {
        format!("Profile({:?}, signals={:?})", self.inner.name, self.signals())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((py.get_type::<PyProfile>().getattr("from_json")?, (self.inner.to_json(),)))
    }
}

/// A profile argument: a `Profile`, a dict, or a path to a TOML/JSON file.
pub fn profile_arg(v: &Bound<'_, PyAny>) -> PyResult<anbu::Profile> {
    if let Ok(p) = v.cast::<PyProfile>() {
        return Ok(p.get().inner.clone());
    }
    if v.is_instance_of::<PyDict>() {
        return PyProfile::from_dict(v.py(), v).map(|p| p.inner);
    }
    if let Ok(path) = v.extract::<PathBuf>() {
        return PyProfile::from_file(path).map(|p| p.inner);
    }
    Err(PyTypeError::new_err("a profile must be an anbu.Profile, a dict, or the path of a TOML/JSON file"))
}

/// One validated event.
#[pyclass(module = "anbu", name = "Event", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyEvent {
    pub inner: anbu::Event,
}

#[pymethods]
impl PyEvent {
    /// An event: `Event("p-1", "2024-05-01T19:02:00+09:00", "plug", watts=85.5, device="plug-tv")`.
    #[new]
    #[pyo3(signature = (person, ts, signal, **fields))]
    fn new(
        person: &Bound<'_, PyAny>,
        ts: &Bound<'_, PyAny>,
        signal: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let mut r = EventRecord::default();
        for (name, v) in [("person", person), ("ts", ts), ("signal", signal)] {
            convert::set_value(&mut r, name, v)?.map_err(to_py)?;
        }
        if let Some(fields) = fields {
            for (k, v) in fields.iter() {
                convert::set_value(&mut r, &k.str()?.to_cow()?, &v)?.map_err(to_py)?;
            }
        }
        guard(|| r.into_event()).map(|inner| PyEvent { inner })
    }

    /// An event from a dict of the spec's fields.
    #[staticmethod]
    fn from_dict(d: &Bound<'_, PyAny>) -> PyResult<Self> {
        let r = convert::record_from_mapping(d)?.map_err(to_py)?;
        guard(|| r.into_event()).map(|inner| PyEvent { inner })
    }

    /// The person's pseudonymous id.
    #[getter]
    fn person(&self) -> &str {
        &self.inner.person
    }

    /// When it happened (UTC).
    #[getter]
    fn ts(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_datetime(py, self.inner.ts)
    }

    /// The signal.
    #[getter]
    fn signal(&self) -> &'static str {
        self.inner.signal().as_str()
    }

    /// The source device (the signal's name when not given).
    #[getter]
    fn device(&self) -> &str {
        self.inner.device()
    }

    /// The spec's fields that are set (times as UTC datetimes).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        record_dict(py, &self.inner.to_record())
    }

    fn __repr__(&self) -> String {
        let r = self.inner.to_record();
        let mut parts = vec![format!("{:?}", self.inner.person), format!("{:?}", self.inner.ts.to_string())];
        parts.push(format!("{:?}", self.inner.signal().as_str()));
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&r) {
            for (k, v) in map {
                if !matches!(k.as_str(), "person" | "ts" | "signal") {
                    parts.push(format!("{k}={v}"));
                }
            }
        }
        format!("Event({})", parts.join(", "))
    }
}

/// A flat event record as a dict: times as datetimes, values as the spec writes them.
fn record_dict<'py>(py: Python<'py>, r: &EventRecord) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let value = serde_json::to_value(r).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    if let serde_json::Value::Object(map) = value {
        for (k, v) in map {
            match (k.as_str(), &v) {
                ("ts", _) | ("until", _) => {
                    let t = if k == "ts" { r.ts } else { r.until };
                    if let Some(t) = t {
                        d.set_item(&k, to_datetime(py, t)?)?;
                    }
                }
                (_, serde_json::Value::String(s)) => d.set_item(&k, s)?,
                (_, serde_json::Value::Bool(b)) => d.set_item(&k, *b)?,
                (_, serde_json::Value::Number(n)) => match n.as_u64() {
                    Some(u) => d.set_item(&k, u)?,
                    None => d.set_item(&k, n.as_f64())?,
                },
                _ => {}
            }
        }
    }
    Ok(d)
}

/// One piece of evidence behind a score.
#[pyclass(module = "anbu", name = "Reason", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyReason {
    pub inner: anbu::Reason,
}

#[pymethods]
impl PyReason {
    /// The signal the evidence is about.
    #[getter]
    fn signal(&self) -> &'static str {
        self.inner.signal.as_str()
    }

    /// The detector that produced it.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }

    /// A sentence a caseworker can read.
    #[getter]
    fn detail(&self) -> &str {
        &self.inner.detail
    }

    /// Points this evidence adds to the score.
    #[getter]
    fn contribution(&self) -> f64 {
        self.inner.contribution
    }

    /// `{signal, kind, detail, contribution}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("signal", self.signal())?;
        d.set_item("kind", self.kind())?;
        d.set_item("detail", self.detail())?;
        d.set_item("contribution", self.contribution())?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "Reason(signal={:?}, kind={:?}, contribution={}, detail={:?})",
            self.signal(),
            self.kind(),
            self.inner.contribution,
            self.inner.detail
        )
    }
}

/// The risk assessment of one person at one time.
#[pyclass(module = "anbu", name = "Assessment", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyAssessment {
    pub inner: anbu::Assessment,
}

#[pymethods]
impl PyAssessment {
    /// The person.
    #[getter]
    fn person(&self) -> &str {
        &self.inner.person
    }

    /// The evaluation time (UTC).
    #[getter]
    fn at(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_datetime(py, self.inner.at)
    }

    /// Fused risk, 0 to 100.
    #[getter]
    fn score(&self) -> f64 {
        self.inner.score
    }

    /// `normal`, `watch`, `warning` or `critical`.
    #[getter]
    fn level(&self) -> &'static str {
        self.inner.level.as_str()
    }

    /// `none`, `checkin_call`, `notify` or `dispatch`.
    #[getter]
    fn action(&self) -> &'static str {
        self.inner.action.as_str()
    }

    /// `day_office` or `control_center`.
    #[getter]
    fn responder(&self) -> &'static str {
        self.inner.responder.as_str()
    }

    /// For a `dispatch`, who goes: `visit` (staff), `police` or `119`; `None` otherwise.
    #[getter]
    fn visit(&self) -> Option<&'static str> {
        self.inner.visit.map(|v| v.as_str())
    }

    /// The evidence, strongest first.
    #[getter]
    fn reasons(&self) -> Vec<PyReason> {
        self.inner.reasons.iter().map(|r| PyReason { inner: r.clone() }).collect()
    }

    /// The spec's assessment fields (`at` as a UTC datetime, `reasons` as dicts).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("person", self.person())?;
        d.set_item("at", self.at(py)?)?;
        d.set_item("score", self.score())?;
        d.set_item("level", self.level())?;
        d.set_item("action", self.action())?;
        d.set_item("responder", self.responder())?;
        let reasons = PyList::empty(py);
        for r in self.reasons() {
            reasons.append(r.to_dict(py)?)?;
        }
        d.set_item("reasons", reasons)?;
        d.set_item("visit", self.visit())?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let a = &self.inner;
        let top = a.reasons.first().map(|r| format!(", top={:?}", r.kind.as_str())).unwrap_or_default();
        let visit = a.visit.map(|v| format!(", visit={:?}", v.as_str())).unwrap_or_default();
        format!(
            "Assessment(person={:?}, at={:?}, score={}, level={:?}, action={:?}, responder={:?}, reasons={}{top}{visit})",
            a.person,
            a.at.to_string(),
            a.score,
            a.level.as_str(),
            a.action.as_str(),
            a.responder.as_str(),
            a.reasons.len()
        )
    }
}

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
            config.allowed_lateness_ms = convert::duration_ms("allowed_lateness", l)?;
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
        let p = convert::person(
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
        let at = convert::timestamp_arg("at", at)?;
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
        let at = at.map(|a| convert::timestamp_arg("at", a)).transpose()?;
        let advice = guard(|| self.inner.recommend_tier(person, at))?;
        let out = crate::backtest::json_value(py, &advice)?.into_bound(py);
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
        let persons = convert::persons(persons)?;
        let n = persons.len();
        for p in persons {
            guard(|| self.inner.add_person(p))?;
        }
        Ok(n)
    }

    /// The registered persons, as rows `{"person", "profile", "devices"}`.
    fn persons<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .persons()
            .map(|p| {
                let r: PersonRecord = p.clone().into();
                let d = PyDict::new(py);
                d.set_item("person", r.person)?;
                d.set_item("profile", r.profile)?;
                d.set_item("devices", r.devices)?;
                d.set_item("district", r.district)?;
                d.set_item("caseworker", r.caseworker)?;
                d.set_item("night_consent", r.night_consent)?;
                d.set_item("guardian", r.guardian)?;
                Ok(d)
            })
            .collect()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Ingests one event (an `Event` or a dict of the spec's fields).
    fn ingest(&mut self, event: &Bound<'_, PyAny>) -> PyResult<()> {
        let e = input::one_event(event)?;
        guard(|| self.inner.ingest(e))
    }

    /// Ingests one event as `ingest` does, and says what became of it: `"accepted"`, or
    /// `"duplicate"` (an exact repeat of an event still waiting within the allowed lateness:
    /// ignored, nothing changed).
    fn ingest_one(&mut self, event: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let e = input::one_event(event)?;
        guard(|| self.inner.ingest_one(e).map(anbu::Ingested::as_str))
    }

    /// Ingests a batch atomically (a list of events/dicts, an Arrow table, or a CSV/JSONL path);
    /// returns the number of events.
    fn ingest_batch(&mut self, py: Python<'_>, events: &Bound<'_, PyAny>) -> PyResult<usize> {
        let source = Input::extract(events)?;
        let engine = &mut self.inner;
        input::run_interruptible(py, |cancel| {
            let events = source.into_events(cancel, 0)?;
            Ok(engine.ingest_batch(events)?)
        })
    }

    /// Assesses a person at a time (a datetime, RFC 3339 text or epoch milliseconds).
    fn assess(&mut self, person: &str, at: &Bound<'_, PyAny>) -> PyResult<PyAssessment> {
        let at = convert::timestamp_arg("at", at)?;
        guard(|| self.inner.assess(person, at)).map(|inner| PyAssessment { inner })
    }

    /// Tells the engine the time now (a datetime, RFC 3339 text or epoch milliseconds): an
    /// event dated further ahead than its profile's `clock.max_ahead_h` is then refused.
    fn set_clock(&mut self, now: &Bound<'_, PyAny>) -> PyResult<()> {
        let now = convert::timestamp_arg("now", now)?;
        self.inner.set_clock(now);
        Ok(())
    }

    /// Assesses every person at a time, in person order.
    fn assess_all(&mut self, at: &Bound<'_, PyAny>) -> PyResult<Vec<PyAssessment>> {
        let at = convert::timestamp_arg("at", at)?;
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

/// What `read_events` read: the events, and the rows skipped (with `skip_bad_rows=True`).
#[pyclass(module = "anbu", name = "ReadOutcome", frozen)]
pub struct PyReadOutcome {
    /// The valid events, in input order.
    #[pyo3(get)]
    events: Py<PyList>,
    /// Why rows were skipped: one exception (naming the line) per skipped row, at most 1000.
    #[pyo3(get)]
    skipped: Py<PyList>,
    /// How many rows were skipped in all.
    #[pyo3(get)]
    skipped_count: u64,
}

#[pymethods]
impl PyReadOutcome {
    fn __len__(&self, py: Python<'_>) -> usize {
        self.events.bind(py).len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.events.bind(py).try_iter().map(|i| i.into_any())
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.events.bind(py).as_any().get_item(index)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("ReadOutcome(events={}, skipped_count={})", self.events.bind(py).len(), self.skipped_count)
    }
}

/// Reads an event file (CSV, JSON Lines, Parquet or Arrow IPC) with the core's reader (format
/// from the extension).
#[pyfunction]
#[pyo3(signature = (path, *, skip_bad_rows = false))]
pub fn read_events(py: Python<'_>, path: PathBuf, skip_bad_rows: bool) -> PyResult<PyReadOutcome> {
    let options = if skip_bad_rows { anbu::ReadOptions::lenient() } else { anbu::ReadOptions::strict() };
    let out = input::run_interruptible(py, |_| Ok(anbu::read_events(&path, &options)?))?;
    let events = PyList::empty(py);
    for e in out.events {
        events.append(PyEvent { inner: e })?;
    }
    let skipped = PyList::empty(py);
    for e in out.skipped {
        skipped.append(crate::errors::to_py_value(py, e))?;
    }
    Ok(PyReadOutcome { events: events.unbind(), skipped: skipped.unbind(), skipped_count: out.skipped_count })
}

/// The built-in profile names.
pub fn builtin_names() -> Vec<&'static str> {
    anbu::BUILTIN_PROFILES.to_vec()
}
