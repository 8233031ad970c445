//! Organisation pages: the public list, profiles, registration, editing and invitations. Who may edit or invite
//! is the service's answer; these pages only offer what it allows.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mitra_service::domain::{
    Account, City, Country, MemberRole, ModerationStatus, OrgId, OrgKind, Organisation,
};
use mitra_service::{Mitra, OrgInput, OrganisationDetail};
use serde::Deserialize;

use super::format::{country_name, org_name};
use super::forms::{FieldError, Invalid as _, field_error, has_csrf};
use super::{Layout, done, render, render_with_status};
use crate::auth::{Auth, CsrfForm};
use crate::error::PageError;

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

impl OrgListPage {
    /// A page of organisations (`PAGE` at most, so a full page has a next one), with their countries named.
    fn build(l: Layout, orgs: &[Organisation], countries: &[Country]) -> Self {
        let l = l.titled("organisations", "orgs-title");
        Self {
            orgs: orgs
                .iter()
                .map(|o| {
                    (
                        o.id.to_string(),
                        org_name(o, l.lang),
                        l.t2("kind", o.kind.as_str()),
                        country_name(countries, o.profile.country, l.lang),
                    )
                })
                .collect(),
            next: (orgs.len() == PAGE as usize)
                .then(|| orgs.last().map(|o| o.id.to_string()))
                .flatten(),
            l,
        }
    }
}

/// Organisations on one page of the list.
const PAGE: u32 = 100;

/// `GET /organisations`
pub async fn list_organisations(
    State(mitra): State<Mitra>,
    l: Layout,
    Query(query): Query<OrgListQuery>,
) -> Result<Response, PageError> {
    let orgs = mitra
        .list_organisations(query.after.as_deref(), PAGE)
        .await?;
    let countries = mitra.list_countries().await?;
    Ok(render(&OrgListPage::build(l, &orgs, &countries)))
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

impl OrgFormPage {
    /// The form holding `form` — a new organisation, or organisation `editing` — with `error` when a post was
    /// refused, and the countries and cities to choose from.
    fn build(
        l: Layout,
        form: OrgForm,
        editing: Option<String>,
        error: Option<FieldError>,
        countries: &[Country],
        cities: &[City],
    ) -> Self {
        let key = if editing.is_some() {
            "org-edit-title"
        } else {
            "org-new-title"
        };
        let l = l.titled("organisations", key);
        let lang = l.lang;
        Self {
            kinds: OrgKind::ALL
                .iter()
                .map(|k| (k.as_str(), l.t2("kind", k.as_str())))
                .collect(),
            countries: countries
                .iter()
                .map(|c| (c.code.to_string(), c.display_name(lang).to_owned()))
                .collect(),
            cities: cities
                .iter()
                .map(|c| {
                    let label = format!("{} ({})", c.display_name(lang), c.country);
                    (
                        c.id.to_string(),
                        label,
                        crate::ui::format::city_name_language(c, lang).tag(),
                    )
                })
                .collect(),
            l,
            error,
            form,
            editing,
        }
    }
}

/// The organisation form with its choices: 422 when it shows a refused post.
async fn form_page(
    mitra: &Mitra,
    l: Layout,
    form: OrgForm,
    editing: Option<String>,
    error: Option<FieldError>,
) -> Result<Response, PageError> {
    let countries = mitra.list_countries().await?;
    let cities = mitra.all_cities(&Default::default()).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = OrgFormPage::build(l, form, editing, error, &countries, &cities);
    Ok(render_with_status(status, &page))
}

/// `GET /organisations/new`
pub async fn show_new_organisation(
    State(mitra): State<Mitra>,
    l: Layout,
) -> Result<Response, PageError> {
    mitra.may_create_organisation(l.actor())?;
    form_page(&mitra, l, OrgForm::default(), None, None).await
}

/// `POST /organisations/new`
pub async fn create_organisation(
    State(mitra): State<Mitra>,
    l: Layout,
    CsrfForm(form): CsrfForm<OrgForm>,
) -> Result<Response, PageError> {
    match mitra.create_organisation(l.actor(), &form.input()).await {
        Ok(org) => Ok(done(&format!("/organisations/{}", org.id), "org-created")),
        Err(e) => {
            let error = Some(field_error(e)?);
            form_page(&mitra, l, form, None, error).await
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
    submit: Option<super::submissions::SubmitView>,
}

impl OrgPage {
    /// The page of `detail`: the profile, its members when the reader may see them, and the actions allowed.
    fn build(
        l: Layout,
        detail: OrganisationDetail,
        submit: Option<super::submissions::SubmitView>,
    ) -> Self {
        let OrganisationDetail {
            org,
            members,
            country,
            city,
            permissions,
        } = detail;
        let name = org_name(&org, l.lang);
        let l = l.page("organisations", name.clone());
        Self {
            kind: l.t2("kind", org.kind.as_str()),
            country: country.map_or_else(
                || org.profile.country.to_string(),
                |c| crate::ui::format::country_display(&c, l.lang),
            ),
            // A city Mitra does not list is named by its id.
            city_name: match (&org.profile.city, city) {
                (_, Some(city)) => crate::ui::format::city_name(&city, l.lang).to_owned(),
                (Some(id), None) => id.to_string(),
                (None, None) => String::new(),
            },
            can_edit: permissions.edit,
            can_invite: permissions.invite,
            submit,
            l,
            org,
            name,
            members,
        }
    }
}

/// `GET /organisations/{id}`
pub async fn show_organisation(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = OrgId::parse(&id)?;
    let detail = mitra.organisation_detail(l.actor(), &id).await?;
    let submit = match &detail.permissions.submit_for {
        Some(city) => super::submissions::SubmitView::for_city(&mitra, &l, city).await?,
        None => None,
    };
    Ok(render(&OrgPage::build(l, detail, submit)))
}

/// `GET /organisations/{id}/edit`
pub async fn show_edit_organisation(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let org = mitra
        .organisation_to_edit(l.actor(), &OrgId::parse(&id)?)
        .await?;
    form_page(&mitra, l, OrgForm::from_org(&org), Some(id), None).await
}

/// `POST /organisations/{id}/edit`
pub async fn update_organisation(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<OrgForm>,
) -> Result<Response, PageError> {
    // A malformed id is refused beside the form, as the service's own refusals are.
    let updated = match OrgId::parse(&id) {
        Ok(org) => {
            mitra
                .update_organisation(l.actor(), &org, &form.input())
                .await
        }
        Err(refused) => Err(refused.into()),
    };
    match updated {
        Ok(org) => Ok(done(
            &format!("/organisations/{}", org.id),
            // A city government that moved to another city waits for approval again.
            if org.status == ModerationStatus::Pending {
                "org-saved-review"
            } else {
                "org-saved"
            },
        )),
        Err(e) => {
            let error = Some(field_error(e)?);
            form_page(&mitra, l, form, Some(id), error).await
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
    let org = OrgId::parse(&id)?;
    mitra
        .invite_member(&auth.actor, &org, &form.email, &form.role)
        .await?;
    Ok(done(&format!("/organisations/{id}"), "org-invited"))
}
