//! What the shared repository code (`repo.rs` and `repo/`) needs to know about PostgreSQL: the database and store
//! types, how a write transaction begins, the lock that keeps change-feed numbers in commit order, where the
//! migration bookkeeping is seen, and the bulk insert of observations. Only what differs from SQLite belongs here
//! (SQL both engines run stays in `repo/`), and nothing here runs a statement: the shared code calls this module,
//! never the other way round.

use mitra_domain::{BatchRow, ObservationBatch};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;

use crate::Backend;
use crate::observations::{BatchKeys, ImportStamp, UPSERT_TAIL};

/// The database the shared code runs on here.
pub(super) type Db = sqlx::Postgres;

/// The store the shared code implements the repository traits for.
pub(super) use super::PostgresStore as DbStore;

/// The engine, for picking its migration files.
pub(super) const BACKEND: Backend = Backend::Postgres;

/// Write transactions begin as usual: PostgreSQL's row locks let writers of different rows proceed together.
pub(super) const BEGIN_WRITE: &str = "begin";

/// PostgreSQL is copied with its own tools (`pg_dump`, `pg_restore`), not by Mitra.
pub(super) const SNAPSHOT: Option<&str> = None;

/// PostgreSQL streams rows on the connection's own task: the search index reads a page of entries row by row.
pub(super) const INDEX_PAGE_AS_ONE_ROW: Option<&str> = None;

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

/// Rows per statement: each column goes as one array parameter, so a chunk can be large.
pub(super) const OBSERVATION_CHUNK: usize = 10_000;

/// The statements that write an import's observations, [`OBSERVATION_CHUNK`] rows at a time, each column bound as
/// an array and expanded with `unnest`.
pub(super) struct ObservationInsert {
    /// The plain insert and the upsert.
    statements: [String; 2],
}

impl ObservationInsert {
    /// The statements for an import; with one array a column, they do not depend on its number of rows.
    pub(super) fn new(_rows: usize) -> Self {
        let insert = "insert into observations (city, indicator, year, source, value, unit, \
             original_value, original_unit, note, status, submitted_by, submitted_at, reviewed_by, \
             reviewed_at) select c, i, y, s, v, u, ov, ou, n, $12, $10, $11, $13, $14 \
             from unnest($1::int4[], $2::int4[], $3::int4[], $4::int4[], $5::float8[], $6::text[], \
             $7::float8[], $8::text[], $9::text[]) as t(c, i, y, s, v, u, ov, ou, n)";
        Self {
            statements: [insert.to_owned(), format!("{insert}{UPSERT_TAIL}")],
        }
    }

    /// The statement that writes `part` (rows of `batch` in key order, at most [`OBSERVATION_CHUNK`]): one array a
    /// column, then the import's stamp; an upsert when stored observations have keys in its range (`taken`).
    pub(super) fn query<'q>(
        &'q self,
        batch: &'q ObservationBatch,
        keys: &BatchKeys,
        part: &[u32],
        taken: bool,
        stamp: &ImportStamp<'q>,
    ) -> Query<'q, Db, PgArguments> {
        let rows: Vec<&BatchRow> = part.iter().map(|&n| &batch.rows()[n as usize]).collect();
        let key: Vec<(i32, i32, i32, i32)> = part.iter().map(|&n| keys.key(batch, n)).collect();
        sqlx::query(&self.statements[usize::from(taken)])
            .bind(key.iter().map(|k| k.0).collect::<Vec<_>>())
            .bind(key.iter().map(|k| k.1).collect::<Vec<_>>())
            .bind(key.iter().map(|k| k.2).collect::<Vec<_>>())
            .bind(key.iter().map(|k| k.3).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.value()).collect::<Vec<_>>())
            .bind(texts(batch, &rows, ObservationBatch::unit))
            .bind(rows.iter().map(|r| r.original_value()).collect::<Vec<_>>())
            .bind(texts(batch, &rows, ObservationBatch::original_unit))
            .bind(texts(batch, &rows, ObservationBatch::note))
            .bind(stamp.actor)
            .bind(stamp.at)
            .bind(stamp.status())
            .bind(stamp.verified_by)
            .bind(stamp.reviewed_at())
    }
}

/// One text column of `rows`, read by `f`, as an array.
fn texts<'b>(
    batch: &'b ObservationBatch,
    rows: &[&BatchRow],
    f: fn(&'b ObservationBatch, &BatchRow) -> Option<&'b str>,
) -> Vec<Option<&'b str>> {
    rows.iter().map(|r| f(batch, r)).collect()
}
