//! The home page: what Mitra is, the map of cities, the networks and the standards. It only counts and draws what
//! the service lists.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mitra_service::Mitra;
use mitra_service::domain::{City, CityFilter, Network};

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
}

impl HomePage {
    /// The home page over every city and the number of standards.
    fn build(
        l: Layout,
        cities: &[City],
        ties: &[(mitra_service::domain::CityId, mitra_service::domain::CityId)],
        standard_count: usize,
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
            l,
        }
    }
}

/// `GET /`
pub async fn show_home(State(mitra): State<Mitra>, l: Layout) -> Result<Response, PageError> {
    let cities = mitra.all_cities(&CityFilter::default()).await?;
    let standards = mitra.list_standards().await?;
    let ties: Vec<_> = mitra
        .recorded_ties()
        .await?
        .ties
        .iter()
        .map(|t| (t.a.clone(), t.b.clone()))
        .collect();
    Ok(render(&HomePage::build(l, &cities, &ties, standards.len())))
}
