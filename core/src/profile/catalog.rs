//! The profiles an engine or a replay knows: the built-ins and the caller's own.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::{Profile, Rules};
use crate::error::Result;
use crate::person::Person;
use crate::vocab::Signal;

/// What a person's rules depend on: the profile, the installed devices, the consent to night
/// and holiday monitoring and whether there is a guardian.
type RulesKey = (String, Option<Vec<Signal>>, bool, bool);

/// Caller-supplied profiles by name, and compiled rules shared between persons.
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    custom: BTreeMap<String, Profile>,
    cache: HashMap<RulesKey, Arc<Rules>>,
}

impl Catalog {
    /// Adds (or replaces) a caller's profile. One named as a built-in profile overrides it
    /// here (its persons use the caller's), so that a run can change a built-in profile's
    /// keys without renaming it.
    pub fn add(&mut self, profile: Profile) -> Result<()> {
        profile.validate()?;
        self.cache.retain(|(name, ..), _| *name != profile.name);
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

    /// The compiled rules for a person (profile plus installed devices and household).
    pub fn rules_for(&mut self, person: &Person) -> Result<Arc<Rules>> {
        let (consent, guardian) = (person.night_consent(), person.guardian().is_some());
        let key = (person.profile.clone(), person.devices().map(<[Signal]>::to_vec), consent, guardian);
        if let Some(r) = self.cache.get(&key) {
            return Ok(Arc::clone(r));
        }
        let base = Rules::compile(&self.profile(&person.profile)?)?;
        let rules = Arc::new(
            match person.devices() {
                Some(d) => base.with_installed(d),
                None => base,
            }
            .with_household(consent, guardian),
        );
        self.cache.insert(key, Arc::clone(&rules));
        Ok(rules)
    }
}
