//! `districtReport`: the per-district report of a period (the core's `report`).

use napi::bindgen_prelude::{AsyncTask, Env, Unknown};
use napi_derive::napi;

use crate::error::JsResult as Result;
use crate::event::any_events;
use crate::pool::{Job, Pooled, sync_and_async};
use crate::value::from_js_list;
use crate::{person, time};

sync_and_async! {
    #[doc = " The per-district report of the period from `start` up to (not including) `end`: the"]
    #[doc = " persons (by `district`), the events (check-in calls, dispositions) and a replay's"]
    #[doc = " assessments (households with a risk signal), one row per district (the core's"]
    #[doc = " `anbu::report`; the persons without a district in one row, `district` null, last)."]
    pub fn district_report(events: Unknown<'_>, persons: Unknown<'_>, assessments: Unknown<'_>, start: Unknown<'_>, end: Unknown<'_>) -> "DistrictRow[]";
    #[doc = " `districtReport` on the libuv thread pool: the same rows and errors (a rejection)."]
    pub fn district_report_async(..) -> "Promise<DistrictRow[]>";
    ts_args = "events: EventInput[] | EventColumns, persons: PersonInput[], assessments: Assessment[], start: TimestampInput, end: TimestampInput";
    read = DistrictReport::read;
}

/// `districtReport`'s arguments, read.
pub struct DistrictReport {
    period: anbu::report::Period,
    events: Vec<anbu::Event>,
    persons: Vec<anbu::Person>,
    assessments: Vec<anbu::Assessment>,
}

impl DistrictReport {
    fn read(
        events: Unknown<'_>,
        persons: Unknown<'_>,
        assessments: Unknown<'_>,
        start: Unknown<'_>,
        end: Unknown<'_>,
    ) -> anbu::Result<DistrictReport> {
        let period = anbu::report::Period::new(time::timestamp("start", start)?, time::timestamp("end", end)?)?;
        Ok(DistrictReport {
            period,
            events: any_events(events)?,
            persons: person::persons(persons)?,
            assessments: from_js_list("assessments", assessments)?,
        })
    }
}

impl Job for DistrictReport {
    type Output = Vec<anbu::report::DistrictRow>;

    fn run(self) -> anbu::Result<Self::Output> {
        Ok(anbu::report::district_report(self.period, &self.persons, &self.events, &self.assessments)?.rows)
    }
}
