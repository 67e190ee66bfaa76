//! `sweep`: an operating curve, one profile key backtested at several values (the core's
//! `backtest::sweep`).

use anbu::backtest::SweepSetup;
use anbu::{CallPolicy, CheckinResponder, ReplayOptions};
use napi::bindgen_prelude::{Env, FromNapiValue, JsObjectValue, Unknown};
use napi_derive::napi;

use crate::closed_loop::{Responder, call_policy, responder};
use crate::convert;
use crate::error::{JsResult as Result, bad_arg, guard, napi_arg};

/// Backtests the cohort once per value of a numeric profile key (`routine.sensitivity`,
/// `levels.warning`, ...) set in every profile its persons use; in the closed loop when
/// `options.responder` is given (an `AnswerRate`, a cohort from `simulate()` or a responder
/// object; not a function: a sweep replays on every core). Returns `{ key, points: [{ value,
/// report }], markdown }`, and with `options.budget` also `within_budget`: per profile (and
/// `all`) the value that finds the most incidents within 24 h within that many false alert
/// episodes per 100 person-months, or `null`.
#[napi(
    ts_args_type = "events: EventInput[] | EventColumns, persons: PersonInput[], incidents: IncidentInput[], key: string, values: number[], options?: SweepOptions",
    ts_return_type = "SweepResult"
)]
pub fn sweep<'env>(
    env: &'env Env,
    events: Unknown<'_>,
    persons: Unknown<'_>,
    incidents: Unknown<'_>,
    key: String,
    values: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<Unknown<'env>> {
    guard(|| {
        let values = convert::list("values", &convert::array("values", values)?, |_, v| {
            match convert::type_of("values", &v)? {
                napi::ValueType::Number => f64::from_unknown(v).map_err(napi_arg("values")),
                t => Err(bad_arg("values", format!("expected numbers, got {}", convert::type_name(t)))),
            }
        })?;
        let events = crate::any_events(events)?;
        let persons = convert::persons(persons)?;
        let incidents = convert::incidents(incidents)?;
        let (opts, policy, answers, budget) = match options {
            Some(o) => {
                let o = convert::object("options", o)?;
                let r: Unknown = o.get_named_property_unchecked("responder").map_err(napi_arg("responder"))?;
                let answers = match convert::type_of("responder", &r)? {
                    napi::ValueType::Undefined => None,
                    _ => match responder(r)? {
                        Responder::Spec(spec) => Some(spec.responder()),
                        Responder::Function(_) => {
                            return Err(bad_arg(
                                "responder",
                                "a sweep replays on every core: give an AnswerRate, a cohort or a responder object, not a function",
                            ));
                        }
                    },
                };
                let b: Unknown = o.get_named_property_unchecked("budget").map_err(napi_arg("budget"))?;
                let budget = match convert::type_of("budget", &b)? {
                    napi::ValueType::Undefined => None,
                    _ => Some(f64::from_unknown(b).map_err(napi_arg("budget"))?),
                };
                (crate::replay_options(&o)?, call_policy(&o)?, answers, budget)
            }
            None => (ReplayOptions::default(), CallPolicy::default(), None, None),
        };
        let setup = SweepSetup {
            events: &events,
            persons: &persons,
            incidents: &incidents,
            options: &opts,
            calls: answers.as_deref().map(|r| (r as &(dyn CheckinResponder + Sync), policy)),
        };
        let curve = anbu::backtest::sweep(&setup, &key, &values)?;
        let mut value = serde_json::to_value(&curve).map_err(|e| bad_arg("result", e.to_string()))?;
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("markdown".into(), serde_json::Value::String(curve.to_markdown()));
            if let Some(budget) = budget {
                let picks = serde_json::to_value(curve.picks(budget)).map_err(|e| bad_arg("result", e.to_string()))?;
                map.insert("within_budget".into(), picks);
            }
        }
        crate::to_js_value(env, &value)
    })
}
