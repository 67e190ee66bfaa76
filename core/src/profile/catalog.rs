//! The profiles an engine or a replay knows: the built-ins and the caller's own.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::{BUILTIN_PROFILES, Profile, Rules};
use crate::error::{Error, Result};
use crate::event::Signal;
use crate::person::Person;

/// Caller-supplied profiles by name, and compiled rules shared between persons.
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    custom: BTreeMap<String, Profile>,
    cache: HashMap<(String, Option<Vec<Signal>>), Arc<Rules>>,
}

impl Catalog {
    /// Adds (or replaces) a caller's profile; built-in names are reserved.
    pub fn add(&mut self, profile: Profile) -> Result<()> {
        if BUILTIN_PROFILES.contains(&profile.name.as_str()) {
            return Err(Error::profile(
                &profile.name,
                "name",
                "is a built-in profile's name; give your profile its own name (use `extends` to start from it)",
            ));
        }
        profile.validate()?;
        self.cache.retain(|(name, _), _| *name != profile.name);
        self.custom.insert(profile.name.clone(), profile);
        Ok(())
    }

    /// The caller's profiles.
    pub fn custom(&self) -> impl Iterator<Item = &Profile> {
        self.custom.values()
    }

    /// A profile by name: the caller's first, then the built-ins.
    pub fn profile(&self, name: &str) -> Result<Profile> {
        match self.custom.get(name) {
            Some(p) => Ok(p.clone()),
            None => Profile::builtin(name),
        }
    }

    /// The compiled rules for a person (profile plus installed devices).
    pub fn rules_for(&mut self, person: &Person) -> Result<Arc<Rules>> {
        let key = (person.profile.clone(), person.devices().map(<[Signal]>::to_vec));
        if let Some(r) = self.cache.get(&key) {
            return Ok(Arc::clone(r));
        }
        let base = Rules::compile(&self.profile(&person.profile)?)?;
        let rules = Arc::new(match person.devices() {
            Some(d) => base.with_installed(d),
            None => base,
        });
        self.cache.insert(key, Arc::clone(&rules));
        Ok(rules)
    }
}
