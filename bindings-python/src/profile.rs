//! Profiles (the core's `profile`): the `Profile` class and the profile argument.

use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::guard;
use crate::value::json_loads;

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

/// The built-in profile names.
pub fn builtin_names() -> Vec<&'static str> {
    anbu::BUILTIN_PROFILES.to_vec()
}
