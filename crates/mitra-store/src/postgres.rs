//! The PostgreSQL backend, Mitra's scale-out engine: several app nodes share one database.
//!
//! This file connects and migrates under a lock; `postgres/dialect.rs` holds what PostgreSQL does differently from
//! SQLite; the repository itself is the shared code of `repo.rs` and `repo/`, compiled here once more for
//! PostgreSQL. SQL that both engines can run must not be written here.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::{Backend, Store, StoreError};

mod dialect;
#[expect(
    clippy::duplicate_mod,
    reason = "the shared repository code, compiled once more in `sqlite.rs`"
)]
#[path = "repo.rs"]
mod repo;

/// Key of the advisory lock that serialises migrations when several nodes start at once.
const MIGRATION_LOCK: i64 = 0x006d_6974_7261; // "mitra" in ASCII

/// A store kept in a PostgreSQL database.
pub(crate) struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` and applies pending migrations, holding an advisory lock so that only one node migrates.
    pub(crate) async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|e| StoreError::Config(format!("cannot connect to PostgreSQL: {e}")))?;
        let mut lock = pool.acquire().await?;
        sqlx::query("select pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *lock)
            .await?;
        let migrated = repo::apply_migrations(&pool).await;
        sqlx::query("select pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *lock)
            .await?;
        migrated?;
        Ok(Self { pool })
    }
}

impl Store for PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }
}
