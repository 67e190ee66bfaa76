//! Device ids, interned: every person's `plug-tv` is one shared copy of the text.
//!
//! A person's devices hold their id as a [`Name`] from an engine's [`Names`], so the
//! state holds no string of its own, reasons still print the id, and two ids from one
//! `Names` are the same id exactly when they are the same pointer (a cheap test on the
//! columnar path). Only ids of registered devices are interned, and devices are never
//! removed, so the table holds no more ids than the persons' devices.

use std::collections::HashSet;
use std::sync::Arc;

/// An interned id: a thin shared pointer (8 bytes in a device's state).
pub(crate) type Name = Arc<String>;

/// A table of interned ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct Names {
    set: HashSet<Name>,
}

impl Names {
    /// The shared copy of `id`, added if new.
    pub fn intern(&mut self, id: &str) -> Name {
        // Only a new device's id is interned, rarely: the key may be built.
        let id = id.to_string();
        if let Some(n) = self.set.get(&id) {
            return Arc::clone(n);
        }
        let n = Name::new(id);
        self.set.insert(Arc::clone(&n));
        n
    }

    /// Drops the ids no device holds any more (once a person is erased, their device ids go
    /// with them).
    pub fn forget_unused(&mut self) {
        self.set.retain(|n| Arc::strong_count(n) > 1);
    }

    /// Bytes held by the table (the ids' text and the table's slots), approximately.
    pub fn size_bytes(&self) -> usize {
        self.set.capacity() * std::mem::size_of::<Name>() + self.set.iter().map(|n| n.capacity() + 40).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_copy_per_id() {
        let mut names = Names::default();
        let a = names.intern("plug-tv");
        let b = names.intern(&String::from("plug-tv"));
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.as_str(), "plug-tv");
        assert!(!Arc::ptr_eq(&a, &names.intern("phone")));
    }
}
