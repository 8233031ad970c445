//! The SQLite backend, Mitra's embedded default: one file in the data directory, WAL mode, foreign keys on.
//!
//! This file opens the database; `sqlite/dialect.rs` holds what SQLite does differently from PostgreSQL; the
//! repository itself is the shared code of `repo.rs` and `repo/`, compiled here once more for SQLite. SQL that both
//! engines can run must not be written here.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::{Backend, Store, StoreError};

mod dialect;
#[expect(
    clippy::duplicate_mod,
    reason = "the shared repository code, compiled once more in `postgres.rs`"
)]
#[path = "repo.rs"]
mod repo;

/// A store kept in a SQLite database file.
pub(crate) struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` and applies pending migrations.
    pub(crate) async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("invalid SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // 64 MiB of page cache per connection: large imports and the analytics panel's full scan stay in memory
            // instead of re-reading pages.
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        let path = options.get_filename().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Config(format!(
                    "cannot create the data directory {}: {e}",
                    dir.display()
                ))
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|e| {
                StoreError::Config(format!(
                    "cannot open the SQLite database {}: {e}",
                    path.display()
                ))
            })?;
        repo::apply_migrations(&pool).await?;
        Ok(Self { pool })
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
}

// Until every aggregate is written as plain code in `repo/`, the remaining ones are expanded from macros, which
// expect these names where they expand.
use async_trait::async_trait;
use mitra_domain::{CityId, PageRequest};
use repo::{WriteTx, journal};
use serde_json::Value;
use sqlx::Row as _;
use sqlx::types::Json;
use time::OffsetDateTime;

/// The write transaction, as the macros name it.
type Tx = WriteTx;

/// Rows per insert statement: 9 parameters a row stay well under SQLite's 32 766.
const OBSERVATION_CHUNK: usize = 1000;

/// The upsert of `rows` observations: the import's stamp (submitter, time, status, reviewer, review time) is bound
/// once, then 9 values a row.
fn insert_sql(rows: usize, upsert: bool) -> String {
    let mut sql = String::from(
        "insert into observations (city, indicator, year, source, value, unit, original_value, original_unit, \
         note, status, submitted_by, submitted_at, reviewed_by, reviewed_at) \
         select v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8, v.column9, \
         a.status, a.actor, a.at, a.reviewer, a.reviewed_at \
         from (select ? as actor, ? as at, ? as status, ? as reviewer, ? as reviewed_at) a, (values ",
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
        sql.push_str(crate::observations::UPSERT_TAIL);
    }
    sql
}

/// Upserts the rows of `batch` in `order` (key order), a statement of [`OBSERVATION_CHUNK`] rows at a time; the
/// next statement's values are bound while SQLite runs the last. Returns the rows written.
async fn write_observations(
    tx: &mut Tx,
    batch: &mitra_domain::ObservationBatch,
    keys: &crate::observations::BatchKeys,
    order: &[u32],
    stamp: &crate::observations::ImportStamp<'_>,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<u64, StoreError> {
    let taken = observation_rows::keys_taken(tx, batch, keys, order, OBSERVATION_CHUNK).await?;
    let sizes = [OBSERVATION_CHUNK, order.len() % OBSERVATION_CHUNK];
    let statements = sizes.map(|rows| [insert_sql(rows, false), insert_sql(rows, true)]);
    let rows = batch.rows();
    let bind = |(part, taken): (&[u32], &bool)| {
        let sql = &statements[usize::from(part.len() != OBSERVATION_CHUNK)][usize::from(*taken)];
        let mut query = sqlx::query(sql)
            .bind(stamp.actor)
            .bind(stamp.at)
            .bind(stamp.status())
            .bind(stamp.verified_by)
            .bind(stamp.reviewed_at());
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
        (part.len() as u64, query)
    };
    let statements = order.chunks(OBSERVATION_CHUNK).zip(&taken).map(bind);
    observation_rows::run_in_turn(tx, statements, progress).await
}

crate::shared_observations::impl_observation_store!(SqliteStore, sqlx::Sqlite);
crate::shared_entries::impl_entry_store!(SqliteStore, sqlx::Sqlite);
