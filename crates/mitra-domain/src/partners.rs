//! Partner recommendations: which cities a city could learn from, ranked by how much stronger each is where the
//! city wants to improve, how comparable their contexts are, and whether a tie already exists. Every recommendation
//! carries typed reasons with the numbers behind them ([`PartnerReason`]), so a page can say *why* in any language.
//!
//! This module is pure: the caller fills a [`PartnerProfile`] per city from its facts, declared priorities, peer
//! percentiles and documented practices, and passes the signed ties (recorded or signed in Mitra). Output never
//! depends on hash order: results are sorted by score, highest first, then by city id.
//!
//! # Score
//!
//! ```text
//! score           = complementarity · similarity · tie
//! complementarity = W_GAP · mean over S of max(0, p_candidate − p_city) / 100
//!                 + W_PRACTICES · min(practices, PRACTICE_SATURATION) / PRACTICE_SATURATION
//! similarity      = SIMILARITY_FLOOR + (1 − SIMILARITY_FLOOR) · shared / SIMILARITY_FACTS
//! tie             = TIE_DISCOUNT when a sister-city tie between the two is recorded, else 1
//! ```
//!
//! - **A**, the areas compared: the city's declared priorities (ASCN focus-area ids); when it declares none, the
//!   focus areas of the indicators it has percentiles for.
//! - **S**: the indicators counting toward an area of A on which both cities have a percentile among at least
//!   `min_group_size` peers (a percentile among fewer says little, so it is left out). The mean is 0 when S is
//!   empty. Percentiles are direction-aware (higher is better); unverified values count, and the reason says so.
//! - **practices**: the candidate's documented practices in the areas of A.
//! - **shared**: of the six facts region, population band, development tier, latitude zone
//!   ([`CityFacts::shared_facts`]), language (the `local_lang` tag) and relation to the sea (both coastal or both
//!   inland, [`Coast`]), how many the two cities have in common; an unknown fact is never shared.
//!
//! A candidate with a complementarity of 0 (nothing stronger, no practice) is not recommended. By default only
//! cities across the ASEAN–China line are candidates ([`PairFilter::AseanChina`]); a city is never its own.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::matching::{CityFacts, SharedFact};
use crate::reference::{Coast, RecordedTie};
use crate::{CityId, FocusArea, IndicatorId};

/// Weight of the candidate's percentile advantage in the complementarity.
pub const W_GAP: f64 = 0.7;
/// Weight of the candidate's documented practices in the complementarity.
pub const W_PRACTICES: f64 = 0.3;
/// The number of documented practices at which the practice term stops growing.
pub const PRACTICE_SATURATION: u32 = 3;
/// The similarity of two cities with no fact in common.
pub const SIMILARITY_FLOOR: f64 = 0.5;
/// The number of context facts: region, population band, tier, latitude zone, language and relation to the sea.
pub const SIMILARITY_FACTS: usize = 6;
/// The factor applied when a partnership between the two cities is already signed (a recorded sister-city tie, or one
/// signed in Mitra that has not ended).
pub const TIE_DISCOUNT: f64 = 0.5;

/// Where a city stands on one indicator among its peers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// The indicator.
    pub indicator: IndicatorId,
    /// Its title, in the reader's language.
    pub title: String,
    /// The ASCN focus area the indicator counts toward, if any.
    pub focus_area: Option<String>,
    /// The city's percentile within its peer group, 0 to 100, direction-aware (higher is better).
    pub percentile: f64,
    /// How many cities the peer group has, the city included.
    pub group_size: u32,
    /// Whether the city's value is verified.
    pub verified: bool,
}

/// What the recommender knows about one city.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerProfile {
    /// The city's comparability facts.
    pub facts: CityFacts,
    /// Its name, in the reader's language.
    pub name: String,
    /// Its local language's tag (`th`, `zh-Hans`), when known.
    pub language: Option<String>,
    /// The distance from its point to the sea coast in kilometres, when known.
    pub coast_km: Option<f64>,
    /// The ASCN focus areas it declares as priorities.
    pub priorities: BTreeSet<String>,
    /// Its percentiles among its peers.
    pub standings: Vec<Standing>,
    /// The number of its documented practices per ASCN focus area.
    pub practices: BTreeMap<String, u32>,
}

/// Which cities may be proposed to one another.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PairFilter {
    /// A city in ASEAN gets Chinese candidates, a Chinese city ASEAN ones.
    #[default]
    AseanChina,
    /// Any other city.
    Any,
}

/// How to recommend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PartnerOptions {
    /// Which pairs are allowed.
    pub filter: PairFilter,
    /// The smallest peer group whose percentile counts.
    pub min_group_size: u32,
    /// How many recommendations to return at most.
    pub limit: usize,
}

/// Why a city is recommended, with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum PartnerReason {
    /// The city declares no priorities, so every focus area it has percentiles in was compared.
    NoPrioritiesDeclared {
        /// The focus areas compared, by id.
        focus_areas: Vec<String>,
    },
    /// The candidate ranks higher among its peers on an indicator of a compared area.
    StrongerWhereWeak {
        /// The indicator.
        indicator: IndicatorId,
        /// Its title.
        title: String,
        /// The candidate's name.
        candidate: String,
        /// The candidate's percentile.
        candidate_percentile: f64,
        /// The candidate's peer group size.
        candidate_group_size: u32,
        /// The city's name.
        city: String,
        /// The city's percentile.
        city_percentile: f64,
        /// The city's peer group size.
        city_group_size: u32,
        /// Whether both values are verified.
        verified: bool,
    },
    /// The candidate has documented practices in a compared area.
    DocumentedPractices {
        /// The focus area's id.
        focus_area: String,
        /// Its English name.
        name: String,
        /// How many practices.
        count: u32,
    },
    /// The two cities have this fact in common.
    SharedFact {
        /// The fact.
        fact: SharedFact,
    },
    /// The two cities share a local language.
    SameLanguage {
        /// The language tag.
        language: String,
    },
    /// Both cities are coastal, or both inland.
    SameCoast {
        /// Which.
        coast: Coast,
        /// The city's distance to the sea coast, in kilometres.
        city_km: f64,
        /// The candidate's.
        candidate_km: f64,
    },
    /// The two cities have none of the six context facts in common.
    NoSharedContext,
    /// A partnership between the two is already signed and has not ended.
    TieExists,
}

/// "82nd".
fn ordinal(percentile: f64) -> String {
    let p = percentile.round().clamp(0.0, 100.0) as u32;
    let suffix = match (p % 10, p % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{p}{suffix}")
}

impl PartnerReason {
    /// A stable tag for the reason's kind (the API's `reason` field; a Fluent key can be built from it).
    pub fn tag(&self) -> &'static str {
        match self {
            PartnerReason::NoPrioritiesDeclared { .. } => "no-priorities-declared",
            PartnerReason::StrongerWhereWeak { .. } => "stronger-where-weak",
            PartnerReason::DocumentedPractices { .. } => "documented-practices",
            PartnerReason::SharedFact { .. } => "shared-fact",
            PartnerReason::SameLanguage { .. } => "same-language",
            PartnerReason::SameCoast { .. } => "same-coast",
            PartnerReason::NoSharedContext => "no-shared-context",
            PartnerReason::TieExists => "tie-exists",
        }
    }

    /// The reason as an English sentence with its numbers.
    pub fn sentence(&self) -> String {
        match self {
            PartnerReason::NoPrioritiesDeclared { focus_areas } => format!(
                "No priorities are declared, so every focus area with data was compared: {}.",
                focus_areas.join(", ")
            ),
            PartnerReason::StrongerWhereWeak {
                title,
                candidate,
                candidate_percentile,
                candidate_group_size,
                city,
                city_percentile,
                city_group_size,
                verified,
                ..
            } => format!(
                "{candidate}: {} percentile on {title} where {city} is {} (peer groups of {candidate_group_size} \
                 and {city_group_size}){}",
                ordinal(*candidate_percentile),
                ordinal(*city_percentile),
                if *verified {
                    ""
                } else {
                    "; not every value is verified"
                }
            ),
            PartnerReason::DocumentedPractices { name, count, .. } => match count {
                1 => format!("1 documented practice in {name}"),
                n => format!("{n} documented practices in {name}"),
            },
            PartnerReason::SharedFact { fact } => match fact {
                SharedFact::Region(r) => format!("same region ({})", r.as_str()),
                SharedFact::Band(b) => format!("same population band ({b})"),
                SharedFact::Tier(t) => format!("same development tier ({t})"),
                SharedFact::LatitudeZone(z) => format!("same latitude zone ({})", z.as_str()),
            },
            PartnerReason::SameLanguage { language } => format!("same local language ({language})"),
            PartnerReason::SameCoast {
                coast,
                city_km,
                candidate_km,
            } => format!(
                "both {} ({city_km:.0} km and {candidate_km:.0} km from the sea coast)",
                coast.as_str()
            ),
            PartnerReason::NoSharedContext => {
                "no region, population band, tier, latitude zone, language or \
                                               relation to the sea in common"
                    .to_owned()
            }
            PartnerReason::TieExists => "a partnership between them is already signed".to_owned(),
        }
    }
}

/// One recommended partner: who, how well, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerMatch {
    /// The candidate city.
    pub id: CityId,
    /// The score, 0 to 1.
    pub score: f64,
    /// The complementarity term, 0 to 1.
    pub complementarity: f64,
    /// The similarity term, `SIMILARITY_FLOOR` to 1.
    pub similarity: f64,
    /// `TIE_DISCOUNT` when a tie exists, else 1.
    pub tie: f64,
    /// The reasons, in the order a reader should see them.
    pub reasons: Vec<PartnerReason>,
}

/// Whether `filter` lets `candidate` be proposed to `city`.
pub fn admits(filter: PairFilter, city: &CityFacts, candidate: &CityFacts) -> bool {
    city.id != candidate.id
        && match filter {
            PairFilter::AseanChina => city.region != candidate.region,
            PairFilter::Any => true,
        }
}

/// The standings that may be quoted, by indicator (the first one given for an indicator counts).
fn honest(profile: &PartnerProfile, min_group_size: u32) -> BTreeMap<&IndicatorId, &Standing> {
    let mut out = BTreeMap::new();
    for s in &profile.standings {
        if s.group_size >= min_group_size && s.percentile.is_finite() {
            out.entry(&s.indicator).or_insert(s);
        }
    }
    out
}

/// The score and reasons of `candidate` for `city`; `None` when the filter excludes it or it is stronger nowhere
/// that is compared and documents no practice there.
pub fn score_partner(
    city: &PartnerProfile,
    candidate: &PartnerProfile,
    ties: &[RecordedTie],
    focus_areas: &[FocusArea],
    options: &PartnerOptions,
) -> Option<PartnerMatch> {
    if !admits(options.filter, &city.facts, &candidate.facts) {
        return None;
    }
    let mine = honest(city, options.min_group_size);
    let theirs = honest(candidate, options.min_group_size);
    let mut reasons = Vec::new();
    let areas: BTreeSet<&str> = if city.priorities.is_empty() {
        let areas: BTreeSet<&str> = mine
            .values()
            .filter_map(|s| s.focus_area.as_deref())
            .collect();
        reasons.push(PartnerReason::NoPrioritiesDeclared {
            focus_areas: areas.iter().map(|a| (*a).to_owned()).collect(),
        });
        areas
    } else {
        city.priorities.iter().map(String::as_str).collect()
    };

    let mut advantages = Vec::new();
    let mut shared = 0usize;
    for (indicator, own) in &mine {
        let Some(area) = own.focus_area.as_deref() else {
            continue;
        };
        let Some(other) = theirs.get(indicator) else {
            continue;
        };
        if !areas.contains(area) {
            continue;
        }
        shared += 1;
        let advantage = (other.percentile - own.percentile).max(0.0) / 100.0;
        if advantage > 0.0 {
            advantages.push((advantage, own, other));
        }
    }
    let gap = if shared == 0 {
        0.0
    } else {
        advantages.iter().map(|(a, _, _)| a).sum::<f64>() / shared as f64
    };
    // Largest advantage first, then by indicator id.
    advantages.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.indicator.cmp(&b.1.indicator))
    });
    reasons.extend(
        advantages
            .iter()
            .map(|(_, own, other)| PartnerReason::StrongerWhereWeak {
                indicator: own.indicator.clone(),
                title: other.title.clone(),
                candidate: candidate.name.clone(),
                candidate_percentile: other.percentile,
                candidate_group_size: other.group_size,
                city: city.name.clone(),
                city_percentile: own.percentile,
                city_group_size: own.group_size,
                verified: own.verified && other.verified,
            }),
    );

    let mut practices = 0u32;
    for area in &areas {
        let count = candidate.practices.get(*area).copied().unwrap_or(0);
        if count > 0 {
            practices += count;
            let name = focus_areas
                .iter()
                .find(|f| f.id == *area)
                .map_or_else(|| (*area).to_owned(), |f| f.name_en.clone());
            reasons.push(PartnerReason::DocumentedPractices {
                focus_area: (*area).to_owned(),
                name,
                count,
            });
        }
    }
    let practice_term =
        f64::from(practices.min(PRACTICE_SATURATION)) / f64::from(PRACTICE_SATURATION);
    let complementarity = W_GAP * gap + W_PRACTICES * practice_term;
    if complementarity <= 0.0 {
        return None;
    }

    let context = Context::of(city, candidate);
    let similarity = context.similarity();
    if context.count() == 0 {
        reasons.push(PartnerReason::NoSharedContext);
    }
    reasons.extend(
        context
            .facts
            .into_iter()
            .map(|fact| PartnerReason::SharedFact { fact }),
    );
    reasons.extend(
        context
            .language
            .map(|language| PartnerReason::SameLanguage {
                language: language.to_owned(),
            }),
    );
    reasons.extend(
        context
            .coast
            .map(|(coast, city_km, candidate_km)| PartnerReason::SameCoast {
                coast,
                city_km,
                candidate_km,
            }),
    );

    let tied = ties
        .iter()
        .any(|t| t.joins(&city.facts.id, &candidate.facts.id));
    let tie = if tied { TIE_DISCOUNT } else { 1.0 };
    if tied {
        reasons.push(PartnerReason::TieExists);
    }
    Some(PartnerMatch {
        id: candidate.facts.id.clone(),
        score: complementarity * similarity * tie,
        complementarity,
        similarity,
        tie,
        reasons,
    })
}

/// The context two cities have in common: the facts of [`CityFacts::shared_facts`], the local language and the
/// relation to the sea (with both distances).
struct Context<'a> {
    facts: Vec<SharedFact>,
    language: Option<&'a str>,
    coast: Option<(Coast, f64, f64)>,
}

impl<'a> Context<'a> {
    fn of(city: &'a PartnerProfile, candidate: &'a PartnerProfile) -> Self {
        let language = match (&city.language, &candidate.language) {
            (Some(a), Some(b)) if a == b => Some(a.as_str()),
            _ => None,
        };
        let coast = match (city.coast_km, candidate.coast_km) {
            (Some(a), Some(b)) if Coast::of(a) == Coast::of(b) => Some((Coast::of(a), a, b)),
            _ => None,
        };
        Self {
            facts: city.facts.shared_facts(&candidate.facts),
            language,
            coast,
        }
    }

    /// How many of the [`SIMILARITY_FACTS`] facts are shared.
    fn count(&self) -> usize {
        self.facts.len() + usize::from(self.language.is_some()) + usize::from(self.coast.is_some())
    }

    /// The similarity term, `SIMILARITY_FLOOR` to 1.
    fn similarity(&self) -> f64 {
        SIMILARITY_FLOOR + (1.0 - SIMILARITY_FLOOR) * self.count() as f64 / SIMILARITY_FACTS as f64
    }
}

/// Best first: score descending, then id ascending.
fn ranked(a: &PartnerMatch, b: &PartnerMatch) -> Ordering {
    b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id))
}

/// What scoring one city against every candidate needs, worked out once: its honest standings in the compared
/// areas, the areas, and the cities it is tied to. [`Scorer::score`] computes exactly the score of [`score_partner`]
/// (the same operations in the same order) without building reasons, so that only the best few are explained.
struct Scorer<'a> {
    city: &'a PartnerProfile,
    options: &'a PartnerOptions,
    /// The city's honest standings whose focus area is compared, in indicator order.
    mine: Vec<(&'a IndicatorId, f64)>,
    areas: BTreeSet<&'a str>,
    tied: BTreeSet<&'a CityId>,
}

impl<'a> Scorer<'a> {
    fn new(city: &'a PartnerProfile, ties: &'a [RecordedTie], options: &'a PartnerOptions) -> Self {
        let honest_mine = honest(city, options.min_group_size);
        let areas: BTreeSet<&str> = if city.priorities.is_empty() {
            honest_mine
                .values()
                .filter_map(|s| s.focus_area.as_deref())
                .collect()
        } else {
            city.priorities.iter().map(String::as_str).collect()
        };
        let mine = honest_mine
            .iter()
            .filter(|(_, s)| s.focus_area.as_deref().is_some_and(|a| areas.contains(a)))
            .map(|(indicator, s)| (*indicator, s.percentile))
            .collect();
        let tied = ties
            .iter()
            .filter_map(|t| {
                if t.a == city.facts.id {
                    Some(&t.b)
                } else if t.b == city.facts.id {
                    Some(&t.a)
                } else {
                    None
                }
            })
            .collect();
        Self {
            city,
            options,
            mine,
            areas,
            tied,
        }
    }

    /// The score [`score_partner`] gives `candidate`, or `None` where it gives none; `advantages` is scratch space.
    fn score(&self, candidate: &PartnerProfile, advantages: &mut Vec<f64>) -> Option<f64> {
        if !admits(self.options.filter, &self.city.facts, &candidate.facts) {
            return None;
        }
        advantages.clear();
        let mut shared = 0usize;
        for (indicator, own) in &self.mine {
            // The candidate's honest standing: the first of the indicator that counts, as `honest` keeps.
            let Some(other) = candidate.standings.iter().find(|s| {
                &s.indicator == *indicator
                    && s.group_size >= self.options.min_group_size
                    && s.percentile.is_finite()
            }) else {
                continue;
            };
            shared += 1;
            let advantage = (other.percentile - own).max(0.0) / 100.0;
            if advantage > 0.0 {
                advantages.push(advantage);
            }
        }
        let gap = if shared == 0 {
            0.0
        } else {
            advantages.iter().sum::<f64>() / shared as f64
        };
        let mut practices = 0u32;
        for area in &self.areas {
            practices += candidate.practices.get(*area).copied().unwrap_or(0);
        }
        let practice_term =
            f64::from(practices.min(PRACTICE_SATURATION)) / f64::from(PRACTICE_SATURATION);
        let complementarity = W_GAP * gap + W_PRACTICES * practice_term;
        if complementarity <= 0.0 {
            return None;
        }
        let similarity = Context::of(self.city, candidate).similarity();
        let tie = if self.tied.contains(&candidate.facts.id) {
            TIE_DISCOUNT
        } else {
            1.0
        };
        Some(complementarity * similarity * tie)
    }
}

/// The `options.limit` best partners for `city` among `candidates`, best first (ties by id). Every candidate is
/// scored without its reasons; only the best `limit` are then explained by [`score_partner`], which gives them the
/// same scores.
pub fn recommend_partners(
    city: &PartnerProfile,
    candidates: &[PartnerProfile],
    ties: &[RecordedTie],
    focus_areas: &[FocusArea],
    options: &PartnerOptions,
) -> Vec<PartnerMatch> {
    let scorer = Scorer::new(city, ties, options);
    let mut scratch = Vec::new();
    let mut scored: Vec<(f64, &PartnerProfile)> = candidates
        .iter()
        .filter_map(|c| scorer.score(c, &mut scratch).map(|score| (score, c)))
        .collect();
    let best = |a: &(f64, &PartnerProfile), b: &(f64, &PartnerProfile)| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.facts.id.cmp(&b.1.facts.id))
    };
    if scored.len() > options.limit && options.limit > 0 {
        scored.select_nth_unstable_by(options.limit - 1, best);
        scored.truncate(options.limit);
    } else if options.limit == 0 {
        scored.clear();
    }
    let mut matches: Vec<PartnerMatch> = scored
        .iter()
        .filter_map(|(_, c)| score_partner(city, c, ties, focus_areas, options))
        .collect();
    matches.sort_by(ranked);
    matches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::Region;
    use crate::matching::fixtures::{city_id, facts, indicator};
    use crate::peers::Band;

    const QE: &str = "quality_environment";
    const BI: &str = "built_infrastructure";

    fn areas() -> Vec<FocusArea> {
        [(QE, "Quality Environment"), (BI, "Built Infrastructure")]
            .iter()
            .map(|(id, name)| FocusArea {
                id: (*id).into(),
                name_en: (*name).into(),
                source: String::new(),
            })
            .collect()
    }

    fn standing(id: &str, area: &str, percentile: f64, group_size: u32) -> Standing {
        Standing {
            indicator: indicator(id),
            title: id.trim_start_matches("x:").to_uppercase(),
            focus_area: Some(area.into()),
            percentile,
            group_size,
            verified: true,
        }
    }

    fn options(filter: PairFilter) -> PartnerOptions {
        PartnerOptions {
            filter,
            min_group_size: 5,
            limit: 10,
        }
    }

    /// Bangkok: ASEAN, 5–10 million, upper-middle, tropical, Thai, coastal; priority Quality Environment.
    fn bangkok() -> PartnerProfile {
        PartnerProfile {
            facts: facts(
                "bangkok",
                "TH",
                Region::Asean,
                Some(Band::From5mTo10m),
                Some("upper-middle"),
                Some(13.75),
            ),
            name: "Bangkok".into(),
            language: Some("th".into()),
            coast_km: Some(14.5),
            priorities: [QE.to_owned()].into(),
            standings: vec![
                standing("x:pm25", QE, 30.0, 9),
                standing("x:water", QE, 50.0, 9),
                standing("x:transit", BI, 20.0, 9),
            ],
            practices: BTreeMap::new(),
        }
    }

    /// Kunming: China, 5–10 million, upper-middle, subtropical, Chinese, inland; 2 practices in QE, 5 in BI.
    fn kunming() -> PartnerProfile {
        PartnerProfile {
            facts: facts(
                "kunming",
                "CN",
                Region::China,
                Some(Band::From5mTo10m),
                Some("upper-middle"),
                Some(25.04),
            ),
            name: "Kunming".into(),
            language: Some("zh-Hans".into()),
            coast_km: Some(596.6),
            priorities: BTreeSet::new(),
            standings: vec![
                standing("x:pm25", QE, 82.0, 12),
                standing("x:water", QE, 40.0, 12),
                standing("x:transit", BI, 90.0, 12),
            ],
            practices: [(QE.to_owned(), 2), (BI.to_owned(), 5)].into(),
        }
    }

    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-9,
            "{actual} is not {expected}"
        );
    }

    #[test]
    fn a_candidate_stronger_where_the_city_is_weak_is_scored_and_explained() {
        let found = score_partner(
            &bangkok(),
            &kunming(),
            &[],
            &areas(),
            &options(PairFilter::AseanChina),
        )
        .expect("recommended");
        // On Quality Environment, shared indicators pm25 (82 − 30 = 52) and water (40 < 50: 0):
        // gap = (0.52 + 0) / 2 = 0.26; practices in QE 2 → 2/3.
        // complementarity = 0.7 · 0.26 + 0.3 · 2/3 = 0.182 + 0.2 = 0.382. Transit (BI) is not a priority.
        close(found.complementarity, 0.382);
        // Shared: band, tier (regions, zones, languages and coasts differ) → 0.5 + 0.5 · 2/6 = 2/3.
        close(found.similarity, 2.0 / 3.0);
        close(found.tie, 1.0);
        // 0.382 · 2/3 = 0.254666…
        close(found.score, 0.382 * 2.0 / 3.0);
        let sentences: Vec<String> = found.reasons.iter().map(PartnerReason::sentence).collect();
        assert_eq!(
            sentences,
            [
                "Kunming: 82nd percentile on PM25 where Bangkok is 30th (peer groups of 12 and 9)",
                "2 documented practices in Quality Environment",
                "same population band (5m-10m)",
                "same development tier (upper-middle)",
            ]
        );
        assert_eq!(found.reasons[0].tag(), "stronger-where-weak");
    }

    #[test]
    fn a_recorded_tie_halves_the_score_and_says_so() {
        let tie = RecordedTie::new(city_id("kunming"), city_id("bangkok"), 7);
        let found = score_partner(
            &bangkok(),
            &kunming(),
            &[tie],
            &areas(),
            &options(PairFilter::AseanChina),
        )
        .expect("still recommended");
        // 0.382 · 2/3 · 0.5 = 0.127333…
        close(found.score, 0.382 * 2.0 / 3.0 * 0.5);
        assert_eq!(found.reasons.last(), Some(&PartnerReason::TieExists));
        assert_eq!(
            PartnerReason::TieExists.sentence(),
            "a partnership between them is already signed"
        );
    }

    #[test]
    fn without_priorities_every_focus_area_the_city_has_data_in_is_compared() {
        let mut city = bangkok();
        city.priorities.clear();
        let found = score_partner(
            &city,
            &kunming(),
            &[],
            &areas(),
            &options(PairFilter::AseanChina),
        )
        .expect("recommended");
        // Areas QE and BI: pm25 0.52, water 0, transit (90 − 20) 0.70 → gap = 1.22 / 3 = 0.406666…;
        // practices 2 + 5 = 7, saturated at 3 → 1. complementarity = 0.7 · 1.22/3 + 0.3 = 0.5846666…
        close(found.complementarity, 0.7 * 1.22 / 3.0 + 0.3);
        // · 2/3 = 0.389777…
        close(found.score, (0.7 * 1.22 / 3.0 + 0.3) * 2.0 / 3.0);
        assert_eq!(
            found.reasons[0],
            PartnerReason::NoPrioritiesDeclared {
                focus_areas: vec![BI.into(), QE.into()]
            }
        );
        assert!(
            matches!(&found.reasons[1], PartnerReason::StrongerWhereWeak { indicator: i, .. } if *i == indicator("x:transit")),
            "the largest advantage comes first"
        );
    }

    #[test]
    fn a_percentile_among_too_few_peers_is_left_out() {
        let mut candidate = kunming();
        candidate.standings[0].group_size = 4;
        let found = score_partner(
            &bangkok(),
            &candidate,
            &[],
            &areas(),
            &options(PairFilter::AseanChina),
        )
        .expect("recommended for its practices");
        // pm25 is out (4 < 5): only water is shared, with no advantage → gap 0; practices 2/3.
        // complementarity = 0.3 · 2/3 = 0.2; score = 0.2 · 2/3 = 0.1333….
        close(found.complementarity, 0.2);
        close(found.score, 0.2 * 2.0 / 3.0);
        assert!(
            !found
                .reasons
                .iter()
                .any(|r| matches!(r, PartnerReason::StrongerWhereWeak { .. }))
        );
    }

    #[test]
    fn without_shared_indicators_only_practices_count_and_without_them_nothing_is_proposed() {
        let mut candidate = kunming();
        candidate.standings = vec![standing("x:noise", QE, 99.0, 20)];
        candidate.practices = [(QE.to_owned(), 1)].into();
        let found = score_partner(
            &bangkok(),
            &candidate,
            &[],
            &areas(),
            &options(PairFilter::AseanChina),
        )
        .expect("recommended for its practice");
        // gap 0 (no indicator in common); practices 1/3 → complementarity 0.1; score 0.1 · 2/3.
        close(found.score, 0.1 * 2.0 / 3.0);
        assert_eq!(
            found.reasons[0].sentence(),
            "1 documented practice in Quality Environment"
        );
        candidate.practices.clear();
        assert_eq!(
            score_partner(
                &bangkok(),
                &candidate,
                &[],
                &areas(),
                &options(PairFilter::AseanChina)
            ),
            None
        );
    }

    #[test]
    fn asean_cities_get_chinese_candidates_unless_any_pair_is_asked_for() {
        let mut chiang_mai = kunming();
        chiang_mai.facts = facts(
            "chiang-mai",
            "TH",
            Region::Asean,
            Some(Band::From1mTo5m),
            Some("upper-middle"),
            Some(18.79),
        );
        chiang_mai.name = "Chiang Mai".into();
        chiang_mai.language = Some("th".into());
        chiang_mai.coast_km = Some(260.7);
        chiang_mai.standings = vec![standing("x:pm25", QE, 60.0, 9)];
        chiang_mai.practices.clear();
        let candidates = [bangkok(), chiang_mai, kunming()];
        let default = recommend_partners(
            &bangkok(),
            &candidates,
            &[],
            &areas(),
            &options(PairFilter::AseanChina),
        );
        assert_eq!(
            default.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["kunming"]
        );
        let any = recommend_partners(
            &bangkok(),
            &candidates,
            &[],
            &areas(),
            &options(PairFilter::Any),
        );
        assert_eq!(
            any.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["kunming", "chiang-mai"],
            "never the city itself"
        );
        // Chiang Mai: pm25 (60 − 30) = 0.30 is the only shared indicator → complementarity 0.7 · 0.3 = 0.21;
        // region, tier, zone and language shared (Bangkok is coastal, Chiang Mai inland) → similarity
        // 0.5 + 0.5 · 4/6 = 5/6; score 0.175.
        close(any[1].score, 0.175);
        assert!(any[1].reasons.contains(&PartnerReason::SameLanguage {
            language: "th".into()
        }));
    }

    #[test]
    fn equal_scores_are_ranked_by_city_id() {
        let mut nanning = kunming();
        nanning.facts.id = city_id("nanning");
        let mut guilin = kunming();
        guilin.facts.id = city_id("guilin");
        let mut opts = options(PairFilter::AseanChina);
        let ranked = recommend_partners(
            &bangkok(),
            &[nanning, kunming(), guilin],
            &[],
            &areas(),
            &opts,
        );
        assert_eq!(
            ranked.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["guilin", "kunming", "nanning"]
        );
        opts.limit = 1;
        let ranked = recommend_partners(
            &bangkok(),
            &[kunming(), city_named("guilin")],
            &[],
            &areas(),
            &opts,
        );
        assert_eq!(ranked.len(), 1);
        assert_eq!(ranked[0].id.as_str(), "guilin");
    }

    fn city_named(id: &str) -> PartnerProfile {
        let mut p = kunming();
        p.facts.id = city_id(id);
        p
    }

    #[test]
    fn cities_with_nothing_in_common_say_so() {
        let mut far = kunming();
        far.facts = facts("harbin", "CN", Region::China, None, None, Some(45.75));
        far.language = None;
        far.coast_km = None;
        let found = score_partner(
            &bangkok(),
            &far,
            &[],
            &areas(),
            &options(PairFilter::AseanChina),
        )
        .expect("recommended");
        // complementarity 0.382 as for Kunming; similarity at the floor 0.5 → 0.191.
        close(found.score, 0.191);
        assert!(found.reasons.contains(&PartnerReason::NoSharedContext));
    }

    #[test]
    fn two_coastal_cities_share_their_relation_to_the_sea_and_an_unknown_distance_shares_nothing() {
        let mut xiamen = city_named("xiamen");
        xiamen.coast_km = Some(0.2);
        let found = score_partner(
            &bangkok(),
            &xiamen,
            &[],
            &areas(),
            &options(PairFilter::AseanChina),
        )
        .expect("recommended");
        // band, tier and coast shared → 0.5 + 0.5 · 3/6 = 0.75; score 0.382 · 0.75 = 0.2865.
        close(found.similarity, 0.75);
        close(found.score, 0.2865);
        let coast = found
            .reasons
            .iter()
            .find(|r| r.tag() == "same-coast")
            .expect("the coast is a reason");
        assert_eq!(
            coast.sentence(),
            "both coastal (14 km and 0 km from the sea coast)"
        );
        let mut unknown = bangkok();
        unknown.coast_km = None;
        let found = score_partner(
            &unknown,
            &xiamen,
            &[],
            &areas(),
            &options(PairFilter::AseanChina),
        )
        .expect("recommended");
        close(found.similarity, 2.0 / 3.0);
        // Two inland cities share it too.
        let mut inland = bangkok();
        inland.coast_km = Some(50.1);
        let found = score_partner(
            &inland,
            &kunming(),
            &[],
            &areas(),
            &options(PairFilter::AseanChina),
        )
        .expect("recommended");
        close(found.similarity, 0.75);
    }

    /// Many candidates of varied standings, practices, contexts and ties: the best ten found by scoring every one
    /// without reasons and explaining the best are exactly those of explaining every one, scores bit for bit.
    #[test]
    fn ranking_without_reasons_then_explaining_the_best_equals_explaining_every_candidate() {
        let mut seed = 20_261_204_u64;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        let bands = [None, Some(Band::From5mTo10m), Some(Band::From1mTo5m)];
        let candidates: Vec<PartnerProfile> = (0..600)
            .map(|n| {
                let mut p = city_named(&format!("cand-{n:03}"));
                p.facts.band = bands[next(3) as usize];
                p.facts.latitude = Some(next(50) as f64);
                p.language = (next(3) == 0).then(|| "zh-Hans".to_owned());
                p.coast_km = (next(4) != 0).then(|| next(120) as f64);
                p.standings = ["x:pm25", "x:water", "x:transit", "x:pm25"]
                    .iter()
                    .map(|id| {
                        let area = if *id == "x:transit" { BI } else { QE };
                        standing(id, area, next(101) as f64, 3 + next(10) as u32)
                    })
                    .collect();
                p.practices = [(QE.to_owned(), next(5) as u32)].into();
                p
            })
            .collect();
        let ties: Vec<RecordedTie> = (0..600)
            .step_by(7)
            .map(|n| RecordedTie::new(city_id("bangkok"), city_id(&format!("cand-{n:03}")), 1))
            .collect();
        for city in [bangkok(), {
            let mut b = bangkok();
            b.priorities.clear();
            b
        }] {
            let opts = options(PairFilter::AseanChina);
            let fast = recommend_partners(&city, &candidates, &ties, &areas(), &opts);
            let mut every: Vec<PartnerMatch> = candidates
                .iter()
                .filter_map(|c| score_partner(&city, c, &ties, &areas(), &opts))
                .collect();
            every.sort_by(ranked);
            every.truncate(opts.limit);
            assert_eq!(fast.len(), 10);
            assert_eq!(fast, every);
        }
    }
}
