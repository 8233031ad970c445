//! Pages kept as rendered for readers who are not signed in ([`PageCache`]), until the change feed moves.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

/// How many rendered pages are kept at most; the oldest goes first.
pub const MAX_PAGES: usize = 256;

/// Rendered pages by request (language and address), each with the change-feed position read before it was
/// rendered. A page is served again only while the feed is still there: any write, by this server or another on the
/// same database, makes it render afresh. Only pages that are the same for every anonymous reader of a language and
/// address belong here.
#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<String, Kept>>,
}

struct Kept {
    position: i64,
    /// When it was put, to find the oldest.
    order: u64,
    html: Bytes,
}

impl PageCache {
    /// The page kept for `key`, if it was rendered at feed `position`.
    pub fn get(&self, key: &str, position: i64) -> Option<Bytes> {
        let pages = self
            .pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pages
            .get(key)
            .filter(|kept| kept.position == position)
            .map(|kept| kept.html.clone())
    }

    /// Keeps `html` for `key`, rendered from what the store held at feed `position`.
    pub fn put(&self, key: String, position: i64, html: Bytes) {
        let mut pages = self
            .pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let order = pages.values().map(|k| k.order).max().map_or(0, |o| o + 1);
        if pages.len() >= MAX_PAGES && !pages.contains_key(&key) {
            // Pages of an older position go first, then the one put first.
            let oldest = pages
                .iter()
                .min_by_key(|(_, kept)| (kept.position, kept.order))
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                pages.remove(&oldest);
            }
        }
        pages.insert(
            key,
            Kept {
                position,
                order,
                html,
            },
        );
    }

    /// How many pages are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_served_only_at_the_position_it_was_rendered_at() {
        let cache = PageCache::default();
        cache.put("en /".into(), 7, Bytes::from_static(b"<p>seven</p>"));
        assert_eq!(cache.get("en /", 7).as_deref(), Some(&b"<p>seven</p>"[..]));
        assert_eq!(cache.get("en /", 8), None);
        assert_eq!(cache.get("th /", 7), None);
    }

    #[test]
    fn the_cache_keeps_at_most_its_bound_and_drops_the_oldest() {
        let cache = PageCache::default();
        for n in 0..MAX_PAGES + 10 {
            cache.put(format!("en /?n={n}"), 1, Bytes::from(format!("{n}")));
        }
        assert_eq!(cache.len(), MAX_PAGES);
        assert_eq!(cache.get("en /?n=0", 1), None);
        let last = format!("en /?n={}", MAX_PAGES + 9);
        assert!(cache.get(&last, 1).is_some());
    }
}
