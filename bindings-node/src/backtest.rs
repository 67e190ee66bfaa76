//! `backtest` (the core's `backtest`), with `labelsFromDispositions` ([`labels`]) and
//! `sweep` ([`mod@sweep`]) in the core's submodules of the same names.

mod labels;
mod sweep;

use napi::bindgen_prelude::{AsyncTask, Env, Unknown};
use napi_derive::napi;

pub use self::labels::{labels_from_dispositions, labels_from_dispositions_async};
pub use self::sweep::sweep;
use crate::error::{JsResult as Result, bad_arg};
use crate::pool::{Job, Pooled, sync_and_async};
use crate::value::from_js_list;
use crate::{incident, person};

sync_and_async! {
    #[doc = " Evaluates assessments (e.g. from `replay`) against incidents (`{ person, start, end? }`),"]
    #[doc = " overall and per profile: detection rate, time to detect, false episodes, action burden."]
    pub fn backtest(assessments: Unknown<'_>, incidents: Unknown<'_>, persons: Unknown<'_>) -> "BacktestReport";
    #[doc = " `backtest` on the libuv thread pool: the same report and errors (a rejection). The"]
    #[doc = " arguments are read on the JS thread (they are JS values); the backtest runs on the pool."]
    pub fn backtest_async(..) -> "Promise<BacktestReport>";
    ts_args = "assessments: Assessment[], incidents: IncidentInput[], persons: PersonInput[]";
    read = Backtest::read;
}

/// `backtest`'s arguments, read.
pub struct Backtest {
    assessments: Vec<anbu::Assessment>,
    incidents: Vec<anbu::Incident>,
    persons: Vec<anbu::Person>,
}

impl Backtest {
    fn read(assessments: Unknown<'_>, incidents: Unknown<'_>, persons: Unknown<'_>) -> anbu::Result<Backtest> {
        Ok(Backtest {
            assessments: from_js_list("assessments", assessments)?,
            incidents: incident::incidents(incidents)?,
            persons: person::persons(persons)?,
        })
    }
}

impl Job for Backtest {
    type Output = serde_json::Value;

    fn run(self) -> anbu::Result<Self::Output> {
        let report = anbu::backtest::backtest(&self.assessments, &self.incidents, &self.persons)?;
        let markdown = report.to_markdown();
        let mut value = serde_json::to_value(&report).map_err(|e| bad_arg("result", e.to_string()))?;
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("markdown".into(), serde_json::Value::String(markdown));
        }
        Ok(value)
    }
}
