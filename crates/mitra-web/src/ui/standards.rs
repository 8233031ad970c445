//! The standards catalogue: the list of standards, a standard's indicators by theme, and an indicator's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use mitra_service::domain::{FocusArea, Indicator, Language, StandardSummary};
use mitra_service::{IndicatorDetail, Mitra, StandardDetail};

use super::format::Title;
use super::{Layout, render};
use crate::auth::Auth;
use crate::error::PageError;
use crate::i18n::{Lang, translate};

fn kind_label(indicator: &Indicator, lang: Language) -> String {
    translate(lang, &format!("kind-{}", indicator.kind.as_str()))
}

#[derive(Template)]
#[template(path = "standards.html")]
struct StandardsPage {
    l: Layout,
    standards: Vec<StandardSummary>,
    focus_areas: Vec<FocusArea>,
}

/// `GET /standards`
pub async fn list_standards(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
) -> Result<Response, PageError> {
    let standards = mitra.list_standards().await?;
    let focus_areas = mitra.list_focus_areas().await?;
    let l = Layout::new(
        &mitra,
        &auth,
        lang,
        "standards",
        translate(lang, "standards-title"),
        &uri,
    )
    .await;
    Ok(render(&StandardsPage {
        l,
        standards,
        focus_areas,
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
    themes: Vec<(String, Vec<IndicatorRow>)>,
}

/// `GET /standards/{id}`
pub async fn show_standard(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let detail = mitra.get_standard(&id).await?;
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
                    title: Title::of(i, lang),
                    kind: kind_label(i, lang),
                    unit: i
                        .unit
                        .clone()
                        .unwrap_or_else(|| translate(lang, "unit-none")),
                })
                .collect();
            (group.theme.clone(), rows)
        })
        .collect();
    let l = Layout::new(
        &mitra,
        &auth,
        lang,
        "standards",
        detail.standard.code.clone(),
        &uri,
    )
    .await;
    Ok(render(&StandardPage { l, detail, themes }))
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

/// `GET /indicators/{id}`
pub async fn show_indicator(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let detail = mitra.get_indicator(&id).await?;
    let title = Title::of(&detail.indicator, lang);
    let related = detail
        .related
        .iter()
        .map(|r| RelatedRow {
            id: r.indicator.id.to_string(),
            title: Title::of(&r.indicator, lang),
            relation: translate(lang, &format!("relation-{}", r.relation.as_str())),
            basis: translate(lang, &format!("basis-{}", r.basis.as_str())),
            note: r.note.clone(),
        })
        .collect();
    let l = Layout::new(
        &mitra,
        &auth,
        lang,
        "standards",
        format!("{} {}", detail.indicator.id, title.text),
        &uri,
    )
    .await;
    Ok(render(&IndicatorPage {
        kind: kind_label(&detail.indicator, lang),
        parent: detail
            .parent
            .as_ref()
            .map(|p| (p.id.to_string(), Title::of(p, lang))),
        title,
        related,
        l,
        detail,
    }))
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
    match mitra.delete_crosswalk(&auth.actor, &id, &form.other).await {
        Err(mitra_service::ServiceError::NotFound { .. }) => {
            mitra
                .delete_crosswalk(&auth.actor, &form.other, &id)
                .await?;
        }
        other => other?,
    }
    Ok(super::done(
        &format!("/indicators/{id}"),
        "crosswalk-deleted",
    ))
}
