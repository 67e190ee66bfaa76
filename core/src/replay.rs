//! Batch replay: every person assessed on a fixed time grid, as the spec's Replays section says.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::assessment::{Action, Assessment};
use crate::error::{Error, Location, Result};
use crate::event::{CheckinOutcome, Event, EventKind};
use crate::fusion;
use crate::person::Person;
use crate::profile::{Catalog, Profile, Rules};
use crate::state::PersonState;
use crate::time::{HOUR_MS, MINUTE_MS, Timestamp};

/// Most assessment rows one replay may produce (a guard against a tiny `every`).
pub const MAX_REPLAY_ROWS: u64 = 200_000_000;

/// How to replay.
#[derive(Clone, Debug)]
pub struct ReplayOptions {
    /// Interval of the evaluation grid, milliseconds (counted from the Unix epoch).
    pub every_ms: i64,
    /// The caller's profiles, referred to by name from the persons.
    pub profiles: Vec<Profile>,
    /// Threads to use; 0 means one per available core. Results do not depend on it.
    pub threads: usize,
    /// Set to stop a long replay early with [`Error::Interrupted`].
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions { every_ms: HOUR_MS, profiles: Vec::new(), threads: 0, cancel: None }
    }
}

/// Replays events: each person is assessed at every multiple of `every` from their first
/// event up to the last event of the input, using the events at or before each time.
/// Rows come in `person`, `at` order; the same input gives the same rows.
///
/// ```
/// use anbu::{Event, EventKind, Person, ReplayOptions, replay, HOUR_MS};
/// let t0: anbu::Timestamp = "2024-05-01T08:30:00+09:00".parse()?;
/// let events = vec![
///     Event::new("p-1", t0, None, EventKind::Door { state: anbu::DoorState::Open })?,
///     Event::new("p-1", t0.plus_millis(3 * HOUR_MS), None, EventKind::Door { state: anbu::DoorState::Closed })?,
/// ];
/// let rows = replay(events, &[Person::new("p-1", "call_iot")?], &ReplayOptions::default())?;
/// assert_eq!(rows.len(), 3); // 09:00, 10:00, 11:00 local time
/// assert_eq!(rows[0].at.to_string(), "2024-05-01T00:00:00Z");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn replay(events: Vec<Event>, persons: &[Person], options: &ReplayOptions) -> Result<Vec<Assessment>> {
    replay_with(events, persons, options, None)
}

/// Answers the automatic check-in calls that a closed-loop replay places: a simulated
/// cohort ([`crate::sim::Cohort`]) does, from each simulated person's life.
pub trait CheckinResponder: Sync {
    /// The outcome of an automatic check-in call to `person` at `at`; `None` if no call
    /// can be placed then.
    fn answer(&self, person: &str, at: Timestamp) -> Option<CheckinOutcome>;
}

/// When a closed-loop replay places automatic check-in calls.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CallPolicy {
    /// From the assessment that asks for a call to the call, milliseconds (default 5 minutes).
    pub delay_ms: i64,
    /// Least time between two calls placed to one person, milliseconds (default 1 hour).
    pub retry_ms: i64,
}

impl Default for CallPolicy {
    fn default() -> Self {
        CallPolicy { delay_ms: 5 * MINUTE_MS, retry_ms: HOUR_MS }
    }
}

/// Replays as [`replay`] does, with the field workflow in the loop: whenever an assessment
/// recommends [`Action::CheckinCall`] for a person who has check-in calls, the call is placed
/// (at most one per `policy.retry_ms`), `responder` says how it went, and the outcome is
/// folded as a `checkin` event (device `checkin`) before the next assessment. This is how a
/// profile's escalation is backtested: an alert the automatic call would have cleared is
/// never raised.
///
/// ```
/// use anbu::sim::{SimConfig, simulate};
/// use anbu::{CallPolicy, ReplayOptions, replay, replay_closed_loop};
/// let cohort = simulate(&SimConfig { persons: 20, days: 7, ..SimConfig::default() });
/// let open = replay(cohort.events.clone(), &cohort.persons, &ReplayOptions::default())?;
/// let closed =
///     replay_closed_loop(cohort.events.clone(), &cohort.persons, &ReplayOptions::default(), &cohort, CallPolicy::default())?;
/// assert_eq!(open.len(), closed.len());
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn replay_closed_loop(
    events: Vec<Event>,
    persons: &[Person],
    options: &ReplayOptions,
    responder: &dyn CheckinResponder,
    policy: CallPolicy,
) -> Result<Vec<Assessment>> {
    if policy.delay_ms < 0 || policy.retry_ms <= 0 {
        return Err(Error::argument("policy", "delay_ms must be >= 0 and retry_ms > 0"));
    }
    replay_with(events, persons, options, Some((responder, policy)))
}

type Calls<'a> = Option<(&'a dyn CheckinResponder, CallPolicy)>;

fn replay_with(
    events: Vec<Event>,
    persons: &[Person],
    options: &ReplayOptions,
    calls: Calls<'_>,
) -> Result<Vec<Assessment>> {
    if options.every_ms <= 0 {
        return Err(Error::argument("every", "must be positive"));
    }
    let mut catalog = Catalog::default();
    for p in &options.profiles {
        catalog.add(p.clone())?;
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut rules: Vec<Arc<Rules>> = Vec::with_capacity(persons.len());
    for (i, p) in persons.iter().enumerate() {
        if index.insert(p.person.as_str(), i).is_some() {
            return Err(Error::field("person", format!("`{}` is listed twice in persons", p.person))
                .at(Location::Index(i as u64)));
        }
        rules.push(catalog.rules_for(p)?);
    }
    let mut groups: Vec<Vec<Event>> = vec![Vec::new(); persons.len()];
    let mut last: Option<Timestamp> = None;
    for (n, e) in events.into_iter().enumerate() {
        let Some(&i) = index.get(e.person.as_str()) else {
            return Err(
                Error::field("person", format!("`{}` is not in persons", e.person)).at(Location::Index(n as u64))
            );
        };
        last = last.max(Some(e.ts));
        groups[i].push(e);
    }
    let Some(last) = last else { return Ok(Vec::new()) };
    let every = options.every_ms;
    let rows: u64 = groups
        .iter()
        .filter_map(|g| g.iter().map(|e| e.ts).min())
        .map(|first| (last.millis_since(first) / every + 1) as u64)
        .sum();
    if rows > MAX_REPLAY_ROWS {
        return Err(Error::argument(
            "every",
            format!("{every} ms would give {rows} assessment rows (at most {MAX_REPLAY_ROWS}); use a longer interval"),
        ));
    }

    let mut order: Vec<usize> = (0..persons.len()).collect();
    order.sort_by(|a, b| persons[*a].person.cmp(&persons[*b].person));
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, order.len().max(1));

    let run = |ids: &[usize], groups: &mut [Option<Vec<Event>>]| -> Result<Vec<Assessment>> {
        let mut out = Vec::new();
        for (&i, g) in ids.iter().zip(groups.iter_mut()) {
            if options.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                return Err(Error::Interrupted);
            }
            let events = g.take().unwrap_or_default();
            replay_person(&persons[i].person, events, &rules[i], every, last, calls, &mut out);
        }
        Ok(out)
    };
    let mut ordered: Vec<Option<Vec<Event>>> = order.iter().map(|&i| Some(std::mem::take(&mut groups[i]))).collect();
    if threads == 1 {
        return run(&order, &mut ordered);
    }
    let chunk = order.len().div_ceil(threads);
    let parts: Vec<Result<Vec<Assessment>>> = std::thread::scope(|s| {
        let handles: Vec<_> =
            order.chunks(chunk).zip(ordered.chunks_mut(chunk)).map(|(ids, gs)| s.spawn(move || run(ids, gs))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or(Err(Error::Interrupted))).collect()
    });
    let mut out = Vec::with_capacity(rows as usize);
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

/// One person's rows: fold events in canonical order and assess at each grid time; with
/// `calls`, place the check-in calls the assessments ask for and fold their outcomes.
fn replay_person(
    person: &str,
    mut events: Vec<Event>,
    rules: &Rules,
    every: i64,
    last: Timestamp,
    calls: Calls<'_>,
    out: &mut Vec<Assessment>,
) {
    if events.is_empty() {
        return;
    }
    events.sort_by(|a, b| a.canonical_cmp(b));
    events.dedup();
    let first = events[0].ts.as_millis();
    let mut t = first.div_euclid(every) * every;
    if t < first {
        t += every;
    }
    let mut state = PersonState::default();
    let mut held = fusion::Held::default();
    let mut next = 0;
    // Outcomes of the calls placed, in time order, and the next one to fold.
    let mut placed: Vec<Event> = Vec::new();
    let mut next_placed = 0;
    let mut last_call: Option<Timestamp> = None;
    while t <= last.as_millis() {
        let at = Timestamp::from_millis(t).unwrap_or(last);
        loop {
            let main = events.get(next).filter(|e| e.ts <= at);
            let call = placed.get(next_placed).filter(|e| e.ts <= at);
            match (main, call) {
                (Some(e), Some(c)) if c.canonical_cmp(e).is_lt() => {
                    state.fold(c, rules);
                    next_placed += 1;
                }
                (Some(e), _) => {
                    state.fold(e, rules);
                    next += 1;
                }
                (None, Some(c)) => {
                    state.fold(c, rules);
                    next_placed += 1;
                }
                (None, None) => break,
            }
        }
        let a = fusion::assess(person, &state, rules, at, &mut held);
        if let Some((responder, policy)) = calls
            && rules.expects_checkin
            && a.action == Action::CheckinCall
            && last_call.is_none_or(|c| at.millis_since(c) >= policy.retry_ms)
        {
            let when = at.plus_millis(policy.delay_ms);
            if let Some(outcome) = responder.answer(person, when)
                && let Ok(e) = Event::new(person, when, Some("checkin"), EventKind::Checkin { outcome })
            {
                placed.push(e);
                last_call = Some(at);
            }
        }
        out.push(a);
        t += every;
    }
}
