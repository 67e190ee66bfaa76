//! Workloads shared by the benchmarks: seeded, documented cohorts.
//!
//! A workload is `persons x days` of the simulator's signal mix (`anbu::sim`, seed 42): per
//! person a smart plug every 15 minutes where installed, hourly steps and door heartbeats,
//! phone use, calls and a daily check-in call; about 80 events per person per day, in time
//! order (ties by person), as a feed delivers them.
//!
//! The same events serve every bench: as [`anbu::Event`]s (per-event ingest, replay), as
//! columns ([`Columns`]: the spec's fields as typed columns with validity, person and device
//! ids dictionary-coded in order of first appearance, as a DataFrame or Arrow table holds
//! them), and as CSV and JSON Lines text written by anbu's writers ([`csv`], [`jsonl`]).

use anbu::sim::{Cohort, SimConfig, simulate};
use anbu::{AppAction, CheckinOutcome, Column, Direction, DoorState, Event, EventColumns, Signal};

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

/// A column's values and validity.
pub type Values<T> = (Vec<T>, Vec<bool>);

/// Events as owned columns, one value per row in each (nulls where a field does not apply).
#[derive(Clone, Debug, Default)]
pub struct Columns {
    /// The dictionary of person ids.
    pub names: Vec<String>,
    /// Person codes into `names`.
    pub person: Vec<u32>,
    /// Times, epoch milliseconds.
    pub ts: Vec<i64>,
    /// Signals.
    pub signal: Vec<Signal>,
    /// The dictionary of device ids.
    pub device_names: Vec<String>,
    /// Device codes into `device_names` (null: the signal's name).
    pub device: Values<u32>,
    #[allow(missing_docs)]
    pub direction: Values<Direction>,
    #[allow(missing_docs)]
    pub answered: Values<bool>,
    #[allow(missing_docs)]
    pub duration_s: Values<f64>,
    #[allow(missing_docs)]
    pub steps: Values<u32>,
    #[allow(missing_docs)]
    pub interval_s: Values<u32>,
    #[allow(missing_docs)]
    pub state: Values<DoorState>,
    #[allow(missing_docs)]
    pub watts: Values<f64>,
    #[allow(missing_docs)]
    pub lux: Values<f64>,
    #[allow(missing_docs)]
    pub action: Values<AppAction>,
    #[allow(missing_docs)]
    pub outcome: Values<CheckinOutcome>,
    /// `until`, epoch milliseconds.
    pub until: Values<i64>,
}

fn push<T: Copy>(col: &mut Values<T>, v: Option<T>, fill: T) {
    col.0.push(v.unwrap_or(fill));
    col.1.push(v.is_some());
}

fn code(dict: &mut Vec<String>, index: &mut std::collections::HashMap<String, u32>, id: &str) -> u32 {
    if let Some(c) = index.get(id) {
        return *c;
    }
    dict.push(id.to_string());
    index.insert(id.to_string(), dict.len() as u32 - 1);
    dict.len() as u32 - 1
}

impl Columns {
    /// The events as columns.
    pub fn of(events: &[Event]) -> Columns {
        let mut c = Columns::default();
        let (mut persons, mut devices) = (Default::default(), Default::default());
        for e in events {
            let r = e.to_record();
            c.person.push(code(&mut c.names, &mut persons, &e.person));
            c.ts.push(e.ts.as_millis());
            c.signal.push(e.signal());
            let d = e.device_given().map(|d| code(&mut c.device_names, &mut devices, d));
            push(&mut c.device, d, 0);
            push(&mut c.direction, r.direction, Direction::In);
            push(&mut c.answered, r.answered, false);
            push(&mut c.duration_s, r.duration_s, 0.0);
            push(&mut c.steps, r.steps, 0);
            push(&mut c.interval_s, r.interval_s, 0);
            push(&mut c.state, r.state, DoorState::Open);
            push(&mut c.watts, r.watts, 0.0);
            push(&mut c.lux, r.lux, 0.0);
            push(&mut c.action, r.action, AppAction::Unlock);
            push(&mut c.outcome, r.outcome, CheckinOutcome::Missed);
            push(&mut c.until, r.until.map(anbu::Timestamp::as_millis), 0);
        }
        c
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.person.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.person.is_empty()
    }

    /// The columns as a checked batch.
    pub fn batch(&self) -> anbu::Result<EventColumns<'_>> {
        fn col<T: Copy>(c: &Values<T>) -> Column<'_, T> {
            Column::with_validity(&c.0, &c.1)
        }
        EventColumns::builder(&self.names, &self.person, &self.ts, &self.signal)
            .device(&self.device_names, col(&self.device))
            .direction(col(&self.direction))
            .answered(col(&self.answered))
            .duration_s(col(&self.duration_s))
            .steps(col(&self.steps))
            .interval_s(col(&self.interval_s))
            .state(col(&self.state))
            .watts(col(&self.watts))
            .lux(col(&self.lux))
            .action(col(&self.action))
            .outcome(col(&self.outcome))
            .until(col(&self.until))
            .build()
    }

    /// Bytes of the columns (values and validity, not the dictionaries).
    pub fn bytes(&self) -> usize {
        fn b<T>(c: &Values<T>) -> usize {
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

    /// A plain scan of every column and validity, row by row, folded into a checksum: the
    /// memory-bound limit of anything that reads the columns once.
    pub fn scan(&self) -> u64 {
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
        let cols = Columns::of(&c.events);
        assert_eq!(cols.batch().unwrap().to_events(), c.events);
        assert_ne!(cols.scan(), 0);
    }
}
