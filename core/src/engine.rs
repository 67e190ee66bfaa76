//! The streaming engine: persons, their profiles and state; events in, assessments out.
//!
//! Events wait in a person's lateness buffer (in canonical order, as 32-byte [`Compact`]
//! events) until they are older than the allowed lateness behind the person's newest event,
//! and are then folded into the person's state. Events in time order, the common case, are
//! appended without a search. Devices are registered when their first event is taken, so
//! that the buffer names them by index; their ids are interned once per engine.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::assessment::{Assessment, ReasonKind};
use crate::clip::clip;
use crate::coder::{self, BatchKeys, CHECKED, DeviceIds, DeviceKeyTable, NewDevices, Persons, tracks_device};
use crate::columns::EventColumns;
use crate::compact::Compact;
use crate::config::EngineConfig;
use crate::error::{Error, Location, Result};
use crate::event::Event;
use crate::faults::{self, ClockAhead};
use crate::fusion::{self, Held};
use crate::limits::{self, MAX_ALLOWED_LATENESS_MS, MAX_BATCH_ROWS, MAX_PENDING_PER_PERSON};
use crate::names::{Name, Names};
use crate::pending::Pending;
use crate::person::Person;
use crate::profile::{Catalog, Profile, Rules};
use crate::snapshot::{self, PersonSnapshot, SnapshotV1};
use crate::state::PersonState;
use crate::tier::TierAdvice;
use crate::time::Timestamp;
use crate::triage::TriageFilter;
use crate::vocab::Signal;

/// What became of one event an engine was given without error ([`Engine::ingest_one`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ingested {
    /// Taken.
    Accepted,
    /// An exact repeat of an event still waiting within the allowed lateness: ignored.
    Duplicate,
}

impl Ingested {
    /// The name: `accepted` or `duplicate`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Ingested::Accepted => "accepted",
            Ingested::Duplicate => "duplicate",
        }
    }
}

/// One person's slot.
#[derive(Clone, Debug)]
struct Slot {
    person: Person,
    rules: Arc<Rules>,
    state: PersonState,
    /// Events within the allowed lateness of the newest, in canonical order, not folded yet.
    /// A tracked event's device is its index in `state.devices`; an untracked one's (an
    /// absence, the emergency button) is an index into `others.ids`.
    pending: Pending,
    /// The device ids of untracked pending events (kept only while such events wait).
    others: Option<Box<Others>>,
    /// Newest event time seen.
    watermark: Option<Timestamp>,
    /// The last assessment's time and level, for hysteresis.
    held: Held,
    /// The person's device whose clock runs ahead, once one's events were refused.
    ahead: Option<Box<ClockAhead>>,
}

/// The streaming engine.
///
/// Register persons, ingest their events in any order within the allowed lateness,
/// and assess any person at any time from the last folded event on.
///
/// ```
/// use anbu::{Engine, Event, EventKind, Level, Person, Timestamp};
///
/// let mut engine = Engine::new();
/// engine.add_person(Person::new("p-001", "plug_only")?)?;
/// let t0: Timestamp = "2024-05-01T08:00:00+09:00".parse()?;
/// // The TV goes on at 08:00, then the plug reports the same load every 15 minutes: a
/// // reading that merely repeats is not a sign of life.
/// let tv = |q: i64| {
///     let watts = if q == 0 { 0.0 } else { 85.0 };
///     Event::new("p-001", t0.plus_millis(q * 15 * anbu::MINUTE_MS), Some("plug-tv"), EventKind::plug(watts))
/// };
/// for q in 0..=(22 * 4) {
///     engine.ingest(tv(q)?)?;
/// }
/// // Two hours before the smart-plug service's rule (no change for 24 h since 08:15) would
/// // alert: first an automatic check-in call...
/// let a = engine.assess("p-001", t0.plus_millis(22 * anbu::HOUR_MS))?;
/// assert_eq!((a.level, a.action), (Level::Watch, anbu::Action::CheckinCall));
/// assert_eq!(a.reasons[0].kind, anbu::ReasonKind::NoChange);
/// // ...and when the rule fires with no outcome of that call reported, the caseworker is
/// // notified, as the service would alert.
/// for q in (22 * 4 + 1)..=(25 * 4) {
///     engine.ingest(tv(q)?)?;
/// }
/// let a = engine.assess("p-001", t0.plus_millis(25 * anbu::HOUR_MS))?;
/// assert_eq!((a.level, a.action), (Level::Warning, anbu::Action::Notify));
/// assert!(a.reasons.iter().any(|r| r.kind == anbu::ReasonKind::SafetyFloor));
/// # Ok::<(), anbu::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Engine {
    config: EngineConfig,
    catalog: Catalog,
    /// Each person's slot (see `coder`).
    persons: Persons<'static>,
    slots: Vec<Slot>,
    /// The persons' device ids, one copy each.
    names: Names,
    /// The engine's clock: the latest wall clock given ([`Engine::set_clock`]); none before.
    clock: Option<Timestamp>,
}

/// The device ids of a person's waiting untracked events (an absence, the emergency
/// button: their devices are not registered), kept only while such events wait.
#[derive(Clone, Debug, Default)]
struct Others {
    ids: Vec<Box<str>>,
    /// How many pending events are untracked.
    pending: usize,
    /// Whether the last id was added for the event being taken, which no pending event uses
    /// yet: an exact repeat then takes it back (a repeat is not stored, nor is its id).
    last_is_new: bool,
}

impl Others {
    fn size_bytes(&self) -> usize {
        std::mem::size_of::<Others>()
            + self.ids.capacity() * std::mem::size_of::<Box<str>>()
            + self.ids.iter().map(|o| o.len()).sum::<usize>()
    }
}

/// What a batch would do to one person, worked out before anything is taken.
struct Trial<'b> {
    watermark: Option<Timestamp>,
    /// Devices the batch would register.
    new_devices: NewDevices<'b>,
    /// The person's events in the batch, and the index of the last.
    taken: usize,
    last: usize,
}

impl<'b> Trial<'b> {
    fn of(slot: &Slot) -> Self {
        Trial { watermark: slot.watermark, new_devices: NewDevices::default(), taken: 0, last: 0 }
    }

    /// Whether the batch might leave more events waiting than the person may have (then
    /// [`Slot::check_waiting`] counts them).
    fn may_overfill(&self, slot: &Slot) -> bool {
        slot.pending.len() + self.taken > MAX_PENDING_PER_PERSON
    }

    /// Checks that an event may be taken after the batch's events before it, and notes it.
    fn take(&mut self, slot: &Slot, lateness: i64, ts: Timestamp, signal: Signal, device: &'b str) -> Result<()> {
        self.check_late(slot, lateness, ts)?;
        self.check_device(slot, signal, device)?;
        self.saw(ts);
        Ok(())
    }

    fn check_late(&self, slot: &Slot, lateness: i64, ts: Timestamp) -> Result<()> {
        match self.watermark.map(|w| w.plus_millis(-lateness)) {
            Some(h) if ts < h => {
                Err(Error::LateEvent { location: None, person: slot.person.person.clone(), ts, horizon: h })
            }
            _ => Ok(()),
        }
    }

    /// Checks that the person may have the event's device, noting it if new.
    fn check_device(&mut self, slot: &Slot, signal: Signal, device: &'b str) -> Result<()> {
        if tracks_device(signal) {
            self.new_devices.check(&slot.state.devices, &slot.person.person, device)?;
        }
        Ok(())
    }

    fn saw(&mut self, ts: Timestamp) {
        self.watermark = Some(self.watermark.map_or(ts, |w| w.max(ts)));
        self.taken += 1;
    }
}

/// No slot resolved yet for a dictionary entry.
const UNRESOLVED: usize = usize::MAX;

impl Engine {
    /// An engine with the default configuration.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// An engine with a configuration; the lateness must be between 0 and 30 days
    /// ([`MAX_ALLOWED_LATENESS_MS`](crate::limits::MAX_ALLOWED_LATENESS_MS)).
    pub fn with_config(config: EngineConfig) -> Result<Engine> {
        if !(0..=MAX_ALLOWED_LATENESS_MS).contains(&config.allowed_lateness_ms) {
            return Err(Error::argument("allowed_lateness_ms", "must be between 0 and 30 days"));
        }
        Ok(Engine { config, ..Engine::default() })
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Adds a caller's profile (or replaces it; persons using it follow the new rules).
    pub fn add_profile(&mut self, profile: Profile) -> Result<()> {
        let name = profile.name.clone();
        self.catalog.add(profile)?;
        for i in 0..self.slots.len() {
            if self.slots[i].person.profile == name {
                self.slots[i].rules = self.catalog.rules_for(&self.slots[i].person)?;
            }
        }
        Ok(())
    }

    /// Registers a person, or changes an existing person's profile and devices (their state is kept).
    pub fn add_person(&mut self, person: Person) -> Result<()> {
        let rules = self.catalog.rules_for(&person)?;
        match self.persons.get(&person.person) {
            Some(i) => {
                self.slots[i].person = person;
                self.slots[i].rules = rules;
            }
            None => {
                self.persons.add(person.person.clone(), "persons in one engine")?;
                self.slots.push(Slot::new(person, rules));
            }
        }
        Ok(())
    }

    /// Erases a person (moved away, consent withdrawn): their registration, folded state,
    /// learned routine, waiting events and the ids of their devices. Nothing of them stays in
    /// the engine or its next [`Engine::snapshot`]; the id may be registered again, and starts
    /// afresh. Errors with [`Error::UnknownPerson`] if the person is not registered.
    ///
    /// ```
    /// use anbu::{Engine, ErrorKind, Event, EventKind, Person, Timestamp};
    /// let mut engine = Engine::new();
    /// engine.add_person(Person::new("p-1", "full")?)?;
    /// engine.add_person(Person::new("p-2", "full")?)?;
    /// let t0: Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
    /// engine.ingest(Event::new("p-1", t0, Some("door-p1"), EventKind::sos())?)?;
    /// engine.remove_person("p-1")?;
    /// assert_eq!(engine.persons().map(|p| p.person.as_str()).collect::<Vec<_>>(), ["p-2"]);
    /// assert_eq!(engine.assess("p-1", t0).unwrap_err().kind(), ErrorKind::UnknownPerson);
    /// assert!(!String::from_utf8_lossy(&engine.snapshot()).contains("p-1"));
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn remove_person(&mut self, person: &str) -> Result<()> {
        let i = self.slot_index(person)?;
        self.slots.remove(i);
        self.persons.remove(person);
        self.names.forget_unused();
        Ok(())
    }

    /// The registered persons, in registration order.
    pub fn persons(&self) -> impl Iterator<Item = &Person> {
        self.slots.iter().map(|s| &s.person)
    }

    /// Number of registered persons.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no person is registered.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    fn slot_index(&self, person: &str) -> Result<usize> {
        self.persons.index(person)
    }

    /// Ingests one event. An exact repeat of an event still within the allowed lateness
    /// is ignored; an event later than the allowed lateness is refused.
    pub fn ingest(&mut self, event: Event) -> Result<()> {
        self.ingest_one(event).map(|_| ())
    }

    /// Ingests one event as [`Engine::ingest`] does, and says whether it was taken or was an
    /// exact repeat of an event still waiting within the allowed lateness (ignored, nothing
    /// changed): what a service answers per event of a batch, besides the errors.
    ///
    /// ```
    /// use anbu::{Engine, Event, EventKind, Ingested, Person};
    /// let mut engine = Engine::new();
    /// engine.add_person(Person::new("p-1", "full")?)?;
    /// let sos = Event::new("p-1", "2024-05-01T09:00:00+09:00".parse()?, None, EventKind::sos())?;
    /// assert_eq!(engine.ingest_one(sos.clone())?, Ingested::Accepted);
    /// assert_eq!(engine.ingest_one(sos)?.as_str(), "duplicate");
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn ingest_one(&mut self, event: Event) -> Result<Ingested> {
        let i = self.slot_index(&event.person)?;
        self.check_ahead(i, event.ts, event.signal(), event.device())?;
        let lateness = self.config.allowed_lateness_ms;
        let slot = &mut self.slots[i];
        let mut trial = Trial::of(slot);
        trial.take(slot, lateness, event.ts, event.signal(), event.device())?;
        if trial.may_overfill(slot) {
            let compact = Compact::new(event.ts, &event.kind, 0, event.device_given().is_some());
            slot.check_waiting(&trial, lateness, std::iter::once((compact, event.device())))?;
        }
        let device = slot.code(event.signal(), event.device(), || self.names.intern(event.device()))?;
        Ok(if slot.insert(Compact::new(event.ts, &event.kind, device, event.device_given().is_some()), lateness) {
            Ingested::Accepted
        } else {
            Ingested::Duplicate
        })
    }

    /// Ingests a batch atomically: if any event is refused, none is ingested, and the
    /// error names its index in the batch. Returns the number of events ingested.
    pub fn ingest_batch(&mut self, events: impl IntoIterator<Item = Event>) -> Result<usize> {
        let events: Vec<Event> = events.into_iter().collect();
        limits::at_most("events", events.len(), MAX_BATCH_ROWS, "events in one batch")?;
        let lateness = self.config.allowed_lateness_ms;
        // Dry run on the watermarks and devices the batch would produce.
        let mut trial: HashMap<usize, Trial<'_>> = HashMap::new();
        for (n, e) in events.iter().enumerate() {
            let i = self.slot_index(&e.person)?;
            self.check_ahead(i, e.ts, e.signal(), e.device()).map_err(|err| err.at(Location::Index(n as u64)))?;
            let slot = &self.slots[i];
            let t = trial.entry(i).or_insert_with(|| Trial::of(slot));
            t.take(slot, lateness, e.ts, e.signal(), e.device()).map_err(|err| err.at(Location::Index(n as u64)))?;
            t.last = n;
        }
        // Persons in the order of their last row, so that the error is the same however the
        // batch is given (ingest_columns checks in this order too).
        let mut full: Vec<(&usize, &Trial<'_>)> =
            trial.iter().filter(|(i, t)| t.may_overfill(&self.slots[**i])).collect();
        full.sort_by_key(|(_, t)| t.last);
        for (&i, t) in full {
            let slot = &self.slots[i];
            let mine = events.iter().filter(|e| e.person == slot.person.person);
            let batch = mine.map(|e| (Compact::new(e.ts, &e.kind, 0, e.device_given().is_some()), e.device()));
            slot.check_waiting(t, lateness, batch).map_err(|err| err.at(Location::Index(t.last as u64)))?;
        }
        drop(trial);
        let n = events.len();
        for e in events {
            let i = self.slot_index(&e.person)?;
            let slot = &mut self.slots[i];
            let device = slot.code(e.signal(), e.device(), || self.names.intern(e.device()))?;
            slot.insert(Compact::new(e.ts, &e.kind, device, e.device_given().is_some()), lateness);
        }
        Ok(n)
    }

    /// Ingests a columnar batch atomically, as [`Engine::ingest_batch`] ingests the same
    /// events: if any row is refused, nothing is ingested, and the error names its row.
    /// Returns the number of rows ingested.
    ///
    /// Each person and device id of the batch's dictionaries is looked up once, not once
    /// per row, and no row allocates (see [`EventColumns`] for an example).
    pub fn ingest_columns(&mut self, batch: &EventColumns<'_>) -> Result<usize> {
        let lateness = self.config.allowed_lateness_ms;
        let names = batch.person_names();
        // Dictionary entry -> its person's part of the batch (entries may repeat a name).
        let mut part_of = vec![UNRESOLVED; names.len()];
        let mut parts: Vec<(usize, Trial<'_>)> = Vec::new();
        let mut part_of_slot: HashMap<usize, usize> = HashMap::new();
        let mut ids = DeviceIds::default();
        let keys = BatchKeys::new(batch, &mut ids);
        let mut codes = DeviceKeyTable::new(ids.len(), batch.len());
        for n in 0..batch.len() {
            let Some((p, ts, signal, device)) = batch.key(n) else { break };
            let p = p as usize;
            if part_of.get(p) == Some(&UNRESOLVED) {
                let i = self.slot_index(names.get(p).copied().unwrap_or_default())?;
                part_of[p] = *part_of_slot.entry(i).or_insert_with(|| {
                    parts.push((i, Trial::of(&self.slots[i])));
                    codes.add_part();
                    parts.len() - 1
                });
            }
            let Some(&part) = part_of.get(p) else { continue };
            let Some((i, trial)) = parts.get_mut(part) else { continue };
            let at = |err: Error| err.at(Location::Index(n as u64));
            let id = batch.device_name(device).unwrap_or(signal.as_str());
            let slot = &mut self.slots[*i];
            faults::check_ahead(&mut slot.ahead, &slot.rules, &slot.person.person, signal, id, ts, self.clock)
                .map_err(at)?;
            let slot = &self.slots[*i];
            trial.check_late(slot, lateness, ts).map_err(at)?;
            if tracks_device(signal) {
                let key = keys.key(device, signal);
                if codes.get(part, key).is_none() {
                    trial.check_device(slot, signal, id).map_err(at)?;
                    codes.set(part, key, CHECKED);
                }
            }
            trial.saw(ts);
            trial.last = n;
        }
        let mut full: Vec<(usize, &(usize, Trial<'_>))> =
            parts.iter().enumerate().filter(|(_, (i, t))| t.may_overfill(&self.slots[*i])).collect();
        full.sort_by_key(|(_, (_, t))| t.last);
        for (part, (i, trial)) in full {
            let rows = (0..batch.len()).filter_map(|n| batch.row(n));
            let mine = rows.filter(|row| part_of.get(row.person as usize) == Some(&part));
            let batch = mine.map(|row| {
                let id = batch.device_name(row.device).unwrap_or(row.signal.as_str());
                (Compact::new(row.ts, &row.kind, 0, row.device.is_some()), id)
            });
            self.slots[*i]
                .check_waiting(trial, lateness, batch)
                .map_err(|err| err.at(Location::Index(trial.last as u64)))?;
        }
        let mut taken = 0;
        for n in 0..batch.len() {
            let Some(row) = batch.row(n) else { break };
            let Some(&part) = part_of.get(row.person as usize) else { continue };
            let Some(slot) = parts.get(part).and_then(|(i, _)| self.slots.get_mut(*i)) else { continue };
            let id = batch.device_name(row.device).unwrap_or(row.signal.as_str());
            let code = if tracks_device(row.signal) {
                let (key, names) = (keys.key(row.device, row.signal), &mut self.names);
                codes.code(part, &mut slot.state.devices, &slot.person.person, key, id, || names.intern(id))?
            } else {
                slot.code(row.signal, id, || self.names.intern(id))?
            };
            slot.insert(Compact::new(row.ts, &row.kind, code, row.device.is_some()), lateness);
            taken += 1;
        }
        Ok(taken)
    }

    /// Assesses a person at `at`, from every event at or before `at`.
    ///
    /// `at` may not be earlier than the person's events already folded (those older than
    /// the allowed lateness behind the newest). The engine remembers the level, so that
    /// the next assessment (within 6 hours) holds it with the profile's hysteresis: an
    /// alert is raised once and held, and levels do not flap.
    pub fn assess(&mut self, person: &str, at: Timestamp) -> Result<Assessment> {
        let i = self.slot_index(person)?;
        self.slots[i].assess(at)
    }

    /// Assesses every person at `at`, in person order.
    ///
    /// One person's bad data affects that person only: a person who cannot be assessed at
    /// `at` (their events already folded run past it, from a device clock ahead) is reported
    /// by a [`ReasonKind::Fault`](crate::ReasonKind::Fault) assessment that says why, with
    /// their last level and no action, and every other person is assessed as usual.
    ///
    /// ```
    /// use anbu::{Engine, Event, EventKind, Person, ReasonKind, Timestamp, HOUR_MS};
    /// let mut engine = Engine::new();
    /// engine.add_person(Person::new("p-1", "full")?)?;
    /// engine.add_person(Person::new("p-2", "full")?)?;
    /// let t0: Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
    /// // p-2's events run ten hours ahead of the evaluation time (no clock was set yet).
    /// for h in [10, 11, 12] {
    ///     engine.ingest(Event::new("p-2", t0.plus_millis(h * HOUR_MS), None, EventKind::sos())?)?;
    /// }
    /// let all = engine.assess_all(t0)?;
    /// assert_eq!(all.len(), 2);
    /// assert_eq!(all[1].reasons[0].kind, ReasonKind::Fault);
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn assess_all(&mut self, at: Timestamp) -> Result<Vec<Assessment>> {
        let mut out: Vec<Assessment> = self.slots.iter_mut().map(|s| s.assess_or_fault(at)).collect();
        out.sort_by(|a, b| a.person.cmp(&b.person));
        Ok(out)
    }

    /// The triage queue at `at`: the persons `filter` covers (a district, a caseworker)
    /// assessed as [`Engine::assess_all`] does (a person who cannot be assessed is a `fault`
    /// row), those at `filter.min_level` or above, most urgent first (see [`crate::urgency`]).
    /// Only the persons covered are assessed. See the `triage` module's example.
    pub fn triage(&mut self, at: Timestamp, filter: &TriageFilter) -> Result<Vec<Assessment>> {
        let rows = self.slots.iter_mut().filter(|s| filter.covers(&s.person)).map(|s| s.assess_or_fault(at)).collect();
        Ok(crate::triage::queue(rows, filter))
    }

    /// The pilot tier recommended for a person from their call and walking history, with the
    /// reason, the evidence, and why their devices cannot watch them if so (see the `tier`
    /// module's rules and example). `at` defaults to the later of the engine's clock and the
    /// person's newest event; with neither, it must be given. Errors as [`Engine::assess`]
    /// does (an unknown person, `at` before the events already folded); nothing changes.
    pub fn recommend_tier(&self, person: &str, at: Option<Timestamp>) -> Result<TierAdvice> {
        let slot = &self.slots[self.slot_index(person)?];
        let at = at.or(slot.watermark.max(self.clock)).ok_or_else(|| {
            Error::argument(
                "at",
                format!("person `{}` has no events and the engine no clock: give the time to advise at", clip(person)),
            )
        })?;
        slot.recommend_tier(at)
    }

    /// Tells the engine the time now (a wall clock): an event dated further ahead of it than
    /// its person's profile allows (`clock.max_ahead_h`) is refused, and does not move the
    /// person's lateness window. The clock only moves forward. Evaluation times do not move
    /// it (a batch of buffered events may come long after an assessment); before a clock is
    /// given, no event is refused as ahead.
    ///
    /// ```
    /// use anbu::{Engine, ErrorKind, Event, EventKind, Person, ReasonKind, Timestamp, HOUR_MS};
    /// let mut engine = Engine::new();
    /// engine.add_person(Person::new("p-1", "full")?)?;
    /// let now: Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
    /// engine.set_clock(now);
    /// // A door sensor whose clock says next year.
    /// let ahead = Event::new("p-1", now.plus_millis(8760 * HOUR_MS), Some("door-1"), EventKind::sos())?;
    /// let err = engine.ingest(ahead).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidEvent);
    /// assert!(err.to_string().contains("ahead of the engine's clock"), "{err}");
    /// // The person's real events are still taken, and the assessment names the device.
    /// engine.ingest(Event::new("p-1", now, None, EventKind::heartbeat())?)?;
    /// let a = engine.assess("p-1", now.plus_millis(HOUR_MS))?;
    /// assert!(a.reasons.iter().any(|r| r.kind == ReasonKind::ClockAhead && r.detail.contains("door-1")));
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn set_clock(&mut self, now: Timestamp) {
        self.clock = self.clock.max(Some(now));
    }

    /// The engine's clock (see [`Engine::set_clock`]).
    pub fn clock(&self) -> Option<Timestamp> {
        self.clock
    }

    /// Refuses an event of person `i` dated too far ahead of the engine's clock, noting it.
    fn check_ahead(&mut self, i: usize, ts: Timestamp, signal: Signal, device: &str) -> Result<()> {
        let slot = &mut self.slots[i];
        faults::check_ahead(&mut slot.ahead, &slot.rules, &slot.person.person, signal, device, ts, self.clock)
    }

    /// The whole engine as bytes (see [`Engine::restore`]): everything that decides the next
    /// assessment, including the level each person's last assessment holds (hysteresis) and
    /// the call-first escalation clock, with a format version and a CRC32C checksum.
    ///
    /// ```
    /// use anbu::{Engine, Person};
    /// let mut engine = Engine::new();
    /// engine.add_person(Person::new("p-1", "full")?)?;
    /// let bytes = engine.snapshot();
    /// let copy = Engine::restore(&bytes)?;
    /// assert_eq!(copy.len(), 1);
    /// assert!(Engine::restore(b"not a snapshot").is_err());
    /// // A damaged snapshot is refused, never restored altered.
    /// let mut damaged = bytes.clone();
    /// damaged[40] ^= 0x04;
    /// let err = Engine::restore(&damaged).unwrap_err();
    /// assert!(err.to_string().contains("checksum mismatch"), "{err}");
    /// # Ok::<(), anbu::Error>(())
    /// ```
    pub fn snapshot(&self) -> Vec<u8> {
        let snap = SnapshotV1 {
            config: self.config.clone(),
            profiles: self.catalog.custom().cloned().collect(),
            persons: self
                .slots
                .iter()
                .map(|s| PersonSnapshot {
                    person: s.person.clone(),
                    state: s.state.clone(),
                    pending: s.pending.iter().map(|c| s.event(c)).collect(),
                    watermark: s.watermark,
                    held: s.held.last,
                    unconfirmed_since: s.held.unconfirmed_since,
                    notified_since: s.held.notified_since,
                    ahead: s.ahead.clone(),
                })
                .collect(),
            clock: self.clock,
        };
        snapshot::encode(&snap)
    }

    /// An engine restored from [`Engine::snapshot`] bytes (of this build's format, or of
    /// version 1, which had no checksum); fed the same events, it assesses exactly as the
    /// original would have. Bytes that are damaged (the checksum does not match), of another
    /// version, or that hold a value out of its range are refused with [`Error::Snapshot`]
    /// naming what is wrong (the person and field, for a value).
    pub fn restore(bytes: &[u8]) -> Result<Engine> {
        let snap = snapshot::decode(bytes)?;
        let mut engine = Engine::with_config(snap.config).map_err(|e| Error::Snapshot(e.to_string()))?;
        for p in snap.profiles {
            engine.add_profile(p).map_err(|e| Error::Snapshot(e.to_string()))?;
        }
        for p in snap.persons {
            let id = p.person.person.clone();
            if engine.persons.get(&id).is_some() {
                return Err(Error::Snapshot(format!("person `{id}` appears twice")));
            }
            engine.add_person(p.person).map_err(|e| Error::Snapshot(e.to_string()))?;
            let slot = engine.slots.last_mut().ok_or_else(|| Error::Snapshot("empty".into()))?;
            let mut pending = p.pending;
            pending.sort_by(|a, b| a.canonical_cmp(b));
            pending.dedup();
            slot.state = p.state;
            for d in &mut slot.state.devices {
                d.id = engine.names.intern(&d.id);
            }
            for e in &pending {
                let device = slot
                    .code(e.signal(), e.device(), || engine.names.intern(e.device()))
                    .map_err(|_| Error::Snapshot(format!("person `{id}` has too many devices")))?;
                slot.push(Compact::new(e.ts, &e.kind, device, e.device_given().is_some()));
            }
            slot.watermark = p.watermark;
            slot.held = Held { last: p.held, unconfirmed_since: p.unconfirmed_since, notified_since: p.notified_since };
            slot.ahead = p.ahead;
        }
        engine.clock = snap.clock;
        Ok(engine)
    }

    /// Approximate memory held per person's state (bytes), averaged: the slot, the folded
    /// state and its tables, the lateness buffer, the person's registration, and a share
    /// of the interned device ids.
    pub fn state_bytes_per_person(&self) -> usize {
        if self.slots.is_empty() {
            return 0;
        }
        let total: usize = self
            .slots
            .iter()
            .map(|s| {
                std::mem::size_of::<Slot>()
                    + s.state.heap_bytes()
                    + s.person.person.capacity()
                    + s.person.profile.capacity()
                    + s.person.devices().map_or(0, |d| d.len())
                    + s.pending.heap_bytes()
                    + s.others.as_ref().map_or(0, |o| o.size_bytes())
            })
            .sum();
        (total + self.names.size_bytes()) / self.slots.len()
    }
}

impl Slot {
    fn new(person: Person, rules: Arc<Rules>) -> Slot {
        Slot {
            person,
            rules,
            state: PersonState::default(),
            pending: Pending::default(),
            others: None,
            watermark: None,
            held: Held::default(),
            ahead: None,
        }
    }

    fn horizon(&self, lateness: i64) -> Option<Timestamp> {
        self.watermark.map(|w| w.plus_millis(-lateness))
    }

    /// The device code of an event (checked by [`Trial::take`]): a tracked device's index
    /// (registered if new, with its id from `intern`; see `coder`), or an untracked one's
    /// index into `others`.
    fn code(&mut self, signal: Signal, id: &str, intern: impl FnOnce() -> Name) -> Result<u32> {
        if tracks_device(signal) {
            return coder::device(&mut self.state.devices, &self.person.person, id, intern);
        }
        let others = self.others.get_or_insert_default();
        others.last_is_new = others.ids.last().is_none_or(|o| **o != *id);
        if others.last_is_new {
            others.ids.push(id.into());
        }
        Ok(others.ids.len() as u32 - 1)
    }

    /// The device id of a pending event.
    fn device_id(&self, c: &Compact) -> &str {
        device_id(&self.state, self.others.as_deref(), c)
    }

    /// A pending event as an [`Event`].
    fn event(&self, c: &Compact) -> Event {
        let id = self.device_id(c);
        Event::from_valid_parts(&self.person.person, c.ts, c.given().then_some(id), c.kind())
    }

    /// Appends an event known to come last in canonical order (restoring a snapshot).
    fn push(&mut self, e: Compact) {
        if !tracks_device(e.signal) {
            let others = self.others.get_or_insert_default();
            others.pending += 1;
            others.last_is_new = false;
        }
        self.pending.push_back(e);
    }

    /// Inserts an event; false for an exact repeat (not stored).
    fn insert(&mut self, e: Compact, lateness: i64) -> bool {
        let (state, others) = (&self.state, self.others.as_deref());
        if !self.pending.insert(e, |p| p.canonical_cmp(&e, |c| device_id(state, others, c))) {
            // An exact repeat: not stored, nor the id added for it.
            if let Some(o) = self.others.as_mut().filter(|o| o.last_is_new && !tracks_device(e.signal)) {
                o.ids.pop();
                o.last_is_new = false;
            }
            self.release_others();
            return false;
        }
        if !tracks_device(e.signal) {
            let others = self.others.get_or_insert_default();
            others.pending += 1;
            others.last_is_new = false;
        }
        self.watermark = self.watermark.max(Some(e.ts));
        if let Some(h) = self.horizon(lateness) {
            while let Some(p) = self.pending.front().filter(|p| p.ts < h).copied() {
                self.pending.pop_front();
                if !tracks_device(p.signal)
                    && let Some(o) = &mut self.others
                {
                    o.pending = o.pending.saturating_sub(1);
                }
                self.state.fold_compact(&p, &self.rules);
            }
        }
        self.release_others();
        true
    }

    /// Refuses a call whose events for this person (`batch`, each with its device id; the
    /// call's trial run `trial`) would leave more than [`MAX_PENDING_PER_PERSON`] events
    /// waiting: those from the horizon of the newest on, exact repeats counted once.
    fn check_waiting<'b>(
        &self,
        trial: &Trial<'_>,
        lateness: i64,
        batch: impl Iterator<Item = (Compact, &'b str)>,
    ) -> Result<()> {
        let horizon = trial.watermark.map(|w| w.plus_millis(-lateness));
        let kept = horizon.map_or(self.pending.len(), |h| self.pending.count_from(h));
        let mut new: Vec<(Compact, &str)> = batch.filter(|(c, _)| horizon.is_none_or(|h| c.ts >= h)).collect();
        new.sort_by(|(a, x), (b, y)| a.named_cmp(x, b, y));
        new.dedup_by(|(a, x), (b, y)| a.named_cmp(x, b, y).is_eq());
        let (state, others) = (&self.state, self.others.as_deref());
        let held =
            |(c, id): &(Compact, &str)| self.pending.contains(|p| p.named_cmp(device_id(state, others, p), c, id));
        let waiting = kept + new.iter().filter(|e| !held(e)).count();
        if waiting > MAX_PENDING_PER_PERSON {
            return Err(Error::field(
                "person",
                format!(
                    "person `{}` would have {waiting} events waiting to be folded (within the allowed lateness of \
                     their newest), at most {MAX_PENDING_PER_PERSON}: send their events more slowly, or allow less \
                     lateness",
                    clip(&self.person.person)
                ),
            ));
        }
        Ok(())
    }

    /// Forgets the ids of untracked events once none waits.
    fn release_others(&mut self) {
        if self.others.as_ref().is_some_and(|o| o.pending == 0) {
            self.others = None;
        }
    }

    /// The person's assessment at `at`, or, if they cannot be assessed, a `fault` row that
    /// says why (see `faults`).
    fn assess_or_fault(&mut self, at: Timestamp) -> Assessment {
        self.assess(at).unwrap_or_else(|e| {
            faults::fault_assessment(&self.person.person, at, &self.rules, self.held.last.map(|(_, l)| l), &e)
        })
    }

    /// Refuses an evaluation time before the person's events already folded.
    fn check_at(&self, at: Timestamp) -> Result<()> {
        match self.state.last_ts {
            Some(last) if at < last => Err(Error::argument(
                "at",
                format!(
                    "{at} is before {last}, the last event already folded for person `{}`; assess at or after it",
                    self.person.person
                ),
            )),
            _ => Ok(()),
        }
    }

    fn assess(&mut self, at: Timestamp) -> Result<Assessment> {
        self.check_at(at)?;
        let state = state_at(&self.state, &self.pending, &self.rules, at);
        let mut a = fusion::assess(self.person.person.clone(), &state, &self.rules, at, &mut self.held, None);
        faults::annotate(&mut a, self.ahead.as_deref(), at, self.rules.profile.locale);
        Ok(a)
    }

    /// The tier advice at `at` (see `tier`): from the state at `at`, with the `unwatched`
    /// reason of an assessment at `at` that leaves the level held for hysteresis as it was.
    fn recommend_tier(&self, at: Timestamp) -> Result<TierAdvice> {
        self.check_at(at)?;
        let state = state_at(&self.state, &self.pending, &self.rules, at);
        let mut held = self.held;
        let a = fusion::assess(self.person.person.clone(), &state, &self.rules, at, &mut held, None);
        let unwatched = a.reasons.into_iter().find(|r| r.kind == ReasonKind::Unwatched).map(|r| r.detail);
        Ok(crate::tier::advise(&self.person.person, &state, &self.rules, at, unwatched))
    }
}

/// The person's state at `at`: the folded state, and the waiting events at or before `at`
/// folded into a copy of it (if any).
fn state_at<'s>(state: &'s PersonState, pending: &Pending, rules: &Rules, at: Timestamp) -> Cow<'s, PersonState> {
    if pending.front().is_none_or(|p| p.ts > at) {
        return Cow::Borrowed(state);
    }
    let mut state = state.clone();
    for p in pending.iter().take_while(|p| p.ts <= at) {
        state.fold_compact(p, rules);
    }
    Cow::Owned(state)
}

/// The device id of a person's pending event.
fn device_id<'s>(state: &'s PersonState, others: Option<&'s Others>, c: &Compact) -> &'s str {
    let i = c.device as usize;
    let id = if tracks_device(c.signal) {
        state.devices.get(i).map(|d| d.id.as_str())
    } else {
        others.and_then(|o| o.ids.get(i)).map(|o| &**o)
    };
    id.unwrap_or(c.signal.as_str())
}
