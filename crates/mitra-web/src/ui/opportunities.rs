//! The opportunities page: projects, solutions and funding calls together, with the filters their users ask for —
//! kind, stage, maturity, instrument, readiness, focus area, challenge, country, city, an amount range in US
//! dollars, open calls and a closing date — sorting, and the publisher of each. Listing is the service's; this
//! module labels what it found and builds the links.

use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use mitra_service::domain::entry::{
    Challenge, Details, EntryKind, Instrument, Maturity, Money, ProjectStage, Readiness,
};
use mitra_service::domain::opportunity::{KINDS, OpportunityQuery, Sort};
use mitra_service::{Mitra, Opportunity, OpportunityPage, Places, ServiceError};

use super::format::{content_language, query_string};
use super::{Layout, render};
use crate::error::PageError;

/// Parameters the page's addresses carry beside the filters.
const PAGE_PARAMETERS: &[&str] = &["lang", "done"];

/// `GET /opportunities`
pub async fn list_opportunities(
    State(mitra): State<Mitra>,
    l: Layout,
    uri: Uri,
) -> Result<Response, PageError> {
    let pairs = crate::api::query_pairs(uri.query()).map_err(ServiceError::from)?;
    let query = OpportunityQuery::parse(&pairs, PAGE_PARAMETERS).map_err(ServiceError::from)?;
    let page = mitra
        .opportunities(
            query,
            content_language(l.lang),
            time::OffsetDateTime::now_utc().date(),
        )
        .await?;
    let places = mitra.places().await?;
    let focus_areas = mitra.list_focus_areas().await?;
    Ok(render(&OpportunitiesPage::build(
        l,
        &page,
        &places,
        &focus_areas,
    )))
}

/// A choice of a filter: value, label, whether chosen.
type Choice = (String, String, bool);

/// One opportunity as a card.
struct Card {
    id: String,
    title: String,
    title_lang: &'static str,
    kind: String,
    example: bool,
    /// The publisher's name and link; `None` for entries shipped with the platform.
    publisher: Option<(String, String)>,
    places: String,
    /// Stage, maturity or instrument, with the funder or provider.
    facts: Vec<String>,
    /// The amount as stated, with its value in US dollars where it could be converted.
    amount: Option<String>,
    deadline: Option<String>,
    readiness: Option<String>,
    topics: Vec<String>,
    summary: String,
    /// The years it concerns (a plan's projects say when they were declared).
    years: String,
    /// For an example: that it is not a current offer or call, and where it comes from.
    provenance: Option<String>,
}

#[derive(Template)]
#[template(path = "opportunities.html")]
struct OpportunitiesPage {
    l: Layout,
    cards: Vec<Card>,
    summary: String,
    kinds: Vec<Choice>,
    stages: Vec<Choice>,
    maturities: Vec<Choice>,
    instruments: Vec<Choice>,
    readiness: Vec<Choice>,
    focus_areas: Vec<Choice>,
    challenges: Vec<Choice>,
    countries: Vec<Choice>,
    cities: Vec<Choice>,
    sorts: Vec<Choice>,
    min_usd: String,
    max_usd: String,
    open_only: bool,
    closing_by: String,
    fx_note: String,
    unconverted_note: Option<String>,
    previous_href: Option<String>,
    next_href: Option<String>,
    page_text: String,
}

impl OpportunitiesPage {
    fn build(
        l: Layout,
        page: &OpportunityPage,
        places: &Places,
        focus_areas: &[mitra_service::domain::FocusArea],
    ) -> Self {
        let l = l.titled("opportunities", "opportunities-title");
        let q = &page.query;
        let kinds = KINDS
            .iter()
            .map(|k| {
                (
                    k.tag().to_owned(),
                    l.t2("entry-kind", k.tag()),
                    q.kinds.contains(k),
                )
            })
            .collect();
        let tagged = |prefix: &str, tags: Vec<(&'static str, bool)>| -> Vec<Choice> {
            tags.into_iter()
                .map(|(tag, chosen)| (tag.to_owned(), l.t2(prefix, tag), chosen))
                .collect()
        };
        let stages = tagged(
            "entry-stage",
            ProjectStage::ALL
                .iter()
                .map(|s| (s.tag(), q.stages.contains(s)))
                .collect(),
        );
        let maturities = tagged(
            "entry-maturity",
            Maturity::ALL
                .iter()
                .map(|m| (m.tag(), q.maturities.contains(m)))
                .collect(),
        );
        let instruments = tagged(
            "entry-instrument",
            Instrument::ALL
                .iter()
                .map(|i| (i.tag(), q.instruments.contains(i)))
                .collect(),
        );
        let readiness = tagged(
            "entry-readiness",
            Readiness::ALL
                .iter()
                .map(|r| (r.tag(), q.readiness.contains(r)))
                .collect(),
        );
        let challenges = tagged(
            "challenge",
            Challenge::ALL
                .iter()
                .map(|c| (c.tag(), q.challenges.contains(c)))
                .collect(),
        );
        let focus_choices = focus_areas
            .iter()
            .map(|f| {
                (
                    f.id.clone(),
                    l.t2("focus", &f.id),
                    q.focus_areas.contains(&f.id),
                )
            })
            .collect();
        let mut countries: Vec<Choice> = places
            .countries
            .values()
            .map(|c| {
                (
                    c.code.to_string(),
                    super::format::country_display(c, l.lang),
                    q.countries.contains(&c.code),
                )
            })
            .collect();
        countries.sort_by(|a, b| a.1.cmp(&b.1));
        // Cities offered are those the listing's entries name, so the choice is short and never empty-handed.
        let mut cities: Vec<Choice> = page
            .city_choices
            .iter()
            .filter_map(|id| places.cities.get(id))
            .map(|c| {
                (
                    c.id.to_string(),
                    crate::ui::format::city_name(c, l.lang).to_owned(),
                    q.cities.contains(&c.id),
                )
            })
            .collect();
        cities.sort_by(|a, b| a.1.cmp(&b.1));
        let sorts = Sort::ALL
            .iter()
            .map(|s| {
                (
                    s.tag().to_owned(),
                    l.t2("opportunities-sort", s.tag()),
                    *s == q.sort,
                )
            })
            .collect();
        let cards = page.items.iter().map(|o| card(o, places, &l)).collect();
        let pages = page.total.div_ceil(q.per_page).max(1);
        let href = |n: usize| {
            let mut pairs = filter_pairs(q);
            if n > 1 {
                pairs.push(("page".into(), n.to_string()));
            }
            let qs = query_string(&pairs);
            if qs.is_empty() {
                "/opportunities".to_owned()
            } else {
                format!("/opportunities?{qs}")
            }
        };
        Self {
            summary: l.tn("opportunities-summary", page.total as u64),
            kinds,
            stages,
            maturities,
            instruments,
            readiness,
            focus_areas: focus_choices,
            challenges,
            countries,
            cities,
            sorts,
            min_usd: q.min_usd.map(usd_field).unwrap_or_default(),
            max_usd: q.max_usd.map(usd_field).unwrap_or_default(),
            open_only: q.open_only,
            closing_by: q.closing_by.map(|d| d.to_string()).unwrap_or_default(),
            fx_note: l.ta(
                "opportunities-fx-note",
                &[
                    ("date", page.fx_date.clone()),
                    ("source", page.fx_source.to_owned()),
                ],
            ),
            unconverted_note: (page.unconverted > 0)
                .then(|| l.tn("opportunities-unconverted", page.unconverted as u64)),
            previous_href: (q.page > 1).then(|| href(q.page - 1)),
            next_href: (q.page < pages).then(|| href(q.page + 1)),
            page_text: l.ta(
                "opportunities-page",
                &[("page", q.page.to_string()), ("pages", pages.to_string())],
            ),
            cards,
            l,
        }
    }
}

/// The listing's filters and order as query parameters, without the page.
fn filter_pairs(q: &OpportunityQuery) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, value: String| pairs.push((name.to_owned(), value));
    q.kinds.iter().for_each(|k| add("kind", k.tag().into()));
    q.stages.iter().for_each(|s| add("stage", s.tag().into()));
    q.maturities
        .iter()
        .for_each(|m| add("maturity", m.tag().into()));
    q.instruments
        .iter()
        .for_each(|i| add("instrument", i.tag().into()));
    q.readiness
        .iter()
        .for_each(|r| add("readiness", r.tag().into()));
    q.focus_areas
        .iter()
        .for_each(|f| add("focus_area", f.clone()));
    q.challenges
        .iter()
        .for_each(|c| add("challenge", c.tag().into()));
    q.countries
        .iter()
        .for_each(|c| add("country", c.to_string()));
    q.cities.iter().for_each(|c| add("city", c.to_string()));
    if let Some(v) = q.min_usd {
        add("min_usd", usd_field(v));
    }
    if let Some(v) = q.max_usd {
        add("max_usd", usd_field(v));
    }
    if q.open_only {
        add("open", "true".into());
    }
    if let Some(d) = q.closing_by {
        add("closing_by", d.to_string());
    }
    if q.sort != Sort::default() {
        add("sort", q.sort.tag().into());
    }
    pairs
}

fn usd_field(v: f64) -> String {
    format!("{v:.0}")
}

fn money_text(m: &Money, lang: mitra_service::domain::Language) -> String {
    crate::ui::format::money(m.amount.round(), &m.currency, lang)
}

/// A whole number of US dollars, as the reader's language writes an amount of them.
fn dollars(v: f64, lang: mitra_service::domain::Language) -> String {
    if (0.0..1e18).contains(&v) {
        crate::ui::format::money(v.round(), "USD", lang)
    } else {
        "—".to_owned()
    }
}

fn card(o: &Opportunity, places: &Places, l: &Layout) -> Card {
    let stored = &o.listing.stored;
    let entry = &stored.entry;
    let text = entry.text_for(content_language(l.lang));
    let mut facts = Vec::new();
    let mut amount = None;
    let mut deadline_text = None;
    let mut readiness_text = None;
    let usd = |v: Option<f64>| v.map(|v| dollars(v, l.lang));
    match &entry.details {
        Details::Project {
            stage,
            needs,
            readiness,
        } => {
            facts.push(l.t2("entry-stage", stage.tag()));
            if let Some(tech) = &needs.technology {
                facts.push(l.ta("opportunities-seeks-technology", &[("what", tech.clone())]));
            }
            if let Some(partners) = &needs.partners {
                facts.push(l.ta(
                    "opportunities-seeks-partners",
                    &[("what", partners.clone())],
                ));
            }
            amount = needs.capital.as_ref().map(|m| {
                with_usd(
                    l,
                    money_text(m, l.lang),
                    &m.currency,
                    usd(o.listing.usd_max),
                )
            });
            readiness_text = Some(l.ta(
                "opportunities-readiness",
                &[
                    ("met", readiness.len().to_string()),
                    ("all", Readiness::ALL.len().to_string()),
                ],
            ));
        }
        Details::Solution {
            provider,
            maturity,
            deployed_in,
            standards,
        } => {
            facts.push(l.t2("entry-maturity", maturity.tag()));
            facts.push(l.ta("opportunities-provider", &[("name", provider.clone())]));
            if !deployed_in.is_empty() {
                let names: Vec<String> = deployed_in
                    .iter()
                    .map(|c| {
                        places.cities.get(c).map_or_else(
                            || c.to_string(),
                            |city| crate::ui::format::city_name(city, l.lang).to_owned(),
                        )
                    })
                    .collect();
                facts.push(l.ta("opportunities-deployed-in", &[("cities", names.join(", "))]));
            }
            if !standards.is_empty() {
                let codes: Vec<&str> = standards.iter().map(|s| s.as_str()).collect();
                facts.push(l.ta(
                    "opportunities-standards",
                    &[("standards", codes.join(", "))],
                ));
            }
        }
        Details::Funding {
            funder,
            instrument,
            amount_min,
            amount_max,
            deadline,
            ..
        } => {
            facts.push(l.t2("entry-instrument", instrument.tag()));
            facts.push(l.ta("opportunities-funder", &[("name", funder.clone())]));
            let stated = match (amount_min, amount_max) {
                (Some(a), Some(b)) => Some((
                    format!("{} – {}", money_text(a, l.lang), money_text(b, l.lang)),
                    b.currency.clone(),
                )),
                (Some(a), None) => {
                    Some((format!("≥ {}", money_text(a, l.lang)), a.currency.clone()))
                }
                (None, Some(b)) => {
                    Some((format!("≤ {}", money_text(b, l.lang)), b.currency.clone()))
                }
                (None, None) => None,
            };
            amount = stated.map(|(text, currency)| {
                let converted = match (o.listing.usd_min, o.listing.usd_max) {
                    (Some(a), Some(b)) if (a - b).abs() > f64::EPSILON => {
                        Some(format!("{} – {}", dollars(a, l.lang), dollars(b, l.lang)))
                    }
                    (a, b) => usd(b.or(a)),
                };
                with_usd(l, text, &currency, converted)
            });
            deadline_text = Some(match deadline {
                Some(d) => l.ta("opportunities-deadline", &[("date", d.clone())]),
                None => l.t("opportunities-no-deadline"),
            });
        }
        _ => {}
    }
    let names: Vec<String> = entry
        .cities
        .iter()
        .filter_map(|c| places.cities.get(c))
        .map(|c| crate::ui::format::city_name(c, l.lang).to_owned())
        .collect();
    let kind: EntryKind = entry.kind();
    Card {
        id: entry.id.to_string(),
        title: text.title.clone(),
        title_lang: text.lang.tag(),
        kind: l.t2("entry-kind", kind.tag()),
        example: entry.example,
        publisher: o.publisher.as_ref().map(|p| {
            (
                super::format::org_ref_name(p, l.lang),
                format!("/organisations/{}", p.id),
            )
        }),
        places: names.join(", "),
        facts,
        amount,
        deadline: deadline_text,
        readiness: readiness_text,
        summary: text.summary.clone(),
        provenance: entry.example.then(|| match entry.sources.first() {
            None => l.t("opportunities-example-made-up"),
            Some(source) => l.ta(
                "opportunities-example-from",
                &[
                    ("source", source.title.clone()),
                    (
                        "retrieved",
                        source.retrieved.clone().unwrap_or_else(|| "—".to_owned()),
                    ),
                ],
            ),
        }),
        years: super::format::year_range(entry.year_from, entry.year_to),
        topics: entry
            .focus_areas
            .iter()
            .map(|f| l.t2("focus", f))
            .chain(entry.challenges.iter().map(|c| l.t2("challenge", c.tag())))
            .collect(),
    }
}

/// An amount as stated, followed by its value in US dollars when it is in another currency and was converted.
fn with_usd(l: &Layout, stated: String, currency: &str, usd: Option<String>) -> String {
    match usd {
        Some(usd) if !currency.eq_ignore_ascii_case("USD") => l.ta(
            "opportunities-amount-usd",
            &[("stated", stated), ("usd", usd)],
        ),
        _ => stated,
    }
}
