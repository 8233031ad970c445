//! Browsing the standards catalogue: standards, their indicators grouped by theme, and the crosswalk.

use mitra_domain::{
    Basis, CrosswalkEntry, FocusArea, Indicator, IndicatorId, PageRequest, Relation, Standard,
    StandardId, StandardSummary,
};

use crate::{Mitra, ServiceError};

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
    pub async fn get_standard(&self, id: &str) -> Result<StandardDetail, ServiceError> {
        let id = StandardId::parse(id)?;
        let standard = self.store.find_standard(&id).await?;
        let mut themes: Vec<ThemeGroup> = Vec::new();
        for indicator in self.store.list_indicators(&id).await? {
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
    pub async fn list_indicators(&self, standard: &str) -> Result<Vec<Indicator>, ServiceError> {
        let id = StandardId::parse(standard)?;
        // Distinguish "no such standard" from "a standard without indicators".
        self.store.find_standard(&id).await?;
        Ok(self.store.list_indicators(&id).await?)
    }

    /// An indicator with its standard, parent and crosswalk relations.
    pub async fn get_indicator(&self, id: &str) -> Result<IndicatorDetail, ServiceError> {
        let id = IndicatorId::parse(id)?;
        let indicator = self.store.find_indicator(&id).await?;
        let standard = self.store.find_standard(&indicator.standard_id).await?;
        let parent = match &indicator.parent_id {
            Some(parent) => Some(self.store.find_indicator(parent).await?),
            None => None,
        };
        let mut related = Vec::new();
        for entry in self.store.list_crosswalk_of(&id).await? {
            if let Some((other, relation)) = entry.seen_from(&id) {
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

    /// The six ASCN focus areas.
    pub async fn list_focus_areas(&self) -> Result<Vec<FocusArea>, ServiceError> {
        Ok(self.store.list_focus_areas().await?)
    }
}
