//! Pages of the standards engine: a city's conformity assessment (printable) and peer rankings. The numbers come
//! from the service; this module only lays them out for people.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mitra_service::domain::peers::Grouping;
use mitra_service::domain::{CityId, Indicator, IndicatorId, Language, StandardId};
use mitra_service::{
    AssessmentReport, AssessmentView, FindingView, Mitra, PanelState, Ranking, ServiceError, Values,
};
use serde::Deserialize;

use super::format::{Title, number};
use super::{Layout, render};
use crate::error::PageError;

/// The assessment's choices: which standard, which year.
#[derive(Debug, Default, Deserialize)]
pub struct AssessmentParams {
    standard: Option<String>,
    year: Option<String>,
}

impl AssessmentParams {
    /// The standard asked for; ISO 37120 when none is.
    fn standard(&self) -> String {
        self.standard
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "iso37120-2014".into())
    }
}

/// `GET /cities/{id}/assessment`
pub async fn show_assessment(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    Query(params): Query<AssessmentParams>,
) -> Result<Response, PageError> {
    let city = CityId::parse(&id)?;
    let standard = StandardId::parse(&params.standard())?;
    let report = mitra
        .assess(&city, &standard, params.year.as_deref())
        .await?;
    Ok(render(&AssessmentPage::build(
        l,
        &report,
        standard.as_str(),
    )))
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
    // What is the matter, and the language it is said in.
    reason: (String, Language),
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

impl AssessmentPage {
    /// The page of `report`, assessed against `standard`.
    fn build(l: Layout, report: &AssessmentReport, standard: &str) -> Self {
        let lang = l.lang;
        let view = report.view(lang);
        let city_name = crate::ui::format::city_name(&report.city, lang).to_owned();
        let title = format!("{} · {city_name}", l.t("assessment-title"));
        let l = l.page("cities", title);
        let t = |id: &str| {
            let indicator = IndicatorId::parse(id)
                .ok()
                .and_then(|i| report.indicators.get(&i));
            Title::of_id(indicator, id, lang)
        };
        let finding = |f: &FindingView| FindingRow {
            id: f.indicator.clone(),
            title: f.indicator.as_deref().map(t),
            reason: crate::i18n::reason(lang, &f.reason),
        };
        let items: Vec<ItemRow> = view
            .items
            .iter()
            .map(|i| ItemRow {
                title: t(&i.indicator),
                id: i.indicator.clone(),
                kind: l.t2("kind", &i.kind),
                value: number(i.value, l.lang),
                unit: i.unit.clone().unwrap_or_default(),
                source: i.source.clone(),
                status: l.t2("observation-status", &i.status),
                recognised_from: i.recognised_from.clone(),
            })
            .collect();
        Self {
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
        }
    }
}

/// The ranking's choices, as the page's query string gives them.
#[derive(Debug, Default, Deserialize)]
pub struct RankingParams {
    indicator: Option<String>,
    year: Option<String>,
    group_by: Option<String>,
    group: Option<String>,
    values: Option<String>,
}

impl RankingParams {
    /// The indicator asked for; otherwise PM2.5 if it has values, or the first indicator that has.
    fn indicator(&self, with_values: &[&Indicator]) -> Option<String> {
        self.indicator
            .clone()
            .filter(|i| !i.trim().is_empty())
            .or_else(|| {
                with_values
                    .iter()
                    .find(|i| i.id.as_str() == "iso37120-2014:8.1")
                    .or(with_values.first())
                    .map(|i| i.id.to_string())
            })
    }

    /// The grouping asked for; regions when none is.
    fn grouping(&self) -> String {
        self.group_by
            .clone()
            .filter(|g| !g.is_empty())
            .unwrap_or_else(|| "region".into())
    }

    /// The one group asked for, if any.
    fn group(&self) -> Option<String> {
        self.group.clone().filter(|g| !g.is_empty())
    }

    /// The ranking of `indicator` on `values` these parameters ask for.
    async fn ranking(
        &self,
        mitra: &Mitra,
        indicator: &str,
        values: Values,
    ) -> Result<Ranking, ServiceError> {
        let indicator = IndicatorId::parse(indicator)?;
        let grouping = Grouping::parse(&self.grouping())?;
        let group = self.group();
        mitra
            .ranking(
                &indicator,
                self.year.as_deref(),
                grouping,
                group.as_deref(),
                values,
            )
            .await
    }
}

/// The indicators with values on the panel, by id.
fn indicators_with_values(state: &PanelState) -> Vec<&Indicator> {
    let mut with_values: Vec<&Indicator> = state
        .panel
        .indicators()
        .iter()
        .filter_map(|i| state.indicators.get(i))
        .collect();
    with_values.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    with_values
}

/// `GET /rankings`
pub async fn show_rankings(
    State(mitra): State<Mitra>,
    l: Layout,
    Query(params): Query<RankingParams>,
) -> Result<Response, PageError> {
    let values = Values::parse(params.values.as_deref()).map_err(ServiceError::from)?;
    let state = mitra.panel(values).await?;
    let indicator = params.indicator(&indicators_with_values(&state));
    let ranking = match &indicator {
        Some(id) => Some(params.ranking(&mitra, id, values).await?),
        None => None,
    };
    let min_group_size = mitra.analytics_settings().min_group_size;
    let choice = RankingChoice::new(&params, indicator, values, min_group_size)?;
    let countries = mitra.list_countries().await?;
    let page = RankingsPage::build(l, &state, ranking.as_ref(), &choice, &countries);
    Ok(render(&page))
}

/// What the reader chose to rank, checked.
struct RankingChoice {
    indicator: Option<String>,
    grouping: Grouping,
    group: Option<String>,
    values: Values,
    min_group_size: usize,
}

impl RankingChoice {
    /// The choice of `params` with the `indicator` ranked; the grouping is checked here, after the ranking, so
    /// that a ranking's own refusal is the one shown.
    fn new(
        params: &RankingParams,
        indicator: Option<String>,
        values: Values,
        min_group_size: usize,
    ) -> Result<Self, ServiceError> {
        Ok(Self {
            indicator,
            grouping: Grouping::parse(&params.grouping())?,
            group: params.group(),
            values,
            min_group_size,
        })
    }
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

struct Chosen {
    id: String,
    title: Title,
    unit: String,
    direction: String,
    year: String,
}

#[derive(Template)]
#[template(path = "rankings.html")]
struct RankingsPage {
    l: Layout,
    indicators: Vec<(String, String, bool)>,
    groupings: Vec<(String, String, bool)>,
    /// `(id, name, selected)` of the groups.
    groups: Vec<(String, String, bool)>,
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

impl RankingsPage {
    /// The page of `ranking` (none when no indicator has values), with the choices `state` offers.
    fn build(
        l: Layout,
        state: &PanelState,
        ranking: Option<&Ranking>,
        choice: &RankingChoice,
        countries: &[mitra_service::domain::Country],
    ) -> Self {
        let l = l.titled("rankings", "rankings-title");
        let lang = l.lang;
        let mut groups: Vec<String> = state
            .facts
            .values()
            .filter_map(|f| f.group(choice.grouping))
            .collect();
        groups.sort();
        groups.dedup();
        let group_label = |g: &str| group_label(&l, choice.grouping, g, countries);
        Self {
            indicators: indicators_with_values(state)
                .iter()
                .map(|i| {
                    let t = Title::of(i, lang);
                    (
                        i.id.to_string(),
                        format!("{} ({})", t.text, i.id),
                        Some(i.id.as_str()) == choice.indicator.as_deref(),
                    )
                })
                .collect(),
            groupings: Grouping::ALL
                .into_iter()
                .map(|g| {
                    let label = l.t2("grouping", g.as_str());
                    (g.as_str().to_owned(), label, g == choice.grouping)
                })
                .collect(),
            groups: groups
                .into_iter()
                .map(|g| {
                    let selected = Some(&g) == choice.group.as_ref();
                    let name = group_label(&g);
                    (g, name, selected)
                })
                .collect(),
            years: ranking
                .map(|r| r.years.iter().map(|&y| (y, Some(y) == r.year)).collect())
                .unwrap_or_default(),
            chosen: ranking.map(|r| Chosen::build(r, &l)),
            values: [Values::Verified, Values::All]
                .map(|v| {
                    let label = l.t2("values-choice", v.as_str());
                    (v.as_str(), label, v == choice.values)
                })
                .to_vec(),
            basis: l.ta(
                &format!("rankings-basis-{}", choice.values.as_str()),
                &[("min", choice.min_group_size.to_string())],
            ),
            too_small: ranking
                .filter(|r| !r.too_small.is_empty())
                .map(|r| {
                    let groups: Vec<String> = r
                        .too_small
                        .iter()
                        .map(|(g, n)| format!("{} ({n})", group_label(g)))
                        .collect();
                    l.ta(
                        "rankings-too-small",
                        &[
                            ("min", r.min_group_size.to_string()),
                            ("groups", groups.join(", ")),
                        ],
                    )
                })
                .unwrap_or_default(),
            rows: ranking
                .map(|r| RankRow::all(r, &l, &group_label))
                .unwrap_or_default(),
            l,
        }
    }
}

/// The name of group `g` under `grouping`, in the reader's language.
fn group_label(
    l: &Layout,
    grouping: Grouping,
    g: &str,
    countries: &[mitra_service::domain::Country],
) -> String {
    match grouping {
        Grouping::Region => l.t2("region", g),
        Grouping::Tier => l.t2("tier", g),
        Grouping::Band => l.t2("band", g),
        Grouping::Country => mitra_service::domain::CountryCode::parse(g).map_or_else(
            |_| g.to_owned(),
            |code| super::format::country_name(countries, code, l.lang),
        ),
    }
}

impl Chosen {
    fn build(r: &Ranking, l: &Layout) -> Self {
        Self {
            id: r.indicator.id.to_string(),
            title: Title::of(&r.indicator, l.lang),
            unit: r.indicator.unit.clone().unwrap_or_default(),
            direction: l.t2(
                "direction",
                r.indicator.direction.map_or("none", |d| d.as_str()),
            ),
            year: r.year.map(|y| y.to_string()).unwrap_or_default(),
        }
    }
}

impl RankRow {
    /// The rows of `r`, best first, with each city named in the reader's language where the panel knows it.
    fn all(r: &Ranking, l: &Layout, group_label: &dyn Fn(&str) -> String) -> Vec<Self> {
        r.entries
            .iter()
            .enumerate()
            .map(|(n, e)| {
                let (city, city_lang) = match (l.lang, &e.facts.name_zh) {
                    (Language::ZhHans, Some(zh)) => (zh.clone(), "zh-Hans"),
                    _ => (e.facts.name_en.clone(), "en"),
                };
                Self {
                    position: n + 1,
                    city_id: e.city.to_string(),
                    city,
                    city_lang,
                    group: e
                        .facts
                        .group(r.grouping)
                        .map(|g| group_label(&g))
                        .unwrap_or_default(),
                    value: number(e.value, l.lang),
                    percentile: format!("{:.0}", e.percentile),
                }
            })
            .collect()
    }
}
