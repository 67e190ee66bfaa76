//! Batch replay: every person assessed on a fixed time grid, as the spec's Replays section says.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::assessment::{Action, Assessment};
use crate::assessment_columns::AssessmentColumns;
use crate::clip::clip;
use crate::coder::{self, BatchKeys, DeviceIds, DeviceKeyTable, Persons, tracks_device};
use crate::columns::EventColumns;
use crate::compact::Compact;
use crate::error::{Error, Result};
use crate::event::{Event, EventKind};
use crate::faults::{self, ClockAhead};
use crate::fusion;
use crate::limits::{self, MAX_BATCH_ROWS, MAX_PERSONS, MAX_REPLAY_ROWS, MIN_EVERY_MS};
use crate::names::Name;
use crate::parallel;
use crate::person::Person;
use crate::profile::{Catalog, Profile, Rules};
use crate::routine::Walks;
use crate::state::PersonState;
use crate::time::{HOUR_MS, MINUTE_MS, Timestamp};
use crate::value::Value;
use crate::vocab::{CheckinBy, CheckinOutcome, Signal};

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
    /// Counts the persons replayed so far, one added as each person's rows are done (from
    /// any worker thread), for a progress display: a replay is done with all its persons.
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicU64, Ordering}};
    /// use anbu::sim::{SimConfig, simulate};
    /// use anbu::{ReplayOptions, replay};
    /// let cohort = simulate(&SimConfig { persons: 5, days: 2, ..SimConfig::default() });
    /// let done = Arc::new(AtomicU64::new(0));
    /// let options = ReplayOptions { progress: Some(done.clone()), ..ReplayOptions::default() };
    /// replay(cohort.events, &cohort.persons, &options)?;
    /// assert_eq!(done.load(Ordering::Relaxed), 5);
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub progress: Option<Arc<AtomicU64>>,
    /// Rows before this time are not returned (they are still assessed, so the rows returned
    /// are the same as a whole replay's from then on). None: from each person's first event.
    pub start: Option<Timestamp>,
    /// The grid's last time: the replay goes on to it even past the input's last event (and
    /// stops at it, before later events). None: the input's last event.
    ///
    /// ```
    /// use anbu::{Event, EventKind, Person, ReplayOptions, Timestamp, replay, HOUR_MS};
    /// let t0: Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
    /// let events = vec![Event::new("p-1", t0, None, EventKind::heartbeat())?];
    /// let persons = [Person::new("p-1", "full")?];
    /// let window = ReplayOptions {
    ///     start: Some(t0.plus_millis(10 * HOUR_MS)),
    ///     end: Some(t0.plus_millis(48 * HOUR_MS)),
    ///     ..ReplayOptions::default()
    /// };
    /// let rows = replay(events.clone(), &persons, &window)?;
    /// assert_eq!((rows.len(), rows[0].at, rows.last().unwrap().at), (39, t0.plus_millis(10 * HOUR_MS), t0.plus_millis(48 * HOUR_MS)));
    /// let whole = replay(events, &persons, &ReplayOptions { end: window.end, ..ReplayOptions::default() })?;
    /// assert_eq!(rows[..], whole[10..]);
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub end: Option<Timestamp>,
    /// The time now, as [`crate::Engine::set_clock`] tells an engine: a person's event dated
    /// further ahead of it than their profile allows (`clock.max_ahead_h`) is refused for that
    /// person only, as the engine refuses it: it is not folded and does not stretch the grid,
    /// and that person's rows carry a `clock_ahead` reason naming the device. None: the wall
    /// clock when the replay starts, or `end` if that is later (rows never depend on the wall
    /// clock unless an event is dated after it).
    ///
    /// ```
    /// use anbu::{Event, EventKind, Person, ReasonKind, ReplayOptions, Timestamp, replay, HOUR_MS};
    /// let t0: Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
    /// let events = vec![
    ///     Event::new("p-1", t0, None, EventKind::heartbeat())?,
    ///     Event::new("p-2", t0, None, EventKind::heartbeat())?,
    ///     Event::new("p-2", t0.plus_millis(2 * HOUR_MS), Some("door-9"), EventKind::sos())?,
    ///     Event::new("p-2", "9999-01-01T00:00:00Z".parse()?, Some("plug-7"), EventKind::heartbeat())?,
    /// ];
    /// let persons = [Person::new("p-1", "full")?, Person::new("p-2", "full")?];
    /// let rows = replay(events, &persons, &ReplayOptions::default())?;
    /// // The grid ends at the last event taken; p-2's SOS is still seen.
    /// assert_eq!((rows.len(), rows.last().unwrap().level), (6, anbu::Level::Critical));
    /// let note = rows[3].reasons.iter().find(|r| r.kind == ReasonKind::ClockAhead).unwrap();
    /// assert!(note.detail.starts_with("device `plug-7` sent an event dated up to"), "{}", note.detail);
    /// assert!(rows[..3].iter().all(|a| a.reasons.iter().all(|r| r.kind != ReasonKind::ClockAhead)));
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub clock: Option<Timestamp>,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            every_ms: HOUR_MS,
            profiles: Vec::new(),
            threads: 0,
            cancel: None,
            progress: None,
            start: None,
            end: None,
            clock: None,
        }
    }
}

impl ReplayOptions {
    /// The options [`ReplayOptions::set`] takes (a binding reads these from its host's
    /// options object; `profiles` are the binding's own to convert).
    pub const KEYS: [&'static str; 5] = ["every", "threads", "start", "end", "clock"];

    /// Sets an option from a [`Value`], as the bindings pass theirs: `every` (a duration:
    /// text such as `1h`, or milliseconds; see [`crate::duration_ms`]), `threads` (a whole
    /// number >= 0), or a time `start`, `end` or `clock` (null for none). Errors are [`Error::InvalidArgument`] naming the option.
    ///
    /// ```
    /// use anbu::{ReplayOptions, Value};
    /// let mut options = ReplayOptions::default();
    /// options.set("every", Value::Text("15m"))?;
    /// options.set("threads", Value::Float(2.0))?;
    /// assert_eq!((options.every_ms, options.threads), (900_000, 2));
    /// assert!(options.set("threads", Value::Int(-1)).is_err());
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn set(&mut self, name: &str, value: Value<'_>) -> Result<()> {
        match name {
            "every" => self.every_ms = crate::time_input::duration_ms(name, value)?,
            "threads" => self.threads = crate::value::count(name, value)?,
            "start" => {
                self.start = (!matches!(value, Value::Null)).then(|| Timestamp::from_value(name, value)).transpose()?
            }
            "end" => {
                self.end = (!matches!(value, Value::Null)).then(|| Timestamp::from_value(name, value)).transpose()?
            }
            "clock" => {
                self.clock = (!matches!(value, Value::Null)).then(|| Timestamp::from_value(name, value)).transpose()?
            }
            _ => {
                return Err(Error::argument(
                    name,
                    format!("unknown replay option (options: profiles, {})", Self::KEYS.join(", ")),
                ));
            }
        }
        Ok(())
    }

    /// Checks the options: the grid's step `every_ms` is at least [`MIN_EVERY_MS`].
    ///
    /// ```
    /// use anbu::ReplayOptions;
    /// let options = ReplayOptions { every_ms: 3600, ..ReplayOptions::default() };
    /// let err = options.check().unwrap_err().to_string();
    /// assert!(err.starts_with("argument `every`: 3600 ms is shorter than 1 minute"), "{err}");
    /// ```
    pub fn check(&self) -> Result<()> {
        if self.every_ms < MIN_EVERY_MS {
            return Err(too_short("every", self.every_ms, "write \"1h\" or 3600000 for an hour"));
        }
        if let (Some(start), Some(end)) = (self.start, self.end)
            && end < start
        {
            return Err(Error::argument("end", format!("{end} is before start {start}")));
        }
        Ok(())
    }

    /// The grid's last time for an input whose last event is `last`.
    fn last(&self, last: Option<Timestamp>) -> Option<Timestamp> {
        last.map(|l| self.end.unwrap_or(l))
    }

    /// The replay's clock: `clock`, else the later of the wall clock now and `end`.
    fn now(&self) -> Timestamp {
        self.clock.unwrap_or_else(|| self.end.map_or_else(Timestamp::now, |end| end.max(Timestamp::now())))
    }

    /// The threads a replay works on: `threads`, or for 0 [`crate::parallel::threads`].
    fn worker_threads(&self) -> Result<usize> {
        crate::parallel::threads_for(self.threads)
    }
}

/// Which of a replay's rows to keep: `all` of them, or only the `changes`, the rows a
/// caseworker's system stores: each person's first row, and every row whose level, action
/// (with its kind of visit) or responder differs from that person's row before it.
///
/// ```
/// use anbu::{Emit, Event, EventKind, Person, ReplayOptions, replay, HOUR_MS};
/// let t0: anbu::Timestamp = "2024-05-01T08:30:00+09:00".parse()?;
/// let sos = Event::new("p-1", t0.plus_millis(2 * HOUR_MS), None, EventKind::sos())?;
/// let door = |h| Event::new("p-1", t0.plus_millis(h * HOUR_MS), None, EventKind::door(anbu::DoorState::Open));
/// let events = vec![door(0)?, door(1)?, sos, door(4)?];
/// let rows = replay(events, &[Person::new("p-1", "call_iot")?], &ReplayOptions::default())?;
/// let changes = "changes".parse::<Emit>()?.keep(rows.clone());
/// assert_eq!((rows.len(), changes.len()), (4, 2)); // normal at 09:00, critical from 11:00 on
/// assert_eq!(Emit::All.keep(rows.clone()), rows);
/// assert!("some".parse::<Emit>().is_err());
/// # Ok::<(), anbu::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Emit {
    /// Every row.
    #[default]
    All,
    /// Each person's first row, the rows whose level, action (with its kind of visit) or
    /// responder changed, and the rows after which a closed loop placed a call (so that the
    /// calls placed count the same from either).
    Changes,
}

impl Emit {
    /// The rows to keep of a replay's rows (in `person`, `at` order, as a replay gives them).
    pub fn keep(self, mut rows: Vec<Assessment>) -> Vec<Assessment> {
        if self == Emit::All {
            return rows;
        }
        let changed: Vec<bool> = std::iter::once(true)
            .chain(rows.windows(2).map(|w| {
                let (a, b) = (&w[0], &w[1]);
                a.person != b.person
                    || b.call.is_some()
                    || (a.level, a.action, a.visit, a.responder) != (b.level, b.action, b.visit, b.responder)
            }))
            .collect();
        let mut changed = changed.into_iter();
        rows.retain(|_| changed.next().unwrap_or(true));
        rows
    }

    /// The name: `all` or `changes`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Emit::All => "all",
            Emit::Changes => "changes",
        }
    }
}

impl std::str::FromStr for Emit {
    type Err = Error;

    /// Parses `all` or `changes`.
    fn from_str(s: &str) -> Result<Emit> {
        match s.trim() {
            "all" => Ok(Emit::All),
            "changes" => Ok(Emit::Changes),
            _ => Err(Error::argument("emit", format!("unknown value `{}`, expected one of: all, changes", clip(s)))),
        }
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
///     Event::new("p-1", t0, None, EventKind::door(anbu::DoorState::Open))?,
///     Event::new("p-1", t0.plus_millis(3 * HOUR_MS), None, EventKind::door(anbu::DoorState::Closed))?,
/// ];
/// let rows = replay(events, &[Person::new("p-1", "call_iot")?], &ReplayOptions::default())?;
/// assert_eq!(rows.len(), 3); // 09:00, 10:00, 11:00 local time
/// assert_eq!(rows[0].at.to_string(), "2024-05-01T00:00:00Z");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn replay(events: Vec<Event>, persons: &[Person], options: &ReplayOptions) -> Result<Vec<Assessment>> {
    replay_with(events, persons, options, Calls::None)
}

/// Answers the automatic check-in calls that a closed-loop replay places: a simulated
/// cohort ([`crate::sim::Cohort`]) does, from each simulated person's life; an
/// [`crate::AnswerRate`] does at fixed rates.
///
/// [`replay_closed_loop`] shares a responder between its worker threads (it must be `Sync`);
/// [`replay_closed_loop_sequential`] calls it on the calling thread only.
pub trait CheckinResponder {
    /// The outcome of an automatic check-in call to `person` at `at`; `None` if no call
    /// can be placed then.
    fn answer(&self, person: &str, at: Timestamp) -> Option<CheckinOutcome>;

    /// As [`CheckinResponder::answer`], for a responder that can fail (a caller's function
    /// that raised): the error stops the replay and is its error. By default, `answer`.
    fn try_answer(&self, person: &str, at: Timestamp) -> Result<Option<CheckinOutcome>> {
        Ok(self.answer(person, at))
    }
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

impl CallPolicy {
    /// The keys [`CallPolicy::set`] takes.
    pub const KEYS: [&'static str; 2] = ["delay", "retry"];

    /// Sets `delay` or `retry` from a [`Value`], as the bindings pass theirs: a duration (text
    /// such as `5m`, or milliseconds; see [`crate::duration_ms`]). Another key is
    /// [`Error::InvalidArgument`] of `policy`, naming the keys; range checks are the replay's.
    ///
    /// ```
    /// use anbu::{CallPolicy, Value};
    /// let mut policy = CallPolicy::default();
    /// policy.set("retry", Value::Text("2h"))?;
    /// assert_eq!(policy.retry_ms, 7_200_000);
    /// let err = policy.set("dealy", Value::Int(1)).unwrap_err();
    /// assert_eq!(err.to_string(), "argument `policy`: unknown key `dealy` (keys: delay, retry)");
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn set(&mut self, name: &str, value: Value<'_>) -> Result<()> {
        match name {
            "delay" => self.delay_ms = crate::time_input::duration_ms(name, value)?,
            "retry" => self.retry_ms = crate::time_input::duration_ms(name, value)?,
            _ => {
                return Err(Error::argument(
                    "policy",
                    format!("unknown key `{}` (keys: {})", clip(name), Self::KEYS.join(", ")),
                ));
            }
        }
        Ok(())
    }
}

/// Replays as [`replay`] does, with the field workflow in the loop: whenever an assessment
/// recommends [`Action::CheckinCall`] for a person who has check-in calls, the call is placed
/// (at most one per `policy.retry_ms`; for a household that did not consent to night and
/// holiday monitoring, only while the day office is open), `responder` says how it went, and the outcome is
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
    responder: &(dyn CheckinResponder + Sync),
    policy: CallPolicy,
) -> Result<Vec<Assessment>> {
    check_policy(policy)?;
    replay_with(events, persons, options, Calls::Shared(responder, policy))
}

/// Replays as [`replay_closed_loop`] does (the same rows), with every check-in call answered
/// on the calling thread: person after person in `person` order, each person's calls in time
/// order. For a responder that cannot be shared between threads (a JavaScript function) or
/// whose calls should come in a fixed order (a caller's function with state);
/// `options.threads` then only parallelizes the preparation of the events.
///
/// ```
/// use anbu::sim::{SimConfig, simulate};
/// use anbu::{AnswerRate, CallPolicy, ReplayOptions, replay_closed_loop, replay_closed_loop_sequential};
/// let cohort = simulate(&SimConfig { persons: 6, days: 4, ..SimConfig::default() });
/// let rate = AnswerRate::new(0.8, 0.1, 7)?;
/// let (options, policy) = (ReplayOptions::default(), CallPolicy::default());
/// let shared = replay_closed_loop(cohort.events.clone(), &cohort.persons, &options, &rate, policy)?;
/// let here = replay_closed_loop_sequential(cohort.events.clone(), &cohort.persons, &options, &rate, policy)?;
/// assert_eq!(shared, here);
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn replay_closed_loop_sequential(
    events: Vec<Event>,
    persons: &[Person],
    options: &ReplayOptions,
    responder: &dyn CheckinResponder,
    policy: CallPolicy,
) -> Result<Vec<Assessment>> {
    check_policy(policy)?;
    replay_with(events, persons, options, Calls::Here(responder, policy))
}

fn check_policy(policy: CallPolicy) -> Result<()> {
    if policy.delay_ms < 0 {
        return Err(Error::argument("delay", format!("must be >= 0, got {} ms", policy.delay_ms)));
    }
    if policy.retry_ms < MIN_EVERY_MS {
        return Err(too_short("retry", policy.retry_ms, "write \"1h\" or 3600000 for an hour"));
    }
    Ok(())
}

/// The error for a duration `name` below [`MIN_EVERY_MS`]: most likely one in seconds.
fn too_short(name: &str, ms: i64, example: &str) -> Error {
    Error::argument(
        name,
        format!(
            "{ms} ms is shorter than 1 minute ({MIN_EVERY_MS} ms): a number for a duration is milliseconds \
             in every language; {example}"
        ),
    )
}

/// Where a replay places check-in calls, and how they are answered (closed loop).
#[derive(Clone, Copy)]
enum Calls<'a> {
    /// Open loop: no calls are placed.
    None,
    /// A responder the worker threads share.
    Shared(&'a (dyn CheckinResponder + Sync), CallPolicy),
    /// A responder called on the calling thread only.
    Here(&'a dyn CheckinResponder, CallPolicy),
}

/// The calls of one worker: a responder and the policy, or none (open loop).
type PartCalls<'a> = Option<(&'a dyn CheckinResponder, CallPolicy)>;

fn replay_with(
    events: Vec<Event>,
    persons: &[Person],
    options: &ReplayOptions,
    calls: Calls<'_>,
) -> Result<Vec<Assessment>> {
    limits::at_most("events", events.len(), MAX_BATCH_ROWS, "events in one replay")?;
    let plan = Plan::new(persons, options)?;
    // The events are coded in parts, one per core: each part's persons and devices (by the
    // part's own device ids), then every part's devices recoded by the rank of their id.
    let threads = parallel::parts(events.len(), options.worker_threads()?, MIN_EVENTS_PER_PART);
    let coded = parallel::map_chunks(&events, threads, |first, chunk| CodedPart::of(&plan, chunk, first));
    // The first refused event in input order is the error.
    let coded = coded.into_iter().collect::<Result<Vec<_>>>()?;
    let mut notes = vec![None; persons.len()];
    for &(i, n) in coded.iter().flat_map(|c| &c.refused) {
        if let Some(e) = events.get(n) {
            plan.refuse(&mut notes, i as usize, e.signal(), e.device(), e.ts);
        }
    }
    let mut ids = DeviceIds::default();
    let to_global: Vec<Vec<u32>> = coded.iter().map(|c| c.ids.codes_in(&mut ids)).collect();
    let (rank, names) = ids.ranks();
    let mut counts = vec![0usize; persons.len()];
    for (i, _) in coded.iter().flat_map(|c| &c.rows) {
        if let Some(n) = counts.get_mut(*i as usize) {
            *n += 1;
        }
    }
    let mut groups: Vec<Vec<Compact>> = counts.iter().map(|n| Vec::with_capacity(*n)).collect();
    for (c, to_global) in coded.iter().zip(&to_global) {
        for (i, e) in &c.rows {
            let mut e = *e;
            e.device =
                to_global.get(e.device as usize).and_then(|g| rank.get(*g as usize)).copied().unwrap_or(u32::MAX);
            if let Some(g) = groups.get_mut(*i as usize) {
                g.push(e);
            }
        }
    }
    drop(coded);
    drop_on_every_core(events, threads);
    plan.run(&Groups { groups, notes }, &names, calls)
}

/// The rows [`replay`] (or [`replay_closed_loop`]) would give for `events`, counted without
/// replaying them: each person's grid times from their first event to the input's last.
/// More than `max_rows` (or than [`MAX_REPLAY_ROWS`], the most any replay gives) is refused
/// with the error a replay gives past its limit; a binding that returns each row as an object
/// checks its own, lower limit this way before it replays
/// ([`MAX_OBJECT_ROWS`](crate::limits::MAX_OBJECT_ROWS)).
///
/// ```
/// use anbu::{Event, EventKind, Person, ReplayOptions, Timestamp, check_replay_rows};
/// let t0: Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
/// let sos = |h| Event::new("p-1", t0.plus_millis(h * anbu::HOUR_MS), None, EventKind::sos());
/// let events = vec![sos(0)?, sos(48)?];
/// let persons = [Person::new("p-1", "full")?];
/// assert_eq!(check_replay_rows(&events, &persons, &ReplayOptions::default(), 100)?, 49);
/// let err = check_replay_rows(&events, &persons, &ReplayOptions::default(), 48).unwrap_err();
/// assert!(err.to_string().contains("gives 49 rows, 49 in all, over the limit of 48"), "{err}");
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn check_replay_rows(events: &[Event], persons: &[Person], options: &ReplayOptions, max_rows: u64) -> Result<u64> {
    limits::at_most("events", events.len(), MAX_BATCH_ROWS, "events in one replay")?;
    let plan = Plan::new(persons, options)?;
    let mut firsts: Vec<Option<Timestamp>> = vec![None; persons.len()];
    let mut ahead = vec![false; persons.len()];
    let mut last = None;
    for (n, e) in events.iter().enumerate() {
        let i = plan.index.index_at(&e.person, n)?;
        let Some(first) = firsts.get_mut(i) else { continue };
        if plan.ahead(i, e.ts) {
            if let Some(a) = ahead.get_mut(i) {
                *a = true;
            }
            continue;
        }
        *first = Some(first.map_or(e.ts, |f| f.min(e.ts)));
        last = last.max(Some(e.ts));
    }
    let Some(last) = options.last(last) else { return Ok(0) };
    let firsts = grid_firsts(firsts, |i| ahead.get(i).copied().unwrap_or(false));
    Ok(plan.rows(&firsts, last, max_rows.min(MAX_REPLAY_ROWS))?.iter().sum())
}

/// Where each person's grid starts: at their first event taken. A person all of whose events
/// were refused as dated too far ahead (`ahead`) starts where the replay does, at the earliest
/// first event of anyone, so that their rows report the device running ahead (a technical
/// problem the operator must see) rather than the person dropping out of the replay.
fn grid_firsts(mut firsts: Vec<Option<Timestamp>>, ahead: impl Fn(usize) -> bool) -> Vec<Option<Timestamp>> {
    let earliest = firsts.iter().flatten().min().copied();
    for (i, first) in firsts.iter_mut().enumerate() {
        if first.is_none() && ahead(i) {
            *first = earliest;
        }
    }
    firsts
}

/// Events from which a replay's events are coded in parts on every core.
const MIN_EVENTS_PER_PART: usize = 50_000;

/// One part of a replay's events, coded: each event's person (index into the replay's
/// persons) and compact event, its device coded by the part's own [`DeviceIds`]; the events
/// refused as dated too far ahead, by person and input index.
struct CodedPart<'a> {
    ids: DeviceIds<'a>,
    rows: Vec<(u32, Compact)>,
    refused: Vec<(u32, usize)>,
}

impl<'a> CodedPart<'a> {
    /// Codes `events`, the input's from index `first`; the error names the first event of a
    /// person not in the replay.
    fn of(plan: &Plan<'_>, events: &'a [Event], first: usize) -> Result<CodedPart<'a>> {
        let mut ids = DeviceIds::default();
        let mut rows = Vec::with_capacity(events.len());
        let mut refused = Vec::new();
        for (n, e) in events.iter().enumerate() {
            let i = plan.index.index_at(&e.person, first + n)?;
            if plan.ahead(i, e.ts) {
                refused.push((i as u32, first + n));
                continue;
            }
            let code = ids.code(e.device());
            rows.push((i as u32, Compact::new(e.ts, &e.kind, code, e.device_given().is_some())));
        }
        Ok(CodedPart { ids, rows, refused })
    }
}

/// Drops the events (two strings each) in parts on `threads` cores.
fn drop_on_every_core(mut events: Vec<Event>, threads: usize) {
    if threads <= 1 {
        return;
    }
    let part = events.len().div_ceil(threads).max(1);
    let mut parts = Vec::with_capacity(threads);
    while events.len() > part {
        parts.push(events.split_off(events.len() - part));
    }
    parts.push(events);
    parallel::run_all(parts.into_iter().map(|p| move || drop(p)));
}

/// Replays a columnar batch: exactly the rows [`replay`] gives for the batch's events
/// ([`EventColumns::to_events`]), without an event per row.
///
/// ```
/// use anbu::{Column, DoorState, EventColumns, Person, ReplayOptions, Signal, replay_columns, HOUR_MS};
/// let t0 = 1_714_523_400_000; // 2024-05-01T08:30:00+09:00
/// let (ts, state) = ([t0, t0 + 3 * HOUR_MS], [DoorState::Open, DoorState::Closed]);
/// let batch = EventColumns::builder(&["p-1"], &[0, 0], &ts, &[Signal::Door; 2])
///     .state(Column::new(&state))
///     .build()?;
/// let rows = replay_columns(&batch, &[Person::new("p-1", "call_iot")?], &ReplayOptions::default())?;
/// assert_eq!(rows.len(), 3); // 09:00, 10:00, 11:00 local time
/// # Ok::<(), anbu::Error>(())
/// ```
pub fn replay_columns(
    batch: &EventColumns<'_>,
    persons: &[Person],
    options: &ReplayOptions,
) -> Result<Vec<Assessment>> {
    let plan = Plan::new(persons, options)?;
    let (source, names) = rows_of(&plan, batch)?;
    plan.run(&source, &names, Calls::None)
}

/// Replays a columnar batch into columns: the rows of [`replay_columns`], as
/// [`AssessmentColumns`] (no `String` or `Vec` per row; see there for an example).
pub fn replay_to_columns(
    batch: &EventColumns<'_>,
    persons: &[Person],
    options: &ReplayOptions,
) -> Result<AssessmentColumns> {
    let plan = Plan::new(persons, options)?;
    let (source, names) = rows_of(&plan, batch)?;
    plan.run(&source, &names, Calls::None)
}

/// A batch's rows numbered by person, and the device ids by rank.
fn rows_of<'b, 'a>(plan: &Plan<'_>, batch: &'b EventColumns<'a>) -> Result<(Rows<'b, 'a>, Vec<Name>)> {
    let persons = plan.persons;
    // Dictionary entries -> persons and device codes, once per entry.
    let person_of = plan.index.dictionary(batch.person_names());
    // Device codes are ranks of the ids (as `DeviceIds::ranks` gives them), known from the
    // dictionaries before any row is read.
    let mut ids = DeviceIds::default();
    let keys = BatchKeys::new(batch, &mut ids);
    let (rank, names) = ids.ranks();
    let keys = keys.recoded(&rank);
    // Each person's rows, by a counting sort of the row numbers (4 bytes a row): every
    // worker turns its persons' rows into events in a buffer it reuses.
    // Events dated too far ahead are refused for their person (in input order, as events).
    let ts_of = |n: usize| batch.timestamps().get(n).map(|&ms| Timestamp::from_millis_in_range(ms));
    let mut offsets = vec![0u32; persons.len() + 1];
    let (mut notes, mut last) = (vec![None; persons.len()], None);
    for (n, &code) in batch.person_codes().iter().enumerate() {
        let Some(i) = person_of.get(code as usize).copied().flatten() else {
            let name = batch.person_names().get(code as usize).copied().unwrap_or_default();
            return Err(coder::not_in_persons(name, n));
        };
        let Some(ts) = ts_of(n) else { continue };
        if plan.ahead(i, ts) {
            if let Some(row) = batch.row(n) {
                let device = row.device.and_then(|d| batch.device_names().get(d as usize).copied());
                plan.refuse(&mut notes, i, row.signal, device.unwrap_or(row.signal.as_str()), ts);
            }
            continue;
        }
        last = last.max(Some(ts));
        offsets[i + 1] += 1;
    }
    for i in 0..persons.len() {
        offsets[i + 1] += offsets[i];
    }
    let mut rows = vec![0u32; offsets[persons.len()] as usize];
    let mut next = offsets.clone();
    for (n, &code) in batch.person_codes().iter().enumerate() {
        if let Some(i) = person_of.get(code as usize).copied().flatten()
            && ts_of(n).is_some_and(|ts| !plan.ahead(i, ts))
        {
            rows[next[i] as usize] = n as u32;
            next[i] += 1;
        }
    }
    drop(next);
    Ok((Rows { batch, rows, offsets, keys, notes, last }, names))
}

/// Where a replay's rows go: [`Assessment`]s, or [`AssessmentColumns`].
trait Output: Send + Sized {
    /// No rows, with room for `rows` of them, or the error of an allocation that failed.
    fn try_with_capacity(rows: usize) -> Result<Self>;
    /// The `person` an [`Assessment`] of `person` carries on its way here (the columns code
    /// persons, and need no copy of the id per row).
    fn person_field(person: &str) -> String;
    /// Appends a row of `person` (rows come person after person).
    fn push(&mut self, person: &str, a: Assessment);
    /// Appends the rows of another part (of other persons, all after these).
    fn append(&mut self, other: Self);
}

impl Output for Vec<Assessment> {
    fn try_with_capacity(rows: usize) -> Result<Self> {
        let mut out = Vec::new();
        limits::try_reserve(&mut out, rows, "assessment rows")?;
        Ok(out)
    }
    fn person_field(person: &str) -> String {
        person.to_string()
    }
    fn push(&mut self, _: &str, a: Assessment) {
        Vec::push(self, a);
    }
    fn append(&mut self, other: Self) {
        self.extend(other);
    }
}

impl Output for AssessmentColumns {
    fn try_with_capacity(rows: usize) -> Result<Self> {
        AssessmentColumns::try_with_capacity(rows)
    }
    fn person_field(_: &str) -> String {
        String::new()
    }
    fn push(&mut self, person: &str, a: Assessment) {
        AssessmentColumns::push(self, person, &a);
    }
    fn append(&mut self, other: Self) {
        AssessmentColumns::append(self, other);
    }
}

/// Where a replay's workers find each person's events.
trait Source: Sync {
    /// Person `i`'s events, in any order, appended to `out`; device codes are ranks.
    fn fill(&self, i: usize, out: &mut Vec<Compact>);
    /// The time of person `i`'s first event.
    fn first(&self, i: usize) -> Option<Timestamp>;
    /// The time of the input's last event (not refused).
    fn last(&self) -> Option<Timestamp>;
    /// Person `i`'s device running ahead, if any of their events were refused as dated too far ahead.
    fn ahead(&self, i: usize) -> Option<&ClockAhead>;
}

/// Each person's note of a device running ahead (see [`Plan::refuse`]).
type Notes = Vec<Option<Box<ClockAhead>>>;

/// Events grouped by person already.
struct Groups {
    groups: Vec<Vec<Compact>>,
    notes: Notes,
}

impl Source for Groups {
    fn fill(&self, i: usize, out: &mut Vec<Compact>) {
        if let Some(g) = self.groups.get(i) {
            out.extend_from_slice(g);
        }
    }

    fn first(&self, i: usize) -> Option<Timestamp> {
        self.groups.get(i)?.iter().map(|e| e.ts).min()
    }

    fn last(&self) -> Option<Timestamp> {
        self.groups.iter().flatten().map(|e| e.ts).max()
    }

    fn ahead(&self, i: usize) -> Option<&ClockAhead> {
        self.notes.get(i)?.as_deref()
    }
}

/// A columnar batch, its rows numbered by person.
struct Rows<'b, 'a> {
    batch: &'b EventColumns<'a>,
    /// Row numbers, person after person; person `i`'s are `rows[offsets[i]..offsets[i + 1]]`.
    rows: Vec<u32>,
    offsets: Vec<u32>,
    /// Each row's device rank, by its key.
    keys: BatchKeys,
    notes: Notes,
    /// The time of the last row not refused.
    last: Option<Timestamp>,
}

impl Rows<'_, '_> {
    fn of(&self, i: usize) -> &[u32] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => self.rows.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }
}

impl Source for Rows<'_, '_> {
    fn fill(&self, i: usize, out: &mut Vec<Compact>) {
        let rows = self.of(i);
        out.reserve(rows.len());
        for &n in rows {
            let Some(row) = self.batch.row(n as usize) else { continue };
            let code = self.keys.key(row.device, row.signal);
            out.push(Compact::new(row.ts, &row.kind, code, row.device.is_some()));
        }
    }

    fn first(&self, i: usize) -> Option<Timestamp> {
        let ts = self.batch.timestamps();
        self.of(i).iter().filter_map(|&n| ts.get(n as usize)).min().map(|&ms| Timestamp::from_millis_in_range(ms))
    }

    fn last(&self) -> Option<Timestamp> {
        self.last
    }

    fn ahead(&self, i: usize) -> Option<&ClockAhead> {
        self.notes.get(i)?.as_deref()
    }
}

/// The persons of a replay, their rules, and how to run it.
struct Plan<'p> {
    persons: &'p [Person],
    options: &'p ReplayOptions,
    /// Each person's place in `persons` (see `coder`).
    index: Persons<'p>,
    rules: Vec<Arc<Rules>>,
    /// The replay's clock ([`ReplayOptions::clock`]).
    clock: Timestamp,
}

impl<'p> Plan<'p> {
    fn new(persons: &'p [Person], options: &'p ReplayOptions) -> Result<Self> {
        options.check()?;
        limits::at_most("persons", persons.len(), MAX_PERSONS, "persons in one replay")?;
        let mut catalog = Catalog::default();
        for p in &options.profiles {
            catalog.add(p.clone())?;
        }
        let mut index = Persons::default();
        let mut rules: Vec<Arc<Rules>> = Vec::with_capacity(persons.len());
        for p in persons {
            index.add(p.person.as_str(), "persons in one replay")?;
            rules.push(catalog.rules_for(p)?);
        }
        Ok(Plan { persons, options, index, rules, clock: options.now() })
    }

    /// Whether person `i`'s event at `ts` is dated too far ahead of the replay's clock: the
    /// engine's rule ([`crate::Engine::set_clock`]), so the event is refused for that person only.
    fn ahead(&self, i: usize, ts: Timestamp) -> bool {
        self.rules.get(i).is_some_and(|r| faults::is_ahead(r, ts, self.clock))
    }

    /// Notes person `i`'s event refused as dated too far ahead, as the engine notes it (the
    /// engine's error is not the replay's: the person's rows carry its `clock_ahead` reason).
    fn refuse(&self, notes: &mut Notes, i: usize, signal: Signal, device: &str, ts: Timestamp) {
        if let (Some(note), Some(rules), Some(p)) = (notes.get_mut(i), self.rules.get(i), self.persons.get(i)) {
            let refused = faults::check_ahead(note, rules, &p.person, signal, device, ts, Some(self.clock));
            debug_assert!(refused.is_err());
        }
    }

    /// Each person's rows: the grid times from their first event (`firsts`) to the input's
    /// `last`; refused past `max` rows in all, naming the person with the most rows and their
    /// first event (the likeliest odd time).
    fn rows(&self, firsts: &[Option<Timestamp>], last: Timestamp, max: u64) -> Result<Vec<u64>> {
        let every = self.options.every_ms;
        let rows_of = |first: &Option<Timestamp>| {
            first.map_or(0, |first| {
                let t = first.as_millis().div_euclid(every) * every;
                let t = if t < first.as_millis() { t + every } else { t };
                u64::try_from((last.as_millis() - t).div_euclid(every) + 1).unwrap_or(0)
            })
        };
        let per_person: Vec<u64> = firsts.iter().map(rows_of).collect();
        let rows: u64 = per_person.iter().sum();
        if rows > max {
            let (i, most) = per_person.iter().enumerate().fold((0, 0), |a, (i, &n)| if n > a.1 { (i, n) } else { a });
            let first = firsts.get(i).copied().flatten().map_or_else(String::new, |t| t.to_string());
            let person = self.persons.get(i).map_or("", |p| p.person.as_str());
            return Err(Error::argument(
                "every",
                format!(
                    "{every} ms from person `{}`'s first event ({first}) to the input's last ({last}) gives {most} \
                     rows, {rows} in all, over the limit of {max} assessment rows per replay: check those times, \
                     or replay at a longer interval or fewer persons at a time",
                    clip(person)
                ),
            ));
        }
        Ok(per_person)
    }

    /// Every person's rows, in person order; `names` are the device ids by code.
    fn run<O: Output>(&self, source: &dyn Source, names: &[Name], calls: Calls<'_>) -> Result<O> {
        let (persons, options) = (self.persons, self.options);
        let Some(last) = options.last(source.last()) else {
            // Nothing left to replay because every event was dated too far ahead: say so,
            // rather than return no rows (data of a simulated future needs its own clock).
            if (0..persons.len()).any(|i| source.ahead(i).is_some()) {
                return Err(Error::argument(
                    "clock",
                    format!(
                        "every event is dated too far after the replay's clock {} (the profiles' \
                         `clock.max_ahead_h`): give the replay a later clock to replay data dated in the future",
                        self.clock
                    ),
                ));
            }
            return O::try_with_capacity(0);
        };
        let firsts = grid_firsts((0..persons.len()).map(|i| source.first(i)).collect(), |i| source.ahead(i).is_some());
        let firsts = &firsts[..];
        let per_person = self.rows(firsts, last, MAX_REPLAY_ROWS)?;
        let rows: u64 = per_person.iter().sum();
        let rows_of = |i: usize| per_person[i];

        let mut order: Vec<usize> = (0..persons.len()).collect();
        order.sort_by(|a, b| persons[*a].person.cmp(&persons[*b].person));
        let shared = match calls {
            // A responder that stays on this thread: every person here, in order.
            Calls::Here(responder, policy) => {
                return self.part(&order, rows as usize, source, names, (firsts, last), Some((responder, policy)));
            }
            Calls::Shared(responder, policy) => Some((responder, policy)),
            Calls::None => None,
        };
        let threads = options.worker_threads()?.clamp(1, order.len().max(1));

        // `capacity`: rows the output will hold (the first part's holds them all, so that
        // the other parts are appended to it rather than every row copied once more).
        let run = |ids: &[usize], capacity: usize| -> Result<O> {
            let calls: PartCalls<'_> = shared.map(|(r, p)| (r as &dyn CheckinResponder, p));
            self.part(ids, capacity, source, names, (firsts, last), calls)
        };
        let parts: Vec<Result<O>> = parallel::map_chunks(&order, threads, |first, ids| {
            let capacity = if first == 0 { rows as usize } else { ids.iter().map(|&i| rows_of(i) as usize).sum() };
            run(ids, capacity)
        });
        let mut parts = parts.into_iter();
        let mut out = match parts.next() {
            Some(first) => first?,
            None => O::try_with_capacity(0)?,
        };
        for p in parts {
            out.append(p?);
        }
        Ok(out)
    }

    /// The rows of the persons `ids` (in that order), `capacity` rows reserved; each person's
    /// grid runs from their `firsts` (see [`grid_firsts`]) to `last`.
    fn part<O: Output>(
        &self,
        ids: &[usize],
        capacity: usize,
        source: &dyn Source,
        names: &[Name],
        (firsts, last): (&[Option<Timestamp>], Timestamp),
        calls: PartCalls<'_>,
    ) -> Result<O> {
        let mut out = O::try_with_capacity(capacity)?;
        let mut events = Vec::new();
        for &i in ids {
            if self.options.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                return Err(Error::Interrupted);
            }
            events.clear();
            source.fill(i, &mut events);
            let person = &self.persons[i].person;
            let Some(first) = firsts.get(i).copied().flatten() else { continue };
            let grid = Grid { every: self.options.every_ms, first, start: self.options.start, last };
            replay_person(person, &mut events, names, &self.rules[i], grid, calls, source.ahead(i), &mut out)?;
            if let Some(done) = &self.options.progress {
                done.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(out)
    }
}

/// A person's grid: its step, the time it starts from (the first grid time at or after it),
/// the first time returned, and its last time.
#[derive(Clone, Copy)]
struct Grid {
    every: i64,
    first: Timestamp,
    start: Option<Timestamp>,
    last: Timestamp,
}

/// One person's rows: fold events in canonical order and assess at each grid time; with
/// `calls`, place the check-in calls the assessments ask for and fold their outcomes. The
/// events' device codes are ranks of the ids in `names`; `ahead`, the person's device running
/// ahead, is reported in every row as the engine reports it.
#[allow(clippy::too_many_arguments)]
fn replay_person<O: Output>(
    person: &str,
    events: &mut Vec<Compact>,
    names: &[Name],
    rules: &Rules,
    grid: Grid,
    calls: PartCalls<'_>,
    ahead: Option<&ClockAhead>,
    out: &mut O,
) -> Result<()> {
    let Grid { every, first, start, last } = grid;
    events.sort_unstable_by(Compact::ranked_cmp);
    events.dedup_by(|a, b| a.same_event(b));
    // Devices are registered in the order they are first folded; past the cap, the replay is
    // refused with the engine's error for the event (see `coder`).
    let mut state = PersonState::default();
    let mut registered = DeviceKeyTable::one_person();
    for e in events.iter_mut().filter(|e| tracks_device(e.signal)) {
        let name = names.get(e.device as usize);
        let id = name.map_or(e.signal.as_str(), |n| n.as_str());
        let name = || name.cloned().unwrap_or_else(|| Name::new(id.to_string()));
        e.device = registered.code(0, &mut state.devices, person, e.device, id, name)?;
    }
    let first = first.as_millis();
    let mut t = first.div_euclid(every) * every;
    if t < first {
        t += every;
    }
    let mut held = fusion::Held::default();
    // The silences judged at one grid time are mostly judged again at the next.
    let walks = RefCell::new(Walks::default());
    let mut next = 0;
    // Outcomes of the calls placed, in time order, the next one to fold, and their device.
    let mut placed: Vec<Compact> = Vec::new();
    let mut next_placed = 0;
    let mut last_call: Option<Timestamp> = None;
    let mut last_staff_call: Option<Timestamp> = None;
    let mut checkin_device: Option<u32> = None;
    while t <= last.as_millis() {
        let at = Timestamp::from_millis(t).unwrap_or(last);
        loop {
            let main = events.get(next).filter(|e| e.ts <= at);
            let call = placed.get(next_placed).filter(|e| e.ts <= at);
            match (main, call) {
                (Some(e), Some(c)) if c.ts < e.ts => {
                    state.fold_compact(c, rules);
                    next_placed += 1;
                }
                (Some(e), _) => {
                    state.fold_compact(e, rules);
                    next += 1;
                }
                (None, Some(c)) => {
                    state.fold_compact(c, rules);
                    next_placed += 1;
                }
                (None, None) => break,
            }
        }
        let mut a = fusion::assess(O::person_field(person), &state, rules, at, &mut held, Some(&walks));
        faults::annotate(&mut a, ahead, at, rules.profile.locale);
        // The automatic call at `checkin_call`; at `notify`, the caseworker's call (the rung
        // before a visit), answered as the simulated life allows, as automatic calls are.
        let by = match a.action {
            Action::CheckinCall => Some((CheckinBy::Auto, &mut last_call)),
            Action::Notify => Some((CheckinBy::Staff, &mut last_staff_call)),
            _ => None,
        };
        if let Some((responder, policy)) = calls
            && rules.expects_checkin
            && !rules.waits_for_office(at)
            && let Some((by, last_call)) = by
            && last_call.is_none_or(|c| at.millis_since(c) >= policy.retry_ms)
        {
            let when = at.plus_millis(policy.delay_ms);
            if let Some(outcome) = responder.try_answer(person, when)? {
                let device = match checkin_device {
                    Some(d) => d,
                    None => {
                        let name = || Name::new("checkin".to_string());
                        *checkin_device.insert(coder::device(&mut state.devices, person, "checkin", name)?)
                    }
                };
                placed.push(Compact::new(
                    when,
                    &EventKind::checkin(outcome).with_by(crate::By::from(by)),
                    device,
                    true,
                ));
                *last_call = Some(at);
                a.call = Some(by);
            }
        }
        if start.is_none_or(|s| at >= s) {
            out.push(person, a);
        }
        t += every;
    }
    Ok(())
}
