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

/// Rows per insert statement: 12 parameters a row stay well under SQLite's 32 766, and larger statements measured no
/// faster.
const OBSERVATION_CHUNK: usize = 1000;

/// Upserts one chunk of observations with a multi-row `values` list; returns the rows written.
async fn insert_observation_chunk(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    chunk: &[&mitra_domain::NewObservation],
    actor: &str,
    now: time::OffsetDateTime,
) -> Result<u64, StoreError> {
    let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "insert into observations (city_id, indicator_id, year, source, value, unit, original_value, \
         original_unit, note, status, submitted_by, submitted_at) ",
    );
    query.push_values(chunk, |mut b, o| {
        b.push_bind(o.city_id.as_str())
            .push_bind(o.indicator_id.as_str())
            .push_bind(o.year)
            .push_bind(o.source.as_str())
            .push_bind(o.value)
            .push_bind(o.unit.as_deref())
            .push_bind(o.original_value)
            .push_bind(o.original_unit.as_deref())
            .push_bind(o.note.as_deref())
            .push_bind("submitted")
            .push_bind(actor)
            .push_bind(now);
    });
    query.push(crate::observations::UPSERT_TAIL);
    Ok(query.build().execute(&mut **tx).await?.rows_affected())
}

crate::shared::impl_store!(SqliteStore, sqlx::Sqlite);
crate::shared_accounts::impl_account_store!(SqliteStore, sqlx::Sqlite);
crate::shared_observations::impl_observation_store!(SqliteStore, sqlx::Sqlite);
