//! Peer benchmarking on the in-memory analytics panel, and conformity assessment.
//!
//! The panel holds every counted value as columns. It is built from the store on first use and rebuilt when the
//! change feed shows that observations changed since; a read that finds no change costs one small query.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use mitra_domain::assessment::{self, Assessment, Scheme};
use mitra_domain::panel::{NO_GROUP, Panel};
use mitra_domain::peers::{Band, Grouping, Tier, Tiers};
use mitra_domain::{
    City, CityFilter, CityId, CountryCode, Direction, Indicator, IndicatorId, Reason, Relation,
    StandardId, ValidationError,
};

use crate::reference::file;
use crate::{Mitra, ServiceError};

mod view;

pub use view::{AssessmentView, FindingView, GapView, ItemView, LevelView, NextLevelView};

/// What the panel knows about a city besides its values.
#[derive(Debug, Clone)]
pub struct CityFacts {
    /// English name.
    pub name_en: String,
    /// Chinese name.
    pub name_zh: Option<String>,
    /// Country.
    pub country: CountryCode,
    /// `asean` or `china`.
    pub region: String,
    /// Population band, when the population is known.
    pub band: Option<Band>,
    /// Development tier id, when it can be derived.
    pub tier: Option<String>,
}

impl CityFacts {
    /// The city's group under a grouping (`TH`, `asean`, `1m-5m`, `tier-2`).
    pub fn group(&self, grouping: Grouping) -> Option<String> {
        match grouping {
            Grouping::Region => Some(self.region.clone()),
            Grouping::Country => Some(self.country.to_string()),
            Grouping::Band => self.band.map(|b| b.as_str().to_owned()),
            Grouping::Tier => self.tier.clone(),
        }
    }
}

/// The panel with what is needed to rank on it.
#[derive(Debug)]
pub struct PanelState {
    /// The values.
    pub panel: Panel,
    /// The change-feed position it reflects, moved on past writes that do not concern it.
    seq: AtomicI64,
    /// Percentile ranks per grouping, aligned with the panel's rows.
    ranks: HashMap<Grouping, Vec<Option<f32>>>,
    /// What the values are read with, kept from one build to the next while only values change.
    reference: Arc<PanelReference>,
}

impl std::ops::Deref for PanelState {
    type Target = PanelReference;

    fn deref(&self) -> &PanelReference {
        &self.reference
    }
}

/// What a panel is read with besides its values.
#[derive(Debug)]
pub struct PanelReference {
    /// Facts per city.
    pub facts: HashMap<CityId, CityFacts>,
    /// Indicators by id, for titles, units and directions.
    pub indicators: HashMap<IndicatorId, Indicator>,
    /// What profiles are scored with: read from the shipped files once per build, not per request.
    profiles: ProfileContext,
}

/// The profile rules, the focus areas in published order, the indicators in their standards' order and each ASCN
/// city's declared priorities.
#[derive(Debug)]
struct ProfileContext {
    rules: mitra_domain::profile::ProfileRules,
    focus_areas: Vec<mitra_domain::FocusArea>,
    indicators: Vec<Indicator>,
    priorities: HashMap<CityId, Vec<String>>,
}

impl PanelState {
    /// The focus areas each ASCN pilot city declared in its 2018 Smart City Action Plan (ids), by city.
    pub(crate) fn declared_priorities(&self) -> &HashMap<CityId, Vec<String>> {
        &self.profiles.priorities
    }

    /// Every city's latest ranked value of each indicator under `grouping`: (indicator, percentile, cities of its
    /// group with a value that year), by city. Values whose group is too small to be ranked have no percentile and
    /// are left out.
    pub(crate) fn ranked_latest(
        &self,
        grouping: Grouping,
    ) -> HashMap<CityId, Vec<(Indicator, f64, usize)>> {
        let ranks = self.ranks(grouping);
        let mut out: HashMap<CityId, Vec<(Indicator, f64, usize)>> = HashMap::new();
        for id in self.panel.indicators() {
            let Some(indicator) = self.indicators.get(id) else {
                continue;
            };
            // Each city's latest year for this indicator.
            let mut latest: HashMap<&CityId, i32> = HashMap::new();
            for year in self.panel.years(id) {
                for (city, _) in self.panel.values(id, year) {
                    let slot = latest.entry(city).or_insert(year);
                    *slot = (*slot).max(year);
                }
            }
            let mut sizes: HashMap<(Option<String>, i32), usize> = HashMap::new();
            for (city, year) in &latest {
                let Some(percentile) = self.panel.rank_of(ranks, city, id, *year) else {
                    continue;
                };
                let group = self.facts.get(*city).and_then(|f| f.group(grouping));
                let size = *sizes.entry((group.clone(), *year)).or_insert_with(|| {
                    self.panel
                        .values(id, *year)
                        .filter(|(c, _)| {
                            group.is_some()
                                && self.facts.get(*c).and_then(|f| f.group(grouping)) == group
                        })
                        .count()
                });
                out.entry((*city).clone())
                    .or_default()
                    .push((indicator.clone(), percentile, size));
            }
        }
        out
    }

    /// The ASCN focus area an indicator's theme counts towards in the localized profile, if any.
    pub(crate) fn theme_focus_area(&self, indicator: &Indicator) -> Option<&str> {
        self.profiles
            .rules
            .themes
            .get(&indicator.theme)
            .map(String::as_str)
    }

    /// Percentile ranks under `grouping`, aligned with the panel's rows.
    pub fn ranks(&self, grouping: Grouping) -> &[Option<f32>] {
        self.ranks.get(&grouping).map_or(&[], Vec::as_slice)
    }
}

/// How honest peer statistics must be; set from the configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalyticsSettings {
    /// The fewest cities a peer group must have on an indicator in a year to be ranked and to have a median: a
    /// percentile among one or two cities says nothing about a city.
    pub min_group_size: usize,
    /// The share (0 to 1) of the applicable indicators a profile's score must rest on not to be called
    /// provisional.
    pub provisional_below: f64,
}

impl Default for AnalyticsSettings {
    fn default() -> Self {
        Self {
            min_group_size: 5,
            provisional_below: 0.5,
        }
    }
}

/// Which values peer statistics are computed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Values {
    /// Only values a verifier has checked: the default of public pages and the API.
    Verified,
    /// Every value that is not rejected, including those submitted and not yet checked.
    All,
}

impl Values {
    /// Every choice, the default first.
    pub const ALL: [Values; 2] = [Values::Verified, Values::All];

    /// Reads `verified` or `all`; absent means verified.
    pub fn parse(raw: Option<&str>) -> Result<Self, ValidationError> {
        match raw.map(str::trim).filter(|v| !v.is_empty()) {
            None | Some("verified") => Ok(Values::Verified),
            Some("all") => Ok(Values::All),
            Some(other) => Err(ValidationError::new(
                "values",
                Reason::not_one_of(mitra_domain::ids::clip(other), "verified, all"),
            )),
        }
    }

    /// `verified` or `all`.
    pub fn as_str(self) -> &'static str {
        match self {
            Values::Verified => "verified",
            Values::All => "all",
        }
    }

    fn slot(self) -> usize {
        match self {
            Values::Verified => 0,
            Values::All => 1,
        }
    }
}

/// The change-feed entity of a write to a city's values (its id the city's).
pub(crate) const VALUES_CHANGED: &str = "city-observations";
/// The change-feed entity of a change to a city's development tier.
pub(crate) const TIER_CHANGED: &str = "city-tier";

/// The shared, lazily built panels: one of verified values, one of all values.
#[derive(Default)]
pub(crate) struct PanelCache([crate::refreshing::Refreshing<PanelState>; 2]);

/// One city in a ranking.
#[derive(Debug, Clone)]
pub struct RankEntry {
    /// The city.
    pub city: CityId,
    /// Its facts.
    pub facts: CityFacts,
    /// Its value.
    pub value: f64,
    /// Its percentile rank within its group (100 is best).
    pub percentile: f64,
}

/// A ranking of the cities of one peer group on one indicator in one year.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// The indicator.
    pub indicator: Indicator,
    /// The year ranked.
    pub year: Option<i32>,
    /// Every year with values, oldest first.
    pub years: Vec<i32>,
    /// The grouping.
    pub grouping: Grouping,
    /// The group (`TH`); `None` ranks every group, each within itself.
    pub group: Option<String>,
    /// Which values are ranked.
    pub values: Values,
    /// The fewest cities a group needs to be ranked.
    pub min_group_size: usize,
    /// Best first.
    pub entries: Vec<RankEntry>,
    /// The groups with values that year but too few cities to be ranked, with how many they have.
    pub too_small: Vec<(String, usize)>,
}

/// A city's standing on one indicator against its peers.
#[derive(Debug, Clone)]
pub struct Benchmark {
    /// The indicator.
    pub indicator: Indicator,
    /// The latest year with a value for the city.
    pub year: i32,
    /// The city's value.
    pub value: f64,
    /// Whether the value shown counts in the comparison (with verified values only, whether it is verified).
    pub counted: bool,
    /// Its percentile rank within the group; `None` when the group is too small to be ranked, or the value does
    /// not count.
    pub percentile: Option<f64>,
    /// How many cities of the group have a value that counts that year.
    pub group_size: usize,
    /// The group's median that year; `None` when the group is too small.
    pub group_median: Option<f64>,
    /// The city's series, oldest first.
    pub series: Vec<(i32, f64)>,
}

/// A city's benchmarks under one grouping.
#[derive(Debug, Clone)]
pub struct CityBenchmarks {
    /// The city.
    pub city: CityId,
    /// Its facts.
    pub facts: CityFacts,
    /// The grouping.
    pub grouping: Grouping,
    /// Its group, if it has one.
    pub group: Option<String>,
    /// Which values it is compared on.
    pub values: Values,
    /// The fewest cities a group needs for a percentile and a median.
    pub min_group_size: usize,
    /// One per indicator the city has values for, in indicator id order.
    pub benchmarks: Vec<Benchmark>,
}

/// An assessment with what a report needs to show it.
#[derive(Debug, Clone)]
pub struct AssessmentReport {
    /// The city.
    pub city: City,
    /// The scheme.
    pub scheme: Scheme,
    /// The standard's indicators, by id.
    pub indicators: HashMap<IndicatorId, Indicator>,
    /// The outcome.
    pub assessment: Assessment,
}

/// Tier rules and income groups, from the shipped files.
pub(crate) fn tiers() -> Result<Tiers, ServiceError> {
    Ok(Tiers::parse(
        "profiles/tiers.toml",
        file("profiles/tiers.toml"),
        "profiles/income_groups.csv",
        file("profiles/income_groups.csv"),
    )?)
}

/// The ids of the shipped development tiers (`tier-1`…); empty if the shipped file could not be read, which the
/// reference load reports.
pub fn tier_ids() -> Vec<String> {
    tiers()
        .map(|t| t.ids().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The conformity schemes shipped with Mitra: (file, text).
const SCHEMES: [(&str, &str); 2] = [
    (
        "schemes/mitra-coverage-iso37120-2014.toml",
        include_str!("../../../data/schemes/mitra-coverage-iso37120-2014.toml"),
    ),
    (
        "schemes/mitra-coverage-u4ssc.toml",
        include_str!("../../../data/schemes/mitra-coverage-u4ssc.toml"),
    ),
];

/// The standard a scheme file assesses, read from its `standard = "…"` line.
fn scheme_standard(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|l| l.strip_prefix("standard = "))
        .map(|s| s.trim().trim_matches('"'))
}

/// The ids of the standards with a shipped scheme.
pub fn assessable_standards() -> Vec<String> {
    SCHEMES
        .iter()
        .filter_map(|(_, text)| scheme_standard(text).map(str::to_owned))
        .collect()
}

impl Mitra {
    /// The settings peer statistics follow.
    pub fn analytics_settings(&self) -> AnalyticsSettings {
        self.analytics
    }

    /// The panel of `values`, rebuilt first if observations changed since it was built. While another request
    /// rebuilds it, the panel before is the answer ([`crate::refreshing::Refreshing`]).
    pub async fn panel(&self, values: Values) -> Result<Arc<PanelState>, ServiceError> {
        let slot = &self.panel.0[values.slot()];
        let current = slot.held();
        let mut from = 0;
        if let Some(state) = &current {
            let mut after = state.seq.load(Ordering::Relaxed);
            from = after;
            // The cities whose values changed; none when something else the panel reads changed (a tier).
            let mut cities: Option<BTreeSet<CityId>> = Some(BTreeSet::new());
            let mut changed = false;
            loop {
                let changes = self.store.list_changes_since(after, 500).await?;
                for change in &changes {
                    match change.entity.as_str() {
                        VALUES_CHANGED => {
                            changed = true;
                            match (&mut cities, CityId::parse(&change.entity_id)) {
                                (Some(cities), Ok(city)) => {
                                    cities.insert(city);
                                }
                                _ => cities = None,
                            }
                        }
                        TIER_CHANGED => {
                            changed = true;
                            cities = None;
                        }
                        _ => {}
                    }
                }
                let Some(last) = changes.last() else { break };
                after = last.seq;
                if changes.len() < 500 {
                    break;
                }
            }
            if !changed {
                // Other writes were read past: the next request starts after them.
                state.seq.fetch_max(after, Ordering::Relaxed);
                return Ok(state.clone());
            }
            let previous = state.clone();
            return slot
                .rebuilt(current, || async move {
                    // The cities named are every city written up to `after`: the panel reflects that position.
                    let only = cities.map(|c| (previous.as_ref(), c, after));
                    self.build_panel(from, values, only).await
                })
                .await;
        }
        slot.rebuilt(current, || self.build_panel(from, values, None))
            .await
    }

    /// Builds the panel of `values`; `from` is a change-feed position already known to be reflected (0 at first).
    /// With `previous`, only the values of the cities named are read again, and its facts, indicators and profile
    /// rules are kept: the writes from its position up to the one given were of those cities' values alone.
    async fn build_panel(
        &self,
        from: i64,
        values: Values,
        previous: Option<(&PanelState, BTreeSet<CityId>, i64)>,
    ) -> Result<PanelState, ServiceError> {
        // The feed position first: a change that lands while the panel is being built triggers another rebuild.
        let seq = match &previous {
            Some((_, _, up_to)) => *up_to,
            None => self.feed_end_after(from).await?,
        };
        let counted = |v: mitra_store::PanelValue| {
            if values == Values::Verified && !v.verified {
                return None;
            }
            Some((
                CityId::parse(&v.city_id).ok()?,
                IndicatorId::parse(&v.indicator_id).ok()?,
                v.year,
                v.value,
            ))
        };
        let (panel, reference) = match previous {
            Some((previous, cities, _)) => {
                let ids: Vec<CityId> = cities.iter().cloned().collect();
                let fresh = self.store.panel_values_of(&ids).await?;
                let kept = previous
                    .panel
                    .rows()
                    .filter(|(city, ..)| !cities.contains(*city))
                    .map(|(c, i, y, v)| (c.clone(), i.clone(), y, v));
                let panel = Panel::build(kept.chain(fresh.into_iter().filter_map(counted)));
                (panel, previous.reference.clone())
            }
            None => {
                let stored = self.store.panel_values().await?;
                let panel = Panel::build(stored.into_iter().filter_map(counted));
                (panel, Arc::new(self.panel_reference().await?))
            }
        };
        let directions: Vec<Option<Direction>> = panel
            .indicators()
            .iter()
            .map(|i| {
                reference
                    .indicators
                    .get(i)
                    .and_then(|i: &Indicator| i.direction)
            })
            .collect();
        let ranks = Grouping::ALL
            .into_iter()
            .map(|grouping| {
                let mut numbers: HashMap<String, u32> = HashMap::new();
                let group: Vec<u32> = panel
                    .cities()
                    .iter()
                    .map(|c| {
                        reference
                            .facts
                            .get(c)
                            .and_then(|f| f.group(grouping))
                            .map_or(NO_GROUP, |g| {
                                let next = numbers.len() as u32;
                                *numbers.entry(g).or_insert(next)
                            })
                    })
                    .collect();
                let ranks =
                    panel.percentile_ranks(&group, &directions, self.analytics.min_group_size);
                (grouping, ranks)
            })
            .collect();
        Ok(PanelState {
            panel,
            seq: AtomicI64::new(seq),
            ranks,
            reference,
        })
    }

    /// What a panel reads besides the values: every city's facts, the indicators and the profile rules.
    async fn panel_reference(&self) -> Result<PanelReference, ServiceError> {
        let tiers = tiers()?;
        let countries: HashMap<CountryCode, String> = self
            .store
            .list_countries()
            .await?
            .into_iter()
            .map(|c| (c.code, c.region))
            .collect();
        let overrides = self.store.city_tier_overrides().await?;
        let facts: HashMap<CityId, CityFacts> = self
            .all_cities(&CityFilter::default())
            .await?
            .into_iter()
            .map(|c| {
                let population = c
                    .population
                    .as_ref()
                    .and_then(|p| i64::try_from(p.count).ok());
                let tier = overrides
                    .get(c.id.as_str())
                    .cloned()
                    .or_else(|| tiers.tier_of(&c.country, population).map(|t| t.id.clone()));
                let facts = CityFacts {
                    name_en: c.name_en.clone(),
                    name_zh: c.name_zh.clone(),
                    region: countries.get(&c.country).cloned().unwrap_or_default(),
                    country: c.country,
                    band: population.map(Band::of),
                    tier,
                };
                (c.id, facts)
            })
            .collect();
        let indicators = self.all_indicators().await?;
        let focus_areas = self.store.list_focus_areas().await?;
        let area_ids: Vec<String> = focus_areas.iter().map(|a| a.id.clone()).collect();
        let mut ordered: Vec<Indicator> = indicators.values().cloned().collect();
        ordered.sort_by_key(|i| i.position);
        let profiles = ProfileContext {
            rules: mitra_domain::profile::ProfileRules::parse(
                "profiles/profile.toml",
                file("profiles/profile.toml"),
                &ordered,
                &area_ids,
            )?,
            priorities: declared_priorities(&facts, &focus_areas),
            focus_areas,
            indicators: ordered,
        };
        Ok(PanelReference {
            facts,
            indicators,
            profiles,
        })
    }

    /// The cities of a peer group ranked on an indicator of `values` in a year, best first; by default the latest
    /// year in which the group (or, without a group, any group) has enough cities to be ranked. Without `group`,
    /// every city is ranked within its own group. Groups with too few cities are not ranked, and are listed.
    pub async fn ranking(
        &self,
        id: &IndicatorId,
        year: Option<&str>,
        grouping: Grouping,
        group: Option<&str>,
        values: Values,
    ) -> Result<Ranking, ServiceError> {
        let year = parse_year(year)?;
        let state = self.panel(values).await?;
        let indicator = match state.indicators.get(id) {
            Some(i) => i.clone(),
            None => self.store.find_indicator(id).await?,
        };
        let years = state.panel.years(id);
        let group = group
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_owned);
        let min = self.analytics.min_group_size;
        // Cities with a value that year per group (of the chosen group only, when one is chosen).
        let group_sizes = |y: i32| {
            let mut sizes: std::collections::BTreeMap<String, usize> = Default::default();
            for (city, _) in state.panel.values(id, y) {
                if let Some(g) = state.facts.get(city).and_then(|f| f.group(grouping))
                    && group.as_ref().is_none_or(|chosen| chosen == &g)
                {
                    *sizes.entry(g).or_default() += 1;
                }
            }
            sizes
        };
        let year = year.or_else(|| {
            years
                .iter()
                .rev()
                .find(|y| group_sizes(**y).values().any(|n| *n >= min))
                .or(years.last())
                .copied()
        });
        let too_small = year.map_or_else(Vec::new, |y| {
            group_sizes(y)
                .into_iter()
                .filter(|(_, n)| *n < min)
                .collect()
        });
        let ranks = state.ranks(grouping);
        let mut entries: Vec<RankEntry> = match year {
            None => Vec::new(),
            Some(y) => state
                .panel
                .values(id, y)
                .filter_map(|(city, value)| {
                    let facts = state.facts.get(city)?;
                    if group.is_some() && facts.group(grouping) != group {
                        return None;
                    }
                    Some(RankEntry {
                        city: city.clone(),
                        facts: facts.clone(),
                        value,
                        percentile: state.panel.rank_of(ranks, city, id, y)?,
                    })
                })
                .collect(),
        };
        entries.sort_by(|a, b| {
            b.percentile
                .total_cmp(&a.percentile)
                .then_with(|| a.city.as_str().cmp(b.city.as_str()))
        });
        Ok(Ranking {
            indicator,
            year,
            years,
            grouping,
            group,
            values,
            min_group_size: min,
            entries,
            too_small,
        })
    }

    /// A city against its peers on every indicator it has values of `values` for.
    pub async fn city_benchmarks(
        &self,
        city: &CityId,
        grouping: Grouping,
        values: Values,
    ) -> Result<CityBenchmarks, ServiceError> {
        // The city's values are all shown; the comparison uses `values` only, so a value not yet checked is shown
        // but not ranked when verified values are asked for.
        let shown = self.panel(Values::All).await?;
        let compared = self.panel(values).await?;
        let Some(facts) = shown.facts.get(city).cloned() else {
            return Err(ServiceError::NotFound {
                entity: "city",
                id: city.to_string(),
            });
        };
        let group = facts.group(grouping);
        let ranks = compared.ranks(grouping);
        let mut benchmarks = Vec::new();
        let mut ids: Vec<&IndicatorId> = shown.panel.indicators().iter().collect();
        ids.sort_by_key(|i| i.as_str());
        for id in ids {
            let series = shown.panel.series(city, id);
            let (Some(&(year, value)), Some(indicator)) = (series.last(), shown.indicators.get(id))
            else {
                continue;
            };
            let in_group = |c: &CityId| {
                group.is_some() && compared.facts.get(c).and_then(|f| f.group(grouping)) == group
            };
            let counted = compared.panel.value(city, id, year) == Some(value);
            benchmarks.push(Benchmark {
                indicator: indicator.clone(),
                year,
                value,
                counted,
                percentile: counted
                    .then(|| compared.panel.rank_of(ranks, city, id, year))
                    .flatten(),
                group_size: compared
                    .panel
                    .values(id, year)
                    .filter(|(c, _)| in_group(c))
                    .count(),
                group_median: compared.panel.median(
                    id,
                    year,
                    in_group,
                    self.analytics.min_group_size,
                ),
                series,
            });
        }
        Ok(CityBenchmarks {
            city: city.clone(),
            facts,
            grouping,
            group,
            values,
            min_group_size: self.analytics.min_group_size,
            benchmarks,
        })
    }

    /// The tier rules, for pages that explain them.
    pub fn tier_rules(&self) -> Result<Vec<Tier>, ServiceError> {
        let tiers = tiers()?;
        let mut out: Vec<Tier> = Vec::new();
        for rule in ["tier-1", "tier-2", "tier-3", "tier-4"] {
            if let Some(t) = tiers.find(rule) {
                out.push(t.clone());
            }
        }
        Ok(out)
    }

    /// The scheme for a standard.
    async fn scheme_for(
        &self,
        standard: &StandardId,
    ) -> Result<(Scheme, Vec<Indicator>), ServiceError> {
        if let Some((path, text)) = SCHEMES
            .iter()
            .find(|(_, text)| scheme_standard(text) == Some(standard.as_str()))
        {
            let indicators = self.store.list_indicators(standard).await?;
            return Ok((Scheme::parse(path, text, &indicators)?, indicators));
        }
        Err(ValidationError::new(
            "standard",
            Reason::no_scheme(standard, assessable_standards().join(", ")),
        )
        .into())
    }

    /// Assesses a city's data against the scheme for `standard`, for `year` (the latest with data by default).
    /// Outliers are judged against the other cities of the same region.
    pub async fn assess(
        &self,
        city: &CityId,
        standard: &StandardId,
        year: Option<&str>,
    ) -> Result<AssessmentReport, ServiceError> {
        let city = self.get_city(city).await?.city;
        let year = parse_year(year)?;
        let (scheme, indicators) = self.scheme_for(standard).await?;
        let observations = self.city_observations(&city.id).await?;

        let in_standard: HashSet<&IndicatorId> = indicators.iter().map(|i| &i.id).collect();
        let mut equivalents: HashMap<IndicatorId, Vec<IndicatorId>> = HashMap::new();
        for entry in self
            .all_crosswalk()
            .await?
            .into_iter()
            .filter(|e| e.relation == Relation::Equivalent)
        {
            match (
                in_standard.contains(&entry.from),
                in_standard.contains(&entry.to),
            ) {
                (true, false) => equivalents.entry(entry.from).or_default().push(entry.to),
                (false, true) => equivalents.entry(entry.to).or_default().push(entry.from),
                _ => {}
            }
        }

        let state = self.panel(Values::All).await?;
        let region = state.facts.get(&city.id).map(|f| f.region.clone());
        let mut peers: HashMap<(IndicatorId, i32), Vec<f64>> = HashMap::new();
        for o in &observations {
            let key = (o.indicator_id.clone(), o.year);
            if peers.contains_key(&key) {
                continue;
            }
            let values = state
                .panel
                .values(&o.indicator_id, o.year)
                .filter(|(c, _)| {
                    *c != &city.id && state.facts.get(*c).map(|f| &f.region) == region.as_ref()
                })
                .map(|(_, v)| v)
                .collect();
            peers.insert(key, values);
        }
        let current_year = time::OffsetDateTime::now_utc().year();
        let assessment = assessment::assess(&assessment::Input {
            scheme: &scheme,
            indicators: &indicators,
            observations: &observations,
            equivalents: &equivalents,
            peers: &peers,
            year,
            current_year,
        });
        let indicators = indicators.into_iter().map(|i| (i.id.clone(), i)).collect();
        Ok(AssessmentReport {
            city,
            scheme,
            indicators,
            assessment,
        })
    }
}

fn parse_year(raw: Option<&str>) -> Result<Option<i32>, ServiceError> {
    raw.map(str::trim)
        .filter(|y| !y.is_empty())
        .map(|y| {
            y.parse::<i32>()
                .ok()
                .filter(|y| mitra_domain::observation::YEARS.contains(y))
                .ok_or_else(|| {
                    ValidationError::new("year", Reason::not_a_year(mitra_domain::ids::clip(y)))
                })
        })
        .transpose()
        .map_err(Into::into)
}

impl Mitra {
    /// A platform admin sets a city's development tier (one of the tier file's ids), or clears it with `None` so
    /// that the derived tier applies again.
    pub async fn set_city_tier(
        &self,
        actor: &mitra_domain::Actor,
        city: &CityId,
        tier: Option<&str>,
    ) -> Result<(), ServiceError> {
        let admin = actor.platform_admin()?;
        let city = self.get_city(city).await?.city;
        let tier = tier.map(str::trim).filter(|t| !t.is_empty());
        if let Some(tier) = tier
            && tiers()?.find(tier).is_none()
        {
            return Err(ValidationError::new(
                "tier",
                Reason::not_one_of(mitra_domain::ids::clip(tier), tier_ids().join(", ")),
            )
            .into());
        }
        self.store
            .set_city_tier(&city.id, tier, admin.stamp())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scheme_fits_its_standard_and_the_tier_files_parse() {
        let data = crate::reference::parse_shipped().unwrap_or_else(|e| panic!("{e}"));
        for (path, text) in SCHEMES {
            let standard = scheme_standard(text).expect("a standard line");
            let indicators: Vec<Indicator> = data
                .indicators
                .iter()
                .filter(|i| i.standard_id.as_str() == standard)
                .cloned()
                .collect();
            assert!(
                !indicators.is_empty(),
                "{path}: unknown standard {standard}"
            );
            Scheme::parse(path, text, &indicators).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(assessable_standards(), ["iso37120-2014", "u4ssc"]);
        let tiers = tiers().unwrap_or_else(|e| panic!("{e}"));
        for country in &data.countries {
            assert!(
                tiers.income_group(&country.code).is_some(),
                "{} has no income group",
                country.code
            );
        }
    }
}

/// A city's localized profile.
#[derive(Debug, Clone)]
pub struct CityProfile {
    /// The development tier it is measured in, if known.
    pub tier: Option<String>,
    /// The focus areas the city declared priorities in its 2018 Smart City Action Plan (ids).
    pub priorities: Vec<String>,
    /// The focus areas with their names, in published order, and the median score of the tier's other cities.
    pub areas: Vec<(mitra_domain::profile::AreaScore, String, Option<f64>)>,
    /// The weighted overall score.
    pub overall: Option<f64>,
    /// How many of the applicable indicators the scores rest on.
    pub rated: usize,
    /// How many indicators apply to the city's tier.
    pub applicable: usize,
    /// Whether the score rests on too few of them to be more than provisional.
    pub provisional: bool,
    /// Which values it is computed on.
    pub values: Values,
}

/// The focus areas each ASCN pilot city declared in its 2018 Smart City Action Plan, by Mitra city id: the ASCN
/// focus-area names found in the plan's own headings (cities that used other headings have none).
fn declared_priorities(
    cities: &HashMap<CityId, CityFacts>,
    focus_areas: &[mitra_domain::FocusArea],
) -> HashMap<CityId, Vec<String>> {
    let aliases = file("cities/city_aliases.csv");
    let by_alias: HashMap<String, String> = csv::Reader::from_reader(aliases.as_bytes())
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| Some((r.get(1)?.to_lowercase(), r.get(3)?.to_owned())))
        .collect();
    let by_name: HashMap<String, &CityId> = cities
        .iter()
        .map(|(id, f)| (f.name_en.to_lowercase(), id))
        .collect();
    let plans = file("initiatives/ascn_city_priorities.csv");
    let mut out = HashMap::new();
    let mut reader = csv::Reader::from_reader(plans.as_bytes());
    for record in reader.records().filter_map(Result::ok) {
        let (Some(name), Some(text)) = (record.get(0), record.get(2)) else {
            continue;
        };
        let name = name.to_lowercase();
        let id = by_name
            .get(&name)
            .map(|id| (*id).clone())
            .or_else(|| by_alias.get(&name).and_then(|id| CityId::parse(id).ok()));
        let Some(id) = id else { continue };
        out.insert(
            id,
            mitra_domain::reference::declared_focus_areas(text, focus_areas),
        );
    }
    out
}

impl Mitra {
    /// A city's localized profile: the indicators that apply to its tier, grouped by focus area, weighted by its
    /// declared priorities and scored by its percentile ranks within its tier; with the tier's median per area.
    pub async fn city_profile(
        &self,
        city: &CityId,
        values: Values,
    ) -> Result<CityProfile, ServiceError> {
        use mitra_domain::profile::score;
        let state = self.panel(values).await?;
        let Some(facts) = state.facts.get(city) else {
            return Err(ServiceError::NotFound {
                entity: "city",
                id: city.to_string(),
            });
        };
        let ProfileContext {
            rules,
            focus_areas,
            indicators,
            priorities,
        } = &state.profiles;
        let area_ids: Vec<String> = focus_areas.iter().map(|a| a.id.clone()).collect();
        let ranks = state.ranks(Grouping::Tier);
        let latest_rank = |c: &CityId, id: &IndicatorId| {
            let (year, _) = state.panel.series(c, id).last().copied()?;
            state.panel.rank_of(ranks, c, id, year)
        };
        let priorities = priorities.get(city).cloned().unwrap_or_default();
        let tier = facts.tier.clone();
        let profile = score(
            rules,
            indicators,
            &area_ids,
            tier.as_deref(),
            &priorities,
            |id| latest_rank(city, id),
        );
        // The tier's other cities, scored the same way (their weights do not change area scores).
        let peers: Vec<mitra_domain::profile::Profile> = state
            .facts
            .iter()
            .filter(|(c, f)| *c != city && tier.is_some() && f.tier == tier)
            .filter(|(c, _)| state.panel.city_number(c).is_some())
            .map(|(c, _)| {
                score(rules, indicators, &area_ids, tier.as_deref(), &[], |id| {
                    latest_rank(c, id)
                })
            })
            .collect();
        let provisional = profile.is_provisional(self.analytics.provisional_below);
        let (rated, applicable) = (profile.rated, profile.applicable);
        let areas = profile
            .areas
            .into_iter()
            .enumerate()
            .map(|(n, area)| {
                let mut scores: Vec<f64> = peers.iter().filter_map(|p| p.areas[n].score).collect();
                let median = (scores.len() >= self.analytics.min_group_size)
                    .then(|| mitra_domain::panel::median(&mut scores))
                    .flatten();
                let name = focus_areas
                    .iter()
                    .find(|a| a.id == area.focus_area)
                    .map_or(String::new(), |a| a.name_en.clone());
                (area, name, median)
            })
            .collect();
        Ok(CityProfile {
            tier,
            priorities,
            areas,
            overall: profile.overall,
            rated,
            applicable,
            provisional,
            values,
        })
    }
}
