//! `/api/v1/entries/{id}/interests`, `/api/v1/interests…` and `/api/v1/notifications…`: expressions of interest in
//! opportunities, their threads, and the caller's notifications and mail settings. Thin: each handler parses, calls
//! the service once and shapes the answer; who may do what is the service's.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mitra_service::domain::interest::{Decision, InterestId, MailFrequency};
use mitra_service::domain::{EntryId, OrgId};
use mitra_service::{
    InterestMessage, InterestRecord, Mitra, NotificationAbout, NotificationRecord, Thread,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::params;
use super::problems::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, Unauthorized, UnsupportedMediaType,
};
use super::{ApiJson, rfc3339};
use crate::auth::Auth;
use crate::error::ApiError;

/// An organisation as a thread names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgRef {
    id: String,
    name_en: String,
    name_zh: Option<String>,
}

impl From<&mitra_service::OrgName> for OrgRef {
    fn from(org: &mitra_service::OrgName) -> Self {
        Self {
            id: org.id.to_string(),
            name_en: org.name_en.clone(),
            name_zh: org.name_zh.clone(),
        }
    }
}

/// An expression of interest and where its thread stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterestResponse {
    id: String,
    /// The opportunity's entry id.
    entry: String,
    /// The organisation that publishes the opportunity.
    publisher: Option<OrgRef>,
    /// The organisation that expressed interest.
    interested: OrgRef,
    /// `open`, `in-discussion`, `agreed` or `closed`.
    status: &'static str,
    /// Messages in the thread.
    messages: u64,
    /// RFC 3339.
    created_at: String,
    /// RFC 3339: the last message or decision.
    updated_at: String,
}

impl From<&InterestRecord> for InterestResponse {
    fn from(i: &InterestRecord) -> Self {
        Self {
            id: i.id.to_string(),
            entry: i.entry.to_string(),
            publisher: i.publisher.as_ref().map(OrgRef::from),
            interested: OrgRef::from(&i.interested),
            status: i.status.as_str(),
            messages: i.messages,
            created_at: rfc3339(i.created_at),
            updated_at: rfc3339(i.updated_at),
        }
    }
}

/// One message; authors are named, never given by address.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageResponse {
    /// From 1.
    position: u32,
    /// `interested` or `publisher`.
    side: &'static str,
    /// The author's display name; null for the operator or a deleted account.
    author: Option<String>,
    body: String,
    /// RFC 3339.
    created_at: String,
}

impl From<&InterestMessage> for MessageResponse {
    fn from(m: &InterestMessage) -> Self {
        Self {
            position: m.position,
            side: m.side.as_str(),
            author: m.author_name.clone(),
            body: m.body.clone(),
            created_at: rfc3339(m.created_at),
        }
    }
}

/// A thread with its messages and what the caller may do in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadResponse {
    interest: InterestResponse,
    messages: Vec<MessageResponse>,
    /// The side the caller writes for; null for a reader who is no party (a platform admin).
    side: Option<&'static str>,
    /// What the caller may do now: any of `write`, `accept`, `decline`, `withdraw`.
    may: Vec<&'static str>,
}

impl From<&Thread> for ThreadResponse {
    fn from(t: &Thread) -> Self {
        let may = [
            (t.may.write, "write"),
            (t.may.accept, "accept"),
            (t.may.decline, "decline"),
            (t.may.withdraw, "withdraw"),
        ]
        .into_iter()
        .filter_map(|(allowed, name)| allowed.then_some(name))
        .collect();
        Self {
            interest: InterestResponse::from(&t.interest),
            messages: t.messages.iter().map(MessageResponse::from).collect(),
            side: t.side.map(|s| s.as_str()),
            may,
        }
    }
}

/// `{"interests": […]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct InterestList {
    interests: Vec<InterestResponse>,
}

/// An expression of interest to send.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewInterestRequest {
    /// The id of the caller's organisation that expresses interest (any member of an approved organisation).
    #[schema(value_type = params::Slug, inline)]
    org: String,
    /// The first message: who you are and what you propose, 1 to 4 000 characters.
    #[schema(value_type = params::Message, inline)]
    message: String,
}

/// A message to write in a thread.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MessageRequest {
    /// 1 to 4 000 characters.
    #[schema(value_type = params::Message, inline)]
    message: String,
}

/// A decision in a thread.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// `accept` or `decline` (the publisher), `withdraw` (the interested organisation).
    #[schema(value_type = params::DecisionTag, inline)]
    decision: String,
    /// An optional message that goes with it.
    message: Option<String>,
}

/// Where a thread stands after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusResponse {
    /// `open`, `in-discussion`, `agreed` or `closed`.
    status: &'static str,
}

/// Express an organisation's interest in an opportunity (a project, solution or funding call) with a first
/// message; the publisher's editors are notified. One thread per opportunity and organisation at a time.
#[utoipa::path(post, path = "/api/v1/entries/{id}/interests", tag = "opportunities", request_body = NewInterestRequest,
    security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Entry id of a project, solution or funding call")),
    responses((status = 201, body = ThreadResponse), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 409, response = Conflict),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType)))]
pub async fn express_interest(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewInterestRequest>,
) -> Result<(StatusCode, Json<ThreadResponse>), ApiError> {
    let entry = EntryId::parse(&id)?;
    let org = OrgId::parse(&body.org)?;
    let created = mitra
        .express_interest(&auth.actor, &entry, &org, &body.message)
        .await?;
    let thread = mitra.thread(&auth.actor, &created).await?;
    Ok((StatusCode::CREATED, Json(ThreadResponse::from(&thread))))
}

/// The threads the caller is a party to (every thread, for platform admins), most recently changed first.
#[utoipa::path(get, path = "/api/v1/interests", tag = "opportunities", security(("bearer" = [])),
    responses((status = 200, body = InterestList), (status = 401, response = Unauthorized)))]
pub async fn list_interests(
    State(mitra): State<Mitra>,
    auth: Auth,
) -> Result<Json<InterestList>, ApiError> {
    let found = mitra.inbox(&auth.actor).await?;
    Ok(Json(InterestList {
        interests: found.iter().map(InterestResponse::from).collect(),
    }))
}

/// One thread with its messages. To anyone but its parties and platform admins it does not exist.
#[utoipa::path(get, path = "/api/v1/interests/{id}", tag = "opportunities", security(("bearer" = [])),
    params(("id" = inline(params::Uuid), Path, description = "The expression of interest's id")),
    responses((status = 200, body = ThreadResponse), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
pub async fn get_interest(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ThreadResponse>, ApiError> {
    let thread = mitra.thread(&auth.actor, &InterestId::parse(&id)?).await?;
    Ok(Json(ThreadResponse::from(&thread)))
}

/// Write in a thread for the caller's side; the publisher's first answer moves it to `in-discussion`.
#[utoipa::path(post, path = "/api/v1/interests/{id}/messages", tag = "opportunities", request_body = MessageRequest,
    security(("bearer" = [])),
    params(("id" = inline(params::Uuid), Path, description = "The expression of interest's id")),
    responses((status = 200, body = StatusResponse), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 409, response = Conflict),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType)))]
pub async fn write_message(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MessageRequest>,
) -> Result<Json<StatusResponse>, ApiError> {
    let status = mitra
        .write_in_thread(&auth.actor, &InterestId::parse(&id)?, &body.message)
        .await?;
    Ok(Json(StatusResponse {
        status: status.as_str(),
    }))
}

/// Accept or decline (the publisher) or withdraw (the interested organisation), with an optional message.
#[utoipa::path(post, path = "/api/v1/interests/{id}/decision", tag = "opportunities", request_body = DecisionRequest,
    security(("bearer" = [])),
    params(("id" = inline(params::Uuid), Path, description = "The expression of interest's id")),
    responses((status = 200, body = StatusResponse), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 409, response = Conflict),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType)))]
pub async fn decide(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> Result<Json<StatusResponse>, ApiError> {
    let decision = Decision::parse(&body.decision)?;
    let status = mitra
        .decide(
            &auth.actor,
            &InterestId::parse(&id)?,
            decision,
            body.message.as_deref(),
        )
        .await?;
    Ok(Json(StatusResponse {
        status: status.as_str(),
    }))
}

/// A notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResponse {
    /// Increasing; mark read up to it.
    id: i64,
    /// `interest-received`, `message-received`, `interest-accepted`, `interest-declined`, `interest-withdrawn`
    /// (threads about opportunities), `partnership-proposed`, `partnership-message`, `partnership-changed`,
    /// `activity-logged` or `partnership-dormant` (city partnerships).
    kind: &'static str,
    /// The thread's id, for a notification about an expression of interest.
    interest: Option<String>,
    /// The opportunity's entry id, for a notification about an expression of interest.
    entry: Option<String>,
    /// The partnership's id, for a notification about a city partnership.
    partnership: Option<String>,
    /// The organisation whose action it reports; absent when Mitra itself tells (a dormancy alert).
    from: Option<OrgRef>,
    /// RFC 3339.
    created_at: String,
    read: bool,
}

impl From<&NotificationRecord> for NotificationResponse {
    fn from(n: &NotificationRecord) -> Self {
        Self {
            id: n.id,
            kind: n.kind.as_str(),
            interest: match &n.about {
                NotificationAbout::Interest { interest, .. } => Some(interest.to_string()),
                NotificationAbout::Partnership { .. } => None,
            },
            entry: match &n.about {
                NotificationAbout::Interest { entry, .. } => Some(entry.to_string()),
                NotificationAbout::Partnership { .. } => None,
            },
            partnership: match &n.about {
                NotificationAbout::Partnership { partnership, .. } => Some(partnership.to_string()),
                NotificationAbout::Interest { .. } => None,
            },
            from: n.from.as_ref().map(OrgRef::from),
            created_at: rfc3339(n.created_at),
            read: n.read_at.is_some(),
        }
    }
}

/// The caller's newest notifications.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    /// How many are unread in all.
    unread: u64,
    /// The newest 50, newest first.
    notifications: Vec<NotificationResponse>,
}

/// The caller's newest notifications, and how many are unread.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = NotificationList), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden)))]
pub async fn list_notifications(
    State(mitra): State<Mitra>,
    auth: Auth,
) -> Result<Json<NotificationList>, ApiError> {
    let (found, unread) = mitra.notifications(&auth.actor, 50).await?;
    Ok(Json(NotificationList {
        unread,
        notifications: found.iter().map(NotificationResponse::from).collect(),
    }))
}

/// Which notifications to mark read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReadRequest {
    /// Every notification with this number or lower is marked read.
    #[serde(deserialize_with = "super::whole")]
    up_to: i64,
}

/// How many notifications were marked read.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadResponse {
    read: u64,
}

/// Mark the caller's notifications read up to a number.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "accounts", request_body = ReadRequest,
    security(("bearer" = [])),
    responses((status = 200, body = ReadResponse), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType)))]
pub async fn mark_read(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiJson(body): ApiJson<ReadRequest>,
) -> Result<Json<ReadResponse>, ApiError> {
    let read = mitra
        .mark_notifications_read(&auth.actor, body.up_to)
        .await?;
    Ok(Json(ReadResponse { read }))
}

/// How often the caller is mailed about notifications.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MailSettingsBody {
    /// `never`, `immediately`, `daily` (the default) or `weekly`.
    #[schema(value_type = params::MailTag, inline)]
    mail: String,
}

/// How often the caller is mailed about notifications.
#[utoipa::path(get, path = "/api/v1/account/notification-settings", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = MailSettingsBody), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden)))]
pub async fn get_mail_settings(
    State(mitra): State<Mitra>,
    auth: Auth,
) -> Result<Json<MailSettingsBody>, ApiError> {
    let frequency = mitra.mail_frequency(&auth.actor).await?;
    Ok(Json(MailSettingsBody {
        mail: frequency.as_str().to_owned(),
    }))
}

/// Set how often the caller is mailed: each notification at once, a daily or weekly digest, or never.
#[utoipa::path(put, path = "/api/v1/account/notification-settings", tag = "accounts", request_body = MailSettingsBody,
    security(("bearer" = [])),
    responses((status = 200, body = MailSettingsBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType)))]
pub async fn set_mail_settings(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiJson(body): ApiJson<MailSettingsBody>,
) -> Result<Json<MailSettingsBody>, ApiError> {
    let frequency = MailFrequency::parse(&body.mail)?;
    mitra.set_mail_frequency(&auth.actor, frequency).await?;
    Ok(Json(MailSettingsBody {
        mail: frequency.as_str().to_owned(),
    }))
}
