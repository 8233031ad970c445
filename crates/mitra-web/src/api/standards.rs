//! `/api/v1/standards`, `/api/v1/standards/{id}`, `/api/v1/standards/{id}/indicators`, `/api/v1/indicators/{id}` and
//! `/api/v1/crosswalk`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mitra_service::domain::{CrosswalkEntry, Indicator, IndicatorId, StandardId, StandardSummary};
use mitra_service::{CrosswalkInput, Mitra};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params;
use super::problems::{BadRequest, Forbidden, NotFound};
use super::{ApiJson, ApiQuery, LocalizedText};
use crate::auth::Auth;
use crate::error::ApiError;

/// A standard.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandardResponse {
    /// `iso37120-2014`, `u4ssc`, `gbt33356-2016`.
    id: String,
    /// The designation as published.
    code: String,
    title: String,
    publisher: String,
    /// What the shipped list covers and what it lacks.
    coverage_note: String,
    source: String,
    indicator_count: u64,
}

impl From<&StandardSummary> for StandardResponse {
    fn from(s: &StandardSummary) -> Self {
        let st = &s.standard;
        Self {
            id: st.id.to_string(),
            code: st.code.clone(),
            title: st.title.clone(),
            publisher: st.publisher.clone(),
            coverage_note: st.coverage_note.clone(),
            source: st.source.clone(),
            indicator_count: s.indicator_count,
        }
    }
}

/// `{"standards": […]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct StandardListResponse {
    standards: Vec<StandardResponse>,
}

/// `{"standard": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct StandardEnvelope {
    standard: StandardResponse,
}

/// An indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorResponse {
    /// `<standard>:<code>`.
    id: String,
    standard: String,
    code: String,
    /// Titles by language tag.
    #[schema(value_type = Object, example = json!({"en": "Fine particulate matter (PM2.5) concentration"}))]
    title: LocalizedText,
    /// `published` or `translation`: whether the English title is the standard's own wording.
    title_en_origin: String,
    theme: String,
    sub_theme: Option<String>,
    /// `core`, `supporting`, `advanced`, `profile`, `level-1`, `level-2` or `sub-item`.
    kind: String,
    /// The unit values are reported in, in its canonical spelling; values in another unit of the same quantity are
    /// converted on import, any other unit is refused.
    unit: Option<String>,
    /// Where the unit comes from: the standard's text or definition, or what Mitra assumes where no open source
    /// states it.
    unit_basis: Option<String>,
    parent: Option<String>,
    weight_percent: Option<f64>,
    source: String,
}

impl From<&Indicator> for IndicatorResponse {
    fn from(i: &Indicator) -> Self {
        let mut title = LocalizedText::from([("en".to_owned(), i.title_en.clone())]);
        if let Some(zh) = &i.title_zh {
            title.insert("zh-Hans".into(), zh.clone());
        }
        Self {
            id: i.id.to_string(),
            standard: i.standard_id.to_string(),
            code: i.code.clone(),
            title,
            title_en_origin: if i.title_en_is_translation {
                "translation"
            } else {
                "published"
            }
            .into(),
            theme: i.theme.clone(),
            sub_theme: i.sub_theme.clone(),
            kind: i.kind.as_str().into(),
            unit: i.unit.clone(),
            unit_basis: i.unit_basis.clone(),
            parent: i.parent_id.as_ref().map(|p| p.to_string()),
            weight_percent: i.weight_percent,
            source: i.source.clone(),
        }
    }
}

/// `{"indicators": […]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorListResponse {
    indicators: Vec<IndicatorResponse>,
}

/// A crosswalk relation seen from one indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelationResponse {
    /// The related indicator.
    indicator: String,
    /// `equivalent`, `broader`, `narrower` or `related`: how the indicator relates to the other.
    relation: String,
    /// `source` (published) or `derived` (analyst, to be reviewed).
    basis: String,
    /// The source's wording.
    note: String,
    source: String,
}

/// An indicator with its crosswalk relations.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDetailResponse {
    #[serde(flatten)]
    indicator: IndicatorResponse,
    crosswalk: Vec<RelationResponse>,
}

/// `{"indicator": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorEnvelope {
    indicator: IndicatorDetailResponse,
}

/// A crosswalk relation.
#[derive(Debug, Serialize, ToSchema)]
pub struct CrosswalkEntryResponse {
    from: String,
    to: String,
    /// `equivalent`, `broader`, `narrower` or `related`, read from `from` to `to`.
    relation: String,
    basis: String,
    note: String,
    source: String,
}

impl From<&CrosswalkEntry> for CrosswalkEntryResponse {
    fn from(e: &CrosswalkEntry) -> Self {
        Self {
            from: e.from.to_string(),
            to: e.to.to_string(),
            relation: e.relation.as_str().into(),
            basis: e.basis.as_str().into(),
            note: e.note.clone(),
            source: e.source.clone(),
        }
    }
}

/// `{"crosswalk": […], "next_cursor": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct CrosswalkListResponse {
    crosswalk: Vec<CrosswalkEntryResponse>,
    next_cursor: Option<String>,
}

/// Paging of the crosswalk.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 500 (default 50).
    #[param(value_type = Option<params::PageLimit>, inline)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<params::Cursor>, inline)]
    cursor: Option<String>,
}

/// List the indicator standards with their indicator counts.
#[utoipa::path(get, path = "/api/v1/standards", tag = "standards", responses((status = 200, body = StandardListResponse)))]
pub async fn list_standards(
    State(mitra): State<Mitra>,
) -> Result<Json<StandardListResponse>, ApiError> {
    let standards = mitra.list_standards().await?;
    Ok(Json(StandardListResponse {
        standards: standards.iter().map(StandardResponse::from).collect(),
    }))
}

/// Get one standard.
#[utoipa::path(get, path = "/api/v1/standards/{id}", tag = "standards", params(("id" = inline(params::Slug), Path, description = "Standard id, e.g. iso37120-2014")),
    responses((status = 200, body = StandardEnvelope), (status = 404, response = NotFound)))]
pub async fn get_standard(
    State(mitra): State<Mitra>,
    Path(id): Path<String>,
) -> Result<Json<StandardEnvelope>, ApiError> {
    let detail = mitra.get_standard(&StandardId::parse(&id)?).await?;
    let count = detail
        .themes
        .iter()
        .map(|t| t.indicators.len() as u64)
        .sum();
    let summary = StandardSummary {
        standard: detail.standard,
        indicator_count: count,
    };
    Ok(Json(StandardEnvelope {
        standard: StandardResponse::from(&summary),
    }))
}

/// List a standard's indicators in the standard's own order.
#[utoipa::path(get, path = "/api/v1/standards/{id}/indicators", tag = "standards", params(("id" = inline(params::Slug), Path, description = "Standard id")),
    responses((status = 200, body = IndicatorListResponse), (status = 404, response = NotFound)))]
pub async fn list_indicators(
    State(mitra): State<Mitra>,
    Path(id): Path<String>,
) -> Result<Json<IndicatorListResponse>, ApiError> {
    let indicators = mitra.list_indicators(&StandardId::parse(&id)?).await?;
    Ok(Json(IndicatorListResponse {
        indicators: indicators.iter().map(IndicatorResponse::from).collect(),
    }))
}

/// Get one indicator with its crosswalk relations.
#[utoipa::path(get, path = "/api/v1/indicators/{id}", tag = "standards", params(("id" = inline(params::IndicatorId), Path, description = "Indicator id, e.g. iso37120-2014:8.1")),
    responses((status = 200, body = IndicatorEnvelope), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn get_indicator(
    State(mitra): State<Mitra>,
    Path(id): Path<String>,
) -> Result<Json<IndicatorEnvelope>, ApiError> {
    let detail = mitra.get_indicator(&IndicatorId::parse(&id)?).await?;
    let crosswalk = detail
        .related
        .iter()
        .map(|r| RelationResponse {
            indicator: r.indicator.id.to_string(),
            relation: r.relation.as_str().into(),
            basis: r.basis.as_str().into(),
            note: r.note.clone(),
            source: r.source.clone(),
        })
        .collect();
    Ok(Json(IndicatorEnvelope {
        indicator: IndicatorDetailResponse {
            indicator: IndicatorResponse::from(&detail.indicator),
            crosswalk,
        },
    }))
}

/// List the crosswalk between standards: the relations that make mutual recognition possible.
#[utoipa::path(get, path = "/api/v1/crosswalk", tag = "standards", params(PageParams),
    responses((status = 200, body = CrosswalkListResponse), (status = 400, response = BadRequest)))]
pub async fn list_crosswalk(
    State(mitra): State<Mitra>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<CrosswalkListResponse>, ApiError> {
    let (entries, next_cursor) = mitra
        .list_crosswalk(params.limit.as_deref(), params.cursor.as_deref())
        .await?;
    Ok(Json(CrosswalkListResponse {
        crosswalk: entries.iter().map(CrosswalkEntryResponse::from).collect(),
        next_cursor,
    }))
}

/// A crosswalk relation to add or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CrosswalkRequest {
    /// Indicator id the relation starts from.
    #[schema(value_type = params::IndicatorId, inline)]
    from: String,
    /// Indicator id of another standard it points to.
    #[schema(value_type = params::IndicatorId, inline)]
    to: String,
    /// `equivalent`, `broader` (from is broader than to), `narrower` or `related`.
    #[schema(value_type = params::RelationTag, inline)]
    relation: String,
    /// `source` (stated by a publication) or `derived` (by an analyst).
    #[schema(value_type = params::BasisTag, inline)]
    basis: String,
    /// The source's own wording.
    #[serde(default)]
    note: String,
    /// What the relation rests on.
    source: String,
}

/// Which relation to delete.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CrosswalkKeyParams {
    /// Indicator id the relation starts from.
    #[param(value_type = params::IndicatorId, inline, required = true)]
    from: Option<String>,
    /// Indicator id it points to.
    #[param(value_type = params::IndicatorId, inline, required = true)]
    to: Option<String>,
}

/// `{"relation": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct CrosswalkEnvelope {
    relation: CrosswalkEntryResponse,
}

/// The whole crosswalk as CSV, with both indicators' titles.
#[utoipa::path(get, path = "/api/v1/crosswalk.csv", tag = "standards",
    responses((status = 200, content_type = "text/csv", body = String)))]
pub async fn crosswalk_csv(State(mitra): State<Mitra>) -> Result<Response, ApiError> {
    let csv = mitra.crosswalk_csv().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mitra-crosswalk.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

/// The whole crosswalk as SKOS mapping relations (`skos:exactMatch`, `broadMatch`, `narrowMatch`,
/// `relatedMatch`) in JSON-LD.
#[utoipa::path(get, path = "/api/v1/crosswalk.jsonld", tag = "standards",
    responses((status = 200, content_type = "application/ld+json", body = Object)))]
pub async fn crosswalk_skos(State(mitra): State<Mitra>) -> Result<Response, ApiError> {
    let body = mitra.crosswalk_skos(mitra.public_url()).await?;
    Ok(([(header::CONTENT_TYPE, "application/ld+json")], Json(body)).into_response())
}

/// Add a crosswalk relation or change one (platform admins).
#[utoipa::path(put, path = "/api/v1/crosswalk", tag = "standards", request_body = CrosswalkRequest, security(("bearer" = [])),
    responses((status = 200, body = CrosswalkEnvelope), (status = 400, response = BadRequest),
              (status = 403, response = Forbidden),
              (status = 404, response = NotFound)))]
pub async fn put_crosswalk(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiJson(body): ApiJson<CrosswalkRequest>,
) -> Result<Json<CrosswalkEnvelope>, ApiError> {
    let entry = mitra
        .put_crosswalk(
            &auth.actor,
            &CrosswalkInput {
                from: body.from,
                to: body.to,
                relation: body.relation,
                basis: body.basis,
                note: body.note,
                source: body.source,
            },
        )
        .await?;
    Ok(Json(CrosswalkEnvelope {
        relation: CrosswalkEntryResponse::from(&entry),
    }))
}

/// Delete a crosswalk relation (platform admins).
#[utoipa::path(delete, path = "/api/v1/crosswalk", tag = "standards", params(CrosswalkKeyParams), security(("bearer" = [])),
    responses((status = 204), (status = 403, response = Forbidden),
              (status = 404, response = NotFound)))]
pub async fn delete_crosswalk(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiQuery(p): ApiQuery<CrosswalkKeyParams>,
) -> Result<StatusCode, ApiError> {
    let from = IndicatorId::parse(p.from.as_deref().unwrap_or_default())?;
    let to = IndicatorId::parse(p.to.as_deref().unwrap_or_default())?;
    mitra.delete_crosswalk(&auth.actor, &from, &to).await?;
    Ok(StatusCode::NO_CONTENT)
}
