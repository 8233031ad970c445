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
