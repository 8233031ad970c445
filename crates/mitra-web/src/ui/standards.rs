//! The standards catalogue: the list of standards, a standard's indicators by theme, and an indicator's page with
//! its crosswalk, which platform admins edit here (the service checks that they may).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use mitra_service::domain::{FocusArea, Indicator, IndicatorId, StandardId, StandardSummary};
use mitra_service::{IndicatorDetail, Mitra, StandardDetail};

use super::format::Title;
use super::{Layout, render};
use crate::auth::Auth;
use crate::error::PageError;

fn kind_label(indicator: &Indicator, l: &Layout) -> String {
    l.t2("kind", indicator.kind.as_str())
}

#[derive(Template)]
#[template(path = "standards.html")]
struct StandardsPage {
    l: Layout,
    standards: Vec<StandardSummary>,
    focus_areas: Vec<FocusArea>,
}

/// `GET /standards`
pub async fn list_standards(State(mitra): State<Mitra>, l: Layout) -> Result<Response, PageError> {
    let standards = mitra.list_standards().await?;
    let focus_areas = mitra.list_focus_areas().await?;
    Ok(render(&StandardsPage {
        l: l.titled("standards", "standards-title"),
        standards,
        focus_areas,
    }))
}

/// One relation of the crosswalk, both ends named.
struct CrosswalkRow {
    from: String,
    from_title: Title,
    relation: String,
    to: String,
    to_title: Title,
    basis: String,
    note: String,
}

#[derive(Template)]
#[template(path = "crosswalk.html")]
struct CrosswalkPage {
    l: Layout,
    rows: Vec<CrosswalkRow>,
}

/// `GET /crosswalk`: every relation between the standards' indicators, with the downloads.
pub async fn show_crosswalk(State(mitra): State<Mitra>, l: Layout) -> Result<Response, PageError> {
    let entries = mitra.all_crosswalk().await?;
    let indicators = mitra.all_indicators().await?;
    let lang = l.lang;
    let rows = entries
        .iter()
        .map(|e| CrosswalkRow {
            from: e.from.to_string(),
            from_title: Title::of_id(indicators.get(&e.from), e.from.as_str(), lang),
            relation: l.t2("relation", e.relation.as_str()),
            to: e.to.to_string(),
            to_title: Title::of_id(indicators.get(&e.to), e.to.as_str(), lang),
            basis: l.t2("basis", e.basis.as_str()),
            note: e.note.clone(),
        })
        .collect();
    Ok(render(&CrosswalkPage {
        l: l.titled("standards", "crosswalk-title"),
        rows,
    }))
}

struct IndicatorRow {
    id: String,
    code: String,
    title: Title,
    kind: String,
    unit: String,
}

#[derive(Template)]
#[template(path = "standard.html")]
struct StandardPage {
    l: Layout,
    detail: StandardDetail,
    /// Each theme: its name, the name's language tag, whether it is machine-translated, and its indicators.
    themes: Vec<(String, &'static str, bool, Vec<IndicatorRow>)>,
}

impl StandardPage {
    /// The page of a standard: its indicators by theme.
    fn build(l: Layout, detail: StandardDetail) -> Self {
        let title = detail.standard.code.clone();
        let l = l.page("standards", title);
        let themes = detail
            .themes
            .iter()
            .map(|group| {
                let rows = group
                    .indicators
                    .iter()
                    .map(|i| IndicatorRow {
                        id: i.id.to_string(),
                        code: i.code.clone(),
                        title: Title::of(i, l.lang),
                        kind: kind_label(i, &l),
                        unit: i.unit.clone().unwrap_or_else(|| l.t("unit-none")),
                    })
                    .collect();
                let (name, tag, machine) =
                    super::format::theme_name(detail.standard.id.as_str(), &group.theme, l.lang);
                (name, tag, machine, rows)
            })
            .collect();
        Self { l, detail, themes }
    }
}

/// `GET /standards/{id}`
pub async fn show_standard(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let detail = mitra.get_standard(&StandardId::parse(&id)?).await?;
    Ok(render(&StandardPage::build(l, detail)))
}

struct RelatedRow {
    id: String,
    title: Title,
    relation: String,
    basis: String,
    note: String,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    l: Layout,
    detail: IndicatorDetail,
    title: Title,
    kind: String,
    parent: Option<(String, Title)>,
    related: Vec<RelatedRow>,
}

impl IndicatorPage {
    /// The page of an indicator: its facts, its parent and its relations through the crosswalk.
    fn build(l: Layout, detail: IndicatorDetail) -> Self {
        let lang = l.lang;
        let title = Title::of(&detail.indicator, lang);
        let l = l.page(
            "standards",
            format!("{} {}", detail.indicator.id, title.text),
        );
        Self {
            kind: kind_label(&detail.indicator, &l),
            parent: detail
                .parent
                .as_ref()
                .map(|p| (p.id.to_string(), Title::of(p, lang))),
            related: detail
                .related
                .iter()
                .map(|r| RelatedRow {
                    id: r.indicator.id.to_string(),
                    title: Title::of(&r.indicator, lang),
                    relation: l.t2("relation", r.relation.as_str()),
                    basis: l.t2("basis", r.basis.as_str()),
                    note: r.note.clone(),
                })
                .collect(),
            title,
            l,
            detail,
        }
    }
}

/// `GET /indicators/{id}`
pub async fn show_indicator(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let detail = mitra.get_indicator(&IndicatorId::parse(&id)?).await?;
    Ok(render(&IndicatorPage::build(l, detail)))
}

/// The crosswalk form on an indicator page.
#[derive(Debug, serde::Deserialize)]
pub struct CrosswalkForm {
    csrf_token: String,
    to: String,
    relation: String,
    basis: String,
    #[serde(default)]
    note: String,
    source: String,
}

/// The delete form: the other indicator of the relation.
#[derive(Debug, serde::Deserialize)]
pub struct CrosswalkDeleteForm {
    csrf_token: String,
    other: String,
}

super::forms::has_csrf!(CrosswalkForm, CrosswalkDeleteForm);

/// `POST /indicators/{id}/crosswalk`: a platform admin adds or changes a relation from this indicator.
pub async fn save_crosswalk(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    crate::auth::CsrfForm(form): crate::auth::CsrfForm<CrosswalkForm>,
) -> Result<Response, PageError> {
    mitra
        .put_crosswalk(
            &auth.actor,
            &mitra_service::CrosswalkInput {
                from: id.clone(),
                to: form.to,
                relation: form.relation,
                basis: form.basis,
                note: form.note,
                source: form.source,
            },
        )
        .await?;
    Ok(super::done(&format!("/indicators/{id}"), "crosswalk-saved"))
}

/// `POST /indicators/{id}/crosswalk/delete`: a platform admin removes the relation between this indicator and
/// another, whichever way it was recorded.
pub async fn delete_crosswalk(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    crate::auth::CsrfForm(form): crate::auth::CsrfForm<CrosswalkDeleteForm>,
) -> Result<Response, PageError> {
    let (this, other) = (IndicatorId::parse(&id)?, IndicatorId::parse(&form.other)?);
    match mitra.delete_crosswalk(&auth.actor, &this, &other).await {
        Err(mitra_service::ServiceError::NotFound { .. }) => {
            mitra.delete_crosswalk(&auth.actor, &other, &this).await?;
        }
        other => other?,
    }
    Ok(super::done(
        &format!("/indicators/{id}"),
        "crosswalk-deleted",
    ))
}
