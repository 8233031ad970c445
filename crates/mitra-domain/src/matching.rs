//! Explained, deterministic matching: which solutions and practices answer a city's needs, which funding calls a
//! project may apply to, which cities and projects a solution provider could serve, and which training programmes
//! address a city's gaps. Every match carries a score in [0, 1] and the typed reasons behind it, each with the
//! numbers it rests on, so that a page can say *why* in any language.
//!
//! This module is pure: it reads no clock (the caller passes `today`), no store and no exchange rates (the caller
//! converts amounts to USD and says when it could not). Its inputs are plain structs the service fills from entries,
//! cities and assessments ([`CityContext`], [`Opportunity`]); `Opportunity::from_entry` does so for an [`Entry`].
//! Output never depends on hash order: results are sorted by score, highest first, then by id.
//!
//! # Scores
//!
//! **Need fit** (solutions and practices for a city, [`city`]; cities for a solution, [`provider`]; trainings for a
//! city, [`training`]):
//!
//! ```text
//! need = W_NEED_FOCUS · overlap(city focus areas, item focus areas)
//!      + W_NEED_CHALLENGE · overlap(city challenges, item challenges)
//!      + W_NEED_GAP · max over the city's gaps g of severity(g) · relevance(g, item)
//! overlap(A, B)   = |A ∩ B| / min(|A|, |B|), 0 when either is empty (1 when one contains the other)
//! severity(g)     = (100 − percentile of g) / 100
//! relevance(g, i) = 1 when i is a practice with evidence on g's very indicator (or a training on g's theme),
//!                   GAP_THEME_RELEVANCE when g's indicator's theme maps to one of i's focus areas, else 0
//! ```
//!
//! Solutions and practices are then weighed by where they are known to work:
//!
//! ```text
//! score   = need · (CONTEXT_FLOOR + (1 − CONTEXT_FLOOR) · context)
//! context = max over the cities where the item worked or is deployed of (facts shared with the city) / 4
//! ```
//!
//! where the four facts are the region (ASEAN or China), the population band, the development tier and the
//! latitude zone ([`LatitudeZone`]). Trainings are scored by `need` alone.
//!
//! **Funding fit** (funding calls for a project, [`funding`]), only for calls the project is eligible for:
//!
//! ```text
//! fit = W_FUNDING_FOCUS · (|shared focus areas| / |project's focus areas|, or FOCUS_OPEN when the call names none)
//!     + W_FUNDING_CHALLENGE · (|shared challenges| / |project's challenges|, 0 when the project names none)
//!     + W_FUNDING_AMOUNT · (1 when the amount and both bounds are known, else AMOUNT_UNCHECKED)
//!     + W_FUNDING_READINESS · (readiness criteria met / 8)
//!     + W_FUNDING_COUNTRY · (1 when the call lists the project's country, COUNTRY_OPEN when it is open to all)
//! ```
//!
//! **Provider fit** (projects for a solution, [`provider`]):
//! `W_PROVIDER_FOCUS · overlap(focus areas) + W_PROVIDER_CHALLENGE · overlap(challenges)`.

pub mod city;
pub mod funding;
pub mod provider;
pub mod training;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::entry::{
    Challenge, Details, Evidence, Instrument, Maturity, Money, ProjectStage, YearValue,
};
use crate::peers::Band;
use crate::{CityId, CountryCode, Entry, EntryId, EntryKind, IndicatorId};

/// Weight of shared declared focus areas in the need fit.
pub const W_NEED_FOCUS: f64 = 0.35;
/// Weight of shared challenges in the need fit.
pub const W_NEED_CHALLENGE: f64 = 0.25;
/// Weight of the most severe gap the item addresses in the need fit.
pub const W_NEED_GAP: f64 = 0.4;
/// How much a gap counts when the item only works on the gap's theme (its focus area), not on its indicator.
pub const GAP_THEME_RELEVANCE: f64 = 0.5;
/// The context factor of an item known to work in no city with a fact in common with the city.
pub const CONTEXT_FLOOR: f64 = 0.5;
/// The number of comparability facts: region, population band, tier, latitude zone.
pub const COMPARABILITY_FACTS: usize = 4;

/// Weight of the project's focus areas the call covers in the funding fit.
pub const W_FUNDING_FOCUS: f64 = 0.35;
/// Weight of the project's challenges the call names in the funding fit.
pub const W_FUNDING_CHALLENGE: f64 = 0.15;
/// Weight of a checked amount in the funding fit.
pub const W_FUNDING_AMOUNT: f64 = 0.15;
/// Weight of the project's readiness in the funding fit.
pub const W_FUNDING_READINESS: f64 = 0.2;
/// Weight of a call aimed at the project's country in the funding fit.
pub const W_FUNDING_COUNTRY: f64 = 0.15;
/// The focus term of a call that names no focus area (open to all, so aimed at none).
pub const FOCUS_OPEN: f64 = 0.5;
/// The amount term when the amount or a bound is not stated (or not in USD), so the range could not be checked.
pub const AMOUNT_UNCHECKED: f64 = 0.5;
/// The country term of a call open to every country.
pub const COUNTRY_OPEN: f64 = 0.5;

/// Weight of shared focus areas when matching a solution to projects.
pub const W_PROVIDER_FOCUS: f64 = 0.6;
/// Weight of shared challenges when matching a solution to projects.
pub const W_PROVIDER_CHALLENGE: f64 = 0.4;

/// The macro-region a city is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    /// A member state of ASEAN.
    Asean,
    /// China.
    China,
}

impl Region {
    /// Parses the region as `Country::region` spells it (`asean`, `china`).
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            r if r.eq_ignore_ascii_case("asean") => Some(Region::Asean),
            r if r.eq_ignore_ascii_case("china") => Some(Region::China),
            _ => None,
        }
    }

    /// The id used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Asean => "asean",
            Region::China => "china",
        }
    }
}

/// A coarse climate proxy from latitude alone — not a climate classification: tropical when |latitude| < 23.44°
/// (inside the tropics), subtropical when < 35°, temperate beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LatitudeZone {
    /// |latitude| < 23.44°.
    Tropical,
    /// 23.44° ≤ |latitude| < 35°.
    Subtropical,
    /// |latitude| ≥ 35°.
    Temperate,
}

impl LatitudeZone {
    /// The zone of a latitude in degrees.
    pub fn of(latitude: f64) -> Self {
        let l = latitude.abs();
        if l < 23.44 {
            LatitudeZone::Tropical
        } else if l < 35.0 {
            LatitudeZone::Subtropical
        } else {
            LatitudeZone::Temperate
        }
    }

    /// The id used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            LatitudeZone::Tropical => "tropical",
            LatitudeZone::Subtropical => "subtropical",
            LatitudeZone::Temperate => "temperate",
        }
    }
}

/// The facts about a city that make two cities comparable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CityFacts {
    /// The city.
    pub id: CityId,
    /// Its country.
    pub country: CountryCode,
    /// Its region.
    pub region: Region,
    /// Its population band, when its population is known.
    #[serde(serialize_with = "optional_band_id")]
    pub band: Option<Band>,
    /// Its development tier's id, when its country's income group is known.
    pub tier: Option<String>,
    /// Its latitude in degrees, when known.
    pub latitude: Option<f64>,
}

/// A fact two cities have in common.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "fact", content = "value", rename_all = "kebab-case")]
pub enum SharedFact {
    /// The same region.
    Region(Region),
    /// The same population band.
    Band(#[serde(serialize_with = "band_id")] Band),
    /// The same development tier.
    Tier(String),
    /// The same latitude zone.
    LatitudeZone(LatitudeZone),
}

fn optional_band_id<S: serde::Serializer>(
    band: &Option<Band>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match band {
        Some(b) => serializer.serialize_some(b.as_str()),
        None => serializer.serialize_none(),
    }
}

fn band_id<S: serde::Serializer>(band: &Band, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(band.as_str())
}

impl CityFacts {
    /// The latitude zone, when the latitude is known.
    pub fn zone(&self) -> Option<LatitudeZone> {
        self.latitude.map(LatitudeZone::of)
    }

    /// The comparability facts this city shares with `other`, in a fixed order; an unknown fact is never shared.
    pub fn shared_facts(&self, other: &CityFacts) -> Vec<SharedFact> {
        let mut facts = Vec::new();
        if self.region == other.region {
            facts.push(SharedFact::Region(self.region));
        }
        if let (Some(a), Some(b)) = (self.band, other.band)
            && a == b
        {
            facts.push(SharedFact::Band(a));
        }
        if let (Some(a), Some(b)) = (&self.tier, &other.tier)
            && a == b
        {
            facts.push(SharedFact::Tier(a.clone()));
        }
        if let (Some(a), Some(b)) = (self.zone(), other.zone())
            && a == b
        {
            facts.push(SharedFact::LatitudeZone(a));
        }
        facts
    }
}

/// An indicator on which a city ranks low among its peers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// The indicator.
    pub indicator: IndicatorId,
    /// Its title, in the reader's language.
    pub title: String,
    /// The city's percentile within its peer group, 0 to 100, direction-aware (low is worse).
    pub percentile: f64,
    /// How many cities the peer group has, the city included.
    pub group_size: u32,
    /// The ASCN focus area the indicator's theme maps to, if any.
    pub focus_area: Option<String>,
}

impl Gap {
    /// How severe the gap is: (100 − percentile) / 100.
    pub fn severity(&self) -> f64 {
        (100.0 - self.percentile.clamp(0.0, 100.0)) / 100.0
    }
}

/// The gaps that may be quoted: those ranked within a peer group of at least `min_group_size` cities. A percentile
/// among fewer peers says little, so such a gap is never passed to a matcher.
pub fn honest_gaps(gaps: impl IntoIterator<Item = Gap>, min_group_size: u32) -> Vec<Gap> {
    gaps.into_iter()
        .filter(|g| g.group_size >= min_group_size && g.percentile.is_finite())
        .collect()
}

/// What a city needs: its facts, declared focus areas, the challenges its projects name, and its honest gaps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CityContext {
    /// The city's comparability facts.
    pub city: CityFacts,
    /// The ASCN focus areas it declares.
    pub focus_areas: BTreeSet<String>,
    /// The statement's challenges its projects name.
    pub challenges: BTreeSet<Challenge>,
    /// Its gaps, already filtered by [`honest_gaps`].
    pub gaps: Vec<Gap>,
}

/// An amount of money as the matcher sees it: in USD, converted by the caller, or why not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Amount {
    /// No amount stated.
    NotStated,
    /// The amount in USD.
    Usd {
        /// The amount.
        usd: f64,
    },
    /// Stated in a currency the caller could not convert.
    NotConverted {
        /// The amount in its currency.
        amount: f64,
        /// ISO 4217 code.
        currency: String,
    },
}

impl Amount {
    /// Converts an entry's money with `to_usd`, recording when it cannot.
    pub fn from_money(money: Option<&Money>, to_usd: &dyn Fn(&Money) -> Option<f64>) -> Self {
        match money {
            None => Amount::NotStated,
            Some(m) => match to_usd(m) {
                Some(usd) if usd.is_finite() => Amount::Usd { usd },
                _ => Amount::NotConverted {
                    amount: m.amount,
                    currency: m.currency.clone(),
                },
            },
        }
    }

    /// The amount in USD, when known.
    pub fn usd(&self) -> Option<f64> {
        match self {
            Amount::Usd { usd } => Some(*usd),
            _ => None,
        }
    }
}

/// What an opportunity of each kind brings to matching.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum OpportunityDetails {
    /// A case study.
    Practice {
        /// The facts of the cities where it worked.
        worked_in: Vec<CityFacts>,
        /// Indicators it moved, with values before and after.
        evidence: Vec<Evidence>,
    },
    /// A solution on offer.
    Solution {
        /// How far it has come.
        maturity: Maturity,
        /// The facts of the cities where it is deployed.
        deployed_in: Vec<CityFacts>,
    },
    /// A city-led project.
    Project {
        /// Its stage.
        stage: ProjectStage,
        /// The capital it seeks.
        capital: Amount,
        /// How many readiness criteria it meets.
        readiness: u32,
    },
    /// A funding call.
    Funding {
        /// The instrument.
        instrument: Instrument,
        /// Smallest amount given.
        min: Amount,
        /// Largest amount given.
        max: Amount,
        /// Eligible countries; empty for any.
        countries: BTreeSet<CountryCode>,
        /// The closing date.
        deadline: Option<time::Date>,
    },
    /// A training programme.
    Training {
        /// The day it starts, when known.
        starts: Option<time::Date>,
    },
    /// Any other kind: not matched.
    Other {
        /// Which kind.
        entry_kind: EntryKind,
    },
}

/// An entry as the matchers see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Opportunity {
    /// The entry's id.
    pub id: EntryId,
    /// Its title, in the reader's language.
    pub title: String,
    /// The cities it concerns.
    pub cities: Vec<CityId>,
    /// The countries of those cities.
    pub countries: BTreeSet<CountryCode>,
    /// Its ASCN focus areas.
    pub focus_areas: BTreeSet<String>,
    /// The statement's challenges it addresses.
    pub challenges: BTreeSet<Challenge>,
    /// What its kind brings.
    pub details: OpportunityDetails,
}

impl Opportunity {
    /// Its kind.
    pub fn kind(&self) -> EntryKind {
        match &self.details {
            OpportunityDetails::Practice { .. } => EntryKind::Practice,
            OpportunityDetails::Solution { .. } => EntryKind::Solution,
            OpportunityDetails::Project { .. } => EntryKind::Project,
            OpportunityDetails::Funding { .. } => EntryKind::Funding,
            OpportunityDetails::Training { .. } => EntryKind::Training,
            OpportunityDetails::Other { entry_kind } => *entry_kind,
        }
    }

    /// Fills an opportunity from a validated entry: `title` in the reader's language, `facts` of the cities Mitra
    /// knows (a city it does not know adds no facts or country), and `to_usd` to convert money (`None` when there
    /// is no rate for the currency).
    pub fn from_entry(
        entry: &Entry,
        title: String,
        facts: &BTreeMap<CityId, CityFacts>,
        to_usd: &dyn Fn(&Money) -> Option<f64>,
    ) -> Self {
        let facts_of = |ids: &[CityId]| -> Vec<CityFacts> {
            ids.iter().filter_map(|id| facts.get(id).cloned()).collect()
        };
        let details = match &entry.details {
            Details::Practice { evidence, .. } => OpportunityDetails::Practice {
                worked_in: facts_of(&entry.cities),
                evidence: evidence.clone(),
            },
            Details::Solution {
                maturity,
                deployed_in,
                ..
            } => OpportunityDetails::Solution {
                maturity: *maturity,
                deployed_in: facts_of(deployed_in),
            },
            Details::Project {
                stage,
                needs,
                readiness,
            } => OpportunityDetails::Project {
                stage: *stage,
                capital: Amount::from_money(needs.capital.as_ref(), to_usd),
                readiness: readiness.len() as u32,
            },
            Details::Funding {
                instrument,
                amount_min,
                amount_max,
                countries,
                deadline,
                ..
            } => OpportunityDetails::Funding {
                instrument: *instrument,
                min: Amount::from_money(amount_min.as_ref(), to_usd),
                max: Amount::from_money(amount_max.as_ref(), to_usd),
                countries: countries
                    .iter()
                    .filter_map(|c| CountryCode::parse(c).ok())
                    .collect(),
                deadline: deadline.as_deref().and_then(crate::entry::parse_day),
            },
            Details::Training { starts, .. } => OpportunityDetails::Training {
                starts: starts.at.get(..10).and_then(crate::entry::parse_day),
            },
            other => OpportunityDetails::Other {
                entry_kind: other.kind(),
            },
        };
        Opportunity {
            id: entry.id.clone(),
            title,
            cities: entry.cities.clone(),
            countries: entry
                .cities
                .iter()
                .filter_map(|id| facts.get(id).map(|f| f.country))
                .collect(),
            focus_areas: entry.focus_areas.clone(),
            challenges: entry.challenges.clone(),
            details,
        }
    }
}

/// Why an item matches, with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    /// Both name this ASCN focus area.
    SharedFocusArea {
        /// The focus area's id.
        id: String,
    },
    /// Both name this challenge.
    SharedChallenge {
        /// The challenge.
        challenge: Challenge,
    },
    /// The item works on the theme of an indicator where the city ranks low.
    ClosesGap {
        /// The indicator.
        indicator: IndicatorId,
        /// Its title.
        title: String,
        /// The city's percentile among its peers.
        percentile: f64,
        /// The size of the peer group.
        group_size: u32,
        /// The focus area the indicator's theme maps to.
        focus_area: String,
    },
    /// A practice moved the very indicator where the city ranks low.
    EvidenceOnGap {
        /// The indicator.
        indicator: IndicatorId,
        /// Its title.
        title: String,
        /// The city's percentile among its peers.
        percentile: f64,
        /// The size of the peer group.
        group_size: u32,
        /// The value before the practice.
        before: YearValue,
        /// The value after it.
        after: YearValue,
    },
    /// The item worked, or is deployed, in a city with these facts in common with the city.
    ComparableCity {
        /// That city.
        city: CityId,
        /// The facts in common.
        facts: Vec<SharedFact>,
    },
    /// The item is not known to work in a city with any comparability fact in common.
    NoComparableCity,
    /// The call lists the project's country.
    CountryEligible {
        /// The country.
        country: CountryCode,
    },
    /// The call is open to every country.
    OpenToAllCountries,
    /// The call names no focus area, so it is open to all.
    OpenToAllFocusAreas,
    /// The amount sought lies within the call's range.
    AmountWithinRange {
        /// The amount sought, USD.
        amount: f64,
        /// The smallest amount given, USD.
        min: f64,
        /// The largest amount given, USD.
        max: f64,
    },
    /// The amount sought is known, a bound of the call's range is not; the known bounds were checked.
    RangeNotStated {
        /// The amount sought, USD.
        amount: f64,
        /// The smallest amount given, USD, when stated.
        min: Option<f64>,
        /// The largest amount given, USD, when stated.
        max: Option<f64>,
    },
    /// The project states no capital need, so the range was not checked.
    AmountNotStated,
    /// The project's capital need could not be converted to USD, so the range was not checked.
    AmountNotConverted {
        /// The amount in its currency.
        amount: f64,
        /// Its currency.
        currency: String,
    },
    /// The call closes on or after today.
    DeadlineOpen {
        /// The closing date.
        deadline: time::Date,
        /// Days from today to the deadline (0: closes today).
        days_left: i64,
    },
    /// The call states no closing date.
    NoDeadline,
    /// The instrument finances projects at this stage.
    StageFits {
        /// The project's stage.
        stage: ProjectStage,
        /// The call's instrument.
        instrument: Instrument,
    },
    /// The project meets this many readiness criteria.
    ReadinessMet {
        /// Criteria met.
        met: u32,
        /// Criteria in all.
        of: u32,
    },
    /// The training starts on or after today.
    StartsOn {
        /// The day it starts.
        starts: time::Date,
    },
}

/// "12th percentile of 9 peer cities".
fn percentile_phrase(percentile: f64, group_size: u32) -> String {
    let p = percentile.round().clamp(0.0, 100.0) as u32;
    let suffix = match (p % 10, p % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{p}{suffix} percentile of {group_size} peer cities")
}

/// "USD 2,500,000": whole dollars with thousands separators.
fn usd(amount: f64) -> String {
    let whole = format!("{:.0}", amount.max(0.0));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("USD {out}")
}

fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn fact_phrase(fact: &SharedFact) -> String {
    match fact {
        SharedFact::Region(r) => format!("region {}", r.as_str()),
        SharedFact::Band(b) => format!("population band {b}"),
        SharedFact::Tier(t) => format!("tier {t}"),
        SharedFact::LatitudeZone(z) => format!("{} latitude zone", z.as_str()),
    }
}

impl Reason {
    /// A stable tag for the reason's kind (the API's `reason` field; a Fluent key can be built from it).
    pub fn tag(&self) -> &'static str {
        match self {
            Reason::SharedFocusArea { .. } => "shared-focus-area",
            Reason::SharedChallenge { .. } => "shared-challenge",
            Reason::ClosesGap { .. } => "closes-gap",
            Reason::EvidenceOnGap { .. } => "evidence-on-gap",
            Reason::ComparableCity { .. } => "comparable-city",
            Reason::NoComparableCity => "no-comparable-city",
            Reason::CountryEligible { .. } => "country-eligible",
            Reason::OpenToAllCountries => "open-to-all-countries",
            Reason::OpenToAllFocusAreas => "open-to-all-focus-areas",
            Reason::AmountWithinRange { .. } => "amount-within-range",
            Reason::RangeNotStated { .. } => "range-not-stated",
            Reason::AmountNotStated => "amount-not-stated",
            Reason::AmountNotConverted { .. } => "amount-not-converted",
            Reason::DeadlineOpen { .. } => "deadline-open",
            Reason::NoDeadline => "no-deadline",
            Reason::StageFits { .. } => "stage-fits",
            Reason::ReadinessMet { .. } => "readiness-met",
            Reason::StartsOn { .. } => "starts-on",
        }
    }

    /// The reason as an English sentence with its numbers.
    pub fn sentence(&self) -> String {
        match self {
            Reason::SharedFocusArea { id } => format!("Both work on the ASCN focus area {id}."),
            Reason::SharedChallenge { challenge } => {
                format!("Both address the challenge {challenge}.")
            }
            Reason::ClosesGap {
                indicator,
                title,
                percentile,
                group_size,
                focus_area,
            } => format!(
                "The city ranks in the {} on {title} ({indicator}), a theme of {focus_area}, which this works on.",
                percentile_phrase(*percentile, *group_size)
            ),
            Reason::EvidenceOnGap {
                indicator,
                title,
                percentile,
                group_size,
                before,
                after,
            } => format!(
                "The city ranks in the {} on {title} ({indicator}); this practice moved it from {} in {} to {} in {}.",
                percentile_phrase(*percentile, *group_size),
                number(before.value),
                before.year,
                number(after.value),
                after.year
            ),
            Reason::ComparableCity { city, facts } => format!(
                "It works in {city}, which shares {} with the city.",
                facts.iter().map(fact_phrase).collect::<Vec<_>>().join(", ")
            ),
            Reason::NoComparableCity => {
                "It is not yet known to work in a city with region, population band, tier or latitude zone in common."
                    .to_owned()
            }
            Reason::CountryEligible { country } => format!("The call lists {country} as eligible."),
            Reason::OpenToAllCountries => "The call is open to every country.".to_owned(),
            Reason::OpenToAllFocusAreas => "The call names no focus area, so it is open to all.".to_owned(),
            Reason::AmountWithinRange { amount, min, max } => format!(
                "The {} sought lies within the call's range of {} to {}.",
                usd(*amount),
                usd(*min),
                usd(*max)
            ),
            Reason::RangeNotStated { amount, min, max } => format!(
                "{} is sought; the call's minimum is {} and its maximum {}.",
                usd(*amount),
                min.map_or_else(|| "not stated".to_owned(), usd),
                max.map_or_else(|| "not stated".to_owned(), usd)
            ),
            Reason::AmountNotStated => {
                "The project's capital need is not stated, so the call's range was not checked.".to_owned()
            }
            Reason::AmountNotConverted { amount, currency } => format!(
                "The capital sought ({} {currency}) could not be converted to USD, so the call's range was not checked.",
                number(*amount)
            ),
            Reason::DeadlineOpen {
                deadline,
                days_left,
            } => match days_left {
                0 => format!("The call closes today, {deadline}."),
                1 => format!("The call closes on {deadline}, in 1 day."),
                n => format!("The call closes on {deadline}, in {n} days."),
            },
            Reason::NoDeadline => "The call states no closing date.".to_owned(),
            Reason::StageFits { stage, instrument } => {
                format!("A {instrument} suits a project at the {stage} stage.")
            }
            Reason::ReadinessMet { met, of } => {
                format!("The project meets {met} of {of} readiness criteria.")
            }
            Reason::StartsOn { starts } => format!("It starts on {starts}."),
        }
    }
}

/// One match: what matched, how well, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match<K = EntryId> {
    /// The matched entry (or city).
    pub id: K,
    /// The score, 0 to 1.
    pub score: f64,
    /// The reasons, in the order a reader should see them.
    pub reasons: Vec<Reason>,
}

/// Best first: score descending, then id ascending.
fn ranked<K: Ord>(a: &Match<K>, b: &Match<K>) -> Ordering {
    b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id))
}

/// Sorts best first and keeps the top `limit`.
fn top<K: Ord>(mut matches: Vec<Match<K>>, limit: usize) -> Vec<Match<K>> {
    matches.sort_by(ranked);
    matches.truncate(limit);
    matches
}

/// |A ∩ B| / min(|A|, |B|); 0 when either is empty.
fn overlap<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> f64 {
    let smaller = a.len().min(b.len());
    if smaller == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / smaller as f64
}

/// The shared focus area and challenge reasons, in id order.
fn shared_reasons(
    focus_a: &BTreeSet<String>,
    focus_b: &BTreeSet<String>,
    challenges_a: &BTreeSet<Challenge>,
    challenges_b: &BTreeSet<Challenge>,
) -> Vec<Reason> {
    focus_a
        .intersection(focus_b)
        .map(|id| Reason::SharedFocusArea { id: id.clone() })
        .chain(
            challenges_a
                .intersection(challenges_b)
                .map(|&challenge| Reason::SharedChallenge { challenge }),
        )
        .collect()
}

/// How a gap bears on an item.
#[derive(Debug, Clone, Copy, PartialEq)]
enum GapRelevance {
    /// Evidence on the very indicator (or a training on its theme): counts fully.
    Direct,
    /// The item works on the indicator's theme.
    Theme,
}

/// The need fit of an item for a city and its reasons (shared focus areas, challenges, then gaps, most severe
/// first). `relevance` says how each gap bears on the item.
fn need_fit(
    city: &CityContext,
    focus_areas: &BTreeSet<String>,
    challenges: &BTreeSet<Challenge>,
    relevance: impl Fn(&Gap) -> Option<(GapRelevance, Reason)>,
) -> (f64, Vec<Reason>) {
    let mut reasons = shared_reasons(&city.focus_areas, focus_areas, &city.challenges, challenges);
    let mut gap_reasons: Vec<(&Gap, Reason)> = Vec::new();
    let mut gap = 0.0_f64;
    for g in &city.gaps {
        if let Some((how, reason)) = relevance(g) {
            let weight = match how {
                GapRelevance::Direct => 1.0,
                GapRelevance::Theme => GAP_THEME_RELEVANCE,
            };
            gap = gap.max(g.severity() * weight);
            gap_reasons.push((g, reason));
        }
    }
    gap_reasons.sort_by(|(a, _), (b, _)| {
        a.percentile
            .total_cmp(&b.percentile)
            .then_with(|| a.indicator.cmp(&b.indicator))
    });
    reasons.extend(gap_reasons.into_iter().map(|(_, r)| r));
    let need = W_NEED_FOCUS * overlap(&city.focus_areas, focus_areas)
        + W_NEED_CHALLENGE * overlap(&city.challenges, challenges)
        + W_NEED_GAP * gap;
    (need, reasons)
}

/// The theme reason for a gap whose focus area is among `focus_areas`.
fn theme_gap(gap: &Gap, focus_areas: &BTreeSet<String>) -> Option<Reason> {
    let area = gap
        .focus_area
        .as_ref()
        .filter(|a| focus_areas.contains(*a))?;
    Some(Reason::ClosesGap {
        indicator: gap.indicator.clone(),
        title: gap.title.clone(),
        percentile: gap.percentile,
        group_size: gap.group_size,
        focus_area: area.clone(),
    })
}

/// The context factor of an item known in `places` for `city`, with its reason: the most comparable place (ties
/// to the smallest city id), or none.
fn context_factor(city: &CityFacts, places: &[CityFacts]) -> (f64, Reason) {
    let mut best: Option<(&CityFacts, Vec<SharedFact>)> = None;
    for place in places {
        let facts = place.shared_facts(city);
        let better = match &best {
            None => !facts.is_empty(),
            Some((p, f)) => facts.len() > f.len() || (facts.len() == f.len() && place.id < p.id),
        };
        if better {
            best = Some((place, facts));
        }
    }
    match best {
        None => (CONTEXT_FLOOR, Reason::NoComparableCity),
        Some((place, facts)) => {
            let context = facts.len() as f64 / COMPARABILITY_FACTS as f64;
            (
                CONTEXT_FLOOR + (1.0 - CONTEXT_FLOOR) * context,
                Reason::ComparableCity {
                    city: place.id.clone(),
                    facts,
                },
            )
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sentence())
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Small fixtures shared by the matchers' tests.

    use super::*;

    pub fn city_id(raw: &str) -> CityId {
        CityId::parse(raw).expect("city id")
    }

    pub fn entry_id(raw: &str) -> EntryId {
        EntryId::parse(raw).expect("entry id")
    }

    pub fn country(raw: &str) -> CountryCode {
        CountryCode::parse(raw).expect("country")
    }

    pub fn indicator(raw: &str) -> IndicatorId {
        IndicatorId::parse(raw).expect("indicator")
    }

    pub fn facts(
        id: &str,
        country_code: &str,
        region: Region,
        band: Option<Band>,
        tier: Option<&str>,
        latitude: Option<f64>,
    ) -> CityFacts {
        CityFacts {
            id: city_id(id),
            country: country(country_code),
            region,
            band,
            tier: tier.map(str::to_owned),
            latitude,
        }
    }

    pub fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    pub fn gap(
        code: &str,
        title: &str,
        percentile: f64,
        group_size: u32,
        area: Option<&str>,
    ) -> Gap {
        Gap {
            indicator: indicator(code),
            title: title.to_owned(),
            percentile,
            group_size,
            focus_area: area.map(str::to_owned),
        }
    }

    pub fn date(raw: &str) -> time::Date {
        crate::entry::parse_day(raw).expect("date")
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn latitude_zones_follow_the_tropics_and_35_degrees() {
        assert_eq!(LatitudeZone::of(13.75), LatitudeZone::Tropical);
        assert_eq!(LatitudeZone::of(-23.43), LatitudeZone::Tropical);
        assert_eq!(LatitudeZone::of(23.44), LatitudeZone::Subtropical);
        assert_eq!(LatitudeZone::of(31.2), LatitudeZone::Subtropical);
        assert_eq!(LatitudeZone::of(39.9), LatitudeZone::Temperate);
    }

    #[test]
    fn unknown_facts_are_never_shared() {
        let a = facts("a", "TH", Region::Asean, None, Some("tier-2"), None);
        let b = facts("b", "VN", Region::Asean, None, None, None);
        assert_eq!(a.shared_facts(&b), vec![SharedFact::Region(Region::Asean)]);
    }

    #[test]
    fn gaps_among_too_few_peers_are_not_passed() {
        let gaps = honest_gaps(
            [
                gap("x:1", "One", 10.0, 4, None),
                gap("x:2", "Two", 10.0, 5, None),
                gap("x:3", "Three", f64::NAN, 9, None),
            ],
            5,
        );
        let kept: Vec<&str> = gaps.iter().map(|g| g.indicator.as_str()).collect();
        assert_eq!(kept, ["x:2"]);
    }

    #[test]
    fn sentences_quote_percentile_group_size_and_amounts() {
        let closes = Reason::ClosesGap {
            indicator: indicator("iso37120-2014:8.8"),
            title: "PM2.5 concentration".into(),
            percentile: 12.0,
            group_size: 9,
            focus_area: "quality_environment".into(),
        };
        assert!(
            closes
                .sentence()
                .contains("12th percentile of 9 peer cities")
        );
        let within = Reason::AmountWithinRange {
            amount: 2_500_000.0,
            min: 100_000.0,
            max: 10_000_000.0,
        };
        assert_eq!(
            within.sentence(),
            "The USD 2,500,000 sought lies within the call's range of USD 100,000 to USD 10,000,000."
        );
        assert_eq!(percentile_phrase(1.0, 5), "1st percentile of 5 peer cities");
        assert_eq!(
            percentile_phrase(13.4, 6),
            "13th percentile of 6 peer cities"
        );
        assert_eq!(
            percentile_phrase(22.0, 6),
            "22nd percentile of 6 peer cities"
        );
    }
}
