//! Entries in the browser: an entry's page, publishing one (the choice of kind, the form and its post), editing
//! and deleting it, enrolling in a training, and its files. The handlers are thin: the view models live beside
//! their templates in [`view`] and [`editor`], the form's fields in [`form`], and what a reader may do is the
//! service's answer.

mod editor;
mod form;
mod view;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use mitra_service::domain::entry::EntryKind;
use mitra_service::domain::{Actor, EntryId, OrgId};
use mitra_service::{Mitra, ServiceError, StoredEntry};
use serde::Deserialize;

use self::editor::{EntryFormPage, KindsPage};
use self::form::EntryForm;
use self::view::{EntryPage, EntryParams};
use super::forms::{CsrfOnly, FieldError, field_error};
use super::{Layout, done};
use crate::auth::{Auth, CsrfForm};
use crate::error::PageError;

/// `GET /entries/{id}`
pub async fn show_entry(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    Query(params): Query<EntryParams>,
) -> Result<Response, PageError> {
    let id = EntryId::parse(&id)?;
    let detail = mitra.entry_detail(l.actor(), &id).await?;
    let kind = detail.stored.entry.kind();
    let partnerships = if kind == EntryKind::Event {
        let found = mitra.event_partnerships(l.actor(), &id).await?;
        found
            .iter()
            .map(|p| crate::ui::partnerships::PartnershipRow::build(p, &detail.places, &l))
            .collect()
    } else {
        Vec::new()
    };
    let mut page = EntryPage::build(l, &detail, &params, None);
    page.partnerships = partnerships;
    if detail.stored.status == mitra_service::domain::ModerationStatus::Approved
        && matches!(kind, EntryKind::Project | EntryKind::Solution)
    {
        let found = mitra
            .entry_matches(&id, time::OffsetDateTime::now_utc().date())
            .await?;
        return Ok(page.with_matches(&found, &detail.places).into_response());
    }
    Ok(page.into_response())
}

/// Which kind a new entry is.
#[derive(Debug, Default, Deserialize)]
pub struct NewEntryQuery {
    kind: Option<String>,
}

/// `GET /entries/new`: the choice of kind, then the form for that kind.
pub async fn show_new_entry(
    State(mitra): State<Mitra>,
    l: Layout,
    Query(query): Query<NewEntryQuery>,
) -> Result<Response, PageError> {
    let orgs = mitra.publishing_orgs(l.actor()).await?;
    let Some(kind) = query.kind.as_deref().filter(|k| !k.is_empty()) else {
        return Ok(KindsPage::build(l, &orgs).into_response());
    };
    let mut form = EntryForm::blank(EntryKind::parse(kind).map_err(ServiceError::from)?);
    if let Some(org) = orgs.first() {
        form.org = org.id.to_string();
    }
    let focus_areas = mitra.list_focus_areas().await?;
    Ok(EntryFormPage::build(l, form, None, None, &orgs, &focus_areas)?.into_response())
}

/// `POST /entries/new`
pub async fn create_entry(
    State(mitra): State<Mitra>,
    l: Layout,
    CsrfForm(form): CsrfForm<EntryForm>,
) -> Result<Response, PageError> {
    match save(&mitra, l.actor(), &form, None).await? {
        Ok(stored) => Ok(done(
            &format!("/entries/{}", stored.entry.id),
            published_notice(&stored, "entry-created"),
        )),
        Err(error) => {
            let orgs = mitra.publishing_orgs(l.actor()).await?;
            let focus_areas = mitra.list_focus_areas().await?;
            let page = EntryFormPage::build(l, form, None, Some(error), &orgs, &focus_areas)?;
            Ok(page.into_response())
        }
    }
}

/// `GET /entries/{id}/edit`
pub async fn show_edit_entry(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = EntryId::parse(&id)?;
    let stored = mitra.entry_to_edit(l.actor(), &id).await?;
    let focus_areas = mitra.list_focus_areas().await?;
    let form = EntryForm::from_entry(&stored.entry);
    let editing = Some(id.to_string());
    Ok(EntryFormPage::build(l, form, editing, None, &[], &focus_areas)?.into_response())
}

/// `POST /entries/{id}/edit`
pub async fn update_entry(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    CsrfForm(mut form): CsrfForm<EntryForm>,
) -> Result<Response, PageError> {
    let id = EntryId::parse(&id)?;
    let stored = mitra.entry_for(l.actor(), &id).await?;
    // The id and kind are fixed once published.
    form.id = stored.entry.id.to_string();
    form.kind = stored.entry.kind().tag().into();
    match save(&mitra, l.actor(), &form, Some(&id)).await? {
        Ok(stored) => Ok(done(
            &format!("/entries/{}", stored.entry.id),
            published_notice(&stored, "entry-saved"),
        )),
        Err(error) => {
            let focus_areas = mitra.list_focus_areas().await?;
            let editing = Some(id.to_string());
            let page = EntryFormPage::build(l, form, editing, Some(error), &[], &focus_areas)?;
            Ok(page.into_response())
        }
    }
}

/// Writes the entry `form` describes — a new one, or entry `id` — or says which field of the form was refused.
async fn save(
    mitra: &Mitra,
    actor: &Actor,
    form: &EntryForm,
    id: Option<&EntryId>,
) -> Result<Result<StoredEntry, FieldError>, PageError> {
    let entry = match form.to_entry() {
        Ok(entry) => entry,
        Err(refused) => return Ok(Err(refused)),
    };
    let saved = match id {
        Some(id) => mitra.update_entry(actor, id, &entry).await,
        // A malformed organisation is refused beside the form, as the service's own refusals are.
        None => match OrgId::parse(&form.org) {
            Ok(org) => mitra.create_entry(actor, &org, &entry).await,
            Err(refused) => Err(refused.into()),
        },
    };
    match saved {
        Ok(stored) => Ok(Ok(stored)),
        Err(error) => form_error(form, error).map(Err),
    }
}

/// A service refusal as a field error of the form: checks name their field, a taken id names `id`.
fn form_error(form: &EntryForm, error: ServiceError) -> Result<FieldError, PageError> {
    match error {
        ServiceError::Conflict(reason) => Ok(FieldError::invalid("id", reason)),
        other => {
            let mut e = field_error(other)?;
            e.field = form.form_field(&e.field);
            Ok(e)
        }
    }
}

/// `notice` for an entry that is public; for one that waits for review, the notice that says so.
fn published_notice(stored: &StoredEntry, notice: &'static str) -> &'static str {
    if stored.status == mitra_service::domain::ModerationStatus::Approved {
        notice
    } else {
        "entry-submitted"
    }
}

/// `POST /entries/{id}/delete`
pub async fn delete_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
    let id = EntryId::parse(&id)?;
    mitra.delete_entry(&auth.actor, &id).await?;
    Ok(done("/search", "entry-deleted"))
}

/// `POST /entries/{id}/enrolment`: enrols the signed-in account in a training.
pub async fn enrol(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
    let id = EntryId::parse(&id)?;
    mitra.enrol(&auth.actor, &id).await?;
    Ok(done(&format!("/entries/{id}"), "enrol-done"))
}

/// `POST /entries/{id}/enrolment/withdraw`
pub async fn withdraw(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
    let id = EntryId::parse(&id)?;
    mitra.withdraw(&auth.actor, &id).await?;
    Ok(done(&format!("/entries/{id}"), "enrol-withdrawn"))
}

/// `POST /entries/{id}/files`: attaches the uploaded file (a multipart form with `csrf_token` and `file`); a
/// refused file shows the entry's page again with the reason.
pub async fn attach(
    State(mitra): State<Mitra>,
    l: Layout,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let id = EntryId::parse(&id)?;
    // Who may attach is known before the upload is read.
    mitra.entry_to_edit(l.actor(), &id).await?;
    let file = super::forms::read_file_form(multipart, &headers, &l).await?;
    let refused = match file {
        None => l.t("attachment-choose"),
        Some((name, bytes)) => match mitra.attach(l.actor(), &id, &name, &bytes).await {
            Ok(_) => return Ok(done(&format!("/entries/{id}"), "attachment-added")),
            Err(ServiceError::Validation(e)) => crate::i18n::reason(l.lang, &e.reason).0,
            Err(ServiceError::Conflict(reason)) => crate::i18n::reason(l.lang, &reason).0,
            Err(other) => return Err(other.into()),
        },
    };
    let detail = mitra.entry_detail(l.actor(), &id).await?;
    Ok(EntryPage::build(l, &detail, &EntryParams::default(), Some(refused)).into_response())
}

/// `GET /entries/{id}/files/{sha256}`: the file, as a download under the name it was attached with.
pub async fn download(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path((id, sha256)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = EntryId::parse(&id)?;
    let (file, bytes) = mitra.attachment(&auth.actor, &id, &sha256).await?;
    Ok(crate::files::download(&file, bytes))
}

/// `POST /entries/{id}/files/{sha256}/delete`
pub async fn detach(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path((id, sha256)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
    let id = EntryId::parse(&id)?;
    mitra.detach(&auth.actor, &id, &sha256).await?;
    Ok(done(&format!("/entries/{id}"), "attachment-removed"))
}
