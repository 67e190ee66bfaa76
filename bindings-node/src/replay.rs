//! `replay` and `replayClosedLoop`: the core's `replay`, and its closed loop (the automatic
//! check-in calls the assessments ask for placed and answered by a [`crate::responder`]).
//!
//! A JS function can only be called on the JS thread, so a function responder goes through
//! the core's `replay_closed_loop_sequential`: every call on this (the calling) thread, person
//! after person, each person's calls in time order. An exception the function throws stops the
//! replay and is re-thrown as it is. `AnswerRate`s and simulated cohorts are answered on every
//! core (`replay_closed_loop`).

use std::cell::RefCell;

use anbu::{CallPolicy, CheckinResponder, ReplayOptions, ResponderSpec};
use napi::ValueType;
use napi::bindgen_prelude::{AsyncTask, Env, JsObjectValue, Object, Unknown};
use napi_derive::napi;

use crate::error::{JsResult as Result, bad_arg, guard, napi_arg};
use crate::event::any_events;
use crate::person;
use crate::pool::{Job, Pooled, sync_and_async};
use crate::profile::profile_list;
use crate::responder::{JsResponder, Responder, responder};
use crate::value::{self, to_js_value};

sync_and_async! {
    #[doc = " Replays events: each person is assessed at every multiple of `every` (default: the core's,"]
    #[doc = " one hour) from their first event up to the last event of the input. Rows come in person,"]
    #[doc = " `at` order; a replay of more than 500,000 rows (the core's `limits::MAX_OBJECT_ROWS`) is"]
    #[doc = " refused before it runs: replay fewer persons at a time."]
    pub fn replay(events: Unknown<'_>, persons: Unknown<'_>, options: Option<Unknown<'_>>) -> "Assessment[]";
    #[doc = " `replay` on the libuv thread pool: the same arguments, rows and errors (a rejection)."]
    pub fn replay_async(..) -> "Promise<Assessment[]>";
    ts_args = "events: EventInput[] | EventColumns, persons: PersonInput[], options?: ReplayOptionsInput";
    read = Replay::read;
}

/// A replay's arguments, read.
pub struct Replay {
    events: Vec<anbu::Event>,
    persons: Vec<anbu::Person>,
    options: ReplayOptions,
}

impl Replay {
    fn read(events: Unknown<'_>, persons: Unknown<'_>, options: Option<Unknown<'_>>) -> anbu::Result<Replay> {
        let events = any_events(events)?;
        let persons = person::persons(persons)?;
        let options = match options {
            Some(o) => replay_options(&value::object("options", o)?, &[])?,
            None => ReplayOptions::default(),
        };
        Ok(Replay { events, persons, options })
    }
}

impl Job for Replay {
    type Output = Vec<anbu::Assessment>;

    fn run(self) -> anbu::Result<Self::Output> {
        // Every row becomes a JavaScript object: at most the core's limit for that.
        anbu::check_replay_rows(&self.events, &self.persons, &self.options, anbu::limits::MAX_OBJECT_ROWS)?;
        anbu::replay(self.events, &self.persons, &self.options)
    }
}

/// A replay's options (`every`, `profiles`, `threads`, `start`, `end`, `clock`) from an options
/// object; the core reads all but `profiles` ([`ReplayOptions::set`]), and refuses a key that
/// is neither its nor one of `extra` (the caller's own: `policy`...), so that a misspelt
/// option (`evry`) is an error, not a silent default, as a misspelt keyword is in Python.
pub(crate) fn replay_options(o: &Object<'_>, extra: &[&str]) -> anbu::Result<ReplayOptions> {
    let mut opts = ReplayOptions::default();
    for key in Object::keys(o).map_err(napi_arg("options"))? {
        if key == "profiles" || extra.contains(&key.as_str()) {
            continue;
        }
        let v: Unknown = o.get_named_property_unchecked(&key).map_err(napi_arg("options"))?;
        if matches!(value::type_of("options", &v)?, napi::ValueType::Undefined) {
            continue;
        }
        // A key not the core's: its error, whatever the value.
        let Some(name) = ReplayOptions::KEYS.into_iter().find(|k| *k == key) else {
            return Err(opts.set(&key, anbu::Value::Null).err().unwrap_or_else(|| bad_arg("options", key)));
        };
        value::with_value(name, v, |value| opts.set(name, value))??;
    }
    let profiles: Unknown = o.get_named_property_unchecked("profiles").map_err(napi_arg("options"))?;
    opts.profiles = profile_list(profiles)?;
    Ok(opts)
}

/// The `policy` option: `{ delay?, retry? }`, durations as `every` takes them.
pub(crate) fn call_policy(o: &Object<'_>) -> anbu::Result<CallPolicy> {
    let mut policy = CallPolicy::default();
    let p: Unknown = o.get_named_property_unchecked("policy").map_err(napi_arg("policy"))?;
    if matches!(value::type_of("policy", &p)?, ValueType::Undefined) {
        return Ok(policy);
    }
    // Every key of the object, for the core to take or refuse (naming the keys).
    let keys: Vec<String> = match value::json("policy", p)? {
        serde_json::Value::Object(keys) => keys.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let p = value::object("policy", p)?;
    for key in keys {
        let v: Unknown = p.get_named_property_unchecked(&key).map_err(napi_arg("policy"))?;
        // A value that is not one names its key (one of the core's, else the policy).
        let name = CallPolicy::KEYS.into_iter().find(|k| *k == key).unwrap_or("policy");
        if !matches!(value::type_of(name, &v)?, ValueType::Undefined) {
            value::with_value(name, v, |value| policy.set(&key, value))??;
        }
    }
    Ok(policy)
}

/// Replays as `replay` does, with the field workflow in the loop: whenever an assessment asks
/// for an automatic check-in call, the call is placed (`policy.delay` later, at most one per
/// `policy.retry`), `responder` says how it went, and the outcome is folded before the next
/// assessment. `responder`: an `AnswerRate`, a cohort from `simulate()`, a responder object,
/// or a function `(person, at) => 'answered' | 'missed' | 'concern' | 'unreachable' | 'sms_reply' | null` (`at`: RFC 3339,
/// UTC) called on this thread; an exception it throws is re-thrown.
#[napi(
    ts_args_type = "events: EventInput[] | EventColumns, persons: PersonInput[], responder: ResponderInput, options?: ClosedLoopOptions",
    ts_return_type = "Assessment[]"
)]
pub fn replay_closed_loop<'env>(
    env: &'env Env,
    events: Unknown<'_>,
    persons: Unknown<'_>,
    responder: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<Unknown<'env>> {
    let mut thrown = None;
    let result = guard(|| {
        let (replay, responder) = ClosedLoop::read(events, persons, responder, options)?;
        let rows = match responder {
            Responder::Spec(spec) => ClosedLoop { replay, spec }.run()?,
            Responder::Function(function) => {
                let js = JsResponder { function: &function, thrown: RefCell::new(None) };
                let rows = replay.sequential(&js);
                thrown = js.thrown.into_inner();
                rows?
            }
        };
        to_js_value(env, &rows)
    });
    if let Some(e) = thrown {
        // Throw the function's own exception again: with it pending, the error returned below
        // gives way to it.
        let _ = env.throw(e);
    }
    result
}

/// `replayClosedLoop` on the libuv thread pool: the same arguments, rows and errors (a
/// rejection), except that a function responder is refused (`ANBU_INVALID_ARGUMENT`): a JS
/// function can only be called on the JS thread.
#[napi(
    ts_args_type = "events: EventInput[] | EventColumns, persons: PersonInput[], responder: AnswerRate | Cohort | ResponderSpec, options?: ClosedLoopOptions",
    ts_return_type = "Promise<Assessment[]>"
)]
pub fn replay_closed_loop_async(
    events: Unknown<'_>,
    persons: Unknown<'_>,
    responder: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<Pooled<ClosedLoop>> {
    AsyncTask::new(ClosedLoop::pooled(|| match ClosedLoop::read(events, persons, responder, options)? {
        (replay, Responder::Spec(spec)) => Ok(ClosedLoop { replay, spec }),
        (_, Responder::Function(_)) => Err(bad_arg(
            "responder",
            "replayClosedLoopAsync runs on the thread pool, where a function cannot be called: give an \
             AnswerRate, a cohort or a responder object, or call replayClosedLoop",
        )),
    }))
}

/// A closed-loop replay's arguments but the responder, read.
pub struct ClosedLoopReplay {
    events: Vec<anbu::Event>,
    persons: Vec<anbu::Person>,
    options: anbu::ReplayOptions,
    policy: CallPolicy,
}

impl ClosedLoopReplay {
    /// The replay with the calls answered by `responder` on this thread, one at a time.
    fn sequential(self, responder: &dyn CheckinResponder) -> anbu::Result<Vec<anbu::Assessment>> {
        anbu::replay_closed_loop_sequential(self.events, &self.persons, &self.options, responder, self.policy)
    }
}

/// A closed-loop replay answered by a responder the core runs on every core.
pub struct ClosedLoop {
    replay: ClosedLoopReplay,
    spec: ResponderSpec,
}

impl ClosedLoop {
    /// The arguments, read in the order the errors are reported: events, persons, options
    /// (and the replay's size), then the responder.
    fn read<'env>(
        events: Unknown<'_>,
        persons: Unknown<'_>,
        responder: Unknown<'env>,
        options: Option<Unknown<'_>>,
    ) -> anbu::Result<(ClosedLoopReplay, Responder<'env>)> {
        let events = any_events(events)?;
        let persons = person::persons(persons)?;
        let (options, policy) = match options {
            Some(o) => {
                let o = value::object("options", o)?;
                (replay_options(&o, &["policy"])?, call_policy(&o)?)
            }
            None => (anbu::ReplayOptions::default(), CallPolicy::default()),
        };
        anbu::check_replay_rows(&events, &persons, &options, anbu::limits::MAX_OBJECT_ROWS)?;
        let responder = self::responder(responder)?;
        Ok((ClosedLoopReplay { events, persons, options, policy }, responder))
    }
}

impl Job for ClosedLoop {
    type Output = Vec<anbu::Assessment>;

    fn run(self) -> anbu::Result<Self::Output> {
        let r = self.replay;
        anbu::replay_closed_loop(r.events, &r.persons, &r.options, &*self.spec.responder(), r.policy)
    }
}
