//! Files held between the check of an upload and its writing: a browser uploads a file, sees what it would write,
//! and confirms. The file stays on the server, bound to the account that uploaded it and the city it was sent
//! for, so that the bytes written are the bytes checked and no other account can write them.
//!
//! The store is in memory, bounded (per account and in all) and expiring: a file is a convenience for the next few
//! minutes, never data. A file that is gone (expired, pushed out, or held by another node of a cluster) is asked
//! for again. Nothing here checks permissions beyond the binding: the import does, when the file is written.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mitra_domain::{AccountId, CityId};

/// How long an uploaded file is held for its confirmation.
pub const HELD_FOR: Duration = Duration::from_secs(30 * 60);
/// Files one account may have waiting for confirmation; an older one gives way to a new one.
const PER_ACCOUNT: usize = 3;
/// Bytes held in all; the oldest files give way to a new one beyond it.
const TOTAL_BYTES: usize = 64 * 1024 * 1024;

/// Who holds a file: an account, or the operator (who has none).
type Holder = Option<AccountId>;

struct Held {
    holder: Holder,
    city: CityId,
    name: String,
    bytes: Vec<u8>,
    since: Instant,
}

/// The files held for confirmation, by a random key.
#[derive(Default)]
pub(crate) struct HeldUploads {
    files: Mutex<HashMap<String, Held>>,
}

impl std::fmt::Debug for HeldUploads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldUploads").finish_non_exhaustive()
    }
}

impl HeldUploads {
    /// Holds `bytes` (uploaded as `name`) for `holder`'s confirmation of an import for `city`; returns its key.
    pub(crate) fn hold(&self, holder: Holder, city: &CityId, name: &str, bytes: Vec<u8>) -> String {
        self.hold_at(holder, city, name, bytes, Instant::now())
    }

    fn hold_at(
        &self,
        holder: Holder,
        city: &CityId,
        name: &str,
        bytes: Vec<u8>,
        now: Instant,
    ) -> String {
        let key = crate::auth::form_token();
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.retain(|_, held| now.duration_since(held.since) < HELD_FOR);
        // The holder's own oldest files give way first, then anyone's oldest while the total is too large.
        loop {
            let mine: Vec<(&String, Instant)> = files
                .iter()
                .filter(|(_, held)| held.holder == holder)
                .map(|(key, held)| (key, held.since))
                .collect();
            let total: usize = files.values().map(|held| held.bytes.len()).sum();
            let oldest = if mine.len() >= PER_ACCOUNT {
                mine.into_iter().min_by_key(|(_, since)| *since)
            } else if total + bytes.len() > TOTAL_BYTES && !files.is_empty() {
                files
                    .iter()
                    .map(|(key, held)| (key, held.since))
                    .min_by_key(|(_, since)| *since)
            } else {
                None
            };
            match oldest.map(|(key, _)| key.clone()) {
                Some(oldest) => {
                    files.remove(&oldest);
                }
                None => break,
            }
        }
        files.insert(
            key.clone(),
            Held {
                holder,
                city: city.clone(),
                name: name.to_owned(),
                bytes,
                since: now,
            },
        );
        key
    }

    /// The file held under `key` for `holder` and `city`, with its name, if it is still there. Another account's
    /// key, or a key for another city, finds nothing.
    pub(crate) fn find(
        &self,
        holder: &Holder,
        city: &CityId,
        key: &str,
    ) -> Option<(String, Vec<u8>)> {
        self.find_at(holder, city, key, Instant::now())
    }

    fn find_at(
        &self,
        holder: &Holder,
        city: &CityId,
        key: &str,
        now: Instant,
    ) -> Option<(String, Vec<u8>)> {
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files
            .get(key)
            .filter(|held| {
                held.holder == *holder
                    && held.city == *city
                    && now.duration_since(held.since) < HELD_FOR
            })
            .map(|held| (held.name.clone(), held.bytes.clone()))
    }

    /// Lets go of the file under `key` once it is written.
    pub(crate) fn release(&self, key: &str) {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: u8) -> Holder {
        Some(AccountId::parse(&format!("00000000-0000-7000-8000-0000000000{n:02x}")).expect("id"))
    }

    fn city(id: &str) -> CityId {
        CityId::parse(id).expect("city")
    }

    #[test]
    fn a_held_file_is_found_only_by_its_account_for_its_city_and_not_after_it_expires() {
        let held = HeldUploads::default();
        let now = Instant::now();
        let key = held.hold_at(account(1), &city("bangkok"), "a.csv", b"x".to_vec(), now);
        assert_eq!(
            held.find_at(&account(1), &city("bangkok"), &key, now),
            Some(("a.csv".into(), b"x".to_vec()))
        );
        assert_eq!(held.find_at(&account(2), &city("bangkok"), &key, now), None);
        assert_eq!(held.find_at(&None, &city("bangkok"), &key, now), None);
        assert_eq!(held.find_at(&account(1), &city("hanoi"), &key, now), None);
        assert_eq!(
            held.find_at(&account(1), &city("bangkok"), &key, now + HELD_FOR),
            None
        );
        held.release(&key);
        assert_eq!(held.find_at(&account(1), &city("bangkok"), &key, now), None);
    }

    #[test]
    fn an_account_holds_a_few_files_and_the_store_a_bounded_number_of_bytes() {
        let held = HeldUploads::default();
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        let keys: Vec<String> = (0..4)
            .map(|n| held.hold_at(account(1), &city("bangkok"), "a.csv", vec![0; 10], at(n)))
            .collect();
        let found: Vec<bool> = keys
            .iter()
            .map(|k| {
                held.find_at(&account(1), &city("bangkok"), k, at(5))
                    .is_some()
            })
            .collect();
        assert_eq!(found, [false, true, true, true], "the oldest gave way");
        let big = held.hold_at(
            account(2),
            &city("hanoi"),
            "b.csv",
            vec![0; TOTAL_BYTES - 20],
            at(6),
        );
        assert!(
            held.find_at(&account(2), &city("hanoi"), &big, at(7))
                .is_some()
        );
        let still: usize = keys
            .iter()
            .filter(|k| {
                held.find_at(&account(1), &city("bangkok"), k, at(7))
                    .is_some()
            })
            .count();
        assert_eq!(
            still, 2,
            "the oldest files gave way to keep the total bounded"
        );
    }
}
