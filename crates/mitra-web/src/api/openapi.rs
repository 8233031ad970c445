//! The OpenAPI 3.1 document: the paths come from the router, which routes each API handler by its annotation, so
//! that the document lists exactly the API that is served. It must not list paths by hand.

use std::sync::LazyLock;

use axum::Json;
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Ref, RefOr};

use super::problems::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, ServiceUnavailable, Unauthorized,
    Unprocessable, UnsupportedMediaType,
};
use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(title = "Mitra API", description = "ASEAN–China smart city cooperation: cities, indicator standards and the crosswalk between them."),
    modifiers(&BearerAuth),
    components(
        schemas(Problem),
        responses(BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType,
                  Unprocessable, ServiceUnavailable),
    ),
    tags((name = "cities", description = "Cities of ASEAN and China and their networks"),
         (name = "standards", description = "Indicator standards, indicators and the crosswalk"),
         (name = "analytics", description = "Conformity assessment, peer rankings, benchmarks and development tiers"),
         (name = "observations", description = "Indicator values of cities: import, listing and review"),
         (name = "organisations", description = "Organisations, moderation and members"),
         (name = "accounts", description = "The caller's account, API tokens and the audit trail"),
         (name = "knowledge", description = "The knowledge exchange: practices, innovations, solutions, projects, funding, training and events, and their multilingual search"),
         (name = "opportunities", description = "Projects, solutions and funding calls listed together with their filters; expressions of interest in them, and the conversations that follow"),
         (name = "partnerships", description = "City partnerships from proposal to outcome: threads, activities (cultural exchanges among them), outcomes, calendars, yearly reports and the registry")),
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

/// The operations of a path item.
fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
}

/// Documents `status` as the reusable problem response `name`, unless the handler documents that status itself.
fn answers(operation: &mut Operation, status: &str, name: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
}

/// Documents what the router and the extractors add to a handler's own answers: a write is refused to anonymous
/// callers (401) and read-only tokens (403) by [`crate::auth::require_writer`], and may find the database busy
/// (503); an operation that reads a token refuses an unknown or revoked one (401); a parameter outside its schema
/// is refused (400); a JSON body is read by [`super::ApiJson`], which refuses a malformed one (400), one over the
/// limit (413) and one sent as another media type (415).
pub(crate) fn document_route(item: &mut PathItem, write: bool) {
    for operation in operations(item) {
        // Every request may carry a token (it shows what its account may see), and one that is unknown or revoked
        // is refused wherever it is sent: a token is optional where the handler does not ask for one.
        if operation.security.as_ref().is_none_or(Vec::is_empty) {
            operation.security = Some(vec![
                SecurityRequirement::default(),
                SecurityRequirement::new("bearer", Vec::<String>::new()),
            ]);
        }
        answers(operation, "401", "Unauthorized");
        let parameters = operation.parameters.as_deref().unwrap_or_default();
        let in_path = parameters
            .iter()
            .any(|p| p.parameter_in == ParameterIn::Path);
        if !parameters.is_empty() {
            answers(operation, "400", "BadRequest");
        }
        if in_path {
            answers(operation, "404", "NotFound");
        }
        if write {
            answers(operation, "403", "Forbidden");
            answers(operation, "503", "ServiceUnavailable");
        }
        let json_body = operation
            .request_body
            .as_ref()
            .is_some_and(|body| body.content.contains_key("application/json"));
        if json_body {
            answers(operation, "400", "BadRequest");
            answers(operation, "413", "PayloadTooLarge");
            answers(operation, "415", "UnsupportedMediaType");
        }
    }
}

/// The document, assembled once: the annotations do not change while Mitra runs.
static DOCUMENT: LazyLock<serde_json::Value> = LazyLock::new(|| {
    let mut doc = ApiDoc::openapi();
    let routes = crate::router::api_routes();
    doc.paths.merge(routes.paths);
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(routes.schemas);
    // The document describes the API, not the build: keep it stable across releases for snapshot review.
    doc.info.version = "1".into();
    // The paths are absolute, so the API is served from the root of the address the document was read from.
    doc.servers = Some(vec![utoipa::openapi::Server::new("/")]);
    serde_json::to_value(doc).unwrap_or_default()
});

/// The OpenAPI document as JSON.
pub fn openapi_json() -> serde_json::Value {
    document().clone()
}

/// The OpenAPI document, for reading (the API reference page) without a copy.
pub fn document() -> &'static serde_json::Value {
    &DOCUMENT
}

/// Get this OpenAPI document.
#[utoipa::path(get, path = "/api/v1/openapi.json",
    responses((status = 200, description = "This document, OpenAPI 3.1", body = Object)))]
pub async fn get_openapi() -> Json<serde_json::Value> {
    Json(openapi_json())
}
