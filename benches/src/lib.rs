//! Workloads shared by the benchmarks: seeded, documented cohorts.
//!
//! A workload is `persons x days` of the simulator's signal mix (`anbu::sim`, seed 42): per
//! person a smart plug every 15 minutes where installed, hourly steps and door heartbeats,
//! phone use, calls and a daily check-in call; about 80 events per person per day, in time
//! order (ties by person), as a feed delivers them.
//!
//! The same events serve every bench: as [`anbu::Event`]s (per-event ingest, replay), as
//! columns ([`OwnedColumns`]: the spec's fields as typed columns with validity, person and device
//! ids dictionary-coded in order of first appearance, as a DataFrame or Arrow table holds
//! them), and as CSV and JSON Lines text written by anbu's writers ([`csv`], [`jsonl`]).

use anbu::sim::{Cohort, SimConfig, simulate};
use anbu::{ColumnValues, Event, OwnedColumns};

/// A seeded cohort of `persons` over `days`.
pub fn cohort(persons: usize, days: u32) -> Cohort {
    simulate(&SimConfig { persons, days, seed: 42, ..SimConfig::default() })
}

/// The events as CSV text (the spec's header and columns).
pub fn csv(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    anbu::write_events_csv(&mut out, events).expect("writing to memory");
    out
}

/// The events as JSON Lines text.
pub fn jsonl(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    anbu::write_events_jsonl(&mut out, events).expect("writing to memory");
    out
}

/// Events as owned columns (the core's [`OwnedColumns`]), with what the benches measure of them.
pub trait Columns {
    /// Bytes of the columns (values and validity, not the dictionaries).
    fn bytes(&self) -> usize;
    /// A plain scan of every column and validity, row by row, folded into a checksum: the
    /// memory-bound limit of anything that reads the columns once.
    fn scan(&self) -> u64;
}

impl Columns for OwnedColumns {
    fn bytes(&self) -> usize {
        fn b<T>(c: &ColumnValues<T>) -> usize {
            c.0.len() * std::mem::size_of::<T>() + c.1.len()
        }
        self.len() * (4 + 8 + 1)
            + b(&self.device)
            + b(&self.direction)
            + b(&self.answered)
            + b(&self.duration_s)
            + b(&self.steps)
            + b(&self.interval_s)
            + b(&self.state)
            + b(&self.watts)
            + b(&self.lux)
            + b(&self.action)
            + b(&self.outcome)
            + b(&self.until)
    }

    fn scan(&self) -> u64 {
        let mut acc = 0u64;
        for i in 0..self.len() {
            let v = |valid: &[bool]| u64::from(valid[i]);
            acc = acc
                .wrapping_add(u64::from(self.person[i]))
                .wrapping_add(self.ts[i] as u64)
                .wrapping_add(self.signal[i] as u64)
                .wrapping_add(u64::from(self.device.0[i]) ^ v(&self.device.1))
                .wrapping_add(self.direction.0[i] as u64 ^ v(&self.direction.1))
                .wrapping_add(u64::from(self.answered.0[i]) ^ v(&self.answered.1))
                .wrapping_add(self.duration_s.0[i].to_bits() ^ v(&self.duration_s.1))
                .wrapping_add(u64::from(self.steps.0[i]) ^ v(&self.steps.1))
                .wrapping_add(u64::from(self.interval_s.0[i]) ^ v(&self.interval_s.1))
                .wrapping_add(self.state.0[i] as u64 ^ v(&self.state.1))
                .wrapping_add(self.watts.0[i].to_bits() ^ v(&self.watts.1))
                .wrapping_add(self.lux.0[i].to_bits() ^ v(&self.lux.1))
                .wrapping_add(self.action.0[i] as u64 ^ v(&self.action.1))
                .wrapping_add(self.outcome.0[i] as u64 ^ v(&self.outcome.1))
                .wrapping_add(self.until.0[i] as u64 ^ v(&self.until.1));
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_hold_the_events() {
        let c = cohort(3, 2);
        let cols = OwnedColumns::of(&c.events);
        assert_eq!(cols.batch().unwrap().to_events(), c.events);
        assert_ne!(cols.scan(), 0);
    }
}
