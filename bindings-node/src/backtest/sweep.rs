//! `sweep`: an operating curve, one profile key backtested at several values (the core's
//! `backtest::sweep`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use anbu::backtest::{Sweep, SweepSetup};
use anbu::{CallPolicy, CheckinResponder, ReplayOptions};
use napi::bindgen_prelude::{Env, FnArgs, FromNapiValue, Function, JsObjectValue, Unknown};
use napi_derive::napi;

use crate::error::{JsResult as Result, bad_arg, guard, napi_arg};
use crate::event::any_events;
use crate::replay::{call_policy, replay_options};
use crate::responder::{Responder, responder};
use crate::value::{self, to_js_value};
use crate::{incident, person};

/// Backtests the cohort once per value of a numeric profile key (`routine.sensitivity`,
/// `levels.warning`, ...) set in every profile its persons use; in the closed loop when
/// `options.responder` is given (an `AnswerRate`, a cohort from `simulate()` or a responder
/// object; not a function: a sweep replays on every core). Returns `{ key, points: [{ value,
/// report }], markdown }`, and with `options.budget` also `within_budget`: per profile (and
/// `all`) the value that finds the most incidents within 24 h within that many false alert
/// episodes per 100 person-months, or `null`. `options.progress(done, total)` is told of the
/// persons replayed, once per value (`total`: persons x values), on the JS thread while the
/// sweep runs on another; an exception it throws stops the sweep and is thrown here.
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
    let mut thrown = None;
    let result = guard(|| {
        let values =
            value::list("values", &value::array("values", values)?, |_, v| match value::type_of("values", &v)? {
                napi::ValueType::Number => f64::from_unknown(v).map_err(napi_arg("values")),
                t => Err(bad_arg("values", format!("expected numbers, got {}", value::type_name(t)))),
            })?;
        let events = any_events(events)?;
        let persons = person::persons(persons)?;
        let incidents = incident::incidents(incidents)?;
        let (mut opts, policy, answers, budget, progress) = match options {
            Some(o) => {
                let o = value::object("options", o)?;
                let r: Unknown = o.get_named_property_unchecked("responder").map_err(napi_arg("responder"))?;
                let answers = match value::type_of("responder", &r)? {
                    napi::ValueType::Undefined => None,
                    _ => match responder(r)? {
                        Responder::Spec(spec) => Some(spec.responder()),
                        Responder::Function(_) => return Err(anbu::function_responder_in_sweep()),
                    },
                };
                let b: Unknown = o.get_named_property_unchecked("budget").map_err(napi_arg("budget"))?;
                let budget = match value::type_of("budget", &b)? {
                    napi::ValueType::Undefined => None,
                    _ => Some(f64::from_unknown(b).map_err(napi_arg("budget"))?),
                };
                let p: Unknown = o.get_named_property_unchecked("progress").map_err(napi_arg("progress"))?;
                let progress = match value::type_of("progress", &p)? {
                    napi::ValueType::Undefined | napi::ValueType::Null => None,
                    napi::ValueType::Function => Some(Function::from_unknown(p).map_err(napi_arg("progress"))?),
                    t => {
                        return Err(bad_arg("progress", format!("expected a function, got {}", value::type_name(t))));
                    }
                };
                (
                    replay_options(&o, &["responder", "policy", "budget", "progress"])?,
                    call_policy(&o)?,
                    answers,
                    budget,
                    progress,
                )
            }
            None => (ReplayOptions::default(), CallPolicy::default(), None, None, None),
        };
        let total = anbu::backtest::progress_total(&persons, &values);
        let done = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        if progress.is_some() {
            opts.progress = Some(Arc::clone(&done));
            opts.cancel = Some(Arc::clone(&cancel));
        }
        let setup = SweepSetup {
            events: &events,
            persons: &persons,
            incidents: &incidents,
            options: &opts,
            calls: answers.as_deref().map(|r| (r as &(dyn CheckinResponder + Sync), policy)),
        };
        let curve = match &progress {
            None => anbu::backtest::sweep(&setup, &key, &values)?,
            Some(f) => {
                let run = || anbu::backtest::sweep(&setup, &key, &values);
                reporting(f, &done, total, &cancel, &mut thrown, run)?
            }
        };
        let mut value = serde_json::to_value(&curve).map_err(|e| bad_arg("result", e.to_string()))?;
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("markdown".into(), serde_json::Value::String(curve.to_markdown()));
            if let Some(budget) = budget {
                let picks = serde_json::to_value(curve.picks(budget)).map_err(|e| bad_arg("result", e.to_string()))?;
                map.insert("within_budget".into(), picks);
            }
        }
        to_js_value(env, &value)
    });
    if let Some(e) = thrown {
        // Throw the callback's own exception again: with it pending, the error returned below
        // gives way to it.
        let _ = env.throw(e);
    }
    result
}

/// Runs `work` on another thread, telling `progress(done, total)` on this (the JS) thread each
/// time the count `done` moves (`(0, total)` first, the final count last); an exception of
/// `progress` is kept in `thrown`, sets `cancel` and waits for the work to stop.
fn reporting(
    progress: &Function<'_, FnArgs<(f64, f64)>, Unknown<'_>>,
    done: &AtomicU64,
    total: u64,
    cancel: &AtomicBool,
    thrown: &mut Option<napi::Error>,
    work: impl FnOnce() -> anbu::Result<Sweep> + Send,
) -> anbu::Result<Sweep> {
    std::thread::scope(|scope| {
        let worker = scope.spawn(work);
        let mut told = None;
        loop {
            let finished = worker.is_finished();
            let now = done.load(Ordering::Relaxed);
            if told != Some(now) {
                told = Some(now);
                if let Err(e) = progress.call(FnArgs::from((now as f64, total as f64))) {
                    cancel.store(true, Ordering::Relaxed);
                    let _stopped = worker.join();
                    *thrown = Some(e);
                    return Err(bad_arg("progress", "threw an exception"));
                }
            }
            if finished {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        match worker.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
