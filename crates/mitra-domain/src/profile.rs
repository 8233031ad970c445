//! Localized profiles: the indicators that apply to a city given its development tier, grouped by ASCN focus area,
//! weighted by the city's declared priorities, and scored by the city's percentile ranks among its peers.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::reference::RowError;
use crate::{Indicator, IndicatorId};

/// The profile rules (`data/profiles/profile.toml`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileRules {
    /// The standard whose indicators profiles use.
    pub standard: String,
    /// Weight of a focus area the city declared a priority.
    pub priority_weight: f64,
    /// Weight of the other focus areas.
    pub other_weight: f64,
    /// Indicator kinds that apply when the tier is unknown.
    pub default_kinds: Vec<String>,
    /// Indicator kinds that apply per tier.
    pub kinds_by_tier: BTreeMap<String, Vec<String>>,
    /// Focus area id per theme of the standard.
    pub themes: BTreeMap<String, String>,
}

impl ProfileRules {
    /// Parses the rules and checks them: every theme of `indicators` is mapped, to one of `focus_areas`.
    pub fn parse(
        file: &str,
        text: &str,
        indicators: &[Indicator],
        focus_areas: &[String],
    ) -> Result<Self, RowError> {
        let error = |field: &str, reason: String| RowError {
            file: file.into(),
            line: 0,
            field: field.into(),
            reason,
        };
        let rules: ProfileRules = toml::from_str(text).map_err(|e| RowError {
            file: file.into(),
            line: e
                .span()
                .map_or(0, |s| text[..s.start].matches('\n').count() as u64 + 1),
            field: "toml".into(),
            reason: e.message().to_owned(),
        })?;
        for (theme, area) in &rules.themes {
            if !focus_areas.contains(area) {
                return Err(error(
                    &format!("themes.{theme}"),
                    format!("'{area}' is not a focus area"),
                ));
            }
        }
        for indicator in indicators
            .iter()
            .filter(|i| i.standard_id.as_str() == rules.standard)
        {
            if !rules.themes.contains_key(&indicator.theme) {
                return Err(error(
                    "themes",
                    format!(
                        "the theme '{}' of {} has no focus area",
                        indicator.theme, indicator.id
                    ),
                ));
            }
        }
        if !(rules.priority_weight > 0.0 && rules.other_weight > 0.0) {
            return Err(error("priority_weight", "weights must be positive".into()));
        }
        Ok(rules)
    }

    /// The indicator kinds that apply to a tier.
    pub fn kinds(&self, tier: Option<&str>) -> &[String] {
        tier.and_then(|t| self.kinds_by_tier.get(t))
            .unwrap_or(&self.default_kinds)
    }
}

/// One focus area of a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaScore {
    /// Focus area id.
    pub focus_area: String,
    /// Whether the city declared it a priority.
    pub priority: bool,
    /// Its weight in the overall score.
    pub weight: f64,
    /// The applicable indicators and the city's percentile on each, where it has a value.
    pub indicators: Vec<(IndicatorId, Option<f64>)>,
    /// Mean percentile over the indicators with a value; `None` without any.
    pub score: Option<f64>,
}

/// A city's profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Per focus area, in the order given.
    pub areas: Vec<AreaScore>,
    /// Weighted mean of the focus-area scores that exist.
    pub overall: Option<f64>,
    /// How many of the applicable indicators the scores rest on (those the city is ranked on).
    pub rated: usize,
    /// How many indicators apply to the city's tier.
    pub applicable: usize,
}

impl Profile {
    /// The share of the applicable indicators the scores rest on, from 0 to 1 (0 when none applies).
    pub fn coverage(&self) -> f64 {
        if self.applicable == 0 {
            0.0
        } else {
            self.rated as f64 / self.applicable as f64
        }
    }

    /// Whether the overall score rests on too few indicators to be more than provisional: its coverage is below
    /// `threshold` (a share from 0 to 1).
    pub fn is_provisional(&self, threshold: f64) -> bool {
        self.overall.is_some() && self.coverage() < threshold
    }
}

/// Scores a city: `indicators` are the standard's, `focus_areas` the ids in display order, `priorities` the city's
/// declared focus areas, `percentile` the city's percentile rank on an indicator (latest year) among its peers.
pub fn score(
    rules: &ProfileRules,
    indicators: &[Indicator],
    focus_areas: &[String],
    tier: Option<&str>,
    priorities: &[String],
    percentile: impl Fn(&IndicatorId) -> Option<f64>,
) -> Profile {
    let kinds = rules.kinds(tier);
    let mut by_area: HashMap<&str, Vec<(IndicatorId, Option<f64>)>> = HashMap::new();
    for indicator in indicators.iter().filter(|i| {
        i.standard_id.as_str() == rules.standard && kinds.iter().any(|k| k == i.kind.as_str())
    }) {
        if let Some(area) = rules.themes.get(&indicator.theme) {
            by_area
                .entry(area)
                .or_default()
                .push((indicator.id.clone(), percentile(&indicator.id)));
        }
    }
    let areas: Vec<AreaScore> = focus_areas
        .iter()
        .map(|area| {
            let indicators = by_area.remove(area.as_str()).unwrap_or_default();
            let known: Vec<f64> = indicators.iter().filter_map(|(_, p)| *p).collect();
            let priority = priorities.contains(area);
            AreaScore {
                focus_area: area.clone(),
                priority,
                weight: if priority {
                    rules.priority_weight
                } else {
                    rules.other_weight
                },
                score: (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64),
                indicators,
            }
        })
        .collect();
    let (sum, weights) = areas
        .iter()
        .filter_map(|a| a.score.map(|s| (s * a.weight, a.weight)))
        .fold((0.0, 0.0), |(s, w), (ds, dw)| (s + ds, w + dw));
    let applicable = areas.iter().map(|a| a.indicators.len()).sum();
    let rated = areas
        .iter()
        .flat_map(|a| &a.indicators)
        .filter(|(_, p)| p.is_some())
        .count();
    Profile {
        overall: (weights > 0.0).then(|| sum / weights),
        areas,
        rated,
        applicable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{IndicatorKind, StandardId};

    fn indicator(code: &str, theme: &str, kind: IndicatorKind) -> Indicator {
        let standard = StandardId::parse("iso37120-2014").expect("id");
        Indicator {
            id: IndicatorId::new(&standard, code).expect("id"),
            standard_id: standard,
            code: code.into(),
            title_en: code.into(),
            title_zh: None,
            title_en_is_translation: false,
            theme: theme.into(),
            sub_theme: None,
            kind,
            unit: None,
            unit_basis: None,
            parent_id: None,
            weight_percent: None,
            direction: None,
            position: 0,
            source: String::new(),
        }
    }

    const RULES: &str = r#"
standard = "iso37120-2014"
priority_weight = 2.0
other_weight = 1.0
default_kinds = ["core"]
[kinds_by_tier]
tier-1 = ["core", "supporting"]
[themes]
"Environment" = "quality_environment"
"Economy" = "industry_innovation"
"#;

    #[test]
    fn tiers_select_the_indicators_and_priorities_weigh_the_focus_areas() {
        let indicators = vec![
            indicator("8.1", "Environment", IndicatorKind::Core),
            indicator("8.2", "Environment", IndicatorKind::Core),
            indicator("8.4", "Environment", IndicatorKind::Supporting),
            indicator("5.1", "Economy", IndicatorKind::Core),
        ];
        let areas: Vec<String> = ["quality_environment", "industry_innovation", "civic_social"]
            .map(String::from)
            .to_vec();
        let rules = ProfileRules::parse("p.toml", RULES, &indicators, &areas).expect("rules");
        let percentile = |id: &IndicatorId| match id.code() {
            "8.1" => Some(80.0),
            "8.2" => Some(40.0),
            "8.4" => Some(90.0),
            "5.1" => Some(30.0),
            _ => None,
        };
        let priorities = vec!["quality_environment".to_owned()];
        // Tier 3 (unknown to the rules): core only. Environment = (80 + 40) / 2 = 60, weight 2; economy = 30,
        // weight 1; overall = (2·60 + 30) / 3 = 50.
        let profile = score(
            &rules,
            &indicators,
            &areas,
            Some("tier-3"),
            &priorities,
            percentile,
        );
        assert_eq!(profile.areas[0].score, Some(60.0));
        assert_eq!(profile.areas[0].weight, 2.0);
        assert_eq!(profile.areas[1].score, Some(30.0));
        assert_eq!(profile.areas[2].score, None, "no applicable indicator");
        assert_eq!(profile.overall, Some(50.0));
        // Tier 1: supporting too. Environment = (80 + 40 + 90) / 3 = 70; overall = (2·70 + 30) / 3.
        let profile = score(
            &rules,
            &indicators,
            &areas,
            Some("tier-1"),
            &priorities,
            percentile,
        );
        assert_eq!(profile.areas[0].score, Some(70.0));
        assert_eq!(profile.overall, Some(170.0 / 3.0));
        assert_eq!((profile.rated, profile.applicable), (4, 4));
        assert!(!profile.is_provisional(0.5));
    }

    #[test]
    fn a_score_that_rests_on_few_of_the_applicable_indicators_is_provisional() {
        let indicators = vec![
            indicator("8.1", "Environment", IndicatorKind::Core),
            indicator("8.2", "Environment", IndicatorKind::Core),
            indicator("8.4", "Environment", IndicatorKind::Core),
            indicator("5.1", "Economy", IndicatorKind::Core),
        ];
        let areas: Vec<String> = ["quality_environment", "industry_innovation"]
            .map(String::from)
            .to_vec();
        let rules = ProfileRules::parse("p.toml", RULES, &indicators, &areas).expect("rules");
        // The city is ranked on one indicator of four: its score says little, and says so.
        let one = score(&rules, &indicators, &areas, None, &[], |id| {
            (id.code() == "5.1").then_some(74.0)
        });
        assert_eq!(one.overall, Some(74.0));
        assert_eq!((one.rated, one.applicable), (1, 4));
        assert_eq!(one.coverage(), 0.25);
        assert!(one.is_provisional(0.5));
        let none = score(&rules, &indicators, &areas, None, &[], |_| None);
        assert!(
            !none.is_provisional(0.5),
            "no score at all is not a provisional one"
        );
    }

    #[test]
    fn rules_must_map_every_theme_to_a_known_focus_area() {
        let areas = vec![
            "quality_environment".to_owned(),
            "industry_innovation".to_owned(),
        ];
        let unmapped = vec![indicator("6.1", "Education", IndicatorKind::Core)];
        assert!(ProfileRules::parse("p.toml", RULES, &unmapped, &areas).is_err());
        let unknown_area = RULES.replace("industry_innovation", "space_travel");
        assert!(ProfileRules::parse("p.toml", &unknown_area, &[], &areas).is_err());
    }
}
