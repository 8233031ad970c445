//! `/api/v1/cities/{id}/matches` and `/api/v1/entries/{id}/matches`: explained matches, each with its score and
//! its reasons — typed, with the numbers behind them, and as an English sentence.

use axum::Json;
use axum::extract::{Path, State};
use mitra_service::domain::matching::{CityContext, Match};
use mitra_service::domain::{CityId, EntryId};
use mitra_service::{Mitra, Shelf};
use serde::Serialize;
use utoipa::ToSchema;

use super::params;
use super::problems::{BadRequest, NotFound};
use crate::error::ApiError;

/// One match.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchResponse {
    /// The entry's or city's id.
    id: String,
    /// An entry's kind; null for a city.
    kind: Option<&'static str>,
    /// An entry's English title, or the city's English name.
    title: String,
    /// From 0 to 1; the formula is documented with the matchers.
    score: f64,
    /// Why: each reason has a `reason` tag, the numbers it rests on, and `text`, an English sentence.
    #[schema(value_type = Vec<Object>)]
    reasons: Vec<serde_json::Value>,
}

fn reasons(m: &[mitra_service::domain::matching::Reason]) -> Vec<serde_json::Value> {
    m.iter().map(|r| with_text(r, r.sentence())).collect()
}

/// A typed reason as JSON, with `text`, its English sentence.
pub(crate) fn with_text(reason: &impl Serialize, sentence: String) -> serde_json::Value {
    let mut value = serde_json::to_value(reason).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("text".into(), sentence.into());
    }
    value
}

fn entry_matches(found: &[Match], shelf: &Shelf) -> Vec<MatchResponse> {
    found
        .iter()
        .map(|m| {
            let entry = shelf.entries.get(&m.id).map(|l| &l.stored.entry);
            MatchResponse {
                id: m.id.to_string(),
                kind: entry.map(|e| e.kind().tag()),
                title: entry.map_or_else(
                    || m.id.to_string(),
                    |e| {
                        e.text_for(mitra_service::domain::ContentLanguage::En)
                            .title
                            .clone()
                    },
                ),
                score: m.score,
                reasons: reasons(&m.reasons),
            }
        })
        .collect()
}

/// A city's needs and what answers them.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityMatchesResponse {
    /// What the city needs as matched: its comparability facts, declared focus areas, the challenges its projects
    /// and practices name, and its gaps (verified values below its region's median, in groups of enough cities).
    #[schema(value_type = Object)]
    needs: serde_json::Value,
    /// Solutions and practices, best first.
    offers: Vec<MatchResponse>,
    /// Training programmes not yet started, best first.
    training: Vec<MatchResponse>,
}

/// What answers a city's needs: solutions and practices that worked in comparable cities, and training, each
/// explained.
#[utoipa::path(get, path = "/api/v1/cities/{id}/matches", tag = "opportunities",
    params(("id" = inline(params::Slug), Path, description = "City id, e.g. bangkok")),
    responses((status = 200, body = CityMatchesResponse), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn city_matches(
    State(mitra): State<Mitra>,
    Path(id): Path<String>,
) -> Result<Json<CityMatchesResponse>, ApiError> {
    let id = CityId::parse(&id)?;
    let found = mitra
        .city_matches(&id, time::OffsetDateTime::now_utc().date())
        .await?;
    Ok(Json(CityMatchesResponse {
        needs: needs(&found.context),
        offers: entry_matches(&found.offers, &found.shelf),
        training: entry_matches(&found.training, &found.shelf),
    }))
}

fn needs(context: &CityContext) -> serde_json::Value {
    serde_json::to_value(context).unwrap_or_default()
}

/// What an entry matches.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryMatchesResponse {
    /// `project` or `solution`.
    kind: &'static str,
    /// For a project, the funding calls it is eligible for; for a solution, the projects that need it. Best first.
    entries: Vec<MatchResponse>,
    /// For a solution, the cities that need it, best first; empty for a project.
    cities: Vec<MatchResponse>,
}

/// What a project or solution matches: funding calls for a project (eligibility first, then fit), cities and
/// projects for a solution; each explained.
#[utoipa::path(get, path = "/api/v1/entries/{id}/matches", tag = "opportunities",
    params(("id" = inline(params::Slug), Path, description = "Entry id of an approved project or solution")),
    responses((status = 200, body = EntryMatchesResponse), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn entry_matches_of(
    State(mitra): State<Mitra>,
    Path(id): Path<String>,
) -> Result<Json<EntryMatchesResponse>, ApiError> {
    let id = EntryId::parse(&id)?;
    let found = mitra
        .entry_matches(&id, time::OffsetDateTime::now_utc().date())
        .await?;
    let places = mitra.places().await?;
    Ok(Json(EntryMatchesResponse {
        kind: found.kind.tag(),
        entries: entry_matches(&found.entries, &found.shelf),
        cities: found
            .cities
            .iter()
            .map(|m| MatchResponse {
                id: m.id.to_string(),
                kind: None,
                title: places
                    .cities
                    .get(&m.id)
                    .map_or_else(|| m.id.to_string(), |c| c.name_en.clone()),
                score: m.score,
                reasons: reasons(&m.reasons),
            })
            .collect(),
    }))
}
