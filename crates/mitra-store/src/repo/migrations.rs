//! The migration runner: applies the shipped migrations ([`crate::migrate::MIGRATIONS`]) a database has not applied
//! yet, each in its own transaction, and checks that those it applied are still the ones shipped. It must not hold
//! schema: that is in the migration files.

use time::OffsetDateTime;

use super::dialect::{BACKEND, Db, HAS_CHECKSUM_COLUMN};
use super::journal::WriteTx;
use crate::StoreError;
use crate::migrate::{CREATE_MIGRATIONS_TABLE, MIGRATIONS};

/// Checks the migrations `pool`'s database already applied (see [`verify_applied`]), then applies, in order, every
/// shipped migration it has not, recording its checksum.
pub(crate) async fn apply_migrations(pool: &sqlx::Pool<Db>) -> Result<(), StoreError> {
    let applied = verify_applied(pool).await?;
    for migration in MIGRATIONS {
        let name = migration.name;
        if applied.iter().any(|a| a == name) {
            continue;
        }
        let mut tx = WriteTx::begin(pool).await?;
        sqlx::raw_sql(migration.sql(BACKEND))
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::Other(anyhow::anyhow!("migration {name} failed: {e}")))?;
        sqlx::query(
            "insert into schema_migrations (name, applied_at, checksum) values ($1, $2, $3)",
        )
        .bind(name)
        .bind(OffsetDateTime::now_utc().to_string())
        .bind(migration.checksum(BACKEND))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(migration = %name, "store.migration_applied");
    }
    Ok(())
}

/// Creates the migrations table (adding the checksum column to one made before checksums were kept), records the
/// checksum of every applied migration that has none yet, and refuses to go on when a shipped migration differs from
/// the one this database applied. Returns the names of the applied migrations.
async fn verify_applied(pool: &sqlx::Pool<Db>) -> Result<Vec<String>, StoreError> {
    let mut tx = WriteTx::begin(pool).await?;
    sqlx::raw_sql(CREATE_MIGRATIONS_TABLE)
        .execute(&mut *tx)
        .await?;
    let has_checksums: bool = sqlx::query_scalar(HAS_CHECKSUM_COLUMN)
        .fetch_one(&mut *tx)
        .await?;
    if !has_checksums {
        sqlx::raw_sql("alter table schema_migrations add column checksum text")
            .execute(&mut *tx)
            .await?;
    }
    let applied: Vec<(String, Option<String>)> =
        sqlx::query_as("select name, checksum from schema_migrations")
            .fetch_all(&mut *tx)
            .await?;
    for (name, recorded) in &applied {
        // A migration this release does not ship was applied by a newer one; it is left alone.
        let Some(migration) = MIGRATIONS.iter().find(|m| m.name == name) else {
            continue;
        };
        let shipped = migration.checksum(BACKEND);
        match recorded {
            None => {
                sqlx::query("update schema_migrations set checksum = $1 where name = $2")
                    .bind(&shipped)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
            }
            Some(recorded) if *recorded == shipped => {}
            Some(recorded) => {
                return Err(StoreError::Other(anyhow::anyhow!(
                    "migration {} was changed after it was applied to this database (recorded \
                     checksum {recorded}, shipped {shipped}); restore the shipped file",
                    migration.file(BACKEND)
                )));
            }
        }
    }
    tx.commit().await?;
    Ok(applied.into_iter().map(|(name, _)| name).collect())
}
