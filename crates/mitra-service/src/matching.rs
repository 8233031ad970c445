//! Explained matching over every city and every approved opportunity: a city's needs to solutions and practices
//! and to training, a project to the funding calls it may apply to, a solution to the cities and projects that need
//! it. The scoring is the domain's ([`mitra_domain::matching`]); this module gathers its inputs — each city's
//! comparability facts, declared priorities, the challenges its projects and practices name, and its honest gaps
//! (indicators below its region's median, ranked among enough peers, verified values only) — and keeps them
//! prepared until an entry or an observation changes or the day does.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use mitra_domain::matching::{self, CityContext, CityFacts, Gap, Match, Opportunity, Region};
use mitra_domain::peers::Grouping;
use mitra_domain::{CityId, EntryId, EntryKind};
use time::Date;

use crate::analytics::PanelState;
use crate::listings::{Shelf, fx_rates};
use crate::{Mitra, ServiceError, Values};

/// Results of each list.
pub const MATCH_LIMIT: usize = 10;
/// The peer grouping gaps are measured in: the city's region, as its page shows it.
pub(crate) const GAP_GROUPING: Grouping = Grouping::Region;
/// A value counts as a gap below this percentile of its peer group (its median).
const GAP_BELOW: f64 = 50.0;

/// Everything matching reads, prepared once per state of the entries, the observations and the day.
#[derive(Debug)]
pub(crate) struct Prepared {
    shelf: Arc<Shelf>,
    panel: Arc<PanelState>,
    today: Date,
    /// Every city's context, by id.
    contexts: Vec<CityContext>,
    /// Practices and solutions.
    offers: Vec<Opportunity>,
    calls: Vec<Opportunity>,
    projects: Vec<Opportunity>,
    trainings: Vec<Opportunity>,
    /// Every city's latest ranked value of each indicator in its region: (indicator, percentile, group size).
    ranked: std::collections::HashMap<CityId, Vec<(mitra_domain::Indicator, f64, usize)>>,
    /// Every city's partner profile, made when first asked for.
    pub(crate) partner_profiles:
        std::sync::OnceLock<Arc<Vec<mitra_domain::partners::PartnerProfile>>>,
}

impl Prepared {
    /// The approved entries these inputs were made from.
    pub(crate) fn shelf(&self) -> &Shelf {
        &self.shelf
    }

    /// The panel of verified values the gaps were read from.
    pub(crate) fn panel(&self) -> &PanelState {
        &self.panel
    }

    /// Every city's context, by id.
    pub(crate) fn contexts(&self) -> &[CityContext] {
        &self.contexts
    }

    /// City `id`'s latest ranked values in its region: (indicator, percentile, group size).
    pub(crate) fn ranked(&self, id: &CityId) -> &[(mitra_domain::Indicator, f64, usize)] {
        self.ranked.get(id).map_or(&[], Vec::as_slice)
    }
}

/// The prepared inputs, shared.
#[derive(Default)]
pub(crate) struct MatchingState(crate::refreshing::Refreshing<Prepared>);

/// A city's needs and what answers them.
#[derive(Debug, Clone)]
pub struct CityMatches {
    /// What the city needs, as matched.
    pub context: CityContext,
    /// Solutions and practices, best first.
    pub offers: Vec<Match>,
    /// Training programmes, best first.
    pub training: Vec<Match>,
    /// The entries named, to title and link them.
    pub shelf: Arc<Shelf>,
}

/// What an entry matches: funding calls for a project; cities and projects for a solution.
#[derive(Debug, Clone)]
pub struct EntryMatches {
    /// The entry's kind.
    pub kind: EntryKind,
    /// Funding calls (for a project) or projects (for a solution), best first.
    pub entries: Vec<Match>,
    /// Cities (for a solution), best first.
    pub cities: Vec<Match<CityId>>,
    /// The entries named, to title and link them.
    pub shelf: Arc<Shelf>,
}

impl Mitra {
    pub(crate) async fn prepared(&self, today: Date) -> Result<Arc<Prepared>, ServiceError> {
        let shelf = self.shelf().await?;
        let panel = self.panel(Values::Verified).await?;
        let all = self.panel(Values::All).await?;
        let held = self.matching.0.held();
        if let Some(p) = &held
            && Arc::ptr_eq(&p.shelf, &shelf)
            && Arc::ptr_eq(&p.panel, &panel)
            && p.today == today
        {
            return Ok(p.clone());
        }
        self.matching
            .0
            .rebuilt(held, || self.prepare(shelf, panel, all, today))
            .await
    }

    /// Matching's inputs, prepared from `shelf` and the panels of verified and of all values.
    async fn prepare(
        &self,
        shelf: Arc<Shelf>,
        panel: Arc<PanelState>,
        all: Arc<PanelState>,
        today: Date,
    ) -> Result<Prepared, ServiceError> {
        let places = self.places().await?;
        let min_group = self.analytics_settings().min_group_size;
        let facts: BTreeMap<CityId, CityFacts> = places
            .cities
            .values()
            .map(|city| {
                let known = all.facts.get(&city.id);
                let region = known.and_then(|f| Region::parse(&f.region)).unwrap_or(
                    if city.country.as_str() == "CN" {
                        Region::China
                    } else {
                        Region::Asean
                    },
                );
                (
                    city.id.clone(),
                    CityFacts {
                        id: city.id.clone(),
                        country: city.country,
                        region,
                        band: known.and_then(|f| f.band),
                        tier: known.and_then(|f| f.tier.clone()),
                        latitude: Some(city.location.latitude),
                    },
                )
            })
            .collect();
        let needs = self.all_city_needs().await?;
        let ranked = panel.ranked_latest(GAP_GROUPING);
        let contexts: Vec<CityContext> = facts
            .iter()
            .map(|(id, f)| {
                let declared = needs.get(id);
                let gaps = ranked
                    .get(id)
                    .into_iter()
                    .flatten()
                    .filter(|(_, percentile, _)| *percentile < GAP_BELOW)
                    .map(|(indicator, percentile, size)| Gap {
                        focus_area: panel.theme_focus_area(indicator).map(str::to_owned),
                        title: indicator.title_en.clone(),
                        indicator: indicator.id.clone(),
                        percentile: *percentile,
                        group_size: u32::try_from(*size).unwrap_or(u32::MAX),
                    });
                let mut gaps =
                    matching::honest_gaps(gaps, u32::try_from(min_group).unwrap_or(u32::MAX));
                gaps.sort_by(|a, b| {
                    a.percentile
                        .total_cmp(&b.percentile)
                        .then_with(|| a.indicator.cmp(&b.indicator))
                });
                CityContext {
                    city: f.clone(),
                    focus_areas: declared
                        .map(|n| n.focus_areas.iter().cloned().collect())
                        .unwrap_or_default(),
                    challenges: declared.map(|n| n.challenges.clone()).unwrap_or_default(),
                    gaps,
                }
            })
            .collect();
        let fx = fx_rates()?;
        let to_usd = |m: &mitra_domain::entry::Money| fx.to_usd(m);
        let (mut offers, mut calls, mut projects, mut trainings) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for listing in shelf.entries.values() {
            let entry = &listing.stored.entry;
            let item = Opportunity::from_entry(
                entry,
                entry
                    .text_for(mitra_domain::ContentLanguage::En)
                    .title
                    .clone(),
                &facts,
                &to_usd,
            );
            match entry.kind() {
                EntryKind::Practice | EntryKind::Solution => offers.push(item),
                EntryKind::Funding => calls.push(item),
                EntryKind::Project => projects.push(item),
                EntryKind::Training => trainings.push(item),
                _ => {}
            }
        }
        Ok(Prepared {
            shelf,
            panel,
            today,
            contexts,
            offers,
            calls,
            projects,
            trainings,
            ranked,
            partner_profiles: std::sync::OnceLock::new(),
        })
    }

    /// What answers city `id`'s needs on `today`: solutions and practices that worked in comparable cities, and
    /// training for its gaps, each with its reasons.
    pub async fn city_matches(
        &self,
        id: &CityId,
        today: Date,
    ) -> Result<CityMatches, ServiceError> {
        let p = self.prepared(today).await?;
        let Some(context) = p.contexts.iter().find(|c| &c.city.id == id) else {
            return Err(ServiceError::NotFound {
                entity: "city",
                id: id.to_string(),
            });
        };
        Ok(CityMatches {
            offers: matching::city::match_city_needs(context, &p.offers, MATCH_LIMIT),
            training: matching::training::match_trainings(
                context,
                &p.trainings,
                today,
                MATCH_LIMIT,
            ),
            context: context.clone(),
            shelf: p.shelf.clone(),
        })
    }

    /// What entry `id` matches on `today`: the funding calls a project may apply to, or the cities and projects a
    /// solution could serve. Other kinds are not matched; an entry that is not approved is not found.
    pub async fn entry_matches(
        &self,
        id: &EntryId,
        today: Date,
    ) -> Result<EntryMatches, ServiceError> {
        let p = self.prepared(today).await?;
        let not_found = || ServiceError::NotFound {
            entity: "entry",
            id: id.to_string(),
        };
        let kind = p
            .shelf
            .entries
            .get(id)
            .ok_or_else(not_found)?
            .stored
            .entry
            .kind();
        let (entries, cities) = match kind {
            EntryKind::Project => {
                let project = p
                    .projects
                    .iter()
                    .find(|o| &o.id == id)
                    .ok_or_else(not_found)?;
                let index = matching::funding::FundingIndex::new(&p.calls, today);
                (index.match_project(project, MATCH_LIMIT), Vec::new())
            }
            EntryKind::Solution => {
                let solution = p
                    .offers
                    .iter()
                    .find(|o| &o.id == id)
                    .ok_or_else(not_found)?;
                (
                    matching::provider::match_solution_to_projects(
                        solution,
                        &p.projects,
                        MATCH_LIMIT,
                    ),
                    matching::provider::match_solution_to_cities(
                        solution,
                        &p.contexts,
                        MATCH_LIMIT,
                    ),
                )
            }
            _ => {
                return Err(ServiceError::NotFound {
                    entity: "project or solution",
                    id: id.to_string(),
                });
            }
        };
        Ok(EntryMatches {
            kind,
            entries,
            cities,
            shelf: p.shelf.clone(),
        })
    }

    /// The number of cities and opportunities matching runs over, for tests and the status line.
    pub async fn matching_scope(&self, today: Date) -> Result<(usize, usize), ServiceError> {
        let p = self.prepared(today).await?;
        let items: BTreeSet<&EntryId> = p
            .offers
            .iter()
            .chain(&p.calls)
            .chain(&p.projects)
            .chain(&p.trainings)
            .map(|o| &o.id)
            .collect();
        Ok((p.contexts.len(), items.len()))
    }
}
