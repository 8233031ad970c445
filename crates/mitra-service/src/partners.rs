//! City partnerships as far as they are built: the recorded sister-city ties shipped with Mitra (Wikipedia's lists,
//! each side matched to Mitra's cities or given an explicit outcome, never guessed) and explained partner
//! recommendations for a city — candidates strong where it is weak on its declared priorities, in a comparable
//! context, discounted when a tie already exists. The scoring is the domain's ([`mitra_domain::partners`]); this
//! module fills each city's profile from the peer percentiles (verified values), its declared priorities, its
//! documented practices and its local language.

use std::collections::BTreeMap;
use std::sync::Arc;

use mitra_domain::partners::{
    PairFilter, PartnerMatch, PartnerOptions, PartnerProfile, Standing, recommend_partners,
};
use mitra_domain::partnership::PartnershipStatus;
use mitra_domain::reference::{PartnershipFiles, PartnershipReport, RecordedTie};
use mitra_domain::{City, CityFilter, CityId, EntryKind};
use time::Date;
use tokio::sync::OnceCell;

use crate::{Mitra, ServiceError};

/// Recommendations for one city, and the ties it already has.
#[derive(Debug, Clone)]
pub struct PartnerRecommendations {
    /// Candidates, best first.
    pub matches: Vec<PartnerMatch>,
    /// The cities it has a recorded tie with, and the line of the shipped file that records it.
    pub ties: Vec<(CityId, u64)>,
}

/// The recorded ties, read once.
#[derive(Debug, Default)]
pub(crate) struct TiesState(OnceCell<Arc<PartnershipReport>>);

/// How many recommendations a city gets.
const PARTNER_LIMIT: usize = 10;

impl Mitra {
    /// The sister-city ties shipped in `data/partnerships/`, each side matched to Mitra's cities or given its
    /// outcome (a province, a city Mitra does not list, a name several cities share).
    pub async fn recorded_ties(&self) -> Result<Arc<PartnershipReport>, ServiceError> {
        let report = self
            .ties
            .0
            .get_or_try_init(|| async {
                let cities: Vec<City> = self.all_cities(&CityFilter::default()).await?;
                let countries = self.store.list_countries().await?;
                let report = mitra_domain::reference::parse_partnerships(
                    &PartnershipFiles {
                        pairs: (
                            "partnerships/twin_cities_asean_china.csv",
                            include_str!("../../../data/partnerships/twin_cities_asean_china.csv"),
                        ),
                        aliases: (
                            "cities/city_aliases.csv",
                            crate::reference::file("cities/city_aliases.csv"),
                        ),
                        places: (
                            "initiatives/place_names.csv",
                            include_str!("../../../data/initiatives/place_names.csv"),
                        ),
                    },
                    &cities,
                    &countries,
                )
                .map_err(|e| {
                    ServiceError::Internal(anyhow::anyhow!("shipped partnerships: {e}"))
                })?;
                Ok::<_, ServiceError>(Arc::new(report))
            })
            .await?;
        Ok(report.clone())
    }

    /// Partners recommended for city `id` among the pairs `filter` allows, each explained, with the ties it has.
    pub async fn city_partners(
        &self,
        id: &CityId,
        filter: PairFilter,
        today: Date,
    ) -> Result<PartnerRecommendations, ServiceError> {
        let ties = self.recorded_ties().await?;
        let profiles = self.partner_profiles(today).await?;
        let Some(city) = profiles.iter().find(|p| &p.facts.id == id) else {
            return Err(ServiceError::NotFound {
                entity: "city",
                id: id.to_string(),
            });
        };
        let focus_areas = self.store.list_focus_areas().await?;
        let options = PartnerOptions {
            filter,
            min_group_size: u32::try_from(self.analytics_settings().min_group_size)
                .unwrap_or(u32::MAX),
            limit: PARTNER_LIMIT,
        };
        // A tie is any signed partnership of the pair that has not ended: a recorded sister-city tie (loaded as a
        // partnership), or one signed in Mitra, active or dormant.
        let going = self
            .store
            .list_partnerships(&mitra_store::PartnershipFilter {
                statuses: vec![
                    PartnershipStatus::Signed,
                    PartnershipStatus::Active,
                    PartnershipStatus::Dormant,
                ],
                limit: u32::MAX,
                ..mitra_store::PartnershipFilter::default()
            })
            .await?
            .0;
        let signed: Vec<RecordedTie> = going
            .iter()
            .map(|p| RecordedTie::new(p.proposer.clone(), p.invited.clone(), 0))
            .collect();
        let matches = recommend_partners(city, &profiles, &signed, &focus_areas, &options);
        let mut own: Vec<(CityId, u64)> = ties
            .ties
            .iter()
            .filter_map(|t: &RecordedTie| {
                if &t.a == id {
                    Some((t.b.clone(), t.line))
                } else if &t.b == id {
                    Some((t.a.clone(), t.line))
                } else {
                    None
                }
            })
            .collect();
        own.sort();
        Ok(PartnerRecommendations { matches, ties: own })
    }

    /// Every city's partner profile, built with the matching inputs and kept as long as they are.
    async fn partner_profiles(
        &self,
        today: Date,
    ) -> Result<Arc<Vec<PartnerProfile>>, ServiceError> {
        let prepared = self.prepared(today).await?;
        if let Some(profiles) = prepared.partner_profiles.get() {
            return Ok(profiles.clone());
        }
        let places = self.places().await?;
        // Documented practices per city and focus area.
        let mut practices: BTreeMap<&CityId, BTreeMap<String, u32>> = BTreeMap::new();
        for listing in prepared.shelf().of_kind(EntryKind::Practice) {
            for city in &listing.stored.entry.cities {
                let counts = practices.entry(city).or_default();
                for area in &listing.stored.entry.focus_areas {
                    *counts.entry(area.clone()).or_default() += 1;
                }
            }
        }
        let profiles: Vec<PartnerProfile> = prepared
            .contexts()
            .iter()
            .map(|context| {
                let id = &context.city.id;
                let city = places.cities.get(id);
                PartnerProfile {
                    facts: context.city.clone(),
                    name: city.map_or_else(|| id.to_string(), |c| c.name_en.clone()),
                    language: city
                        .and_then(|c| c.name_local.as_ref())
                        .map(|(_, lang)| lang.clone()),
                    coast_km: crate::cities::coast_distances().km(id),
                    // The priorities matching reads: those the city declared, then its projects'.
                    priorities: context.focus_areas.clone(),
                    standings: prepared
                        .ranked(id)
                        .iter()
                        .map(|(indicator, percentile, size)| Standing {
                            focus_area: prepared
                                .panel()
                                .theme_focus_area(indicator)
                                .map(str::to_owned),
                            title: indicator.title_en.clone(),
                            indicator: indicator.id.clone(),
                            percentile: *percentile,
                            group_size: u32::try_from(*size).unwrap_or(u32::MAX),
                            // The panel matching reads is of verified values only.
                            verified: true,
                        })
                        .collect(),
                    practices: practices.remove(id).unwrap_or_default(),
                }
            })
            .collect();
        let profiles = Arc::new(profiles);
        Ok(prepared
            .partner_profiles
            .get_or_init(|| profiles.clone())
            .clone())
    }
}
