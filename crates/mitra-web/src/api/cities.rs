//! `/api/v1/cities`, `/api/v1/cities/{id}`, `/api/v1/cities.geojson` and `/api/v1/countries`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mitra_service::domain::reference::Coast;
use mitra_service::domain::{City, CityFilter, CityId, Country};
use mitra_service::{CityListQuery, Mitra};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::params;
use super::problems::{BadRequest, NotFound};
use super::{ApiQuery, LocalizedText};
use crate::error::ApiError;

/// Filters and paging of the city list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CityListParams {
    /// ISO 3166-1 alpha-2 country code, e.g. `TH`.
    #[param(value_type = Option<params::Country>, inline)]
    country: Option<String>,
    /// Network: `ascn-pilot-2018`, `ascn-2024`, `cn-partner`, or `ascn` for both ASCN cohorts.
    #[param(value_type = Option<params::NetworkFilter>, inline)]
    network: Option<String>,
    /// Part of the English or Chinese name.
    q: Option<String>,
    /// An ASCN focus area the city declared a priority, in its 2018 Smart City Action Plan or through its projects
    /// (`built_infrastructure`…).
    #[param(value_type = Option<params::FocusArea>, inline)]
    focus_area: Option<String>,
    /// One of the statement's challenges the city's projects or practices name (`air-pollution`…).
    #[param(value_type = Option<params::ChallengeTag>, inline)]
    challenge: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(value_type = Option<params::PageLimit>, inline)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<params::Cursor>, inline)]
    cursor: Option<String>,
}

/// Filters of the city map.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CityMapParams {
    /// ISO 3166-1 alpha-2 country code, e.g. `TH`.
    #[param(value_type = Option<params::Country>, inline)]
    country: Option<String>,
    /// Network: `ascn-pilot-2018`, `ascn-2024`, `cn-partner`, or `ascn` for both ASCN cohorts.
    #[param(value_type = Option<params::NetworkFilter>, inline)]
    network: Option<String>,
    /// Part of the English or Chinese name.
    q: Option<String>,
}

/// Coordinates in WGS 84 decimal degrees.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoordinatesResponse {
    latitude: f64,
    longitude: f64,
}

/// A population figure with its year (null when the source does not state one) and source.
#[derive(Debug, Serialize, ToSchema)]
pub struct PopulationResponse {
    count: u64,
    year: Option<i32>,
    source: String,
}

/// A city.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityResponse {
    /// Slug id, stable once published.
    id: String,
    /// Names by language tag (`en`, `zh-Hans`, and the local language where known).
    #[schema(value_type = Object, example = json!({"en": "Bangkok", "zh-Hans": "曼谷", "th": "กรุงเทพมหานคร"}))]
    name: LocalizedText,
    /// ISO 3166-1 alpha-2 country code.
    country: String,
    /// Province or state.
    admin1: Option<String>,
    coordinates: CoordinatesResponse,
    /// IANA time zone.
    timezone: String,
    population: Option<PopulationResponse>,
    /// Network ids.
    networks: Vec<String>,
}

impl From<&City> for CityResponse {
    fn from(c: &City) -> Self {
        let mut name = LocalizedText::from([("en".to_owned(), c.name_en.clone())]);
        if let Some(zh) = &c.name_zh {
            name.insert("zh-Hans".into(), zh.clone());
        }
        if let Some((local, tag)) = &c.name_local {
            name.insert(tag.clone(), local.clone());
        }
        Self {
            id: c.id.to_string(),
            name,
            country: c.country.to_string(),
            admin1: c.admin1.clone(),
            coordinates: CoordinatesResponse {
                latitude: c.location.latitude,
                longitude: c.location.longitude,
            },
            timezone: c.timezone.clone(),
            population: c.population.as_ref().map(|p| PopulationResponse {
                count: p.count,
                year: p.year,
                source: p.source.clone(),
            }),
            networks: c.networks.iter().map(|n| n.as_str().to_owned()).collect(),
        }
    }
}

/// One page of cities.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityListResponse {
    cities: Vec<CityResponse>,
    /// Pass as `cursor` to get the next page; null on the last page.
    next_cursor: Option<String>,
    /// How many cities match the filters in all.
    total: u64,
}

/// List cities, filtered by country, network, name, declared priority or challenge, ordered by id.
#[utoipa::path(get, path = "/api/v1/cities", tag = "cities", params(CityListParams),
    responses((status = 200, body = CityListResponse), (status = 400, response = BadRequest)))]
pub async fn list_cities(
    State(mitra): State<Mitra>,
    ApiQuery(params): ApiQuery<CityListParams>,
) -> Result<Json<CityListResponse>, ApiError> {
    let query = CityListQuery {
        country: params.country,
        network: params.network,
        q: params.q,
        focus_area: params.focus_area,
        challenge: params.challenge,
        limit: params.limit,
        cursor: params.cursor,
    };
    let page = mitra.list_cities(&query).await?;
    Ok(Json(CityListResponse {
        cities: page.cities.iter().map(CityResponse::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

/// One value of a population series.
#[derive(Debug, Serialize, ToSchema)]
pub struct PopulationPointResponse {
    year: i32,
    count: u64,
    /// `estimate` or `projection`.
    kind: String,
    source: String,
}

/// A city with its population series.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityDetailResponse {
    #[serde(flatten)]
    city: CityResponse,
    population_series: Vec<PopulationPointResponse>,
    /// Distance from the city's point to the nearest sea coast in kilometres (Natural Earth 1:10m land); absent
    /// when unknown.
    coast_km: Option<f64>,
    /// `coastal` (at most 50 km from the sea coast) or `inland`; absent when the distance is unknown.
    coast: Option<String>,
}

/// `{"city": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct CityEnvelope {
    city: CityDetailResponse,
}

/// Get one city by id, with its population series.
#[utoipa::path(get, path = "/api/v1/cities/{id}", tag = "cities", params(("id" = inline(params::Slug), Path, description = "City id, e.g. kuala-lumpur")),
    responses((status = 200, body = CityEnvelope), (status = 404, response = NotFound)))]
pub async fn get_city(
    State(mitra): State<Mitra>,
    Path(id): Path<String>,
) -> Result<Json<CityEnvelope>, ApiError> {
    let detail = mitra.get_city(&CityId::parse(&id)?).await?;
    Ok(Json(CityEnvelope {
        city: CityDetailResponse {
            city: CityResponse::from(&detail.city),
            population_series: detail
                .populations
                .iter()
                .map(|p| PopulationPointResponse {
                    year: p.year,
                    count: p.count,
                    kind: p.kind.as_str().into(),
                    source: p.source.clone(),
                })
                .collect(),
            coast_km: detail.coast_km,
            coast: detail.coast_km.map(|km| Coast::of(km).as_str().to_owned()),
        },
    }))
}

/// Every city as a GeoJSON FeatureCollection (RFC 7946), in one piece, filtered by country, network and name.
#[utoipa::path(get, path = "/api/v1/cities.geojson", tag = "cities", params(CityMapParams),
    responses((status = 200, description = "GeoJSON FeatureCollection of points", content_type = "application/geo+json", body = Object),
              (status = 400, response = BadRequest)))]
pub async fn cities_geojson(
    State(mitra): State<Mitra>,
    ApiQuery(params): ApiQuery<CityMapParams>,
) -> Result<Response, ApiError> {
    let filter = CityFilter::parse(
        params.country.as_deref(),
        params.network.as_deref(),
        params.q.as_deref(),
    )?;
    let cities = mitra.all_cities(&filter).await?;
    let features: Vec<Value> = cities
        .iter()
        .map(|c| {
            let properties = serde_json::to_value(CityResponse::from(c)).unwrap_or(Value::Null);
            json!({
                "type": "Feature",
                "id": c.id.as_str(),
                "geometry": {"type": "Point", "coordinates": [c.location.longitude, c.location.latitude]},
                "properties": properties,
            })
        })
        .collect();
    let body = json!({"type": "FeatureCollection", "features": features});
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], Json(body)).into_response())
}

/// A country.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountryResponse {
    /// ISO 3166-1 alpha-2.
    code: String,
    /// ISO 3166-1 alpha-3.
    iso3: String,
    #[schema(value_type = Object)]
    name: LocalizedText,
    /// `asean` or `china`.
    region: String,
}

impl From<&Country> for CountryResponse {
    fn from(c: &Country) -> Self {
        let mut name = LocalizedText::from([("en".to_owned(), c.name_en.clone())]);
        if let Some(zh) = &c.name_zh {
            name.insert("zh-Hans".into(), zh.clone());
        }
        Self {
            code: c.code.to_string(),
            iso3: c.iso3.clone(),
            name,
            region: c.region.clone(),
        }
    }
}

/// `{"countries": […]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct CountryListResponse {
    countries: Vec<CountryResponse>,
}

/// List the countries Mitra covers: the ten ASEAN members and China.
#[utoipa::path(get, path = "/api/v1/countries", tag = "cities", responses((status = 200, body = CountryListResponse)))]
pub async fn list_countries(
    State(mitra): State<Mitra>,
) -> Result<Json<CountryListResponse>, ApiError> {
    let countries = mitra.list_countries().await?;
    Ok(Json(CountryListResponse {
        countries: countries.iter().map(CountryResponse::from).collect(),
    }))
}
