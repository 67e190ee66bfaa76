//! Operating curves: one profile key swept over values, each setting backtested on the same
//! cohort, so that the trade-off between finding incidents early and raising false alerts
//! can be read off and a setting chosen for a budget of false alerts.
//!
//! ```
//! use anbu::backtest::{SweepSetup, sweep};
//! use anbu::sim::{SimConfig, simulate};
//! use anbu::{CallPolicy, ReplayOptions};
//! let cohort = simulate(&SimConfig { persons: 12, days: 10, ..SimConfig::default() });
//! let options = ReplayOptions::default();
//! let setup = SweepSetup {
//!     events: &cohort.events,
//!     persons: &cohort.persons,
//!     incidents: &cohort.incidents,
//!     options: &options,
//!     calls: Some((&cohort, CallPolicy::default())),
//! };
//! let curve = sweep(&setup, "levels.warning", &[40.0, 60.0])?;
//! assert_eq!(curve.points.len(), 2);
//! // The lower cut-off is the more sensitive setting: it never raises fewer false alerts.
//! assert!(curve.points[0].report.overall.false_episodes >= curve.points[1].report.overall.false_episodes);
//! # Ok::<(), anbu::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::{BacktestReport, Metrics, backtest};
use crate::error::{Error, Result};
use crate::event::Event;
use crate::incident::Incident;
use crate::person::Person;
use crate::profile::Profile;
use crate::replay::{CallPolicy, CheckinResponder, ReplayOptions, replay, replay_closed_loop};

/// What a sweep replays: a cohort, and how its check-in calls are answered.
pub struct SweepSetup<'a> {
    /// The cohort's events.
    pub events: &'a [Event],
    /// Who is monitored, with which profile.
    pub persons: &'a [Person],
    /// Ground truth.
    pub incidents: &'a [Incident],
    /// How to replay (grid, the caller's profiles, threads).
    pub options: &'a ReplayOptions,
    /// Closed loop: who answers the automatic check-in calls and when they are placed; open
    /// loop (no call placed) if none.
    pub calls: Option<(&'a (dyn CheckinResponder + Sync), CallPolicy)>,
}

/// Where a sweep's progress ends: its replays count each person replayed on
/// `options.progress` ([`ReplayOptions::progress`]), once per value swept.
///
/// ```
/// use std::sync::{Arc, atomic::{AtomicU64, Ordering}};
/// use anbu::backtest::{SweepSetup, progress_total, sweep};
/// use anbu::sim::{SimConfig, simulate};
/// use anbu::ReplayOptions;
/// let cohort = simulate(&SimConfig { persons: 4, days: 3, ..SimConfig::default() });
/// let done = Arc::new(AtomicU64::new(0));
/// let options = ReplayOptions { progress: Some(done.clone()), ..ReplayOptions::default() };
/// let setup = SweepSetup {
///     events: &cohort.events,
///     persons: &cohort.persons,
///     incidents: &cohort.incidents,
///     options: &options,
///     calls: None,
/// };
/// let values = [40.0, 50.0, 60.0];
/// sweep(&setup, "levels.warning", &values)?;
/// assert_eq!((done.load(Ordering::Relaxed), progress_total(&cohort.persons, &values)), (12, 12));
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn progress_total(persons: &[Person], values: &[f64]) -> u64 {
    (persons.len() as u64).saturating_mul(values.len() as u64)
}

/// One setting of the swept key and how the cohort was served with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OperatingPoint {
    /// The key's value for every profile of the cohort.
    pub value: f64,
    /// The backtest with that value, per profile (under the profiles' own names) and overall.
    pub report: BacktestReport,
}

/// An operating curve: the swept key and one point per value, in the order given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// The dotted profile key swept (`routine.sensitivity`, `levels.warning`, ...).
    pub key: String,
    /// One point per value.
    pub points: Vec<OperatingPoint>,
}

/// Backtests the cohort once per value of a numeric profile key, set in every profile the
/// persons use (built-in or the caller's). Errors name the key when it is not a number of
/// the profile or a value is out of its range.
pub fn sweep(setup: &SweepSetup<'_>, key: &str, values: &[f64]) -> Result<Sweep> {
    let mut points = Vec::with_capacity(values.len());
    for &value in values {
        let (persons, options, names) = with_key(setup, key, value)?;
        let rows = match setup.calls {
            Some((responder, policy)) => {
                replay_closed_loop(setup.events.to_vec(), &persons, &options, responder, policy)?
            }
            None => replay(setup.events.to_vec(), &persons, &options)?,
        };
        let mut report = backtest(&rows, setup.incidents, &persons)?;
        report.by_profile = report
            .by_profile
            .into_iter()
            .map(|(name, m)| (names.get(&name).cloned().unwrap_or(name), m))
            .collect::<BTreeMap<String, Metrics>>();
        points.push(OperatingPoint { value, report });
    }
    Ok(Sweep { key: key.to_string(), points })
}

/// The persons moved to copies of their profiles with `key = value`, the options carrying
/// those copies, and each copy's name mapped back to its profile's.
fn with_key(
    setup: &SweepSetup<'_>,
    key: &str,
    value: f64,
) -> Result<(Vec<Person>, ReplayOptions, HashMap<String, String>)> {
    let mut options = setup.options.clone();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut persons = Vec::with_capacity(setup.persons.len());
    for p in setup.persons {
        let copy = match renamed.get(&p.profile) {
            Some(copy) => copy.clone(),
            None => {
                let base = match setup.options.profiles.iter().find(|q| q.name == p.profile) {
                    Some(q) => q.clone(),
                    None => Profile::builtin(&p.profile)?,
                };
                let profile = set_key(&base, key, value)?;
                names.insert(profile.name.clone(), p.profile.clone());
                renamed.insert(p.profile.clone(), profile.name.clone());
                let name = profile.name.clone();
                options.profiles.push(profile);
                name
            }
        };
        let mut q = p.clone();
        q.profile = copy;
        persons.push(q);
    }
    Ok((persons, options, names))
}

/// A copy of `base` named for the setting, with the dotted `key` set to `value`.
fn set_key(base: &Profile, key: &str, value: f64) -> Result<Profile> {
    let tree = serde_json::to_value(base).map_err(|e| Error::profile(&base.name, key, e.to_string()))?;
    let slot = tree.pointer(&format!("/{}", key.replace('.', "/")));
    if slot.is_some_and(|v| !v.is_number()) {
        return Err(Error::profile(&base.name, key, "is not a number, so it cannot be swept"));
    }
    let number = serde_json::Number::from_f64(value)
        .map(serde_json::Value::Number)
        .ok_or_else(|| Error::profile(&base.name, key, format!("must be a finite number, got {value}")))?;
    let mut changes = serde_json::Map::new();
    changes.insert(key.to_string(), number);
    changes.insert("name".into(), serde_json::Value::String(format!("{}~{key}={value}", base.name)));
    base.replace(&changes)
}

impl Sweep {
    /// The most sensitive point whose false alert episodes per 100 person-months stay within
    /// `budget` for the group (a profile's name, or `all`): among the points within budget,
    /// the one that detects the most incidents within 24 h, then the most overall, then the
    /// fastest median. None if no point keeps within the budget.
    pub fn within_budget(&self, group: &str, budget: f64) -> Option<&OperatingPoint> {
        let metrics = |p: &OperatingPoint| -> Option<Metrics> {
            if group == "all" { Some(p.report.overall.clone()) } else { p.report.by_profile.get(group).cloned() }
        };
        self.points
            .iter()
            .filter_map(|p| metrics(p).filter(|m| m.false_per_100_pm <= budget).map(|m| (p, m)))
            .max_by(|(_, a), (_, b)| {
                a.detected_within_24h.cmp(&b.detected_within_24h).then(a.detected.cmp(&b.detected)).then_with(|| {
                    let ttd = |m: &Metrics| m.ttd_median_h.unwrap_or(f64::INFINITY);
                    ttd(b).total_cmp(&ttd(a))
                })
            })
            .map(|(p, _)| p)
    }

    /// The groups of the curve: every profile's name, sorted, then `all`.
    pub fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> =
            self.points.iter().flat_map(|p| p.report.by_profile.keys().map(String::as_str)).collect();
        groups.sort_unstable();
        groups.dedup();
        groups.push("all");
        groups
    }

    /// [`Sweep::within_budget`] of every group ([`Sweep::groups`]): the value picked, or none.
    pub fn picks(&self, budget: f64) -> BTreeMap<String, Option<f64>> {
        self.groups().into_iter().map(|g| (g.to_string(), self.within_budget(g, budget).map(|p| p.value))).collect()
    }

    /// The curve as a Markdown table: one row per profile and value, then `all` per value (the
    /// calls placed are 0 for a sweep without the closed loop).
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| profile | {} | detected | within 24 h | median TTD h | false episodes /100 pm | false dispatches /100 pm \
             | check-in calls asked /100 pm | automatic calls placed /100 pm |",
            self.key
        );
        out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for group in self.groups() {
            for p in &self.points {
                let m = if group == "all" { Some(&p.report.overall) } else { p.report.by_profile.get(group) };
                let Some(m) = m else { continue };
                let ttd = super::hours_cell(m.ttd_median_h);
                let _ = writeln!(
                    out,
                    "| {group} | {} | {}/{} | {} | {ttd} | {:.1} | {:.1} | {:.1} | {:.1} |",
                    p.value,
                    m.detected,
                    m.incidents,
                    m.detected_within_24h,
                    m.false_per_100_pm,
                    m.false_dispatches_per_100_pm,
                    m.checkin_calls_per_100_pm,
                    m.automatic_calls_placed_per_100_pm
                );
            }
        }
        out
    }
}
