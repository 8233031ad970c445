//! The repository implementation shared by both backends.
//!
//! The SQL here is portable: lower-case keywords, `$n` placeholders (which SQLite accepts too), `on conflict … do
//! update`, `||` and `like … escape`. sqlx has no practical way to write one generic function over two databases, so
//! the implementation is a macro expanded once in `sqlite.rs` and once in `postgres.rs`, where each backend keeps
//! what really differs (connection options, migrations, locking). A statement that has to differ goes there too.

/// Expands the repository traits for `$store`, whose `pool` field is a `sqlx::Pool<$db>`.
macro_rules! impl_store {
    ($store:ty, $db:ty) => {
        use std::collections::HashMap;

        use async_trait::async_trait;
        use mitra_domain::reference::ReferenceData;
        use mitra_domain::{
            City, CityFilter, CityId, Country, CrosswalkEntry, FocusArea, Indicator, IndicatorId, PageRequest,
            PopulationPoint, Standard, StandardId, StandardSummary,
        };
        use serde_json::Value;
        use sqlx::Row as _;
        use sqlx::types::Json;
        use time::OffsetDateTime;

        use crate::journal::{AuditEntry, Change, ReferenceChanges, ReferenceState};
        use crate::rows::{self, CityRow, CountryRow, CrosswalkRow, FocusAreaRow, IndicatorRow, PopulationRow, StandardRow};
        use crate::{CityStore, JournalStore, ReferenceStore, StandardStore, StoreError};

        type DbRow = <$db as sqlx::Database>::Row;
        type Connection = <$db as sqlx::Database>::Connection;

        /// A write transaction. It begins with the backend's [`BEGIN_WRITE`], so that concurrent writers queue
        /// for the database instead of failing, and it holds back its change-feed entries until [`WriteTx::commit`],
        /// which appends them last, under the backend's [`FEED_LOCK`]: a feed entry's sequence number is then taken
        /// in commit order, and a follower that has read up to N never sees a lower number appear later.
        struct WriteTx<'c> {
            tx: sqlx::Transaction<'c, $db>,
            feed: Vec<(OffsetDateTime, String, String, String)>,
        }

        type Tx<'c> = WriteTx<'c>;

        impl std::ops::Deref for WriteTx<'_> {
            type Target = Connection;

            fn deref(&self) -> &Connection {
                &self.tx
            }
        }

        impl std::ops::DerefMut for WriteTx<'_> {
            fn deref_mut(&mut self) -> &mut Connection {
                &mut self.tx
            }
        }

        impl WriteTx<'static> {
            async fn begin(pool: &sqlx::Pool<$db>) -> Result<Self, StoreError> {
                Ok(Self { tx: pool.begin_with(BEGIN_WRITE).await?, feed: Vec::new() })
            }
        }

        impl WriteTx<'_> {
            /// Records a change-feed entry, appended at commit.
            fn feed(&mut self, now: OffsetDateTime, entity: &str, entity_id: &str, operation: &str) {
                self.feed.push((now, entity.to_owned(), entity_id.to_owned(), operation.to_owned()));
            }

            /// Appends the change-feed entries (in the order recorded) and commits.
            async fn commit(mut self) -> Result<(), StoreError> {
                if !self.feed.is_empty() {
                    if let Some(lock) = FEED_LOCK {
                        sqlx::query(lock).execute(&mut *self.tx).await?;
                    }
                    // 4 parameters a row: 1 000 rows stay under both engines' limits.
                    for chunk in self.feed.chunks(1000) {
                        let mut sql =
                            String::from("insert into change_feed (occurred_at, entity, entity_id, operation) values ");
                        for n in 0..chunk.len() {
                            let p = 4 * n;
                            if n > 0 {
                                sql.push(',');
                            }
                            sql.push_str(&format!("(${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4));
                        }
                        let mut query = sqlx::query(&sql);
                        for (at, entity, id, operation) in chunk {
                            query = query.bind(*at).bind(entity.as_str()).bind(id.as_str()).bind(operation.as_str());
                        }
                        query.execute(&mut *self.tx).await?;
                    }
                }
                self.tx.commit().await?;
                Ok(())
            }
        }

        const CITY_COLUMNS: &str = "c.id, c.name_en, c.name_zh, c.name_local, c.local_lang, c.country, c.admin1, \
             c.latitude, c.longitude, c.timezone, c.population, c.population_year, c.population_source, \
             c.geonames_id, c.wup_city_code";

        const CITY_FILTER: &str = "($1 is null or c.country = $1) \
             and ($2 is null or exists (select 1 from city_networks n where n.city_id = c.id and n.network like $2)) \
             and ($3 is null or lower(c.name_en) like $3 escape '\\' or c.name_zh like $3 escape '\\')";

        const INDICATOR_COLUMNS: &str = "id, standard_id, code, title_en, title_zh, title_en_origin, theme, \
             sub_theme, kind, unit, unit_basis, parent_id, weight_percent, direction, position, source";

        fn city_row(row: &DbRow) -> Result<CityRow, sqlx::Error> {
            Ok(CityRow {
                id: row.try_get("id")?,
                name_en: row.try_get("name_en")?,
                name_zh: row.try_get("name_zh")?,
                name_local: row.try_get("name_local")?,
                local_lang: row.try_get("local_lang")?,
                country: row.try_get("country")?,
                admin1: row.try_get("admin1")?,
                latitude: row.try_get("latitude")?,
                longitude: row.try_get("longitude")?,
                timezone: row.try_get("timezone")?,
                population: row.try_get("population")?,
                population_year: row.try_get("population_year")?,
                population_source: row.try_get("population_source")?,
                geonames_id: row.try_get("geonames_id")?,
                wup_city_code: row.try_get("wup_city_code")?,
            })
        }

        fn indicator_row(row: &DbRow) -> Result<IndicatorRow, sqlx::Error> {
            Ok(IndicatorRow {
                id: row.try_get("id")?,
                standard_id: row.try_get("standard_id")?,
                code: row.try_get("code")?,
                title_en: row.try_get("title_en")?,
                title_zh: row.try_get("title_zh")?,
                title_en_origin: row.try_get("title_en_origin")?,
                theme: row.try_get("theme")?,
                sub_theme: row.try_get("sub_theme")?,
                kind: row.try_get("kind")?,
                unit: row.try_get("unit")?,
                unit_basis: row.try_get("unit_basis")?,
                parent_id: row.try_get("parent_id")?,
                weight_percent: row.try_get("weight_percent")?,
                direction: row.try_get("direction")?,
                position: row.try_get("position")?,
                source: row.try_get("source")?,
            })
        }

        fn crosswalk_row(row: &DbRow) -> Result<CrosswalkRow, sqlx::Error> {
            Ok(CrosswalkRow {
                from_indicator_id: row.try_get("from_indicator_id")?,
                to_indicator_id: row.try_get("to_indicator_id")?,
                relation: row.try_get("relation")?,
                basis: row.try_get("basis")?,
                note: row.try_get("note")?,
                source: row.try_get("source")?,
            })
        }

        fn standard_row(row: &DbRow) -> Result<StandardRow, sqlx::Error> {
            Ok(StandardRow {
                id: row.try_get("id")?,
                code: row.try_get("code")?,
                title: row.try_get("title")?,
                publisher: row.try_get("publisher")?,
                coverage_note: row.try_get("coverage_note")?,
                source: row.try_get("source")?,
            })
        }

        /// `%text%` for `like`, with the wildcard characters in `text` escaped.
        fn contains_pattern(text: &str) -> String {
            let mut pattern = String::from("%");
            for c in text.to_lowercase().chars() {
                if matches!(c, '%' | '_' | '\\') {
                    pattern.push('\\');
                }
                pattern.push(c);
            }
            pattern.push('%');
            pattern
        }

        /// Loads the networks of the cities whose ids lie between `first` and `last`, by city id.
        async fn networks_between(
            executor: impl sqlx::Executor<'_, Database = $db>,
            first: &str,
            last: &str,
        ) -> Result<HashMap<String, Vec<String>>, StoreError> {
            let rows = sqlx::query(
                "select city_id, network from city_networks where city_id >= $1 and city_id <= $2 order by city_id, network",
            )
            .bind(first)
            .bind(last)
            .fetch_all(executor)
            .await?;
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            for row in rows {
                map.entry(row.try_get("city_id")?).or_default().push(row.try_get("network")?);
            }
            Ok(map)
        }

        /// Appends one audit record and one change-feed entry inside `tx`.
        #[expect(clippy::too_many_arguments, reason = "one call site per write; a struct would only rename them")]
        async fn journal(
            tx: &mut Tx<'_>,
            now: OffsetDateTime,
            actor: &str,
            action: &str,
            entity: &str,
            entity_id: &str,
            before: Option<&Value>,
            after: Option<&Value>,
        ) -> Result<(), StoreError> {
            sqlx::query(
                "insert into audit_log (occurred_at, actor, action, entity, entity_id, before_json, after_json) \
                 values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(now)
            .bind(actor)
            .bind(action)
            .bind(entity)
            .bind(entity_id)
            .bind(before.map(Json))
            .bind(after.map(Json))
            .execute(&mut **tx)
            .await?;
            tx.feed(now, entity, entity_id, action);
            Ok(())
        }

        /// Compares `after` with the stored `before`; journals and returns `true` when a write is needed.
        async fn journal_if_changed(
            tx: &mut Tx<'_>,
            now: OffsetDateTime,
            changes: &mut ReferenceChanges,
            entity: &str,
            entity_id: &str,
            before: Option<&Value>,
            after: &Value,
        ) -> Result<bool, StoreError> {
            let action = match before {
                Some(before) if before == after => {
                    changes.unchanged += 1;
                    return Ok(false);
                }
                Some(_) => {
                    changes.updated += 1;
                    "update"
                }
                None => {
                    changes.inserted += 1;
                    "insert"
                }
            };
            journal(tx, now, REFERENCE_ACTOR, action, entity, entity_id, before, Some(after)).await?;
            Ok(true)
        }

        const REFERENCE_ACTOR: &str = "system:reference";

        fn audit_entry(r: &DbRow) -> Result<AuditEntry, StoreError> {
            let before: Option<Json<Value>> = r.try_get("before_json")?;
            let after: Option<Json<Value>> = r.try_get("after_json")?;
            Ok(AuditEntry {
                id: r.try_get("id")?,
                occurred_at: r.try_get("occurred_at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                entity: r.try_get("entity")?,
                entity_id: r.try_get("entity_id")?,
                before: before.map(|j| j.0),
                after: after.map(|j| j.0),
            })
        }

        impl $store {
            /// Checks the migrations already applied (see [`Self::verify_applied_migrations`]), then applies, in
            /// order, every migration not yet recorded, recording its checksum.
            async fn apply_migrations(&self) -> Result<(), StoreError> {
                let applied = Self::verify_applied_migrations(&self.pool).await?;
                for migration in crate::migrate::MIGRATIONS {
                    if applied.iter().any(|a| a == migration.name) {
                        continue;
                    }
                    let name = migration.name;
                    let mut tx = WriteTx::begin(&self.pool).await?;
                    sqlx::raw_sql(migration.sql(BACKEND)).execute(&mut *tx).await.map_err(|e| {
                        StoreError::Other(anyhow::anyhow!("migration {name} failed: {e}"))
                    })?;
                    sqlx::query("insert into schema_migrations (name, applied_at, checksum) values ($1, $2, $3)")
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

            /// Creates the migrations table (adding the checksum column to one made before checksums were kept),
            /// records the checksum of every applied migration that has none yet, and refuses to go on when a shipped
            /// migration differs from the one this database applied. Returns the names of the applied migrations.
            async fn verify_applied_migrations(pool: &sqlx::Pool<$db>) -> Result<Vec<String>, StoreError> {
                let mut tx = WriteTx::begin(pool).await?;
                sqlx::raw_sql(crate::migrate::CREATE_MIGRATIONS_TABLE).execute(&mut *tx).await?;
                let has_checksums: bool = sqlx::query_scalar(HAS_CHECKSUM_COLUMN).fetch_one(&mut *tx).await?;
                if !has_checksums {
                    sqlx::raw_sql("alter table schema_migrations add column checksum text").execute(&mut *tx).await?;
                }
                let applied: Vec<(String, Option<String>)> =
                    sqlx::query_as("select name, checksum from schema_migrations").fetch_all(&mut *tx).await?;
                for (name, recorded) in &applied {
                    // A migration this release does not ship was applied by a newer one; it is left alone.
                    let Some(migration) = crate::migrate::MIGRATIONS.iter().find(|m| m.name == name) else {
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
                                "migration {} was changed after it was applied to this database (recorded checksum \
                                 {recorded}, shipped {shipped}); restore the shipped file",
                                migration.file(BACKEND)
                            )));
                        }
                    }
                }
                tx.commit().await?;
                Ok(applied.into_iter().map(|(name, _)| name).collect())
            }

            async fn load_all_cities(tx: &mut Tx<'_>) -> Result<HashMap<String, Value>, StoreError> {
                let rows = sqlx::query(&format!("select {CITY_COLUMNS} from cities c order by c.id"))
                    .fetch_all(&mut **tx)
                    .await?;
                let networks = networks_between(&mut **tx, "", "\u{10ffff}").await?;
                let mut out = HashMap::new();
                for row in rows {
                    let city_row = city_row(&row)?;
                    let nets = networks.get(&city_row.id).cloned().unwrap_or_default();
                    let city = city_row.into_city(&nets)?;
                    out.insert(city.id.to_string(), rows::city_json(&city));
                }
                Ok(out)
            }

            async fn load_all_populations(tx: &mut Tx<'_>) -> Result<HashMap<String, Value>, StoreError> {
                let rows = sqlx::query(
                    "select city_id, year, population, kind, source from city_populations order by city_id, year, source",
                )
                .fetch_all(&mut **tx)
                .await?;
                let mut grouped: HashMap<String, Vec<PopulationPoint>> = HashMap::new();
                for row in rows {
                    let city: String = row.try_get("city_id")?;
                    let point = PopulationRow {
                        year: row.try_get("year")?,
                        population: row.try_get("population")?,
                        kind: row.try_get("kind")?,
                        source: row.try_get("source")?,
                    }
                    .into_point(&city)?;
                    grouped.entry(city).or_default().push(point);
                }
                Ok(grouped.into_iter().map(|(k, v)| (k, rows::populations_json(&v.iter().collect::<Vec<_>>()))).collect())
            }
        }

        #[async_trait]
        impl ReferenceStore for $store {
            async fn reference_state(&self) -> Result<Option<ReferenceState>, StoreError> {
                let row = sqlx::query("select version, content_hash from reference_loads order by id desc limit 1")
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| Ok(ReferenceState { version: r.try_get("version")?, content_hash: r.try_get("content_hash")? }))
                    .transpose()
            }

            async fn apply_reference(
                &self,
                data: &ReferenceData,
                version: i64,
                content_hash: &str,
            ) -> Result<ReferenceChanges, StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut changes = ReferenceChanges::default();
                let mut tx = WriteTx::begin(&self.pool).await?;

                // Countries.
                let mut existing: HashMap<String, Value> = HashMap::new();
                for row in sqlx::query("select code, iso3, name_en, name_zh, region from countries").fetch_all(&mut *tx).await? {
                    let country = CountryRow {
                        code: row.try_get("code")?,
                        iso3: row.try_get("iso3")?,
                        name_en: row.try_get("name_en")?,
                        name_zh: row.try_get("name_zh")?,
                        region: row.try_get("region")?,
                    }
                    .into_country()?;
                    existing.insert(country.code.to_string(), rows::country_json(&country));
                }
                for c in &data.countries {
                    let after = rows::country_json(c);
                    if journal_if_changed(&mut tx, now, &mut changes, "country", c.code.as_str(), existing.get(c.code.as_str()), &after).await? {
                        sqlx::query(
                            "insert into countries (code, iso3, name_en, name_zh, region) values ($1, $2, $3, $4, $5) \
                             on conflict (code) do update set iso3 = excluded.iso3, name_en = excluded.name_en, \
                             name_zh = excluded.name_zh, region = excluded.region",
                        )
                        .bind(c.code.as_str())
                        .bind(&c.iso3)
                        .bind(&c.name_en)
                        .bind(&c.name_zh)
                        .bind(&c.region)
                        .execute(&mut *tx)
                        .await?;
                    }
                }

                // Cities and their networks.
                let existing = Self::load_all_cities(&mut tx).await?;
                for c in &data.cities {
                    let after = rows::city_json(c);
                    if !journal_if_changed(&mut tx, now, &mut changes, "city", c.id.as_str(), existing.get(c.id.as_str()), &after).await? {
                        continue;
                    }
                    sqlx::query(
                        "insert into cities (id, name_en, name_zh, name_local, local_lang, country, admin1, latitude, \
                         longitude, timezone, population, population_year, population_source, geonames_id, wup_city_code) \
                         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                         on conflict (id) do update set name_en = excluded.name_en, name_zh = excluded.name_zh, \
                         name_local = excluded.name_local, local_lang = excluded.local_lang, country = excluded.country, \
                         admin1 = excluded.admin1, latitude = excluded.latitude, longitude = excluded.longitude, \
                         timezone = excluded.timezone, population = excluded.population, \
                         population_year = excluded.population_year, population_source = excluded.population_source, \
                         geonames_id = excluded.geonames_id, wup_city_code = excluded.wup_city_code",
                    )
                    .bind(c.id.as_str())
                    .bind(&c.name_en)
                    .bind(&c.name_zh)
                    .bind(c.name_local.as_ref().map(|(n, _)| n))
                    .bind(c.name_local.as_ref().map(|(_, l)| l))
                    .bind(c.country.as_str())
                    .bind(&c.admin1)
                    .bind(c.location.latitude)
                    .bind(c.location.longitude)
                    .bind(&c.timezone)
                    .bind(c.population.as_ref().map(|p| p.count as i64))
                    .bind(c.population.as_ref().and_then(|p| p.year).map(i64::from))
                    .bind(c.population.as_ref().map(|p| &p.source))
                    .bind(c.geonames_id)
                    .bind(c.wup_city_code)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("delete from city_networks where city_id = $1").bind(c.id.as_str()).execute(&mut *tx).await?;
                    for network in &c.networks {
                        sqlx::query("insert into city_networks (city_id, network) values ($1, $2)")
                            .bind(c.id.as_str())
                            .bind(network.as_str())
                            .execute(&mut *tx)
                            .await?;
                    }
                }

                // Population series, one journal entry per city.
                let existing = Self::load_all_populations(&mut tx).await?;
                let mut series: Vec<(&CityId, Vec<&PopulationPoint>)> = Vec::new();
                for (city, point) in &data.populations {
                    match series.last_mut() {
                        Some((last, points)) if *last == city => points.push(point),
                        _ => series.push((city, vec![point])),
                    }
                }
                for (city, mut points) in series {
                    points.sort_by(|a, b| (a.year, &a.source).cmp(&(b.year, &b.source)));
                    let after = rows::populations_json(&points);
                    if !journal_if_changed(&mut tx, now, &mut changes, "city_population_series", city.as_str(), existing.get(city.as_str()), &after).await? {
                        continue;
                    }
                    sqlx::query("delete from city_populations where city_id = $1").bind(city.as_str()).execute(&mut *tx).await?;
                    for p in points {
                        sqlx::query("insert into city_populations (city_id, year, population, kind, source) values ($1, $2, $3, $4, $5)")
                            .bind(city.as_str())
                            .bind(i64::from(p.year))
                            .bind(p.count as i64)
                            .bind(p.kind.as_str())
                            .bind(&p.source)
                            .execute(&mut *tx)
                            .await?;
                    }
                }

                // Standards.
                let mut existing: HashMap<String, Value> = HashMap::new();
                for row in sqlx::query("select id, code, title, publisher, coverage_note, source from standards").fetch_all(&mut *tx).await? {
                    let s = standard_row(&row)?.into_standard()?;
                    existing.insert(s.id.to_string(), rows::standard_json(&s));
                }
                for s in &data.standards {
                    let after = rows::standard_json(s);
                    if journal_if_changed(&mut tx, now, &mut changes, "standard", s.id.as_str(), existing.get(s.id.as_str()), &after).await? {
                        sqlx::query(
                            "insert into standards (id, code, title, publisher, coverage_note, source) values ($1, $2, $3, $4, $5, $6) \
                             on conflict (id) do update set code = excluded.code, title = excluded.title, \
                             publisher = excluded.publisher, coverage_note = excluded.coverage_note, source = excluded.source",
                        )
                        .bind(s.id.as_str())
                        .bind(&s.code)
                        .bind(&s.title)
                        .bind(&s.publisher)
                        .bind(&s.coverage_note)
                        .bind(&s.source)
                        .execute(&mut *tx)
                        .await?;
                    }
                }

                // Indicators, parents before children (the files list them in that order).
                let mut existing: HashMap<String, Value> = HashMap::new();
                for row in sqlx::query(&format!("select {INDICATOR_COLUMNS} from indicators")).fetch_all(&mut *tx).await? {
                    let i = indicator_row(&row)?.into_indicator()?;
                    existing.insert(i.id.to_string(), rows::indicator_json(&i));
                }
                for i in &data.indicators {
                    let after = rows::indicator_json(i);
                    if journal_if_changed(&mut tx, now, &mut changes, "indicator", i.id.as_str(), existing.get(i.id.as_str()), &after).await? {
                        sqlx::query(&format!(
                            "insert into indicators ({INDICATOR_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                             on conflict (id) do update set standard_id = excluded.standard_id, code = excluded.code, \
                             title_en = excluded.title_en, title_zh = excluded.title_zh, title_en_origin = excluded.title_en_origin, \
                             theme = excluded.theme, sub_theme = excluded.sub_theme, kind = excluded.kind, unit = excluded.unit, \
                             unit_basis = excluded.unit_basis, \
                             parent_id = excluded.parent_id, weight_percent = excluded.weight_percent, direction = excluded.direction, \
                             position = excluded.position, source = excluded.source"
                        ))
                        .bind(i.id.as_str())
                        .bind(i.standard_id.as_str())
                        .bind(&i.code)
                        .bind(&i.title_en)
                        .bind(&i.title_zh)
                        .bind(rows::title_en_origin(i))
                        .bind(&i.theme)
                        .bind(&i.sub_theme)
                        .bind(i.kind.as_str())
                        .bind(&i.unit)
                        .bind(&i.unit_basis)
                        .bind(i.parent_id.as_ref().map(|p| p.as_str()))
                        .bind(i.weight_percent)
                        .bind(i.direction.map(|d| d.as_str()))
                        .bind(i.position)
                        .bind(&i.source)
                        .execute(&mut *tx)
                        .await?;
                    }
                }

                // Crosswalk.
                let mut existing: HashMap<String, Value> = HashMap::new();
                for row in sqlx::query("select from_indicator_id, to_indicator_id, relation, basis, note, source from crosswalk").fetch_all(&mut *tx).await? {
                    let e = crosswalk_row(&row)?.into_entry()?;
                    existing.insert(format!("{} {}", e.from, e.to), rows::crosswalk_json(&e));
                }
                for e in &data.crosswalk {
                    let key = format!("{} {}", e.from, e.to);
                    let after = rows::crosswalk_json(e);
                    if journal_if_changed(&mut tx, now, &mut changes, "crosswalk", &key, existing.get(&key), &after).await? {
                        sqlx::query(
                            "insert into crosswalk (from_indicator_id, to_indicator_id, relation, basis, note, source) \
                             values ($1, $2, $3, $4, $5, $6) on conflict (from_indicator_id, to_indicator_id) do update \
                             set relation = excluded.relation, basis = excluded.basis, note = excluded.note, source = excluded.source",
                        )
                        .bind(e.from.as_str())
                        .bind(e.to.as_str())
                        .bind(e.relation.as_str())
                        .bind(e.basis.as_str())
                        .bind(&e.note)
                        .bind(&e.source)
                        .execute(&mut *tx)
                        .await?;
                    }
                }

                // Focus areas.
                let mut existing: HashMap<String, Value> = HashMap::new();
                for row in sqlx::query("select id, name_en, position, source from focus_areas").fetch_all(&mut *tx).await? {
                    let position: i64 = row.try_get("position")?;
                    let f = FocusAreaRow { id: row.try_get("id")?, name_en: row.try_get("name_en")?, source: row.try_get("source")? }.into_focus_area();
                    existing.insert(f.id.clone(), rows::focus_area_json(&f, position as usize));
                }
                for (position, f) in data.focus_areas.iter().enumerate() {
                    let after = rows::focus_area_json(f, position);
                    if journal_if_changed(&mut tx, now, &mut changes, "focus_area", &f.id, existing.get(&f.id), &after).await? {
                        sqlx::query(
                            "insert into focus_areas (id, name_en, position, source) values ($1, $2, $3, $4) \
                             on conflict (id) do update set name_en = excluded.name_en, position = excluded.position, source = excluded.source",
                        )
                        .bind(&f.id)
                        .bind(&f.name_en)
                        .bind(position as i64)
                        .bind(&f.source)
                        .execute(&mut *tx)
                        .await?;
                    }
                }

                let summary = format!("inserted {}, updated {}, unchanged {}", changes.inserted, changes.updated, changes.unchanged);
                sqlx::query("insert into reference_loads (version, content_hash, loaded_at, summary) values ($1, $2, $3, $4)")
                    .bind(version)
                    .bind(content_hash)
                    .bind(now)
                    .bind(summary)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(changes)
            }

            async fn mark_demo_loaded(&self, pack: &str, actor: &str) -> Result<bool, StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut tx = WriteTx::begin(&self.pool).await?;
                let inserted = sqlx::query("insert into demo_loads (pack, loaded_at) values ($1, $2) on conflict (pack) do nothing")
                    .bind(pack)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if inserted == 0 {
                    return Ok(false);
                }
                let after = serde_json::json!({"pack": pack});
                journal(&mut tx, now, actor, "insert", "demo_pack", pack, None, Some(&after)).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn demo_packs(&self) -> Result<Vec<String>, StoreError> {
                let rows = sqlx::query("select pack from demo_loads order by pack").fetch_all(&self.pool).await?;
                rows.iter().map(|r| r.try_get("pack").map_err(StoreError::from)).collect()
            }
        }

        #[async_trait]
        impl CityStore for $store {
            async fn list_cities(&self, filter: &CityFilter, page: &PageRequest) -> Result<Vec<City>, StoreError> {
                let sql = format!(
                    "select {CITY_COLUMNS} from cities c where {CITY_FILTER} and ($4 is null or c.id > $4) order by c.id limit $5"
                );
                let rows = sqlx::query(&sql)
                    .bind(filter.country.map(|c| c.to_string()))
                    .bind(filter.network.map(rows::network_pattern))
                    .bind(filter.name.as_deref().map(contains_pattern))
                    .bind(page.after.as_deref())
                    .bind(i64::from(page.limit))
                    .fetch_all(&self.pool)
                    .await?;
                let city_rows = rows.iter().map(city_row).collect::<Result<Vec<_>, _>>()?;
                let (Some(first), Some(last)) = (city_rows.first(), city_rows.last()) else {
                    return Ok(Vec::new());
                };
                let networks = networks_between(&self.pool, &first.id, &last.id).await?;
                city_rows
                    .into_iter()
                    .map(|r| {
                        let nets = networks.get(&r.id).cloned().unwrap_or_default();
                        r.into_city(&nets)
                    })
                    .collect()
            }

            async fn count_cities(&self, filter: &CityFilter) -> Result<u64, StoreError> {
                let row = sqlx::query(&format!("select count(*) as n from cities c where {CITY_FILTER}"))
                    .bind(filter.country.map(|c| c.to_string()))
                    .bind(filter.network.map(rows::network_pattern))
                    .bind(filter.name.as_deref().map(contains_pattern))
                    .fetch_one(&self.pool)
                    .await?;
                let n: i64 = row.try_get("n")?;
                Ok(n.max(0) as u64)
            }

            async fn find_city(&self, id: &CityId) -> Result<City, StoreError> {
                let row = sqlx::query(&format!("select {CITY_COLUMNS} from cities c where c.id = $1"))
                    .bind(id.as_str())
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| StoreError::NotFound { entity: "city", id: id.to_string() })?;
                let networks = networks_between(&self.pool, id.as_str(), id.as_str()).await?;
                city_row(&row)?.into_city(networks.get(id.as_str()).map_or(&[], Vec::as_slice))
            }

            async fn list_city_populations(&self, id: &CityId) -> Result<Vec<PopulationPoint>, StoreError> {
                let rows = sqlx::query(
                    "select year, population, kind, source from city_populations where city_id = $1 order by year, source",
                )
                .bind(id.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        PopulationRow {
                            year: row.try_get("year")?,
                            population: row.try_get("population")?,
                            kind: row.try_get("kind")?,
                            source: row.try_get("source")?,
                        }
                        .into_point(id.as_str())
                    })
                    .collect()
            }

            async fn list_countries(&self) -> Result<Vec<Country>, StoreError> {
                let rows = sqlx::query("select code, iso3, name_en, name_zh, region from countries order by code")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        CountryRow {
                            code: row.try_get("code")?,
                            iso3: row.try_get("iso3")?,
                            name_en: row.try_get("name_en")?,
                            name_zh: row.try_get("name_zh")?,
                            region: row.try_get("region")?,
                        }
                        .into_country()
                    })
                    .collect()
            }
        }

        #[async_trait]
        impl StandardStore for $store {
            async fn list_standards(&self) -> Result<Vec<StandardSummary>, StoreError> {
                let rows = sqlx::query(
                    "select s.id, s.code, s.title, s.publisher, s.coverage_note, s.source, \
                     (select count(*) from indicators i where i.standard_id = s.id) as indicator_count \
                     from standards s order by s.id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let count: i64 = row.try_get("indicator_count")?;
                        Ok(StandardSummary { standard: standard_row(row)?.into_standard()?, indicator_count: count.max(0) as u64 })
                    })
                    .collect()
            }

            async fn find_standard(&self, id: &StandardId) -> Result<Standard, StoreError> {
                let row = sqlx::query("select id, code, title, publisher, coverage_note, source from standards where id = $1")
                    .bind(id.as_str())
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| StoreError::NotFound { entity: "standard", id: id.to_string() })?;
                standard_row(&row)?.into_standard()
            }

            async fn list_indicators(&self, standard: &StandardId) -> Result<Vec<Indicator>, StoreError> {
                let rows = sqlx::query(&format!(
                    "select {INDICATOR_COLUMNS} from indicators where standard_id = $1 order by position, id"
                ))
                .bind(standard.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| indicator_row(r)?.into_indicator()).collect()
            }

            async fn find_indicator(&self, id: &IndicatorId) -> Result<Indicator, StoreError> {
                let row = sqlx::query(&format!("select {INDICATOR_COLUMNS} from indicators where id = $1"))
                    .bind(id.as_str())
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| StoreError::NotFound { entity: "indicator", id: id.to_string() })?;
                indicator_row(&row)?.into_indicator()
            }

            async fn list_crosswalk_of(&self, id: &IndicatorId) -> Result<Vec<CrosswalkEntry>, StoreError> {
                let rows = sqlx::query(
                    "select from_indicator_id, to_indicator_id, relation, basis, note, source from crosswalk \
                     where from_indicator_id = $1 or to_indicator_id = $1 order by from_indicator_id, to_indicator_id",
                )
                .bind(id.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| crosswalk_row(r)?.into_entry()).collect()
            }

            async fn list_crosswalk(&self, page: &PageRequest) -> Result<Vec<CrosswalkEntry>, StoreError> {
                let rows = sqlx::query(
                    "select from_indicator_id, to_indicator_id, relation, basis, note, source from crosswalk \
                     where ($1 is null or from_indicator_id || ' ' || to_indicator_id > $1) \
                     order by from_indicator_id || ' ' || to_indicator_id limit $2",
                )
                .bind(page.after.as_deref())
                .bind(i64::from(page.limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| crosswalk_row(r)?.into_entry()).collect()
            }

            async fn list_focus_areas(&self) -> Result<Vec<FocusArea>, StoreError> {
                let rows = sqlx::query("select id, name_en, source from focus_areas order by position")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| {
                        Ok(FocusAreaRow { id: r.try_get("id")?, name_en: r.try_get("name_en")?, source: r.try_get("source")? }
                            .into_focus_area())
                    })
                    .collect()
            }

            async fn put_crosswalk(&self, entry: &CrosswalkEntry, actor: &str) -> Result<(), StoreError> {
                let now = OffsetDateTime::now_utc();
                let id = format!("{} {}", entry.from, entry.to);
                let mut tx = WriteTx::begin(&self.pool).await?;
                let before = sqlx::query(
                    "select from_indicator_id, to_indicator_id, relation, basis, note, source from crosswalk \
                     where from_indicator_id = $1 and to_indicator_id = $2",
                )
                .bind(entry.from.as_str())
                .bind(entry.to.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| crosswalk_row(&r))
                .transpose()?
                .map(|r| r.into_entry())
                .transpose()?;
                sqlx::query(
                    "insert into crosswalk (from_indicator_id, to_indicator_id, relation, basis, note, source) \
                     values ($1, $2, $3, $4, $5, $6) on conflict (from_indicator_id, to_indicator_id) do update set \
                     relation = excluded.relation, basis = excluded.basis, note = excluded.note, source = excluded.source",
                )
                .bind(entry.from.as_str())
                .bind(entry.to.as_str())
                .bind(entry.relation.as_str())
                .bind(entry.basis.as_str())
                .bind(&entry.note)
                .bind(&entry.source)
                .execute(&mut *tx)
                .await?;
                let before = before.as_ref().map(rows::crosswalk_json);
                let action = if before.is_some() { "update" } else { "insert" };
                journal(&mut tx, now, actor, action, "crosswalk", &id, before.as_ref(), Some(&rows::crosswalk_json(entry))).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn delete_crosswalk(&self, from: &IndicatorId, to: &IndicatorId, actor: &str) -> Result<(), StoreError> {
                let now = OffsetDateTime::now_utc();
                let id = format!("{from} {to}");
                let mut tx = WriteTx::begin(&self.pool).await?;
                let before = sqlx::query(
                    "select from_indicator_id, to_indicator_id, relation, basis, note, source from crosswalk \
                     where from_indicator_id = $1 and to_indicator_id = $2",
                )
                .bind(from.as_str())
                .bind(to.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound { entity: "crosswalk relation", id: id.clone() })?;
                let before = crosswalk_row(&before)?.into_entry()?;
                sqlx::query("delete from crosswalk where from_indicator_id = $1 and to_indicator_id = $2")
                    .bind(from.as_str())
                    .bind(to.as_str())
                    .execute(&mut *tx)
                    .await?;
                journal(&mut tx, now, actor, "delete", "crosswalk", &id, Some(&rows::crosswalk_json(&before)), None).await?;
                tx.commit().await?;
                Ok(())
            }
        }

        #[async_trait]
        impl JournalStore for $store {
            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("select 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn list_audit_entries(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
                self.search_audit_entries(&crate::accounts::AuditFilter { limit, ..Default::default() }).await
            }

            async fn search_audit(&self, filter: &crate::accounts::AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
                self.search_audit_entries(filter).await
            }

            async fn close(&self) {
                // sqlx's close can return while a connection that was being handed back to the pool is still open
                // (it then sits idle, and SQLite keeps its write-ahead log); closing again closes it. Bounded, so
                // that a connection that is never returned cannot keep a command from ending.
                for _ in 0..200 {
                    self.pool.close().await;
                    if self.pool.size() == 0 {
                        return;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
                tracing::warn!(connections = self.pool.size(), "store.close_incomplete");
            }

            async fn list_changes_since(&self, after: i64, limit: u32) -> Result<Vec<Change>, StoreError> {
                let rows = sqlx::query(
                    "select seq, occurred_at, entity, entity_id, operation from change_feed where seq > $1 order by seq limit $2",
                )
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(Change {
                            seq: r.try_get("seq")?,
                            occurred_at: r.try_get("occurred_at")?,
                            entity: r.try_get("entity")?,
                            entity_id: r.try_get("entity_id")?,
                            operation: r.try_get("operation")?,
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(crate) use impl_store;
