//! The SQLite backend, Mitra's embedded default: one file in the data directory, WAL mode, foreign keys on.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::{Backend, Store};

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
        let store = Self { pool };
        store.apply_migrations(crate::migrate::SQLITE).await?;
        Ok(store)
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
}

/// Rows per insert statement: 9 parameters a row stay well under SQLite's 32 766.
const OBSERVATION_CHUNK: usize = 1000;

/// Upserts the rows `part` of a batch (their numbers, in key order) with a multi-row `values` list; returns the
/// rows written. The submitter and time are bound once per statement, not once per row.
async fn insert_observation_chunk(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    batch: &mitra_domain::ObservationBatch,
    keys: &crate::observations::BatchKeys,
    part: &[u32],
    actor: &str,
    now: time::OffsetDateTime,
) -> Result<u64, StoreError> {
    let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "insert into observations (city, indicator, year, source, value, unit, original_value, original_unit, \
         note, status, submitted_by, submitted_at) \
         select v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8, v.column9, \
         'submitted', a.actor, a.at from (select ",
    );
    query
        .push_bind(actor)
        .push(" as actor, ")
        .push_bind(now)
        .push(" as at) a, (");
    let rows = batch.rows();
    query.push_values(part, |mut b, &n| {
        let r = &rows[n as usize];
        b.push_bind(keys.cities[r.city() as usize])
            .push_bind(keys.indicators[r.indicator() as usize])
            .push_bind(r.year())
            .push_bind(keys.sources[r.source() as usize])
            .push_bind(r.value())
            .push_bind(batch.unit(r))
            .push_bind(r.original_value())
            .push_bind(batch.original_unit(r))
            .push_bind(batch.note(r));
    });
    // `where true` tells SQLite that the `on conflict` after it belongs to the insert, not to a join.
    query.push(") v where true");
    query.push(crate::observations::UPSERT_TAIL);
    Ok(query.build().execute(&mut **tx).await?.rows_affected())
}

crate::shared::impl_store!(SqliteStore, sqlx::Sqlite);
crate::shared_accounts::impl_account_store!(SqliteStore, sqlx::Sqlite);
crate::shared_observations::impl_observation_store!(SqliteStore, sqlx::Sqlite);
