//! `/api/v1/observations`: listing indicator values, importing a batch (CSV or JSON, all or nothing) and review.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mitra_service::domain::Observation;
use mitra_service::{ImportReport, Mitra, ObservationQuery};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

use super::params;
use super::problems::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Unauthorized, Unprocessable,
};
use super::{ApiJson, ApiQuery};
use crate::auth::Auth;
use crate::error::ApiError;

/// The largest import the API takes; bigger files go through `mitra import observations`.
pub const IMPORT_LIMIT_BYTES: usize = 64 * 1024 * 1024;

/// One observation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObservationResponse {
    id: i64,
    city: String,
    indicator: String,
    year: i32,
    /// In the indicator's unit.
    value: f64,
    unit: Option<String>,
    /// As submitted, when it was converted to the indicator's unit.
    original_value: Option<f64>,
    original_unit: Option<String>,
    /// Empty when the submitter named none.
    source: String,
    note: Option<String>,
    /// `submitted`, `verified` or `rejected`.
    status: String,
    /// Why a verifier rejected it.
    status_reason: Option<String>,
    /// RFC 3339.
    submitted_at: String,
}

impl From<&Observation> for ObservationResponse {
    fn from(o: &Observation) -> Self {
        Self {
            id: o.id,
            city: o.city_id.to_string(),
            indicator: o.indicator_id.to_string(),
            year: o.year,
            value: o.value,
            unit: o.unit.clone(),
            original_value: o.original_value,
            original_unit: o.original_unit.clone(),
            source: o.source.clone(),
            note: o.note.clone(),
            status: o.status.as_str().into(),
            status_reason: o.status_reason.clone(),
            submitted_at: o.submitted_at.format(&Rfc3339).unwrap_or_default(),
        }
    }
}

/// `{"observations": […], "next_cursor": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ObservationListResponse {
    observations: Vec<ObservationResponse>,
    /// Pass as `cursor` for the next page; null on the last page.
    next_cursor: Option<String>,
}

/// `{"observation": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ObservationEnvelope {
    observation: ObservationResponse,
}

/// Filters and paging of the observation list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObservationParams {
    /// City id.
    #[param(value_type = Option<params::Slug>, inline)]
    city: Option<String>,
    /// Indicator id (`iso37120-2014:8.1`).
    #[param(value_type = Option<params::IndicatorId>, inline)]
    indicator: Option<String>,
    /// Standard id (`iso37120-2014`).
    #[param(value_type = Option<params::Slug>, inline)]
    standard: Option<String>,
    /// Year.
    #[param(value_type = Option<params::Year>, inline)]
    year: Option<String>,
    /// `submitted`, `verified` or `rejected`.
    #[param(value_type = Option<params::ObservationStatusTag>, inline)]
    status: Option<String>,
    /// Page size, 1–500 (default 50).
    #[param(value_type = Option<params::PageLimit>, inline)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<params::ObservationCursor>, inline)]
    cursor: Option<String>,
}

/// Options of an import.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `true` to check the file and report what would be written, without writing.
    #[serde(default)]
    #[param(value_type = Option<params::DryRun>, inline)]
    dry_run: Option<String>,
}

/// Reads an import's `dry_run` parameter: absent, `false` or `0` writes; `true` or `1` only checks.
pub(crate) fn dry_run(raw: Option<&str>) -> Result<bool, Box<ApiError>> {
    match raw.map(str::trim) {
        None | Some("" | "false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(other) => Err(Box::new(ApiError::bad_parameter(
            "dry_run",
            format!("dry_run: '{other}' is not true or false"),
        ))),
    }
}

/// Reads an import's body, refusing one over [`IMPORT_LIMIT_BYTES`] (413) or one that stopped arriving (400).
pub(crate) async fn import_body(body: Body) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, IMPORT_LIMIT_BYTES)
        .await
        .map_err(|error| {
            let error = error.into_inner();
            if error.is::<http_body_util::LengthLimitError>() {
                ApiError::too_large(
                    IMPORT_LIMIT_BYTES,
                    "split the file, or import it with the `mitra import` command",
                )
            } else {
                ApiError::bad_parameter(
                    "body",
                    format!("body: the file did not arrive whole ({error}); send it again"),
                )
            }
        })
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResponse {
    /// Rows in the file.
    rows: u64,
    /// Rows inserted or changed (0 for a dry run).
    written: u64,
    /// Rows already stored as they are.
    unchanged: u64,
    /// Rows converted to the indicator's unit (the original is kept).
    converted: u64,
    /// Rows whose indicator the crosswalk declares equivalent to one of another standard.
    recognised: u64,
    cities: u64,
    indicators: u64,
    /// Rows of a filled-in template (a CSV file with a `title` column) left without a year and a value.
    skipped: u64,
    dry_run: bool,
    /// The import's name in the audit log.
    label: String,
}

impl From<ImportReport> for ImportResponse {
    fn from(r: ImportReport) -> Self {
        Self {
            rows: r.rows,
            written: r.written,
            unchanged: r.unchanged,
            converted: r.converted,
            recognised: r.recognised,
            cities: r.cities,
            indicators: r.indicators,
            skipped: r.skipped,
            dry_run: r.dry_run,
            label: r.label,
        }
    }
}

/// A verifier's decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// `verified` or `rejected`.
    status: String,
    /// Required for a rejection: what the submitter should fix.
    reason: Option<String>,
}

/// List observations, by id.
#[utoipa::path(get, path = "/api/v1/observations", tag = "observations", params(ObservationParams),
    responses((status = 200, body = ObservationListResponse), (status = 400, response = BadRequest)))]
pub async fn list_observations(
    State(mitra): State<Mitra>,
    ApiQuery(p): ApiQuery<ObservationParams>,
) -> Result<Json<ObservationListResponse>, ApiError> {
    let page = mitra
        .list_observations(&ObservationQuery {
            city: p.city,
            indicator: p.indicator,
            standard: p.standard,
            year: p.year,
            status: p.status,
            limit: p.limit,
            cursor: p.cursor,
        })
        .await?;
    Ok(Json(ObservationListResponse {
        observations: page
            .observations
            .iter()
            .map(ObservationResponse::from)
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Import a batch of observations: the body is a CSV file with a header row or a JSON array of objects, with
/// `city`, `indicator`, `year`, `value` and optional `unit`, `source`, `note` (see the README). Every row is
/// checked first; any bad row is reported in `errors` and nothing is written. Then all rows are written or none.
/// Only editors of each city's government organisation may submit (up to 64 MiB; larger files through the CLI).
#[utoipa::path(post, path = "/api/v1/observations", tag = "observations", params(ImportParams), security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "CSV, or a JSON array (application/json)"),
    responses((status = 200, body = ImportResponse),
              (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden),
              (status = 413, response = PayloadTooLarge),
              (status = 422, response = Unprocessable)))]
pub async fn import_observations(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: Body,
) -> Result<Json<ImportResponse>, ApiError> {
    let dry_run = dry_run(params.dry_run.as_deref()).map_err(|e| *e)?;
    // Rights first: only a caller who may import gets a body of up to 64 MiB read.
    mitra.may_import_observations(&auth.actor)?;
    let bytes = import_body(body).await?;
    let report = mitra
        .import_observations(&auth.actor, "api", &bytes, dry_run, &|_, _, _| {})
        .await?;
    Ok(Json(report.into()))
}

/// Verify an observation, or reject it with a reason (verifiers).
#[utoipa::path(post, path = "/api/v1/observations/{id}/review", tag = "observations", request_body = ReviewRequest,
    security(("bearer" = [])), params(("id" = i64, Path, description = "Observation id")),
    responses((status = 200, body = ObservationEnvelope),
              (status = 400, response = BadRequest),
              (status = 403, response = Forbidden),
              (status = 404, response = NotFound)))]
pub async fn review_observation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReviewRequest>,
) -> Result<(StatusCode, Json<ObservationEnvelope>), ApiError> {
    let id: i64 = id.parse().map_err(|_| {
        ApiError::bad_parameter("id", format!("id: '{id}' is not an observation id"))
    })?;
    let observation = mitra
        .review_observation(&auth.actor, id, &body.status, body.reason.as_deref())
        .await?;
    Ok((
        StatusCode::OK,
        Json(ObservationEnvelope {
            observation: ObservationResponse::from(&observation),
        }),
    ))
}
