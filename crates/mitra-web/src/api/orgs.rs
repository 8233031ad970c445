//! `/api/v1/organisations`: the public list and profiles, registration, editing, moderation and members.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mitra_service::domain::{OrgId, Organisation};
use mitra_service::{Mitra, OrgInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params;
use super::problems::{BadRequest, Forbidden, NotFound, Unauthorized};
use super::{ApiJson, ApiQuery, LocalizedText};
use crate::auth::Auth;
use crate::error::ApiError;

/// An organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationResponse {
    id: String,
    /// `city-government`, `national-ministry`, `research-institution`, `enterprise`, `startup`, `investor`,
    /// `multilateral-institution`, `ngo` or `training-provider`.
    kind: String,
    #[schema(value_type = Object)]
    name: LocalizedText,
    country: String,
    city: Option<String>,
    website: Option<String>,
    #[schema(value_type = Object)]
    description: LocalizedText,
    /// `pending`, `approved` or `rejected`.
    status: String,
    /// Why it was rejected (shown to its members).
    rejection_reason: Option<String>,
}

impl From<&Organisation> for OrganisationResponse {
    fn from(o: &Organisation) -> Self {
        let p = &o.profile;
        let pair = |en: &str, zh: &Option<String>| {
            let mut text = LocalizedText::from([("en".to_owned(), en.to_owned())]);
            if let Some(zh) = zh {
                text.insert("zh-Hans".into(), zh.clone());
            }
            text
        };
        Self {
            id: o.id.to_string(),
            kind: o.kind.as_str().into(),
            name: pair(&p.name_en, &p.name_zh),
            country: p.country.to_string(),
            city: p.city.as_ref().map(|c| c.to_string()),
            website: p.website.clone(),
            description: pair(&p.description_en, &p.description_zh),
            status: o.status.as_str().into(),
            rejection_reason: o.rejection_reason.clone(),
        }
    }
}

/// `{"organisation": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationEnvelope {
    organisation: OrganisationResponse,
}

/// `{"organisations": […], "next_cursor": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationListResponse {
    organisations: Vec<OrganisationResponse>,
    /// The id to pass as `after` for the next page; null on the last page.
    next_cursor: Option<String>,
}

/// Paging of the organisation list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgListParams {
    /// `next_cursor` of the previous page.
    after: Option<String>,
}

/// An organisation's profile, to register or change it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrganisationRequest {
    /// Kind (ignored when changing a profile).
    #[serde(default)]
    #[schema(value_type = params::OrgKindTag, inline)]
    kind: String,
    #[schema(value_type = params::OrgName, inline)]
    name_en: String,
    #[schema(value_type = Option<params::Line200>, inline)]
    name_zh: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(value_type = params::Country, inline)]
    country: String,
    /// City id; required for a city government.
    #[schema(value_type = Option<params::Slug>, inline)]
    city: Option<String>,
    /// https:// address.
    #[schema(value_type = Option<params::Website>, inline)]
    website: Option<String>,
    #[serde(default)]
    #[schema(value_type = params::Text5000, inline)]
    description_en: String,
    #[schema(value_type = Option<params::Text5000>, inline)]
    description_zh: Option<String>,
}

impl OrganisationRequest {
    fn input(self) -> OrgInput {
        OrgInput {
            kind: self.kind,
            name_en: self.name_en,
            name_zh: self.name_zh,
            country: self.country,
            city: self.city,
            website: self.website,
            description_en: self.description_en,
            description_zh: self.description_zh,
        }
    }
}

/// Why an organisation is rejected.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RejectRequest {
    #[schema(value_type = params::Said, inline)]
    reason: String,
}

/// Someone to invite, by e-mail address, with the role they will have.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MemberRequest {
    #[schema(value_type = params::Email, inline)]
    email: String,
    /// `admin`, `editor` or `member`.
    #[schema(value_type = params::MemberRoleTag, inline)]
    role: String,
}

/// An invitation sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationResponse {
    /// The address invited.
    email: String,
    /// The role offered.
    role: String,
    /// The organisation.
    organisation: String,
}

/// `{"invitation": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationEnvelope {
    invitation: InvitationResponse,
}

const PAGE: u32 = 100;

/// List approved organisations, by id.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", params(OrgListParams),
    responses((status = 200, body = OrganisationListResponse)))]
pub async fn list_organisations(
    State(mitra): State<Mitra>,
    ApiQuery(params): ApiQuery<OrgListParams>,
) -> Result<Json<OrganisationListResponse>, ApiError> {
    let orgs = mitra
        .list_organisations(params.after.as_deref(), PAGE)
        .await?;
    let next_cursor = (orgs.len() == PAGE as usize)
        .then(|| orgs.last().map(|o| o.id.to_string()))
        .flatten();
    Ok(Json(OrganisationListResponse {
        organisations: orgs.iter().map(OrganisationResponse::from).collect(),
        next_cursor,
    }))
}

/// Get one organisation (pending and rejected ones only for their members and platform admins).
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations", params(("id" = inline(params::Slug), Path, description = "Organisation id")),
    responses((status = 200, body = OrganisationEnvelope), (status = 404, response = NotFound)))]
pub async fn get_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<OrganisationEnvelope>, ApiError> {
    let id = OrgId::parse(&id)?;
    let org = mitra.get_organisation(&auth.actor, &id).await?;
    Ok(Json(OrganisationEnvelope {
        organisation: OrganisationResponse::from(&org),
    }))
}

/// Register an organisation; the token's account becomes its admin. It waits for review.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", request_body = OrganisationRequest, security(("bearer" = [])),
    responses((status = 201, body = OrganisationEnvelope), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub async fn create_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiJson(body): ApiJson<OrganisationRequest>,
) -> Result<(StatusCode, Json<OrganisationEnvelope>), ApiError> {
    let org = mitra
        .create_organisation(&auth.actor, &body.input())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(OrganisationEnvelope {
            organisation: OrganisationResponse::from(&org),
        }),
    ))
}

/// Change an organisation's profile (its editors and admins).
#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "organisations", request_body = OrganisationRequest, security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Organisation id")),
    responses((status = 200, body = OrganisationEnvelope), (status = 403, response = Forbidden)))]
pub async fn update_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OrganisationRequest>,
) -> Result<Json<OrganisationEnvelope>, ApiError> {
    let id = OrgId::parse(&id)?;
    let org = mitra
        .update_organisation(&auth.actor, &id, &body.input())
        .await?;
    Ok(Json(OrganisationEnvelope {
        organisation: OrganisationResponse::from(&org),
    }))
}

/// Approve a waiting organisation (platform admins).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/approve", tag = "organisations", security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Organisation id")),
    responses((status = 200, body = OrganisationEnvelope), (status = 403, response = Forbidden)))]
pub async fn approve_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<OrganisationEnvelope>, ApiError> {
    let id = OrgId::parse(&id)?;
    let org = mitra.approve_organisation(&auth.actor, &id).await?;
    Ok(Json(OrganisationEnvelope {
        organisation: OrganisationResponse::from(&org),
    }))
}

/// Reject an organisation with a reason its members will see (platform admins).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/reject", tag = "organisations", request_body = RejectRequest, security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Organisation id")),
    responses((status = 200, body = OrganisationEnvelope), (status = 403, response = Forbidden)))]
pub async fn reject_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RejectRequest>,
) -> Result<Json<OrganisationEnvelope>, ApiError> {
    let id = OrgId::parse(&id)?;
    let org = mitra
        .reject_organisation(&auth.actor, &id, &body.reason)
        .await?;
    Ok(Json(OrganisationEnvelope {
        organisation: OrganisationResponse::from(&org),
    }))
}

/// Invite someone to join the organisation (its admins): an e-mail with a link goes to the address, and the person
/// joins by opening it while signed in with that address. The answer is the same whether or not the address has an
/// account.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/members", tag = "organisations", request_body = MemberRequest, security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Organisation id")),
    responses((status = 202, body = InvitationEnvelope),
              (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden),
              (status = 404, response = NotFound)))]
pub async fn invite_member(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MemberRequest>,
) -> Result<(StatusCode, Json<InvitationEnvelope>), ApiError> {
    let org = OrgId::parse(&id)?;
    mitra
        .invite_member(&auth.actor, &org, &body.email, &body.role)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(InvitationEnvelope {
            invitation: InvitationResponse {
                email: body.email.trim().to_owned(),
                role: body.role,
                organisation: id,
            },
        }),
    ))
}
