//! `/api/v1/cities/{id}/partners` and `/api/v1/partnerships/recorded`: explained partner recommendations for a city,
//! and the sister-city ties shipped with Mitra with what each name in the list resolved to.

use axum::Json;
use axum::extract::{Path, State};
use mitra_service::Mitra;
use mitra_service::domain::partners::PairFilter;
use mitra_service::domain::{CityId, Reason};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use super::params;
use super::problems::{BadRequest, NotFound};
use crate::error::ApiError;

/// Which pairs are proposed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnerParams {
    /// `asean-china` (default: an ASEAN city gets Chinese candidates and the other way round) or `any`.
    #[param(value_type = Option<params::Pairs>, inline)]
    pairs: Option<String>,
}

/// One recommended partner.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerResponse {
    /// The candidate city's id.
    id: String,
    /// Its English name.
    name: String,
    /// complementarity × similarity × tie, from 0 to 1.
    score: f64,
    /// How much stronger it is where the city is weak on its priorities, and its documented practices there.
    complementarity: f64,
    /// How comparable the two cities' contexts are, from 0.5 to 1.
    similarity: f64,
    /// 0.5 when a partnership between the two is already signed (a recorded sister-city tie included), else 1.
    tie: f64,
    /// Why: each reason has a `reason` tag, its numbers, and `text`, an English sentence.
    #[schema(value_type = Vec<Object>)]
    reasons: Vec<serde_json::Value>,
}

/// A city's recommended partners and its recorded ties.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnersResponse {
    /// Best first.
    partners: Vec<PartnerResponse>,
    /// Cities it has a recorded sister-city tie with (Wikipedia's lists, CC BY-SA 4.0).
    ties: Vec<String>,
}

/// Partner cities recommended for a city, each explained: strong where the city is weak on its declared priorities,
/// in a comparable context, discounted when a tie already exists.
#[utoipa::path(get, path = "/api/v1/cities/{id}/partners", tag = "cities",
    params(("id" = inline(params::Slug), Path, description = "City id, e.g. bangkok"), PartnerParams),
    responses((status = 200, body = PartnersResponse), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn city_partners(
    State(mitra): State<Mitra>,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<PartnerParams>,
) -> Result<Json<PartnersResponse>, ApiError> {
    let id = CityId::parse(&id)?;
    let filter = pair_filter(params.pairs.as_deref())?;
    let found = mitra
        .city_partners(&id, filter, time::OffsetDateTime::now_utc().date())
        .await?;
    let places = mitra.places().await?;
    Ok(Json(PartnersResponse {
        partners: found
            .matches
            .iter()
            .map(|m| PartnerResponse {
                id: m.id.to_string(),
                name: places
                    .cities
                    .get(&m.id)
                    .map_or_else(|| m.id.to_string(), |c| c.name_en.clone()),
                score: m.score,
                complementarity: m.complementarity,
                similarity: m.similarity,
                tie: m.tie,
                reasons: m
                    .reasons
                    .iter()
                    .map(|r| super::matches::with_text(r, r.sentence()))
                    .collect(),
            })
            .collect(),
        ties: found.ties.iter().map(|(c, _)| c.to_string()).collect(),
    }))
}

/// Reads `pairs`.
pub(crate) fn pair_filter(
    raw: Option<&str>,
) -> Result<PairFilter, mitra_service::domain::ValidationError> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None | Some("asean-china") => Ok(PairFilter::AseanChina),
        Some("any") => Ok(PairFilter::Any),
        Some(other) => Err(mitra_service::domain::ValidationError::new(
            "pairs",
            Reason::not_one_of(mitra_service::domain::ids::clip(other), "asean-china, any"),
        )),
    }
}

/// The recorded ties and what each name of the list resolved to.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedTiesResponse {
    /// Where the list comes from.
    source: &'static str,
    /// Counts: rows, sides matched, provinces, not in the city list, ambiguous, unknown country, ties, repeated.
    #[schema(value_type = Object)]
    summary: serde_json::Value,
    /// Each tie between two of Mitra's cities, with the line of the file that records it.
    #[schema(value_type = Vec<Object>)]
    ties: serde_json::Value,
    /// Each row of the file with the outcome of both its names (`matched`, `province`, `not-in-city-list`,
    /// `ambiguous`, `unknown-country`).
    #[schema(value_type = Vec<Object>)]
    rows: serde_json::Value,
}

/// The sister-city ties between ASEAN and Chinese cities (and within ASEAN) shipped with Mitra, with the import
/// report: every name matched to one of Mitra's cities or given an explicit outcome, never guessed.
#[utoipa::path(get, path = "/api/v1/partnerships/recorded", tag = "cities",
    responses((status = 200, body = RecordedTiesResponse)))]
pub async fn recorded_ties(
    State(mitra): State<Mitra>,
) -> Result<Json<RecordedTiesResponse>, ApiError> {
    let report = mitra.recorded_ties().await?;
    Ok(Json(RecordedTiesResponse {
        source: "Wikipedia contributors, List of twin towns and sister cities in Asia (CC BY-SA 4.0), via \
                 Hekman/twincities",
        summary: serde_json::to_value(&report.summary).unwrap_or_default(),
        ties: serde_json::to_value(&report.ties).unwrap_or_default(),
        rows: serde_json::to_value(&report.rows).unwrap_or_default(),
    }))
}
