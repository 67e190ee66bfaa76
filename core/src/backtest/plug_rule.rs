//! The smart-plug service's seed rule as a baseline: the persons with a plug, their plug
//! readings only, no change in power or light for 24 h alerting at `warning` (fixed mode);
//! and the same rule as the service works it, with its automatic call, for a closed loop.

use std::collections::HashSet;

use crate::error::Result;
use crate::event::Event;
use crate::person::Person;
use crate::profile::Profile;
use crate::vocab::Signal;

/// The name of the baseline's profile.
pub const PLUG_RULE_PROFILE: &str = "plug_24h_fixed";

/// The name of the plug service's profile ([`plug_service`]).
pub const PLUG_SERVICE_PROFILE: &str = "plug_24h_service";

/// What to replay for the plug rule (see [`plug_rule`] and [`plug_service`]).
#[derive(Clone, Debug)]
pub struct PlugRule {
    /// The rule as a profile: `plug_only` with the plug alone, in `fixed` mode, warning at 24 h
    /// (with the check-in calls too, for [`plug_service`]).
    pub profile: Profile,
    /// The persons with a plug among the devices, each on the profile ([`PLUG_RULE_PROFILE`]
    /// or [`PLUG_SERVICE_PROFILE`]).
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
    with_profile(profile, events, persons)
}

/// The plug rule as the smart-plug service works it, for a closed-loop replay
/// ([`crate::replay_closed_loop`]): its automatic check-in call when the rule fires (its
/// evidence starts at 95% of the 24 h and the call goes at `watch` 49, minutes before it
/// fires), the caseworker (`warning`) on a missed call, a visit on two, and an answered call
/// ending the alert (while the plug stays untouched, it calls again about a day after the
/// answer). Anbu's closed loop and this baseline answered by the same responder compare the
/// call-first workflow with the service it replaces.
///
/// ```
/// use anbu::backtest::{PLUG_SERVICE_PROFILE, plug_service};
/// use anbu::sim::{SimConfig, simulate};
/// use anbu::{CallPolicy, ReplayOptions, replay_closed_loop};
/// let cohort = simulate(&SimConfig { persons: 20, days: 5, ..SimConfig::default() });
/// let service = plug_service(&cohort.events, &cohort.persons)?;
/// assert!(service.persons.iter().all(|p| p.profile == PLUG_SERVICE_PROFILE));
/// let options = ReplayOptions { profiles: vec![service.profile.clone()], ..ReplayOptions::default() };
/// let rows = replay_closed_loop(service.events.clone(), &service.persons, &options, &cohort, CallPolicy::default())?;
/// assert!(rows.iter().all(|a| service.covers(&a.person)));
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn plug_service(events: &[Event], persons: &[Person]) -> Result<PlugRule> {
    let profile = Profile::from_json(&format!(
        r#"{{"name":"{PLUG_SERVICE_PROFILE}","extends":"plug_only","signals":["plug","checkin"],"routine":{{"mode":"fixed"}},"levels":{{"hysteresis":0,"watch":49}},"inactivity":{{"onset":0.95,"plug":{{"weight":50}}}},"device_offline":{{"after_h":720}}}}"#
    ))?;
    with_profile(profile, events, persons)
}

/// The persons with a plug, each on `profile`, and their plug readings.
fn with_profile(profile: Profile, events: &[Event], persons: &[Person]) -> Result<PlugRule> {
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
        .map(|p| Person::new(&p.person, &profile.name))
        .collect::<Result<_>>()?;
    Ok(PlugRule { profile, persons, events })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventKind;
    use crate::replay::{CallPolicy, ReplayOptions, replay_closed_loop};
    use crate::responder::AnswerRate;
    use crate::time::{HOUR_MS, Timestamp};
    use crate::{Action, Level};

    /// A plug person whose TV goes off at 1:00 and is never touched again.
    fn silent_plug() -> (Vec<Event>, Vec<Person>) {
        let t0: Timestamp = "2024-05-01T00:00:00+09:00".parse().unwrap();
        let events = (0..4 * 60)
            .map(|q| {
                let watts = if q < 4 { 85.0 } else { 0.5 };
                let ts = t0.plus_millis(q * HOUR_MS / 4);
                Event::new("p-1", ts, Some("plug-tv"), EventKind::plug(watts)).unwrap()
            })
            .collect();
        let person = Person::new("p-1", "plug_only").unwrap().with_devices("plug,checkin").unwrap();
        (events, vec![person])
    }

    fn first(rows: &[crate::Assessment], pred: impl Fn(&crate::Assessment) -> bool) -> Option<f64> {
        let t0: Timestamp = "2024-05-01T00:00:00+09:00".parse().unwrap();
        rows.iter().find(|a| pred(a)).map(|a| a.at.hours_since(t0))
    }

    #[test]
    fn the_service_calls_when_the_rule_fires_and_alerts_only_on_a_missed_call() {
        let (events, persons) = silent_plug();
        let service = plug_service(&events, &persons).unwrap();
        let options = ReplayOptions { profiles: vec![service.profile.clone()], ..ReplayOptions::default() };
        let replay = |rate: f64| {
            let responder = AnswerRate::new(rate, 0.0, 1).unwrap();
            replay_closed_loop(service.events.clone(), &service.persons, &options, &responder, CallPolicy::default())
                .unwrap()
        };
        // Nobody answers: the call when the rule fires (25:00), the caseworker an hour later.
        let missed = replay(0.0);
        assert_eq!(first(&missed, |a| a.action == Action::CheckinCall), Some(25.0));
        assert_eq!(first(&missed, |a| a.level >= Level::Warning), Some(26.0));
        assert_eq!(first(&missed, |a| a.action != Action::None && a.at.hours_since(missed[0].at) < 24.0), None);
        // Every call answered: never an alert.
        let answered = replay(1.0);
        assert_eq!(first(&answered, |a| a.action == Action::CheckinCall), Some(25.0));
        assert_eq!(first(&answered, |a| a.level >= Level::Warning), None);
    }
}
