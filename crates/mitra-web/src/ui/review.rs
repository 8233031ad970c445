//! The verifiers' review queue: submitted observations, verified or rejected with a reason. Only the service
//! decides who is a verifier.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mitra_service::domain::{Observation, ObservationStatus};
use mitra_service::{Mitra, ObservationPage, ObservationQuery};
use serde::Deserialize;

use super::format::{encode, number};
use super::forms::{CsrfOnly, has_csrf};
use super::{Layout, done, render};
use crate::auth::{Auth, CsrfForm};
use crate::error::PageError;

/// The review page's filters and page.
#[derive(Debug, Default, Deserialize)]
pub struct ReviewParams {
    status: Option<String>,
    city: Option<String>,
    cursor: Option<String>,
}

struct Row {
    id: i64,
    city: String,
    /// The city's name in the reader's language, and the language it is in.
    city_name: (String, &'static str),
    indicator: String,
    /// The indicator's title in the reader's language.
    title: super::format::Title,
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

impl Row {
    fn build(o: &Observation, l: &Layout, names: &Names) -> Self {
        let city = names.places.cities.get(&o.city_id);
        Self {
            id: o.id,
            city: o.city_id.to_string(),
            city_name: city.map_or_else(
                || (o.city_id.to_string(), "en"),
                |c| {
                    (
                        crate::ui::format::city_name(c, l.lang).to_owned(),
                        crate::ui::format::city_name_language(c, l.lang).tag(),
                    )
                },
            ),
            indicator: o.indicator_id.to_string(),
            title: super::format::Title::of_id(
                names.indicators.get(&o.indicator_id),
                o.indicator_id.as_str(),
                l.lang,
            ),
            year: o.year,
            value: number(o.value, l.lang),
            unit: o.unit.clone().unwrap_or_default(),
            original: o
                .original_value
                .zip(o.original_unit.as_ref())
                .map(|(v, u)| format!("{} {u}", number(v, l.lang))),
            source: o.source.clone(),
            note: o.note.clone().unwrap_or_default(),
            status: l.t2("observation-status", o.status.as_str()),
            reason: o.status_reason.clone().unwrap_or_default(),
            pending: o.status == ObservationStatus::Submitted,
        }
    }
}

/// What names the rows: the cities and the indicators.
struct Names {
    places: std::sync::Arc<mitra_service::Places>,
    indicators: std::collections::HashMap<
        mitra_service::domain::IndicatorId,
        mitra_service::domain::Indicator,
    >,
}

impl ReviewPage {
    /// A page of the observations of `status` (and city) found, with the link to the next page.
    fn build(
        l: Layout,
        params: &ReviewParams,
        status: &str,
        page: &ObservationPage,
        names: &Names,
    ) -> Self {
        let l = l.titled("review", "review-title");
        let city = params.city.clone().unwrap_or_default();
        Self {
            rows: page
                .observations
                .iter()
                .map(|o| Row::build(o, &l, names))
                .collect(),
            statuses: ["submitted", "verified", "rejected"]
                .iter()
                .map(|s| (s.to_string(), l.t2("observation-status", s), *s == status))
                .collect(),
            next_href: page.next_cursor.as_ref().map(|c| {
                format!(
                    "/review?status={}&city={}&cursor={}",
                    encode(status),
                    encode(&city),
                    encode(c)
                )
            }),
            city,
            l,
        }
    }
}

impl ReviewParams {
    /// The status asked for; submitted observations when none is.
    fn status(&self) -> String {
        self.status
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "submitted".into())
    }

    fn query(&self) -> ObservationQuery {
        ObservationQuery {
            status: Some(self.status()),
            city: self.city.clone().filter(|c| !c.is_empty()),
            cursor: self.cursor.clone(),
            ..ObservationQuery::default()
        }
    }
}

/// `GET /review`: verifiers only.
pub async fn show_review(
    State(mitra): State<Mitra>,
    l: Layout,
    Query(params): Query<ReviewParams>,
) -> Result<Response, PageError> {
    let page = mitra.review_queue(l.actor(), &params.query()).await?;
    let names = Names {
        places: mitra.places().await?,
        indicators: mitra.all_indicators().await?,
    };
    Ok(render(&ReviewPage::build(
        l,
        &params,
        &params.status(),
        &page,
        &names,
    )))
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
