//! The one coder of persons and devices, shared by the engine and the replay: a person's id
//! to their index ([`Persons`]), and a person's device id to the index of the device in their
//! state ([`device`]), with one policy. A device is registered when its first event is taken,
//! at most [`MAX_DEVICES_PER_PERSON`] per person; the event of one more is refused with the
//! error of [`too_many_devices`] (by the engine: that event, or the whole atomic batch, which
//! checks first with [`NewDevices`]; by a replay: the replay).
//!
//! An engine's events one at a time are coded by their device id, a scan of the person's
//! few devices. A batch's rows are coded by a key instead, a code of the batch's distinct ids
//! ([`DeviceIds`]): a replay's events hash their id once each (in parts, on every core), a
//! columnar batch (an engine's, a replay's) each entry of its dictionary once ([`BatchKeys`]),
//! and no row is hashed again: each person's keys are looked up in a short table
//! ([`DeviceKeyTable`]) that gives a key's device index once one of its rows was coded.
//!
//! ```
//! use anbu::{Engine, Event, EventKind, Person, ReplayOptions, replay, MAX_DEVICES_PER_PERSON};
//! let t0: anbu::Timestamp = "2024-05-01T09:00:00+09:00".parse()?;
//! let plug = |i: usize| {
//!     let ts = t0.plus_millis(i as i64 * anbu::MINUTE_MS);
//!     Event::new("p-1", ts, Some(&format!("plug-{i}")), EventKind::plug(5.0))
//! };
//! let events = (0..=MAX_DEVICES_PER_PERSON).map(plug).collect::<Result<Vec<_>, _>>()?;
//! let persons = [Person::new("p-1", "full")?];
//! // The engine takes the 32nd device and refuses the 33rd...
//! let mut engine = Engine::new();
//! engine.add_person(persons[0].clone())?;
//! engine.ingest_batch(events[..MAX_DEVICES_PER_PERSON].to_vec())?;
//! let refused = engine.ingest(events[MAX_DEVICES_PER_PERSON].clone()).unwrap_err();
//! assert!(refused.to_string().ends_with("`plug-32` would be one more"), "{refused}");
//! // ...and a replay of the same events is refused with the same error.
//! let err = replay(events, &persons, &ReplayOptions::default()).unwrap_err();
//! assert_eq!(err.to_string(), refused.to_string());
//! # Ok::<(), anbu::Error>(())
//! ```

use std::borrow::Cow;
use std::collections::HashMap;

use crate::clip::clip;
use crate::columns::EventColumns;
use crate::device::DeviceState;
use crate::error::{Error, Location, Result};
use crate::limits::{self, MAX_DEVICES_PER_PERSON, MAX_PERSONS};
use crate::names::Name;
use crate::vocab::Signal;

/// Persons by id: each one's index (an engine's slot, a replay's place in its persons).
#[derive(Clone, Debug, Default)]
pub(crate) struct Persons<'a> {
    index: HashMap<Cow<'a, str>, usize>,
}

impl<'a> Persons<'a> {
    /// The index of person `id`, if known.
    #[inline]
    pub fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The index of person `id`; an unknown person is [`Error::UnknownPerson`] (an engine's error).
    pub fn index(&self, id: &str) -> Result<usize> {
        self.get(id).ok_or_else(|| Error::UnknownPerson(id.to_string()))
    }

    /// The index of person `id` of the input's row `row`; an unknown person is the error of
    /// [`not_in_persons`] (a replay's error).
    pub fn index_at(&self, id: &str, row: usize) -> Result<usize> {
        self.get(id).ok_or_else(|| not_in_persons(id, row))
    }

    /// The index of each person id of a batch's dictionary, once per entry.
    pub fn dictionary(&self, names: &[&str]) -> Vec<Option<usize>> {
        names.iter().map(|name| self.get(name)).collect()
    }

    /// Adds a new person, the next index (`what` says where, for the error past
    /// [`MAX_PERSONS`]: `persons in one engine`); a person known already is refused as listed
    /// twice, naming their place.
    pub fn add(&mut self, id: impl Into<Cow<'a, str>>, what: &str) -> Result<usize> {
        let (id, i) = (id.into(), self.index.len());
        limits::at_most("persons", i + 1, MAX_PERSONS, what)?;
        if self.index.contains_key(&id) {
            return Err(
                Error::field("person", format!("`{id}` is listed twice in persons")).at(Location::Index(i as u64))
            );
        }
        self.index.insert(id, i);
        Ok(i)
    }

    /// Forgets person `id` and gives their index; the persons after them move up one.
    pub fn remove(&mut self, id: &str) -> Option<usize> {
        let i = self.index.remove(id)?;
        for v in self.index.values_mut().filter(|v| **v > i) {
            *v -= 1;
        }
        Some(i)
    }
}

/// The error for the event at `row` of a person not in the replay's persons.
pub(crate) fn not_in_persons(person: &str, row: usize) -> Error {
    Error::field("person", format!("`{person}` is not in persons")).at(Location::Index(row as u64))
}

/// Whether events of a signal come from a device whose reports are tracked (an absence,
/// the emergency button and what a visit found are the person's, not a device's): only
/// those devices are registered.
pub(crate) fn tracks_device(signal: Signal) -> bool {
    !matches!(signal, Signal::Away | Signal::Sos | Signal::Disposition)
}

/// The error for an event of `device`, a device more than the [`MAX_DEVICES_PER_PERSON`] the
/// person `person` has already: names both and the limit.
pub(crate) fn too_many_devices(person: &str, device: &str) -> Error {
    Error::field(
        "device",
        format!(
            "person `{}` already has {MAX_DEVICES_PER_PERSON} devices, the most one person may have: `{}` would be one more",
            clip(person),
            clip(device)
        ),
    )
}

/// Refuses device `id` for a person who has `devices` already (those registered, and those
/// a batch would register before it).
fn room_for(person: &str, devices: usize, id: &str) -> Result<()> {
    if devices >= MAX_DEVICES_PER_PERSON {
        return Err(too_many_devices(person, id));
    }
    Ok(())
}

/// The index of the device `id` among a person's devices, if registered (a scan of at most
/// [`MAX_DEVICES_PER_PERSON`]).
#[inline]
pub(crate) fn device_index(devices: &[DeviceState], id: &str) -> Option<usize> {
    devices.iter().position(|d| d.id.as_str() == id)
}

/// The index of person `person`'s device `id`, registered if new (its id from `name`, called
/// only then); past [`MAX_DEVICES_PER_PERSON`], the error of [`too_many_devices`].
pub(crate) fn device(
    devices: &mut Vec<DeviceState>,
    person: &str,
    id: &str,
    name: impl FnOnce() -> Name,
) -> Result<u32> {
    if let Some(i) = device_index(devices, id) {
        return Ok(i as u32);
    }
    room_for(person, devices.len(), id)?;
    // Devices come rarely and stay: no room is kept for more.
    devices.reserve_exact(1);
    devices.push(DeviceState::new(name()));
    Ok(devices.len() as u32 - 1)
}

/// The devices a batch would register for one person, checked before anything is taken (an
/// atomic batch refuses all its events if one is refused).
#[derive(Debug, Default)]
pub(crate) struct NewDevices<'b> {
    /// In order; at most [`MAX_DEVICES_PER_PERSON`].
    ids: Vec<&'b str>,
}

impl<'b> NewDevices<'b> {
    /// Checks that the person (with `devices`) may have device `id` after the batch's devices
    /// before it, as [`device`] would register it, noting it if new.
    pub fn check(&mut self, devices: &[DeviceState], person: &str, id: &'b str) -> Result<()> {
        if device_index(devices, id).is_none() && !self.ids.contains(&id) {
            room_for(person, devices.len() + self.ids.len(), id)?;
            self.ids.push(id);
        }
        Ok(())
    }
}

/// Device ids coded by first appearance, and finally by rank (the ids' order, so that the
/// codes of ids coded in parts agree).
#[derive(Default)]
pub(crate) struct DeviceIds<'a> {
    codes: HashMap<&'a str, u32>,
}

impl<'a> DeviceIds<'a> {
    /// The code of `id`, the next one if new.
    pub fn code(&mut self, id: &'a str) -> u32 {
        let next = self.codes.len() as u32;
        *self.codes.entry(id).or_insert(next)
    }

    /// How many distinct ids.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Codes this table's ids in `all`: the code in `all` of each of this table's codes.
    pub fn codes_in(&self, all: &mut DeviceIds<'a>) -> Vec<u32> {
        let mut to = vec![u32::MAX; self.codes.len()];
        for (id, code) in &self.codes {
            if let Some(t) = to.get_mut(*code as usize) {
                *t = all.code(id);
            }
        }
        to
    }

    /// The rank of each code's id, and the ids by rank, as names.
    pub fn ranks(self) -> (Vec<u32>, Vec<Name>) {
        let mut by_code: Vec<(&str, u32)> = self.codes.into_iter().collect();
        by_code.sort_unstable();
        let mut rank = vec![u32::MAX; by_code.len()];
        for (r, (_, code)) in by_code.iter().enumerate() {
            if let Some(x) = rank.get_mut(*code as usize) {
                *x = r as u32;
            }
        }
        (rank, by_code.into_iter().map(|(id, _)| Name::new(id.to_string())).collect())
    }
}

/// The device keys of a columnar batch: a row's key is the code (by [`DeviceIds`]) of its
/// device id, the dictionary's entry or, for a row without one, its signal's name; entries
/// that repeat an id share its key.
pub(crate) struct BatchKeys {
    /// The key of each dictionary entry, then of each signal's default id.
    of: Vec<u32>,
    entries: usize,
}

impl BatchKeys {
    /// The keys of `batch`'s rows, their ids coded in `ids`.
    pub fn new<'a>(batch: &EventColumns<'a>, ids: &mut DeviceIds<'a>) -> BatchKeys {
        let names = batch.device_names();
        let defaults = Signal::ALL.iter().map(|s| s.as_str());
        let of = names.iter().copied().chain(defaults).map(|id| ids.code(id)).collect();
        BatchKeys { of, entries: names.len() }
    }

    /// The keys recoded to `to` (each key's new code: the ranks of [`DeviceIds::ranks`]).
    pub fn recoded(self, to: &[u32]) -> BatchKeys {
        let of = self.of.iter().map(|k| to.get(*k as usize).copied().unwrap_or(u32::MAX)).collect();
        BatchKeys { of, ..self }
    }

    /// The key of a row with device dictionary code `device` (none: the signal's name).
    #[inline]
    pub fn key(&self, device: Option<u32>, signal: Signal) -> u32 {
        let k = device.map_or(self.entries + signal as usize, |d| d as usize);
        self.of.get(k).copied().unwrap_or(u32::MAX)
    }
}

/// One person's devices by key (a rank, a batch's key): the device index of each key coded
/// so far, in a list searched from the start. A key is one id, and each id one device (at
/// most [`MAX_DEVICES_PER_PERSON`]), so the list stays that short (a [`DeviceKeyTable`]'s
/// list form).
#[derive(Debug, Default)]
pub(crate) struct DeviceKeys {
    keys: Vec<(u32, u32)>,
}

impl DeviceKeys {
    /// The code noted for `key`.
    #[inline]
    pub fn get(&self, key: u32) -> Option<u32> {
        self.keys.iter().find(|(k, _)| *k == key).map(|(_, c)| *c)
    }

    /// Notes `code` for `key`.
    pub fn set(&mut self, key: u32, code: u32) {
        match self.keys.iter_mut().find(|(k, _)| *k == key) {
            Some((_, c)) => *c = code,
            None => self.keys.push((key, code)),
        }
    }
}

/// A key checked for a person in an atomic batch's dry run ([`NewDevices`]), its index not known yet.
pub(crate) const CHECKED: u32 = u32::MAX - 1;

/// No entry in a [`DeviceKeyTable`].
const NO_CODE: u32 = u32::MAX;

/// The [`DeviceKeys`] of each person of a batch (by their part: the order they first come
/// in): a dense table of every key while it is small next to the batch (the common case: a
/// few device ids), else a list per person.
pub(crate) enum DeviceKeyTable {
    Dense { keys: usize, codes: Vec<u32>, rows: usize },
    Lists(Vec<DeviceKeys>),
}

impl DeviceKeyTable {
    /// A table for `keys` keys (see [`BatchKeys`]) of a batch of `rows` rows.
    pub fn new(keys: usize, rows: usize) -> Self {
        DeviceKeyTable::Dense { keys, codes: Vec::new(), rows }
    }

    /// A table of one person (part 0), for keys of any number (the ranks of a replay's ids).
    pub fn one_person() -> Self {
        DeviceKeyTable::Lists(vec![DeviceKeys::default()])
    }

    /// Makes room for one more person.
    pub fn add_part(&mut self) {
        match self {
            DeviceKeyTable::Dense { keys, codes, rows } => {
                if codes.len() + *keys <= 4 * *rows + 4096 {
                    codes.resize(codes.len() + *keys, NO_CODE);
                } else {
                    let lists = codes
                        .chunks(*keys)
                        .map(|c| {
                            let keys = c.iter().enumerate().filter(|(_, v)| **v != NO_CODE);
                            DeviceKeys { keys: keys.map(|(k, v)| (k as u32, *v)).collect() }
                        })
                        .chain(std::iter::once(DeviceKeys::default()))
                        .collect();
                    *self = DeviceKeyTable::Lists(lists);
                }
            }
            DeviceKeyTable::Lists(lists) => lists.push(DeviceKeys::default()),
        }
    }

    /// The code noted for `key` of person `part`.
    #[inline]
    pub fn get(&self, part: usize, key: u32) -> Option<u32> {
        match self {
            DeviceKeyTable::Dense { keys, codes, .. } => {
                codes.get(part * *keys + key as usize).copied().filter(|c| *c != NO_CODE)
            }
            DeviceKeyTable::Lists(lists) => lists.get(part)?.get(key),
        }
    }

    /// Notes `code` for `key` of person `part`.
    pub fn set(&mut self, part: usize, key: u32, code: u32) {
        match self {
            DeviceKeyTable::Dense { keys, codes, .. } => {
                if let Some(c) = codes.get_mut(part * *keys + key as usize) {
                    *c = code;
                }
            }
            DeviceKeyTable::Lists(lists) => {
                if let Some(list) = lists.get_mut(part) {
                    list.set(key, code);
                }
            }
        }
    }

    /// Person `part`'s device index of `key`, whose device id is `id`: the one noted, else
    /// (not noted yet, or only [`CHECKED`]) as [`device`] gives it (registered if new), then noted.
    pub fn code(
        &mut self,
        part: usize,
        devices: &mut Vec<DeviceState>,
        person: &str,
        key: u32,
        id: &str,
        name: impl FnOnce() -> Name,
    ) -> Result<u32> {
        if let Some(c) = self.get(part, key).filter(|c| *c != CHECKED) {
            return Ok(c);
        }
        let c = device(devices, person, id, name)?;
        self.set(part, key, c);
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(id: &str) -> Name {
        Name::new(id.to_string())
    }

    /// A person with `n` devices `plug-0`...
    fn devices(n: usize) -> Vec<DeviceState> {
        let mut devices = Vec::new();
        for i in 0..n {
            let id = format!("plug-{i}");
            assert_eq!(device(&mut devices, "p-1", &id, || name(&id)).unwrap(), i as u32);
        }
        devices
    }

    const REFUSED: &str = "field `device`: person `p-1` already has 32 devices, the most one person may have: `plug-32` would be one more";

    #[test]
    fn the_32nd_device_is_registered_and_the_33rd_refused() {
        let mut d = devices(MAX_DEVICES_PER_PERSON - 1);
        assert_eq!(device(&mut d, "p-1", "plug-31", || name("plug-31")).unwrap(), 31);
        let err = device(&mut d, "p-1", "plug-32", || unreachable!("a refused id is not named")).unwrap_err();
        assert_eq!(err.to_string(), REFUSED);
        // A device the person has keeps its index, and nothing was added.
        assert_eq!(device(&mut d, "p-1", "plug-7", || unreachable!()).unwrap(), 7);
        assert_eq!(d.len(), MAX_DEVICES_PER_PERSON);
    }

    #[test]
    fn a_dry_run_counts_the_devices_before_it() {
        let d = devices(MAX_DEVICES_PER_PERSON - 2);
        let mut new = NewDevices::default();
        for id in ["plug-30", "plug-3", "plug-30", "plug-31"] {
            new.check(&d, "p-1", id).unwrap();
        }
        assert_eq!(new.check(&d, "p-1", "plug-32").unwrap_err().to_string(), REFUSED);
        new.check(&d, "p-1", "plug-31").unwrap();
    }

    #[test]
    fn keys_code_each_id_once_and_refuse_the_33rd() {
        let mut d = devices(MAX_DEVICES_PER_PERSON - 1);
        let mut keys = DeviceKeyTable::one_person();
        assert_eq!(keys.code(0, &mut d, "p-1", 900, "plug-31", || name("plug-31")).unwrap(), 31);
        // Noted: the id is not looked at again.
        assert_eq!(keys.code(0, &mut d, "p-1", 900, "other", || unreachable!()).unwrap(), 31);
        assert_eq!(keys.code(0, &mut d, "p-1", 4, "plug-4", || unreachable!()).unwrap(), 4);
        let err = keys.code(0, &mut d, "p-1", 5, "plug-32", || name("plug-32")).unwrap_err();
        assert_eq!(err.to_string(), REFUSED);
        assert_eq!(keys.get(0, 5), None);
    }

    #[test]
    fn a_table_turns_to_lists_and_keeps_its_codes() {
        let mut table = DeviceKeyTable::new(3, 0);
        let mut d = devices(2);
        for part in 0..2000 {
            table.add_part();
            table.set(part, 2, CHECKED);
        }
        assert!(matches!(table, DeviceKeyTable::Lists(_)));
        assert_eq!(table.get(1999, 2), Some(CHECKED));
        assert_eq!(table.get(1999, 1), None);
        // A key checked in the dry run is coded when taken.
        assert_eq!(table.code(1999, &mut d, "p-1", 2, "plug-1", || unreachable!()).unwrap(), 1);
        assert_eq!(table.get(1999, 2), Some(1));
    }

    #[test]
    fn ids_rank_by_text_and_batch_keys_share_a_repeated_id() {
        let mut ids = DeviceIds::default();
        assert_eq!((ids.code("plug"), ids.code("door"), ids.code("plug")), (0, 1, 0));
        let mut all = DeviceIds::default();
        all.code("door");
        assert_eq!(ids.codes_in(&mut all), [1, 0]);
        let (rank, names) = all.ranks();
        assert_eq!((rank, names.iter().map(|n| n.as_str()).collect::<Vec<_>>()), (vec![0, 1], vec!["door", "plug"]));

        // A batch's dictionary that repeats `door`, and a row that names no device (`door`).
        let (ts, codes, valid) =
            ([1_714_523_400_000, 1_714_523_400_001, 1_714_523_400_002], [0, 1, 0], [true, true, false]);
        let state = [crate::DoorState::Open; 3];
        let batch = EventColumns::builder(&["p-1"], &[0; 3], &ts, &[Signal::Door; 3])
            .device(&["door", "door"], crate::Column::with_validity(&codes, &valid))
            .state(crate::Column::new(&state))
            .build()
            .unwrap();
        let mut ids = DeviceIds::default();
        let keys = BatchKeys::new(&batch, &mut ids);
        let door = keys.key(Some(0), Signal::Door);
        assert_eq!((keys.key(Some(1), Signal::Door), keys.key(None, Signal::Door)), (door, door));
        assert_ne!(keys.key(None, Signal::Plug), door);
        let (rank, names) = ids.ranks();
        let keys = keys.recoded(&rank);
        assert_eq!(names[keys.key(None, Signal::Door) as usize].as_str(), "door");
        assert_eq!(names[keys.key(None, Signal::Sos) as usize].as_str(), "sos");
    }

    #[test]
    fn a_replay_codes_as_the_engine_does() {
        let t0: crate::Timestamp = "2024-05-01T09:00:00+09:00".parse().unwrap();
        let plug = |i: usize| {
            let id = format!("plug-{i}");
            let kind = crate::EventKind::plug(5.0);
            crate::Event::new("p-1", t0.plus_millis(i as i64), Some(&id), kind).unwrap()
        };
        let persons = [crate::Person::new("p-1", "full").unwrap()];
        let options = crate::ReplayOptions::default();
        let events: Vec<crate::Event> = (0..MAX_DEVICES_PER_PERSON).map(plug).collect();
        assert!(!crate::replay(events.clone(), &persons, &options).unwrap().is_empty());
        let more: Vec<crate::Event> = events.iter().cloned().chain([plug(MAX_DEVICES_PER_PERSON)]).collect();
        let columns = crate::OwnedColumns::of(&more);
        let refused = crate::replay_columns(&columns.batch().unwrap(), &persons, &options).unwrap_err();
        assert_eq!(refused.to_string(), REFUSED);
        assert_eq!(crate::replay(more.clone(), &persons, &options).unwrap_err().to_string(), REFUSED);
        // A person unknown to the replay is named with their row.
        let mut stranger = plug(0);
        stranger.person = "p-9".into();
        let err = crate::replay(vec![plug(1), stranger.clone()], &persons, &options).unwrap_err();
        assert_eq!(err.to_string(), "row 1: field `person`: `p-9` is not in persons");
        let columns = crate::OwnedColumns::of(&[plug(1), stranger]);
        let err = crate::replay_columns(&columns.batch().unwrap(), &persons, &options).unwrap_err();
        assert_eq!(err.to_string(), "row 1: field `person`: `p-9` is not in persons");
    }

    #[test]
    fn persons_are_indexed_in_order_and_move_up_when_one_goes() {
        let mut persons = Persons::default();
        for id in ["p-1", "p-2", "p-3"] {
            persons.add(id, "persons in one engine").unwrap();
        }
        let twice = persons.add("p-2", "persons in one engine").unwrap_err();
        assert_eq!(twice.to_string(), "row 3: field `person`: `p-2` is listed twice in persons");
        assert_eq!(
            persons.index_at("p-9", 7).unwrap_err().to_string(),
            "row 7: field `person`: `p-9` is not in persons"
        );
        assert_eq!(persons.index("p-9").unwrap_err().kind(), crate::ErrorKind::UnknownPerson);
        assert_eq!(persons.remove("p-1"), Some(0));
        assert_eq!(persons.dictionary(&["p-3", "p-1", "p-2"]), [Some(1), None, Some(0)]);
    }
}
