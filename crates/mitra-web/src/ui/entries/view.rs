//! An entry's page: its text in the chosen language, the facts of its kind, a practice's evidence, a training's
//! seats, its files, and the actions its editors have. Built from one [`EntryDetail`]; what the reader may do is
//! the service's answer, never decided here.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mitra_service::domain::entry::{
    ContentLanguage, Details, LocalTime, Money, Readiness, SourceLink, TextOrigin,
};
use mitra_service::domain::{CityId, Language, ModerationStatus};
use mitra_service::{Attachment, EntryDetail, Places, Standing, TrainingSeats};
use serde::Deserialize;

use crate::ui::format::{content_language, file_kind, file_size, plain_number, year_range};
use crate::ui::{Layout, render_with_status};

/// The query of an entry's page: which language's text to show.
#[derive(Debug, Default, Deserialize)]
pub struct EntryParams {
    #[serde(rename = "in")]
    text: Option<String>,
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

/// An entry's page.
#[derive(Template)]
#[template(path = "entry.html")]
pub struct EntryPage {
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
    /// The thesaurus's concepts the entry's texts name, most named first: label in the reader's language, and a
    /// search for it.
    concepts: Vec<(String, String)>,
    years: String,
    outcome: Option<String>,
    details: Vec<(String, String)>,
    evidence: Vec<EvidenceView>,
    /// Title, address and when it was read (`retrieved 2026-12-03`, in the reader's language), per source.
    sources: Vec<(String, Option<String>, Option<String>)>,
    example: bool,
    /// For an example: where it comes from and when that was read, or that it was made up.
    provenance: Option<String>,
    can_write: bool,
    training: Option<TrainingView>,
    interest: Option<crate::ui::interests::InterestView>,
    /// Explained matches: funding calls for a project, cities and projects for a solution.
    pub(crate) matches: Vec<crate::ui::matches::MatchSection>,
    /// For an event: the partnerships with an activity it announces.
    pub(crate) partnerships: Vec<crate::ui::partnerships::PartnershipRow>,
    attachments: Vec<AttachmentView>,
    /// `pending` or `rejected` while the entry is not public; empty once it is.
    moderation: &'static str,
    rejection_reason: Option<String>,
    accepted: &'static str,
    upload_error: Option<String>,
}

impl EntryPage {
    /// The page with the entry's explained matches: funding calls for a project, cities and projects for a
    /// solution.
    pub(crate) fn with_matches(
        mut self,
        found: &mitra_service::EntryMatches,
        places: &mitra_service::Places,
    ) -> Self {
        use crate::ui::matches::{MatchSection, city_items, entry_items};
        use mitra_service::domain::EntryKind;
        let l = &self.l;
        let section = |key: &str, items| MatchSection {
            heading: l.t(&format!("match-{key}-heading")),
            intro: l.t(&format!("match-{key}-intro")),
            items,
            empty: l.t(&format!("match-{key}-empty")),
        };
        let entries = entry_items(&found.entries, &found.shelf, places, l);
        self.matches = match found.kind {
            EntryKind::Project => vec![section("project", entries)],
            EntryKind::Solution => vec![
                section("solution-cities", city_items(&found.cities, places, l)),
                section("solution-projects", entries),
            ],
            _ => Vec::new(),
        };
        self
    }
}

impl IntoResponse for EntryPage {
    /// The page, answered with 422 when it shows a refused attachment.
    fn into_response(self) -> Response {
        let status = if self.upload_error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        render_with_status(status, &self)
    }
}

impl EntryPage {
    /// The page of `detail` in the language `params` asks for (else the reader's); `upload_error` says why an
    /// attachment was refused.
    pub fn build(
        l: Layout,
        detail: &EntryDetail,
        params: &EntryParams,
        upload_error: Option<String>,
    ) -> Self {
        let entry = &detail.stored.entry;
        let lang = l.lang;
        let text = params
            .text
            .as_deref()
            .and_then(|t| ContentLanguage::parse(t).ok())
            .and_then(|l| entry.text(l))
            .unwrap_or_else(|| entry.text_for(content_language(lang)));
        let l = l.page("search", text.title.clone());
        let (outcome, evidence) = match &entry.details {
            Details::Practice { outcome, evidence } => (
                outcome.clone(),
                evidence
                    .iter()
                    .map(|e| EvidenceView {
                        indicator: e.indicator.to_string(),
                        name: detail
                            .indicators
                            .get(&e.indicator)
                            .map_or_else(String::new, |i| i.display_title(lang).0.to_owned()),
                        before_year: e.before.year,
                        before: plain_number(e.before.value),
                        after_year: e.after.year,
                        after: plain_number(e.after.value),
                    })
                    .collect(),
            ),
            _ => (None, Vec::new()),
        };
        Self {
            attachments: detail
                .attachments
                .iter()
                .map(|a| AttachmentView::build(a, &entry.id.to_string(), &l))
                .collect(),
            moderation: match detail.stored.status {
                ModerationStatus::Approved => "",
                other => other.as_str(),
            },
            rejection_reason: detail.stored.rejection_reason.clone(),
            accepted: mitra_service::ACCEPTED_FILES,
            upload_error,
            id: entry.id.to_string(),
            kind: l.t2("entry-kind", entry.kind().tag()),
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
            origin: l.t2("entry-origin", text.origin.tag()),
            translated: text.origin != TextOrigin::Original,
            languages: entry
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
                .collect(),
            cities: entry
                .cities
                .iter()
                .map(|c| (c.to_string(), city_name(&detail.places, c, &l)))
                .collect(),
            organisations: entry.organisations.clone(),
            challenges: entry
                .challenges
                .iter()
                .map(|c| l.t2("challenge", c.tag()))
                .collect(),
            // A topic Mitra knows by its label in the reader's language; one an author made up as written.
            tags: entry
                .tags
                .iter()
                .map(|tag| {
                    let label = l.t2("topic", tag);
                    if label == format!("topic-{tag}") {
                        tag.clone()
                    } else {
                        label
                    }
                })
                .collect(),
            concepts: concepts_named(entry, l.lang),
            years: year_range(entry.year_from, entry.year_to),
            outcome,
            details: detail_facts(&entry.details, &l, &detail.places),
            evidence,
            can_write: detail.permissions.edit,
            interest: detail
                .interest
                .as_ref()
                .map(|i| crate::ui::interests::InterestView::build(i, &l)),
            matches: Vec::new(),
            partnerships: Vec::new(),
            training: detail
                .training
                .as_ref()
                .map(|t| TrainingView::build(t, detail.permissions.enrol, &l)),
            sources: entry
                .sources
                .iter()
                .map(|s| {
                    (
                        s.title.clone(),
                        s.url.clone(),
                        s.retrieved.as_ref().map(|date| {
                            l.ta(
                                "entry-source-retrieved",
                                &[("date", crate::ui::format::date(date, l.lang))],
                            )
                        }),
                    )
                })
                .collect(),
            example: entry.example,
            provenance: entry.example.then(|| provenance(&entry.sources, &l)),
            l,
        }
    }
}

impl AttachmentView {
    fn build(a: &Attachment, entry: &str, l: &Layout) -> Self {
        Self {
            href: format!("/entries/{entry}/files/{}", a.sha256),
            kind: file_kind(&a.content_type),
            size: file_size(a.size, l),
            sha256: a.sha256.clone(),
            name: a.name.clone(),
        }
    }
}

impl TrainingView {
    /// The seats of a training; `signed_in` says whether the reader may enrol.
    fn build(t: &TrainingSeats, signed_in: bool, l: &Layout) -> Self {
        let seats = t.seats;
        Self {
            seats_text: l.ta(
                "enrol-seats",
                &[
                    ("seats", seats.seats.to_string()),
                    ("taken", seats.taken.to_string()),
                    ("waiting", seats.waiting.to_string()),
                ],
            ),
            standing: match t.standing {
                Some(Standing::Seat) => "seat",
                Some(Standing::Waiting(_)) => "waiting",
                None => "",
            },
            standing_text: match t.standing {
                Some(Standing::Seat) => l.t("enrol-have-seat"),
                Some(Standing::Waiting(place)) => {
                    l.ta("enrol-waiting", &[("place", place.to_string())])
                }
                None => String::new(),
            },
            signed_in,
            full: seats.taken >= seats.seats as usize,
            enrolled: t
                .enrolled
                .iter()
                .map(|e| {
                    (
                        e.enrolment.display_name.clone(),
                        e.enrolment.email.clone(),
                        l.minute(e.enrolment.enrolled_at),
                        e.standing == Standing::Seat,
                    )
                })
                .collect(),
        }
    }
}

/// The name of city `id` in the reader's language; the id for a city Mitra does not list.
fn city_name(places: &Places, id: &CityId, l: &Layout) -> String {
    places.cities.get(id).map_or_else(
        || id.to_string(),
        |city| crate::ui::format::city_name(city, l.lang).to_owned(),
    )
}

/// What an example says about itself: taken from its first source, read when that source was read; or made up for
/// the demonstration when it has no source.
fn provenance(sources: &[SourceLink], l: &Layout) -> String {
    match sources.first() {
        None => l.t("entry-example-made-up"),
        Some(SourceLink {
            title,
            retrieved: Some(date),
            ..
        }) => l.ta(
            "entry-example-from",
            &[
                ("source", title.clone()),
                ("retrieved", crate::ui::format::date(date, l.lang)),
            ],
        ),
        Some(SourceLink { title, .. }) => {
            l.ta("entry-example-from-undated", &[("source", title.clone())])
        }
    }
}

/// An amount in its currency, as the reader's language writes it.
fn money(m: &Money, lang: Language) -> String {
    crate::ui::format::money(m.amount, &m.currency, lang)
}

/// A local time in its own zone (the host's), and in the reader's: the account's time zone, or UTC for readers
/// who are not signed in.
fn local(t: &LocalTime, l: &Layout) -> String {
    let own = format!("{} ({})", t.at.replace('T', " "), t.timezone);
    let zone = l.account().map_or("UTC", |a| a.time_zone.as_str());
    match t.in_zone(zone) {
        Some(there) if zone != t.timezone => format!(
            "{own} · {}",
            l.ta(
                "entry-time-in-zone",
                &[("time", there), ("zone", zone.to_owned())]
            )
        ),
        _ => own,
    }
}

/// The facts of an entry's kind, labelled in the reader's language; empty values are left out.
fn detail_facts(details: &Details, l: &Layout, places: &Places) -> Vec<(String, String)> {
    let city_names = |ids: &[CityId]| {
        ids.iter()
            .map(|c| city_name(places, c, l))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let listed = |labels: Vec<String>, separator: &str| labels.join(separator);
    let mut facts = Vec::new();
    let mut add = |key: &str, value: String| {
        if !value.is_empty() {
            facts.push((l.t(key), value));
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
                l.t2("entry-innovation-kind", innovation_kind.tag()),
            );
            add(
                "entry-field-energy",
                listed(
                    energy
                        .iter()
                        .map(|e| l.t2("entry-energy", e.tag()))
                        .collect(),
                    ", ",
                ),
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
            add(
                "entry-field-maturity",
                l.t2("entry-maturity", maturity.tag()),
            );
            add("entry-field-deployed-in", city_names(deployed_in));
            add(
                "entry-field-standards",
                listed(standards.iter().map(ToString::to_string).collect(), ", "),
            );
        }
        Details::Project {
            stage,
            needs,
            readiness,
        } => {
            add("entry-field-stage", l.t2("entry-stage", stage.tag()));
            add(
                "entry-field-capital-amount",
                needs
                    .capital
                    .as_ref()
                    .map(|m| money(m, l.lang))
                    .unwrap_or_default(),
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
                    listed(
                        readiness
                            .iter()
                            .map(|r| l.t2("entry-readiness", r.tag()))
                            .collect(),
                        "; "
                    )
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
                l.t2("entry-instrument", instrument.tag()),
            );
            add(
                "entry-field-amount-min",
                amount_min
                    .as_ref()
                    .map(|m| money(m, l.lang))
                    .unwrap_or_default(),
            );
            add(
                "entry-field-amount-max",
                amount_max
                    .as_ref()
                    .map(|m| money(m, l.lang))
                    .unwrap_or_default(),
            );
            add(
                "entry-field-countries",
                listed(
                    countries
                        .iter()
                        .map(|c| {
                            places.countries.get(c).map_or_else(
                                || c.clone(),
                                |n| crate::ui::format::country_display(n, l.lang),
                            )
                        })
                        .collect(),
                    ", ",
                ),
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
            add("entry-field-format", l.t2("entry-format", format.tag()));
            add("entry-field-language", language.autonym().to_owned());
            add("entry-field-starts", local(starts, l));
            add("entry-field-ends", local(ends, l));
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
                l.t2("entry-event-kind", event_kind.tag()),
            );
            add("entry-field-starts", local(starts, l));
            add("entry-field-ends", local(ends, l));
            add("entry-field-place", place.clone().unwrap_or_default());
        }
    }
    facts
}

/// How many concepts an entry page names at most.
const CONCEPTS_SHOWN: usize = 8;

/// The thesaurus's concepts `entry`'s texts name, as the search index tags it, most named first: each with its
/// label in the reader's language and a search for the label.
fn concepts_named(entry: &mitra_service::domain::Entry, lang: Language) -> Vec<(String, String)> {
    let thesaurus = mitra_service::Thesaurus::shipped();
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for text in &entry.texts {
        for part in [&text.title, &text.summary, &text.body] {
            for id in thesaurus.tag(text.lang.tag(), part) {
                *counts.entry(id).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let reader = crate::ui::format::content_language(lang);
    ranked
        .into_iter()
        .filter_map(|(id, _)| thesaurus.concept(id))
        .take(CONCEPTS_SHOWN)
        .map(|concept| {
            let label = concept.label(reader.tag()).to_owned();
            let href = format!("/search?q={}", crate::ui::format::encode(&label));
            (label, href)
        })
        .collect()
}
