//! Finding cities: the filtered, paged list, one city with its population series, and every city for the map.

use mitra_domain::peers::Grouping;
use mitra_domain::{City, CityFilter, CityId, Country, PageRequest, PopulationPoint};

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
    /// Page size.
    pub limit: Option<String>,
    /// Cursor from a previous page.
    pub cursor: Option<String>,
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
}

impl Mitra {
    /// One page of the cities matching the query; a bad parameter is a validation error naming it.
    pub async fn list_cities(&self, query: &CityListQuery) -> Result<CityPage, ServiceError> {
        let filter = CityFilter::parse(
            query.country.as_deref(),
            query.network.as_deref(),
            query.q.as_deref(),
        )?;
        let page = PageRequest::parse(query.limit.as_deref(), query.cursor.as_deref())?;
        let mut cities = self.store.list_cities(&filter, &page.probe()).await?;
        let next_cursor = page.finish(&mut cities, |c| c.id.to_string());
        let total = self.store.count_cities(&filter).await?;
        Ok(CityPage {
            cities,
            next_cursor,
            total,
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
        Ok(CityOverview {
            detail,
            benchmarks,
            profile,
        })
    }
}
