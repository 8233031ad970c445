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

/// Rows per statement: each column goes as one array parameter, so a chunk can be large.
const OBSERVATION_CHUNK: usize = 10_000;

/// Upserts the rows of `batch` in `order` (key order), [`OBSERVATION_CHUNK`] rows a statement, each column bound
/// as an array and expanded with `unnest`; the next statement's arrays are encoded while PostgreSQL runs the last.
/// Returns the rows written.
async fn write_observations(
    tx: &mut Tx,
    batch: &mitra_domain::ObservationBatch,
    keys: &crate::observations::BatchKeys,
    order: &[u32],
    stamp: &crate::observations::ImportStamp<'_>,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<u64, StoreError> {
    fn texts<'b>(
        batch: &'b mitra_domain::ObservationBatch,
        rows: &[&mitra_domain::BatchRow],
        f: fn(&'b mitra_domain::ObservationBatch, &mitra_domain::BatchRow) -> Option<&'b str>,
    ) -> Vec<Option<&'b str>> {
        rows.iter().map(|r| f(batch, r)).collect()
    }
    let insert = "insert into observations (city, indicator, year, source, value, unit, original_value, \
         original_unit, note, status, submitted_by, submitted_at, reviewed_by, reviewed_at) \
         select c, i, y, s, v, u, ov, ou, n, $12, $10, $11, $13, $14 \
         from unnest($1::int4[], $2::int4[], $3::int4[], $4::int4[], $5::float8[], $6::text[], $7::float8[], \
                     $8::text[], $9::text[]) as t(c, i, y, s, v, u, ov, ou, n)";
    let statements = [
        insert.to_owned(),
        format!("{insert}{}", crate::observations::UPSERT_TAIL),
    ];
    let taken = observation_rows::keys_taken(tx, batch, keys, order, OBSERVATION_CHUNK).await?;
    let bind = |(part, taken): (&[u32], &bool)| {
        let sql = &statements[usize::from(*taken)];
        let rows: Vec<&mitra_domain::BatchRow> =
            part.iter().map(|&n| &batch.rows()[n as usize]).collect();
        let key: Vec<(i32, i32, i32, i32)> = part.iter().map(|&n| keys.key(batch, n)).collect();
        let query = sqlx::query(sql)
            .bind(key.iter().map(|k| k.0).collect::<Vec<_>>())
            .bind(key.iter().map(|k| k.1).collect::<Vec<_>>())
            .bind(key.iter().map(|k| k.2).collect::<Vec<_>>())
            .bind(key.iter().map(|k| k.3).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.value()).collect::<Vec<_>>())
            .bind(texts(batch, &rows, mitra_domain::ObservationBatch::unit))
            .bind(rows.iter().map(|r| r.original_value()).collect::<Vec<_>>())
            .bind(texts(
                batch,
                &rows,
                mitra_domain::ObservationBatch::original_unit,
            ))
            .bind(texts(batch, &rows, mitra_domain::ObservationBatch::note))
            .bind(stamp.actor)
            .bind(stamp.at)
            .bind(stamp.status())
            .bind(stamp.verified_by)
            .bind(stamp.reviewed_at());
        (part.len() as u64, query)
    };
    let statements = order.chunks(OBSERVATION_CHUNK).zip(&taken).map(bind);
    observation_rows::run_in_turn(tx, statements, progress).await
}

crate::shared_observations::impl_observation_store!(PostgresStore, sqlx::Postgres);
crate::shared_entries::impl_entry_store!(PostgresStore, sqlx::Postgres);
