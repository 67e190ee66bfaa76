//! The smart-plug service's seed rule as a baseline: the persons with a plug, their plug
//! readings only, no change in power or light for 24 h alerting at `warning` (fixed mode).

use std::collections::HashSet;

use crate::error::Result;
use crate::event::Event;
use crate::person::Person;
use crate::profile::Profile;
use crate::vocab::Signal;

/// The name of the baseline's profile.
pub const PLUG_RULE_PROFILE: &str = "plug_24h_fixed";

/// What to replay for the plug rule (see [`plug_rule`]).
#[derive(Clone, Debug)]
pub struct PlugRule {
    /// The rule as a profile: `plug_only` with the plug alone, in `fixed` mode, warning at 24 h.
    pub profile: Profile,
    /// The persons with a plug among the devices, each on [`PLUG_RULE_PROFILE`].
    pub persons: Vec<Person>,
    /// Their plug readings.
    pub events: Vec<Event>,
}

impl PlugRule {
    /// Whether `person` has a plug (and so is in the baseline).
    pub fn covers(&self, person: &str) -> bool {
        self.persons.iter().any(|p| p.person == person)
    }
}

/// The plug rule's baseline of a cohort: replay `events` with `profile` for `persons`.
///
/// ```
/// use anbu::backtest::plug_rule;
/// use anbu::sim::{SimConfig, simulate};
/// use anbu::{ReplayOptions, Signal, replay};
/// let cohort = simulate(&SimConfig { persons: 10, days: 3, ..SimConfig::default() });
/// let rule = plug_rule(&cohort.events, &cohort.persons)?;
/// assert!(rule.events.iter().all(|e| e.signal() == Signal::Plug && rule.covers(&e.person)));
/// let options = ReplayOptions { profiles: vec![rule.profile.clone()], ..ReplayOptions::default() };
/// let rows = replay(rule.events.clone(), &rule.persons, &options)?;
/// assert!(rows.iter().all(|a| rule.covers(&a.person)));
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn plug_rule(events: &[Event], persons: &[Person]) -> Result<PlugRule> {
    let profile = Profile::from_json(&format!(
        r#"{{"name":"{PLUG_RULE_PROFILE}","extends":"plug_only","signals":["plug"],"routine":{{"mode":"fixed"}},"levels":{{"hysteresis":0}},"inactivity":{{"plug":{{"weight":50}}}},"device_offline":{{"after_h":720}}}}"#
    ))?;
    let ids: HashSet<&str> = persons
        .iter()
        .filter(|p| p.devices().is_some_and(|d| d.contains(&Signal::Plug)))
        .map(|p| p.person.as_str())
        .collect();
    let events =
        events.iter().filter(|e| e.signal() == Signal::Plug && ids.contains(e.person.as_str())).cloned().collect();
    let persons = persons
        .iter()
        .filter(|p| ids.contains(p.person.as_str()))
        .map(|p| Person::new(&p.person, PLUG_RULE_PROFILE))
        .collect::<Result<_>>()?;
    Ok(PlugRule { profile, persons, events })
}
