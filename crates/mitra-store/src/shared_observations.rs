//! The observation repository shared by both backends; see `shared.rs` for why this is a macro. It expands in the
//! same module as `impl_store!` and uses its `journal`.

/// Expands [`crate::ObservationStore`] for `$store`.
macro_rules! impl_observation_store {
    ($store:ty, $db:ty) => {
        mod observation_rows {
            use mitra_domain::{CityId, IndicatorId, Observation, ObservationStatus};
            use serde_json::{Value, json};
            use sqlx::Row as _;
            use time::OffsetDateTime;

            use crate::StoreError;

            pub(super) type DbRow = <$db as sqlx::Database>::Row;

            pub(super) const COLUMNS: &str = "o.id, c.city_id, i.indicator_id, o.year, s.source, o.value, o.unit, \
                 o.original_value, o.original_unit, o.note, o.status, o.status_reason, o.submitted_by, \
                 o.submitted_at, o.reviewed_by, o.reviewed_at";

            /// Observations with the strings their numbers stand for.
            pub(super) const FROM: &str = "observations o \
                 join observation_cities c on c.num = o.city \
                 join observation_indicators i on i.num = o.indicator \
                 join observation_sources s on s.num = o.source";

            pub(super) fn observation(row: &DbRow) -> Result<Observation, StoreError> {
                let id: i64 = row.try_get("id")?;
                let bad = |e: mitra_domain::ValidationError| {
                    StoreError::Other(anyhow::anyhow!("corrupt row in observations ({id}): {e}"))
                };
                Ok(Observation {
                    id,
                    city_id: CityId::parse(row.try_get::<&str, _>("city_id")?).map_err(bad)?,
                    indicator_id: IndicatorId::parse(row.try_get::<&str, _>("indicator_id")?).map_err(bad)?,
                    year: row.try_get("year")?,
                    value: row.try_get("value")?,
                    unit: row.try_get("unit")?,
                    original_value: row.try_get("original_value")?,
                    original_unit: row.try_get("original_unit")?,
                    source: row.try_get("source")?,
                    note: row.try_get("note")?,
                    status: ObservationStatus::parse(row.try_get::<&str, _>("status")?).map_err(bad)?,
                    status_reason: row.try_get("status_reason")?,
                    submitted_by: row.try_get("submitted_by")?,
                    submitted_at: row.try_get::<OffsetDateTime, _>("submitted_at")?,
                    reviewed_by: row.try_get("reviewed_by")?,
                    reviewed_at: row.try_get::<Option<OffsetDateTime>, _>("reviewed_at")?,
                })
            }

            /// The number `table` keys each of `values` by, numbering those it has not seen.
            pub(super) async fn numbers<'a>(
                tx: &mut super::Tx,
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
                        Some(value) => Some(sqlx::query(&sql).bind(value).fetch_one(&mut **tx).await?.try_get("num")?),
                    });
                }
                Ok(out)
            }

            /// Runs `statements` (each with its number of rows) in turn, binding the next while the database runs
            /// the last; `progress` hears the rows done. Returns the rows written.
            pub(super) async fn run_in_turn<'q>(
                tx: &mut super::Tx,
                mut statements: impl Iterator<
                    Item = (u64, sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>),
                > + Send,
                progress: &(dyn Fn(u64) + Send + Sync),
            ) -> Result<u64, StoreError> {
                let mut next = statements.next();
                let (mut written, mut done) = (0, 0);
                while let Some((len, query)) = next.take() {
                    let (result, following) = tokio::join!(query.execute(&mut **tx), async { statements.next() });
                    written += result?.rows_affected();
                    done += len;
                    progress(done);
                    next = following;
                }
                Ok(written)
            }

            /// For each part of `order` in turn, whether stored observations have keys within its range
            /// ([`crate::observations::KEYS_TAKEN`]).
            pub(super) async fn keys_taken(
                tx: &mut super::Tx,
                batch: &mitra_domain::ObservationBatch,
                keys: &crate::observations::BatchKeys,
                order: &[u32],
                part: usize,
            ) -> Result<Vec<bool>, StoreError> {
                let mut taken = Vec::new();
                for chunk in order.chunks(part) {
                    let (first, last) = (keys.key(batch, chunk[0]), keys.key(batch, chunk[chunk.len() - 1]));
                    let row = sqlx::query(crate::observations::KEYS_TAKEN)
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
                    taken.push(row.try_get::<bool, _>(0)?);
                }
                Ok(taken)
            }

            /// The numbers of a batch's cities, indicators and sources, registered in the same transaction.
            pub(super) async fn batch_keys(
                tx: &mut super::Tx,
                batch: &mitra_domain::ObservationBatch,
            ) -> Result<crate::observations::BatchKeys, StoreError> {
                let all = |v: Vec<Option<i32>>| v.into_iter().flatten().collect::<Vec<i32>>();
                let cities = all(numbers(tx, "observation_cities", "city_id", batch.cities().iter().map(|c| Some(c.as_str()))).await?);
                let indicators = all(
                    numbers(tx, "observation_indicators", "indicator_id", batch.indicators().iter().map(|i| Some(i.as_str())))
                        .await?,
                );
                let mut is_source = vec![false; batch.texts().len()];
                for row in batch.rows() {
                    is_source[row.source() as usize] = true;
                }
                let sources = numbers(
                    tx,
                    "observation_sources",
                    "source",
                    batch.texts().iter().zip(&is_source).map(|(t, &used)| used.then_some(t.as_str())),
                )
                .await?;
                Ok(crate::observations::BatchKeys { cities, indicators, sources })
            }

            pub(super) fn json(o: &Observation) -> Value {
                json!({
                    "city_id": o.city_id.as_str(), "indicator_id": o.indicator_id.as_str(), "year": o.year,
                    "source": o.source, "value": o.value, "unit": o.unit, "original_value": o.original_value,
                    "original_unit": o.original_unit, "note": o.note, "status": o.status.as_str(),
                    "status_reason": o.status_reason,
                })
            }
        }

        #[async_trait]
        impl crate::ObservationStore for $store {
            async fn import_observations(
                &self,
                batch: &mitra_domain::ObservationBatch,
                actor: &str,
                label: &str,
                verified_by: Option<&str>,
                progress: &(dyn Fn(u64) + Send + Sync),
            ) -> Result<crate::UpsertReport, StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut tx = WriteTx::begin(&self.pool).await?;
                let keys = observation_rows::batch_keys(&mut tx, batch).await?;
                let order = keys.order(batch);
                let stamp = crate::observations::ImportStamp { actor, at: now, verified_by };
                let written = write_observations(&mut tx, batch, &keys, &order, &stamp, progress).await?;
                let rows = batch.len() as u64;
                let report = crate::UpsertReport { written, unchanged: rows - written };
                if written > 0 {
                    let summary = serde_json::json!({
                        "rows": rows, "written": written, "unchanged": report.unchanged, "cities": batch.cities().len(),
                    });
                    sqlx::query(
                        "insert into audit_log (occurred_at, actor, action, entity, entity_id, before_json, after_json) \
                         values ($1, $2, 'import', 'observations', $3, null, $4)",
                    )
                    .bind(now)
                    .bind(actor)
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
                filter: &crate::ObservationFilter,
                page: &PageRequest,
            ) -> Result<Vec<mitra_domain::Observation>, StoreError> {
                let after: Option<i64> = match page.after.as_deref() {
                    None => None,
                    Some(key) => Some(key.parse().map_err(|_| StoreError::Other(anyhow::anyhow!("bad observation cursor")))?),
                };
                let sql = format!(
                    "select {} from {} join indicators d on d.id = i.indicator_id \
                     where ($1 is null or c.city_id = $1) and ($2 is null or i.indicator_id = $2) \
                     and ($3 is null or d.standard_id = $3) and ($4 is null or o.year = $4) \
                     and ($5 is null or o.status = $5) and ($6 is null or o.id > $6) order by o.id limit $7",
                    observation_rows::COLUMNS,
                    observation_rows::FROM
                );
                let rows = sqlx::query(&sql)
                    .bind(filter.city.as_ref().map(|c| c.as_str()))
                    .bind(filter.indicator.as_ref().map(|i| i.as_str()))
                    .bind(filter.standard.as_ref().map(|s| s.as_str()))
                    .bind(filter.year)
                    .bind(filter.status.map(|s| s.as_str()))
                    .bind(after)
                    .bind(i64::from(page.limit))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(observation_rows::observation).collect()
            }

            async fn find_observation(&self, id: i64) -> Result<mitra_domain::Observation, StoreError> {
                let row = sqlx::query(&format!("select {} from {} where o.id = $1", observation_rows::COLUMNS, observation_rows::FROM))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| StoreError::NotFound { entity: "observation", id: id.to_string() })?;
                observation_rows::observation(&row)
            }

            async fn review_observation(
                &self,
                id: i64,
                status: mitra_domain::ObservationStatus,
                reason: Option<&str>,
                actor: &str,
            ) -> Result<mitra_domain::Observation, StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut tx = WriteTx::begin(&self.pool).await?;
                let select = format!("select {} from {} where o.id = $1", observation_rows::COLUMNS, observation_rows::FROM);
                let before = sqlx::query(&select)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound { entity: "observation", id: id.to_string() })?;
                let before = observation_rows::observation(&before)?;
                sqlx::query(
                    "update observations set status = $1, status_reason = $2, reviewed_by = $3, reviewed_at = $4 \
                     where id = $5",
                )
                .bind(status.as_str())
                .bind(reason)
                .bind(actor)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                let after = observation_rows::observation(&sqlx::query(&select).bind(id).fetch_one(&mut *tx).await?)?;
                journal(
                    &mut tx,
                    now,
                    actor,
                    "review",
                    "observation",
                    &id.to_string(),
                    Some(&observation_rows::json(&before)),
                    Some(&observation_rows::json(&after)),
                )
                .await?;
                tx.feed(now, "city-observations", after.city_id.as_str(), "update");
                tx.commit().await?;
                Ok(after)
            }

            async fn city_tier_overrides(&self) -> Result<std::collections::HashMap<String, String>, StoreError> {
                let rows = sqlx::query("select city_id, tier from city_tiers").fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|r| Ok((r.try_get("city_id")?, r.try_get("tier")?)))
                    .collect()
            }

            async fn set_city_tier(&self, city: &CityId, tier: Option<&str>, actor: &str) -> Result<(), StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut tx = WriteTx::begin(&self.pool).await?;
                let before: Option<String> = sqlx::query("select tier from city_tiers where city_id = $1")
                    .bind(city.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get("tier"))
                    .transpose()?;
                match tier {
                    Some(tier) => {
                        sqlx::query(
                            "insert into city_tiers (city_id, tier, set_by, set_at) values ($1, $2, $3, $4) \
                             on conflict (city_id) do update set tier = excluded.tier, set_by = excluded.set_by, \
                             set_at = excluded.set_at",
                        )
                        .bind(city.as_str())
                        .bind(tier)
                        .bind(actor)
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
                journal(
                    &mut tx,
                    now,
                    actor,
                    "update",
                    "city-tier",
                    city.as_str(),
                    Some(&serde_json::json!({ "tier": before })),
                    Some(&serde_json::json!({ "tier": tier })),
                )
                .await?;
                tx.feed(now, "city-observations", city.as_str(), "update");
                tx.commit().await?;
                Ok(())
            }

            async fn panel_values(&self) -> Result<Vec<crate::PanelValue>, StoreError> {
                let rows = sqlx::query(
                    "select c.city_id, i.indicator_id, o.year, o.value, o.status from observations o \
                     join observation_cities c on c.num = o.city join observation_indicators i on i.num = o.indicator \
                     where o.status <> 'rejected' \
                     order by o.city, o.indicator, o.year, case when o.status = 'verified' then 0 else 1 end, o.id desc",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(crate::PanelValue {
                            city_id: r.try_get("city_id")?,
                            indicator_id: r.try_get("indicator_id")?,
                            year: r.try_get("year")?,
                            value: r.try_get("value")?,
                            verified: r.try_get::<&str, _>("status")? == "verified",
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(crate) use impl_observation_store;
