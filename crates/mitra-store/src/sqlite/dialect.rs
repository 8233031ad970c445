//! What the shared repository code (`repo.rs` and `repo/`) needs to know about SQLite: the database and store types,
//! how a write transaction begins, why change-feed numbers need no lock, and where the migration bookkeeping is
//! seen. Only what differs from PostgreSQL belongs here (SQL both engines run stays in `repo/`), and nothing here
//! runs a statement: the shared code calls this module, never the other way round.

use crate::Backend;

/// The database the shared code runs on here.
pub(super) type Db = sqlx::Sqlite;

/// The store the shared code implements the repository traits for.
pub(super) use super::SqliteStore as DbStore;

/// The engine, for picking its migration files.
pub(super) const BACKEND: Backend = Backend::Sqlite;

/// Write transactions take SQLite's write lock when they begin, so that a second writer waits for it under the busy
/// timeout. A deferred transaction that reads first and writes later cannot wait: SQLite refuses its write at once
/// (SQLITE_BUSY, or SQLITE_BUSY_SNAPSHOT in WAL mode) when another writer got in between.
pub(super) const BEGIN_WRITE: &str = "begin immediate";

/// SQLite has one writer at a time, so change-feed entries are numbered in commit order without a lock.
pub(super) const FEED_LOCK: Option<&str> = None;

/// Whether `schema_migrations` has its checksum column (a database created before checksums were kept has not).
pub(super) const HAS_CHECKSUM_COLUMN: &str =
    "select exists (select 1 from pragma_table_info('schema_migrations') where name = 'checksum')";
