//! The streaming engine: persons, their profiles and state; events in, assessments out.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::assessment::Assessment;
use crate::error::{Error, Location, Result};
use crate::event::Event;
use crate::fusion::{self, Held};
use crate::person::Person;
use crate::profile::{Catalog, Profile, Rules};
use crate::snapshot::{self, PersonSnapshot, SnapshotV1};
use crate::state::PersonState;
use crate::time::{HOUR_MS, Timestamp};

/// Engine settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineConfig {
    /// How far behind a person's latest event another event of that person may arrive,
    /// in milliseconds (default one hour). Events within it may come in any order; later
    /// ones are refused with [`Error::LateEvent`].
    pub allowed_lateness_ms: i64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig { allowed_lateness_ms: HOUR_MS }
    }
}

/// One person's slot.
#[derive(Clone, Debug)]
struct Slot {
    person: Person,
    rules: Arc<Rules>,
    state: PersonState,
    /// Events within the allowed lateness of the newest, in canonical order, not folded yet.
    pending: Vec<Event>,
    /// Newest event time seen.
    watermark: Option<Timestamp>,
    /// The last assessment's time and level, for hysteresis.
    held: Held,
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
/// // The TV goes on at 08:00, then the plug reports the same load every 15 minutes
/// // for a day and a half: a reading that merely repeats is not a sign of life.
/// for q in 0..=(36 * 4) {
///     let ts = t0.plus_millis(q * 15 * anbu::MINUTE_MS);
///     let watts = if q == 0 { 0.0 } else { 85.0 };
///     engine.ingest(Event::new("p-001", ts, Some("plug-tv"), EventKind::Plug { watts, lux: None })?)?;
/// }
/// // Silence at warning strength: first an automatic check-in call...
/// let a = engine.assess("p-001", t0.plus_millis(36 * anbu::HOUR_MS))?;
/// assert_eq!((a.level, a.action), (Level::Watch, anbu::Action::CheckinCall));
/// assert_eq!(a.reasons[0].kind, anbu::ReasonKind::NoChange);
/// // ...and when no call outcome comes within two hours, the caseworker is notified.
/// let a = engine.assess("p-001", t0.plus_millis(38 * anbu::HOUR_MS))?;
/// assert_eq!((a.level, a.action), (Level::Warning, anbu::Action::Notify));
/// # Ok::<(), anbu::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Engine {
    config: EngineConfig,
    catalog: Catalog,
    index: HashMap<String, usize>,
    slots: Vec<Slot>,
}

impl Engine {
    /// An engine with the default configuration.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// An engine with a configuration; the lateness must be between 0 and 30 days.
    pub fn with_config(config: EngineConfig) -> Result<Engine> {
        if !(0..=30 * 24 * HOUR_MS).contains(&config.allowed_lateness_ms) {
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
        match self.index.get(&person.person) {
            Some(&i) => {
                self.slots[i].person = person;
                self.slots[i].rules = rules;
            }
            None => {
                self.index.insert(person.person.clone(), self.slots.len());
                self.slots.push(Slot {
                    person,
                    rules,
                    state: PersonState::default(),
                    pending: Vec::new(),
                    watermark: None,
                    held: Held::default(),
                });
            }
        }
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
        self.index.get(person).copied().ok_or_else(|| Error::UnknownPerson(person.to_string()))
    }

    /// Ingests one event. An exact repeat of an event still within the allowed lateness
    /// is ignored; an event later than the allowed lateness is refused.
    pub fn ingest(&mut self, event: Event) -> Result<()> {
        let i = self.slot_index(&event.person)?;
        let lateness = self.config.allowed_lateness_ms;
        let slot = &mut self.slots[i];
        slot.check(&event, lateness)?;
        slot.insert(event, lateness);
        Ok(())
    }

    /// Ingests a batch atomically: if any event is refused, none is ingested, and the
    /// error names its index in the batch. Returns the number of events ingested.
    pub fn ingest_batch(&mut self, events: impl IntoIterator<Item = Event>) -> Result<usize> {
        let events: Vec<Event> = events.into_iter().collect();
        // Dry run on the watermarks and devices the batch would produce.
        let mut trial: HashMap<usize, Slot> = HashMap::new();
        for (n, e) in events.iter().enumerate() {
            let at = Location::Index(n as u64);
            let i = self.slot_index(&e.person)?;
            let slot = trial.entry(i).or_insert_with(|| self.slots[i].shell());
            slot.check(e, self.config.allowed_lateness_ms).map_err(|err| err.at(at))?;
            slot.watermark = Some(slot.watermark.map_or(e.ts, |w| w.max(e.ts)));
            if !slot.pending.iter().any(|p| p.device() == e.device()) {
                slot.pending.push(e.clone());
            }
        }
        let n = events.len();
        for e in events {
            self.ingest(e)?;
        }
        Ok(n)
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
    pub fn assess_all(&mut self, at: Timestamp) -> Result<Vec<Assessment>> {
        let mut out = self.slots.iter_mut().map(|s| s.assess(at)).collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| a.person.cmp(&b.person));
        Ok(out)
    }

    /// The whole engine as bytes (see [`Engine::restore`]).
    ///
    /// ```
    /// use anbu::{Engine, Person};
    /// let mut engine = Engine::new();
    /// engine.add_person(Person::new("p-1", "full")?)?;
    /// let copy = Engine::restore(&engine.snapshot())?;
    /// assert_eq!(copy.len(), 1);
    /// assert!(Engine::restore(b"not a snapshot").is_err());
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
                    pending: s.pending.clone(),
                    watermark: s.watermark,
                    held: s.held.last,
                    unconfirmed_since: s.held.unconfirmed_since,
                })
                .collect(),
        };
        snapshot::encode(&snap)
    }

    /// An engine restored from [`Engine::snapshot`] bytes; it assesses exactly as the original.
    pub fn restore(bytes: &[u8]) -> Result<Engine> {
        let snap = snapshot::decode(bytes)?;
        let mut engine = Engine::with_config(snap.config).map_err(|e| Error::Snapshot(e.to_string()))?;
        for p in snap.profiles {
            engine.add_profile(p).map_err(|e| Error::Snapshot(e.to_string()))?;
        }
        for p in snap.persons {
            let id = p.person.person.clone();
            if engine.index.contains_key(&id) {
                return Err(Error::Snapshot(format!("person `{id}` appears twice")));
            }
            engine.add_person(p.person).map_err(|e| Error::Snapshot(e.to_string()))?;
            let slot = engine.slots.last_mut().ok_or_else(|| Error::Snapshot("empty".into()))?;
            let mut pending = p.pending;
            pending.sort_by(|a, b| a.canonical_cmp(b));
            pending.dedup();
            slot.state = p.state;
            slot.pending = pending;
            slot.watermark = p.watermark;
            slot.held = Held { last: p.held, unconfirmed_since: p.unconfirmed_since };
        }
        Ok(engine)
    }

    /// Approximate memory held per person's state (bytes), averaged.
    pub fn state_bytes_per_person(&self) -> usize {
        if self.slots.is_empty() {
            return 0;
        }
        let total: usize = self
            .slots
            .iter()
            .map(|s| {
                std::mem::size_of::<Slot>()
                    + s.state.size_bytes()
                    + s.person.person.capacity()
                    + s.person.profile.capacity()
                    + s.pending.capacity() * std::mem::size_of::<Event>()
            })
            .sum();
        total / self.slots.len()
    }
}

impl Slot {
    /// A copy with the state needed for the batch dry run.
    fn shell(&self) -> Slot {
        Slot {
            person: self.person.clone(),
            rules: Arc::clone(&self.rules),
            state: PersonState { devices: self.state.devices.clone(), ..PersonState::default() },
            pending: self.pending.clone(),
            watermark: self.watermark,
            held: Held::default(),
        }
    }

    fn horizon(&self, lateness: i64) -> Option<Timestamp> {
        self.watermark.map(|w| w.plus_millis(-lateness))
    }

    /// Whether `e` may be ingested.
    fn check(&self, e: &Event, lateness: i64) -> Result<()> {
        if let Some(h) = self.horizon(lateness)
            && e.ts < h
        {
            return Err(Error::LateEvent { location: None, person: e.person.clone(), ts: e.ts, horizon: h });
        }
        self.state.check(e, self.pending.iter())
    }

    fn insert(&mut self, e: Event, lateness: i64) {
        match self.pending.binary_search_by(|p| p.canonical_cmp(&e)) {
            Ok(_) => return, // an exact repeat
            Err(pos) => self.pending.insert(pos, e),
        }
        let newest = self.pending.last().map(|p| p.ts);
        self.watermark = self.watermark.max(newest);
        if let Some(h) = self.horizon(lateness) {
            let k = self.pending.partition_point(|p| p.ts < h);
            for p in self.pending.drain(..k) {
                self.state.fold(&p, &self.rules);
            }
        }
    }

    fn assess(&mut self, at: Timestamp) -> Result<Assessment> {
        if let Some(last) = self.state.last_ts
            && at < last
        {
            return Err(Error::argument(
                "at",
                format!(
                    "{at} is before {last}, the last event already folded for person `{}`; assess at or after it",
                    self.person.person
                ),
            ));
        }
        let k = self.pending.partition_point(|p| p.ts <= at);
        if k == 0 {
            return Ok(fusion::assess(&self.person.person, &self.state, &self.rules, at, &mut self.held));
        }
        let mut state = self.state.clone();
        for p in &self.pending[..k] {
            state.fold(p, &self.rules);
        }
        Ok(fusion::assess(&self.person.person, &state, &self.rules, at, &mut self.held))
    }
}
