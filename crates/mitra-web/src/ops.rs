//! Operations endpoints (liveness and readiness probes) and the headers every response carries.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mitra_service::Mitra;

use crate::error::ApiError;

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers too.
pub async fn readyz(State(mitra): State<Mitra>) -> Result<Response, ApiError> {
    mitra.check_ready().await.map_err(ApiError::unavailable)?;
    Ok("ready".into_response())
}

/// Adds the security headers. The API reference page needs inline styles for its vendored viewer; nothing else
/// does.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let is_api_docs = request.uri().path() == "/api";
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let csp = if is_api_docs {
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    } else {
        "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
