//! Pages kept as rendered for readers who are not signed in ([`PageCache`]), until the change feed moves.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

/// Rendered pages by request (language and address), each with the change-feed position read before it was
/// rendered. A page is served again only while the feed is still there: any write, by this server or another on the
/// same database, makes it render afresh. Only pages that are the same for every anonymous reader of a language and
/// address belong here. It keeps a bounded number of pages; when full, the oldest goes first.
pub struct PageCache {
    pages: Mutex<Pages>,
    most: usize,
}

/// The pages kept, and the number the next one put gets.
#[derive(Default)]
struct Pages {
    by_key: HashMap<String, Kept>,
    next: u64,
}

struct Kept {
    position: i64,
    /// When it was put, to find the oldest.
    order: u64,
    html: Bytes,
}

impl PageCache {
    /// A cache of at most `most` pages (0: it keeps none).
    pub fn new(most: usize) -> Self {
        Self {
            pages: Mutex::new(Pages::default()),
            most,
        }
    }

    /// The page kept for `key`, if it was rendered at feed `position`.
    pub fn get(&self, key: &str, position: i64) -> Option<Bytes> {
        let pages = self
            .pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pages
            .by_key
            .get(key)
            .filter(|kept| kept.position == position)
            .map(|kept| kept.html.clone())
    }

    /// Keeps `html` for `key`, rendered from what the store held at feed `position`.
    pub fn put(&self, key: String, position: i64, html: Bytes) {
        if self.most == 0 {
            return;
        }
        let mut pages = self
            .pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let order = pages.next;
        pages.next += 1;
        if pages.by_key.len() >= self.most && !pages.by_key.contains_key(&key) {
            // Pages of an older position go first, then the one put first.
            let oldest = pages
                .by_key
                .iter()
                .min_by_key(|(_, kept)| (kept.position, kept.order))
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                pages.by_key.remove(&oldest);
            }
        }
        pages.by_key.insert(
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
            .by_key
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_served_only_at_the_position_it_was_rendered_at() {
        let cache = PageCache::new(4);
        cache.put("en /".into(), 7, Bytes::from_static(b"<p>seven</p>"));
        assert_eq!(cache.get("en /", 7).as_deref(), Some(&b"<p>seven</p>"[..]));
        assert_eq!(cache.get("en /", 8), None);
        assert_eq!(cache.get("th /", 7), None);
    }

    #[test]
    fn the_cache_keeps_at_most_its_bound_and_drops_the_oldest() {
        let cache = PageCache::new(16);
        for n in 0..26 {
            cache.put(format!("en /?n={n}"), 1, Bytes::from(format!("{n}")));
        }
        assert_eq!(cache.len(), 16);
        assert_eq!(cache.get("en /?n=0", 1), None);
        assert!(cache.get("en /?n=25", 1).is_some());

        let none = PageCache::new(0);
        none.put("en /".into(), 1, Bytes::from_static(b"x"));
        assert_eq!(none.get("en /", 1), None);
    }
}
