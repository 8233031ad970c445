//! `/api/v1/partnerships…`: city partnerships, their threads, activities, outcomes, calendars, yearly reports and
//! the registry export. Thin: each handler parses, calls the service and shapes the answer; who may do what is the
//! service's.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mitra_service::domain::partnership::{
    Action, ActivityInput, CalendarActivity, PartnershipId, YearSummary, icalendar,
};
use mitra_service::domain::text::spreadsheet_safe;
use mitra_service::domain::{CityId, Reason, ValidationError};
use mitra_service::{
    ActionInput, ActivityRecord, CityYearRow, HolidayWarning, Mitra, OutcomeView,
    PartnershipMessage, PartnershipRecord, PartnershipView, Places, Proposal,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params;
use super::problems::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, Unauthorized, UnsupportedMediaType,
};
use super::{ApiJson, ApiQuery, rfc3339};
use crate::auth::Auth;
use crate::error::ApiError;

/// A city as a partnership names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityRef {
    id: String,
    name_en: String,
    name_zh: Option<String>,
    /// ISO 3166-1 alpha-2.
    country: String,
}

fn city_ref(places: &Places, id: &CityId) -> CityRef {
    let city = places.cities.get(id);
    CityRef {
        id: id.to_string(),
        name_en: city.map_or_else(|| id.to_string(), |c| c.name_en.clone()),
        name_zh: city.and_then(|c| c.name_zh.clone()),
        country: city.map(|c| c.country.to_string()).unwrap_or_default(),
    }
}

/// A partnership.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipResponse {
    id: String,
    /// The proposing city (the first city of a recorded tie).
    proposer: CityRef,
    /// The invited city.
    invited: CityRef,
    /// `sister-city`, `friendship` or `cooperation`.
    kind: &'static str,
    /// `proposed`, `discussing`, `signed`, `active`, `dormant`, `completed` or `declined`.
    status: &'static str,
    /// `recorded` (from a published list: signed, date unknown) or `proposed` (in Mitra).
    origin: &'static str,
    /// For a recorded tie: the file and line, and the list's licence.
    source: Option<String>,
    title: String,
    /// The organisation that proposed it.
    proposed_by: Option<String>,
    /// YYYY-MM-DD, when the signing was recorded in Mitra.
    signed_on: Option<String>,
    signatories: Option<String>,
    /// An https:// address of the signed document.
    document: Option<String>,
    /// The signed agreement uploaded as a file (`POST /api/v1/partnerships/{id}/document`).
    document_file: Option<super::entries::AttachmentBody>,
    work_plan: Option<String>,
    /// YYYY-MM-DD: the last day of the latest activity, or the signing day.
    last_active_on: Option<String>,
    activities: u64,
    created_at: String,
    updated_at: String,
}

impl PartnershipResponse {
    fn new(p: &PartnershipRecord, places: &Places) -> Self {
        Self {
            id: p.id.to_string(),
            proposer: city_ref(places, &p.proposer),
            invited: city_ref(places, &p.invited),
            kind: p.kind.as_str(),
            status: p.status.as_str(),
            origin: p.origin.as_str(),
            source: p.source.clone(),
            title: p.title.clone(),
            proposed_by: p.proposed_by.as_ref().map(|o| o.name_en.clone()),
            signed_on: p.signing.as_ref().map(|s| s.signed_on.to_string()),
            signatories: p.signing.as_ref().map(|s| s.signatories.clone()),
            document: p.signing.as_ref().and_then(|s| s.document.clone()),
            document_file: p.document_file.clone().map(|f| {
                super::entries::file_body(format!("/api/v1/partnerships/{}/document", p.id), f)
            }),
            work_plan: p.work_plan.clone(),
            last_active_on: p.last_active_on.map(|d| d.to_string()),
            activities: p.activities,
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
        }
    }
}

/// A message of a partnership's thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipMessageResponse {
    position: u32,
    /// `proposer` or `invited`.
    side: &'static str,
    /// The author's display name.
    author: Option<String>,
    body: String,
    created_at: String,
}

impl From<&PartnershipMessage> for PartnershipMessageResponse {
    fn from(m: &PartnershipMessage) -> Self {
        Self {
            position: m.position,
            side: m.side.as_str(),
            author: m.author_name.clone(),
            body: m.body.clone(),
            created_at: rfc3339(m.created_at),
        }
    }
}

/// An activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityResponse {
    id: String,
    /// `exchange-visit`, `training`, `joint-project`, `meeting`, `festival`, `heritage`, `youth-exchange`, `sport`
    /// or `media`.
    kind: &'static str,
    /// Whether it is a cultural exchange (festival, heritage, youth exchange, sport, media).
    cultural: bool,
    title: String,
    /// YYYY-MM-DD.
    starts_on: String,
    ends_on: Option<String>,
    /// `proposer` or `invited`: the city that hosts it.
    host: Option<&'static str>,
    participants: Option<u32>,
    participant_names: Option<String>,
    description: Option<String>,
    /// The event entry that announces it.
    event: Option<String>,
    /// Who logged it.
    logged_by: Option<String>,
    logged_at: String,
}

impl From<&ActivityRecord> for ActivityResponse {
    fn from(a: &ActivityRecord) -> Self {
        let x = &a.activity;
        Self {
            id: a.id.clone(),
            kind: x.kind.as_str(),
            cultural: x.kind.is_cultural(),
            title: x.title.clone(),
            starts_on: x.starts_on.to_string(),
            ends_on: x.ends_on.map(|d| d.to_string()),
            host: x.host.map(|h| h.as_str()),
            participants: x.participants,
            participant_names: x.participant_names.clone(),
            description: x.description.clone(),
            event: a.event.as_ref().map(ToString::to_string),
            logged_by: a.author_name.clone(),
            logged_at: rfc3339(a.created_at),
        }
    }
}

/// An outcome with its values.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeResponse {
    city: String,
    indicator: String,
    title: String,
    unit: Option<String>,
    note: Option<String>,
    /// `[year, value]`: the latest value up to the signing year (or the first one after it).
    before: Option<(i32, f64)>,
    /// `[year, value]`: the latest value since, when later than `before`.
    after: Option<(i32, f64)>,
}

impl From<&OutcomeView> for OutcomeResponse {
    fn from(o: &OutcomeView) -> Self {
        Self {
            city: o.city.to_string(),
            indicator: o.indicator.to_string(),
            title: o.title.clone(),
            unit: o.unit.clone(),
            note: o.note.clone(),
            before: o.before,
            after: o.after,
        }
    }
}

/// A partnership with its thread (for its two cities' governments and platform admins), activities, outcomes, and
/// what the caller may do.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipDetail {
    partnership: PartnershipResponse,
    /// Null for readers who may not read the thread.
    messages: Option<Vec<PartnershipMessageResponse>>,
    activities: Vec<ActivityResponse>,
    outcomes: Vec<OutcomeResponse>,
    /// The side the caller acts for: `proposer`, `invited`, or null.
    side: Option<&'static str>,
    /// What the caller may do now: `write`, `log-activity`, `add-outcome`, and the actions (`accept`, `decline`,
    /// `withdraw`, `sign`, `activate`, `complete`) that apply.
    may: Vec<&'static str>,
}

impl PartnershipDetail {
    fn new(v: &PartnershipView, places: &Places) -> Self {
        let mut may = Vec::new();
        if v.may.write {
            may.push("write");
        }
        if v.may.log_activity {
            may.push("log-activity");
        }
        if v.may.add_outcome {
            may.push("add-outcome");
        }
        may.extend(v.may.allowed().into_iter().map(Action::as_str));
        Self {
            partnership: PartnershipResponse::new(&v.record, places),
            messages: v
                .messages
                .as_ref()
                .map(|m| m.iter().map(PartnershipMessageResponse::from).collect()),
            activities: v.activities.iter().map(ActivityResponse::from).collect(),
            outcomes: v.outcomes.iter().map(OutcomeResponse::from).collect(),
            side: v.side.map(|s| s.as_str()),
            may,
        }
    }
}

/// Which partnerships to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnershipParams {
    /// Only those of this city (either side).
    #[param(value_type = Option<params::Slug>, inline)]
    city: Option<String>,
    /// Only those at this status (see `status` of a partnership).
    #[param(value_type = Option<params::PartnershipStatusTag>, inline)]
    status: Option<String>,
    /// Only this kind.
    #[param(value_type = Option<params::PartnershipKindTag>, inline)]
    kind: Option<String>,
    /// Only `recorded` or `proposed` ones.
    #[param(value_type = Option<params::OriginTag>, inline)]
    origin: Option<String>,
    /// At most this many, 1 to 200 (default 50).
    #[param(value_type = Option<params::PartnershipLimit>, inline)]
    limit: Option<u32>,
    /// Skip this many (default 0), at most 1 000 000.
    #[param(value_type = Option<params::PartnershipOffset>, inline)]
    offset: Option<u64>,
}

/// The most partnerships a list may skip: more than any registry holds, and far from where a database's offsets
/// overflow.
pub(crate) const MAX_OFFSET: u64 = 1_000_000;

/// One page of partnerships.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipList {
    /// How many match in all.
    total: u64,
    partnerships: Vec<PartnershipResponse>,
}

/// Partnerships, most recently changed first: signed ones (recorded ties included) for everyone; proposals and
/// declined ones also for the two cities' governments and platform admins.
#[utoipa::path(get, path = "/api/v1/partnerships", tag = "partnerships",
    params(PartnershipParams),
    responses((status = 200, body = PartnershipList), (status = 400, response = BadRequest)))]
pub async fn list_partnerships(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiQuery(params): ApiQuery<PartnershipParams>,
) -> Result<Json<PartnershipList>, ApiError> {
    let mut filter = mitra_service::partnership_filter(
        params.city.as_deref(),
        params.status.as_deref(),
        params.kind.as_deref(),
        params.origin.as_deref(),
    )?;
    if let Some(limit) = params.limit {
        if !(1..=mitra_service::MAX_PARTNERSHIP_PAGE).contains(&limit) {
            return Err(ValidationError::new(
                "limit",
                Reason::whole_number_between(1, mitra_service::MAX_PARTNERSHIP_PAGE),
            )
            .into());
        }
        filter.limit = limit;
    }
    filter.offset = params.offset.unwrap_or(0);
    if filter.offset > MAX_OFFSET {
        return Err(
            ValidationError::new("offset", Reason::whole_number_between(0, MAX_OFFSET)).into(),
        );
    }
    let (records, total) = mitra.partnerships(&auth.actor, filter).await?;
    let places = mitra.places().await?;
    Ok(Json(PartnershipList {
        total,
        partnerships: records
            .iter()
            .map(|p| PartnershipResponse::new(p, &places))
            .collect(),
    }))
}

/// A partnership to propose.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProposalRequest {
    /// The proposing city; optional when the caller governs one city only.
    #[schema(value_type = Option<params::Slug>, inline)]
    proposer: Option<String>,
    /// The invited city.
    #[schema(value_type = params::Slug, inline)]
    invited: String,
    /// `sister-city`, `friendship` or `cooperation`.
    #[schema(value_type = params::PartnershipKindTag, inline)]
    kind: String,
    /// 1 to 200 characters.
    #[schema(value_type = params::Title, inline)]
    title: String,
    /// The first message: what you propose, 1 to 4 000 characters.
    #[schema(value_type = params::Message, inline)]
    message: String,
}

/// Propose a partnership from a city whose government the caller edits to another city; the invited city's
/// government is notified. One partnership per pair of cities is going at a time (a recorded tie included).
#[utoipa::path(post, path = "/api/v1/partnerships", tag = "partnerships", request_body = ProposalRequest,
    security(("bearer" = [])),
    responses((status = 201, body = PartnershipDetail), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 409, response = Conflict), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType)))]
pub async fn propose(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiJson(body): ApiJson<ProposalRequest>,
) -> Result<(StatusCode, Json<PartnershipDetail>), ApiError> {
    let id = mitra
        .propose_partnership(
            &auth.actor,
            &Proposal {
                proposer: body.proposer.as_deref().unwrap_or(""),
                invited: &body.invited,
                kind: &body.kind,
                title: &body.title,
                message: &body.message,
            },
        )
        .await?;
    let view = mitra.partnership(&auth.actor, &id).await?;
    let places = mitra.places().await?;
    Ok((
        StatusCode::CREATED,
        Json(PartnershipDetail::new(&view, &places)),
    ))
}

/// One partnership. A proposal not yet signed does not exist for readers other than its two cities' governments
/// and platform admins.
#[utoipa::path(get, path = "/api/v1/partnerships/{id}", tag = "partnerships",
    params(("id" = inline(params::Uuid), Path, description = "The partnership's id")),
    responses((status = 200, body = PartnershipDetail), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn get_partnership(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<PartnershipDetail>, ApiError> {
    let view = mitra
        .partnership(&auth.actor, &PartnershipId::parse(&id)?)
        .await?;
    let places = mitra.places().await?;
    Ok(Json(PartnershipDetail::new(&view, &places)))
}

/// A message for a partnership's thread.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PartnershipMessageRequest {
    /// 1 to 4 000 characters.
    #[schema(value_type = params::Message, inline)]
    message: String,
}

/// Where a partnership stands after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipStatusResponse {
    /// The status now.
    status: &'static str,
}

/// Write in a partnership's thread for the caller's city; the invited city's first answer moves a proposal to
/// `discussing`.
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/messages", tag = "partnerships",
    request_body = PartnershipMessageRequest, security(("bearer" = [])),
    params(("id" = inline(params::Uuid), Path, description = "The partnership's id")),
    responses((status = 200, body = PartnershipStatusResponse), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 409, response = Conflict),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType)))]
pub async fn write_message(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PartnershipMessageRequest>,
) -> Result<Json<PartnershipStatusResponse>, ApiError> {
    let id = PartnershipId::parse(&id)?;
    mitra
        .write_in_partnership(&auth.actor, &id, &body.message)
        .await?;
    let view = mitra.partnership(&auth.actor, &id).await?;
    Ok(Json(PartnershipStatusResponse {
        status: view.record.status.as_str(),
    }))
}

/// An action on a partnership.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionRequest {
    /// `accept` or `decline` (the invited city), `withdraw` (the proposer), `sign`, `activate` or `complete`
    /// (either city).
    #[schema(value_type = params::ActionTag, inline)]
    action: String,
    /// An optional message for the thread.
    message: Option<String>,
    /// `sign`: the day it was signed, YYYY-MM-DD, not in the future.
    signed_on: Option<String>,
    /// `sign`: who signed, for each city.
    signatories: Option<String>,
    /// `sign`: an https:// address of the signed document.
    document: Option<String>,
    /// `activate`: the work plan.
    work_plan: Option<String>,
}

/// Take an action for the caller's city: proposed → discussing (accept) → signed → active → completed; declined
/// (decline, withdraw) before signing; a dormant partnership may be activated again.
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/actions", tag = "partnerships",
    request_body = ActionRequest, security(("bearer" = [])),
    params(("id" = inline(params::Uuid), Path, description = "The partnership's id")),
    responses((status = 200, body = PartnershipStatusResponse), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 409, response = Conflict),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType)))]
pub async fn act(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ActionRequest>,
) -> Result<Json<PartnershipStatusResponse>, ApiError> {
    let id = PartnershipId::parse(&id)?;
    let action = Action::parse(&body.action)?;
    let status = mitra
        .act_on_partnership(
            &auth.actor,
            &id,
            action,
            &ActionInput {
                message: body.message.as_deref().unwrap_or(""),
                signed_on: body.signed_on.as_deref().unwrap_or(""),
                signatories: body.signatories.as_deref().unwrap_or(""),
                document: body.document.as_deref().unwrap_or(""),
                work_plan: body.work_plan.as_deref().unwrap_or(""),
            },
        )
        .await?;
    Ok(Json(PartnershipStatusResponse {
        status: status.as_str(),
    }))
}

/// An activity to log.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActivityRequest {
    /// `exchange-visit`, `training`, `joint-project`, `meeting`, `festival`, `heritage`, `youth-exchange`, `sport`
    /// or `media`.
    kind: String,
    /// 1 to 200 characters.
    title: String,
    /// YYYY-MM-DD.
    starts_on: String,
    /// YYYY-MM-DD, not before `starts_on`.
    ends_on: Option<String>,
    /// `proposer` or `invited`: the hosting city.
    host: Option<String>,
    /// 1 to 1 000 000.
    #[serde(default, deserialize_with = "super::optional_whole")]
    participants: Option<u32>,
    /// Delegations, schools, teams.
    participant_names: Option<String>,
    description: Option<String>,
    /// The id of an event entry that announces it.
    event: Option<String>,
}

/// The activity logged, and the public holidays of both cities' countries on its days.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityLogged {
    id: String,
    holidays: Vec<HolidayResponse>,
}

/// A public holiday on a day in question.
#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayResponse {
    /// YYYY-MM-DD.
    day: String,
    /// ISO 3166-1 alpha-2.
    country: String,
    /// Its English name (python-holidays, MIT).
    name: String,
}

impl From<&HolidayWarning> for HolidayResponse {
    fn from(h: &HolidayWarning) -> Self {
        Self {
            day: h.day.to_string(),
            country: h.country.to_string(),
            name: h.name.clone(),
        }
    }
}

/// Log an activity for the caller's city (an editor of either city's government): a signed or dormant
/// partnership becomes active. The answer lists public holidays of both countries on its days.
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/activities", tag = "partnerships",
    request_body = ActivityRequest, security(("bearer" = [])),
    params(("id" = inline(params::Uuid), Path, description = "The partnership's id")),
    responses((status = 201, body = ActivityLogged), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 409, response = Conflict),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType)))]
pub async fn log_activity(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ActivityRequest>,
) -> Result<(StatusCode, Json<ActivityLogged>), ApiError> {
    let id = PartnershipId::parse(&id)?;
    let participants = body.participants.map(|n| n.to_string()).unwrap_or_default();
    let (activity, holidays) = mitra
        .log_activity(
            &auth.actor,
            &id,
            &ActivityInput {
                kind: &body.kind,
                title: &body.title,
                starts_on: &body.starts_on,
                ends_on: body.ends_on.as_deref().unwrap_or(""),
                host: body.host.as_deref().unwrap_or(""),
                participants: &participants,
                participant_names: body.participant_names.as_deref().unwrap_or(""),
                description: body.description.as_deref().unwrap_or(""),
            },
            body.event.as_deref().unwrap_or(""),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ActivityLogged {
            id: activity,
            holidays: holidays.iter().map(HolidayResponse::from).collect(),
        }),
    ))
}

/// An outcome to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OutcomeRequest {
    /// One of the partnership's two cities.
    city: String,
    /// An indicator id, e.g. `iso37120-2014:8.1`.
    indicator: String,
    /// What the partners expect.
    note: Option<String>,
}

/// Add an indicator the partnership aims to move for one of its cities (or replace its note); its values before
/// and after are read from the city's data.
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/outcomes", tag = "partnerships",
    request_body = OutcomeRequest, security(("bearer" = [])),
    params(("id" = inline(params::Uuid), Path, description = "The partnership's id")),
    responses((status = 204), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 409, response = Conflict),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType)))]
pub async fn add_outcome(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OutcomeRequest>,
) -> Result<StatusCode, ApiError> {
    mitra
        .add_outcome(
            &auth.actor,
            &PartnershipId::parse(&id)?,
            &body.city,
            &body.indicator,
            body.note.as_deref().unwrap_or(""),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The iCalendar of a partnership's activities.
pub(crate) async fn calendar(
    mitra: &Mitra,
    actor: &mitra_service::domain::Actor,
    id: &PartnershipId,
) -> Result<Response, mitra_service::ServiceError> {
    let view = mitra.partnership(actor, id).await?;
    let places = mitra.places().await?;
    let name_of = |c: &CityId| city_ref(&places, c).name_en;
    let title = format!(
        "{} – {}",
        name_of(&view.record.proposer),
        name_of(&view.record.invited)
    );
    let url = format!("{}/partnerships/{id}", mitra.public_url());
    let hosts: Vec<Option<String>> = view
        .activities
        .iter()
        .map(|a| a.activity.host.map(|h| name_of(view.record.city(h))))
        .collect();
    let uids: Vec<String> = view
        .activities
        .iter()
        .map(|a| format!("{}@mitra", a.id))
        .collect();
    let items: Vec<CalendarActivity<'_>> = view
        .activities
        .iter()
        .zip(&hosts)
        .zip(&uids)
        .map(|((a, host), uid)| CalendarActivity {
            uid,
            activity: &a.activity,
            location: host.as_deref(),
            url: &url,
        })
        .collect();
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"partnership.ics\"",
            ),
        ],
        icalendar(&title, &items, &stamp),
    )
        .into_response())
}

/// Upload the signed agreement of a signed partnership (editors of either city's approved city-government
/// organisation): PDF, PNG, JPEG, WebP, CSV or text in UTF-8, Word, Excel or PowerPoint, recognised from the bytes;
/// at most 10 MiB. A new upload replaces the earlier file.
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/document", tag = "partnerships", security(("bearer" = [])),
    params(("id" = inline(params::Uuid), Path, description = "The partnership's id"), super::entries::FileNameParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses((status = 201, body = super::entries::AttachmentBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 409, response = Conflict),
              (status = 413, response = PayloadTooLarge)))]
pub async fn upload_document(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<super::entries::FileNameParams>,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<super::entries::AttachmentBody>), ApiError> {
    let id = PartnershipId::parse(&id)?;
    // Who may upload is known before the body is read.
    mitra.partnership_document_writer(&auth.actor, &id).await?;
    let bytes = super::entries::file_bytes(body).await?;
    let file = mitra
        .attach_partnership_document(&auth.actor, &id, &params.name, &bytes)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(super::entries::file_body(
            format!("/api/v1/partnerships/{id}/document"),
            file,
        )),
    ))
}

/// Download the uploaded signed agreement of a partnership (whoever may read the partnership).
#[utoipa::path(get, path = "/api/v1/partnerships/{id}/document", tag = "partnerships",
    params(("id" = inline(params::Uuid), Path, description = "The partnership's id")),
    responses((status = 200, description = "The file, typed as found from its bytes", content_type = "application/octet-stream", body = Vec<u8>),
              (status = 400, response = BadRequest), (status = 404, response = NotFound)))]
pub async fn download_document(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = PartnershipId::parse(&id)?;
    let (file, bytes) = mitra.partnership_document(&auth.actor, &id).await?;
    Ok(crate::files::download(&file, bytes))
}

/// A partnership's activities as an iCalendar (RFC 5545): one all-day event each, to subscribe to in any calendar.
#[utoipa::path(get, path = "/api/v1/partnerships/{id}/activities.ics", tag = "partnerships",
    params(("id" = inline(params::Uuid), Path, description = "The partnership's id")),
    responses((status = 200, content_type = "text/calendar", body = String),
              (status = 400, response = BadRequest), (status = 404, response = NotFound)))]
pub async fn activities_ics(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(calendar(&mitra, &auth.actor, &PartnershipId::parse(&id)?).await?)
}

/// Which year, in which format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// The year (default: this year).
    #[param(value_type = Option<params::Year>, inline)]
    year: Option<i32>,
    /// `json` (default) or `csv`.
    #[param(value_type = Option<params::Format>, inline)]
    format: Option<String>,
}

/// Sums of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearSummaryResponse {
    activities: u32,
    /// Of them, cultural exchanges.
    cultural: u32,
    /// Participants stated, summed.
    participants: u64,
    /// Activities that did not state their participants (so `participants` is a lower bound).
    participants_unknown: u32,
    /// Activities by kind.
    #[schema(value_type = Object)]
    by_kind: std::collections::BTreeMap<&'static str, u32>,
}

impl From<&YearSummary> for YearSummaryResponse {
    fn from(s: &YearSummary) -> Self {
        Self {
            activities: s.activities,
            cultural: s.cultural,
            participants: s.participants,
            participants_unknown: s.participants_unknown,
            by_kind: s.by_kind.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
        }
    }
}

/// A partnership's year.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipReport {
    year: i32,
    partnership: PartnershipResponse,
    summary: YearSummaryResponse,
    activities: Vec<ActivityResponse>,
    outcomes: Vec<OutcomeResponse>,
}

/// One CSV cell, safe to open in a spreadsheet.
fn cell(value: &str) -> String {
    spreadsheet_safe(value).into_owned()
}

/// A CSV download.
fn csv_response(body: Vec<u8>, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The CSV of a partnership's activities in a year.
pub(crate) fn activities_csv(activities: &[ActivityRecord]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "starts_on",
        "ends_on",
        "kind",
        "cultural",
        "title",
        "host",
        "participants",
        "participant_names",
        "event",
    ])?;
    for a in activities {
        let x = &a.activity;
        out.write_record([
            x.starts_on.to_string(),
            x.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            x.kind.as_str().to_owned(),
            x.kind.is_cultural().to_string(),
            cell(&x.title),
            x.host.map(|h| h.as_str().to_owned()).unwrap_or_default(),
            x.participants.map(|n| n.to_string()).unwrap_or_default(),
            cell(x.participant_names.as_deref().unwrap_or("")),
            a.event
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// A partnership's yearly report: its activities of the year, their sums, and its outcomes with their values.
#[utoipa::path(get, path = "/api/v1/partnerships/{id}/report", tag = "partnerships",
    params(("id" = inline(params::Uuid), Path, description = "The partnership's id"), ReportParams),
    responses((status = 200, description = "The year of the partnership: JSON, or with `format=csv` its activities as CSV", content((PartnershipReport = "application/json"), (String = "text/csv"))), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn partnership_report(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<ReportParams>,
) -> Result<Response, ApiError> {
    let id = PartnershipId::parse(&id)?;
    let (year, csv) = mitra_service::report_year_and_format(params.year, params.format.as_deref())?;
    let (view, report) = mitra.partnership_year(&auth.actor, &id, year).await?;
    if csv {
        let body = activities_csv(&report.activities)
            .map_err(|e| mitra_service::ServiceError::Internal(e.into()))?;
        return Ok(csv_response(body, &format!("partnership-{year}.csv")));
    }
    let places = mitra.places().await?;
    Ok(Json(PartnershipReport {
        year,
        partnership: PartnershipResponse::new(&view.record, &places),
        summary: YearSummaryResponse::from(&report.summary),
        activities: report
            .activities
            .iter()
            .map(ActivityResponse::from)
            .collect(),
        outcomes: view.outcomes.iter().map(OutcomeResponse::from).collect(),
    })
    .into_response())
}

/// One partnership of a city's year.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityYearRowResponse {
    partnership: PartnershipResponse,
    summary: YearSummaryResponse,
}

/// A city's year of partnerships.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityPartnershipReport {
    year: i32,
    city: CityRef,
    /// The busiest first.
    partnerships: Vec<CityYearRowResponse>,
}

/// The CSV of a city's year: one row per partnership.
pub(crate) fn city_year_csv(rows: &[CityYearRow], places: &Places) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "partnership",
        "proposer",
        "invited",
        "kind",
        "status",
        "origin",
        "title",
        "activities",
        "cultural",
        "participants",
        "participants_unknown",
    ])?;
    for row in rows {
        let p = &row.record;
        let s = &row.summary;
        out.write_record([
            p.id.to_string(),
            cell(&city_ref(places, &p.proposer).name_en),
            cell(&city_ref(places, &p.invited).name_en),
            p.kind.as_str().to_owned(),
            p.status.as_str().to_owned(),
            p.origin.as_str().to_owned(),
            cell(&p.title),
            s.activities.to_string(),
            s.cultural.to_string(),
            s.participants.to_string(),
            s.participants_unknown.to_string(),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// A city's yearly report: each of its partnerships the caller may see and what it did in the year.
#[utoipa::path(get, path = "/api/v1/cities/{id}/partnerships/report", tag = "partnerships",
    params(("id" = inline(params::Slug), Path, description = "City id, e.g. bangkok"), ReportParams),
    responses((status = 200, description = "The city's partnerships in the year: JSON, or with `format=csv` one CSV row per partnership", content((CityPartnershipReport = "application/json"), (String = "text/csv"))), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn city_report(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<ReportParams>,
) -> Result<Response, ApiError> {
    let city = CityId::parse(&id)?;
    let (year, csv) = mitra_service::report_year_and_format(params.year, params.format.as_deref())?;
    let rows = mitra
        .city_partnership_year(&auth.actor, &city, year)
        .await?;
    let places = mitra.places().await?;
    if csv {
        let body = city_year_csv(&rows, &places)
            .map_err(|e| mitra_service::ServiceError::Internal(e.into()))?;
        return Ok(csv_response(
            body,
            &format!("{city}-partnerships-{year}.csv"),
        ));
    }
    Ok(Json(CityPartnershipReport {
        year,
        city: city_ref(&places, &city),
        partnerships: rows
            .iter()
            .map(|r| CityYearRowResponse {
                partnership: PartnershipResponse::new(&r.record, &places),
                summary: YearSummaryResponse::from(&r.summary),
            })
            .collect(),
    })
    .into_response())
}

/// Which partnerships to export, in which format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Only those of this city.
    #[param(value_type = Option<params::Slug>, inline)]
    city: Option<String>,
    /// Only those at this status.
    #[param(value_type = Option<params::PartnershipStatusTag>, inline)]
    status: Option<String>,
    /// Only this kind.
    #[param(value_type = Option<params::PartnershipKindTag>, inline)]
    kind: Option<String>,
    /// Only `recorded` or `proposed` ones.
    #[param(value_type = Option<params::OriginTag>, inline)]
    origin: Option<String>,
    /// `json` (default) or `csv`.
    #[param(value_type = Option<params::Format>, inline)]
    format: Option<String>,
}

/// The CSV of the registry.
pub(crate) fn registry_csv(
    records: &[PartnershipRecord],
    places: &Places,
) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "id",
        "proposer",
        "proposer_country",
        "invited",
        "invited_country",
        "kind",
        "status",
        "origin",
        "title",
        "signed_on",
        "last_active_on",
        "activities",
        "source",
    ])?;
    for p in records {
        let (a, b) = (city_ref(places, &p.proposer), city_ref(places, &p.invited));
        out.write_record([
            p.id.to_string(),
            cell(&a.name_en),
            a.country,
            cell(&b.name_en),
            b.country,
            p.kind.as_str().to_owned(),
            p.status.as_str().to_owned(),
            p.origin.as_str().to_owned(),
            cell(&p.title),
            p.signing
                .as_ref()
                .map(|s| s.signed_on.to_string())
                .unwrap_or_default(),
            p.last_active_on.map(|d| d.to_string()).unwrap_or_default(),
            p.activities.to_string(),
            cell(p.source.as_deref().unwrap_or("")),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// `{"partnerships": […]}`: the whole registry the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipExport {
    partnerships: Vec<PartnershipResponse>,
}

/// The registry of partnerships the caller may see, whole, as JSON or CSV (every cell safe to open in a
/// spreadsheet).
#[utoipa::path(get, path = "/api/v1/partnerships/export", tag = "partnerships",
    params(ExportParams),
    responses((status = 200, description = "The partnerships: JSON, or with `format=csv` one CSV row each", content((PartnershipExport = "application/json"), (String = "text/csv"))), (status = 400, response = BadRequest)))]
pub async fn export(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let filter = mitra_service::partnership_filter(
        params.city.as_deref(),
        params.status.as_deref(),
        params.kind.as_deref(),
        params.origin.as_deref(),
    )?;
    let (_, csv) = mitra_service::report_year_and_format(None, params.format.as_deref())?;
    let records = mitra.all_partnerships(&auth.actor, filter).await?;
    let places = mitra.places().await?;
    if csv {
        let body = registry_csv(&records, &places)
            .map_err(|e| mitra_service::ServiceError::Internal(e.into()))?;
        return Ok(csv_response(body, "mitra-partnerships.csv"));
    }
    Ok(Json(PartnershipExport {
        partnerships: records
            .iter()
            .map(|p| PartnershipResponse::new(p, &places))
            .collect(),
    })
    .into_response())
}
