//! The home page: what Mitra is, the map of cities, the networks and the standards. It only counts and draws what
//! the service lists.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Response};
use mitra_service::Mitra;
use mitra_service::domain::partnership::{PartnershipKind, PartnershipStatus};
use mitra_service::domain::{City, CityFilter, Network};
use serde::Deserialize;

use super::page_cache::PageCache;
use super::{Layout, map, render};
use crate::error::PageError;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    map_svg: String,
    city_count: usize,
    ascn_count: usize,
    partner_count: usize,
    standard_count: usize,
    ties_legend: String,
    networks: Vec<(&'static str, String, usize)>,
    /// The map's partnership filters: (value, label, selected).
    statuses: Vec<(String, String, bool)>,
    kinds: Vec<(String, String, bool)>,
}

impl HomePage {
    /// The home page over every city and the number of standards.
    fn build(
        l: Layout,
        cities: &[City],
        ties: &[map::Tie],
        standard_count: usize,
        (status, kind): (&str, &str),
    ) -> Self {
        let l = l.titled("home", "home-title");
        let in_network = |n: Network| cities.iter().filter(|c| c.networks.contains(&n)).count();
        Self {
            map_svg: map::render(cities, ties, l.lang),
            ties_legend: l.tn("map-legend-ties", ties.len() as u64),
            city_count: cities.len(),
            ascn_count: cities.iter().filter(|c| c.is_ascn()).count(),
            partner_count: in_network(Network::ChinaPartner),
            standard_count,
            networks: Network::ALL
                .iter()
                .map(|n| (n.as_str(), l.t2("network", n.as_str()), in_network(*n)))
                .collect(),
            statuses: PartnershipStatus::ALL
                .iter()
                .map(|s| {
                    let v = s.as_str();
                    (v.to_owned(), l.t2("partnership-status", v), v == status)
                })
                .collect(),
            kinds: PartnershipKind::ALL
                .iter()
                .map(|k| {
                    let v = k.as_str();
                    (v.to_owned(), l.t2("partnership-kind", v), v == kind)
                })
                .collect(),
            l,
        }
    }
}

/// Which partnerships the map draws.
#[derive(Debug, Default, Deserialize)]
pub struct MapQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
}

/// `GET /?status=…&kind=…`: the map draws the partnerships the reader may see, filtered by status and kind. For
/// readers who are not signed in, the page is kept as rendered until the next write ([`PageCache`]).
pub async fn show_home(
    State(mitra): State<Mitra>,
    Extension(pages): Extension<Arc<PageCache>>,
    uri: Uri,
    l: Layout,
    Query(q): Query<MapQuery>,
) -> Result<Response, PageError> {
    let anonymous = matches!(l.actor(), mitra_service::domain::Actor::Anonymous);
    let Some(key) = anonymous.then(|| format!("{} {uri}", l.lang.tag())) else {
        return Ok(render(&home_page(&mitra, l, &q).await?));
    };
    // The position first: a write that lands while the page is rendered makes the next reader render it again.
    let position = mitra.feed_position().await?;
    if let Some(html) = pages.get(&key, position) {
        return Ok(Html(html).into_response());
    }
    let page = home_page(&mitra, l, &q).await?;
    match page.render() {
        Ok(html) => {
            let html = Bytes::from(html);
            pages.put(key, position, html.clone());
            Ok(Html(html).into_response())
        }
        Err(_) => Ok(render(&page)),
    }
}

/// The home page as `l`'s reader sees it.
async fn home_page(mitra: &Mitra, l: Layout, q: &MapQuery) -> Result<HomePage, PageError> {
    let cities = mitra.all_cities(&CityFilter::default()).await?;
    let standards = mitra.list_standards().await?;
    let filter = mitra_service::partnership_filter(None, Some(&q.status), Some(&q.kind), None)?;
    let ties: Vec<map::Tie> = mitra
        .all_partnerships(l.actor(), filter)
        .await?
        .into_iter()
        .map(|p| {
            let label = format!(
                "{}, {}",
                l.t2("partnership-kind", p.kind.as_str()),
                l.t2("partnership-status", p.status.as_str())
            );
            (p.proposer, p.invited, p.status.as_str(), label)
        })
        .collect();
    Ok(HomePage::build(
        l,
        &cities,
        &ties,
        standards.len(),
        (q.status.trim(), q.kind.trim()),
    ))
}
