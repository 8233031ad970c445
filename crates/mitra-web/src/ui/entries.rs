//! Entries in the browser: an entry's page, publishing one (the choice of kind, the form and its post), editing
//! and deleting it, enrolling in a training, and its files.

mod form;
mod view;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use mitra_service::domain::entry::{
    Challenge, ContentLanguage, EnergyTag, EntryKind, EventKind, InnovationKind, Instrument,
    Maturity, ProjectStage, Readiness, TextOrigin, TrainingFormat,
};
use mitra_service::domain::{Actor, Language};
use mitra_service::{Mitra, ServiceError, StoredEntry};
use serde::Deserialize;

use self::form::EntryForm;
use self::view::{EntryParams, entry_page};
use super::format::org_name;
use super::forms::{CsrfOnly, FieldError, field_error};
use super::{Layout, done, render};
use crate::auth::{Auth, CsrfForm};
use crate::error::PageError;
use crate::i18n::translate;

/// `GET /entries/{id}`
pub async fn show_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    crate::i18n::Lang(lang): crate::i18n::Lang,
    uri: Uri,
    Path(id): Path<String>,
    Query(params): Query<EntryParams>,
) -> Result<Response, PageError> {
    entry_page(&mitra, &auth, lang, &uri, &id, &params, None).await
}

/// One choice of a select or a checkbox group.
pub struct Opt {
    /// The value sent.
    pub value: String,
    /// What the reader sees.
    pub label: String,
    /// Selected or checked.
    pub on: bool,
    /// The label's language, when it is not the reader's.
    pub lang: Option<&'static str>,
}

fn options<T: Copy>(
    all: &[T],
    tag: fn(T) -> &'static str,
    chosen: &[String],
    label: impl Fn(&'static str) -> String,
) -> Vec<Opt> {
    all.iter()
        .map(|&v| Opt {
            value: tag(v).to_owned(),
            label: label(tag(v)),
            on: chosen.iter().any(|c| c == tag(v)),
            lang: None,
        })
        .collect()
}

/// The content languages, each named in itself, with `chosen` selected.
fn language_options(chosen: &str) -> Vec<Opt> {
    ContentLanguage::ALL
        .iter()
        .map(|c| Opt {
            value: c.tag().into(),
            label: c.autonym().into(),
            on: c.tag() == chosen,
            lang: Some(c.tag()),
        })
        .collect()
}

/// One language block of the form, ready to show.
pub struct TextView {
    index: usize,
    langs: Vec<Opt>,
    origins: Vec<Opt>,
    title: String,
    summary: String,
    body: String,
}

/// The choices of the form's selects and checkbox groups.
struct Choices {
    orgs: Vec<Opt>,
    challenges: Vec<Opt>,
    focus_areas: Vec<Opt>,
    innovation_kinds: Vec<Opt>,
    energy: Vec<Opt>,
    maturities: Vec<Opt>,
    stages: Vec<Opt>,
    readiness: Vec<Opt>,
    instruments: Vec<Opt>,
    formats: Vec<Opt>,
    languages: Vec<Opt>,
    event_kinds: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "entry_form.html")]
struct EntryFormPage {
    l: Layout,
    error: Option<FieldError>,
    error_label: String,
    form: EntryForm,
    editing: Option<String>,
    kind_name: String,
    texts: Vec<TextView>,
    c: Choices,
}

impl EntryFormPage {
    /// `aria-invalid` for field `name`, or for row field `name_<index>`.
    fn bad(&self, name: &str) -> &'static str {
        if self.error.as_ref().is_some_and(|e| e.field == name) {
            "true"
        } else {
            "false"
        }
    }

    fn bad_row(&self, name: &str, index: usize) -> &'static str {
        self.bad(&format!("{name}_{index}"))
    }
}

/// The message key of a form field's label: `title_2` → `entry-field-title`.
fn label_key(field: &str) -> String {
    let field = field.strip_prefix("evidence_").map_or(field, |rest| {
        rest.split_once('_').map_or(rest, |(_, name)| name)
    });
    let base = match field.rsplit_once('_') {
        Some((head, index)) if index.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => field,
    };
    format!("entry-field-{}", base.replace('_', "-"))
}

/// The organisations `actor` may publish for: those where the account edits, and every approved one for a
/// platform admin.
async fn publishing_orgs(
    mitra: &Mitra,
    actor: &Actor,
    lang: Language,
) -> Result<Vec<(String, String)>, PageError> {
    let mut orgs = Vec::new();
    if actor.platform_admin().is_ok() {
        for org in mitra.list_organisations(None, 1_000).await? {
            orgs.push((org.id.to_string(), org_name(&org, lang)));
        }
    } else if let Some(account) = actor.account() {
        for m in account.memberships.iter().filter(|m| m.role.can_edit()) {
            if let Ok(org) = mitra.get_organisation(actor, m.org.as_str()).await {
                orgs.push((org.id.to_string(), org_name(&org, lang)));
            }
        }
    }
    Ok(orgs)
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, each from its own request piece"
)]
async fn form_page(
    mitra: &Mitra,
    auth: &Auth,
    lang: Language,
    uri: &Uri,
    mut form: EntryForm,
    editing: Option<String>,
    error: Option<FieldError>,
    orgs: Vec<(String, String)>,
) -> Result<Response, PageError> {
    form.pad();
    let kind = EntryKind::parse(&form.kind).map_err(ServiceError::from)?;
    let kind_name = translate(lang, &format!("entry-kind-{}", kind.tag()));
    let title = match &editing {
        Some(_) => translate(lang, "entry-edit-title"),
        None => format!("{} · {kind_name}", translate(lang, "entry-new-title")),
    };
    let l = Layout::new(mitra, auth, lang, "search", title, uri).await;
    let one = |v: &str| vec![v.to_owned()];
    let t = |prefix: &'static str| move |tag: &str| translate(lang, &format!("{prefix}-{tag}"));
    let texts = form
        .texts
        .iter()
        .enumerate()
        .map(|(index, row)| TextView {
            index,
            langs: language_options(&row.lang),
            origins: options(
                TextOrigin::ALL,
                TextOrigin::tag,
                &one(&row.origin),
                t("entry-origin"),
            ),
            title: row.title.clone(),
            summary: row.summary.clone(),
            body: row.body.clone(),
        })
        .collect();
    let focus_areas = mitra
        .list_focus_areas()
        .await?
        .into_iter()
        .map(|a| Opt {
            on: form.focus_areas.contains(&a.id),
            value: a.id,
            label: a.name_en,
            lang: Some("en"),
        })
        .collect();
    let c = Choices {
        orgs: orgs
            .into_iter()
            .map(|(id, name)| Opt {
                on: id == form.org,
                value: id,
                label: name,
                lang: None,
            })
            .collect(),
        challenges: options(
            Challenge::ALL,
            Challenge::tag,
            &form.challenges,
            t("challenge"),
        ),
        focus_areas,
        innovation_kinds: options(
            InnovationKind::ALL,
            InnovationKind::tag,
            &one(&form.innovation_kind),
            t("entry-innovation-kind"),
        ),
        energy: options(
            EnergyTag::ALL,
            EnergyTag::tag,
            &form.energy,
            t("entry-energy"),
        ),
        maturities: options(
            Maturity::ALL,
            Maturity::tag,
            &one(&form.maturity),
            t("entry-maturity"),
        ),
        stages: options(
            ProjectStage::ALL,
            ProjectStage::tag,
            &one(&form.stage),
            t("entry-stage"),
        ),
        readiness: options(
            Readiness::ALL,
            Readiness::tag,
            &form.readiness,
            t("entry-readiness"),
        ),
        instruments: options(
            Instrument::ALL,
            Instrument::tag,
            &one(&form.instrument),
            t("entry-instrument"),
        ),
        formats: options(
            TrainingFormat::ALL,
            TrainingFormat::tag,
            &one(&form.format),
            t("entry-format"),
        ),
        languages: language_options(&form.language),
        event_kinds: options(
            EventKind::ALL,
            EventKind::tag,
            &one(&form.event_kind),
            t("entry-event-kind"),
        ),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let error_label = error
        .as_ref()
        .map(|e| translate(lang, &label_key(&e.field)))
        .unwrap_or_default();
    let mut response = render(&EntryFormPage {
        l,
        error,
        error_label,
        form,
        editing,
        kind_name,
        texts,
        c,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// Which kind a new entry is.
#[derive(Debug, Default, Deserialize)]
pub struct NewEntryQuery {
    kind: Option<String>,
}

#[derive(Template)]
#[template(path = "entry_kinds.html")]
struct KindsPage {
    l: Layout,
    kinds: Vec<(&'static str, String, String)>,
    can_publish: bool,
}

/// `GET /entries/new`: the choice of kind, then the form for that kind.
pub async fn show_new_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    crate::i18n::Lang(lang): crate::i18n::Lang,
    uri: Uri,
    Query(query): Query<NewEntryQuery>,
) -> Result<Response, PageError> {
    auth.actor.signed_in().map_err(ServiceError::from)?;
    let orgs = publishing_orgs(&mitra, &auth.actor, lang).await?;
    match query.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(kind) => {
            let kind = EntryKind::parse(kind).map_err(ServiceError::from)?;
            let mut form = EntryForm::blank(kind);
            if let Some((id, _)) = orgs.first() {
                form.org = id.clone();
            }
            form_page(&mitra, &auth, lang, &uri, form, None, None, orgs).await
        }
        None => {
            let l = Layout::new(
                &mitra,
                &auth,
                lang,
                "search",
                translate(lang, "entry-new-title"),
                &uri,
            )
            .await;
            let kinds = EntryKind::ALL
                .iter()
                .map(|k| {
                    (
                        k.tag(),
                        l.t2("entry-kind", k.tag()),
                        l.t2("entry-kind-about", k.tag()),
                    )
                })
                .collect();
            Ok(render(&KindsPage {
                l,
                kinds,
                can_publish: !orgs.is_empty(),
            }))
        }
    }
}

/// A service refusal as a field error of the form: checks name their field, a taken id names `id`.
fn form_error(form: &EntryForm, error: ServiceError) -> Result<FieldError, PageError> {
    match error {
        ServiceError::Conflict(message) => Ok(FieldError {
            field: "id".into(),
            message,
        }),
        other => {
            let mut e = field_error(other)?;
            e.field = form.form_field(&e.field);
            Ok(e)
        }
    }
}

/// `POST /entries/new`
pub async fn create_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    crate::i18n::Lang(lang): crate::i18n::Lang,
    uri: Uri,
    CsrfForm(form): CsrfForm<EntryForm>,
) -> Result<Response, PageError> {
    auth.actor.signed_in().map_err(ServiceError::from)?;
    let result = match form.to_entry() {
        Ok(entry) => mitra
            .create_entry(&auth.actor, &form.org, &entry)
            .await
            .map_err(|e| form_error(&form, e)),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(stored) => Ok(done(
            &format!("/entries/{}", stored.entry.id),
            published_notice(&stored, "entry-created"),
        )),
        Err(error) => {
            let error = Some(error?);
            let orgs = publishing_orgs(&mitra, &auth.actor, lang).await?;
            form_page(&mitra, &auth, lang, &uri, form, None, error, orgs).await
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

/// Whether `actor` may change `stored`: an editor of its organisation, or a platform admin.
pub fn can_write(actor: &Actor, stored: &StoredEntry) -> bool {
    match &stored.owner_org {
        Some(org) => actor.org_editor(org, true).is_ok(),
        None => actor.platform_admin().is_ok(),
    }
}

/// `GET /entries/{id}/edit`
pub async fn show_edit_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    crate::i18n::Lang(lang): crate::i18n::Lang,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    auth.actor.signed_in().map_err(ServiceError::from)?;
    let stored = mitra.entry_for(&auth.actor, &id).await?;
    if !can_write(&auth.actor, &stored) {
        return Err(ServiceError::Forbidden.into());
    }
    let form = EntryForm::from_entry(&stored.entry);
    form_page(&mitra, &auth, lang, &uri, form, Some(id), None, Vec::new()).await
}

/// `POST /entries/{id}/edit`
pub async fn update_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    crate::i18n::Lang(lang): crate::i18n::Lang,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(mut form): CsrfForm<EntryForm>,
) -> Result<Response, PageError> {
    auth.actor.signed_in().map_err(ServiceError::from)?;
    let stored = mitra.entry_for(&auth.actor, &id).await?;
    // The id and kind are fixed once published.
    form.id = stored.entry.id.to_string();
    form.kind = stored.entry.kind().tag().into();
    let result = match form.to_entry() {
        Ok(entry) => mitra
            .update_entry(&auth.actor, &id, &entry)
            .await
            .map_err(|e| form_error(&form, e)),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(stored) => Ok(done(
            &format!("/entries/{}", stored.entry.id),
            published_notice(&stored, "entry-saved"),
        )),
        Err(error) => {
            let error = Some(error?);
            form_page(&mitra, &auth, lang, &uri, form, Some(id), error, Vec::new()).await
        }
    }
}

/// `POST /entries/{id}/delete`
pub async fn delete_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
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
    mitra.withdraw(&auth.actor, &id).await?;
    Ok(done(&format!("/entries/{id}"), "enrol-withdrawn"))
}

/// `POST /entries/{id}/files`: attaches the uploaded file (a multipart form with `csrf_token` and `file`).
pub async fn attach(
    State(mitra): State<Mitra>,
    auth: Auth,
    crate::i18n::Lang(lang): crate::i18n::Lang,
    uri: Uri,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let bad = |status: StatusCode, text: String| PageError {
        status,
        detail: Some(text),
    };
    // Who may attach is known before the upload is read.
    auth.actor.signed_in().map_err(ServiceError::from)?;
    if !can_write(&auth.actor, &mitra.entry_for(&auth.actor, &id).await?) {
        return Err(ServiceError::Forbidden.into());
    }
    let mut multipart = multipart.map_err(|e| bad(e.status(), e.body_text()))?;
    let mut csrf = String::new();
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(e.status(), e.body_text()))?
    {
        match field.name() {
            Some("csrf_token") => {
                csrf = field
                    .text()
                    .await
                    .map_err(|e| bad(e.status(), e.body_text()))?;
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| bad(e.status(), e.body_text()))?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    crate::auth::check_csrf(&headers, auth.csrf_token.as_deref(), &csrf)?;
    let refused = match file {
        None => translate(lang, "attachment-choose"),
        Some((name, bytes)) => match mitra.attach(&auth.actor, &id, &name, &bytes).await {
            Ok(_) => return Ok(done(&format!("/entries/{id}"), "attachment-added")),
            Err(ServiceError::Validation(e)) => e.reason,
            Err(ServiceError::Conflict(message)) => message,
            Err(other) => return Err(other.into()),
        },
    };
    entry_page(
        &mitra,
        &auth,
        lang,
        &uri,
        &id,
        &Default::default(),
        Some(refused),
    )
    .await
}

/// `filename*` of `Content-Disposition` (RFC 6266 with RFC 8187 encoding), with a plain ASCII `filename` beside.
pub(crate) fn disposition(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}

/// `GET /entries/{id}/files/{sha256}`: the file, as a download under the name it was attached with.
pub async fn download(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path((id, sha256)): Path<(String, String)>,
) -> Result<Response, PageError> {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse as _;

    let (file, bytes) = mitra.attachment(&auth.actor, &id, &sha256).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&file.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&disposition(&file.name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&format!("\"{}\"", file.sha256))
            .unwrap_or(HeaderValue::from_static("")),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}

/// `POST /entries/{id}/files/{sha256}/delete`
pub async fn detach(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path((id, sha256)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
    mitra.detach(&auth.actor, &id, &sha256).await?;
    Ok(done(&format!("/entries/{id}"), "attachment-removed"))
}

#[cfg(test)]
mod tests {
    use super::label_key;

    #[test]
    fn download_names_survive_any_script_and_cannot_break_the_header() {
        assert_eq!(
            super::disposition("报告 2019.pdf"),
            "attachment; filename=\"__ 2019.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%202019.pdf"
        );
        assert!(!super::disposition("a\";b.pdf").contains("\";b"));
    }

    #[test]
    fn labels_are_found_for_row_fields() {
        assert_eq!(label_key("title_2"), "entry-field-title");
        assert_eq!(
            label_key("evidence_1_before_year"),
            "entry-field-before-year"
        );
        assert_eq!(label_key("capital_amount"), "entry-field-capital-amount");
        assert_eq!(label_key("year_from"), "entry-field-year-from");
    }
}
