//! Static assets, embedded in the binary so that Mitra runs offline with nothing beside it.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// (path under /assets/, content type, bytes)
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "mitra.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/mitra.css"),
    ),
    (
        "search.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/search.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/favicon.svg"),
    ),
];

/// Serves an embedded asset; assets are immutable for a given build, so clients may cache them for a day.
pub async fn get_asset(Path(path): Path<String>) -> Response {
    match ASSETS.iter().find(|(p, _, _)| *p == path) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
