//! Server-rendered pages. Each page is an askama template (checked at compile time, escaped by default) around the
//! shared [`Layout`]; every string comes from the Fluent messages in the reader's language.

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
pub mod map;
pub mod orgs;
pub mod review;
pub mod search;
pub mod standards;

use askama::Template;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use mitra_service::Mitra;
use mitra_service::domain::Language;

use crate::auth::Auth;
use crate::error::PageError;
use crate::i18n::{translate, translate_with};

/// What every page shares: language, title, the active section, the demo flag and the current query.
pub struct Layout {
    /// The reader's language.
    pub lang: Language,
    /// The page title (without the site name).
    pub title: String,
    /// Which navigation entry is current (`home`, `cities`, `standards`, `api`).
    pub nav: &'static str,
    /// Whether this instance holds demo data.
    pub demo: bool,
    /// The request's query string without `lang`, so the language switch keeps filters.
    pub query: String,
    /// The signed-in person's name.
    pub user: Option<String>,
    /// Whether the signed-in person is a platform admin.
    pub is_admin: bool,
    /// Whether the reader may review observations (verifiers).
    pub is_verifier: bool,
    /// The session's CSRF token, for the forms on the page (sign-out included).
    pub csrf: String,
    /// A notice to show after a completed action (post/redirect/get), as a message key.
    pub notice: Option<String>,
}

impl Layout {
    /// Builds the layout for a page.
    pub async fn new(
        mitra: &Mitra,
        auth: &Auth,
        lang: Language,
        nav: &'static str,
        title: String,
        uri: &Uri,
    ) -> Self {
        let demo = mitra.is_demo().await.unwrap_or(false);
        let pairs: Vec<&str> = uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .collect();
        let query = pairs
            .iter()
            .filter(|p| !p.starts_with("lang=") && !p.starts_with("done="))
            .copied()
            .collect::<Vec<_>>()
            .join("&");
        // Only known notices are shown, so a crafted link cannot put arbitrary text on the page.
        let notice = pairs
            .iter()
            .find_map(|p| p.strip_prefix("done="))
            .filter(|key| NOTICES.contains(key))
            .map(str::to_owned);
        Self {
            lang,
            title,
            nav,
            demo,
            query,
            user: auth.account.as_ref().map(|a| a.display_name.clone()),
            is_admin: auth.actor.platform_admin().is_ok(),
            is_verifier: matches!(&auth.actor, mitra_service::domain::Actor::Account(_))
                && auth.actor.verifier().is_ok(),
            csrf: auth.csrf_token.clone().unwrap_or_default(),
            notice,
        }
    }

    /// A message in the reader's language.
    pub fn t(&self, key: &str) -> String {
        translate(self.lang, key)
    }

    /// The message `<prefix>-<id>`, for ids of roles, kinds and statuses.
    pub fn t2(&self, prefix: &str, id: &str) -> String {
        translate(self.lang, &format!("{prefix}-{id}"))
    }

    /// A message with a count.
    pub fn tn(&self, key: &str, count: u64) -> String {
        translate_with(self.lang, key, "count", count as f64)
    }

    /// The BCP 47 tag of the reader's language, for `<html lang>`.
    pub fn lang_tag(&self) -> &'static str {
        self.lang.tag()
    }

    /// The entries of the language switch: tag, the language's own name, link, and whether it is current.
    pub fn languages(&self) -> Vec<(&'static str, &'static str, String, bool)> {
        Language::ALL
            .iter()
            .map(|l| {
                let href = if self.query.is_empty() {
                    format!("?lang={}", l.tag())
                } else {
                    format!("?{}&lang={}", self.query, l.tag())
                };
                (l.tag(), l.autonym(), href, *l == self.lang)
            })
            .collect()
    }

    /// `aria-current="page"` for the active navigation entry.
    pub fn current(&self, nav: &str) -> &'static str {
        if self.nav == nav { "page" } else { "false" }
    }
}

/// The notices a `?done=` parameter may show, by message key.
const NOTICES: &[&str] = &[
    "signup-done",
    "verify-done",
    "reset-done",
    "reset-confirm-done",
    "reset-confirm-tokens-revoked",
    "account-saved",
    "account-token-revoked-done",
    "org-invited",
    "org-saved",
    "org-saved-review",
    "org-created",
    "invitation-accepted",
    "admin-approved",
    "review-verified",
    "crosswalk-saved",
    "profile-tier-saved",
    "crosswalk-deleted",
    "review-rejected",
    "admin-rejected",
    "admin-users-saved",
    "entry-created",
    "entry-saved",
    "entry-deleted",
    "entry-submitted",
    "enrol-done",
    "enrol-withdrawn",
    "attachment-added",
    "attachment-removed",
];

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

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    heading: String,
    text: String,
}

/// The error page for `error`, in `lang`.
pub fn error_page(lang: Language, error: &PageError) -> Response {
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
            error
                .detail
                .clone()
                .unwrap_or_else(|| translate(lang, "error-forbidden-text")),
        ),
        status if status.is_client_error() => (
            translate(lang, "error-bad-request-title"),
            error.detail.clone().unwrap_or_default(),
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            translate(lang, "error-busy-title"),
            error
                .detail
                .clone()
                .unwrap_or_else(|| translate(lang, "error-busy-text")),
        ),
        _ => (
            translate(lang, "error-internal-title"),
            translate(lang, "error-internal-text"),
        ),
    };
    let l = Layout {
        lang,
        title: heading.clone(),
        nav: "",
        demo: false,
        query: String::new(),
        user: None,
        is_admin: false,
        is_verifier: false,
        csrf: String::new(),
        notice: None,
    };
    let mut response = render(&ErrorPage { l, heading, text });
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
pub async fn not_found() -> PageError {
    PageError::not_found()
}
