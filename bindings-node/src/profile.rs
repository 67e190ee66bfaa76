//! `Profile` and `builtinProfiles`, and profiles given as JS values (the core's `profile`).

use anbu::Location;
use napi::ValueType;
use napi::bindgen_prelude::{ClassInstance, Env, FromNapiValue, Unknown};
use napi_derive::napi;

use crate::error::{JsResult as Result, bad_arg, guard};
use crate::value::{self, from_js, json, to_js_value, type_name, type_of};

/// Names of the built-in profiles.
#[napi]
pub fn builtin_profiles() -> Vec<String> {
    anbu::BUILTIN_PROFILES.iter().map(|s| s.to_string()).collect()
}

/// A profile: the rules, thresholds and weights that decide how a person is watched.
#[napi]
pub struct Profile {
    pub(crate) inner: anbu::Profile,
}

#[napi]
impl Profile {
    /// A built-in profile by name (`plug_only`, `call_only`, `call_app`, `call_iot`, `full`).
    #[napi(factory)]
    pub fn builtin(name: String) -> Result<Profile> {
        guard(|| Ok(Profile { inner: anbu::Profile::builtin(&name)? }))
    }

    /// A profile from a plain object (a profile document: its keys are laid over the profile it `extends`).
    #[napi(factory, ts_args_type = "doc: Record<string, unknown>")]
    pub fn from_object(doc: Unknown<'_>) -> Result<Profile> {
        guard(|| Ok(Profile { inner: anbu::Profile::from_value(value::json("doc", doc)?)? }))
    }

    /// A profile from JSON text.
    #[napi(factory)]
    pub fn from_json(text: String) -> Result<Profile> {
        guard(|| Ok(Profile { inner: anbu::Profile::from_json(&text)? }))
    }

    /// A profile from TOML text.
    #[napi(factory)]
    pub fn from_toml(text: String) -> Result<Profile> {
        guard(|| Ok(Profile { inner: anbu::Profile::from_toml(&text)? }))
    }

    /// A profile file: `.toml` as TOML, anything else as JSON.
    #[napi(factory)]
    pub fn from_path(path: String) -> Result<Profile> {
        guard(|| Ok(Profile { inner: anbu::Profile::from_path(&path)? }))
    }

    /// The profile's name; persons refer to it.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The profile as JSON text (every key).
    #[napi]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The profile as a plain object (every key).
    #[napi(ts_return_type = "Record<string, unknown>")]
    pub fn to_object<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        guard(|| to_js_value(env, &self.inner))
    }

    /// A copy with some keys changed: `{ "routine.sensitivity": 0.02, name: "full" }` (dotted
    /// keys; the core's `Profile::replace`). Named as a built-in profile, the copy overrides it
    /// in the engine or replay given it.
    #[napi(ts_args_type = "changes: Record<string, unknown>")]
    pub fn replace(&self, changes: Unknown<'_>) -> Result<Profile> {
        guard(|| {
            let changes: serde_json::Map<String, serde_json::Value> = from_js("changes", changes)?;
            Ok(Profile { inner: self.inner.replace(&changes)? })
        })
    }
}

/// A profile: a `Profile` instance, or a profile document as a plain object.
pub fn profile(v: Unknown<'_>) -> anbu::Result<anbu::Profile> {
    if type_of("profile", &v)? == ValueType::Object
        && let Ok(p) = ClassInstance::<Profile>::from_unknown(v)
    {
        return Ok(p.inner.clone());
    }
    match type_of("profile", &v)? {
        ValueType::Object => anbu::Profile::from_value(json("profile", v)?),
        t => Err(bad_arg("profile", format!("expected a Profile or a profile object, got {}", type_name(t)))),
    }
}

/// The caller's profiles (an array of profiles or profile objects); `undefined` is none. The
/// error names the profile's index.
pub(crate) fn profile_list(profiles: Unknown<'_>) -> anbu::Result<Vec<anbu::Profile>> {
    if matches!(value::type_of("profiles", &profiles)?, napi::ValueType::Undefined) {
        return Ok(Vec::new());
    }
    let arr = value::array("profiles", profiles)?;
    value::list("profiles", &arr, |i, p| profile(p).map_err(|e| e.at(Location::Index(u64::from(i)))))
}
