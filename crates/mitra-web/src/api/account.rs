//! `/api/v1/me`, `/api/v1/tokens` and `/api/v1/audit`.

use super::params;
use super::rfc3339;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mitra_service::domain::Denied;
use mitra_service::{ApiTokenRecord, AuditQuery, Mitra};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problems::{Forbidden, NotFound, Unauthorized};
use super::{ApiJson, ApiQuery};
use crate::auth::Auth;
use crate::error::ApiError;

/// The account behind the token.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    id: String,
    email: String,
    display_name: String,
    /// `platform-admin`, `verifier` or null.
    platform_role: Option<String>,
    /// The token's scope: `read` or `write`.
    scope: Option<String>,
    memberships: Vec<MembershipResponse>,
}

/// A membership.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipResponse {
    organisation: String,
    /// `admin`, `editor` or `member`.
    role: String,
}

/// Who am I: the account, role and memberships behind the bearer token.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, response = Unauthorized)))]
pub async fn get_me(State(mitra): State<Mitra>, auth: Auth) -> Result<Json<MeResponse>, ApiError> {
    let actor = auth.actor.account().ok_or(Denied::SignInRequired)?;
    let account = mitra.get_account(&actor.id).await?;
    Ok(Json(MeResponse {
        id: account.id.to_string(),
        email: account.email.to_string(),
        display_name: account.display_name,
        platform_role: account.platform_role.map(|r| r.as_str().to_owned()),
        scope: actor.token_scope.map(|s| s.as_str().to_owned()),
        memberships: actor
            .memberships
            .iter()
            .map(|m| MembershipResponse {
                organisation: m.org.to_string(),
                role: m.role.as_str().into(),
            })
            .collect(),
    }))
}

/// An API token (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    id: String,
    name: String,
    /// `read` or `write`.
    scope: String,
    /// RFC 3339, UTC.
    created_at: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
}

impl From<&ApiTokenRecord> for TokenResponse {
    fn from(t: &ApiTokenRecord) -> Self {
        Self {
            id: t.id.clone(),
            name: t.name.clone(),
            scope: t.scope.as_str().into(),
            created_at: rfc3339(t.created_at),
            last_used_at: t.last_used_at.map(rfc3339),
            revoked_at: t.revoked_at.map(rfc3339),
        }
    }
}

/// `{"tokens": […]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenListResponse {
    tokens: Vec<TokenResponse>,
}

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    #[schema(value_type = params::Name, inline)]
    name: String,
    /// `read` or `write`.
    #[schema(value_type = params::ScopeTag, inline)]
    scope: String,
}

/// The new token with its secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenResponse {
    token: TokenResponse,
    /// Send as `Authorization: Bearer <secret>`. Only its hash is kept.
    secret: String,
}

/// List the tokens of the token's account.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = TokenListResponse), (status = 401, response = Unauthorized)))]
pub async fn list_tokens(
    State(mitra): State<Mitra>,
    auth: Auth,
) -> Result<Json<TokenListResponse>, ApiError> {
    let actor = auth.actor.account().ok_or(Denied::SignInRequired)?;
    let tokens = mitra.list_api_tokens_of(&actor.id).await?;
    Ok(Json(TokenListResponse {
        tokens: tokens.iter().map(TokenResponse::from).collect(),
    }))
}

/// Create a token for the token's account (needs a write token).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenRequest, security(("bearer" = [])),
    responses((status = 201, body = NewTokenResponse), (status = 403, response = Forbidden)))]
pub async fn create_token(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<NewTokenResponse>), ApiError> {
    let who = auth.actor.signed_in()?;
    let token = mitra
        .create_api_token(&who, &body.name, &body.scope)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenResponse {
            token: TokenResponse::from(&token.record),
            secret: token.secret,
        }),
    ))
}

/// Revoke one of the account's tokens (needs a write token).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Token id")),
    responses((status = 204), (status = 404, response = NotFound)))]
pub async fn revoke_token(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let who = auth.actor.signed_in()?;
    mitra.revoke_api_token(&who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters of the audit trail.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// `account:<id>`, `operator`, `system:reference`, …
    actor: Option<String>,
    /// Entity kind, e.g. `organisation`.
    entity: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC).
    #[param(value_type = Option<params::Day>, inline)]
    from: Option<String>,
    /// Last day, inclusive.
    #[param(value_type = Option<params::Day>, inline)]
    to: Option<String>,
    /// Only entries with a smaller id (paging).
    #[param(value_type = Option<i64>)]
    before: Option<String>,
}

/// An audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryResponse {
    id: i64,
    occurred_at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    /// For an update, the fields it changed as they were (a key found only here was removed); for a delete, the
    /// whole entity; null for an insert.
    #[schema(value_type = Option<Object>)]
    before: Option<serde_json::Value>,
    /// For an update, the fields it changed as they are now (a key found only here was added); for an insert, the
    /// whole entity; null for a delete.
    #[schema(value_type = Option<Object>)]
    after: Option<serde_json::Value>,
}

/// `{"entries": […]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditListResponse {
    entries: Vec<AuditEntryResponse>,
}

/// The audit trail, newest first, 100 per page (platform admins).
#[utoipa::path(get, path = "/api/v1/audit", tag = "accounts", params(AuditParams), security(("bearer" = [])),
    responses((status = 200, body = AuditListResponse), (status = 403, response = Forbidden)))]
pub async fn list_audit(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<AuditListResponse>, ApiError> {
    let query = AuditQuery {
        actor: params.actor,
        entity: params.entity,
        from: params.from,
        to: params.to,
        before: params.before,
    };
    let entries = mitra.search_audit(&auth.actor, &query, 100).await?;
    Ok(Json(AuditListResponse {
        entries: entries
            .into_iter()
            .map(|e| AuditEntryResponse {
                id: e.id,
                occurred_at: rfc3339(e.occurred_at),
                actor: e.actor,
                action: e.action,
                entity: e.entity,
                entity_id: e.entity_id,
                before: e.before,
                after: e.after,
            })
            .collect(),
    }))
}
