//! `AnswerRate` and the responder argument: who answers the closed loop's check-in calls
//! (the core's `responder`): an `AnswerRate`, a simulated cohort, a responder spec, or a JS
//! function called on the JS thread.

use std::cell::RefCell;

use anbu::{CheckinOutcome, CheckinResponder, ResponderSpec, Timestamp};
use napi::ValueType;
use napi::bindgen_prelude::{ClassInstance, FnArgs, FromNapiValue, Function, JsObjectValue, Object, Unknown};
use napi_derive::napi;

use crate::error::{JsResult as Result, bad_arg, guard, napi_arg};
use crate::value;

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
            let seed = anbu::AnswerRate::seed_from(options.seed.map_or(anbu::Value::Null, anbu::Value::Float))?;
            let inner = anbu::AnswerRate::new(options.rate, options.concern_rate.unwrap_or(0.0), seed)?;
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
pub(crate) struct JsResponder<'a, 'env> {
    pub(crate) function: &'a Function<'env, FnArgs<(String, String)>, Unknown<'env>>,
    pub(crate) thrown: RefCell<Option<napi::Error>>,
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
        let text = match value::type_of("responder", &answer)? {
            ValueType::Undefined | ValueType::Null => return Ok(None),
            ValueType::String => String::from_unknown(answer).map_err(napi_arg("responder"))?,
            ValueType::Number => value::number_text(f64::from_unknown(answer).map_err(napi_arg("responder"))?),
            t => value::type_name(t).to_string(),
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
    match value::type_of("responder", &v)? {
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
            Ok(Responder::Spec(ResponderSpec::from_value(value::json("responder", spec)?)?))
        }
        t => Err(bad_arg(
            "responder",
            format!(
                "expected a function, an AnswerRate, a cohort from simulate() or a responder object, got {}",
                value::type_name(t)
            ),
        )),
    }
}
