//! The home page: what Mitra is, the map of cities, the networks and the standards. It only counts and draws what
//! the service lists.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mitra_service::Mitra;
use mitra_service::domain::partnership::{PartnershipKind, PartnershipStatus};
use mitra_service::domain::{City, CityFilter, Network};
use serde::Deserialize;

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

/// `GET /?status=…&kind=…`: the map draws the partnerships the reader may see, filtered by status and kind.
pub async fn show_home(
    State(mitra): State<Mitra>,
    l: Layout,
    Query(q): Query<MapQuery>,
) -> Result<Response, PageError> {
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
    Ok(render(&HomePage::build(
        l,
        &cities,
        &ties,
        standards.len(),
        (q.status.trim(), q.kind.trim()),
    )))
}
