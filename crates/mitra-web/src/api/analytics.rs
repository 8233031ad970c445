//! Conformity assessment, peer rankings and benchmarks, and development tiers.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mitra_service::domain::peers::Grouping;
use mitra_service::domain::{CityId, IndicatorId, Language, StandardId};
use mitra_service::{AssessmentView, Mitra, Values};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params;
use super::problems::{BadRequest, Forbidden, NotFound};
use super::{ApiJson, ApiQuery, LocalizedText};
use crate::auth::Auth;
use crate::error::ApiError;

/// Which standard and year to assess.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentParams {
    /// Standard id: `iso37120-2014` or `u4ssc`.
    #[param(value_type = Option<params::AssessableStandard>, inline)]
    standard: Option<String>,
    /// Year (default: the latest with data).
    #[param(value_type = Option<params::Year>, inline)]
    year: Option<String>,
    /// `en` or `zh-Hans`, for the names of levels and the scheme.
    #[param(value_type = Option<params::InterfaceLang>, inline)]
    lang: Option<String>,
}

/// `{"assessment": …}`: the level reached, the next level with the indicators missing for it, per-kind counts,
/// the values that count (with `recognised_from` when counted through the crosswalk), invalid values and warnings.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentEnvelope {
    #[schema(value_type = Object)]
    assessment: AssessmentView,
}

/// Peer group of a ranking.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingParams {
    /// Indicator id (`iso37120-2014:8.1`).
    #[param(value_type = params::IndicatorId, inline, required = true)]
    indicator: Option<String>,
    /// Year (default: the latest in which a group has enough cities to be ranked).
    #[param(value_type = Option<params::Year>, inline)]
    year: Option<String>,
    /// `region` (default), `country`, `band` or `tier`.
    #[param(value_type = Option<params::GroupBy>, inline)]
    group_by: Option<String>,
    /// One group (`asean`, `TH`, `1m-5m`, `tier-2`); without it every city is ranked within its own group.
    group: Option<String>,
    /// `verified` (default): only values a verifier has checked; `all`: submitted ones too.
    #[param(value_type = Option<params::Values>, inline)]
    values: Option<String>,
}

/// One city in a ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankEntryResponse {
    city: String,
    #[schema(value_type = Object)]
    name: LocalizedText,
    country: String,
    /// The city's group under the grouping asked for.
    group: Option<String>,
    value: f64,
    /// Percentile rank within the group, 0–100; higher is better (respecting the indicator's direction).
    percentile: f64,
}

/// A ranking, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankingResponse {
    indicator: String,
    unit: Option<String>,
    /// `lower` or `higher` is better; null when Mitra states no direction (then higher values rank higher).
    direction: Option<String>,
    year: Option<i32>,
    /// Years with values.
    years: Vec<i32>,
    group_by: String,
    group: Option<String>,
    /// `verified` or `all`: which values are ranked.
    values: String,
    /// The fewest cities a group needs to be ranked; smaller groups are listed in `groups_too_small`.
    min_group_size: usize,
    cities: Vec<RankEntryResponse>,
    /// Groups with values that year but too few cities to be ranked.
    groups_too_small: Vec<GroupSize>,
}

/// A group and how many of its cities have a value.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupSize {
    group: String,
    cities: usize,
}

/// Which grouping to benchmark in.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BenchmarkParams {
    /// `region` (default), `country`, `band` or `tier`.
    #[param(value_type = Option<params::GroupBy>, inline)]
    group_by: Option<String>,
    /// `verified` (default): only values a verifier has checked; `all`: submitted ones too.
    #[param(value_type = Option<params::Values>, inline)]
    values: Option<String>,
}

/// A city's standing on one indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct BenchmarkResponse {
    indicator: String,
    unit: Option<String>,
    direction: Option<String>,
    /// The latest year with a value.
    year: i32,
    value: f64,
    /// Whether the value counts in the comparison: with `values=verified`, whether a verifier has checked it.
    counted: bool,
    /// Percentile rank within the group, 0–100; null when the group has fewer than `min_group_size` cities or the
    /// value does not count.
    percentile: Option<f64>,
    /// How many cities of the group have a value that year.
    group_size: usize,
    /// The group's median; null when the group is too small.
    group_median: Option<f64>,
    /// `[[year, value], …]`, oldest first.
    series: Vec<(i32, f64)>,
}

/// A city's benchmarks.
#[derive(Debug, Serialize, ToSchema)]
pub struct BenchmarksResponse {
    city: String,
    region: String,
    country: String,
    band: Option<String>,
    tier: Option<String>,
    group_by: String,
    group: Option<String>,
    /// `verified` or `all`: which values the city is compared on.
    values: String,
    /// The fewest cities a group needs for a percentile and a median.
    min_group_size: usize,
    benchmarks: Vec<BenchmarkResponse>,
}

/// A tier to set; null returns to the derived tier.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TierRequest {
    /// `tier-1` … `tier-4`, or null.
    #[schema(value_type = Option<params::TierTag>, inline)]
    tier: Option<String>,
}

/// Assess a city's data against Mitra's conformity scheme for a standard.
#[utoipa::path(get, path = "/api/v1/cities/{id}/assessment", tag = "analytics", params(("id" = inline(params::Slug), Path, description = "City id"), AssessmentParams),
    responses((status = 200, body = AssessmentEnvelope), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn get_assessment(
    State(mitra): State<Mitra>,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<AssessmentParams>,
) -> Result<Json<AssessmentEnvelope>, ApiError> {
    let city = CityId::parse(&id)?;
    let standard = StandardId::parse(p.standard.as_deref().unwrap_or("iso37120-2014"))?;
    let report = mitra.assess(&city, &standard, p.year.as_deref()).await?;
    let language = p
        .lang
        .as_deref()
        .and_then(|l| Language::parse(l).ok())
        .unwrap_or(Language::En);
    Ok(Json(AssessmentEnvelope {
        assessment: report.view(language),
    }))
}

/// Rank the cities of a peer group on an indicator.
#[utoipa::path(get, path = "/api/v1/rankings", tag = "analytics", params(RankingParams),
    responses((status = 200, body = RankingResponse), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn get_ranking(
    State(mitra): State<Mitra>,
    ApiQuery(p): ApiQuery<RankingParams>,
) -> Result<Json<RankingResponse>, ApiError> {
    let indicator = p
        .indicator
        .as_deref()
        .ok_or_else(|| ApiError::bad_parameter("indicator", "indicator: is required".into()))?;
    let values = Values::parse(p.values.as_deref())?;
    let indicator = IndicatorId::parse(indicator)?;
    let grouping = Grouping::parse(p.group_by.as_deref().unwrap_or("region"))?;
    let ranking = mitra
        .ranking(
            &indicator,
            p.year.as_deref(),
            grouping,
            p.group.as_deref(),
            values,
        )
        .await?;
    Ok(Json(RankingResponse {
        indicator: ranking.indicator.id.to_string(),
        unit: ranking.indicator.unit.clone(),
        direction: ranking.indicator.direction.map(|d| d.as_str().to_owned()),
        year: ranking.year,
        years: ranking.years,
        group_by: ranking.grouping.as_str().into(),
        group: ranking.group,
        values: ranking.values.as_str().into(),
        min_group_size: ranking.min_group_size,
        groups_too_small: ranking
            .too_small
            .into_iter()
            .map(|(group, cities)| GroupSize { group, cities })
            .collect(),
        cities: ranking
            .entries
            .into_iter()
            .map(|e| {
                let mut name = LocalizedText::from([("en".to_owned(), e.facts.name_en.clone())]);
                if let Some(zh) = &e.facts.name_zh {
                    name.insert("zh-Hans".into(), zh.clone());
                }
                RankEntryResponse {
                    group: e.facts.group(ranking.grouping),
                    city: e.city.to_string(),
                    name,
                    country: e.facts.country.to_string(),
                    value: e.value,
                    percentile: e.percentile,
                }
            })
            .collect(),
    }))
}

/// A city against its peer group on every indicator it has values for.
#[utoipa::path(get, path = "/api/v1/cities/{id}/benchmarks", tag = "analytics", params(("id" = inline(params::Slug), Path, description = "City id"), BenchmarkParams),
    responses((status = 200, body = BenchmarksResponse), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn get_benchmarks(
    State(mitra): State<Mitra>,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<BenchmarkParams>,
) -> Result<Json<BenchmarksResponse>, ApiError> {
    let values = Values::parse(p.values.as_deref())?;
    let city = CityId::parse(&id)?;
    let grouping = Grouping::parse(p.group_by.as_deref().unwrap_or("region"))?;
    let b = mitra.city_benchmarks(&city, grouping, values).await?;
    Ok(Json(BenchmarksResponse {
        city: b.city.to_string(),
        region: b.facts.region.clone(),
        country: b.facts.country.to_string(),
        band: b.facts.band.map(|x| x.as_str().to_owned()),
        tier: b.facts.tier.clone(),
        group_by: b.grouping.as_str().into(),
        group: b.group,
        values: b.values.as_str().into(),
        min_group_size: b.min_group_size,
        benchmarks: b
            .benchmarks
            .into_iter()
            .map(|x| BenchmarkResponse {
                indicator: x.indicator.id.to_string(),
                unit: x.indicator.unit.clone(),
                direction: x.indicator.direction.map(|d| d.as_str().to_owned()),
                year: x.year,
                value: x.value,
                counted: x.counted,
                percentile: x.percentile,
                group_size: x.group_size,
                group_median: x.group_median,
                series: x.series,
            })
            .collect(),
    }))
}

/// Set a city's development tier, or return it to the derived one with null (platform admins).
#[utoipa::path(put, path = "/api/v1/cities/{id}/tier", tag = "analytics", request_body = TierRequest, security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "City id")),
    responses((status = 204), (status = 400, response = BadRequest),
              (status = 403, response = Forbidden)))]
pub async fn set_tier(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TierRequest>,
) -> Result<StatusCode, ApiError> {
    let city = CityId::parse(&id)?;
    mitra
        .set_city_tier(&auth.actor, &city, body.tier.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One focus area of a profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileAreaResponse {
    /// ASCN focus area id.
    focus_area: String,
    /// Whether the city declared it a priority in its Smart City Action Plan.
    priority: bool,
    weight: f64,
    /// Mean percentile (0–100) over the applicable indicators with values; null without any.
    score: Option<f64>,
    /// Median score of the other cities of the tier.
    tier_median: Option<f64>,
    /// Applicable indicators and the city's percentile on each (null without a value).
    indicators: Vec<(String, Option<f64>)>,
}

/// A city's localized profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileResponse {
    city: String,
    tier: Option<String>,
    /// Declared priority focus areas.
    priorities: Vec<String>,
    /// Weighted overall score.
    overall: Option<f64>,
    /// How many of the applicable indicators the scores rest on (those the city is ranked on).
    indicators_rated: usize,
    /// How many indicators apply to the city's tier.
    indicators_applicable: usize,
    /// Whether the score rests on too few of them to be more than provisional.
    provisional: bool,
    /// `verified` or `all`: which values the scores are computed on.
    values: String,
    areas: Vec<ProfileAreaResponse>,
}

/// Which values a profile is computed on.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfileParams {
    /// `verified` (default): only values a verifier has checked; `all`: submitted ones too.
    #[param(value_type = Option<params::Values>, inline)]
    values: Option<String>,
}

/// A city's localized profile: the indicators that fit its development tier, grouped by ASCN focus area, weighted
/// by its declared priorities, with scores against the cities of its tier.
#[utoipa::path(get, path = "/api/v1/cities/{id}/profile", tag = "analytics", params(("id" = inline(params::Slug), Path, description = "City id"), ProfileParams),
    responses((status = 200, body = ProfileResponse), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn get_profile(
    State(mitra): State<Mitra>,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<ProfileParams>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let values = Values::parse(params.values.as_deref())?;
    let p = mitra.city_profile(&CityId::parse(&id)?, values).await?;
    Ok(Json(ProfileResponse {
        city: id,
        tier: p.tier,
        priorities: p.priorities,
        overall: p.overall,
        indicators_rated: p.rated,
        indicators_applicable: p.applicable,
        provisional: p.provisional,
        values: p.values.as_str().into(),
        areas: p
            .areas
            .into_iter()
            .map(|(a, _, median)| ProfileAreaResponse {
                focus_area: a.focus_area,
                priority: a.priority,
                weight: a.weight,
                score: a.score,
                tier_median: median,
                indicators: a
                    .indicators
                    .into_iter()
                    .map(|(i, p)| (i.to_string(), p))
                    .collect(),
            })
            .collect(),
    }))
}
