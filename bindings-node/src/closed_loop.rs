//! `replayClosedLoop` and `AnswerRate`: a replay with the automatic check-in calls the
//! assessments ask for placed and answered by a responder (the core's `replay_closed_loop`).
//!
//! A JS function can only be called on the JS thread, so a function responder goes through
//! the core's `replay_closed_loop_sequential`: every call on this (the calling) thread, person
//! after person, each person's calls in time order. An exception the function throws stops the
//! replay and is re-thrown as it is. `AnswerRate`s and simulated cohorts are answered on every
//! core (`replay_closed_loop`).

use std::cell::RefCell;

use anbu::{CallPolicy, CheckinOutcome, CheckinResponder, ResponderSpec, Timestamp};
use napi::ValueType;
use napi::bindgen_prelude::{
    AsyncTask, ClassInstance, Env, FnArgs, FromNapiValue, Function, JsObjectValue, Object, Unknown,
};
use napi_derive::napi;

use crate::convert;
use crate::error::{JsResult as Result, bad_arg, guard, napi_arg};
use crate::pool::{Job, Pooled};

/// Options of `new AnswerRate`.
#[napi(object)]
pub struct AnswerRateOptions {
    /// The probability that a call is answered (0 to 1).
    pub rate: f64,
    /// The probability that an answered call is a request for help (0 to 1, default 0).
    pub concern_rate: Option<f64>,
    /// The seed of the draws (a whole number >= 0, default 0).
    pub seed: Option<f64>,
}

/// Answers every check-in call at fixed rates (the core's `AnswerRate`): answered with
/// probability `rate`, otherwise missed; an answered call is a request for help (`concern`)
/// with probability `concernRate`. Each call's draw depends only on `seed`, the person and the
/// call's time: the same replay gives the same rows every time, in Rust, Python and Node.
#[napi]
pub struct AnswerRate {
    inner: anbu::AnswerRate,
}

#[napi]
impl AnswerRate {
    /// A responder answering with probability `rate`; rates out of 0..1 throw `ANBU_INVALID_ARGUMENT`.
    #[napi(constructor)]
    pub fn new(options: AnswerRateOptions) -> Result<AnswerRate> {
        guard(|| {
            let seed = options.seed.unwrap_or(0.0);
            if !(seed.fract() == 0.0 && (0.0..9.007_199_254_740_992e15).contains(&seed)) {
                return Err(bad_arg("seed", format!("must be a whole number >= 0, got {seed}")));
            }
            let inner = anbu::AnswerRate::new(options.rate, options.concern_rate.unwrap_or(0.0), seed as u64)?;
            Ok(AnswerRate { inner })
        })
    }

    /// The probability that a call is answered.
    #[napi(getter)]
    pub fn rate(&self) -> f64 {
        self.inner.rate()
    }

    /// The probability that an answered call is a request for help.
    #[napi(getter)]
    pub fn concern_rate(&self) -> f64 {
        self.inner.concern_rate()
    }

    /// The seed of the draws.
    #[napi(getter)]
    pub fn seed(&self) -> f64 {
        self.inner.seed() as f64
    }
}

/// A JS function as a responder, called on the JS thread; its first exception is kept.
struct JsResponder<'a, 'env> {
    function: &'a Function<'env, FnArgs<(String, String)>, Unknown<'env>>,
    thrown: RefCell<Option<napi::Error>>,
}

impl CheckinResponder for JsResponder<'_, '_> {
    fn answer(&self, person: &str, at: Timestamp) -> Option<CheckinOutcome> {
        self.try_answer(person, at).ok().flatten()
    }

    fn try_answer(&self, person: &str, at: Timestamp) -> anbu::Result<Option<CheckinOutcome>> {
        let answer = match self.function.call(FnArgs::from((person.to_string(), at.to_string()))) {
            Ok(answer) => answer,
            Err(e) => {
                self.thrown.borrow_mut().get_or_insert(e);
                return Err(bad_arg("responder", "threw an exception"));
            }
        };
        let text = match convert::type_of("responder", &answer)? {
            ValueType::Undefined | ValueType::Null => return Ok(None),
            ValueType::String => String::from_unknown(answer).map_err(napi_arg("responder"))?,
            ValueType::Number => convert::number_text(f64::from_unknown(answer).map_err(napi_arg("responder"))?),
            t => convert::type_name(t).to_string(),
        };
        anbu::parse_checkin_answer(&text, person, at).map(Some)
    }
}

/// The responder argument: a function, an `AnswerRate`, a simulated cohort (its `responder`),
/// or a responder spec (`{ answer_rate: {...} }` or `{ simulated: {...} }`).
pub(crate) enum Responder<'env> {
    /// An answer-rate model or a simulated cohort, parsed by the core.
    Spec(ResponderSpec),
    /// A JS function.
    Function(Function<'env, FnArgs<(String, String)>, Unknown<'env>>),
}

pub(crate) fn responder(v: Unknown<'_>) -> anbu::Result<Responder<'_>> {
    match convert::type_of("responder", &v)? {
        ValueType::Function => Ok(Responder::Function(Function::from_unknown(v).map_err(napi_arg("responder"))?)),
        ValueType::Object => {
            if let Ok(a) = ClassInstance::<AnswerRate>::from_unknown(v) {
                return Ok(Responder::Spec(ResponderSpec::AnswerRate(a.inner)));
            }
            let o = Object::from_unknown(v).map_err(napi_arg("responder"))?;
            // A cohort from `simulate` carries its responder spec.
            let spec = if o.has_named_property("events").map_err(napi_arg("responder"))?
                && o.has_named_property("responder").map_err(napi_arg("responder"))?
            {
                o.get_named_property_unchecked::<Unknown>("responder").map_err(napi_arg("responder"))?
            } else {
                v
            };
            Ok(Responder::Spec(ResponderSpec::from_value(convert::json("responder", spec)?)?))
        }
        t => Err(bad_arg(
            "responder",
            format!(
                "expected a function, an AnswerRate, a cohort from simulate() or a responder object, got {}",
                convert::type_name(t)
            ),
        )),
    }
}

/// The `policy` option: `{ delay?, retry? }`, durations as `every` takes them.
pub(crate) fn call_policy(o: &Object<'_>) -> anbu::Result<CallPolicy> {
    let mut policy = CallPolicy::default();
    let p: Unknown = o.get_named_property_unchecked("policy").map_err(napi_arg("policy"))?;
    if matches!(convert::type_of("policy", &p)?, ValueType::Undefined) {
        return Ok(policy);
    }
    if let serde_json::Value::Object(keys) = convert::json("policy", p)?
        && let Some(key) = keys.keys().find(|k| *k != "delay" && *k != "retry")
    {
        return Err(bad_arg("policy", format!("unknown key `{key}` (keys: delay, retry)")));
    }
    let p = convert::object("policy", p)?;
    let delay: Unknown = p.get_named_property_unchecked("delay").map_err(napi_arg("policy"))?;
    if !matches!(convert::type_of("delay", &delay)?, ValueType::Undefined) {
        policy.delay_ms = convert::duration_ms("delay", delay)?;
    }
    let retry: Unknown = p.get_named_property_unchecked("retry").map_err(napi_arg("policy"))?;
    if !matches!(convert::type_of("retry", &retry)?, ValueType::Undefined) {
        policy.retry_ms = convert::duration_ms("retry", retry)?;
    }
    Ok(policy)
}

/// Replays as `replay` does, with the field workflow in the loop: whenever an assessment asks
/// for an automatic check-in call, the call is placed (`policy.delay` later, at most one per
/// `policy.retry`), `responder` says how it went, and the outcome is folded before the next
/// assessment. `responder`: an `AnswerRate`, a cohort from `simulate()`, a responder object,
/// or a function `(person, at) => 'answered' | 'missed' | 'concern' | null` (`at`: RFC 3339,
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
        crate::to_js_value(env, &rows)
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
        let events = crate::any_events(events)?;
        let persons = convert::persons(persons)?;
        let (options, policy) = match options {
            Some(o) => {
                let o = convert::object("options", o)?;
                (crate::replay_options(&o)?, call_policy(&o)?)
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
