//! Loading the shipped reference data and recording demo packs ([`ReferenceStore`]). A reference load is one
//! transaction that compares every shipped row with the stored one and writes and journals only those that differ;
//! the per-table steps live with their aggregates (`cities.rs`, `standards.rs`) and are run in order by
//! [`ReferenceStore::apply_reference`]. This file must not know the tables those steps write.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::reference::ReferenceData;
use serde_json::Value;
use time::OffsetDateTime;

use super::dialect::DbStore;
use super::journal::{WriteTx, journal};
use super::{cities, standards};
use crate::{ReferenceChanges, ReferenceState, ReferenceStore, StoreError};

/// A reference load under way: its transaction, its time, and what it has changed so far.
pub(super) struct ReferenceLoad {
    /// The load's one transaction.
    pub(super) tx: WriteTx,
    now: OffsetDateTime,
    changes: ReferenceChanges,
}

impl ReferenceLoad {
    /// Compares the shipped row `after` with the stored `before`, counts the outcome, and journals a change; `true`
    /// when the row is new or changed and so must be written.
    pub(super) async fn journal_if_changed(
        &mut self,
        entity: &str,
        entity_id: &str,
        before: Option<&Value>,
        after: &Value,
    ) -> Result<bool, StoreError> {
        let action = match before {
            Some(before) if before == after => {
                self.changes.unchanged += 1;
                return Ok(false);
            }
            Some(_) => {
                self.changes.updated += 1;
                "update"
            }
            None => {
                self.changes.inserted += 1;
                "insert"
            }
        };
        journal(
            &mut self.tx,
            self.now,
            &AuditStamp::system("reference"),
            action,
            entity,
            entity_id,
            before,
            Some(after),
        )
        .await?;
        Ok(true)
    }
}

/// A `reference_loads` row.
#[derive(sqlx_macros::FromRow)]
struct ReferenceStateRow {
    version: i64,
    content_hash: String,
}

#[async_trait]
impl ReferenceStore for DbStore {
    async fn reference_state(&self) -> Result<Option<ReferenceState>, StoreError> {
        let row: Option<ReferenceStateRow> = sqlx::query_as(
            "select version, content_hash from reference_loads order by id desc limit 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| ReferenceState {
            version: r.version,
            content_hash: r.content_hash,
        }))
    }

    async fn apply_reference(
        &self,
        data: &ReferenceData,
        version: i64,
        content_hash: &str,
    ) -> Result<ReferenceChanges, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut load = ReferenceLoad {
            tx: WriteTx::begin(&self.pool).await?,
            now,
            changes: ReferenceChanges::default(),
        };
        // In the order of the foreign keys: a row's references are written before it.
        cities::apply_countries(&mut load, &data.countries).await?;
        cities::apply_cities(&mut load, &data.cities).await?;
        cities::apply_populations(&mut load, &data.populations).await?;
        standards::apply_standards(&mut load, &data.standards).await?;
        standards::apply_indicators(&mut load, &data.indicators).await?;
        standards::apply_crosswalk(&mut load, &data.crosswalk).await?;
        standards::apply_focus_areas(&mut load, &data.focus_areas).await?;

        let ReferenceLoad {
            mut tx, changes, ..
        } = load;
        let summary = format!(
            "inserted {}, updated {}, unchanged {}",
            changes.inserted, changes.updated, changes.unchanged
        );
        sqlx::query(
            "insert into reference_loads (version, content_hash, loaded_at, summary) \
             values ($1, $2, $3, $4)",
        )
        .bind(version)
        .bind(content_hash)
        .bind(now)
        .bind(summary)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(changes)
    }

    async fn mark_demo_loaded(&self, pack: &str, actor: &AuditStamp) -> Result<bool, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let inserted = sqlx::query(
            "insert into demo_loads (pack, loaded_at) values ($1, $2) on conflict (pack) do \
             nothing",
        )
        .bind(pack)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        let after = serde_json::json!({"pack": pack});
        journal(
            &mut tx,
            now,
            actor,
            "insert",
            "demo_pack",
            pack,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn demo_packs(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("select pack from demo_loads order by pack")
                .fetch_all(&self.pool)
                .await?,
        )
    }
}
