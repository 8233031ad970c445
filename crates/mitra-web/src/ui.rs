//! Server-rendered pages. Each page module holds its handlers and, beside each askama template struct (checked at
//! compile time, escaped by default), the constructor of that view model. A handler extracts the request and the
//! shared [`Layout`], asks the service for what the page shows (one call, where the page shows one thing), builds
//! the view model and renders it; every string comes from the Fluent messages in the reader's language.
//!
//! Pages must not decide what a reader may do: they ask the service, which holds every permission rule.

pub mod account;
pub mod admin;
pub mod analytics;
pub mod api_docs;
pub mod charts;
pub mod cities;
pub mod entries;
pub mod feeds;
pub mod format;
pub mod forms;
pub mod home;
pub mod interests;
pub mod layout;
pub mod map;
pub mod matches;
pub mod opportunities;
pub mod orgs;
pub mod page_cache;
pub mod partnerships;
pub mod review;
pub mod search;
pub mod standards;
pub mod submissions;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use mitra_service::domain::Language;

pub use self::layout::Layout;
use crate::error::{PageError, Said};
use crate::i18n::translate;

/// Redirects (303) to `path` with a notice, after a form post.
pub fn done(path: &str, notice: &str) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    axum::response::Redirect::to(&format!("{path}{separator}done={notice}")).into_response()
}

/// Renders a template into a response; a rendering failure is logged and answered with a bare 500.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(error = %error, "page.render_failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// [`render`] answered with `status`: a form shown again with its error is 422.
pub fn render_with_status(status: StatusCode, template: &impl Template) -> Response {
    let mut response = render(template);
    if response.status().is_success() {
        *response.status_mut() = status;
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    heading: String,
    text: String,
}

impl ErrorPage {
    /// The page for `error`, for a reader of `lang`; details are shown only where they are safe to show.
    fn build(lang: Language, error: &PageError) -> Self {
        let detail = match &error.detail {
            None => None,
            Some(Said::Text(text)) => Some(text.clone()),
            Some(Said::Refused(field, reason)) => {
                let (why, _) = crate::i18n::reason(lang, reason);
                Some(match field {
                    Some(field) => format!("{field}: {why}"),
                    None => why,
                })
            }
            Some(Said::Message(key, values)) => {
                Some(crate::i18n::translate_args(lang, key, values))
            }
        };
        let detail_or = |key: &str| detail.clone().unwrap_or_else(|| translate(lang, key));
        let (heading, text) = match error.status {
            StatusCode::NOT_FOUND => (
                translate(lang, "error-not-found-title"),
                translate(lang, "error-not-found-text"),
            ),
            StatusCode::UNAUTHORIZED => (
                translate(lang, "error-sign-in-title"),
                translate(lang, "error-sign-in-text"),
            ),
            StatusCode::FORBIDDEN => (
                translate(lang, "error-forbidden-title"),
                detail_or("error-forbidden-text"),
            ),
            status if status.is_client_error() => (
                translate(lang, "error-bad-request-title"),
                detail.clone().unwrap_or_default(),
            ),
            StatusCode::SERVICE_UNAVAILABLE => (
                translate(lang, "error-busy-title"),
                detail_or("error-busy-text"),
            ),
            _ => (
                translate(lang, "error-internal-title"),
                translate(lang, "error-internal-text"),
            ),
        };
        Self {
            l: Layout::bare(lang, heading.clone()),
            heading,
            text,
        }
    }
}

/// The error page for `error`, in `lang`.
pub fn error_page(lang: Language, error: &PageError) -> Response {
    let mut response = render(&ErrorPage::build(lang, error));
    *response.status_mut() = error.status;
    if error.status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(crate::error::RETRY_AFTER_SECONDS),
        );
    }
    response
}

/// Fallback for addresses with no page.
pub async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    // An address under the API's that no endpoint answers (`/api/v1/` itself, say) is the API's own 404 problem.
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        return crate::error::ApiError::no_route(uri.path()).into_response();
    }
    PageError::not_found().into_response()
}
