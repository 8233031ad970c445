//! The city list with its filters, and the city page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use mitra_service::domain::{City, Language, Network, NetworkFilter, PopulationKind};
use mitra_service::{CityDetail, CityListQuery, Mitra};
use serde::Deserialize;

use super::charts::{Radar, radar, sparkline};
use super::format::{Title, country_name, encode, group_digits, number};
use super::{Layout, render};
use crate::auth::Auth;
use crate::error::PageError;
use crate::i18n::{Lang, translate};

/// The query string of the city list.
#[derive(Debug, Default, Deserialize)]
pub struct CityListParams {
    country: Option<String>,
    network: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
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

fn population_text(city: &City, lang: Language) -> String {
    match &city.population {
        Some(p) => match p.year {
            Some(year) => format!(
                "{} {}",
                group_digits(p.count),
                crate::i18n::translate_with(lang, "population-year", "year", year)
            ),
            None => format!(
                "{} {}",
                group_digits(p.count),
                translate(lang, "population-year-unknown")
            ),
        },
        None => "—".into(),
    }
}

fn network_names(city: &City, lang: Language) -> Vec<String> {
    city.networks
        .iter()
        .map(|n| translate(lang, &format!("network-{}", n.as_str())))
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
    q: String,
    next_href: Option<String>,
    is_later_page: bool,
    first_href: String,
}

/// `GET /cities`
pub async fn list_cities(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Query(params): Query<CityListParams>,
) -> Result<Response, PageError> {
    let query = CityListQuery {
        country: params.country.clone(),
        network: params.network.clone(),
        q: params.q.clone(),
        limit: None,
        cursor: params.cursor.clone(),
    };
    let page = mitra.list_cities(&query).await?;
    let all_countries = mitra.list_countries().await?;
    let selected_country = params.country.as_deref().unwrap_or("").to_ascii_uppercase();
    let selected_network = params.network.as_deref().unwrap_or("");
    let filter_query = |cursor: Option<&str>| {
        let mut parts = Vec::new();
        for (key, value) in [
            ("country", params.country.as_deref()),
            ("network", params.network.as_deref()),
            ("q", params.q.as_deref()),
            ("cursor", cursor),
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
    };
    let rows = page
        .cities
        .iter()
        .map(|c| CityRow {
            id: c.id.to_string(),
            name: c.display_name(lang).to_owned(),
            name_lang: c.display_name_language(lang).tag(),
            other_name: (lang == Language::ZhHans && c.name_zh.is_some())
                .then(|| c.name_en.clone()),
            country: country_name(&all_countries, c.country, lang),
            population: population_text(c, lang),
            networks: network_names(c, lang),
        })
        .collect();
    let l = Layout::new(
        &mitra,
        &auth,
        lang,
        "cities",
        translate(lang, "cities-title"),
        &uri,
    )
    .await;
    Ok(render(&CitiesPage {
        summary: l.tn("cities-count", page.total),
        countries: all_countries
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
        q: params.q.clone().unwrap_or_default(),
        next_href: page.next_cursor.as_deref().map(|c| filter_query(Some(c))),
        is_later_page: params.cursor.is_some(),
        first_href: filter_query(None),
        rows,
        l,
    }))
}

/// "Trend from 2010 to 2020" in the reader's language.
fn translate_with2(lang: Language, from: i32, to: i32) -> String {
    crate::i18n::translate_args(
        lang,
        "city-indicator-trend-label",
        &[("from", from.to_string()), ("to", to.to_string())],
    )
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
    indicators: Vec<IndicatorRow>,
    tier: String,
    band: String,
    profile: ProfileView,
    /// Which values the benchmarks compare and how large a group must be, in words.
    benchmark_basis: String,
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

/// `GET /cities/{id}`
pub async fn show_city(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let detail = mitra.get_city(&id).await?;
    let city = &detail.city;
    let name = city.display_name(lang).to_owned();
    let name_lang = city.display_name_language(lang).tag();
    let l = Layout::new(&mitra, &auth, lang, "cities", name.clone(), &uri).await;
    let series = detail
        .populations
        .iter()
        .map(|p| {
            let kind = match p.kind {
                PopulationKind::Estimate => l.t("population-kind-estimate"),
                PopulationKind::Projection => l.t("population-kind-projection"),
            };
            (p.year, group_digits(p.count), kind)
        })
        .collect();
    // Public pages compare verified values only, and say so.
    let values = mitra_service::Values::Verified;
    let benchmarks = mitra
        .city_benchmarks(city.id.as_str(), "region", values)
        .await?;
    let indicators = benchmarks
        .benchmarks
        .iter()
        .map(|b| IndicatorRow {
            id: b.indicator.id.to_string(),
            title: Title::of(&b.indicator, lang),
            year: b.year,
            value: number(b.value),
            unit: b.indicator.unit.clone().unwrap_or_default(),
            trend: sparkline(&b.series, 120.0, 28.0),
            trend_label: match (b.series.first(), b.series.last()) {
                (Some(first), Some(last)) => translate_with2(lang, first.0, last.0),
                _ => String::new(),
            },
            percentile: match (b.counted, b.percentile) {
                (false, _) => translate(lang, "city-indicator-unverified"),
                (true, Some(p)) => format!("{p:.0}"),
                (true, None) => "—".into(),
            },
            median: b.group_median.map_or("—".into(), number),
        })
        .collect();
    let tier = benchmarks
        .facts
        .tier
        .as_deref()
        .map_or("—".into(), |t| l.t2("tier", t));
    let band = benchmarks
        .facts
        .band
        .map_or("—".into(), |b| l.t2("band", b.as_str()));
    let benchmark_basis = crate::i18n::translate_args(
        lang,
        "city-benchmark-basis",
        &[("min", benchmarks.min_group_size.to_string())],
    );
    let profile = mitra.city_profile(city.id.as_str(), values).await?;
    let rests_on = crate::i18n::translate_args(
        lang,
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
    let score = |v: Option<f64>| v.map_or("—".into(), |s| format!("{s:.0}"));
    let profile = ProfileView {
        radar: radar(
            &labels,
            &profile
                .areas
                .iter()
                .map(|(a, _, _)| a.score)
                .collect::<Vec<_>>(),
            &profile.areas.iter().map(|(_, _, m)| *m).collect::<Vec<_>>(),
        ),
        has_scores: profile.areas.iter().any(|(a, _, _)| a.score.is_some()),
        rows: profile
            .areas
            .iter()
            .zip(&labels)
            .map(|((a, _, median), name)| ProfileRow {
                name: name.clone(),
                priority: a.priority,
                weight: number(a.weight),
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
    };
    Ok(render(&CityPage {
        profile,
        benchmark_basis,
        indicators,
        tier,
        band,
        country: country_name(detail.country.as_slice(), city.country, lang),
        population: population_text(city, lang),
        networks: network_names(city, lang),
        population_source: city
            .population
            .as_ref()
            .map(|p| p.source.clone())
            .unwrap_or_default(),
        local_name: city.name_local.clone(),
        series,
        name,
        name_lang,
        l,
        detail,
    }))
}

/// The tier form on a city page.
#[derive(Debug, Deserialize)]
pub struct TierForm {
    csrf_token: String,
    #[serde(default)]
    tier: String,
}

super::forms::has_csrf!(TierForm);

/// `POST /cities/{id}/tier`: a platform admin sets the city's development tier, or returns it to the derived one.
pub async fn set_tier(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    crate::auth::CsrfForm(form): crate::auth::CsrfForm<TierForm>,
) -> Result<Response, PageError> {
    let tier = Some(form.tier.as_str()).filter(|t| !t.is_empty());
    mitra.set_city_tier(&auth.actor, &id, tier).await?;
    Ok(super::done(&format!("/cities/{id}"), "profile-tier-saved"))
}
