//! `labelsFromDispositions`: the incidents recorded dispositions confirm (the core's
//! `backtest::labels`).

use napi::bindgen_prelude::{AsyncTask, Env, Unknown};
use napi_derive::napi;

use crate::error::JsResult as Result;
use crate::event::any_events;
use crate::person;
use crate::pool::{Job, Pooled, sync_and_async};
use crate::profile::profile_list;

sync_and_async! {
    #[doc = " The incidents that `disposition` events confirm (`emergency`, `deceased`): each from the"]
    #[doc = " person's last sign of life before it to the finding, so that recorded field data can be"]
    #[doc = " backtested (the core's `backtest::labels_from_dispositions`)."]
    pub fn labels_from_dispositions(events: Unknown<'_>, persons: Unknown<'_>, profiles: Option<Unknown<'_>>) -> "Incident[]";
    #[doc = " `labelsFromDispositions` on the libuv thread pool: the same incidents and errors (a rejection)."]
    pub fn labels_from_dispositions_async(..) -> "Promise<Incident[]>";
    ts_args = "events: EventInput[] | EventColumns, persons: PersonInput[], profiles?: Array<Profile | Record<string, unknown>>";
    read = Labels::read;
}

/// `labelsFromDispositions`' arguments, read.
pub struct Labels {
    events: Vec<anbu::Event>,
    persons: Vec<anbu::Person>,
    profiles: Vec<anbu::Profile>,
}

impl Labels {
    fn read(events: Unknown<'_>, persons: Unknown<'_>, profiles: Option<Unknown<'_>>) -> anbu::Result<Labels> {
        let profiles = match profiles {
            Some(p) => profile_list(p)?,
            None => Vec::new(),
        };
        Ok(Labels { events: any_events(events)?, persons: person::persons(persons)?, profiles })
    }
}

impl Job for Labels {
    type Output = Vec<anbu::Incident>;

    fn run(self) -> anbu::Result<Self::Output> {
        anbu::backtest::labels_from_dispositions(&self.events, &self.persons, &self.profiles)
    }
}
