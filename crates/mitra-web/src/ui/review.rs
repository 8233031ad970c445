//! The verifiers' review queue: submitted observations, verified or rejected with a reason.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use mitra_service::{Mitra, ObservationQuery, ServiceError};
use serde::Deserialize;

use super::format::{encode, number};
use super::forms::{CsrfOnly, has_csrf};
use super::{Layout, done, render};
use crate::auth::{Auth, CsrfForm};
use crate::error::PageError;
use crate::i18n::{Lang, translate};

#[derive(Debug, Default, Deserialize)]
pub struct ReviewParams {
    status: Option<String>,
    city: Option<String>,
    cursor: Option<String>,
}

struct Row {
    id: i64,
    city: String,
    indicator: String,
    year: i32,
    value: String,
    unit: String,
    original: Option<String>,
    source: String,
    note: String,
    status: String,
    reason: String,
    pending: bool,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    l: Layout,
    rows: Vec<Row>,
    statuses: Vec<(String, String, bool)>,
    city: String,
    next_href: Option<String>,
}

/// `GET /review`: verifiers only.
pub async fn show_review(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Query(params): Query<ReviewParams>,
) -> Result<Response, PageError> {
    auth.actor.verifier().map_err(ServiceError::from)?;
    let status = params
        .status
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "submitted".into());
    let page = mitra
        .list_observations(&ObservationQuery {
            status: Some(status.clone()),
            city: params.city.clone().filter(|c| !c.is_empty()),
            cursor: params.cursor.clone(),
            ..ObservationQuery::default()
        })
        .await?;
    let l = Layout::new(
        &mitra,
        &auth,
        lang,
        "review",
        translate(lang, "review-title"),
        &uri,
    )
    .await;
    let rows = page
        .observations
        .iter()
        .map(|o| Row {
            id: o.id,
            city: o.city_id.to_string(),
            indicator: o.indicator_id.to_string(),
            year: o.year,
            value: number(o.value),
            unit: o.unit.clone().unwrap_or_default(),
            original: o
                .original_value
                .zip(o.original_unit.as_ref())
                .map(|(v, u)| format!("{} {u}", number(v))),
            source: o.source.clone(),
            note: o.note.clone().unwrap_or_default(),
            status: l.t2("observation-status", o.status.as_str()),
            reason: o.status_reason.clone().unwrap_or_default(),
            pending: o.status == mitra_service::domain::ObservationStatus::Submitted,
        })
        .collect();
    let city = params.city.clone().unwrap_or_default();
    let next_href = page.next_cursor.map(|c| {
        format!(
            "/review?status={}&city={}&cursor={}",
            encode(&status),
            encode(&city),
            encode(&c)
        )
    });
    Ok(render(&ReviewPage {
        statuses: ["submitted", "verified", "rejected"]
            .iter()
            .map(|s| (s.to_string(), l.t2("observation-status", s), *s == status))
            .collect(),
        rows,
        city,
        next_href,
        l,
    }))
}

/// The reject form.
#[derive(Debug, Deserialize)]
pub struct RejectObservationForm {
    csrf_token: String,
    reason: String,
}

has_csrf!(RejectObservationForm);

fn observation_id(raw: &str) -> Result<i64, PageError> {
    raw.parse().map_err(|_| PageError::not_found())
}

/// `POST /review/{id}/verify`
pub async fn verify_observation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
    mitra
        .review_observation(&auth.actor, observation_id(&id)?, "verified", None)
        .await?;
    Ok(done("/review", "review-verified"))
}

/// `POST /review/{id}/reject`
pub async fn reject_observation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RejectObservationForm>,
) -> Result<Response, PageError> {
    mitra
        .review_observation(
            &auth.actor,
            observation_id(&id)?,
            "rejected",
            Some(&form.reason),
        )
        .await?;
    Ok(done("/review", "review-rejected"))
}
