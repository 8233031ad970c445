//! Pages for the standards engine: a city's conformity assessment (printable), peer rankings, and the charts the
//! city page shows (trend lines). Charts are inline SVG drawn here, so they work without scripts.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use mitra_service::domain::peers::Grouping;
use mitra_service::domain::{Indicator, Language};
use mitra_service::{AssessmentView, Mitra};
use serde::Deserialize;

use super::{Layout, render};
use crate::auth::Auth;
use crate::error::PageError;
use crate::i18n::{Lang, translate};

/// An indicator's title in the reader's language, with the language tag it is in.
pub struct Title {
    pub text: String,
    pub tag: &'static str,
}

pub fn title(indicator: Option<&Indicator>, id: &str, lang: Language) -> Title {
    match indicator {
        Some(i) => {
            let (text, language) = i.display_title(lang);
            Title {
                text: text.to_owned(),
                tag: language.tag(),
            }
        }
        None => Title {
            text: id.to_owned(),
            tag: "en",
        },
    }
}

/// A number as people read it: up to three decimals, without trailing zeros, digits grouped.
pub fn number(value: f64) -> String {
    if value.abs() >= 1000.0 && value.fract() == 0.0 && value.abs() < 1e15 {
        let grouped = super::group_digits(value.abs() as u64);
        return if value < 0.0 {
            format!("-{grouped}")
        } else {
            grouped
        };
    }
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// An SVG polyline of a series, scaled into a `width` × `height` box; `None` for fewer than two points.
pub fn sparkline(series: &[(i32, f64)], width: f64, height: f64) -> Option<String> {
    if series.len() < 2 {
        return None;
    }
    let (x0, x1) = (series[0].0 as f64, series[series.len() - 1].0 as f64);
    let (mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY);
    for &(_, v) in series {
        y0 = y0.min(v);
        y1 = y1.max(v);
    }
    let span_x = (x1 - x0).max(1.0);
    let span_y = if y1 > y0 { y1 - y0 } else { 1.0 };
    let pad = 2.0;
    let points: Vec<String> = series
        .iter()
        .map(|&(x, y)| {
            let px = pad + (x as f64 - x0) / span_x * (width - 2.0 * pad);
            let py = height - pad - (y - y0) / span_y * (height - 2.0 * pad);
            format!("{px:.1},{py:.1}")
        })
        .collect();
    Some(points.join(" "))
}

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
        title(indicator, id, lang)
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
                let t = title(Some(i), i.id.as_str(), lang);
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
            title: title(Some(&r.indicator), r.indicator.id.as_str(), lang),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_naturally_and_sparklines_fill_their_box() {
        assert_eq!(number(10539000.0), "10,539,000");
        assert_eq!(number(21.50), "21.5");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1.23456), "1.235");
        assert_eq!(sparkline(&[(2019, 1.0)], 100.0, 20.0), None);
        assert_eq!(
            sparkline(&[(2010, 0.0), (2020, 10.0)], 100.0, 20.0).as_deref(),
            Some("2.0,18.0 98.0,2.0")
        );
    }
}

/// A radar chart drawn as SVG: one axis per label, values 0–100 from the centre outwards.
pub struct Radar {
    /// Width of the view box.
    pub size: f64,
    /// Height of the view box.
    pub height: f64,
    /// The centre (x and y).
    pub centre: (f64, f64),
    /// Guide rings at 25, 50, 75 and 100, as polygon points.
    pub rings: Vec<String>,
    /// Axes: end point and label position, label anchor and label.
    pub axes: Vec<(f64, f64, f64, f64, &'static str, String)>,
    /// The city's polygon.
    pub city: String,
    /// The peer median's polygon.
    pub peers: String,
}

/// Lays out a radar of `labels` with the city's and the peers' values (missing values sit at the centre).
pub fn radar(labels: &[String], city: &[Option<f64>], peers: &[Option<f64>]) -> Radar {
    // Wide enough for the longest focus-area name on either side.
    let size = 560.0;
    let height = 300.0;
    let (cx, cy) = (size / 2.0, height / 2.0);
    let radius = 110.0;
    let n = labels.len().max(1) as f64;
    let point = |i: usize, value: f64| {
        let angle = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / n;
        let r = radius * value.clamp(0.0, 100.0) / 100.0;
        (cx + r * angle.cos(), cy + r * angle.sin())
    };
    let polygon = |values: &mut dyn Iterator<Item = f64>| {
        values
            .enumerate()
            .map(|(i, v)| {
                let (x, y) = point(i, v);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let rings = [25.0, 50.0, 75.0, 100.0]
        .iter()
        .map(|&v| polygon(&mut (0..labels.len()).map(|_| v)))
        .collect();
    let axes = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let (x, y) = point(i, 100.0);
            let (lx, ly) = point(i, 118.0);
            let anchor = if (lx - cx).abs() < 1.0 {
                "middle"
            } else if lx > cx {
                "start"
            } else {
                "end"
            };
            (x, y, lx, ly + 4.0, anchor, label.clone())
        })
        .collect();
    Radar {
        size,
        height,
        centre: (cx, cy),
        rings,
        axes,
        city: polygon(&mut city.iter().map(|v| v.unwrap_or(0.0))),
        peers: polygon(&mut peers.iter().map(|v| v.unwrap_or(0.0))),
    }
}

#[cfg(test)]
mod radar_tests {
    use super::radar;

    #[test]
    fn a_radar_puts_the_first_axis_up_and_scales_values_from_the_centre() {
        let labels: Vec<String> = ["A", "B", "C", "D"].map(String::from).to_vec();
        let r = radar(
            &labels,
            &[Some(100.0), Some(50.0), None, Some(0.0)],
            &[Some(50.0); 4],
        );
        // Centre (280, 150), radius 110: A at full length straight up, B half-way to the right, C and D at the
        // centre.
        assert_eq!(r.city, "280.0,40.0 335.0,150.0 280.0,150.0 280.0,150.0");
        assert_eq!(r.axes[0].4, "middle");
        assert_eq!(r.axes[1].4, "start");
        assert_eq!(r.axes[3].4, "end");
        assert_eq!(r.rings.len(), 4);
    }
}
