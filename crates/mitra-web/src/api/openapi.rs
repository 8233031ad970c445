//! The OpenAPI 3.1 document, assembled from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

use super::{account, analytics, cities, knowledge, observations, orgs, standards};
use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(title = "Mitra API", description = "ASEAN–China smart city cooperation: cities, indicator standards and the crosswalk between them."),
    paths(
        cities::list_cities, cities::get_city, cities::cities_geojson, cities::list_countries,
        standards::list_standards, standards::get_standard, standards::list_indicators, standards::get_indicator,
        standards::list_crosswalk, standards::crosswalk_csv, standards::crosswalk_skos, standards::put_crosswalk,
        standards::delete_crosswalk,
        analytics::get_assessment, analytics::get_ranking, analytics::get_benchmarks, analytics::get_profile, analytics::set_tier,
        observations::list_observations, observations::import_observations, observations::review_observation,
        orgs::list_organisations, orgs::create_organisation, orgs::get_organisation, orgs::update_organisation,
        orgs::approve_organisation, orgs::reject_organisation, orgs::invite_member,
        account::get_me, account::list_tokens, account::create_token, account::revoke_token, account::list_audit,
        knowledge::search, knowledge::suggest, knowledge::get_entry, knowledge::create_entry, knowledge::update_entry,
        knowledge::delete_entry, knowledge::import_entries, knowledge::get_enrolment, knowledge::enrol,
        knowledge::withdraw, knowledge::list_enrolments, knowledge::list_attachments, knowledge::attach,
        knowledge::detach, knowledge::approve_entry, knowledge::reject_entry,
    ),
    modifiers(&BearerAuth),
    components(schemas(Problem)),
    tags((name = "cities", description = "Cities of ASEAN and China and their networks"),
         (name = "standards", description = "Indicator standards, indicators and the crosswalk"),
         (name = "analytics", description = "Conformity assessment, peer rankings, benchmarks and development tiers"),
         (name = "observations", description = "Indicator values of cities: import, listing and review"),
         (name = "organisations", description = "Organisations, moderation and members"),
         (name = "accounts", description = "The caller's account, API tokens and the audit trail"),
         (name = "knowledge", description = "The knowledge exchange: practices, innovations, solutions, projects, funding, training and events, and their multilingual search")),
)]
struct ApiDoc;

/// Declares the `bearer` security scheme: API tokens sent as `Authorization: Bearer <token>`.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

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
