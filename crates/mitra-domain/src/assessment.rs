//! Conformity assessment: which level of a scheme a city's data reaches for a year, what it lacks for the next level
//! (the gap roadmap), which values are invalid, which deserve a second look, and which count through the crosswalk
//! from another standard (mutual recognition).
//!
//! A scheme is a data file (`data/schemes/*.toml`): levels from lowest to highest, each with the minimum number of
//! valid values per indicator kind (`core`, `supporting`, …) for one year.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::observation::{Unit, check_range, fit_unit};
use crate::reference::RowError;
use crate::{
    Indicator, IndicatorId, IndicatorKind, Observation, ObservationStatus, Reason, StandardId,
};

/// One level of a scheme.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Id (`core-complete`).
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Chinese name.
    pub name_zh: String,
    /// Minimum number of valid values per indicator kind.
    pub minimum: BTreeMap<String, u32>,
}

/// A conformity scheme for one standard.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    /// Id (`mitra-coverage-iso37120-2014`).
    pub id: String,
    /// The standard it assesses, as written in the file.
    pub standard: String,
    /// English title.
    pub title_en: String,
    /// Chinese title.
    pub title_zh: String,
    /// Who defines it.
    pub publisher: String,
    /// What it is and is not (English).
    pub note_en: String,
    /// The same in Chinese.
    pub note_zh: String,
    /// Values older than this many years (from the current year) are flagged.
    pub max_age_years: i32,
    /// Levels, lowest first.
    pub levels: Vec<Level>,
}

impl Scheme {
    /// Parses a scheme file and checks it against the standard's `indicators`: known kinds, minimums that can be
    /// met, and levels that only ever ask for more.
    pub fn parse(file: &str, text: &str, indicators: &[Indicator]) -> Result<Self, RowError> {
        let error = |line: u64, field: &str, reason: String| RowError {
            file: file.into(),
            line,
            field: field.into(),
            reason,
        };
        let scheme: Scheme = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map_or(0, |s| text[..s.start].matches('\n').count() as u64 + 1);
            error(line, "toml", e.message().to_owned())
        })?;
        StandardId::parse(&scheme.standard)
            .map_err(|e| error(0, "standard", e.reason.to_string()))?;
        if scheme.levels.is_empty() {
            return Err(error(
                0,
                "levels",
                "a scheme needs at least one level".into(),
            ));
        }
        let mut previous: BTreeMap<String, u32> = BTreeMap::new();
        for level in &scheme.levels {
            for (kind, &minimum) in &level.minimum {
                let parsed = IndicatorKind::parse(kind).map_err(|e| {
                    error(
                        0,
                        &format!("levels.{}.minimum", level.id),
                        e.reason.to_string(),
                    )
                })?;
                let available = indicators.iter().filter(|i| i.kind == parsed).count() as u32;
                if minimum > available {
                    return Err(error(
                        0,
                        &format!("levels.{}.minimum.{kind}", level.id),
                        format!(
                            "asks for {minimum}, but the standard has {available} {kind} indicators"
                        ),
                    ));
                }
            }
            for (kind, &before) in &previous {
                if level.minimum.get(kind).copied().unwrap_or(0) < before {
                    return Err(error(
                        0,
                        &format!("levels.{}.minimum.{kind}", level.id),
                        "asks for less than the level below it".into(),
                    ));
                }
            }
            previous = level.minimum.clone();
        }
        Ok(scheme)
    }

    /// The level's name in the reader's language.
    pub fn level_name(&self, index: usize, language: crate::Language) -> &str {
        let level = &self.levels[index];
        match language {
            crate::Language::ZhHans => &level.name_zh,
            _ => &level.name_en,
        }
    }
}

/// A value that counts towards the assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The standard's indicator it counts for.
    pub indicator: IndicatorId,
    /// Its kind.
    pub kind: IndicatorKind,
    /// The value, in the indicator's unit.
    pub value: f64,
    /// The unit.
    pub unit: Option<String>,
    /// Where it comes from.
    pub source: String,
    /// Review status.
    pub status: ObservationStatus,
    /// The indicator of another standard it was reported under, when it counts through the crosswalk.
    pub recognised_from: Option<IndicatorId>,
}

/// Something wrong with, or worth checking about, one value (or the data as a whole when `indicator` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The indicator concerned.
    pub indicator: Option<IndicatorId>,
    /// What is the matter.
    pub reason: Reason,
}

/// What one indicator kind lacks for the next level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindGap {
    /// The kind.
    pub kind: IndicatorKind,
    /// How many more valid values are needed.
    pub needed: u32,
    /// The indicators of that kind without a valid value, in the standard's order; any `needed` of them will do
    /// (all of them when `needed` equals their number).
    pub missing: Vec<IndicatorId>,
}

/// The next level and what it takes to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// Index of the next level in the scheme.
    pub level: usize,
    /// Per kind that falls short.
    pub kinds: Vec<KindGap>,
}

/// The outcome of an assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The year assessed; `None` when the city has no value for the standard at all.
    pub year: Option<i32>,
    /// Index of the highest level reached, if any.
    pub level: Option<usize>,
    /// The next level and the gap to it; `None` at the top level.
    pub next: Option<Gap>,
    /// Valid values, in the standard's order.
    pub items: Vec<Item>,
    /// Values that do not count, and why.
    pub invalid: Vec<Finding>,
    /// Values that count but deserve a second look.
    pub warnings: Vec<Finding>,
    /// Per kind used by the scheme: valid values and indicators of that kind.
    pub counts: BTreeMap<String, (u32, u32)>,
}

impl Assessment {
    /// The items that count through the crosswalk.
    pub fn recognised(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.recognised_from.is_some())
    }
}

/// Everything an assessment reads.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The scheme.
    pub scheme: &'a Scheme,
    /// The standard's indicators, in its order.
    pub indicators: &'a [Indicator],
    /// The city's observations (any indicator, any year).
    pub observations: &'a [Observation],
    /// For each indicator of the standard, the indicators of other standards the crosswalk declares equivalent.
    pub equivalents: &'a HashMap<IndicatorId, Vec<IndicatorId>>,
    /// Other cities' values in the peer group, per (indicator, year), for the outlier check.
    pub peers: &'a HashMap<(IndicatorId, i32), Vec<f64>>,
    /// The year to assess; `None` for the latest year with any value.
    pub year: Option<i32>,
    /// This year, for the age check.
    pub current_year: i32,
}

/// Fewest peer values for an outlier check.
pub const MIN_PEERS: usize = 5;

/// Quartiles by linear interpolation between order statistics (the "type 7" rule of R and NumPy).
fn quartiles(sorted: &[f64]) -> (f64, f64) {
    let at = |p: f64| {
        let h = (sorted.len() - 1) as f64 * p;
        let low = h.floor() as usize;
        let high = h.ceil() as usize;
        sorted[low] + (h - low as f64) * (sorted[high] - sorted[low])
    };
    (at(0.25), at(0.75))
}

/// Whether `value` lies far outside `peers`: beyond three interquartile ranges from the quartiles (Tukey's "far
/// out"), with at least [`MIN_PEERS`] peers and some spread among them.
pub fn is_outlier(value: f64, peers: &[f64]) -> bool {
    if peers.len() < MIN_PEERS {
        return false;
    }
    let mut sorted = peers.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (q1, q3) = quartiles(&sorted);
    let iqr = q3 - q1;
    iqr > 0.0 && (value < q1 - 3.0 * iqr || value > q3 + 3.0 * iqr)
}

/// The observation that stands for `indicator` in `year`: verified before submitted, then the latest submitted;
/// rejected ones never.
fn pick<'a>(
    observations: &'a [Observation],
    indicator: &IndicatorId,
    year: i32,
) -> Option<&'a Observation> {
    observations
        .iter()
        .filter(|o| {
            &o.indicator_id == indicator
                && o.year == year
                && o.status != ObservationStatus::Rejected
        })
        .max_by_key(|o| {
            (
                o.status == ObservationStatus::Verified,
                o.submitted_at,
                o.id,
            )
        })
}

/// Assesses a city's data against a scheme.
pub fn assess(input: &Input<'_>) -> Assessment {
    let no_equivalents = Vec::new();
    let equivalents_of = |id: &IndicatorId| input.equivalents.get(id).unwrap_or(&no_equivalents);
    let relevant = |o: &&Observation| {
        o.status != ObservationStatus::Rejected
            && input
                .indicators
                .iter()
                .any(|i| i.id == o.indicator_id || equivalents_of(&i.id).contains(&o.indicator_id))
    };
    let year = input.year.or_else(|| {
        input
            .observations
            .iter()
            .filter(relevant)
            .map(|o| o.year)
            .max()
    });

    let mut items = Vec::new();
    let mut invalid = Vec::new();
    let mut warnings = Vec::new();
    if let Some(year) = year {
        let age = input.current_year - year;
        if age > input.scheme.max_age_years {
            warnings.push(Finding {
                indicator: None,
                reason: Reason::old_data(year, age, input.scheme.max_age_years),
            });
        }
        for indicator in input.indicators {
            let direct = pick(input.observations, &indicator.id, year);
            let (observation, recognised_from) = match direct {
                Some(o) => (o, None),
                None => match equivalents_of(&indicator.id)
                    .iter()
                    .find_map(|e| pick(input.observations, e, year))
                {
                    Some(o) => (o, Some(o.indicator_id.clone())),
                    None => continue,
                },
            };
            let checked = match indicator.unit.as_deref() {
                Some(declared) => fit_unit(
                    observation.value,
                    observation.unit.as_deref(),
                    Some(declared),
                )
                .map(|f| (f.value, f.unit))
                .map_err(|(_, reason)| reason),
                None => check_range(
                    observation.value,
                    observation.unit.as_deref().and_then(Unit::parse),
                )
                .map(|()| (observation.value, observation.unit.clone())),
            };
            let (value, unit) = match checked {
                Ok(v) => v,
                Err(reason) => {
                    invalid.push(Finding {
                        indicator: Some(indicator.id.clone()),
                        reason,
                    });
                    continue;
                }
            };
            if observation.source.trim().is_empty() {
                warnings.push(Finding {
                    indicator: Some(indicator.id.clone()),
                    reason: Reason::no_source(),
                });
            }
            if let Some(peers) = input.peers.get(&(observation.indicator_id.clone(), year))
                && is_outlier(observation.value, peers)
            {
                warnings.push(Finding {
                    indicator: Some(indicator.id.clone()),
                    reason: Reason::outlier(observation.value, peers.len(), year),
                });
            }
            items.push(Item {
                indicator: indicator.id.clone(),
                kind: indicator.kind,
                value,
                unit,
                source: observation.source.clone(),
                status: observation.status,
                recognised_from,
            });
        }
    }

    let kinds: Vec<String> = {
        let mut kinds: Vec<String> = input
            .scheme
            .levels
            .iter()
            .flat_map(|l| l.minimum.keys().cloned())
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    };
    let counts: BTreeMap<String, (u32, u32)> = kinds
        .iter()
        .map(|kind| {
            let reported = items.iter().filter(|i| i.kind.as_str() == kind).count() as u32;
            let total = input
                .indicators
                .iter()
                .filter(|i| i.kind.as_str() == kind)
                .count() as u32;
            (kind.clone(), (reported, total))
        })
        .collect();
    let meets = |level: &Level| {
        level
            .minimum
            .iter()
            .all(|(kind, &min)| counts.get(kind).map_or(0, |c| c.0) >= min)
    };
    // Levels only ask for more as they rise, so the reached ones are a prefix.
    let reached = input.scheme.levels.iter().take_while(|l| meets(l)).count();
    let level = reached.checked_sub(1);
    let next = input.scheme.levels.get(reached).map(|next_level| Gap {
        level: reached,
        kinds: next_level
            .minimum
            .iter()
            .filter_map(|(kind, &min)| {
                let have = counts.get(kind).map_or(0, |c| c.0);
                let kind = IndicatorKind::parse(kind).ok()?;
                (have < min).then(|| KindGap {
                    kind,
                    needed: min - have,
                    missing: input
                        .indicators
                        .iter()
                        .filter(|i| {
                            i.kind == kind && !items.iter().any(|item| item.indicator == i.id)
                        })
                        .map(|i| i.id.clone())
                        .collect(),
                })
            })
            .collect(),
    });
    Assessment {
        year,
        level,
        next,
        items,
        invalid,
        warnings,
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CityId;

    fn indicator(code: &str, kind: IndicatorKind, unit: Option<&str>) -> Indicator {
        let standard = StandardId::parse("iso37120-2014").expect("id");
        Indicator {
            id: IndicatorId::new(&standard, code).expect("id"),
            standard_id: standard,
            code: code.into(),
            title_en: format!("Indicator {code}"),
            title_zh: None,
            title_en_is_translation: false,
            theme: "Theme".into(),
            sub_theme: None,
            kind,
            unit: unit.map(str::to_owned),
            unit_basis: None,
            parent_id: None,
            weight_percent: None,
            direction: None,
            position: 0,
            source: String::new(),
        }
    }

    fn observation(
        id: i64,
        indicator: &str,
        year: i32,
        value: f64,
        unit: Option<&str>,
        source: &str,
    ) -> Observation {
        Observation {
            id,
            city_id: CityId::parse("bangkok").expect("id"),
            indicator_id: IndicatorId::parse(indicator).expect("id"),
            year,
            value,
            unit: unit.map(str::to_owned),
            original_value: None,
            original_unit: None,
            source: source.into(),
            note: None,
            status: ObservationStatus::Submitted,
            status_reason: None,
            submitted_by: "operator".into(),
            submitted_at: time::OffsetDateTime::UNIX_EPOCH,
            reviewed_by: None,
            reviewed_at: None,
        }
    }

    const SCHEME: &str = r#"
id = "test"
standard = "iso37120-2014"
title_en = "Test"
title_zh = "测试"
publisher = "Mitra"
note_en = "Not a certification."
note_zh = "并非认证。"
max_age_years = 5

[[levels]]
id = "two-core"
name_en = "Two core"
name_zh = "两项核心"
minimum = { core = 2 }

[[levels]]
id = "all"
name_en = "All"
name_zh = "全部"
minimum = { core = 3, supporting = 1 }
"#;

    fn standard() -> Vec<Indicator> {
        vec![
            indicator("1", IndicatorKind::Core, Some("%")),
            indicator("2", IndicatorKind::Core, None),
            indicator("3", IndicatorKind::Core, Some("%")),
            indicator("4", IndicatorKind::Supporting, None),
            indicator("5", IndicatorKind::Supporting, None),
        ]
    }

    #[test]
    fn the_level_reached_the_gap_to_the_next_and_recognition_through_the_crosswalk() {
        let indicators = standard();
        let scheme = Scheme::parse("test.toml", SCHEME, &indicators).expect("scheme");
        let observations = vec![
            observation(1, "iso37120-2014:1", 2019, 12.0, Some("%"), "NSO"),
            // Reported under a U4SSC KPI the crosswalk makes equivalent to core indicator 2.
            observation(2, "u4ssc:X:1C", 2019, 40.0, None, "City"),
            // Out of range: does not count.
            observation(3, "iso37120-2014:3", 2019, 130.0, Some("%"), "NSO"),
            // Another year: not assessed.
            observation(4, "iso37120-2014:4", 2018, 1.0, None, "NSO"),
            // No source named: counts, with a warning.
            observation(5, "iso37120-2014:5", 2019, 3.0, None, ""),
        ];
        let equivalents = HashMap::from([(
            IndicatorId::parse("iso37120-2014:2").expect("id"),
            vec![IndicatorId::parse("u4ssc:X:1C").expect("id")],
        )]);
        let peers = HashMap::new();
        let result = assess(&Input {
            scheme: &scheme,
            indicators: &indicators,
            observations: &observations,
            equivalents: &equivalents,
            peers: &peers,
            year: None,
            current_year: 2026,
        });
        assert_eq!(result.year, Some(2019), "the latest year with a value");
        assert_eq!(
            result.level,
            Some(0),
            "two valid core values: the first level"
        );
        assert_eq!(
            result.counts,
            BTreeMap::from([("core".into(), (2, 3)), ("supporting".into(), (1, 2))])
        );
        let gap = result.next.clone().expect("a next level");
        assert_eq!(gap.level, 1);
        assert_eq!(
            gap.kinds,
            [KindGap {
                kind: IndicatorKind::Core,
                needed: 1,
                missing: vec![IndicatorId::parse("iso37120-2014:3").expect("id")],
            }],
            "supporting is met by indicator 5; core lacks exactly indicator 3"
        );
        assert_eq!(
            result.invalid,
            [Finding {
                indicator: Some(IndicatorId::parse("iso37120-2014:3").expect("id")),
                reason: Reason::not_a_percentage(130),
            }]
        );
        let recognised: Vec<_> = result.recognised().map(|i| i.indicator.as_str()).collect();
        assert_eq!(recognised, ["iso37120-2014:2"]);
        let warned: Vec<_> = result
            .warnings
            .iter()
            .map(|w| w.reason.to_string())
            .collect();
        assert_eq!(
            warned,
            [
                "the data is for 2019, 7 years ago; the scheme flags data older than 5 years",
                "no source is named",
            ]
        );
    }

    #[test]
    fn no_data_reaches_no_level_and_the_gap_lists_the_whole_first_level() {
        let indicators = standard();
        let scheme = Scheme::parse("test.toml", SCHEME, &indicators).expect("scheme");
        let result = assess(&Input {
            scheme: &scheme,
            indicators: &indicators,
            observations: &[],
            equivalents: &HashMap::new(),
            peers: &HashMap::new(),
            year: None,
            current_year: 2026,
        });
        assert_eq!((result.year, result.level), (None, None));
        let gap = result.next.expect("first level");
        assert_eq!(
            (gap.level, gap.kinds[0].needed, gap.kinds[0].missing.len()),
            (0, 2, 3)
        );
    }

    #[test]
    fn far_outliers_among_enough_peers_are_flagged_as_warnings() {
        let peers = [10.0, 12.0, 14.0, 16.0, 18.0];
        // Q1 = 12, Q3 = 16, IQR = 4: the fences are 0 and 28.
        assert!(!is_outlier(28.0, &peers));
        assert!(is_outlier(28.5, &peers));
        assert!(!is_outlier(100.0, &peers[..4]), "too few peers to judge");
        assert!(!is_outlier(100.0, &[5.0; 6]), "no spread among peers");
    }

    #[test]
    fn a_scheme_that_asks_for_more_than_the_standard_has_or_less_than_below_is_refused() {
        let indicators = standard();
        let too_many = SCHEME.replace("core = 3, supporting = 1", "core = 4, supporting = 1");
        let err = Scheme::parse("s.toml", &too_many, &indicators).expect_err("only 3 core");
        assert_eq!(err.field, "levels.all.minimum.core");
        let shrinking = SCHEME.replace("core = 3, supporting = 1", "core = 1, supporting = 1");
        assert!(Scheme::parse("s.toml", &shrinking, &indicators).is_err());
        let unknown = SCHEME.replace("supporting = 1", "optional = 1");
        assert!(Scheme::parse("s.toml", &unknown, &indicators).is_err());
        let broken = Scheme::parse("s.toml", "id = ", &indicators).expect_err("bad toml");
        assert_eq!((broken.file.as_str(), broken.line), ("s.toml", 1));
    }
}
