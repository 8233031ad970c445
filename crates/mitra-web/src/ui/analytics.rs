//! Pages of the standards engine: a city's conformity assessment (printable) and peer rankings. The numbers come
//! from the service; this module only lays them out for people.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use mitra_service::domain::peers::Grouping;
use mitra_service::domain::{Indicator, Language};
use mitra_service::{AssessmentView, Mitra};
use serde::Deserialize;

use super::format::{Title, number};
use super::{Layout, render};
use crate::auth::Auth;
use crate::error::PageError;
use crate::i18n::{Lang, translate};

#[derive(Debug, Default, Deserialize)]
pub struct AssessmentParams {
    standard: Option<String>,
    year: Option<String>,
}

struct ItemRow {
    id: String,
    title: Title,
    kind: String,
    value: String,
    unit: String,
    source: String,
    status: String,
    recognised_from: Option<String>,
}

struct FindingRow {
    id: Option<String>,
    title: Option<Title>,
    reason: String,
}

struct GapRow {
    kind: String,
    needed: u32,
    indicators: Vec<(String, Title)>,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    l: Layout,
    city_id: String,
    city_name: String,
    view: AssessmentView,
    standards: Vec<(String, bool)>,
    year: String,
    counts: Vec<(String, u32, u32)>,
    items: Vec<ItemRow>,
    recognised: usize,
    gaps: Vec<GapRow>,
    invalid: Vec<FindingRow>,
    warnings: Vec<FindingRow>,
}

/// `GET /cities/{id}/assessment`
pub async fn show_assessment(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Path(id): Path<String>,
    Query(params): Query<AssessmentParams>,
) -> Result<Response, PageError> {
    let standard = params
        .standard
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "iso37120-2014".into());
    let report = mitra.assess(&id, &standard, params.year.as_deref()).await?;
    let view = report.view(lang);
    let city_name = report.city.display_name(lang).to_owned();
    let l = Layout::new(
        &mitra,
        &auth,
        lang,
        "cities",
        format!("{} · {}", translate(lang, "assessment-title"), city_name),
        &uri,
    )
    .await;
    let t = |id: &str| {
        let indicator = mitra_service::domain::IndicatorId::parse(id)
            .ok()
            .and_then(|i| report.indicators.get(&i));
        Title::of_id(indicator, id, lang)
    };
    let finding = |f: &mitra_service::FindingView| FindingRow {
        id: f.indicator.clone(),
        title: f.indicator.as_deref().map(t),
        reason: f.reason.clone(),
    };
    let items: Vec<ItemRow> = view
        .items
        .iter()
        .map(|i| ItemRow {
            title: t(&i.indicator),
            id: i.indicator.clone(),
            kind: l.t2("kind", &i.kind),
            value: number(i.value),
            unit: i.unit.clone().unwrap_or_default(),
            source: i.source.clone(),
            status: l.t2("observation-status", &i.status),
            recognised_from: i.recognised_from.clone(),
        })
        .collect();
    Ok(render(&AssessmentPage {
        city_id: report.city.id.to_string(),
        standards: mitra_service::assessable_standards()
            .into_iter()
            .map(|s| {
                let selected = s == standard;
                (s, selected)
            })
            .collect(),
        year: view.year.map(|y| y.to_string()).unwrap_or_default(),
        counts: view
            .counts
            .iter()
            .map(|(kind, (valid, total))| (l.t2("kind", kind), *valid, *total))
            .collect(),
        recognised: items.iter().filter(|i| i.recognised_from.is_some()).count(),
        gaps: view
            .next_level
            .iter()
            .flat_map(|n| &n.missing)
            .map(|g| GapRow {
                kind: l.t2("kind", &g.kind),
                needed: g.needed,
                indicators: g.indicators.iter().map(|i| (i.clone(), t(i))).collect(),
            })
            .collect(),
        invalid: view.invalid.iter().map(finding).collect(),
        warnings: view.warnings.iter().map(finding).collect(),
        items,
        city_name,
        view,
        l,
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct RankingParams {
    indicator: Option<String>,
    year: Option<String>,
    group_by: Option<String>,
    group: Option<String>,
    values: Option<String>,
}

struct RankRow {
    position: usize,
    city_id: String,
    city: String,
    city_lang: &'static str,
    group: String,
    value: String,
    percentile: String,
}

#[derive(Template)]
#[template(path = "rankings.html")]
struct RankingsPage {
    l: Layout,
    indicators: Vec<(String, String, bool)>,
    groupings: Vec<(String, String, bool)>,
    groups: Vec<(String, bool)>,
    years: Vec<(i32, bool)>,
    chosen: Option<Chosen>,
    rows: Vec<RankRow>,
    /// `(value, label, selected)` of the values choice.
    values: Vec<(&'static str, String, bool)>,
    /// Which values the ranking uses and how large a group must be, in words.
    basis: String,
    /// The groups not ranked for having too few cities, in words; empty when none.
    too_small: String,
}

struct Chosen {
    id: String,
    title: Title,
    unit: String,
    direction: String,
    year: String,
}

/// `GET /rankings`
pub async fn show_rankings(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Query(params): Query<RankingParams>,
) -> Result<Response, PageError> {
    let values = mitra_service::Values::parse(params.values.as_deref())
        .map_err(mitra_service::ServiceError::from)?;
    let state = mitra.panel(values).await?;
    // The indicators with values, by id.
    let mut with_values: Vec<&Indicator> = state
        .panel
        .indicators()
        .iter()
        .filter_map(|i| state.indicators.get(i))
        .collect();
    with_values.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    let chosen_id = params
        .indicator
        .clone()
        .filter(|i| !i.trim().is_empty())
        .or_else(|| {
            with_values
                .iter()
                .find(|i| i.id.as_str() == "iso37120-2014:8.1")
                .or(with_values.first())
                .map(|i| i.id.to_string())
        });
    let grouping = params
        .group_by
        .clone()
        .filter(|g| !g.is_empty())
        .unwrap_or_else(|| "region".into());
    let group = params.group.clone().filter(|g| !g.is_empty());
    let ranking = match &chosen_id {
        Some(id) => Some(
            mitra
                .ranking(
                    id,
                    params.year.as_deref(),
                    &grouping,
                    group.as_deref(),
                    values,
                )
                .await?,
        ),
        None => None,
    };
    let l = Layout::new(
        &mitra,
        &auth,
        lang,
        "rankings",
        translate(lang, "rankings-title"),
        &uri,
    )
    .await;
    let grouping_parsed = Grouping::parse(&grouping).map_err(mitra_service::ServiceError::from)?;
    let mut groups: Vec<String> = state
        .facts
        .values()
        .filter_map(|f| f.group(grouping_parsed))
        .collect();
    groups.sort();
    groups.dedup();
    let group_label = |g: &str| match grouping_parsed {
        Grouping::Region => l.t2("region", g),
        Grouping::Tier => l.t2("tier", g),
        Grouping::Band => l.t2("band", g),
        Grouping::Country => g.to_owned(),
    };
    let rows = ranking
        .as_ref()
        .map(|r| {
            r.entries
                .iter()
                .enumerate()
                .map(|(n, e)| {
                    let (city, city_lang) = match (lang, &e.facts.name_zh) {
                        (Language::ZhHans, Some(zh)) => (zh.clone(), "zh-Hans"),
                        _ => (e.facts.name_en.clone(), "en"),
                    };
                    RankRow {
                        position: n + 1,
                        city_id: e.city.to_string(),
                        city,
                        city_lang,
                        group: e
                            .facts
                            .group(r.grouping)
                            .map(|g| group_label(&g))
                            .unwrap_or_default(),
                        value: number(e.value),
                        percentile: format!("{:.0}", e.percentile),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(render(&RankingsPage {
        indicators: with_values
            .iter()
            .map(|i| {
                let t = Title::of(i, lang);
                (
                    i.id.to_string(),
                    format!("{} — {}", i.id, t.text),
                    Some(i.id.as_str()) == chosen_id.as_deref(),
                )
            })
            .collect(),
        groupings: Grouping::ALL
            .into_iter()
            .map(|g| {
                (
                    g.as_str().to_owned(),
                    l.t2("grouping", g.as_str()),
                    g == grouping_parsed,
                )
            })
            .collect(),
        groups: groups
            .into_iter()
            .map(|g| {
                let selected = Some(&g) == group.as_ref();
                (g, selected)
            })
            .collect(),
        years: ranking
            .as_ref()
            .map(|r| r.years.iter().map(|&y| (y, Some(y) == r.year)).collect())
            .unwrap_or_default(),
        chosen: ranking.as_ref().map(|r| Chosen {
            id: r.indicator.id.to_string(),
            title: Title::of(&r.indicator, lang),
            unit: r.indicator.unit.clone().unwrap_or_default(),
            direction: l.t2(
                "direction",
                r.indicator.direction.map_or("none", |d| d.as_str()),
            ),
            year: r.year.map(|y| y.to_string()).unwrap_or_default(),
        }),
        values: [mitra_service::Values::Verified, mitra_service::Values::All]
            .map(|v| (v.as_str(), l.t2("values-choice", v.as_str()), v == values))
            .to_vec(),
        basis: crate::i18n::translate_args(
            lang,
            &format!("rankings-basis-{}", values.as_str()),
            &[("min", mitra.analytics_settings().min_group_size.to_string())],
        ),
        too_small: ranking
            .as_ref()
            .filter(|r| !r.too_small.is_empty())
            .map(|r| {
                let groups: Vec<String> = r
                    .too_small
                    .iter()
                    .map(|(g, n)| format!("{} ({n})", group_label(g)))
                    .collect();
                crate::i18n::translate_args(
                    lang,
                    "rankings-too-small",
                    &[
                        ("min", r.min_group_size.to_string()),
                        ("groups", groups.join(", ")),
                    ],
                )
            })
            .unwrap_or_default(),
        rows,
        l,
    }))
}
