//! What the shared repository code (`repo.rs` and `repo/`) needs to know about SQLite: the database and store types,
//! how a write transaction begins, why change-feed numbers need no lock, where the migration bookkeeping is seen,
//! and the bulk insert of observations. Only what differs from PostgreSQL belongs here (SQL both engines run stays
//! in `repo/`), and nothing here runs a statement: the shared code calls this module, never the other way round.

use mitra_domain::ObservationBatch;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;

use crate::Backend;
use crate::observations::{BatchKeys, ImportStamp, UPSERT_TAIL};

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

/// A consistent copy of the whole database into a new file, taken while others read and write: `vacuum into`
/// reads one snapshot of the database and writes it compacted.
pub(super) const SNAPSHOT: Option<&str> = Some("vacuum into $1");

/// A page of entries as the search index reads it, in one row: how many there are, and a JSON array holding, for
/// each, `[id, status, updated_at in Unix seconds, document]` (the document as stored, itself JSON). SQLite's rows
/// reach the caller one at a time from the connection's thread, and a rebuild reads a million; a page as one row is
/// handed over once. The array is in the order the page was read, which is by id; the reader checks it (an
/// `order by` of the aggregate would copy every document into a sorter first).
pub(super) const INDEX_PAGE_AS_ONE_ROW: Option<&str> = Some(
    "select count(*), '[' || coalesce(group_concat('[' || json_quote(id) || ',' || json_quote(status) || ',' \
     || coalesce(unixepoch(updated_at), 'null') || ',' || document || ']', ','), '') || ']' \
     from (select id, status, updated_at, document from entries where id > $1 order by id limit $2)",
);

/// SQLite has one writer at a time, so change-feed entries are numbered in commit order without a lock.
pub(super) const FEED_LOCK: Option<&str> = None;

/// Whether `schema_migrations` has its checksum column (a database created before checksums were kept has not).
pub(super) const HAS_CHECKSUM_COLUMN: &str =
    "select exists (select 1 from pragma_table_info('schema_migrations') where name = 'checksum')";

/// Rows per insert statement: 9 parameters a row stay well under SQLite's 32 766.
pub(super) const OBSERVATION_CHUNK: usize = 1000;

/// The statements that write an import's observations, [`OBSERVATION_CHUNK`] rows at a time.
pub(super) struct ObservationInsert {
    /// By size (a full chunk, then the last, shorter one), then plain insert and upsert.
    statements: [[String; 2]; 2],
}

impl ObservationInsert {
    /// The statements for an import of `rows` rows: one for a full chunk and one for the last, each as a plain
    /// insert and as an upsert.
    pub(super) fn new(rows: usize) -> Self {
        let sizes = [OBSERVATION_CHUNK, rows % OBSERVATION_CHUNK];
        Self {
            statements: sizes.map(|rows| [insert_sql(rows, false), insert_sql(rows, true)]),
        }
    }

    /// The statement that writes `part` (rows of `batch` in key order, at most [`OBSERVATION_CHUNK`]): the import's
    /// stamp bound once, then 9 values a row; an upsert when stored observations have keys in its range (`taken`).
    pub(super) fn query<'q>(
        &'q self,
        batch: &'q ObservationBatch,
        keys: &BatchKeys,
        part: &[u32],
        taken: bool,
        stamp: &ImportStamp<'q>,
    ) -> Query<'q, Db, SqliteArguments<'q>> {
        let sql =
            &self.statements[usize::from(part.len() != OBSERVATION_CHUNK)][usize::from(taken)];
        let mut query = sqlx::query(sql)
            .bind(stamp.actor)
            .bind(stamp.at)
            .bind(stamp.status())
            .bind(stamp.verified_by)
            .bind(stamp.reviewed_at());
        let rows = batch.rows();
        for &n in part {
            let r = &rows[n as usize];
            let (city, indicator, year, source) = keys.key(batch, n);
            query = query
                .bind(city)
                .bind(indicator)
                .bind(year)
                .bind(source)
                .bind(r.value())
                .bind(batch.unit(r))
                .bind(r.original_value())
                .bind(batch.original_unit(r))
                .bind(batch.note(r));
        }
        query
    }
}

/// The insert (or upsert) of `rows` observations: the import's stamp (submitter, time, status, reviewer, review
/// time) is bound once, then 9 values a row.
fn insert_sql(rows: usize, upsert: bool) -> String {
    let mut sql = String::from(
        "insert into observations (city, indicator, year, source, value, unit, original_value, \
         original_unit, note, status, submitted_by, submitted_at, reviewed_by, reviewed_at) \
         select v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, \
         v.column8, v.column9, a.status, a.actor, a.at, a.reviewer, a.reviewed_at \
         from (select ? as actor, ? as at, ? as status, ? as reviewer, ? as reviewed_at) a, \
         (values ",
    );
    for n in 0..rows {
        sql.push_str(if n == 0 {
            "(?,?,?,?,?,?,?,?,?)"
        } else {
            ",(?,?,?,?,?,?,?,?,?)"
        });
    }
    // `where true` tells SQLite that the `on conflict` after it belongs to the insert, not to a join.
    sql.push_str(") v where true");
    if upsert {
        sql.push_str(UPSERT_TAIL);
    }
    sql
}
