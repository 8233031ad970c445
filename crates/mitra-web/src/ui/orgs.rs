//! Organisation pages: the public list, profiles, registration, editing and invitations.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use mitra_service::domain::{
    Account, Country, Language, MemberRole, ModerationStatus, OrgKind, Organisation,
};
use mitra_service::{Mitra, OrgInput, ServiceError};
use serde::Deserialize;

use super::format::{country_name, org_name};
use super::forms::{FieldError, Invalid as _, field_error, has_csrf};
use super::{Layout, done, render};
use crate::auth::{Auth, CsrfForm};
use crate::error::PageError;
use crate::i18n::{Lang, translate};

/// Paging of the organisation list.
#[derive(Debug, Default, Deserialize)]
pub struct OrgListQuery {
    after: Option<String>,
}

/// The registration and profile form.
#[derive(Debug, Default, Deserialize)]
pub struct OrgForm {
    csrf_token: String,
    #[serde(default)]
    kind: String,
    name_en: String,
    #[serde(default)]
    name_zh: String,
    country: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    description_zh: String,
}

/// The invitation form.
#[derive(Debug, Deserialize)]
pub struct InviteForm {
    csrf_token: String,
    email: String,
    role: String,
}

has_csrf!(OrgForm, InviteForm);

impl OrgForm {
    fn input(&self) -> OrgInput {
        let optional = |v: &str| Some(v.to_owned()).filter(|v| !v.trim().is_empty());
        OrgInput {
            kind: self.kind.clone(),
            name_en: self.name_en.clone(),
            name_zh: optional(&self.name_zh),
            country: self.country.clone(),
            city: optional(&self.city),
            website: optional(&self.website),
            description_en: self.description_en.clone(),
            description_zh: optional(&self.description_zh),
        }
    }

    fn from_org(org: &Organisation) -> Self {
        let p = &org.profile;
        Self {
            csrf_token: String::new(),
            kind: org.kind.as_str().into(),
            name_en: p.name_en.clone(),
            name_zh: p.name_zh.clone().unwrap_or_default(),
            country: p.country.to_string(),
            city: p.city.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            website: p.website.clone().unwrap_or_default(),
            description_en: p.description_en.clone(),
            description_zh: p.description_zh.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct OrgListPage {
    l: Layout,
    orgs: Vec<(String, String, String, String)>,
    next: Option<String>,
}

/// `GET /organisations`
pub async fn list_organisations(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Query(query): Query<OrgListQuery>,
) -> Result<Response, PageError> {
    const PAGE: u32 = 100;
    let orgs = mitra
        .list_organisations(query.after.as_deref(), PAGE)
        .await?;
    let countries = mitra.list_countries().await?;
    let l = Layout::new(
        &mitra,
        &auth,
        lang,
        "organisations",
        translate(lang, "orgs-title"),
        &uri,
    )
    .await;
    let next = (orgs.len() == PAGE as usize)
        .then(|| orgs.last().map(|o| o.id.to_string()))
        .flatten();
    let rows = orgs
        .iter()
        .map(|o| {
            let country = country_name(&countries, o.profile.country, lang);
            (
                o.id.to_string(),
                org_name(o, lang),
                l.t2("kind", o.kind.as_str()),
                country,
            )
        })
        .collect();
    Ok(render(&OrgListPage {
        l,
        orgs: rows,
        next,
    }))
}

#[derive(Template)]
#[template(path = "organisation_form.html")]
struct OrgFormPage {
    l: Layout,
    error: Option<FieldError>,
    form: OrgForm,
    editing: Option<String>,
    kinds: Vec<(&'static str, String)>,
    countries: Vec<(String, String)>,
    cities: Vec<(String, String, &'static str)>,
}

async fn form_page(
    mitra: &Mitra,
    auth: &Auth,
    lang: Language,
    uri: &Uri,
    form: OrgForm,
    editing: Option<String>,
    error: Option<FieldError>,
) -> Result<Response, PageError> {
    let key = if editing.is_some() {
        "org-edit-title"
    } else {
        "org-new-title"
    };
    let l = Layout::new(
        mitra,
        auth,
        lang,
        "organisations",
        translate(lang, key),
        uri,
    )
    .await;
    let kinds = OrgKind::ALL
        .iter()
        .map(|k| (k.as_str(), l.t2("kind", k.as_str())))
        .collect();
    let countries = mitra
        .list_countries()
        .await?
        .iter()
        .map(|c: &Country| (c.code.to_string(), c.display_name(lang).to_owned()))
        .collect();
    let cities = mitra
        .all_cities(&Default::default())
        .await?
        .iter()
        .map(|c| {
            let label = format!("{} ({})", c.display_name(lang), c.country);
            (c.id.to_string(), label, c.display_name_language(lang).tag())
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(&OrgFormPage {
        l,
        error,
        form,
        editing,
        kinds,
        countries,
        cities,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /organisations/new`
pub async fn show_new_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
) -> Result<Response, PageError> {
    auth.actor.signed_in().map_err(ServiceError::from)?;
    form_page(&mitra, &auth, lang, &uri, OrgForm::default(), None, None).await
}

/// `POST /organisations/new`
pub async fn create_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    CsrfForm(form): CsrfForm<OrgForm>,
) -> Result<Response, PageError> {
    match mitra.create_organisation(&auth.actor, &form.input()).await {
        Ok(org) => Ok(done(&format!("/organisations/{}", org.id), "org-created")),
        Err(e) => {
            let error = Some(field_error(e)?);
            form_page(&mitra, &auth, lang, &uri, form, None, error).await
        }
    }
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrgPage {
    l: Layout,
    org: Organisation,
    name: String,
    kind: String,
    country: String,
    city_name: String,
    members: Vec<(Account, MemberRole)>,
    can_edit: bool,
    can_invite: bool,
}

/// `GET /organisations/{id}`
pub async fn show_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let org = mitra.get_organisation(&auth.actor, &id).await?;
    let members = mitra
        .list_members(&auth.actor, &id)
        .await
        .unwrap_or_default();
    let country = country_name(&mitra.list_countries().await?, org.profile.country, lang);
    let city_name = match &org.profile.city {
        Some(city) => mitra.get_city(city.as_str()).await.map_or_else(
            |_| city.to_string(),
            |d| d.city.display_name(lang).to_owned(),
        ),
        None => String::new(),
    };
    let name = org_name(&org, lang);
    let l = Layout::new(&mitra, &auth, lang, "organisations", name.clone(), &uri).await;
    Ok(render(&OrgPage {
        kind: l.t2("kind", org.kind.as_str()),
        can_edit: auth
            .actor
            .org_editor(&org.id, org.status == ModerationStatus::Approved)
            .is_ok(),
        can_invite: auth.actor.org_admin(&org.id).is_ok(),
        l,
        org,
        name,
        country,
        city_name,
        members,
    }))
}

/// `GET /organisations/{id}/edit`
pub async fn show_edit_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let org = mitra.get_organisation(&auth.actor, &id).await?;
    auth.actor
        .org_editor(&org.id, true)
        .map_err(ServiceError::from)?;
    form_page(
        &mitra,
        &auth,
        lang,
        &uri,
        OrgForm::from_org(&org),
        Some(id),
        None,
    )
    .await
}

/// `POST /organisations/{id}/edit`
pub async fn update_organisation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<OrgForm>,
) -> Result<Response, PageError> {
    match mitra
        .update_organisation(&auth.actor, &id, &form.input())
        .await
    {
        Ok(org) => Ok(done(
            &format!("/organisations/{}", org.id),
            // A city government that moved to another city waits for approval again.
            if org.status == mitra_service::domain::ModerationStatus::Pending {
                "org-saved-review"
            } else {
                "org-saved"
            },
        )),
        Err(e) => {
            let error = Some(field_error(e)?);
            form_page(&mitra, &auth, lang, &uri, form, Some(id), error).await
        }
    }
}

/// `POST /organisations/{id}/invitations`
pub async fn invite_member(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<Response, PageError> {
    mitra
        .invite_member(&auth.actor, &id, &form.email, &form.role)
        .await?;
    Ok(done(&format!("/organisations/{id}"), "org-invited"))
}
