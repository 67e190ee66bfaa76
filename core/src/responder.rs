//! Responders for closed-loop replays ([`crate::replay_closed_loop`]): who answers the
//! automatic check-in calls the assessments ask for.
//!
//! - [`AnswerRate`]: every call answered with a fixed probability (and, when answered, a
//!   request for help with another), deterministic per seed, person and call time.
//! - A simulated cohort ([`crate::sim::Cohort`]): each person answers as their simulated life
//!   allows.
//! - [`ResponderSpec`]: either of them as data (`{"answer_rate": {...}}` or
//!   `{"simulated": {...}}`), as the bindings take it.
//! - A caller's function: the bindings wrap it; [`parse_checkin_answer`] reads what it
//!   returned.

use serde::{Deserialize, Serialize};

use crate::clip::clip;
use crate::error::{Error, Result};
use crate::replay::CheckinResponder;
#[cfg(feature = "sim")]
use crate::sim::{SimConfig, simulate};
use crate::splitmix::mix;
use crate::time::Timestamp;
use crate::value::Value;
use crate::vocab::CheckinOutcome;

/// Answers every check-in call at fixed rates: answered with probability `rate` (otherwise
/// missed), and an answered call is a request for help (`concern`) with probability
/// `concern_rate`. The draw for a call depends only on `seed`, the person and the call's time
/// (a small hash, no shared random state), so the same replay gives the same rows on any
/// number of threads, and in every binding.
///
/// ```
/// use anbu::sim::{SimConfig, simulate};
/// use anbu::{AnswerRate, CallPolicy, CheckinOutcome, CheckinResponder, ReplayOptions, replay_closed_loop};
/// let always = AnswerRate::new(1.0, 0.0, 1)?;
/// let t: anbu::Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
/// assert_eq!(always.answer("p-1", t), Some(CheckinOutcome::Answered));
/// assert_eq!(AnswerRate::new(0.0, 0.0, 1)?.answer("p-1", t), Some(CheckinOutcome::Missed));
/// assert!(AnswerRate::new(1.5, 0.0, 1).is_err()); // rates are probabilities
///
/// let cohort = simulate(&SimConfig { persons: 10, days: 5, ..SimConfig::default() });
/// let rows = replay_closed_loop(
///     cohort.events.clone(), &cohort.persons, &ReplayOptions::default(), &always, CallPolicy::default(),
/// )?;
/// assert!(!rows.is_empty());
/// # Ok::<(), anbu::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "AnswerRateFields", into = "AnswerRateFields")]
pub struct AnswerRate {
    rate: f64,
    concern_rate: f64,
    seed: u64,
}

/// The fields of an [`AnswerRate`] as data, validated on the way in.
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerRateFields {
    rate: f64,
    #[serde(default)]
    concern_rate: f64,
    #[serde(default)]
    seed: u64,
}

impl TryFrom<AnswerRateFields> for AnswerRate {
    type Error = Error;
    fn try_from(f: AnswerRateFields) -> Result<Self> {
        AnswerRate::new(f.rate, f.concern_rate, f.seed)
    }
}

impl From<AnswerRate> for AnswerRateFields {
    fn from(a: AnswerRate) -> Self {
        AnswerRateFields { rate: a.rate, concern_rate: a.concern_rate, seed: a.seed }
    }
}

impl AnswerRate {
    /// A responder answering with probability `rate`, with a request for help in
    /// `concern_rate` of the answered calls; both from 0 to 1, else [`Error::InvalidArgument`]
    /// naming the field.
    pub fn new(rate: f64, concern_rate: f64, seed: u64) -> Result<Self> {
        for (name, value) in [("rate", rate), ("concern_rate", concern_rate)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(Error::argument(name, format!("must be a probability from 0 to 1, got {value}")));
            }
        }
        Ok(AnswerRate { rate, concern_rate, seed })
    }

    /// The probability that a call is answered.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The probability that an answered call is a request for help.
    pub fn concern_rate(&self) -> f64 {
        self.concern_rate
    }

    /// The seed of the draws.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// A seed as a binding is given it (a host number): a whole number >= 0, else
    /// [`Error::InvalidArgument`] naming `seed`; absent ([`Value::Null`]) is 0, the default.
    ///
    /// ```
    /// use anbu::{AnswerRate, Value};
    /// assert_eq!(AnswerRate::seed_from(Value::Float(7.0))?, 7);
    /// assert_eq!(AnswerRate::seed_from(Value::Null)?, 0);
    /// let err = AnswerRate::seed_from(Value::Float(-1.0)).unwrap_err();
    /// assert_eq!(err.to_string(), "argument `seed`: must be a whole number >= 0, got -1");
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn seed_from(value: Value<'_>) -> Result<u64> {
        match value {
            Value::Null => Ok(0),
            value => crate::value::count("seed", value),
        }
    }
}

/// FNV-1a of a person id (stable on every platform and Rust version).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3))
}

/// A uniform number in [0, 1) from the top 53 bits.
fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

impl CheckinResponder for AnswerRate {
    fn answer(&self, person: &str, at: Timestamp) -> Option<CheckinOutcome> {
        let h = mix(mix(self.seed ^ fnv1a(person)) ^ at.as_millis() as u64);
        Some(if unit(h) >= self.rate {
            CheckinOutcome::Missed
        } else if unit(mix(h)) < self.concern_rate {
            CheckinOutcome::Concern
        } else {
            CheckinOutcome::Answered
        })
    }
}

/// A responder as data, as the bindings take it (JSON: `{"answer_rate": {"rate": 0.9,
/// "concern_rate": 0.05, "seed": 1}}`, or `{"simulated": {"persons": 20, "days": 7, "seed":
/// 1}}` with the [`SimConfig`] fields, unset ones at their defaults).
///
/// `simulated` answers as the cohort that [`simulate`] makes of that configuration: the same
/// configuration always gives the same cohort, so the cohort whose events are replayed is
/// simulated again to answer the calls (its persons answer; anyone else's calls are not
/// placed).
///
/// ```
/// use anbu::{CheckinResponder, ResponderSpec};
/// let spec = ResponderSpec::from_json(r#"{"answer_rate": {"rate": 0.9, "seed": 3}}"#)?;
/// let t: anbu::Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
/// assert!(spec.responder().answer("p-1", t).is_some());
/// let err = ResponderSpec::from_json(r#"{"answer_rate": {"rate": 2}}"#).unwrap_err();
/// assert_eq!(err.kind().code(), "ANBU_INVALID_ARGUMENT");
/// assert!(err.to_string().contains("rate"), "{err}");
/// # Ok::<(), anbu::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ResponderSpec {
    /// An [`AnswerRate`].
    AnswerRate(AnswerRate),
    /// The simulated cohort of this configuration (the `sim` feature).
    #[cfg(feature = "sim")]
    Simulated(SimConfig),
}

impl ResponderSpec {
    /// A spec from JSON text; errors are [`Error::InvalidArgument`] of `responder`, naming the
    /// key at fault.
    pub fn from_json(text: &str) -> Result<Self> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize::<_, Self>(&mut de).map_err(spec_error)?.checked()
    }

    /// A spec from a JSON value (as a binding converts a host object).
    pub fn from_value(value: serde_json::Value) -> Result<Self> {
        serde_path_to_error::deserialize::<_, Self>(value).map_err(spec_error)?.checked()
    }

    /// The spec, if a simulated cohort's size is within [`crate::sim::MAX_PERSON_DAYS`].
    fn checked(self) -> Result<Self> {
        #[cfg(feature = "sim")]
        if let ResponderSpec::Simulated(cfg) = &self {
            cfg.check().map_err(|e| match e {
                Error::InvalidArgument { name, reason } => {
                    Error::argument("responder", format!(".simulated.{name}: {reason}"))
                }
                other => other,
            })?;
        }
        Ok(self)
    }

    /// The spec as a JSON value (what [`ResponderSpec::from_value`] reads back).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The responder (for `simulated`, the cohort simulated now).
    pub fn responder(&self) -> Box<dyn CheckinResponder + Send + Sync> {
        match self {
            ResponderSpec::AnswerRate(a) => Box::new(*a),
            #[cfg(feature = "sim")]
            ResponderSpec::Simulated(cfg) => Box::new(simulate(cfg)),
        }
    }
}

/// The error for a host's function (a Python callable, a JavaScript function) given as the
/// responder of a [`crate::backtest::sweep`]: a sweep replays on every core, where a host's
/// function cannot be called; one text and code from every binding.
///
/// ```
/// let err = anbu::function_responder_in_sweep();
/// assert_eq!(err.kind().code(), "ANBU_INVALID_ARGUMENT");
/// assert!(err.to_string().starts_with("argument `responder`: a sweep replays on every core"));
/// ```
pub fn function_responder_in_sweep() -> Error {
    Error::argument(
        "responder",
        "a sweep replays on every core: give an AnswerRate, a simulated cohort or a responder spec, not a function",
    )
}

fn spec_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> Error {
    let path = e.path().to_string();
    let inner = e.into_inner().to_string();
    // A rate out of range is reported by `AnswerRate::new`, which names its field.
    match path.as_str() {
        "." => Error::argument("responder", inner),
        _ => Error::argument("responder", format!("{path}: {inner}")),
    }
}

/// The outcome a caller's responder function gave as text: a [`CheckinOutcome`] (`answered`,
/// `missed`, `concern`, `unreachable`, `sms_reply`); anything else is [`Error::InvalidArgument`] of `responder`, naming the value,
/// the person and the time of the call.
///
/// ```
/// use anbu::{CheckinOutcome, parse_checkin_answer};
/// let t: anbu::Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
/// assert_eq!(parse_checkin_answer("missed", "p-1", t)?, CheckinOutcome::Missed);
/// let err = parse_checkin_answer("maybe", "p-1", t).unwrap_err();
/// assert!(err.to_string().contains("`maybe`"), "{err}");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn parse_checkin_answer(answer: &str, person: &str, at: Timestamp) -> Result<CheckinOutcome> {
    answer.parse().map_err(|_| {
        Error::argument(
            "responder",
            format!(
                "returned `{}` for the call to `{}` at {at}: expected one of {} or none",
                clip(answer),
                clip(person),
                CheckinOutcome::expected()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Timestamp {
        Timestamp::from_millis_in_range(1_714_521_600_000)
    }

    #[test]
    fn rates_are_validated_by_field() {
        let e = AnswerRate::new(-0.1, 0.0, 0).unwrap_err();
        assert!(e.to_string().starts_with("argument `rate`"), "{e}");
        let e = AnswerRate::new(0.5, f64::NAN, 0).unwrap_err();
        assert!(e.to_string().starts_with("argument `concern_rate`"), "{e}");
        let e = ResponderSpec::from_json(r#"{"answer_rate": {"rate": 0.5, "concern_rate": 3}}"#).unwrap_err();
        assert!(e.to_string().contains("concern_rate"), "{e}");
        let e = ResponderSpec::from_json(r#"{"answer_rate": {"rate": 0.5, "sede": 3}}"#).unwrap_err();
        assert!(e.to_string().contains("sede"), "{e}");
        let e = ResponderSpec::from_json(r#"{"phone_book": {}}"#).unwrap_err();
        assert!(e.to_string().contains("phone_book"), "{e}");
    }

    #[test]
    fn answers_follow_the_rates_and_are_deterministic() {
        let a = AnswerRate::new(0.7, 0.2, 42).unwrap();
        let (mut answered, mut concern, n) = (0, 0, 20_000);
        for k in 0..n {
            let at = t0().plus_millis(k * 3_600_000);
            let outcome = a.answer(&format!("p-{}", k % 37), at);
            assert_eq!(outcome, a.answer(&format!("p-{}", k % 37), at));
            match outcome {
                Some(CheckinOutcome::Answered) => answered += 1,
                Some(CheckinOutcome::Concern) => concern += 1,
                _ => {}
            }
        }
        let share = (answered + concern) as f64 / n as f64;
        assert!((share - 0.7).abs() < 0.02, "{share}");
        let concern_share = concern as f64 / (answered + concern) as f64;
        assert!((concern_share - 0.2).abs() < 0.02, "{concern_share}");
        // Another seed draws otherwise.
        let b = AnswerRate::new(0.7, 0.2, 43).unwrap();
        let differ = (0..100)
            .filter(|k| a.answer("p-1", t0().plus_millis(k * 60_000)) != b.answer("p-1", t0().plus_millis(k * 60_000)))
            .count();
        assert!(differ > 10);
    }

    #[test]
    fn specs_round_trip() {
        let spec = ResponderSpec::AnswerRate(AnswerRate::new(0.25, 0.5, 9).unwrap());
        assert_eq!(ResponderSpec::from_value(spec.to_value()).unwrap(), spec);
        let sim = ResponderSpec::Simulated(SimConfig { persons: 3, days: 2, ..SimConfig::default() });
        assert_eq!(ResponderSpec::from_value(sim.to_value()).unwrap(), sim);
        let partial = ResponderSpec::from_json(r#"{"simulated": {"persons": 3, "days": 2}}"#).unwrap();
        assert_eq!(partial, sim);
    }
}
