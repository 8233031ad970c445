//! The map on the home page: an SVG drawn on the server from the shipped Natural Earth boundaries, with every city
//! placed and coloured by network. No tiles, no script, no network access.

use std::fmt::Write as _;

use mitra_service::domain::{City, CityId, Language, Network};
use mitra_service::{Boundary, boundaries};

use crate::i18n::translate;

/// The area shown: ASEAN and China, in degrees.
const WEST: f64 = 72.0;
const EAST: f64 = 142.0;
const NORTH: f64 = 54.0;
const SOUTH: f64 = -12.0;
/// Pixels per degree of latitude; longitude is shortened by the cosine of the middle latitude.
const SCALE: f64 = 10.0;
const LONGITUDE_FACTOR: f64 = 0.906; // cos(25°)

const FOCUS_COUNTRIES: [&str; 11] = [
    "CN", "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN",
];

fn project(longitude: f64, latitude: f64) -> (f64, f64) {
    (
        (longitude - WEST) * SCALE * LONGITUDE_FACTOR,
        (NORTH - latitude) * SCALE,
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn in_view(boundary: &Boundary) -> bool {
    boundary
        .polygons
        .iter()
        .flatten()
        .flatten()
        .any(|&(lon, lat)| {
            (WEST - 15.0..=EAST + 15.0).contains(&lon)
                && (SOUTH - 10.0..=NORTH + 10.0).contains(&lat)
        })
}

fn path_data(boundary: &Boundary) -> String {
    let mut d = String::new();
    for ring in boundary.polygons.iter().flatten() {
        for (i, &(lon, lat)) in ring.iter().enumerate() {
            let (x, y) = project(lon, lat);
            let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
        }
        d.push('Z');
    }
    d
}

/// The class that colours a city: ASCN, Chinese partner, or other.
fn city_class(city: &City) -> &'static str {
    if city.is_ascn() {
        "city ascn"
    } else if city.networks.contains(&Network::ChinaPartner) {
        "city partner"
    } else {
        "city"
    }
}

/// A line to draw: the two cities, the class its line gets (the partnership's status) and its label.
pub type Tie = (CityId, CityId, &'static str, String);

/// Draws the map of `cities` for a reader of `language`, with a line for each of the `ties` between two of them.
/// Network cities are links to their pages.
pub fn render(cities: &[City], ties: &[Tie], language: Language) -> String {
    let (width, height) = project(EAST, SOUTH);
    let mut svg = String::with_capacity(200_000);
    let description = escape(&crate::i18n::translate_with(
        language,
        "home-map-description",
        "count",
        cities.len() as f64,
    ));
    let _ = write!(
        svg,
        r#"<svg id="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" role="group" aria-labelledby="map-title map-desc"><title id="map-title">{}</title><desc id="map-desc">{description}</desc><rect class="sea" width="100%" height="100%"/><g class="countries">"#,
        escape(&translate(language, "home-map-heading"))
    );
    for boundary in boundaries().iter().filter(|b| in_view(b)) {
        let class = if FOCUS_COUNTRIES.contains(&boundary.iso_a2.as_str()) {
            "country focus"
        } else {
            "country"
        };
        let _ = write!(
            svg,
            r#"<path class="{class}" d="{}"><title>{}</title></path>"#,
            path_data(boundary),
            escape(&boundary.name)
        );
    }
    svg.push_str(r#"</g><g class="ties">"#);
    let by_id: std::collections::HashMap<&CityId, &City> =
        cities.iter().map(|c| (&c.id, c)).collect();
    for (a, b, class, label) in ties {
        let (Some(a), Some(b)) = (by_id.get(a), by_id.get(b)) else {
            continue;
        };
        let (x1, y1) = project(a.location.longitude, a.location.latitude);
        let (x2, y2) = project(b.location.longitude, b.location.latitude);
        let _ = write!(
            svg,
            r#"<line class="tie {class}" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}"><title>{} – {} ({})</title></line>"#,
            escape(crate::ui::format::city_name(a, language)),
            escape(crate::ui::format::city_name(b, language)),
            escape(label)
        );
    }
    svg.push_str(r#"</g><g class="cities">"#);
    // Ordinary cities first, network cities on top.
    for city in cities.iter().filter(|c| c.networks.is_empty()) {
        let (x, y) = project(city.location.longitude, city.location.latitude);
        let _ = write!(
            svg,
            r#"<circle class="{}" cx="{x:.1}" cy="{y:.1}" r="2.2"><title>{}</title></circle>"#,
            city_class(city),
            escape(crate::ui::format::city_name(city, language))
        );
    }
    for city in cities.iter().filter(|c| !c.networks.is_empty()) {
        let (x, y) = project(city.location.longitude, city.location.latitude);
        let name = escape(crate::ui::format::city_name(city, language));
        let _ = write!(
            svg,
            r#"<a href="/cities/{}" aria-label="{name}"><circle class="{}" cx="{x:.1}" cy="{y:.1}" r="5"><title>{name}</title></circle></a>"#,
            city.id,
            city_class(city),
        );
    }
    svg.push_str("</g></svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corners_of_the_view_project_to_the_corners_of_the_picture() {
        assert_eq!(project(WEST, NORTH), (0.0, 0.0));
        let (x, y) = project(EAST, SOUTH);
        assert!(
            (x - 634.2).abs() < 0.1 && (y - 660.0).abs() < 0.1,
            "{x},{y}"
        );
    }

    #[test]
    fn names_are_escaped_in_the_svg() {
        assert_eq!(escape(r#"A & <B> "C""#), "A &amp; &lt;B&gt; &quot;C&quot;");
    }
}
