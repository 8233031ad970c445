//! The repository code both backends share: one file per aggregate under `repo/`, each with its plain SQL, its
//! private `FromRow` row structs and their conversion into domain types, and its part of the [`crate::Store`] traits.
//!
//! This file and `repo/` are compiled twice, as a module of `sqlite.rs` and as one of `postgres.rs` (through
//! `#[path]`), each time with that backend's `dialect` module visible as `super::dialect`: the database type `Db`,
//! the store type `DbStore`, and the few statements that differ between the engines. So the code is written once
//! but against concrete types, and `FromRow`, `query_as` and binds need no generic bounds. The SQL here is what both
//! engines run: lower-case keywords, `$n` placeholders (which SQLite accepts too), `on conflict … do update`, `||`
//! and `like … escape`. This code must not name a backend or test which one it runs on: what differs belongs in the
//! dialects, which this code calls and which never call back.
use super::dialect;

#[path = "repo/accounts.rs"]
mod accounts;
#[path = "repo/cities.rs"]
mod cities;
#[path = "repo/entries.rs"]
mod entries;
#[path = "repo/interests.rs"]
mod interests;
#[path = "repo/journal.rs"]
mod journal;
#[path = "repo/migrations.rs"]
mod migrations;
#[path = "repo/observations.rs"]
mod observations;
#[path = "repo/orgs.rs"]
mod orgs;
#[path = "repo/partnerships.rs"]
mod partnerships;
#[path = "repo/reference.rs"]
mod reference;
#[path = "repo/sessions.rs"]
mod sessions;
#[path = "repo/standards.rs"]
mod standards;
#[path = "repo/threads.rs"]
mod threads;

pub(super) use migrations::apply_migrations;

/// How many values one `in (…)` list binds at most: well under both engines' limits on parameters.
const IN_LIST_CHUNK: usize = 500;

/// The placeholders of `count` values bound from `$from` on, as an `in (…)` list takes them: `$3, $4, $5`.
fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A stored row the domain refuses: written by something other than this code, or changed by hand.
/// The key a page of text keys starts after: `after`, or for the first page the empty string, which no key is
/// before. The condition `key > $n` then always holds a value, and the engine seeks to it in the key's index; written
/// `($n is null or key > $n)` it cannot, and reads every row from the first on each page (at 1 M entries, a page
/// near the end took 270 ms instead of 1.5 ms).
fn key_after(after: Option<&str>) -> &str {
    after.unwrap_or("")
}

fn corrupt(table: &str, id: &str, error: impl std::fmt::Display) -> crate::StoreError {
    crate::StoreError::Other(anyhow::anyhow!("corrupt row in {table} ({id}): {error}"))
}
