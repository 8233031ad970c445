//! Finding cities: the filtered, paged list, one city with its population series, and every city for the map.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::reference::parsed_once;
use mitra_domain::entry::{Challenge, Details};
use mitra_domain::peers::Grouping;
use mitra_domain::reference::{
    CityNames, CoastDistances, CountryNames, parse_city_names, parse_coast_distances,
    parse_country_names,
};
use mitra_domain::{City, CityFilter, CityId, Country, EntryKind, PageRequest, PopulationPoint};

use crate::{Mitra, ServiceError};

/// The raw parameters of a city list, as a query string or command line gives them.
#[derive(Debug, Clone, Default)]
pub struct CityListQuery {
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Network id.
    pub network: Option<String>,
    /// Part of the name.
    pub q: Option<String>,
    /// A focus area the city declared a priority (id).
    pub focus_area: Option<String>,
    /// A challenge the city's projects or practices name (tag).
    pub challenge: Option<String>,
    /// Page size.
    pub limit: Option<String>,
    /// Cursor from a previous page.
    pub cursor: Option<String>,
}

/// A city list's parameters, checked: the store's filter, and the focus area and challenge the cities' needs must
/// have, when either is asked.
struct CheckedCityQuery {
    filter: CityFilter,
    needs: Option<(Option<String>, Option<Challenge>)>,
}

/// One page of cities.
#[derive(Debug, Clone)]
pub struct CityPage {
    /// The cities on this page, by id.
    pub cities: Vec<City>,
    /// The cursor for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
    /// How many cities match the filter in all.
    pub total: u64,
}

/// A city with its country and population series.
#[derive(Debug, Clone)]
pub struct CityDetail {
    /// The city.
    pub city: City,
    /// Its country.
    pub country: Option<Country>,
    /// Its population series, oldest first.
    pub populations: Vec<PopulationPoint>,
    /// The distance from its point to the sea coast in kilometres, when known ([`coast_distances`]).
    pub coast_km: Option<f64>,
}

/// The countries' names in the interface languages other than English and Chinese (`data/country_names.csv`, from
/// Unicode CLDR 49), read once.
pub fn country_names() -> &'static CountryNames {
    parsed_once!(CountryNames, "country_names.csv", parse_country_names)
}

/// The cities' names in the interface languages, with source and licence (`data/cities/city_names.csv`), read once.
pub fn city_names() -> &'static CityNames {
    parsed_once!(CityNames, "cities/city_names.csv", parse_city_names)
}

/// The provinces' names in the interface languages (`data/cities/province_names.csv`), read once.
pub fn province_names() -> &'static mitra_domain::reference::ProvinceNames {
    parsed_once!(
        mitra_domain::reference::ProvinceNames,
        "cities/province_names.csv",
        mitra_domain::reference::parse_province_names
    )
}

/// The shipped distances of the cities to the sea coast (`data/cities/city_coast.csv`), read once; a city loaded
/// from elsewhere has none.
pub fn coast_distances() -> &'static CoastDistances {
    parsed_once!(
        CoastDistances,
        "cities/city_coast.csv",
        parse_coast_distances
    )
}

impl Mitra {
    /// One page of the cities matching the query, by id; a bad parameter is a validation error naming it.
    pub async fn list_cities(&self, query: &CityListQuery) -> Result<CityPage, ServiceError> {
        let page = PageRequest::parse(query.limit.as_deref(), query.cursor.as_deref())?;
        let checked = self.city_query(query).await?;
        if checked.needs.is_some() {
            // Cities with needs are few (those with declared priorities, projects or practices): filter them in
            // memory and page the same way the store does, by id after the cursor.
            let mut cities = self.cities_of(&checked).await?;
            let total = cities.len() as u64;
            let probe = page.probe();
            cities.retain(|c| {
                probe
                    .after
                    .as_deref()
                    .is_none_or(|after| c.id.as_str() > after)
            });
            cities.truncate(probe.limit as usize);
            let next_cursor = page.finish(&mut cities, |c| c.id.to_string());
            return Ok(CityPage {
                cities,
                next_cursor,
                total,
            });
        }
        let mut cities = self
            .store
            .list_cities(&checked.filter, &page.probe())
            .await?;
        let next_cursor = page.finish(&mut cities, |c| c.id.to_string());
        let total = self.store.count_cities(&checked.filter).await?;
        Ok(CityPage {
            cities,
            next_cursor,
            total,
        })
    }

    /// Every city matching the query (its page and cursor aside), by id: for a list sorted by the reader's
    /// language.
    pub async fn cities_matching(&self, query: &CityListQuery) -> Result<Vec<City>, ServiceError> {
        let checked = self.city_query(query).await?;
        self.cities_of(&checked).await
    }

    /// Every city a checked query matches, by id.
    async fn cities_of(&self, checked: &CheckedCityQuery) -> Result<Vec<City>, ServiceError> {
        let mut cities = self.all_cities(&checked.filter).await?;
        if let Some((focus, challenge)) = &checked.needs {
            let needs = self.all_city_needs().await?;
            cities.retain(|c| {
                needs.get(&c.id).is_some_and(|n| {
                    focus
                        .as_ref()
                        .is_none_or(|f| n.focus_areas.iter().any(|a| a == f))
                        && challenge.is_none_or(|ch| n.challenges.contains(&ch))
                })
            });
        }
        cities.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(cities)
    }

    /// The checked filter of a city list, and the focus area and challenge asked for when either is (a focus area
    /// is checked against the catalogue here, once).
    async fn city_query(&self, query: &CityListQuery) -> Result<CheckedCityQuery, ServiceError> {
        let filter = CityFilter::parse(
            query.country.as_deref(),
            query.network.as_deref(),
            query.q.as_deref(),
        )?;
        let focus = query
            .focus_area
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty());
        let challenge = query
            .challenge
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(Challenge::parse)
            .transpose()?;
        if focus.is_none() && challenge.is_none() {
            return Ok(CheckedCityQuery {
                filter,
                needs: None,
            });
        }
        self.check_focus_areas(focus.into_iter()).await?;
        Ok(CheckedCityQuery {
            filter,
            needs: Some((focus.map(str::to_owned), challenge)),
        })
    }

    /// Every city matching `filter`, for the map and the GeoJSON export.
    pub async fn all_cities(&self, filter: &CityFilter) -> Result<Vec<City>, ServiceError> {
        crate::all_pages(
            |page| async move { self.store.list_cities(filter, &page).await },
            |c| c.id.to_string(),
        )
        .await
    }

    /// One city by id, with its country and population series.
    pub async fn get_city(&self, id: &CityId) -> Result<CityDetail, ServiceError> {
        let city = self.store.find_city(id).await?;
        let populations = self.store.list_city_populations(id).await?;
        let country = self
            .store
            .list_countries()
            .await?
            .into_iter()
            .find(|c| c.code == city.country);
        Ok(CityDetail {
            coast_km: coast_distances().km(&city.id),
            city,
            country,
            populations,
        })
    }

    /// Every country Mitra covers.
    pub async fn list_countries(&self) -> Result<Vec<Country>, ServiceError> {
        Ok(self.store.list_countries().await?)
    }
}

/// A city with everything its page shows, read in one call.
#[derive(Debug, Clone)]
pub struct CityOverview {
    /// The city, its country and population series.
    pub detail: CityDetail,
    /// The city against its region's peers on each indicator.
    pub benchmarks: crate::CityBenchmarks,
    /// Its localized profile.
    pub profile: crate::CityProfile,
    /// What it declares it needs, and the entries about it.
    pub needs: CityNeeds,
}

/// What a city declares it needs and what Mitra holds about it: its priorities, the challenges its projects and
/// practices name, its projects with their needs, and how many approved entries of each kind concern it.
#[derive(Debug, Clone, Default)]
pub struct CityNeeds {
    /// Focus areas (ids): those its 2018 Smart City Action Plan declared, then those of its projects.
    pub focus_areas: Vec<String>,
    /// Challenges its projects and practices name.
    pub challenges: BTreeSet<Challenge>,
    /// Its projects, newest change first.
    pub projects: Vec<Arc<crate::Listing>>,
    /// Approved entries concerning it, by kind.
    pub counts: BTreeMap<EntryKind, usize>,
}

impl CityNeeds {
    /// Whether it declares anything at all.
    pub fn is_empty(&self) -> bool {
        self.focus_areas.is_empty() && self.challenges.is_empty() && self.projects.is_empty()
    }
}

impl Mitra {
    /// City `id` with its regional benchmarks and profile, both compared on `values`.
    pub async fn city_overview(
        &self,
        id: &CityId,
        values: crate::Values,
    ) -> Result<CityOverview, ServiceError> {
        let detail = self.get_city(id).await?;
        let benchmarks = self
            .city_benchmarks(&detail.city.id, Grouping::Region, values)
            .await?;
        let profile = self.city_profile(&detail.city.id, values).await?;
        let needs = self
            .all_city_needs()
            .await?
            .get(&detail.city.id)
            .cloned()
            .unwrap_or_default();
        Ok(CityOverview {
            detail,
            benchmarks,
            profile,
            needs,
        })
    }

    /// Every city's needs that has any, or entries about it; kept until an entry or an observation changes.
    pub async fn all_city_needs(&self) -> Result<Arc<BTreeMap<CityId, CityNeeds>>, ServiceError> {
        let panel = self.panel(crate::Values::All).await?;
        let shelf = self.shelf().await?;
        let held = self.needs.held();
        if let Some((seen_shelf, seen_panel, needs)) = held.as_deref()
            && Arc::ptr_eq(seen_shelf, &shelf)
            && Arc::ptr_eq(seen_panel, &panel)
        {
            return Ok(needs.clone());
        }
        let built = self
            .needs
            .rebuilt(held, || async {
                let needs = Arc::new(city_needs(&shelf, &panel));
                Ok((shelf.clone(), panel.clone(), needs))
            })
            .await?;
        Ok(built.2.clone())
    }
}

/// The needs of every city, with the shelf and panel they were computed from.
pub(crate) type NeedsCache = (
    Arc<crate::Shelf>,
    Arc<crate::PanelState>,
    Arc<BTreeMap<CityId, CityNeeds>>,
);

/// Every city's needs from the approved entries and the declared priorities.
fn city_needs(shelf: &crate::Shelf, panel: &crate::PanelState) -> BTreeMap<CityId, CityNeeds> {
    let mut out: BTreeMap<CityId, CityNeeds> = BTreeMap::new();
    for (city, areas) in panel.declared_priorities() {
        out.entry(city.clone())
            .or_default()
            .focus_areas
            .extend(areas.iter().cloned());
    }
    for listing in shelf.entries.values() {
        let entry = &listing.stored.entry;
        for city in &entry.cities {
            let needs = out.entry(city.clone()).or_default();
            *needs.counts.entry(entry.kind()).or_default() += 1;
            match &entry.details {
                Details::Project { .. } => {
                    needs.projects.push(listing.clone());
                    needs.challenges.extend(entry.challenges.iter().copied());
                    for area in &entry.focus_areas {
                        if !needs.focus_areas.contains(area) {
                            needs.focus_areas.push(area.clone());
                        }
                    }
                }
                Details::Practice { .. } => {
                    needs.challenges.extend(entry.challenges.iter().copied());
                }
                _ => {}
            }
        }
    }
    for needs in out.values_mut() {
        needs.projects.sort_by(|a, b| {
            b.stored
                .updated_at
                .cmp(&a.stored.updated_at)
                .then_with(|| a.stored.entry.id.cmp(&b.stored.entry.id))
        });
    }
    out
}
