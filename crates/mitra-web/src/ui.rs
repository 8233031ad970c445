//! Server-rendered pages. Each page is an askama template (checked at compile time, escaped by default) around the
//! shared [`Layout`]; every string comes from the Fluent messages in the reader's language.

pub mod api_docs;
pub mod cities;
pub mod home;
pub mod map;
pub mod standards;

use askama::Template;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use mitra_service::Mitra;
use mitra_service::domain::Language;

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
}

impl Layout {
    /// Builds the layout for a page.
    pub async fn new(
        mitra: &Mitra,
        lang: Language,
        nav: &'static str,
        title: String,
        uri: &Uri,
    ) -> Self {
        let demo = mitra.is_demo().await.unwrap_or(false);
        let query = uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("lang="))
            .collect::<Vec<_>>()
            .join("&");
        Self {
            lang,
            title,
            nav,
            demo,
            query,
        }
    }

    /// A message in the reader's language.
    pub fn t(&self, key: &str) -> String {
        translate(self.lang, key)
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

/// Groups digits in threes: 10539000 → "10,539,000".
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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
        StatusCode::BAD_REQUEST => (
            translate(lang, "error-bad-request-title"),
            error.detail.clone().unwrap_or_default(),
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
    };
    let mut response = render(&ErrorPage { l, heading, text });
    *response.status_mut() = error.status;
    response
}

/// Fallback for addresses with no page.
pub async fn not_found() -> PageError {
    PageError::not_found()
}

#[cfg(test)]
mod tests {
    use super::group_digits;

    #[test]
    fn digits_are_grouped_in_threes() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(10_539_000), "10,539,000");
    }
}
