//! Observations ([`ObservationStore`]): bulk imports, listing, review, city tier overrides and the analytics panel.
//!
//! The observations table keys its rows by numbers that stand for city, indicator and source strings (see
//! `0004_observation_keys.sql`). An import numbers the batch's strings, sorts its rows by key, and writes them a chunk
//! at a time with the backend's statement ([`ObservationInsert`], from the dialect), binding the next chunk while the
//! database runs the last. The dialect only builds statements; this file runs them.

use std::collections::HashMap;

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::{
    CityId, IndicatorId, Observation, ObservationBatch, ObservationStatus, PageRequest,
    ValidationError,
};
use serde_json::{Value, json};
use sqlx::FromRow as _;
use time::OffsetDateTime;

use super::dialect::{Db, DbStore, OBSERVATION_CHUNK, ObservationInsert};
use super::journal::{WriteTx, journal};
use crate::observations::{BatchKeys, ImportStamp, KEYS_TAKEN};
use crate::{ObservationFilter, ObservationStore, PanelValue, StoreError, UpsertReport};

const COLUMNS: &str = "o.id, c.city_id, i.indicator_id, o.year, s.source, o.value, o.unit, \
     o.original_value, o.original_unit, o.note, o.status, o.status_reason, o.submitted_by, \
     o.submitted_at, o.reviewed_by, o.reviewed_at";

/// Observations with the strings their numbers stand for.
const FROM: &str = "observations o \
     join observation_cities c on c.num = o.city \
     join observation_indicators i on i.num = o.indicator \
     join observation_sources s on s.num = o.source";

/// An `observations` row with its strings.
#[derive(sqlx_macros::FromRow)]
struct ObservationRow {
    id: i64,
    city_id: String,
    indicator_id: String,
    year: i32,
    source: String,
    value: f64,
    unit: Option<String>,
    original_value: Option<f64>,
    original_unit: Option<String>,
    note: Option<String>,
    status: String,
    status_reason: Option<String>,
    submitted_by: String,
    submitted_at: OffsetDateTime,
    reviewed_by: Option<String>,
    reviewed_at: Option<OffsetDateTime>,
}

impl ObservationRow {
    fn into_observation(self) -> Result<Observation, StoreError> {
        let id = self.id;
        let bad = |e: ValidationError| {
            StoreError::Other(anyhow::anyhow!("corrupt row in observations ({id}): {e}"))
        };
        Ok(Observation {
            id,
            city_id: CityId::parse(&self.city_id).map_err(bad)?,
            indicator_id: IndicatorId::parse(&self.indicator_id).map_err(bad)?,
            status: ObservationStatus::parse(&self.status).map_err(bad)?,
            year: self.year,
            value: self.value,
            unit: self.unit,
            original_value: self.original_value,
            original_unit: self.original_unit,
            source: self.source,
            note: self.note,
            status_reason: self.status_reason,
            submitted_by: self.submitted_by,
            submitted_at: self.submitted_at,
            reviewed_by: self.reviewed_by,
            reviewed_at: self.reviewed_at,
        })
    }
}

/// One row of the analytics panel. The status is borrowed from the fetched row: the panel reads every observation,
/// and only compares it.
#[derive(sqlx_macros::FromRow)]
struct PanelRow<'r> {
    city_id: String,
    indicator_id: String,
    year: i32,
    value: f64,
    status: &'r str,
}

/// The observation as journalled.
fn observation_json(o: &Observation) -> Value {
    json!({
        "city_id": o.city_id.as_str(), "indicator_id": o.indicator_id.as_str(), "year": o.year,
        "source": o.source, "value": o.value, "unit": o.unit, "original_value": o.original_value,
        "original_unit": o.original_unit, "note": o.note, "status": o.status.as_str(),
        "status_reason": o.status_reason,
    })
}

/// The number `table` keys each of `values` by, numbering those it has not seen.
async fn numbers<'a>(
    tx: &mut WriteTx,
    table: &str,
    column: &str,
    values: impl Iterator<Item = Option<&'a str>>,
) -> Result<Vec<Option<i32>>, StoreError> {
    let sql = format!(
        "insert into {table} ({column}) values ($1) on conflict ({column}) \
         do update set {column} = excluded.{column} returning num"
    );
    let mut out = Vec::new();
    for value in values {
        out.push(match value {
            None => None,
            Some(value) => Some(
                sqlx::query_scalar(&sql)
                    .bind(value)
                    .fetch_one(&mut **tx)
                    .await?,
            ),
        });
    }
    Ok(out)
}

/// The numbers of a batch's cities, indicators and sources, registered in the same transaction.
async fn batch_keys(tx: &mut WriteTx, batch: &ObservationBatch) -> Result<BatchKeys, StoreError> {
    let all = |v: Vec<Option<i32>>| v.into_iter().flatten().collect::<Vec<i32>>();
    let cities = batch.cities().iter().map(|c| Some(c.as_str()));
    let cities = all(numbers(tx, "observation_cities", "city_id", cities).await?);
    let indicators = batch.indicators().iter().map(|i| Some(i.as_str()));
    let indicators = all(numbers(tx, "observation_indicators", "indicator_id", indicators).await?);
    let mut is_source = vec![false; batch.texts().len()];
    for row in batch.rows() {
        is_source[row.source() as usize] = true;
    }
    let sources = batch
        .texts()
        .iter()
        .zip(&is_source)
        .map(|(t, &used)| used.then_some(t.as_str()));
    let sources = numbers(tx, "observation_sources", "source", sources).await?;
    Ok(BatchKeys {
        cities,
        indicators,
        sources,
    })
}

/// For each part of `order` in turn, whether stored observations have keys within its range ([`KEYS_TAKEN`]).
async fn keys_taken(
    tx: &mut WriteTx,
    batch: &ObservationBatch,
    keys: &BatchKeys,
    order: &[u32],
    part: usize,
) -> Result<Vec<bool>, StoreError> {
    let mut taken = Vec::new();
    for chunk in order.chunks(part) {
        let (first, last) = (
            keys.key(batch, chunk[0]),
            keys.key(batch, chunk[chunk.len() - 1]),
        );
        let found: bool = sqlx::query_scalar(KEYS_TAKEN)
            .bind(first.0)
            .bind(first.1)
            .bind(first.2)
            .bind(first.3)
            .bind(last.0)
            .bind(last.1)
            .bind(last.2)
            .bind(last.3)
            .fetch_one(&mut **tx)
            .await?;
        taken.push(found);
    }
    Ok(taken)
}

/// Runs `statements` (each with its number of rows) in turn, binding the next while the database runs the last;
/// `progress` hears the rows done. Returns the rows written.
async fn run_in_turn<'q>(
    tx: &mut WriteTx,
    mut statements: impl Iterator<
        Item = (
            u64,
            sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>,
        ),
    > + Send,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<u64, StoreError> {
    let mut next = statements.next();
    let (mut written, mut done) = (0, 0);
    while let Some((len, query)) = next.take() {
        let (result, following) =
            tokio::join!(query.execute(&mut **tx), async { statements.next() });
        written += result?.rows_affected();
        done += len;
        progress(done);
        next = following;
    }
    Ok(written)
}

/// Upserts the rows of `batch` in `order` (key order), [`OBSERVATION_CHUNK`] rows a statement; a chunk whose key
/// range holds no stored observation is inserted without the upsert's conflict handling. Returns the rows written.
async fn write_observations(
    tx: &mut WriteTx,
    batch: &ObservationBatch,
    keys: &BatchKeys,
    order: &[u32],
    stamp: &ImportStamp<'_>,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<u64, StoreError> {
    let taken = keys_taken(tx, batch, keys, order, OBSERVATION_CHUNK).await?;
    let insert = ObservationInsert::new(order.len());
    let statements = order
        .chunks(OBSERVATION_CHUNK)
        .zip(taken)
        .map(|(part, taken)| {
            (
                part.len() as u64,
                insert.query(batch, keys, part, taken, stamp),
            )
        });
    run_in_turn(tx, statements, progress).await
}

/// The observation with id `id`, read with `executor`; [`StoreError::NotFound`] when there is none.
async fn find_observation_with(
    executor: impl sqlx::Executor<'_, Database = Db>,
    id: i64,
) -> Result<Observation, StoreError> {
    let row: ObservationRow =
        sqlx::query_as(&format!("select {COLUMNS} from {FROM} where o.id = $1"))
            .bind(id)
            .fetch_optional(executor)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "observation",
                id: id.to_string(),
            })?;
    row.into_observation()
}

#[async_trait]
impl ObservationStore for DbStore {
    async fn import_observations(
        &self,
        batch: &ObservationBatch,
        actor: &AuditStamp,
        label: &str,
        verified_by: Option<&AuditStamp>,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<UpsertReport, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let keys = batch_keys(&mut tx, batch).await?;
        let order = keys.order(batch);
        let stamp = ImportStamp {
            actor: actor.as_str(),
            at: now,
            verified_by: verified_by.map(AuditStamp::as_str),
        };
        let written = write_observations(&mut tx, batch, &keys, &order, &stamp, progress).await?;
        let rows = batch.len() as u64;
        let report = UpsertReport {
            written,
            unchanged: rows - written,
        };
        if written > 0 {
            let summary = json!({
                "rows": rows, "written": written, "unchanged": report.unchanged,
                "cities": batch.cities().len(),
            });
            sqlx::query(
                "insert into audit_log (occurred_at, actor, action, entity, entity_id, \
                 before_json, after_json) values ($1, $2, 'import', 'observations', $3, null, $4)",
            )
            .bind(now)
            .bind(actor.as_str())
            .bind(label)
            .bind(sqlx::types::Json(&summary))
            .execute(&mut *tx)
            .await?;
            let mut cities: Vec<&str> = batch.cities().iter().map(|c| c.as_str()).collect();
            cities.sort_unstable();
            for city in cities {
                tx.feed(now, "city-observations", city, "update");
            }
        }
        tx.commit().await?;
        Ok(report)
    }

    async fn list_observations(
        &self,
        filter: &ObservationFilter,
        page: &PageRequest,
    ) -> Result<Vec<Observation>, StoreError> {
        // The first page starts after the least id, so that the condition is a range the index seeks to (see
        // `key_after`).
        let after: i64 = match page.after.as_deref() {
            None => i64::MIN,
            Some(key) => key
                .parse()
                .map_err(|_| StoreError::Other(anyhow::anyhow!("bad observation cursor")))?,
        };
        let sql = format!(
            "select {COLUMNS} from {FROM} join indicators d on d.id = i.indicator_id \
             where ($1 is null or c.city_id = $1) and ($2 is null or i.indicator_id = $2) \
             and ($3 is null or d.standard_id = $3) and ($4 is null or o.year = $4) \
             and ($5 is null or o.status = $5) and o.id > $6 order by o.id limit $7"
        );
        let rows: Vec<ObservationRow> = sqlx::query_as(&sql)
            .bind(filter.city.as_ref().map(|c| c.as_str()))
            .bind(filter.indicator.as_ref().map(|i| i.as_str()))
            .bind(filter.standard.as_ref().map(|s| s.as_str()))
            .bind(filter.year)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(after)
            .bind(i64::from(page.limit))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(ObservationRow::into_observation)
            .collect()
    }

    async fn find_observation(&self, id: i64) -> Result<Observation, StoreError> {
        find_observation_with(&self.pool, id).await
    }

    async fn review_observation(
        &self,
        id: i64,
        status: ObservationStatus,
        reason: Option<&str>,
        actor: &AuditStamp,
    ) -> Result<Observation, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let before = find_observation_with(&mut *tx, id).await?;
        sqlx::query(
            "update observations set status = $1, status_reason = $2, reviewed_by = $3, \
             reviewed_at = $4 where id = $5",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(actor.as_str())
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let after = find_observation_with(&mut *tx, id).await?;
        let id = id.to_string();
        let (before_json, after_json) = (observation_json(&before), observation_json(&after));
        journal(
            &mut tx,
            now,
            actor,
            "review",
            "observation",
            &id,
            Some(&before_json),
            Some(&after_json),
        )
        .await?;
        tx.feed(now, "city-observations", after.city_id.as_str(), "update");
        tx.commit().await?;
        Ok(after)
    }

    async fn city_tier_overrides(&self) -> Result<HashMap<String, String>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as("select city_id, tier from city_tiers")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().collect())
    }

    async fn set_city_tier(
        &self,
        city: &CityId,
        tier: Option<&str>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let before: Option<String> =
            sqlx::query_scalar("select tier from city_tiers where city_id = $1")
                .bind(city.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        match tier {
            Some(tier) => {
                sqlx::query(
                    "insert into city_tiers (city_id, tier, set_by, set_at) \
                     values ($1, $2, $3, $4) on conflict (city_id) do update \
                     set tier = excluded.tier, set_by = excluded.set_by, set_at = excluded.set_at",
                )
                .bind(city.as_str())
                .bind(tier)
                .bind(actor.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("delete from city_tiers where city_id = $1")
                    .bind(city.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let (before, after) = (json!({ "tier": before }), json!({ "tier": tier }));
        journal(
            &mut tx,
            now,
            actor,
            "update",
            "city-tier",
            city.as_str(),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn panel_values(&self) -> Result<Vec<PanelValue>, StoreError> {
        let rows = sqlx::query(&panel_sql("")).fetch_all(&self.pool).await?;
        rows.iter().map(panel_value).collect()
    }

    async fn panel_values_of(&self, cities: &[CityId]) -> Result<Vec<PanelValue>, StoreError> {
        let mut out = Vec::new();
        for chunk in cities.chunks(super::IN_LIST_CHUNK) {
            let sql = panel_sql(&format!(
                "and c.city_id in ({})",
                super::placeholders(1, chunk.len())
            ));
            let mut query = sqlx::query(&sql);
            for city in chunk {
                query = query.bind(city.as_str());
            }
            for row in query.fetch_all(&self.pool).await? {
                out.push(panel_value(&row)?);
            }
        }
        Ok(out)
    }
}

/// The panel's query, narrowed by `and_where` (empty, or `and …`).
fn panel_sql(and_where: &str) -> String {
    format!(
        "select c.city_id, i.indicator_id, o.year, o.value, o.status from observations o \
         join observation_cities c on c.num = o.city join observation_indicators i on i.num = \
         o.indicator where o.status <> 'rejected' {and_where} order by o.city, o.indicator, o.year, \
         case when o.status = 'verified' then 0 else 1 end, o.id desc"
    )
}

fn panel_value(row: &<Db as sqlx::Database>::Row) -> Result<PanelValue, StoreError> {
    let r = PanelRow::from_row(row)?;
    Ok(PanelValue {
        city_id: r.city_id,
        indicator_id: r.indicator_id,
        year: r.year,
        value: r.value,
        verified: r.status == "verified",
    })
}
