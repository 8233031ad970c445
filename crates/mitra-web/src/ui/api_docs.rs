//! The API reference page: the vendored Swagger UI reading `/api/v1/openapi.json`.

use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use mitra_service::Mitra;

use super::{Layout, render};
use crate::auth::Auth;
use crate::i18n::{Lang, translate};

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocsPage {
    l: Layout,
}

/// `GET /api`
pub async fn show_api_docs(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
) -> Response {
    let l = Layout::new(
        &mitra,
        &auth,
        lang,
        "api",
        translate(lang, "api-title"),
        &uri,
    )
    .await;
    render(&ApiDocsPage { l })
}
