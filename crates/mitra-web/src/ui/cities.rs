//! The city list with its filters, and the city page with its benchmarks and profile. The figures come from the
//! service; this module only lays them out for people.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mitra_service::domain::reference::{COASTAL_KM, Coast};
use mitra_service::domain::{
    City, CityId, Country, Language, Network, NetworkFilter, PopulationKind,
};
use mitra_service::{
    Benchmark, CityDetail, CityListQuery, CityOverview, CityProfile, Mitra, Values,
};
use serde::Deserialize;

use super::charts::{Radar, radar, sparkline};
use super::format::{Title, country_name, encode, group_digits, number};
use super::forms::has_csrf;
use super::matches::MatchSection;
use super::submissions::SubmitView;
use super::{Layout, done, render};
use crate::auth::{Auth, CsrfForm};
use crate::error::PageError;

/// The query string of the city list.
#[derive(Debug, Default, Deserialize)]
pub struct CityListParams {
    country: Option<String>,
    network: Option<String>,
    q: Option<String>,
    focus_area: Option<String>,
    challenge: Option<String>,
    /// How many cities of the sorted list come before the page.
    from: Option<String>,
}

/// Cities on one page of the list.
const CITIES_PER_PAGE: usize = 100;

impl CityListParams {
    fn query(&self) -> CityListQuery {
        CityListQuery {
            country: self.country.clone(),
            network: self.network.clone(),
            q: self.q.clone(),
            focus_area: self.focus_area.clone(),
            challenge: self.challenge.clone(),
            limit: None,
            cursor: None,
        }
    }

    /// Where the page starts in the sorted list (a number that is not one starts it at the top).
    fn from(&self) -> usize {
        self.from
            .as_deref()
            .and_then(|f| f.trim().parse().ok())
            .unwrap_or(0)
    }

    /// The list's address with these filters, on the page starting at `from`.
    fn href(&self, from: Option<&str>) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("country", self.country.as_deref()),
            ("network", self.network.as_deref()),
            ("q", self.q.as_deref()),
            ("focus_area", self.focus_area.as_deref()),
            ("challenge", self.challenge.as_deref()),
            ("from", from),
        ] {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                parts.push(format!("{key}={}", encode(v)));
            }
        }
        if parts.is_empty() {
            "/cities".to_owned()
        } else {
            format!("/cities?{}", parts.join("&"))
        }
    }
}

/// `GET /cities`
pub async fn list_cities(
    State(mitra): State<Mitra>,
    l: Layout,
    Query(params): Query<CityListParams>,
) -> Result<Response, PageError> {
    let mut cities = mitra.cities_matching(&params.query()).await?;
    super::format::sort_by_name(
        &mut cities,
        |c| crate::ui::format::city_name(c, l.lang),
        l.lang,
    );
    let total = cities.len();
    let from = params.from().min(total);
    let page = SortedPage {
        next: (from + CITIES_PER_PAGE < total).then(|| (from + CITIES_PER_PAGE).to_string()),
        cities: cities.drain(from..).take(CITIES_PER_PAGE).collect(),
        total,
        later: from > 0,
    };
    let countries = mitra.list_countries().await?;
    let focus_areas = mitra.list_focus_areas().await?;
    Ok(render(&CitiesPage::build(
        l,
        &params,
        &page,
        &countries,
        &focus_areas,
    )))
}

/// One page of the city list, sorted by the reader's language.
struct SortedPage {
    cities: Vec<City>,
    total: usize,
    /// Where the next page starts, if there is one.
    next: Option<String>,
    /// Whether this is not the first page.
    later: bool,
}

/// A city as a row of the list.
struct CityRow {
    id: String,
    name: String,
    name_lang: &'static str,
    other_name: Option<String>,
    country: String,
    population: String,
    networks: Vec<String>,
}

fn population_text(city: &City, l: &Layout) -> String {
    match &city.population {
        Some(p) => match p.year {
            Some(year) => format!(
                "{} {}",
                group_digits(p.count, l.lang),
                crate::i18n::translate_with(l.lang, "population-year", "year", year)
            ),
            None => format!(
                "{} {}",
                group_digits(p.count, l.lang),
                l.t("population-year-unknown")
            ),
        },
        None => "—".into(),
    }
}

fn network_names(city: &City, l: &Layout) -> Vec<String> {
    city.networks
        .iter()
        .map(|n| l.t2("network", n.as_str()))
        .collect()
}

#[derive(Template)]
#[template(path = "cities.html")]
struct CitiesPage {
    l: Layout,
    rows: Vec<CityRow>,
    summary: String,
    countries: Vec<(String, String, bool)>,
    networks: Vec<(String, String, bool)>,
    focus_areas: Vec<(String, String, bool)>,
    challenges: Vec<(String, String, bool)>,
    q: String,
    next_href: Option<String>,
    is_later_page: bool,
    first_href: String,
}

impl CitiesPage {
    /// The list `page` of cities found with `params`, and the filters' choices.
    fn build(
        l: Layout,
        params: &CityListParams,
        page: &SortedPage,
        countries: &[Country],
        focus_areas: &[mitra_service::domain::FocusArea],
    ) -> Self {
        let l = l.titled("cities", "cities-title");
        let lang = l.lang;
        let selected_country = params.country.as_deref().unwrap_or("").to_ascii_uppercase();
        let selected_network = params.network.as_deref().unwrap_or("");
        Self {
            rows: page
                .cities
                .iter()
                .map(|c| CityRow {
                    id: c.id.to_string(),
                    name: crate::ui::format::city_name(c, lang).to_owned(),
                    name_lang: crate::ui::format::city_name_language(c, lang).tag(),
                    other_name: (crate::ui::format::city_name_language(c, lang) != Language::En)
                        .then(|| c.name_en.clone()),
                    country: country_name(countries, c.country, lang),
                    population: population_text(c, &l),
                    networks: network_names(c, &l),
                })
                .collect(),
            summary: l.tn("cities-count", page.total as u64),
            countries: countries
                .iter()
                .map(|c| {
                    (
                        c.code.to_string(),
                        c.display_name(lang).to_owned(),
                        c.code.as_str() == selected_country,
                    )
                })
                .collect(),
            networks: std::iter::once(NetworkFilter::AnyAscn)
                .chain(Network::ALL.into_iter().map(NetworkFilter::Only))
                .map(|f| {
                    (
                        f.as_str().to_owned(),
                        l.t(&format!("network-{}", f.as_str())),
                        f.as_str() == selected_network,
                    )
                })
                .collect(),
            focus_areas: focus_areas
                .iter()
                .map(|f| {
                    (
                        f.id.clone(),
                        l.t2("focus", &f.id),
                        params.focus_area.as_deref() == Some(f.id.as_str()),
                    )
                })
                .collect(),
            challenges: mitra_service::domain::entry::Challenge::ALL
                .iter()
                .map(|c| {
                    (
                        c.tag().to_owned(),
                        l.t2("challenge", c.tag()),
                        params.challenge.as_deref() == Some(c.tag()),
                    )
                })
                .collect(),
            q: params.q.clone().unwrap_or_default(),
            next_href: page.next.as_deref().map(|f| params.href(Some(f))),
            is_later_page: page.later,
            first_href: params.href(None),
            l,
        }
    }
}

/// `GET /cities/{id}`
pub async fn show_city(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    // Public pages compare verified values only, and say so.
    let id = CityId::parse(&id)?;
    let overview = mitra.city_overview(&id, Values::Verified).await?;
    let matches = mitra
        .city_matches(&id, time::OffsetDateTime::now_utc().date())
        .await?;
    let places = mitra.places().await?;
    let partners = mitra
        .city_partners(
            &id,
            mitra_service::domain::partners::PairFilter::AseanChina,
            time::OffsetDateTime::now_utc().date(),
        )
        .await?;
    let submit = SubmitView::for_city(&mitra, &l, &id).await?;
    let (partnerships, _) = mitra
        .partnerships(
            l.actor(),
            mitra_service::PartnershipFilter {
                city: Some(id.clone()),
                limit: mitra_service::MAX_PARTNERSHIP_PAGE,
                ..mitra_service::PartnershipFilter::default()
            },
        )
        .await?;
    let governs = l.actor().city_government(&id).is_ok();
    let mut page = CityPage::build(l, overview, submit);
    page.partnerships = partnerships
        .iter()
        .map(|p| super::partnerships::PartnershipRow::build(p, &places, &page.l))
        .collect();
    page.report_href = format!(
        "/cities/{id}/partnerships?year={}",
        time::OffsetDateTime::now_utc().year()
    );
    let mut partner_items = super::matches::partner_items(&partners.matches, &places, &page.l);
    // The city's government may propose to a recommended partner, or open the partnership going with it.
    for (item, m) in partner_items.iter_mut().zip(&partners.matches) {
        let going = partnerships
            .iter()
            .find(|p| !p.status.is_ended() && p.side_of(&m.id).is_some());
        item.action = match going {
            Some(p) => Some((
                format!("/partnerships/{}", p.id),
                page.l.t("city-partnership-open"),
            )),
            None if governs => Some((
                format!("/partnerships/new?invited={}", m.id),
                page.l.t("partnership-propose-link"),
            )),
            None => None,
        };
    }
    page.matches = vec![
        MatchSection {
            heading: page.l.t("match-city-offers-heading"),
            intro: page.l.t("match-city-offers-intro"),
            items: super::matches::entry_items(&matches.offers, &matches.shelf, &places, &page.l),
            empty: page.l.t("match-city-offers-empty"),
        },
        MatchSection {
            heading: page.l.t("match-city-training-heading"),
            intro: page.l.t("match-city-training-intro"),
            items: super::matches::entry_items(&matches.training, &matches.shelf, &places, &page.l),
            empty: page.l.t("match-city-training-empty"),
        },
        MatchSection {
            heading: page.l.t("city-partners-heading"),
            intro: page.l.t("city-partners-intro"),
            items: partner_items,
            empty: page.l.t("city-partners-empty"),
        },
    ];
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "city.html")]
struct CityPage {
    l: Layout,
    detail: CityDetail,
    name: String,
    name_lang: &'static str,
    country: String,
    population: String,
    networks: Vec<String>,
    series: Vec<(i32, String, String)>,
    population_source: String,
    local_name: Option<(String, String)>,
    /// Its names in further languages: the language's own name, the city's name, its tag, and source and licence.
    other_names: Vec<(String, String, &'static str, String)>,
    /// Its province in the reader's language where Mitra knows it (else as GeoNames writes it), and the tag.
    province: Option<(String, &'static str)>,
    indicators: Vec<IndicatorRow>,
    tier: String,
    band: String,
    /// The distance to the sea coast and what it makes the city, in words; `None` when unknown.
    coast: Option<String>,
    profile: ProfileView,
    /// Which values the benchmarks compare and how large a group must be, in words.
    benchmark_basis: String,
    needs: NeedsView,
    /// Explained matches for its needs, and recommended partners.
    matches: Vec<MatchSection>,
    /// Its partnerships the reader may see.
    partnerships: Vec<super::partnerships::PartnershipRow>,
    /// Its yearly report of partnerships.
    report_href: String,
    /// The forms to submit values, for the city's editors.
    submit: Option<SubmitView>,
}

/// One of the city's projects and what it needs.
struct ProjectNeed {
    id: String,
    title: String,
    title_lang: &'static str,
    stage: String,
    wants: Vec<String>,
    example: bool,
}

/// What the city declares it needs, and links to what Mitra holds about it.
struct NeedsView {
    /// Focus areas: name, link to cities sharing it, link to opportunities in it.
    focus_areas: Vec<(String, String, String)>,
    /// Challenges: name and link to cities facing it.
    challenges: Vec<(String, String)>,
    /// Its projects.
    projects: Vec<ProjectNeed>,
    /// Links to its entries by kind: label with count, address.
    links: Vec<(String, String)>,
    empty: bool,
}

impl NeedsView {
    fn build(needs: &mitra_service::CityNeeds, city: &City, l: &Layout) -> Self {
        use mitra_service::domain::EntryKind;
        use mitra_service::domain::entry::Details;
        let id = city.id.as_str();
        let count = |k: EntryKind| needs.counts.get(&k).copied().unwrap_or(0) as u64;
        let links = vec![
            (
                l.tn("city-link-practices", count(EntryKind::Practice)),
                format!("/search?city={id}&kind=practice"),
            ),
            (
                l.tn("city-link-projects", count(EntryKind::Project)),
                format!("/opportunities?city={id}&kind=project"),
            ),
            (
                l.tn("city-link-events", count(EntryKind::Event)),
                format!("/search?city={id}&kind=event"),
            ),
            (
                l.tn("city-link-training", count(EntryKind::Training)),
                format!("/search?city={id}&kind=training"),
            ),
            (
                l.t("city-link-funding"),
                format!(
                    "/opportunities?kind=funding&country={}&open=true",
                    city.country
                ),
            ),
        ];
        let lang = super::format::content_language(l.lang);
        Self {
            focus_areas: needs
                .focus_areas
                .iter()
                .map(|f| {
                    (
                        l.t2("focus", f),
                        format!("/cities?focus_area={}", encode(f)),
                        format!("/opportunities?focus_area={}", encode(f)),
                    )
                })
                .collect(),
            challenges: needs
                .challenges
                .iter()
                .map(|c| {
                    (
                        l.t2("challenge", c.tag()),
                        format!("/cities?challenge={}", c.tag()),
                    )
                })
                .collect(),
            projects: needs
                .projects
                .iter()
                .map(|p| {
                    let entry = &p.stored.entry;
                    let text = entry.text_for(lang);
                    let (stage, wants) = match &entry.details {
                        Details::Project { stage, needs, .. } => {
                            let mut wants = Vec::new();
                            if let Some(m) = &needs.capital {
                                wants.push(l.ta(
                                    "city-need-capital",
                                    &[(
                                        "amount",
                                        format!(
                                            "{} {}",
                                            m.currency,
                                            super::format::number(m.amount, l.lang)
                                        ),
                                    )],
                                ));
                            }
                            if let Some(t) = &needs.technology {
                                wants.push(
                                    l.ta("opportunities-seeks-technology", &[("what", t.clone())]),
                                );
                            }
                            if let Some(p) = &needs.partners {
                                wants.push(
                                    l.ta("opportunities-seeks-partners", &[("what", p.clone())]),
                                );
                            }
                            (l.t2("entry-stage", stage.tag()), wants)
                        }
                        _ => (String::new(), Vec::new()),
                    };
                    ProjectNeed {
                        id: entry.id.to_string(),
                        title: text.title.clone(),
                        title_lang: text.lang.tag(),
                        stage,
                        wants,
                        example: entry.example,
                    }
                })
                .collect(),
            links,
            empty: needs.is_empty(),
        }
    }
}

impl CityPage {
    /// The page of a city, its benchmarks and its profile, and the forms to submit values when the reader may.
    fn build(l: Layout, overview: CityOverview, submit: Option<SubmitView>) -> Self {
        let CityOverview {
            detail,
            benchmarks,
            profile,
            needs,
        } = overview;
        let city = &detail.city;
        let name = crate::ui::format::city_name(city, l.lang).to_owned();
        let l = l.page("cities", name.clone());
        let needs = NeedsView::build(&needs, city, &l);
        let series = detail
            .populations
            .iter()
            .map(|p| {
                let kind = match p.kind {
                    PopulationKind::Estimate => l.t("population-kind-estimate"),
                    PopulationKind::Projection => l.t("population-kind-projection"),
                };
                (p.year, group_digits(p.count, l.lang), kind)
            })
            .collect();
        Self {
            indicators: benchmarks
                .benchmarks
                .iter()
                .map(|b| IndicatorRow::build(b, &l))
                .collect(),
            tier: benchmarks
                .facts
                .tier
                .as_deref()
                .map_or("—".into(), |t| l.t2("tier", t)),
            band: benchmarks
                .facts
                .band
                .map_or("—".into(), |b| l.t2("band", b.as_str())),
            coast: detail.coast_km.map(|km| {
                let key = match Coast::of(km) {
                    Coast::Coastal => "city-coast-coastal",
                    Coast::Inland => "city-coast-inland",
                };
                l.ta(
                    key,
                    &[
                        ("km", format!("{km:.0}")),
                        ("limit", format!("{COASTAL_KM:.0}")),
                    ],
                )
            }),
            benchmark_basis: l.ta(
                "city-benchmark-basis",
                &[("min", benchmarks.min_group_size.to_string())],
            ),
            profile: ProfileView::build(&profile, &l),
            name_lang: crate::ui::format::city_name_language(city, l.lang).tag(),
            country: country_name(detail.country.as_slice(), city.country, l.lang),
            population: population_text(city, &l),
            networks: network_names(city, &l),
            population_source: city
                .population
                .as_ref()
                .map(|p| p.source.clone())
                .unwrap_or_default(),
            local_name: city.name_local.clone(),
            other_names: Language::ALL
                .into_iter()
                .filter(|language| {
                    !matches!(language, Language::En | Language::ZhHans)
                        && city
                            .name_local
                            .as_ref()
                            .is_none_or(|(_, tag)| Language::of_tag(tag) != Some(*language))
                })
                .filter_map(|language| {
                    let named = mitra_service::city_names().name(&city.id, language)?;
                    Some((
                        language.autonym().to_owned(),
                        named.name.clone(),
                        language.tag(),
                        format!("{} · {}", named.source, named.licence),
                    ))
                })
                .collect(),
            province: city.admin1.as_ref().map(|admin1| {
                match mitra_service::province_names().name(city.country, admin1, l.lang) {
                    Some(name) => (name.to_owned(), l.lang.tag()),
                    None => (admin1.clone(), "en"),
                }
            }),
            needs,
            matches: Vec::new(),
            partnerships: Vec::new(),
            report_href: String::new(),
            series,
            name,
            l,
            detail,
            submit,
        }
    }
}

/// The profile section: the radar and its table.
struct ProfileView {
    radar: Radar,
    rows: Vec<ProfileRow>,
    overall: String,
    /// How many of the applicable indicators the overall score rests on, in words, when there is one.
    rests_on: Option<String>,
    /// Whether the overall score rests on too few indicators to be more than provisional.
    provisional: bool,
    priorities: String,
    has_scores: bool,
}

struct ProfileRow {
    name: String,
    priority: bool,
    weight: String,
    score: String,
    median: String,
    with_values: usize,
    applicable: usize,
}

/// A score out of 100, rounded; a dash when there is none.
fn score(value: Option<f64>) -> String {
    value.map_or("—".into(), |s| format!("{s:.0}"))
}

impl ProfileView {
    fn build(profile: &CityProfile, l: &Layout) -> Self {
        let rests_on = l.ta(
            if profile.provisional {
                "profile-overall-provisional"
            } else {
                "profile-overall-rests-on"
            },
            &[
                ("rated", profile.rated.to_string()),
                ("applicable", profile.applicable.to_string()),
            ],
        );
        // A focus area without a translation keeps the name the service gives.
        let area_name = |id: &str, en: &str| {
            let key = format!("focus-{id}");
            let text = l.t(&key);
            if text == key { en.to_owned() } else { text }
        };
        let labels: Vec<String> = profile
            .areas
            .iter()
            .map(|(a, en, _)| area_name(&a.focus_area, en))
            .collect();
        let scores: Vec<Option<f64>> = profile.areas.iter().map(|(a, _, _)| a.score).collect();
        let medians: Vec<Option<f64>> = profile.areas.iter().map(|(_, _, m)| *m).collect();
        Self {
            radar: radar(&labels, &scores, &medians),
            has_scores: scores.iter().any(Option::is_some),
            rows: profile
                .areas
                .iter()
                .zip(&labels)
                .map(|((a, _, median), name)| ProfileRow {
                    name: name.clone(),
                    priority: a.priority,
                    weight: number(a.weight, l.lang),
                    score: score(a.score),
                    median: score(*median),
                    with_values: a.indicators.iter().filter(|(_, p)| p.is_some()).count(),
                    applicable: a.indicators.len(),
                })
                .collect(),
            overall: score(profile.overall),
            rests_on: profile.overall.map(|_| rests_on),
            provisional: profile.provisional,
            priorities: if profile.priorities.is_empty() {
                l.t("profile-priorities-none")
            } else {
                profile
                    .areas
                    .iter()
                    .zip(&labels)
                    .filter(|((a, _, _), _)| a.priority)
                    .map(|(_, name)| name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        }
    }
}

/// One indicator on the city page: its latest value, trend and standing in the region.
struct IndicatorRow {
    id: String,
    title: Title,
    year: i32,
    value: String,
    unit: String,
    trend: Option<String>,
    trend_label: String,
    percentile: String,
    median: String,
}

impl IndicatorRow {
    fn build(b: &Benchmark, l: &Layout) -> Self {
        Self {
            id: b.indicator.id.to_string(),
            title: Title::of(&b.indicator, l.lang),
            year: b.year,
            value: number(b.value, l.lang),
            unit: b.indicator.unit.clone().unwrap_or_default(),
            trend: sparkline(&b.series, 120.0, 28.0),
            trend_label: match (b.series.first(), b.series.last()) {
                (Some(first), Some(last)) => l.ta(
                    "city-indicator-trend-label",
                    &[("from", first.0.to_string()), ("to", last.0.to_string())],
                ),
                _ => String::new(),
            },
            percentile: match (b.counted, b.percentile) {
                (false, _) => l.t("city-indicator-unverified"),
                (true, Some(p)) => format!("{p:.0}"),
                (true, None) => "—".into(),
            },
            median: b.group_median.map_or("—".into(), |m| number(m, l.lang)),
        }
    }
}

/// The tier form on a city page.
#[derive(Debug, Deserialize)]
pub struct TierForm {
    csrf_token: String,
    #[serde(default)]
    tier: String,
}

has_csrf!(TierForm);

/// `POST /cities/{id}/tier`: a platform admin sets the city's development tier, or returns it to the derived one.
pub async fn set_tier(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<TierForm>,
) -> Result<Response, PageError> {
    let tier = Some(form.tier.as_str()).filter(|t| !t.is_empty());
    let id = CityId::parse(&id)?;
    mitra.set_city_tier(&auth.actor, &id, tier).await?;
    Ok(done(&format!("/cities/{id}"), "profile-tier-saved"))
}
