//! What the shared repository code (`repo.rs` and `repo/`) needs to know about PostgreSQL: the database and store
//! types, how a write transaction begins, the lock that keeps change-feed numbers in commit order, and where the
//! migration bookkeeping is seen. Only what differs from SQLite belongs here (SQL both engines run stays in `repo/`),
//! and nothing here runs a statement: the shared code calls this module, never the other way round.

use crate::Backend;

/// The database the shared code runs on here.
pub(super) type Db = sqlx::Postgres;

/// The store the shared code implements the repository traits for.
pub(super) use super::PostgresStore as DbStore;

/// The engine, for picking its migration files.
pub(super) const BACKEND: Backend = Backend::Postgres;

/// Write transactions begin as usual: PostgreSQL's row locks let writers of different rows proceed together.
pub(super) const BEGIN_WRITE: &str = "begin";

/// Taken by a transaction, until it commits, just before it appends its change-feed entries. A sequence number is
/// handed out when a row is inserted, not when its transaction commits; without this lock a transaction could
/// take number 10, another take 11 and commit first, and a follower that read 11 would never look back for 10.
/// With it, the tails of writing transactions run one at a time, so numbers are taken in commit order.
/// (The key is "mitra" in ASCII plus one, next to the migration lock.)
pub(super) const FEED_LOCK: Option<&str> = Some("select pg_advisory_xact_lock(469853516386)");

/// Whether `schema_migrations` has its checksum column (a database created before checksums were kept has not).
pub(super) const HAS_CHECKSUM_COLUMN: &str = "select exists (select 1 from \
     information_schema.columns where table_schema = current_schema() and table_name = \
     'schema_migrations' and column_name = 'checksum')";
