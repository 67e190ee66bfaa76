//! Persons from JS: `{ person, profile, devices? }` rows read by the core's `PersonRecord`.
#![forbid(unsafe_code)]

use anbu::{Person, PersonRecord};
use napi::bindgen_prelude::Unknown;

use crate::value::{rows, set_cells};

/// A person: `{ person, profile, devices? }` (the spec's Persons row), read by the core's
/// [`PersonRecord::set`]; `devices` may be a list.
pub fn person(v: Unknown<'_>) -> anbu::Result<Person> {
    let mut r = PersonRecord::default();
    set_cells("person", v, |field, value| r.set(field, value))?;
    Person::try_from(r)
}

/// A list of persons.
pub fn persons(v: Unknown<'_>) -> anbu::Result<Vec<Person>> {
    rows("persons", v, person)
}
