//! How Mitra's data is kept: the only crate that writes SQL.
//!
//! [`Store`] is the whole repository API, split into one trait per aggregate; [`connect`] picks SQLite or PostgreSQL
//! from the URL and returns it as `Arc<dyn Store>`. Both backends run the same contract test suite. Every write is a
//! transaction that also appends to the audit log and the change feed, so derived state (search index, analytics
//! caches) can follow the feed and auditors can read the log. This crate must not know about HTTP, sessions or
//! permissions: every write takes the [`mitra_domain::access::AuditStamp`] that only a permission
//! check's handle hands out, so a caller cannot write without having decided that the write is allowed.
//!
//! # Layout
//!
//! - `lib.rs` (here): the traits, [`connect`] and [`Backend`]. `accounts.rs`, `entries.rs`, `interests.rs`,
//!   `journal.rs` and `observations.rs`: the records and traits of those aggregates, without SQL. `error.rs`: [`StoreError`], which
//!   turns database errors into words that do not depend on the backend. `migrate.rs`: the list of migrations
//!   (`migrations/sqlite/` and `migrations/postgres/`, identical file names) and their checksums.
//! - `repo.rs` and `repo/`: the repository itself, one file per aggregate (`reference.rs`, `cities.rs`,
//!   `standards.rs`, `journal.rs`, `accounts.rs`, `sessions.rs`, `orgs.rs`, `observations.rs`, `entries.rs`,
//!   `interests.rs`, and the migration runner `migrations.rs`), with plain SQL that both engines run and private `FromRow` row structs
//!   converted into domain types.
//! - `sqlite.rs` and `postgres.rs`: opening each kind of database; `sqlite/dialect.rs` and `postgres/dialect.rs`:
//!   what the engines do differently (how a write transaction begins, the change-feed lock, the bulk insert of
//!   observations).
//!
//! # How the two backends share code
//!
//! No generic code and no macro: `sqlite.rs` and `postgres.rs` each compile `repo.rs` (and so `repo/`) as their
//! own child module with `#[path = "repo.rs"] mod repo;`. Inside, every file names the backend only through
//! `super::dialect` (`Db`, the sqlx database; `DbStore`, the store struct; and the dialect's constants and
//! statements), so the same source becomes two concrete implementations, one for `sqlx::Sqlite` and one for
//! `sqlx::Postgres`. The shared code calls the dialect, never the other way round.

mod accounts;
mod entries;
mod error;
mod interests;
mod journal;
mod migrate;
mod observations;
mod partnerships;
mod postgres;
mod sqlite;
#[cfg(feature = "test-support")]
pub mod test_support;

use std::sync::Arc;

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::reference::ReferenceData;
use mitra_domain::{
    City, CityFilter, CityId, Country, CrosswalkEntry, FocusArea, Indicator, IndicatorId,
    PageRequest, PopulationPoint, Standard, StandardId, StandardSummary,
};

pub use accounts::{
    AccountStore, ApiTokenRecord, AuditFilter, Credentials, NewAccount, OneTimeToken, OrgStore,
    SessionRecord, SessionStore, TokenPurpose,
};
pub use entries::{
    Attachment, Enrolment, EntryImport, EntryStore, EntryWrites, IndexedEntry, StoredEntry,
};
pub use error::{ConflictKind, StoreError};
pub use interests::{
    InterestFilter, InterestMessage, InterestRecord, InterestStore, MailDue, NewInterest,
    NotificationAbout, NotificationRecord, OrgName, ThreadChange,
};
pub use journal::{AuditEntry, Change, ReferenceChanges, ReferenceState};
pub use migrate::MIGRATION_NAMES;
pub use observations::{ObservationFilter, ObservationStore, PanelValue, UpsertReport};
pub use partnerships::{
    ActivityRecord, ChangeDetails, NewPartnership, OutcomeRecord, PartnershipChange,
    PartnershipFilter, PartnershipMessage, PartnershipRecord, PartnershipStore,
    RecordedPartnership,
};

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// The scale-out engine.
    Postgres,
}

/// Everything Mitra keeps. Held as `Arc<dyn Store>`.
pub trait Store:
    ReferenceStore
    + CityStore
    + StandardStore
    + JournalStore
    + AccountStore
    + SessionStore
    + OrgStore
    + ObservationStore
    + EntryStore
    + InterestStore
    + PartnershipStore
    + Send
    + Sync
{
    /// The engine behind this store.
    fn backend(&self) -> Backend;
}

/// Loading the shipped reference data and demo packs.
#[async_trait]
pub trait ReferenceStore {
    /// The reference data version last loaded, if any.
    async fn reference_state(&self) -> Result<Option<ReferenceState>, StoreError>;

    /// Inserts or updates every row of `data` in one transaction, journals each change, and records `version` and
    /// `content_hash` as loaded. Rows that are already identical are left alone and not journalled.
    async fn apply_reference(
        &self,
        data: &ReferenceData,
        version: i64,
        content_hash: &str,
    ) -> Result<ReferenceChanges, StoreError>;

    /// Records that demo pack `pack` is loaded; `false` when it already was (then nothing is written).
    async fn mark_demo_loaded(&self, pack: &str, actor: &AuditStamp) -> Result<bool, StoreError>;

    /// The demo packs loaded so far.
    async fn demo_packs(&self) -> Result<Vec<String>, StoreError>;
}

/// Cities and countries.
#[async_trait]
pub trait CityStore {
    /// Up to `page.limit` cities matching `filter`, ordered by id, after `page.after`.
    async fn list_cities(
        &self,
        filter: &CityFilter,
        page: &PageRequest,
    ) -> Result<Vec<City>, StoreError>;

    /// How many cities match `filter`.
    async fn count_cities(&self, filter: &CityFilter) -> Result<u64, StoreError>;

    /// One city; [`StoreError::NotFound`] when there is none with that id.
    async fn find_city(&self, id: &CityId) -> Result<City, StoreError>;

    /// A city's population series, oldest first.
    async fn list_city_populations(&self, id: &CityId) -> Result<Vec<PopulationPoint>, StoreError>;

    /// Every country, by code.
    async fn list_countries(&self) -> Result<Vec<Country>, StoreError>;
}

/// Standards, indicators, the crosswalk and the focus areas.
#[async_trait]
pub trait StandardStore {
    /// Every standard with its indicator count, by id.
    async fn list_standards(&self) -> Result<Vec<StandardSummary>, StoreError>;

    /// One standard.
    async fn find_standard(&self, id: &StandardId) -> Result<Standard, StoreError>;

    /// A standard's indicators in the standard's own order.
    async fn list_indicators(&self, standard: &StandardId) -> Result<Vec<Indicator>, StoreError>;

    /// One indicator.
    async fn find_indicator(&self, id: &IndicatorId) -> Result<Indicator, StoreError>;

    /// The crosswalk relations that start or end at `id`.
    async fn list_crosswalk_of(&self, id: &IndicatorId) -> Result<Vec<CrosswalkEntry>, StoreError>;

    /// Up to `page.limit` crosswalk relations ordered by (from, to), after the key `page.after`
    /// (`from` and `to` joined by a space).
    async fn list_crosswalk(&self, page: &PageRequest) -> Result<Vec<CrosswalkEntry>, StoreError>;

    /// The ASCN focus areas in published order.
    async fn list_focus_areas(&self) -> Result<Vec<FocusArea>, StoreError>;

    /// Inserts or replaces the relation from `entry.from` to `entry.to`, journalled.
    async fn put_crosswalk(
        &self,
        entry: &CrosswalkEntry,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;

    /// Deletes the relation from `from` to `to`, journalled; [`StoreError::NotFound`] when there is none.
    async fn delete_crosswalk(
        &self,
        from: &IndicatorId,
        to: &IndicatorId,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;
}

/// How many connections the pool holds, how many of them wait idle, and how many it may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    /// Connections open.
    pub open: u32,
    /// Open connections not in use.
    pub idle: u32,
    /// The most it opens.
    pub max: u32,
}

/// The audit log, the change feed and the connection itself.
#[async_trait]
pub trait JournalStore {
    /// Whether the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The connection pool as it is now.
    fn pool_state(&self) -> PoolState;

    /// The newest position of the change feed (0 while it is empty).
    async fn feed_head(&self) -> Result<i64, StoreError>;

    /// Writes a consistent copy of the whole database to the new file `path`, while the database stays in use
    /// (SQLite); [`StoreError::Config`] for an engine that is copied with its own tools (PostgreSQL: `pg_dump`).
    async fn snapshot_into(&self, path: &std::path::Path) -> Result<(), StoreError>;

    /// The newest audit entries first, at most `limit`.
    async fn list_audit_entries(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError>;

    /// Audit entries matching `filter`, newest first.
    async fn search_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError>;

    /// Change-feed entries with a sequence number above `after`, oldest first, at most `limit`. Numbers are taken
    /// in commit order: once a follower has read up to N, no entry numbered N or lower appears later.
    async fn list_changes_since(&self, after: i64, limit: u32) -> Result<Vec<Change>, StoreError>;

    /// Closes every connection, waiting for those in use to be returned. SQLite then folds its write-ahead log
    /// into the database file and removes the `-wal` and `-shm` files.
    async fn close(&self);
}

/// Opens the store at `url` (`sqlite://path` or `postgres://…`), creating a SQLite file and its folder if missing,
/// and applies pending migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PostgresStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
    } else {
        Err(StoreError::Config(format!(
            "database URL must start with sqlite: or postgres:// (got '{}')",
            url.split(':').next().unwrap_or("")
        )))
    }
}
