//! The pages that write entries: the choice of kind, and the form for a new entry or an edit with its choices
//! (organisations, languages, challenges, focus areas and each kind's lists) and the error of a refused post. The
//! organisations offered are the service's answer; nothing here decides who may publish.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mitra_service::ServiceError;
use mitra_service::domain::entry::{
    Challenge, ContentLanguage, EnergyTag, EntryKind, EventKind, InnovationKind, Instrument,
    Maturity, ProjectStage, Readiness, TextOrigin, TrainingFormat,
};
use mitra_service::domain::{FocusArea, Organisation};

use super::form::EntryForm;
use crate::error::PageError;
use crate::ui::format::org_name;
use crate::ui::forms::FieldError;
use crate::ui::{Layout, render, render_with_status};

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

/// The choices of `all`, labelled by `label`, with those in `chosen` on.
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

impl Choices {
    /// The choices for `form`, with what it holds selected; `orgs` are those the reader may publish for.
    fn build(
        form: &EntryForm,
        orgs: &[Organisation],
        focus_areas: &[FocusArea],
        l: &Layout,
    ) -> Self {
        let one = |v: &str| vec![v.to_owned()];
        let t = |prefix: &'static str| move |tag: &str| l.t2(prefix, tag);
        Self {
            orgs: orgs
                .iter()
                .map(|org| Opt {
                    on: org.id.as_str() == form.org,
                    value: org.id.to_string(),
                    label: org_name(org, l.lang),
                    lang: None,
                })
                .collect(),
            challenges: options(
                Challenge::ALL,
                Challenge::tag,
                &form.challenges,
                t("challenge"),
            ),
            // Focus areas are named as the catalogue publishes them, in English.
            focus_areas: focus_areas
                .iter()
                .map(|a| Opt {
                    on: form.focus_areas.contains(&a.id),
                    value: a.id.clone(),
                    label: a.name_en.clone(),
                    lang: Some("en"),
                })
                .collect(),
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
        }
    }
}

/// The form for a new entry or an edit.
#[derive(Template)]
#[template(path = "entry_form.html")]
pub struct EntryFormPage {
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
    /// The form holding `form` — a new entry, or entry `editing` — with `error` when a post was refused; `orgs` are
    /// those the reader may publish for (only a new entry chooses one).
    pub fn build(
        l: Layout,
        mut form: EntryForm,
        editing: Option<String>,
        error: Option<FieldError>,
        orgs: &[Organisation],
        focus_areas: &[FocusArea],
    ) -> Result<Self, PageError> {
        form.pad();
        let kind = EntryKind::parse(&form.kind).map_err(ServiceError::from)?;
        let kind_name = l.t2("entry-kind", kind.tag());
        let title = match &editing {
            Some(_) => l.t("entry-edit-title"),
            None => format!("{} · {kind_name}", l.t("entry-new-title")),
        };
        let l = l.page("search", title);
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
                    std::slice::from_ref(&row.origin),
                    |tag| l.t2("entry-origin", tag),
                ),
                title: row.title.clone(),
                summary: row.summary.clone(),
                body: row.body.clone(),
            })
            .collect();
        Ok(Self {
            c: Choices::build(&form, orgs, focus_areas, &l),
            error_label: error
                .as_ref()
                .map(|e| l.t(&label_key(&e.field)))
                .unwrap_or_default(),
            l,
            error,
            form,
            editing,
            kind_name,
            texts,
        })
    }

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

impl IntoResponse for EntryFormPage {
    /// The form, answered with 422 when it shows a refused post.
    fn into_response(self) -> Response {
        let status = if self.error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        render_with_status(status, &self)
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

/// The choice of kind before the form for a new entry.
#[derive(Template)]
#[template(path = "entry_kinds.html")]
pub struct KindsPage {
    l: Layout,
    kinds: Vec<(&'static str, String, String)>,
    can_publish: bool,
}

impl KindsPage {
    /// The choice of kind for a new entry; `orgs` are those the reader may publish for.
    pub fn build(l: Layout, orgs: &[Organisation]) -> Self {
        let l = l.titled("search", "entry-new-title");
        Self {
            kinds: EntryKind::ALL
                .iter()
                .map(|k| {
                    (
                        k.tag(),
                        l.t2("entry-kind", k.tag()),
                        l.t2("entry-kind-about", k.tag()),
                    )
                })
                .collect(),
            can_publish: !orgs.is_empty(),
            l,
        }
    }
}

impl IntoResponse for KindsPage {
    fn into_response(self) -> Response {
        render(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::label_key;

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
