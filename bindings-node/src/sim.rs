//! `simulate`: a seeded simulated cohort (the core's `sim`).

use napi::bindgen_prelude::{AsyncTask, Env, JsObjectValue, Unknown};
use napi_derive::napi;

use crate::error::{JsResult as Result, napi_arg};
use crate::pool::{Job, Pooled, sync_and_async};
use crate::value;

sync_and_async! {
    #[doc = " A seeded simulated cohort: the spec's event, person and incident tables and each person's"]
    #[doc = " story. The same options always give the same cohort."]
    pub fn simulate(options: Option<Unknown<'_>>) -> "Cohort";
    #[doc = " `simulate` on the libuv thread pool: the same cohort and errors (a rejection)."]
    pub fn simulate_async(..) -> "Promise<Cohort>";
    ts_args = "options?: SimulateOptions";
    read = Simulate::read;
}

/// `simulate`'s options, read.
pub struct Simulate {
    config: anbu::sim::SimConfig,
}

impl Simulate {
    fn read(options: Option<Unknown<'_>>) -> anbu::Result<Simulate> {
        let mut cfg = anbu::sim::SimConfig::default();
        if let Some(o) = options {
            let o = value::object("options", o)?;
            let keys = o.get_property_names().map_err(napi_arg("options"))?;
            for k in 0..keys.get_array_length_unchecked().map_err(napi_arg("options"))? {
                let key: String = keys.get_element(k).map_err(napi_arg("options"))?;
                let v: Unknown = o.get_named_property_unchecked(&key).map_err(napi_arg("options"))?;
                // The core's option names, in JS spelling: `incidentShare` is `incident_share`.
                let name = snake_case(&key);
                value::with_value(&name, v, |value| match value {
                    anbu::Value::Null => Ok(()),
                    value => cfg.set(&name, value),
                })??;
            }
        }
        Ok(Simulate { config: cfg })
    }
}

impl Job for Simulate {
    type Output = serde_json::Value;

    fn run(self) -> anbu::Result<Self::Output> {
        let cfg = self.config;
        // What `replayClosedLoop` takes to answer as this cohort (simulated again from it).
        let responder = anbu::ResponderSpec::Simulated(cfg.clone()).to_value();
        let cohort = anbu::sim::try_simulate(&cfg)?;
        let cases: Vec<serde_json::Value> = cohort
            .cases
            .iter()
            .map(|c| {
                serde_json::json!({
                    "person": c.person, "routine": c.routine, "nuisance": c.nuisance, "incident": c.incident,
                })
            })
            .collect();
        Ok(serde_json::json!({
            "events": cohort.events, "persons": cohort.persons, "incidents": cohort.incidents, "cases": cases,
            "responder": responder,
        }))
    }
}

/// A JS name in the core's spelling: `incidentShare` is `incident_share`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
