//! Browse results kept in the server's memory between requests, so the busiest page of the
//! site does not read and copy the same fifty listings from the database for every visitor.
//!
//! A page is used again only while it is still true, which the database decides (see
//! [`crate::platform::kept`]): its network's `browse_versions` number is the one it was read
//! under (triggers move it in the same transaction as any write that could change a page,
//! `platform::db::BROWSE_TRIGGERS`), and no open listing of the network has reached its
//! expiry since it was read.

use super::{BrowseFilters, BrowseView};

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

/// Browse pages, under their network's `browse_versions` number.
pub type BrowseCache = crate::platform::kept::Kept<Key, BrowseView>;

/// A fresh, empty browse cache.
pub fn browse_cache() -> BrowseCache {
    BrowseCache::with_capacity(CAPACITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(q: &str, page: Option<u32>) -> Key {
        Key::new("n", "l", false, &BrowseFilters { q: Some(q.into()), page, ..Default::default() }, 20)
    }

    #[test]
    fn page_one_is_the_default_and_searches_are_kept_as_typed() {
        assert_eq!(key("garden hedge", None), key("garden hedge", Some(1)));
        assert_ne!(key("Garden hedge", None), key("garden hedge", None), "the kept form shows the words as typed");
        assert_ne!(key("garden", Some(1)), key("garden", Some(2)));
        let other_area = Key::new("n", "m", false, &BrowseFilters { q: Some("garden".into()), ..Default::default() }, 20);
        assert_ne!(key("garden", None), other_area);
    }
}
