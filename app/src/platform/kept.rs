//! Results kept in the server's memory between requests, used again only while the
//! database says they are still true.
//!
//! An entry is kept under a version number the database moves on every write that could
//! change it (for listings, `browse_versions`, moved by triggers in the writing
//! transaction; read with the session, so checking costs no query), and a time after which
//! it is stale anyway (for listings, the first expiry of an open listing). So a server holds
//! nothing another server could disagree with: any number of them can share one database,
//! and a restart only empties the memory. What was read before a change is never served
//! after it, even by a server that did not make the change.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

struct Entry<V> {
    version: i64,
    /// Unix seconds: stale from then on.
    valid_until: i64,
    value: V,
}

/// Up to `capacity` entries of `V` under keys `K`.
pub struct Kept<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    capacity: usize,
}

impl<K, V> std::fmt::Debug for Kept<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.entries.lock().map(|e| e.len()).unwrap_or(0);
        f.debug_struct("Kept").field("entries", &len).field("capacity", &self.capacity).finish()
    }
}

impl<K: Hash + Eq, V: Clone> Kept<K, V> {
    pub fn with_capacity(capacity: usize) -> Self {
        Kept { entries: Mutex::new(HashMap::new()), capacity: capacity.max(2) }
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entry for `key` if it was read under `version` and is not stale at `now`.
    pub fn get(&self, key: &K, version: i64, now: i64) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let e = entries.get(key)?;
        (e.version == version && now < e.valid_until).then(|| e.value.clone())
    }

    /// Keeps a value read under `version` (read before the value itself, so the value is at
    /// least that new), true until `valid_until`. When full, entries of older versions go
    /// first (they can never be used again), and then everything: a full memory means many
    /// distinct keys, which gain little from keeping anyway.
    pub fn put(&self, key: K, version: i64, valid_until: i64, value: V) {
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            let newest = entries.values().filter(|e| e.version >= version).count();
            if newest < self.capacity / 2 {
                entries.retain(|_, e| e.version >= version);
            } else {
                entries.clear();
            }
        }
        entries.insert(key, Entry { version, valid_until, value });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_used_only_under_its_version_and_before_it_is_stale() {
        let c = Kept::with_capacity(8);
        c.put("garden", 7, 1_000, 1);
        assert_eq!(c.get(&"garden", 7, 999), Some(1));
        assert_eq!(c.get(&"garden", 8, 999), None, "a newer version must miss");
        assert_eq!(c.get(&"garden", 6, 999), None);
        assert_eq!(c.get(&"garden", 7, 1_000), None, "stale");
        assert_eq!(c.get(&"hedge", 7, 999), None);
    }

    #[test]
    fn a_full_memory_makes_room() {
        let c = Kept::with_capacity(16);
        for i in 0..16 {
            c.put(i, 1, 10, i);
        }
        c.put(100, 2, 10, 100);
        assert_eq!(c.get(&100, 2, 0), Some(100));
        assert!(c.len() <= 16);
        // Mostly of the newest version: everything goes but the new one.
        for i in 0..16 {
            c.put(200 + i, 3, 10, i);
        }
        assert!(c.len() <= 16);
        assert_eq!(c.get(&215, 3, 0), Some(15));
    }
}
