//! `Engine`: the core's streaming engine.

use napi::bindgen_prelude::{Buffer, Env, FromNapiValue, Uint8Array, Unknown};
use napi_derive::napi;

use crate::error::{JsResult as Result, guard, napi_arg};
use crate::value::{self, from_js, to_js_value};
use crate::{columns, event, person, profile, time};

/// Options of a new engine.
#[napi(object)]
pub struct EngineOptions {
    /// How far behind a person's newest event another of their events may arrive, in
    /// milliseconds (default: the core's, one hour).
    pub allowed_lateness_ms: Option<i64>,
}

/// The streaming engine: register persons, ingest their events, assess them at any time.
#[napi]
pub struct Engine {
    inner: anbu::Engine,
}

#[napi]
impl Engine {
    /// An engine with the core's default configuration, or with `options`.
    #[napi(constructor)]
    pub fn new(options: Option<EngineOptions>) -> Result<Engine> {
        guard(|| {
            let mut config = anbu::EngineConfig::default();
            if let Some(ms) = options.and_then(|o| o.allowed_lateness_ms) {
                config.allowed_lateness_ms = ms;
            }
            Ok(Engine { inner: anbu::Engine::with_config(config)? })
        })
    }

    /// The allowed lateness of events, in milliseconds.
    #[napi(getter)]
    pub fn allowed_lateness_ms(&self) -> i64 {
        self.inner.config().allowed_lateness_ms
    }

    /// Adds a caller's profile (a `Profile` or a profile object), or replaces one of the same name.
    #[napi(ts_args_type = "profile: Profile | Record<string, unknown>")]
    pub fn add_profile(&mut self, profile: Unknown<'_>) -> Result<()> {
        guard(|| self.inner.add_profile(profile::profile(profile)?))
    }

    /// Registers a person (`{ person, profile, devices? }`), or changes a registered person's
    /// profile and devices (their state is kept).
    #[napi(ts_args_type = "person: PersonInput")]
    pub fn add_person(&mut self, person: Unknown<'_>) -> Result<()> {
        guard(|| self.inner.add_person(person::person(person)?))
    }

    /// Erases a person: their registration, state and waiting events (see the core's
    /// `Engine::remove_person`).
    #[napi]
    pub fn remove_person(&mut self, person: String) -> Result<()> {
        guard(|| self.inner.remove_person(&person))
    }

    /// The registered persons, in registration order.
    #[napi(ts_return_type = "PersonRecord[]")]
    pub fn persons<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        guard(|| to_js_value(env, &self.inner.persons().collect::<Vec<_>>()))
    }

    /// Number of registered persons.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        self.inner.len() as u32
    }

    /// Ingests one event, or an array of events atomically (if one is refused, none is
    /// ingested, and the error names its index). Returns the number of events taken.
    #[napi(ts_args_type = "events: EventInput | EventInput[]")]
    pub fn ingest(&mut self, events: Unknown<'_>) -> Result<u32> {
        guard(|| {
            if value::is_array("events", &events)? {
                let arr = value::array("events", events)?;
                let batch = event::events_from_array(&arr)?;
                Ok(self.inner.ingest_batch(batch)? as u32)
            } else {
                self.inner.ingest(event::event_from_object(events)?)?;
                Ok(1)
            }
        })
    }

    /// Ingests one event as `ingest` does, and says what became of it: `accepted`, or
    /// `duplicate` (an exact repeat of an event still waiting within the allowed lateness:
    /// ignored, nothing changed). Errors as `ingest`'s.
    #[napi(ts_args_type = "event: EventInput", ts_return_type = "'accepted' | 'duplicate'")]
    pub fn ingest_one(&mut self, event: Unknown<'_>) -> Result<&'static str> {
        guard(|| Ok(self.inner.ingest_one(event::event_from_object(event)?)?.as_str()))
    }

    /// Ingests events given as columns (typed arrays, arrays, or dictionary-encoded strings),
    /// atomically. Returns the number of events taken.
    #[napi(ts_args_type = "columns: EventColumns")]
    pub fn ingest_columns(&mut self, columns: Unknown<'_>) -> Result<u32> {
        guard(|| {
            let cols = value::object("columns", columns)?;
            let batch = columns::events_from_columns(&cols)?;
            Ok(self.inner.ingest_batch(batch)? as u32)
        })
    }

    /// Assesses a person at `at` (RFC 3339 text, epoch milliseconds or a `Date`).
    #[napi(ts_args_type = "person: string, at: TimestampInput", ts_return_type = "Assessment")]
    pub fn assess<'env>(&mut self, env: &'env Env, person: Unknown<'_>, at: Unknown<'_>) -> Result<Unknown<'env>> {
        guard(|| {
            let person = value::string("person", person)?;
            let at = time::timestamp("at", at)?;
            to_js_value(env, &self.inner.assess(&person, at)?)
        })
    }

    /// Tells the engine the time now (RFC 3339 text, epoch milliseconds or a `Date`): an event
    /// dated further ahead than its profile's `clock.max_ahead_h` is then refused.
    #[napi(ts_args_type = "now: TimestampInput")]
    pub fn set_clock(&mut self, now: Unknown<'_>) -> Result<()> {
        guard(|| {
            let now = time::timestamp("now", now)?;
            self.inner.set_clock(now);
            Ok(())
        })
    }

    /// Assesses every person at `at`, in person order.
    #[napi(ts_args_type = "at: TimestampInput", ts_return_type = "Assessment[]")]
    pub fn assess_all<'env>(&mut self, env: &'env Env, at: Unknown<'_>) -> Result<Unknown<'env>> {
        guard(|| {
            let at = time::timestamp("at", at)?;
            to_js_value(env, &self.inner.assess_all(at)?)
        })
    }

    /// The triage queue at `at`: the persons `filter` covers (`{ district?, caseworker?,
    /// level? }`, the core's `TriageFilter`), assessed, those at `level` or above, most urgent
    /// first (level, action, score, person).
    #[napi(ts_args_type = "at: TimestampInput, filter?: TriageFilter", ts_return_type = "Assessment[]")]
    pub fn triage<'env>(
        &mut self,
        env: &'env Env,
        at: Unknown<'_>,
        filter: Option<Unknown<'_>>,
    ) -> Result<Unknown<'env>> {
        guard(|| {
            let at = time::timestamp("at", at)?;
            let filter: anbu::TriageFilter = match filter {
                Some(f) => from_js("filter", f)?,
                None => anbu::TriageFilter::default(),
            };
            to_js_value(env, &self.inner.triage(at, &filter)?)
        })
    }

    /// The pilot tier recommended for `person` at `at` (default: the later of the engine's
    /// clock and the person's newest event), with the reason and the evidence (the core's
    /// `TierAdvice`).
    #[napi(ts_args_type = "person: string, at?: TimestampInput", ts_return_type = "TierAdvice")]
    pub fn recommend_tier<'env>(
        &self,
        env: &'env Env,
        person: Unknown<'_>,
        at: Option<Unknown<'_>>,
    ) -> Result<Unknown<'env>> {
        guard(|| {
            let person = value::string("person", person)?;
            let at = at.map(|a| time::timestamp("at", a)).transpose()?;
            to_js_value(env, &self.inner.recommend_tier(&person, at)?)
        })
    }

    /// The whole engine as bytes, for `Engine.restore`.
    #[napi]
    pub fn snapshot(&self) -> Result<Buffer> {
        guard(|| Ok(self.inner.snapshot().into()))
    }

    /// An engine restored from `snapshot()` bytes; it assesses exactly as the original.
    #[napi(factory, ts_args_type = "bytes: Uint8Array")]
    pub fn restore(bytes: Unknown<'_>) -> Result<Engine> {
        guard(|| {
            let bytes = Uint8Array::from_unknown(bytes).map_err(napi_arg("bytes"))?;
            Ok(Engine { inner: anbu::Engine::restore(&bytes)? })
        })
    }
}
