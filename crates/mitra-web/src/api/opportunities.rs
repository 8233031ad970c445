//! `/api/v1/opportunities`: projects, solutions and funding calls together, with the filters their users ask for.
//! Thin: the query is parsed in the domain, listed by the service, shaped here.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use mitra_service::domain::opportunity::OpportunityQuery;
use mitra_service::{Mitra, Opportunity, OpportunityPage};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::entries::EntryResponse;
use super::interests::OrgRef;
use super::params;
use super::problems::BadRequest;
use crate::error::ApiError;

/// The filters of the listing. Every filter but the amounts, dates, sort and paging may repeat; values of one
/// filter are alternatives, different filters all apply. Filters on a stage, maturity, instrument, readiness or
/// deadline list only the kind that has it.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the parameters; the handler reads the raw query so that filters may repeat"
)]
pub struct OpportunityParams {
    /// `project`, `solution` or `funding`.
    #[param(value_type = Option<params::OpportunityKind>, inline)]
    kind: Option<String>,
    /// A project's stage: `idea`, `feasibility`, `procurement`, `implementation`, `operation`.
    #[param(value_type = Option<params::Stage>, inline)]
    stage: Option<String>,
    /// A solution's maturity: `prototype`, `pilot`, `deployed`, `scaled`.
    #[param(value_type = Option<params::MaturityTag>, inline)]
    maturity: Option<String>,
    /// A call's instrument: `grant`, `loan`, `equity`, `guarantee`, `technical-assistance`.
    #[param(value_type = Option<params::InstrumentTag>, inline)]
    instrument: Option<String>,
    /// Readiness a project must have (all of those given): `in-city-plan`, `feasibility-study`, `cost-estimate`…
    #[param(value_type = Option<params::ReadinessTag>, inline)]
    readiness: Option<String>,
    /// ASCN focus area id.
    #[param(value_type = Option<params::FocusArea>, inline)]
    focus_area: Option<String>,
    /// One of the statement's challenges.
    #[param(value_type = Option<params::ChallengeTag>, inline)]
    challenge: Option<String>,
    /// ISO 3166-1 alpha-2 code: an entry's cities' country, or a country a call is open to.
    #[param(value_type = Option<params::Country>, inline)]
    country: Option<String>,
    /// City id.
    #[param(value_type = Option<params::Slug>, inline)]
    city: Option<String>,
    /// Least amount in US dollars (converted at the rates of `fx.date`); entries without a convertible amount are
    /// left out and counted in `unconverted`.
    #[param(minimum = 0)]
    min_usd: Option<f64>,
    /// Most amount in US dollars; not below `min_usd`, or the listing is refused naming `min_usd`.
    #[param(minimum = 0)]
    max_usd: Option<f64>,
    /// `true`: only calls with no deadline or one not passed.
    open: Option<bool>,
    /// Only calls closing on or before this date (`YYYY-MM-DD`).
    #[param(value_type = Option<params::Day>, inline)]
    closing_by: Option<String>,
    /// `newest` (default), `deadline`, `amount` or `title`.
    #[param(value_type = Option<params::SortTag>, inline)]
    sort: Option<String>,
    /// 1-based page, up to 10 000.
    #[param(minimum = 1, maximum = 10000)]
    page: Option<u32>,
    /// Opportunities per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    /// The reader's language, for sorting by title.
    #[param(value_type = Option<params::ContentLang>, inline)]
    lang: Option<String>,
}

/// The exchange rates amounts are compared at.
#[derive(Debug, Serialize, ToSchema)]
pub struct FxResponse {
    /// The date of the rates.
    date: String,
    /// Who publishes them.
    source: &'static str,
    /// Always `USD`.
    currency: &'static str,
}

/// One opportunity.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityResponse {
    /// The entry.
    #[serde(flatten)]
    entry: EntryResponse,
    /// The publishing organisation; null for entries shipped with the platform.
    publisher: Option<OrgRef>,
    /// The smallest amount in US dollars (a project's capital sought, a call's smallest award); null when none is
    /// stated or its currency has no rate.
    usd_min: Option<f64>,
    /// The largest amount in US dollars.
    usd_max: Option<f64>,
}

impl From<&Opportunity> for OpportunityResponse {
    fn from(o: &Opportunity) -> Self {
        Self {
            entry: EntryResponse::from(&o.listing.stored),
            publisher: o.publisher.as_ref().map(OrgRef::from),
            usd_min: o.listing.usd_min.map(round_cents),
            usd_max: o.listing.usd_max.map(round_cents),
        }
    }
}

fn round_cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// A page of opportunities.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityListResponse {
    opportunities: Vec<OpportunityResponse>,
    /// How many match in all.
    total: usize,
    page: usize,
    per_page: usize,
    /// The rates amounts were converted at.
    fx: FxResponse,
    /// Opportunities an amount filter left out because their currency has no rate.
    unconverted: usize,
}

impl From<&OpportunityPage> for OpportunityListResponse {
    fn from(p: &OpportunityPage) -> Self {
        Self {
            opportunities: p.items.iter().map(OpportunityResponse::from).collect(),
            total: p.total,
            page: p.query.page,
            per_page: p.query.per_page,
            fx: FxResponse {
                date: p.fx_date.clone(),
                source: p.fx_source,
                currency: "USD",
            },
            unconverted: p.unconverted,
        }
    }
}

/// List opportunities: projects seeking capital, technology or partners, solutions on offer and funding calls.
#[utoipa::path(get, path = "/api/v1/opportunities", tag = "opportunities", params(OpportunityParams),
    responses((status = 200, body = OpportunityListResponse), (status = 400, response = BadRequest)))]
pub async fn list_opportunities(
    State(mitra): State<Mitra>,
    uri: Uri,
) -> Result<Json<OpportunityListResponse>, ApiError> {
    let pairs = super::query_pairs(uri.query())?;
    let query = OpportunityQuery::parse(&pairs, &["lang"])?;
    let lang = super::content_language(&pairs)?;
    let page = mitra
        .opportunities(query, lang, time::OffsetDateTime::now_utc().date())
        .await?;
    Ok(Json(OpportunityListResponse::from(&page)))
}
