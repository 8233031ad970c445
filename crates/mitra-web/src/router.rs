//! Every route of the site and the API, in one place: the table of contents of Mitra over HTTP.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;
use mitra_service::Mitra;
use tower_http::trace::TraceLayer;

use crate::{api, assets, i18n, ops, ui};

/// Largest request body accepted; nothing in Mitra needs more yet.
const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// Builds the application: pages, API, assets and probes, with their middleware.
pub fn router(mitra: Mitra) -> Router {
    let pages = Router::new()
        .route("/", get(ui::home::show_home))
        .route("/cities", get(ui::cities::list_cities))
        .route("/cities/{id}", get(ui::cities::show_city))
        .route("/standards", get(ui::standards::list_standards))
        .route("/standards/{id}", get(ui::standards::show_standard))
        .route("/indicators/{id}", get(ui::standards::show_indicator))
        .route("/api", get(ui::api_docs::show_api_docs))
        .fallback(ui::not_found)
        .layer(middleware::from_fn(i18n::negotiate_language));

    let api = Router::new()
        .route("/cities", get(api::cities::list_cities))
        .route("/cities.geojson", get(api::cities::cities_geojson))
        .route("/cities/{id}", get(api::cities::get_city))
        .route("/countries", get(api::cities::list_countries))
        .route("/standards", get(api::standards::list_standards))
        .route("/standards/{id}", get(api::standards::get_standard))
        .route(
            "/standards/{id}/indicators",
            get(api::standards::list_indicators),
        )
        .route("/indicators/{id}", get(api::standards::get_indicator))
        .route("/crosswalk", get(api::standards::list_crosswalk))
        .route("/openapi.json", get(api::openapi::get_openapi))
        .fallback(api::not_found);

    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/assets/{*path}", get(assets::get_asset))
        .merge(pages)
        .layer(middleware::from_fn(ops::security_headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(mitra)
}
