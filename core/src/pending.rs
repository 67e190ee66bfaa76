//! A person's lateness buffer: the events waiting to be folded, in canonical order, in runs
//! of at most [`MAX_RUN`] events, so that an event arriving out of order is put in its place
//! by moving at most one run (a search over the runs, then within one): n events in any
//! order take O(n log n) comparisons and O(n · MAX_RUN) moves, where one sorted array took
//! O(n²) moves (200,000 shuffled events: seconds). Events in time order, the common case,
//! are appended to the last run without a search.

use std::cmp::Ordering;
use std::collections::VecDeque;

use crate::compact::Compact;
use crate::time::Timestamp;

/// Most events in one run; a run that grows past it by an insertion is split in two.
const MAX_RUN: usize = 1024;

/// Events in canonical order (the order a comparison given to [`Pending::insert`] defines),
/// without exact repeats.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pending {
    /// Runs of events, each non-empty and in order, every event of a run before every event
    /// of the next.
    runs: VecDeque<VecDeque<Compact>>,
    len: usize,
}

impl Pending {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn front(&self) -> Option<&Compact> {
        self.runs.front()?.front()
    }

    pub fn back(&self) -> Option<&Compact> {
        self.runs.back()?.back()
    }

    pub fn pop_front(&mut self) -> Option<Compact> {
        let run = self.runs.front_mut()?;
        let e = run.pop_front();
        if run.is_empty() {
            self.runs.pop_front();
        }
        self.len -= usize::from(e.is_some());
        e
    }

    /// The events, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Compact> {
        self.runs.iter().flatten()
    }

    /// How many events are at or after `t`.
    pub fn count_from(&self, t: Timestamp) -> usize {
        let r = self.runs.partition_point(|run| run.back().is_some_and(|e| e.ts < t));
        let whole: usize = self.runs.iter().skip(r + 1).map(VecDeque::len).sum();
        whole + self.runs.get(r).map_or(0, |run| run.len() - run.partition_point(|e| e.ts < t))
    }

    /// Where an event goes: `Ok` at an exact repeat, else `Err` with the run and the place in
    /// it. `cmp` orders a held event against the one sought.
    fn search(&self, cmp: impl Fn(&Compact) -> Ordering) -> Result<(usize, usize), (usize, usize)> {
        let r = self.runs.partition_point(|run| run.back().is_some_and(|e| cmp(e).is_lt()));
        match self.runs.get(r) {
            Some(run) => run.binary_search_by(cmp).map(|i| (r, i)).map_err(|i| (r, i)),
            None => Err((r, 0)),
        }
    }

    /// Whether an exact repeat of the event `cmp` seeks is held.
    pub fn contains(&self, cmp: impl Fn(&Compact) -> Ordering) -> bool {
        self.search(cmp).is_ok()
    }

    /// Puts `e` in its place (`cmp` orders a held event against it); an exact repeat is not
    /// stored, and `false` says so.
    pub fn insert(&mut self, e: Compact, cmp: impl Fn(&Compact) -> Ordering) -> bool {
        // In order, the common case: after the last, without a search.
        if self.back().is_none_or(|last| cmp(last).is_lt()) {
            self.push_back(e);
            return true;
        }
        let Err((r, i)) = self.search(cmp) else { return false };
        let Some(run) = self.runs.get_mut(r) else { return false };
        reserve_one(run);
        run.insert(i, e);
        if run.len() > MAX_RUN {
            let tail = run.split_off(run.len() / 2);
            self.runs.insert(r + 1, tail);
        }
        self.len += 1;
        true
    }

    /// Appends an event known to come after every one held.
    pub fn push_back(&mut self, e: Compact) {
        match self.runs.back_mut().filter(|run| run.len() < MAX_RUN) {
            Some(run) => {
                reserve_one(run);
                run.push_back(e);
            }
            None => {
                if self.runs.is_empty() {
                    self.runs.reserve_exact(1);
                }
                let mut run = VecDeque::with_capacity(if self.runs.is_empty() { 1 } else { MAX_RUN });
                run.push_back(e);
                self.runs.push_back(run);
            }
        }
        self.len += 1;
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.runs.capacity() * std::mem::size_of::<VecDeque<Compact>>()
            + self.runs.iter().map(|r| r.capacity() * std::mem::size_of::<Compact>()).sum::<usize>()
    }
}

/// Room for one more event in a run: exactly while the run is small (a person's buffer
/// mostly holds a few events), doubling past that (so that a long run grows in amortised
/// O(1)).
#[inline]
fn reserve_one(run: &mut VecDeque<Compact>) {
    let cap = run.capacity();
    if run.len() == cap && cap < 8 {
        run.reserve_exact(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventKind;

    fn at(ms: i64) -> Compact {
        Compact::new(Timestamp::from_millis(1_714_489_200_000 + ms).unwrap(), &EventKind::heartbeat(), 0, false)
    }

    #[test]
    fn holds_events_in_order_without_repeats_across_runs() {
        // A pseudo-random order, with repeats, over several runs.
        let mut p = Pending::default();
        let mut want = Vec::new();
        let mut x = 7u64;
        for _ in 0..5 * MAX_RUN {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let e = at((x >> 40) as i64 % (3 * MAX_RUN as i64));
            let stored = p.insert(e, |h| h.ts.cmp(&e.ts));
            assert_eq!(stored, !want.contains(&e.ts));
            if stored {
                want.push(e.ts);
            }
        }
        want.sort();
        assert_eq!(p.iter().map(|e| e.ts).collect::<Vec<_>>(), want);
        assert_eq!(p.len(), want.len());
        assert!(p.runs.len() > 2 && p.runs.iter().all(|r| !r.is_empty() && r.len() <= MAX_RUN));
        let mid = want[want.len() / 2];
        assert_eq!(p.count_from(mid), want.len() - want.len() / 2);
        assert_eq!(p.count_from(want[0]), want.len());
        assert_eq!(p.count_from(want[want.len() - 1].plus_millis(1)), 0);
        assert!(p.contains(|h| h.ts.cmp(&mid)));
        // Drained from the front, in order.
        let drained: Vec<_> = std::iter::from_fn(|| p.pop_front()).map(|e| e.ts).collect();
        assert_eq!(drained, want);
        assert_eq!((p.len(), p.runs.len()), (0, 0));
    }
}
