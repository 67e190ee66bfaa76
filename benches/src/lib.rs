//! Workloads shared by the benchmarks: seeded, documented cohorts.
//!
//! A workload is `persons x days` of the simulator's signal mix (`anbu::sim`): per person a
//! smart plug every 15 minutes where installed, hourly steps and door heartbeats, phone use,
//! calls and a daily check-in call; about 170-250 events per person per day.

use anbu::sim::{Cohort, SimConfig, simulate};

/// A seeded cohort of `persons` over `days`.
pub fn cohort(persons: usize, days: u32) -> Cohort {
    simulate(&SimConfig { persons, days, seed: 42, ..SimConfig::default() })
}
