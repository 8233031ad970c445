//! The home page: what Mitra is, the map of cities, the networks and the standards.

use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use mitra_service::Mitra;
use mitra_service::domain::{CityFilter, Network};

use super::{Layout, map, render};
use crate::auth::Auth;
use crate::error::PageError;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    map_svg: String,
    city_count: usize,
    ascn_count: usize,
    partner_count: usize,
    standard_count: usize,
    networks: Vec<(&'static str, String, usize)>,
}

/// `GET /`
pub async fn show_home(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
) -> Result<Response, PageError> {
    let cities = mitra.all_cities(&CityFilter::default()).await?;
    let standards = mitra.list_standards().await?;
    let l = Layout::new(
        &mitra,
        &auth,
        lang,
        "home",
        crate::i18n::translate(lang, "home-title"),
        &uri,
    )
    .await;
    let in_network = |n: Network| cities.iter().filter(|c| c.networks.contains(&n)).count();
    let networks = Network::ALL
        .iter()
        .map(|n| {
            (
                n.as_str(),
                l.t(&format!("network-{}", n.as_str())),
                in_network(*n),
            )
        })
        .collect();
    Ok(render(&HomePage {
        map_svg: map::render(&cities, lang),
        city_count: cities.len(),
        ascn_count: cities.iter().filter(|c| c.is_ascn()).count(),
        partner_count: in_network(Network::ChinaPartner),
        standard_count: standards.len(),
        networks,
        l,
    }))
}
