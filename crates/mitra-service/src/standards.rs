//! Browsing the standards catalogue: standards, their indicators grouped by theme, and the crosswalk.

use mitra_domain::{
    Basis, CrosswalkEntry, FocusArea, Indicator, IndicatorId, PageRequest, Reason, Relation,
    Standard, StandardId, StandardSummary,
};

use std::collections::HashMap;

use mitra_domain::ValidationError;

use crate::{Mitra, ServiceError};

/// A crosswalk relation to add or change.
#[derive(Debug, Clone, Default)]
pub struct CrosswalkInput {
    /// Indicator id the relation starts from.
    pub from: String,
    /// Indicator id it points to.
    pub to: String,
    /// `equivalent`, `broader`, `narrower` or `related`.
    pub relation: String,
    /// `source` or `derived`.
    pub basis: String,
    /// The source's own wording.
    pub note: String,
    /// What the relation rests on.
    pub source: String,
}

/// A theme of a standard and its indicators, in the standard's order.
#[derive(Debug, Clone)]
pub struct ThemeGroup {
    /// The theme's name as the standard gives it.
    pub theme: String,
    /// Its indicators.
    pub indicators: Vec<Indicator>,
}

/// A standard with its indicators grouped by theme.
#[derive(Debug, Clone)]
pub struct StandardDetail {
    /// The standard.
    pub standard: Standard,
    /// Themes in the order their first indicator appears.
    pub themes: Vec<ThemeGroup>,
}

/// An indicator related to another through the crosswalk, seen from the other one.
#[derive(Debug, Clone)]
pub struct RelatedIndicator {
    /// The related indicator.
    pub indicator: Indicator,
    /// How the indicator being viewed relates to it.
    pub relation: Relation,
    /// What the relation rests on.
    pub basis: Basis,
    /// The source's own wording.
    pub note: String,
    /// Where the relation comes from.
    pub source: String,
}

/// An indicator with its standard, parent and crosswalk relations.
#[derive(Debug, Clone)]
pub struct IndicatorDetail {
    /// The indicator.
    pub indicator: Indicator,
    /// Its standard.
    pub standard: Standard,
    /// Its parent in a hierarchical standard.
    pub parent: Option<Indicator>,
    /// Indicators of other standards it relates to.
    pub related: Vec<RelatedIndicator>,
}

impl Mitra {
    /// Every standard with its indicator count.
    pub async fn list_standards(&self) -> Result<Vec<StandardSummary>, ServiceError> {
        Ok(self.store.list_standards().await?)
    }

    /// A standard with its indicators grouped by theme.
    pub async fn get_standard(&self, id: &StandardId) -> Result<StandardDetail, ServiceError> {
        let standard = self.store.find_standard(id).await?;
        let mut themes: Vec<ThemeGroup> = Vec::new();
        for indicator in self.store.list_indicators(id).await? {
            match themes.iter_mut().find(|t| t.theme == indicator.theme) {
                Some(group) => group.indicators.push(indicator),
                None => themes.push(ThemeGroup {
                    theme: indicator.theme.clone(),
                    indicators: vec![indicator],
                }),
            }
        }
        Ok(StandardDetail { standard, themes })
    }

    /// A standard's indicators in its own order.
    pub async fn list_indicators(
        &self,
        standard: &StandardId,
    ) -> Result<Vec<Indicator>, ServiceError> {
        // Distinguish "no such standard" from "a standard without indicators".
        self.store.find_standard(standard).await?;
        Ok(self.store.list_indicators(standard).await?)
    }

    /// An indicator with its standard, parent and crosswalk relations.
    pub async fn get_indicator(&self, id: &IndicatorId) -> Result<IndicatorDetail, ServiceError> {
        let indicator = self.store.find_indicator(id).await?;
        let standard = self.store.find_standard(&indicator.standard_id).await?;
        let parent = match &indicator.parent_id {
            Some(parent) => Some(self.store.find_indicator(parent).await?),
            None => None,
        };
        let mut related = Vec::new();
        for entry in self.store.list_crosswalk_of(id).await? {
            if let Some((other, relation)) = entry.seen_from(id) {
                related.push(RelatedIndicator {
                    indicator: self.store.find_indicator(other).await?,
                    relation,
                    basis: entry.basis,
                    note: entry.note.clone(),
                    source: entry.source.clone(),
                });
            }
        }
        Ok(IndicatorDetail {
            indicator,
            standard,
            parent,
            related,
        })
    }

    /// One page of the whole crosswalk and the cursor of the next.
    pub async fn list_crosswalk(
        &self,
        limit: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<(Vec<CrosswalkEntry>, Option<String>), ServiceError> {
        let page = PageRequest::parse(limit, cursor)?;
        let mut entries = self.store.list_crosswalk(&page.probe()).await?;
        let next = page.finish(&mut entries, |e| format!("{} {}", e.from, e.to));
        Ok((entries, next))
    }

    /// The whole crosswalk, ordered by (from, to).
    pub async fn all_crosswalk(&self) -> Result<Vec<CrosswalkEntry>, ServiceError> {
        crate::all_pages(
            |page| async move { self.store.list_crosswalk(&page).await },
            |e| format!("{} {}", e.from, e.to),
        )
        .await
    }

    /// Every indicator of every standard, by id.
    pub async fn all_indicators(&self) -> Result<HashMap<IndicatorId, Indicator>, ServiceError> {
        let mut out = HashMap::new();
        for standard in self.store.list_standards().await? {
            for indicator in self.store.list_indicators(&standard.standard.id).await? {
                out.insert(indicator.id.clone(), indicator);
            }
        }
        Ok(out)
    }

    /// The crosswalk as CSV: one relation per row with both indicators' titles.
    pub async fn crosswalk_csv(&self) -> Result<String, ServiceError> {
        let indicators = self.all_indicators().await?;
        let title = |id: &IndicatorId| indicators.get(id).map_or("", |i| i.title_en.as_str());
        let mut writer = csv::Writer::from_writer(Vec::new());
        let csv_error = |e: csv::Error| ServiceError::Internal(e.into());
        writer
            .write_record([
                "from",
                "from_title",
                "relation",
                "to",
                "to_title",
                "basis",
                "note",
                "source",
            ])
            .map_err(csv_error)?;
        for e in self.all_crosswalk().await? {
            // Notes and sources are typed by platform admins: no cell may run as a spreadsheet formula.
            let record = [
                e.from.as_str(),
                title(&e.from),
                e.relation.as_str(),
                e.to.as_str(),
                title(&e.to),
                e.basis.as_str(),
                &e.note,
                &e.source,
            ]
            .map(mitra_domain::text::spreadsheet_safe);
            writer
                .write_record(record.iter().map(|cell| cell.as_bytes()))
                .map_err(csv_error)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("{e}")))?;
        String::from_utf8(bytes).map_err(|e| ServiceError::Internal(e.into()))
    }

    /// The crosswalk as SKOS mapping relations in JSON-LD: each indicator a `skos:Concept` in its standard's
    /// `skos:ConceptScheme`, with `skos:exactMatch`, `broadMatch`, `narrowMatch` or `relatedMatch` to the other.
    /// Indicator and standard IRIs are their pages under `base`.
    pub async fn crosswalk_skos(&self, base: &str) -> Result<serde_json::Value, ServiceError> {
        use serde_json::{Value, json};
        let indicators = self.all_indicators().await?;
        let base = base.trim_end_matches('/');
        let iri = |id: &IndicatorId| format!("{base}/indicators/{id}");
        let mut concepts: std::collections::BTreeMap<String, serde_json::Map<String, Value>> =
            std::collections::BTreeMap::new();
        for e in self.all_crosswalk().await? {
            // `from <property> to`, in SKOS terms: a broader source has the target as its narrower match.
            let property = match e.relation {
                Relation::Equivalent => "skos:exactMatch",
                Relation::Broader => "skos:narrowMatch",
                Relation::Narrower => "skos:broadMatch",
                Relation::Related => "skos:relatedMatch",
            };
            for id in [&e.from, &e.to] {
                concepts.entry(id.to_string()).or_insert_with(|| {
                    let mut concept = serde_json::Map::new();
                    concept.insert("@id".into(), json!(iri(id)));
                    concept.insert("@type".into(), json!("skos:Concept"));
                    concept.insert("skos:notation".into(), json!(id.as_str()));
                    if let Some(i) = indicators.get(id) {
                        let mut labels = vec![json!({"@value": i.title_en, "@language": "en"})];
                        if let Some(zh) = &i.title_zh {
                            labels.push(json!({"@value": zh, "@language": "zh-Hans"}));
                        }
                        concept.insert("skos:prefLabel".into(), Value::Array(labels));
                        concept.insert(
                            "skos:inScheme".into(),
                            json!({"@id": format!("{base}/standards/{}", i.standard_id)}),
                        );
                    }
                    concept
                });
            }
            if let Some(concept) = concepts.get_mut(e.from.as_str()) {
                let list = concept
                    .entry(property)
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = list {
                    list.push(json!({"@id": iri(&e.to)}));
                }
            }
        }
        Ok(json!({
            "@context": {"skos": "http://www.w3.org/2004/02/skos/core#"},
            "@graph": concepts.into_values().map(Value::Object).collect::<Vec<_>>(),
        }))
    }

    /// A platform admin adds or changes the relation from one indicator to another.
    pub async fn put_crosswalk(
        &self,
        actor: &mitra_domain::Actor,
        input: &CrosswalkInput,
    ) -> Result<CrosswalkEntry, ServiceError> {
        let admin = actor.platform_admin()?;
        let from = IndicatorId::parse(&input.from)?;
        let to = IndicatorId::parse(&input.to)?;
        if from == to {
            return Err(ValidationError::new("to", Reason::self_relation()).into());
        }
        if from.standard() == to.standard() {
            return Err(ValidationError::new("to", Reason::same_standard()).into());
        }
        self.store.find_indicator(&from).await?;
        self.store.find_indicator(&to).await?;
        let source = input.source.trim();
        if source.is_empty() {
            return Err(ValidationError::new("source", Reason::source_required()).into());
        }
        let entry = CrosswalkEntry {
            from,
            to,
            relation: Relation::parse(&input.relation)?,
            basis: Basis::parse(&input.basis)?,
            note: input.note.trim().to_owned(),
            source: source.to_owned(),
        };
        self.store.put_crosswalk(&entry, admin.stamp()).await?;
        Ok(entry)
    }

    /// A platform admin removes a relation.
    pub async fn delete_crosswalk(
        &self,
        actor: &mitra_domain::Actor,
        from: &IndicatorId,
        to: &IndicatorId,
    ) -> Result<(), ServiceError> {
        let admin = actor.platform_admin()?;
        Ok(self.store.delete_crosswalk(from, to, admin.stamp()).await?)
    }

    /// The six ASCN focus areas.
    pub async fn list_focus_areas(&self) -> Result<Vec<FocusArea>, ServiceError> {
        Ok(self.store.list_focus_areas().await?)
    }
}

/// The machine-translated Chinese titles and theme names of the indicators of standards without a public Chinese
/// text (`data/standards/indicator_titles_zh.csv`), read once.
pub fn indicator_translations() -> &'static mitra_domain::reference::IndicatorTranslations {
    crate::reference::parsed_once!(
        mitra_domain::reference::IndicatorTranslations,
        "standards/indicator_titles_zh.csv",
        mitra_domain::reference::parse_indicator_translations
    )
}
