//! The API reference page: the vendored Swagger UI reading `/api/v1/openapi.json`. It draws no data of its own.

use askama::Template;
use axum::response::Response;

use super::{Layout, render};

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocsPage {
    l: Layout,
}

/// `GET /api`
pub async fn show_api_docs(l: Layout) -> Response {
    render(&ApiDocsPage {
        l: l.titled("api", "api-title"),
    })
}
