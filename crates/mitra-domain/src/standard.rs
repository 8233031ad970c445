//! Indicator standards, their indicators, the crosswalk between them (mutual recognition), and the ASCN focus areas.

use std::fmt;

use crate::{IndicatorId, Language, Reason, StandardId, ValidationError};

/// A catalogue of indicators published by a standards body or network.
#[derive(Debug, Clone, PartialEq)]
pub struct Standard {
    /// The standard's id (`iso37120-2014`).
    pub id: StandardId,
    /// The designation as published (`ISO 37120:2014`).
    pub code: String,
    /// The name as the source gives it.
    pub title: String,
    /// Who publishes it (`ISO`, `ITU / UNECE (U4SSC)`, `SAC`).
    pub publisher: String,
    /// What the shipped list covers, and what is missing from it.
    pub coverage_note: String,
    /// Where the shipped list comes from.
    pub source: String,
}

/// A standard with the number of indicators Mitra holds for it.
#[derive(Debug, Clone, PartialEq)]
pub struct StandardSummary {
    /// The standard.
    pub standard: Standard,
    /// How many indicators are loaded.
    pub indicator_count: u64,
}

/// How an indicator is classed within its standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorKind {
    /// A core indicator: every reporting city should have it.
    Core,
    /// A supporting indicator (ISO 37120).
    Supporting,
    /// An advanced indicator (U4SSC).
    Advanced,
    /// A profile indicator: context, not performance.
    Profile,
    /// A first-level index of a hierarchical standard (GB/T 33356).
    Level1,
    /// A second-level index.
    Level2,
    /// A sub-item under a second-level index.
    SubItem,
}

impl IndicatorKind {
    /// The id used in the store and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Core => "core",
            IndicatorKind::Supporting => "supporting",
            IndicatorKind::Advanced => "advanced",
            IndicatorKind::Profile => "profile",
            IndicatorKind::Level1 => "level-1",
            IndicatorKind::Level2 => "level-2",
            IndicatorKind::SubItem => "sub-item",
        }
    }

    /// Parses a kind id.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        [
            IndicatorKind::Core,
            IndicatorKind::Supporting,
            IndicatorKind::Advanced,
            IndicatorKind::Profile,
            IndicatorKind::Level1,
            IndicatorKind::Level2,
            IndicatorKind::SubItem,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw.trim())
        .ok_or_else(|| {
            ValidationError::new(
                "kind",
                Reason::not_one_of(
                    crate::ids::clip(raw),
                    "core, supporting, advanced, profile, level-1, level-2, sub-item",
                ),
            )
        })
    }
}

impl fmt::Display for IndicatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One indicator of a standard.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// `<standard>:<code>`.
    pub id: IndicatorId,
    /// The standard it belongs to.
    pub standard_id: StandardId,
    /// The code as published (whitespace removed).
    pub code: String,
    /// English title (for GB/T 33356, a translation; see `title_en_is_translation`).
    pub title_en: String,
    /// Chinese title, where the source has one.
    pub title_zh: Option<String>,
    /// Whether the English title is a translation rather than the published wording.
    pub title_en_is_translation: bool,
    /// The theme or dimension it is grouped under (English, as the source names it).
    pub theme: String,
    /// The sub-theme, where the standard has one.
    pub sub_theme: Option<String>,
    /// Core, supporting, …
    pub kind: IndicatorKind,
    /// Unit of measurement, in its canonical spelling ([`crate::unit::Unit`]); every shipped indicator has one.
    pub unit: Option<String>,
    /// Where the unit comes from: the standard's text or definition, or what Mitra assumes when no open source
    /// states it.
    pub unit_basis: Option<String>,
    /// The parent indicator in a hierarchical standard.
    pub parent_id: Option<IndicatorId>,
    /// Weight within its parent, in percent, where the standard sets one.
    pub weight_percent: Option<f64>,
    /// Whether a lower or a higher value is better, where Mitra's direction list states it.
    pub direction: Option<Direction>,
    /// Position in the standard's own order.
    pub position: i64,
    /// Where this row comes from.
    pub source: String,
}

impl Indicator {
    /// The title to show a reader of `language`, and the language it is actually in.
    pub fn display_title(&self, language: Language) -> (&str, Language) {
        match (language, &self.title_zh) {
            (Language::ZhHans, Some(zh)) => (zh, Language::ZhHans),
            _ => (&self.title_en, Language::En),
        }
    }
}

/// Which way an indicator improves; peer rankings respect it (the best city gets the highest percentile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A lower value is better (PM2.5 concentration).
    LowerIsBetter,
    /// A higher value is better (share of households with internet access).
    HigherIsBetter,
}

impl Direction {
    /// The id used in the store, the data files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::LowerIsBetter => "lower",
            Direction::HigherIsBetter => "higher",
        }
    }

    /// Parses a direction id.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim() {
            "lower" => Ok(Direction::LowerIsBetter),
            "higher" => Ok(Direction::HigherIsBetter),
            other => Err(ValidationError::new(
                "direction",
                Reason::not_one_of(crate::ids::clip(other), "lower, higher"),
            )),
        }
    }
}

/// How two indicators relate. Mutual recognition rests on this: a value reported under one indicator counts for an
/// `Equivalent` one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Measures the same thing.
    Equivalent,
    /// The source indicator is broader than the target.
    Broader,
    /// The source indicator is narrower than the target.
    Narrower,
    /// Related, but neither the same nor one containing the other.
    Related,
}

impl Relation {
    /// Every value.
    pub const ALL: [Relation; 4] = [
        Relation::Equivalent,
        Relation::Broader,
        Relation::Narrower,
        Relation::Related,
    ];

    /// The id used in the store and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Equivalent => "equivalent",
            Relation::Broader => "broader",
            Relation::Narrower => "narrower",
            Relation::Related => "related",
        }
    }

    /// Parses a relation id.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim() {
            "equivalent" => Ok(Relation::Equivalent),
            "broader" => Ok(Relation::Broader),
            "narrower" => Ok(Relation::Narrower),
            "related" => Ok(Relation::Related),
            other => Err(ValidationError::new(
                "relation",
                Reason::not_one_of(
                    crate::ids::clip(other),
                    "equivalent, broader, narrower, related",
                ),
            )),
        }
    }

    /// The same relation seen from the other end (`broader` ↔ `narrower`).
    pub fn inverse(self) -> Self {
        match self {
            Relation::Broader => Relation::Narrower,
            Relation::Narrower => Relation::Broader,
            other => other,
        }
    }
}

/// What a crosswalk relation rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Stated by a published source.
    Source,
    /// Derived by an analyst (for example from matching titles); to be reviewed.
    Derived,
}

impl Basis {
    /// Every value.
    pub const ALL: [Basis; 2] = [Basis::Source, Basis::Derived];

    /// The id used in the store and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Source => "source",
            Basis::Derived => "derived",
        }
    }

    /// Parses a basis id.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim() {
            "source" => Ok(Basis::Source),
            "derived" => Ok(Basis::Derived),
            other => Err(ValidationError::new(
                "basis",
                Reason::not_one_of(crate::ids::clip(other), "source, derived"),
            )),
        }
    }
}

/// One relation of the crosswalk.
#[derive(Debug, Clone, PartialEq)]
pub struct CrosswalkEntry {
    /// The indicator the relation starts from.
    pub from: IndicatorId,
    /// The indicator it points to.
    pub to: IndicatorId,
    /// How they relate.
    pub relation: Relation,
    /// What the relation rests on.
    pub basis: Basis,
    /// The relation as the source worded it (`close`, `partial (mode share)`).
    pub note: String,
    /// Where the relation comes from.
    pub source: String,
}

impl CrosswalkEntry {
    /// The relation seen from `indicator`'s side: the other indicator and the relation from `indicator` to it.
    pub fn seen_from(&self, indicator: &IndicatorId) -> Option<(&IndicatorId, Relation)> {
        if &self.from == indicator {
            Some((&self.to, self.relation))
        } else if &self.to == indicator {
            Some((&self.from, self.relation.inverse()))
        } else {
            None
        }
    }
}

/// One of the six focus areas of the ASEAN Smart Cities Network framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocusArea {
    /// Id (`civic_social`).
    pub id: String,
    /// English name as published.
    pub name_en: String,
    /// Where the list comes from.
    pub source: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relation_seen_from_the_other_end_is_inverted() {
        let from = IndicatorId::parse("u4ssc:EC:ICT:ICT:1C").expect("id");
        let to = IndicatorId::parse("iso37120-2014:17.1").expect("id");
        let entry = CrosswalkEntry {
            from: from.clone(),
            to: to.clone(),
            relation: Relation::Broader,
            basis: Basis::Derived,
            note: String::new(),
            source: String::new(),
        };
        assert_eq!(entry.seen_from(&from), Some((&to, Relation::Broader)));
        assert_eq!(entry.seen_from(&to), Some((&from, Relation::Narrower)));
        let other = IndicatorId::parse("u4ssc:X:1").expect("id");
        assert_eq!(entry.seen_from(&other), None);
    }

    #[test]
    fn relations_and_kinds_round_trip_through_their_ids() {
        for r in [
            Relation::Equivalent,
            Relation::Broader,
            Relation::Narrower,
            Relation::Related,
        ] {
            assert_eq!(Relation::parse(r.as_str()), Ok(r));
        }
        assert_eq!(IndicatorKind::parse("level-1"), Ok(IndicatorKind::Level1));
        assert!(IndicatorKind::parse("x").is_err());
    }
}
