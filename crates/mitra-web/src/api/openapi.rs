//! The OpenAPI 3.1 document, assembled from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

use super::{cities, standards};
use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(title = "Mitra API", description = "ASEAN–China smart city cooperation: cities, indicator standards and the crosswalk between them."),
    paths(
        cities::list_cities, cities::get_city, cities::cities_geojson, cities::list_countries,
        standards::list_standards, standards::get_standard, standards::list_indicators, standards::get_indicator,
        standards::list_crosswalk,
    ),
    components(schemas(Problem)),
    tags((name = "cities", description = "Cities of ASEAN and China and their networks"),
         (name = "standards", description = "Indicator standards, indicators and the crosswalk")),
)]
struct ApiDoc;

/// The OpenAPI document as JSON.
pub fn openapi_json() -> serde_json::Value {
    let mut doc = ApiDoc::openapi();
    // The document describes the API, not the build: keep it stable across releases for snapshot review.
    doc.info.version = "1".into();
    serde_json::to_value(doc).unwrap_or_default()
}

/// Get this OpenAPI document.
pub async fn get_openapi() -> Json<serde_json::Value> {
    Json(openapi_json())
}
