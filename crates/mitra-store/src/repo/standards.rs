//! Standards, their indicators, the crosswalk between indicators and the ASCN focus areas: reading them
//! ([`StandardStore`]), editing the crosswalk, and writing all four from the shipped reference data (called by
//! `reference.rs`, which owns the load's transaction). It must not write other aggregates' tables.

use std::collections::HashMap;

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::{
    Basis, CrosswalkEntry, Direction, FocusArea, Indicator, IndicatorId, IndicatorKind,
    PageRequest, Relation, Standard, StandardId, StandardSummary,
};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::corrupt;
use super::dialect::DbStore;
use super::journal::{WriteTx, journal};
use super::reference::ReferenceLoad;
use crate::{StandardStore, StoreError};

const STANDARD_COLUMNS: &str = "id, code, title, publisher, coverage_note, source";

const INDICATOR_COLUMNS: &str = "id, standard_id, code, title_en, title_zh, title_en_origin, \
     theme, sub_theme, kind, unit, unit_basis, parent_id, weight_percent, direction, position, \
     source";

const CROSSWALK_COLUMNS: &str = "from_indicator_id, to_indicator_id, relation, basis, note, source";

/// The upsert of one crosswalk relation, keyed on its two indicators.
const UPSERT_CROSSWALK: &str = "insert into crosswalk (from_indicator_id, to_indicator_id, \
     relation, basis, note, source) values ($1, $2, $3, $4, $5, $6) on conflict \
     (from_indicator_id, to_indicator_id) do update set relation = excluded.relation, basis = \
     excluded.basis, note = excluded.note, source = excluded.source";

/// A `standards` row.
#[derive(sqlx_macros::FromRow)]
struct StandardRow {
    id: String,
    code: String,
    title: String,
    publisher: String,
    coverage_note: String,
    source: String,
}

impl StandardRow {
    fn into_standard(self) -> Result<Standard, StoreError> {
        Ok(Standard {
            id: StandardId::parse(&self.id).map_err(|e| corrupt("standards", &self.id, e))?,
            code: self.code,
            title: self.title,
            publisher: self.publisher,
            coverage_note: self.coverage_note,
            source: self.source,
        })
    }
}

/// A `standards` row with the number of its indicators.
#[derive(sqlx_macros::FromRow)]
struct StandardSummaryRow {
    #[sqlx(flatten)]
    standard: StandardRow,
    indicator_count: i64,
}

/// An `indicators` row.
#[derive(sqlx_macros::FromRow)]
struct IndicatorRow {
    id: String,
    standard_id: String,
    code: String,
    title_en: String,
    title_zh: Option<String>,
    title_en_origin: String,
    theme: String,
    sub_theme: Option<String>,
    kind: String,
    unit: Option<String>,
    unit_basis: Option<String>,
    parent_id: Option<String>,
    weight_percent: Option<f64>,
    direction: Option<String>,
    position: i64,
    source: String,
}

impl IndicatorRow {
    fn into_indicator(self) -> Result<Indicator, StoreError> {
        let bad = |e| corrupt("indicators", &self.id, e);
        Ok(Indicator {
            id: IndicatorId::parse(&self.id).map_err(bad)?,
            standard_id: StandardId::parse(&self.standard_id).map_err(bad)?,
            kind: IndicatorKind::parse(&self.kind).map_err(bad)?,
            parent_id: self
                .parent_id
                .as_deref()
                .map(IndicatorId::parse)
                .transpose()
                .map_err(bad)?,
            direction: self
                .direction
                .as_deref()
                .map(Direction::parse)
                .transpose()
                .map_err(bad)?,
            title_en_is_translation: self.title_en_origin == "translation",
            code: self.code,
            title_en: self.title_en,
            title_zh: self.title_zh,
            theme: self.theme,
            sub_theme: self.sub_theme,
            unit: self.unit,
            unit_basis: self.unit_basis,
            weight_percent: self.weight_percent,
            position: self.position,
            source: self.source,
        })
    }
}

/// A `crosswalk` row.
#[derive(sqlx_macros::FromRow)]
struct CrosswalkRow {
    from_indicator_id: String,
    to_indicator_id: String,
    relation: String,
    basis: String,
    note: String,
    source: String,
}

impl CrosswalkRow {
    fn into_entry(self) -> Result<CrosswalkEntry, StoreError> {
        let key = format!("{} {}", self.from_indicator_id, self.to_indicator_id);
        let bad = |e| corrupt("crosswalk", &key, e);
        Ok(CrosswalkEntry {
            from: IndicatorId::parse(&self.from_indicator_id).map_err(bad)?,
            to: IndicatorId::parse(&self.to_indicator_id).map_err(bad)?,
            relation: Relation::parse(&self.relation).map_err(bad)?,
            basis: Basis::parse(&self.basis).map_err(bad)?,
            note: self.note,
            source: self.source,
        })
    }
}

/// A `focus_areas` row.
#[derive(sqlx_macros::FromRow)]
struct FocusAreaRow {
    id: String,
    name_en: String,
    position: i64,
    source: String,
}

impl FocusAreaRow {
    fn into_focus_area(self) -> FocusArea {
        FocusArea {
            id: self.id,
            name_en: self.name_en,
            source: self.source,
        }
    }
}

// JSON snapshots for the audit log's before and after. They list every stored field, so two equal snapshots mean
// the row would not change.

fn standard_json(s: &Standard) -> Value {
    json!({
        "id": s.id.as_str(), "code": s.code, "title": s.title, "publisher": s.publisher,
        "coverage_note": s.coverage_note, "source": s.source,
    })
}

fn indicator_json(i: &Indicator) -> Value {
    json!({
        "id": i.id.as_str(), "standard_id": i.standard_id.as_str(), "code": i.code,
        "title_en": i.title_en, "title_zh": i.title_zh, "title_en_origin": title_en_origin(i),
        "theme": i.theme, "sub_theme": i.sub_theme,
        "kind": i.kind.as_str(), "unit": i.unit, "unit_basis": i.unit_basis,
        "parent_id": i.parent_id.as_ref().map(|p| p.as_str()), "weight_percent": i.weight_percent,
        "direction": i.direction.map(|d| d.as_str()), "position": i.position, "source": i.source,
    })
}

/// How the English title is stored: as published, or translated by Mitra.
fn title_en_origin(i: &Indicator) -> &'static str {
    if i.title_en_is_translation {
        "translation"
    } else {
        "published"
    }
}

fn crosswalk_json(e: &CrosswalkEntry) -> Value {
    json!({
        "from": e.from.as_str(), "to": e.to.as_str(), "relation": e.relation.as_str(),
        "basis": e.basis.as_str(), "note": e.note, "source": e.source,
    })
}

fn focus_area_json(f: &FocusArea, position: usize) -> Value {
    json!({"id": f.id, "name_en": f.name_en, "position": position, "source": f.source})
}

/// Writes the standards of a reference load that are new or changed.
pub(super) async fn apply_standards(
    load: &mut ReferenceLoad,
    standards: &[Standard],
) -> Result<(), StoreError> {
    let rows: Vec<StandardRow> =
        sqlx::query_as(&format!("select {STANDARD_COLUMNS} from standards"))
            .fetch_all(&mut *load.tx)
            .await?;
    let mut existing = HashMap::new();
    for row in rows {
        let s = row.into_standard()?;
        existing.insert(s.id.to_string(), standard_json(&s));
    }
    for s in standards {
        let after = standard_json(s);
        if !load
            .journal_if_changed(
                "standard",
                s.id.as_str(),
                existing.get(s.id.as_str()),
                &after,
            )
            .await?
        {
            continue;
        }
        sqlx::query(
            "insert into standards (id, code, title, publisher, coverage_note, source) \
             values ($1, $2, $3, $4, $5, $6) on conflict (id) do update set code = excluded.code, \
             title = excluded.title, publisher = excluded.publisher, coverage_note = \
             excluded.coverage_note, source = excluded.source",
        )
        .bind(s.id.as_str())
        .bind(&s.code)
        .bind(&s.title)
        .bind(&s.publisher)
        .bind(&s.coverage_note)
        .bind(&s.source)
        .execute(&mut *load.tx)
        .await?;
    }
    Ok(())
}

/// Writes the indicators of a reference load that are new or changed, in the order given: parents before children
/// (the files list them in that order).
pub(super) async fn apply_indicators(
    load: &mut ReferenceLoad,
    indicators: &[Indicator],
) -> Result<(), StoreError> {
    let rows: Vec<IndicatorRow> =
        sqlx::query_as(&format!("select {INDICATOR_COLUMNS} from indicators"))
            .fetch_all(&mut *load.tx)
            .await?;
    let mut existing = HashMap::new();
    for row in rows {
        let i = row.into_indicator()?;
        existing.insert(i.id.to_string(), indicator_json(&i));
    }
    let upsert = format!(
        "insert into indicators ({INDICATOR_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11, $12, $13, $14, $15, $16) on conflict (id) do update set standard_id = \
         excluded.standard_id, code = excluded.code, title_en = excluded.title_en, title_zh = \
         excluded.title_zh, title_en_origin = excluded.title_en_origin, theme = excluded.theme, \
         sub_theme = excluded.sub_theme, kind = excluded.kind, unit = excluded.unit, unit_basis = \
         excluded.unit_basis, parent_id = excluded.parent_id, weight_percent = \
         excluded.weight_percent, direction = excluded.direction, position = excluded.position, \
         source = excluded.source"
    );
    for i in indicators {
        let after = indicator_json(i);
        if !load
            .journal_if_changed(
                "indicator",
                i.id.as_str(),
                existing.get(i.id.as_str()),
                &after,
            )
            .await?
        {
            continue;
        }
        sqlx::query(&upsert)
            .bind(i.id.as_str())
            .bind(i.standard_id.as_str())
            .bind(&i.code)
            .bind(&i.title_en)
            .bind(&i.title_zh)
            .bind(title_en_origin(i))
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
            .execute(&mut *load.tx)
            .await?;
    }
    Ok(())
}

/// Writes the crosswalk relations of a reference load that are new or changed.
pub(super) async fn apply_crosswalk(
    load: &mut ReferenceLoad,
    crosswalk: &[CrosswalkEntry],
) -> Result<(), StoreError> {
    let rows: Vec<CrosswalkRow> =
        sqlx::query_as(&format!("select {CROSSWALK_COLUMNS} from crosswalk"))
            .fetch_all(&mut *load.tx)
            .await?;
    let mut existing = HashMap::new();
    for row in rows {
        let e = row.into_entry()?;
        existing.insert(format!("{} {}", e.from, e.to), crosswalk_json(&e));
    }
    for e in crosswalk {
        let key = format!("{} {}", e.from, e.to);
        let after = crosswalk_json(e);
        if !load
            .journal_if_changed("crosswalk", &key, existing.get(&key), &after)
            .await?
        {
            continue;
        }
        sqlx::query(UPSERT_CROSSWALK)
            .bind(e.from.as_str())
            .bind(e.to.as_str())
            .bind(e.relation.as_str())
            .bind(e.basis.as_str())
            .bind(&e.note)
            .bind(&e.source)
            .execute(&mut *load.tx)
            .await?;
    }
    Ok(())
}

/// Writes the focus areas of a reference load that are new, changed or moved, each at its place in the list.
pub(super) async fn apply_focus_areas(
    load: &mut ReferenceLoad,
    focus_areas: &[FocusArea],
) -> Result<(), StoreError> {
    let rows: Vec<FocusAreaRow> =
        sqlx::query_as("select id, name_en, position, source from focus_areas")
            .fetch_all(&mut *load.tx)
            .await?;
    let mut existing = HashMap::new();
    for row in rows {
        let position = row.position as usize;
        let f = row.into_focus_area();
        existing.insert(f.id.clone(), focus_area_json(&f, position));
    }
    for (position, f) in focus_areas.iter().enumerate() {
        let after = focus_area_json(f, position);
        if !load
            .journal_if_changed("focus_area", &f.id, existing.get(&f.id), &after)
            .await?
        {
            continue;
        }
        sqlx::query(
            "insert into focus_areas (id, name_en, position, source) values ($1, $2, $3, $4) \
             on conflict (id) do update set name_en = excluded.name_en, position = \
             excluded.position, source = excluded.source",
        )
        .bind(&f.id)
        .bind(&f.name_en)
        .bind(position as i64)
        .bind(&f.source)
        .execute(&mut *load.tx)
        .await?;
    }
    Ok(())
}

/// The crosswalk relation from `from` to `to`, if there is one.
async fn find_crosswalk_in(
    tx: &mut WriteTx,
    from: &IndicatorId,
    to: &IndicatorId,
) -> Result<Option<CrosswalkEntry>, StoreError> {
    let row: Option<CrosswalkRow> = sqlx::query_as(&format!(
        "select {CROSSWALK_COLUMNS} from crosswalk where from_indicator_id = $1 \
         and to_indicator_id = $2"
    ))
    .bind(from.as_str())
    .bind(to.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(CrosswalkRow::into_entry).transpose()
}

#[async_trait]
impl StandardStore for DbStore {
    async fn list_standards(&self) -> Result<Vec<StandardSummary>, StoreError> {
        let rows: Vec<StandardSummaryRow> = sqlx::query_as(
            "select s.id, s.code, s.title, s.publisher, s.coverage_note, s.source, \
             (select count(*) from indicators i where i.standard_id = s.id) as indicator_count \
             from standards s order by s.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(StandardSummary {
                    standard: row.standard.into_standard()?,
                    indicator_count: row.indicator_count.max(0) as u64,
                })
            })
            .collect()
    }

    async fn find_standard(&self, id: &StandardId) -> Result<Standard, StoreError> {
        let row: StandardRow = sqlx::query_as(&format!(
            "select {STANDARD_COLUMNS} from standards where id = $1"
        ))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "standard",
            id: id.to_string(),
        })?;
        row.into_standard()
    }

    async fn list_indicators(&self, standard: &StandardId) -> Result<Vec<Indicator>, StoreError> {
        let rows: Vec<IndicatorRow> = sqlx::query_as(&format!(
            "select {INDICATOR_COLUMNS} from indicators where standard_id = $1 \
             order by position, id"
        ))
        .bind(standard.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(IndicatorRow::into_indicator).collect()
    }

    async fn find_indicator(&self, id: &IndicatorId) -> Result<Indicator, StoreError> {
        let row: IndicatorRow = sqlx::query_as(&format!(
            "select {INDICATOR_COLUMNS} from indicators where id = $1"
        ))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "indicator",
            id: id.to_string(),
        })?;
        row.into_indicator()
    }

    async fn list_crosswalk_of(&self, id: &IndicatorId) -> Result<Vec<CrosswalkEntry>, StoreError> {
        let rows: Vec<CrosswalkRow> = sqlx::query_as(&format!(
            "select {CROSSWALK_COLUMNS} from crosswalk where from_indicator_id = $1 \
             or to_indicator_id = $1 order by from_indicator_id, to_indicator_id"
        ))
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(CrosswalkRow::into_entry).collect()
    }

    async fn list_crosswalk(&self, page: &PageRequest) -> Result<Vec<CrosswalkEntry>, StoreError> {
        let rows: Vec<CrosswalkRow> = sqlx::query_as(&format!(
            "select {CROSSWALK_COLUMNS} from crosswalk \
             where ($1 is null or from_indicator_id || ' ' || to_indicator_id > $1) \
             order by from_indicator_id || ' ' || to_indicator_id limit $2"
        ))
        .bind(page.after.as_deref())
        .bind(i64::from(page.limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(CrosswalkRow::into_entry).collect()
    }

    async fn list_focus_areas(&self) -> Result<Vec<FocusArea>, StoreError> {
        let rows: Vec<FocusAreaRow> = sqlx::query_as(
            "select id, name_en, position, source from focus_areas order by position",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(FocusAreaRow::into_focus_area)
            .collect())
    }

    async fn put_crosswalk(
        &self,
        entry: &CrosswalkEntry,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let id = format!("{} {}", entry.from, entry.to);
        let mut tx = WriteTx::begin(&self.pool).await?;
        let before = find_crosswalk_in(&mut tx, &entry.from, &entry.to).await?;
        sqlx::query(UPSERT_CROSSWALK)
            .bind(entry.from.as_str())
            .bind(entry.to.as_str())
            .bind(entry.relation.as_str())
            .bind(entry.basis.as_str())
            .bind(&entry.note)
            .bind(&entry.source)
            .execute(&mut *tx)
            .await?;
        let before = before.as_ref().map(crosswalk_json);
        let action = if before.is_some() { "update" } else { "insert" };
        let after = crosswalk_json(entry);
        journal(
            &mut tx,
            now,
            actor,
            action,
            "crosswalk",
            &id,
            before.as_ref(),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_crosswalk(
        &self,
        from: &IndicatorId,
        to: &IndicatorId,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let id = format!("{from} {to}");
        let mut tx = WriteTx::begin(&self.pool).await?;
        let before =
            find_crosswalk_in(&mut tx, from, to)
                .await?
                .ok_or_else(|| StoreError::NotFound {
                    entity: "crosswalk relation",
                    id: id.clone(),
                })?;
        sqlx::query("delete from crosswalk where from_indicator_id = $1 and to_indicator_id = $2")
            .bind(from.as_str())
            .bind(to.as_str())
            .execute(&mut *tx)
            .await?;
        let before = crosswalk_json(&before);
        journal(
            &mut tx,
            now,
            actor,
            "delete",
            "crosswalk",
            &id,
            Some(&before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
