//! An entry's page: its text in the chosen language, the facts of its kind, a practice's evidence, a training's
//! seats, its files, and the actions its editors have.

use askama::Template;
use axum::http::Uri;
use axum::response::Response;
use mitra_service::domain::entry::{
    ContentLanguage, Details, LocalTime, Money, Readiness, TextOrigin,
};
use mitra_service::domain::{CityId, Language};
use mitra_service::{Mitra, Places, Standing};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::PageError;
use crate::i18n::{translate, translate_args};
use crate::ui::format::{content_language, plain_number, year_range};
use crate::ui::{Layout, render};

/// The query of an entry's page: which language's text to show.
#[derive(Debug, Default, Deserialize)]
pub struct EntryParams {
    #[serde(rename = "in")]
    text: Option<String>,
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    l: Layout,
    id: String,
    kind: String,
    title: String,
    summary: String,
    body: Vec<String>,
    text_lang: String,
    origin: String,
    translated: bool,
    languages: Vec<(String, String, String, bool)>,
    cities: Vec<(String, String)>,
    organisations: Vec<String>,
    challenges: Vec<String>,
    tags: Vec<String>,
    years: String,
    outcome: Option<String>,
    details: Vec<(String, String)>,
    evidence: Vec<EvidenceView>,
    sources: Vec<(String, Option<String>)>,
    example: bool,
    can_write: bool,
    training: Option<TrainingView>,
    attachments: Vec<AttachmentView>,
    /// `pending` or `rejected` while the entry is not public; empty once it is.
    moderation: &'static str,
    rejection_reason: Option<String>,
    accepted: &'static str,
    upload_error: Option<String>,
}

/// A file the entry shows.
struct AttachmentView {
    sha256: String,
    name: String,
    href: String,
    kind: &'static str,
    size: String,
}

/// A training's seats, the reader's standing and, for its organisers, who enrolled.
struct TrainingView {
    seats_text: String,
    /// `seat`, `waiting` or empty.
    standing: &'static str,
    standing_text: String,
    signed_in: bool,
    full: bool,
    enrolled: Vec<(String, String, String, bool)>,
}

/// One row of a practice's evidence table.
struct EvidenceView {
    indicator: String,
    name: String,
    before_year: i32,
    before: String,
    after_year: i32,
    after: String,
}

fn money(m: &Money) -> String {
    format!("{} {}", plain_number(m.amount), m.currency)
}

fn local(t: &LocalTime) -> String {
    format!("{} ({})", t.at.replace('T', " "), t.timezone)
}

/// The facts of an entry's kind, labelled in the reader's language.
fn detail_facts(details: &Details, lang: Language, places: &Places) -> Vec<(String, String)> {
    let t = |key: &str| translate(lang, key);
    let t2 = |prefix: &str, tag: &str| translate(lang, &format!("{prefix}-{tag}"));
    let city_names = |ids: &[CityId]| {
        ids.iter()
            .map(|c| {
                places
                    .cities
                    .get(c)
                    .map_or_else(|| c.to_string(), |city| city.display_name(lang).to_owned())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut facts = Vec::new();
    let mut add = |key: &str, value: String| {
        if !value.is_empty() {
            facts.push((t(key), value));
        }
    };
    match details {
        Details::Practice { .. } => {}
        Details::Innovation {
            innovation_kind,
            energy,
            deadline,
        } => {
            add(
                "entry-field-innovation-kind",
                t2("entry-innovation-kind", innovation_kind.tag()),
            );
            add(
                "entry-field-energy",
                energy
                    .iter()
                    .map(|e| t2("entry-energy", e.tag()))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            add("entry-field-deadline", deadline.clone().unwrap_or_default());
        }
        Details::Solution {
            provider,
            maturity,
            deployed_in,
            standards,
        } => {
            add("entry-field-provider", provider.clone());
            add("entry-field-maturity", t2("entry-maturity", maturity.tag()));
            add("entry-field-deployed-in", city_names(deployed_in));
            add(
                "entry-field-standards",
                standards
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        Details::Project {
            stage,
            needs,
            readiness,
        } => {
            add("entry-field-stage", t2("entry-stage", stage.tag()));
            add(
                "entry-field-capital-amount",
                needs.capital.as_ref().map(money).unwrap_or_default(),
            );
            add(
                "entry-field-technology",
                needs.technology.clone().unwrap_or_default(),
            );
            add(
                "entry-field-partners",
                needs.partners.clone().unwrap_or_default(),
            );
            add(
                "entry-field-readiness",
                format!(
                    "{}/{}{}{}",
                    readiness.len(),
                    Readiness::ALL.len(),
                    if readiness.is_empty() { "" } else { ": " },
                    readiness
                        .iter()
                        .map(|r| t2("entry-readiness", r.tag()))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            );
        }
        Details::Funding {
            funder,
            instrument,
            amount_min,
            amount_max,
            countries,
            sectors,
            deadline,
        } => {
            add("entry-field-funder", funder.clone());
            add(
                "entry-field-instrument",
                t2("entry-instrument", instrument.tag()),
            );
            add(
                "entry-field-amount-min",
                amount_min.as_ref().map(money).unwrap_or_default(),
            );
            add(
                "entry-field-amount-max",
                amount_max.as_ref().map(money).unwrap_or_default(),
            );
            add(
                "entry-field-countries",
                countries
                    .iter()
                    .map(|c| {
                        places
                            .countries
                            .get(c)
                            .map_or_else(|| c.clone(), |n| n.display_name(lang).to_owned())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            add("entry-field-sectors", sectors.join("; "));
            add("entry-field-deadline", deadline.clone().unwrap_or_default());
        }
        Details::Training {
            provider,
            topic,
            format,
            language,
            starts,
            ends,
            seats,
        } => {
            add("entry-field-provider", provider.clone());
            add("entry-field-topic", topic.clone());
            add("entry-field-format", t2("entry-format", format.tag()));
            add("entry-field-language", language.autonym().to_owned());
            add("entry-field-starts", local(starts));
            add("entry-field-ends", local(ends));
            add("entry-field-seats", seats.to_string());
        }
        Details::Event {
            event_kind,
            starts,
            ends,
            place,
        } => {
            add(
                "entry-field-event-kind",
                t2("entry-event-kind", event_kind.tag()),
            );
            add("entry-field-starts", local(starts));
            add("entry-field-ends", local(ends));
            add("entry-field-place", place.clone().unwrap_or_default());
        }
    }
    facts
}

/// The size of a file, for people.
fn file_size(bytes: u64, lang: Language) -> String {
    let (value, unit) = if bytes >= 1024 * 1024 {
        (bytes as f64 / (1024.0 * 1024.0), "MiB")
    } else if bytes >= 1024 {
        (bytes as f64 / 1024.0, "KiB")
    } else {
        return translate_args(lang, "attachment-bytes", &[("count", bytes.to_string())]);
    };
    format!("{value:.1} {unit}")
}

/// A file's kind, for people: `PDF`, `PNG`, `Excel`.
fn file_kind(content_type: &str) -> &'static str {
    match content_type.split(';').next().unwrap_or_default() {
        "application/pdf" => "PDF",
        "image/png" => "PNG",
        "image/jpeg" => "JPEG",
        "image/webp" => "WebP",
        "text/csv" => "CSV",
        "text/plain" => "Text",
        t if t.ends_with("wordprocessingml.document") => "Word",
        t if t.ends_with("spreadsheetml.sheet") => "Excel",
        t if t.ends_with("presentationml.presentation") => "PowerPoint",
        _ => "File",
    }
}

/// An entry's page; `upload_error` is shown (with status 422) when an attachment was refused.
pub(crate) async fn entry_page(
    mitra: &Mitra,
    auth: &Auth,
    lang: Language,
    uri: &Uri,
    id: &str,
    params: &EntryParams,
    upload_error: Option<String>,
) -> Result<Response, PageError> {
    let stored = mitra.entry_for(&auth.actor, id).await?;
    let entry = &stored.entry;
    let places = mitra.places().await?;
    let asked = params
        .text
        .as_deref()
        .and_then(|t| ContentLanguage::parse(t).ok())
        .and_then(|l| entry.text(l));
    let text = asked.unwrap_or_else(|| entry.text_for(content_language(lang)));
    let languages = entry
        .texts
        .iter()
        .map(|t| {
            (
                t.lang.tag().to_owned(),
                t.lang.autonym().to_owned(),
                format!("/entries/{}?in={}", entry.id, t.lang.tag()),
                t.lang == text.lang,
            )
        })
        .collect();
    let (outcome, evidence) = match &entry.details {
        Details::Practice { outcome, evidence } => {
            let mut rows = Vec::new();
            for e in evidence {
                let name = match mitra.get_indicator(e.indicator.as_str()).await {
                    Ok(detail) => detail.indicator.display_title(lang).0.to_owned(),
                    Err(_) => String::new(),
                };
                rows.push(EvidenceView {
                    indicator: e.indicator.to_string(),
                    name,
                    before_year: e.before.year,
                    before: plain_number(e.before.value),
                    after_year: e.after.year,
                    after: plain_number(e.after.value),
                });
            }
            (outcome.clone(), rows)
        }
        _ => (None, Vec::new()),
    };
    let details = detail_facts(&entry.details, lang, &places);
    let can_write = super::can_write(&auth.actor, &stored);
    let training = match entry.details {
        Details::Training { .. } => {
            let (seats, standing) = mitra.enrolment(&auth.actor, id).await?;
            let enrolled = if can_write {
                mitra
                    .enrolments(&auth.actor, id)
                    .await?
                    .into_iter()
                    .map(|e| {
                        (
                            e.enrolment.display_name,
                            e.enrolment.email,
                            e.enrolment
                                .enrolled_at
                                .format(&time::macros::format_description!(
                                    "[year]-[month]-[day] [hour]:[minute] UTC"
                                ))
                                .unwrap_or_default(),
                            e.standing == Standing::Seat,
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Some(TrainingView {
                seats_text: translate_args(
                    lang,
                    "enrol-seats",
                    &[
                        ("seats", seats.seats.to_string()),
                        ("taken", seats.taken.to_string()),
                        ("waiting", seats.waiting.to_string()),
                    ],
                ),
                standing: match standing {
                    Some(Standing::Seat) => "seat",
                    Some(Standing::Waiting(_)) => "waiting",
                    None => "",
                },
                standing_text: match standing {
                    Some(Standing::Seat) => translate(lang, "enrol-have-seat"),
                    Some(Standing::Waiting(place)) => {
                        translate_args(lang, "enrol-waiting", &[("place", place.to_string())])
                    }
                    None => String::new(),
                },
                signed_in: auth.account.is_some(),
                full: seats.taken >= seats.seats as usize,
                enrolled,
            })
        }
        _ => None,
    };
    let l = Layout::new(mitra, auth, lang, "search", text.title.clone(), uri).await;
    let attachments = mitra
        .attachments(&auth.actor, id)
        .await?
        .into_iter()
        .map(|a| AttachmentView {
            href: format!("/entries/{id}/files/{}", a.sha256),
            kind: file_kind(&a.content_type),
            size: file_size(a.size, lang),
            sha256: a.sha256,
            name: a.name,
        })
        .collect();
    let status = if upload_error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let mut response = render(&EntryPage {
        attachments,
        moderation: match stored.status {
            mitra_service::domain::ModerationStatus::Approved => "",
            other => other.as_str(),
        },
        rejection_reason: stored.rejection_reason.clone(),
        accepted: mitra_service::ACCEPTED_FILES,
        upload_error,
        l,
        id: entry.id.to_string(),
        kind: translate(lang, &format!("entry-kind-{}", entry.kind().tag())),
        title: text.title.clone(),
        summary: text.summary.clone(),
        body: text
            .body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        text_lang: text.lang.tag().to_owned(),
        origin: translate(lang, &format!("entry-origin-{}", text.origin.tag())),
        translated: text.origin != TextOrigin::Original,
        languages,
        cities: entry
            .cities
            .iter()
            .map(|c| {
                (
                    c.to_string(),
                    places
                        .cities
                        .get(c)
                        .map_or_else(|| c.to_string(), |city| city.display_name(lang).to_owned()),
                )
            })
            .collect(),
        organisations: entry.organisations.clone(),
        challenges: entry
            .challenges
            .iter()
            .map(|c| translate(lang, &format!("challenge-{}", c.tag())))
            .collect(),
        tags: entry.tags.iter().cloned().collect(),
        years: year_range(entry.year_from, entry.year_to),
        outcome,
        details,
        evidence,
        can_write,
        training,
        sources: entry
            .sources
            .iter()
            .map(|s| (s.title.clone(), s.url.clone()))
            .collect(),
        example: entry.example,
    });
    *response.status_mut() = status;
    Ok(response)
}
