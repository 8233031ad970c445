//! The PostgreSQL backend, Mitra's scale-out engine: several app nodes share one database.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::{Backend, Store};

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
        let store = Self { pool };
        let mut lock = store.pool.acquire().await?;
        sqlx::query("select pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *lock)
            .await?;
        let migrated = store.apply_migrations(crate::migrate::POSTGRES).await;
        sqlx::query("select pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *lock)
            .await?;
        migrated?;
        Ok(store)
    }
}

impl Store for PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }
}

crate::shared::impl_store!(PostgresStore, sqlx::Postgres);
crate::shared_accounts::impl_account_store!(PostgresStore, sqlx::Postgres);
crate::shared_observations::impl_observation_store!(PostgresStore, sqlx::Postgres);
