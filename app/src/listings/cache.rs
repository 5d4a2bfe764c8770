//! Browse results kept in the server's memory between requests, so the busiest page of the
//! site does not read and copy the same fifty listings from the database for every visitor.
//!
//! A page is used again only while it is still true, which the database decides:
//! - its network's `browse_versions` number (read with the session, so checking costs no
//!   query) is the one it was read under: triggers move that number in the same
//!   transaction as any write that could change a page (`platform::db::BROWSE_TRIGGERS`);
//! - no open listing of the network has reached its expiry since it was read.
//!
//! So a server holds nothing another server could disagree with: any number of them can
//! share one database, and a restart only empties the cache. Pages read before a change
//! are never served after it, even by a server that did not make the change.

use super::{BrowseFilters, BrowseView};
use std::collections::HashMap;
use std::sync::Mutex;

/// Pages kept at most (each a few tens of kilobytes); when full, the oldest versions go first
/// and then everything: a full cache means many distinct searches, which gain little anyway.
const CAPACITY: usize = 1024;

/// Everything a page of results depends on besides the database.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    network_id: String,
    /// The viewer's own area: "my area first", and networks that keep each area's listings
    /// to its own members.
    home_locality: String,
    /// Drawn for a visitor (first names only) rather than a member.
    visitor: bool,
    filters: BrowseFilters,
    per_page: u32,
}

impl Key {
    /// The key of a page. The search words are kept as typed, since the kept page holds the
    /// form showing them; page one is the page when none is asked for.
    pub fn new(network_id: &str, home_locality: &str, visitor: bool, filters: &BrowseFilters, per_page: u32) -> Key {
        let mut filters = filters.clone();
        filters.page = Some(filters.page.unwrap_or(1).max(1));
        filters.per = None;
        Key { network_id: network_id.into(), home_locality: home_locality.into(), visitor, filters, per_page }
    }
}

struct Entry {
    version: i64,
    /// Unix seconds: the first expiry of an open listing after the page was read.
    valid_until: i64,
    /// Cheap to hand out: the cards and the page's HTML are shared.
    view: BrowseView,
}

#[derive(Default)]
pub struct BrowseCache {
    pages: Mutex<HashMap<Key, Entry>>,
}

impl std::fmt::Debug for BrowseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowseCache").field("pages", &self.len()).finish()
    }
}

impl BrowseCache {
    /// How many pages are kept.
    pub fn len(&self) -> usize {
        self.pages.lock().map(|p| p.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The page for `key` if it was read under `version` and nothing in it has expired by `now`.
    pub fn get(&self, key: &Key, version: i64, now: i64) -> Option<BrowseView> {
        let pages = self.pages.lock().ok()?;
        let e = pages.get(key)?;
        (e.version == version && now < e.valid_until).then(|| e.view.clone())
    }

    /// Keeps a page read under `version` (read before the page itself, so the page is at
    /// least that new), true until `valid_until`.
    pub fn put(&self, key: Key, version: i64, valid_until: i64, view: BrowseView) {
        let Ok(mut pages) = self.pages.lock() else { return };
        if pages.len() >= CAPACITY && !pages.contains_key(&key) {
            // Pages of older versions can never be used again.
            let newest = pages.values().filter(|e| e.version >= version).count();
            if newest < CAPACITY / 2 {
                pages.retain(|_, e| e.version >= version);
            } else {
                pages.clear();
            }
        }
        pages.insert(key, Entry { version, valid_until, view });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listings::ListingOptions;

    fn view(n: usize) -> BrowseView {
        BrowseView {
            looker: crate::listings::domain::Looker::Member,
            network: Default::default(),
            choose_network: vec![],
            cards: Default::default(),
            has_more: n > 0,
            choices: std::sync::Arc::new(ListingOptions {
                categories: vec![],
                localities: vec![],
                home_locality: "l".into(),
                visitors_see: false,
            }),
            html: "".into(),
        }
    }

    fn key(q: &str, page: Option<u32>) -> Key {
        Key::new("n", "l", false, &BrowseFilters { q: Some(q.into()), page, ..Default::default() }, 20)
    }

    #[test]
    fn a_page_is_used_only_under_its_version_and_before_expiry() {
        let c = BrowseCache::default();
        c.put(key("garden", None), 7, 1_000, view(1));
        assert!(c.get(&key("garden", None), 7, 999).is_some());
        assert!(c.get(&key("garden", None), 8, 999).is_none(), "a newer version must miss");
        assert!(c.get(&key("garden", None), 6, 999).is_none());
        assert!(c.get(&key("garden", None), 7, 1_000).is_none(), "a listing has expired");
        assert!(c.get(&key("hedge", None), 7, 999).is_none());
    }

    #[test]
    fn page_one_is_the_default_and_searches_are_kept_as_typed() {
        assert_eq!(key("garden hedge", None), key("garden hedge", Some(1)));
        assert_ne!(key("Garden hedge", None), key("garden hedge", None), "the kept form shows the words as typed");
        assert_ne!(key("garden", Some(1)), key("garden", Some(2)));
        let other_area = Key::new("n", "m", false, &BrowseFilters { q: Some("garden".into()), ..Default::default() }, 20);
        assert_ne!(key("garden", None), other_area);
    }

    #[test]
    fn a_full_cache_makes_room() {
        let c = BrowseCache::default();
        for i in 0..CAPACITY {
            c.put(key(&format!("w{i}"), None), 1, 10, view(i));
        }
        c.put(key("new", None), 2, 10, view(0));
        assert!(c.get(&key("new", None), 2, 0).is_some());
        assert!(c.pages.lock().unwrap().len() <= CAPACITY);
    }
}
