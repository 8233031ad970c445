//! Administration for platform admins: the moderation queue, accounts and roles, and the audit trail. Who is a
//! platform admin is the service's to check; these pages only show and send what it allows.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use mitra_service::domain::{Account, EntryId, OrgId, Organisation, PlatformRole};
use mitra_service::{AdminOverview, AuditEntry, AuditQuery, Mitra, ServiceError};
use serde::Deserialize;

use super::format::content_language;
use super::forms::{CsrfOnly, has_csrf};
use super::{Layout, done, render};
use crate::auth::{Auth, CsrfForm};
use crate::error::PageError;

/// Entries per audit page.
const AUDIT_PAGE: u32 = 100;

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    l: Layout,
    queue: Vec<Organisation>,
    /// Entries waiting for review: id, title, kind, publishing organisation.
    entries: Vec<(String, String, String, String)>,
    accounts: Vec<Account>,
}

impl AdminPage {
    /// The page of `overview`: the organisations and entries to review, and the accounts.
    fn build(l: Layout, overview: AdminOverview) -> Self {
        let l = l.titled("admin", "admin-title");
        let entries = overview
            .entries
            .iter()
            .map(|e| {
                let text = e.entry.text_for(content_language(l.lang));
                (
                    e.entry.id.to_string(),
                    text.title.clone(),
                    l.t2("entry-kind", e.entry.kind().tag()),
                    e.owner_org
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                )
            })
            .collect();
        Self {
            l,
            queue: overview.organisations,
            entries,
            accounts: overview.accounts,
        }
    }

    fn role_of(&self, account: &Account) -> &'static str {
        account.platform_role.map_or("none", |r| r.as_str())
    }
}

/// `GET /admin`
pub async fn show_admin(State(mitra): State<Mitra>, l: Layout) -> Result<Response, PageError> {
    let overview = mitra.admin_overview(l.actor()).await?;
    Ok(render(&AdminPage::build(l, overview)))
}

/// The reject form.
#[derive(Debug, Deserialize)]
pub struct RejectForm {
    csrf_token: String,
    reason: String,
}

/// The role form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    csrf_token: String,
    email: String,
    role: String,
}

has_csrf!(RejectForm, RoleForm);

/// `POST /admin/organisations/{id}/approve`
pub async fn approve_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
    let id = OrgId::parse(&id)?;
    mitra.approve_organisation(&auth.actor, &id).await?;
    Ok(done("/admin", "admin-approved"))
}

/// `POST /admin/organisations/{id}/reject`
pub async fn reject_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RejectForm>,
) -> Result<Response, PageError> {
    let id = OrgId::parse(&id)?;
    mitra
        .reject_organisation(&auth.actor, &id, &form.reason)
        .await?;
    Ok(done("/admin", "admin-rejected"))
}

/// `POST /admin/users/role`
pub async fn set_role(
    State(mitra): State<Mitra>,
    auth: Auth,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response, PageError> {
    let role = match form.role.as_str() {
        "" | "none" => None,
        other => Some(PlatformRole::parse(other).map_err(ServiceError::from)?),
    };
    mitra
        .set_platform_role(&auth.actor, &form.email, role)
        .await?;
    Ok(done("/admin", "admin-users-saved"))
}

/// The audit filters, as the page's query string.
#[derive(Debug, Default, Deserialize)]
pub struct AuditParams {
    actor: Option<String>,
    entity: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<String>,
}

impl AuditParams {
    fn query(&self) -> AuditQuery {
        AuditQuery {
            actor: self.actor.clone(),
            entity: self.entity.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            before: self.before.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    params: AuditParams,
    entries: Vec<AuditEntry>,
    /// Per entry: when, to the minute, and who, by name where the account is known.
    rows: Vec<(String, String)>,
    csv_href: String,
    older_href: Option<String>,
}

impl AuditPage {
    /// A page of audit `entries` found with `params`; `filters` is the query string that found them, without
    /// `before` and `lang`, for the export and the next page.
    fn build(
        l: Layout,
        params: AuditParams,
        entries: Vec<AuditEntry>,
        names: &std::collections::HashMap<String, String>,
        filters: &str,
    ) -> Self {
        let rows = entries
            .iter()
            .map(|e| {
                (
                    l.minute(e.occurred_at),
                    names
                        .get(&e.actor)
                        .cloned()
                        .unwrap_or_else(|| e.actor.clone()),
                )
            })
            .collect();
        let older_href = (entries.len() == AUDIT_PAGE as usize)
            .then(|| {
                entries
                    .last()
                    .map(|e| format!("/admin/audit?{filters}&before={}", e.id))
            })
            .flatten();
        Self {
            l: l.titled("admin", "admin-audit-heading"),
            params,
            entries,
            rows,
            csv_href: format!("/admin/audit.csv?{filters}"),
            older_href,
        }
    }
}

/// The audit page's filters as a query string: the request's, without its page (`before`) and language.
fn audit_filters(uri: &Uri) -> String {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("before=") && !p.starts_with("lang="))
        .collect::<Vec<_>>()
        .join("&")
}

/// `GET /admin/audit`
pub async fn show_audit(
    State(mitra): State<Mitra>,
    l: Layout,
    uri: Uri,
    Query(params): Query<AuditParams>,
) -> Result<Response, PageError> {
    let entries = mitra
        .search_audit(l.actor(), &params.query(), AUDIT_PAGE)
        .await?;
    let names = mitra.audit_actor_names(l.actor(), &entries).await?;
    Ok(render(&AuditPage::build(
        l,
        params,
        entries,
        &names,
        &audit_filters(&uri),
    )))
}

/// `GET /admin/audit.csv`
pub async fn export_audit(
    State(mitra): State<Mitra>,
    auth: Auth,
    Query(params): Query<AuditParams>,
) -> Result<Response, PageError> {
    let csv = mitra.export_audit_csv(&auth.actor, &params.query()).await?;
    let mut response = csv.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"mitra-audit.csv\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `POST /admin/entries/{id}/approve`
pub async fn approve_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
    let id = EntryId::parse(&id)?;
    mitra.approve_entry(&auth.actor, &id).await?;
    Ok(done("/admin", "admin-approved"))
}

/// `POST /admin/entries/{id}/reject`
pub async fn reject_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RejectForm>,
) -> Result<Response, PageError> {
    let id = EntryId::parse(&id)?;
    mitra.reject_entry(&auth.actor, &id, &form.reason).await?;
    Ok(done("/admin", "admin-rejected"))
}
