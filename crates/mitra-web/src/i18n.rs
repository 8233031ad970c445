//! The interface language: chosen per request (`?lang=`, then the `mitra_lang` cookie, then the signed-in
//! account's setting, then `Accept-Language`, then English) and used to look up Fluent messages from `locales/`, which are compiled into the binary.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};
use mitra_service::domain::Language;

use crate::error::PageError;
use crate::ui;

static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "en",
        // Bidi isolation marks around placeables would show up in plain-text contexts such as <title>.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

const COOKIE: &str = "mitra_lang";

fn identifier(language: Language) -> LanguageIdentifier {
    language.tag().parse().unwrap_or_default()
}

/// The message `key` in `language`; the key itself if it is missing (a test keeps that from happening).
pub fn translate(language: Language, key: &str) -> String {
    LOCALES
        .try_lookup(&identifier(language), key)
        .unwrap_or_else(|| key.to_owned())
}

/// The message `key` in `language` with one numeric argument.
pub fn translate_with(
    language: Language,
    key: &str,
    name: &'static str,
    value: impl Into<f64>,
) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> =
        HashMap::from([(Cow::Borrowed(name), FluentValue::from(value.into()))]);
    LOCALES
        .try_lookup_with_args(&identifier(language), key, &args)
        .unwrap_or_else(|| key.to_owned())
}

/// The message `key` in `language` with text arguments.
pub fn translate_args(language: Language, key: &str, values: &[(&'static str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = values
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone())))
        .collect();
    LOCALES
        .try_lookup_with_args(&identifier(language), key, &args)
        .unwrap_or_else(|| key.to_owned())
}

/// The language chosen for this request, put there by [`negotiate_language`].
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Language);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Lang>()
            .copied()
            .unwrap_or(Lang(Language::En)))
    }
}

fn query_lang(request: &Request) -> Option<String> {
    request.uri().query()?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == "lang").then(|| value.replace('+', " "))
    })
}

fn cookie_lang(request: &Request) -> Option<Language> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookies| {
            cookies.split(';').find_map(|c| {
                let (name, value) = c.trim().split_once('=')?;
                (name == COOKIE)
                    .then(|| Language::parse(value).ok())
                    .flatten()
            })
        })
}

/// The `Set-Cookie` value that remembers an explicit choice of `language` for a year.
pub fn language_cookie(language: Language) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        language.tag()
    ))
    .ok()
}

/// Chooses the language, remembers an explicit choice in a cookie, refuses an unsupported `?lang=` with a 400 page,
/// and renders [`PageError`]s in the chosen language.
pub async fn negotiate_language(mut request: Request, next: Next) -> Response {
    let explicit = match query_lang(&request).map(|raw| Language::parse(&raw)) {
        Some(Ok(language)) => Some(language),
        Some(Err(e)) => {
            let error = PageError {
                status: StatusCode::BAD_REQUEST,
                detail: Some(e.to_string()),
            };
            return ui::error_page(Language::En, &error);
        }
        None => None,
    };
    let language = explicit
        .or_else(|| cookie_lang(&request))
        .or_else(|| {
            // The signed-in account's own choice, from its settings.
            request
                .extensions()
                .get::<crate::auth::Auth>()
                .and_then(|auth| auth.account.as_ref())
                .and_then(|account| Language::parse(&account.language).ok())
        })
        .or_else(|| {
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
        })
        .unwrap_or(Language::En);
    request.extensions_mut().insert(Lang(language));
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions().get::<PageError>().cloned() {
        response = ui::error_page(language, &error);
    }
    if let Some(value) = explicit.and_then(language_cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(if language == Language::ZhHans {
            "zh-Hans"
        } else {
            "en"
        }),
    );
    response
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(file: &str) -> BTreeSet<String> {
        file.lines()
            .filter(|l| !l.starts_with(['#', ' ', '\t']) && l.contains(" ="))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    #[test]
    fn every_english_message_has_a_chinese_translation_and_no_more() {
        let en = keys(include_str!("../../../locales/en/main.ftl"));
        let zh = keys(include_str!("../../../locales/zh-Hans/main.ftl"));
        assert!(en.len() > 50);
        assert_eq!(
            en.difference(&zh).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in zh-Hans"
        );
        assert_eq!(
            zh.difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "only in zh-Hans"
        );
    }

    #[test]
    fn every_key_used_by_templates_and_code_exists() {
        let en = keys(include_str!("../../../locales/en/main.ftl"));
        // Every template and every page module (in sub-folders too), so that a new page is checked without being
        // listed here.
        fn read_dir(dir: &std::path::Path, out: &mut Vec<String>) {
            for path in std::fs::read_dir(dir)
                .expect("a source folder")
                .filter_map(|e| Some(e.ok()?.path()))
            {
                if path.is_dir() {
                    read_dir(&path, out);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    out.push(text);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        read_dir(&root.join("templates"), &mut sources);
        read_dir(&root.join("src/ui"), &mut sources);
        sources.push(include_str!("ui.rs").to_owned());
        let mut used = BTreeSet::new();
        for source in &sources {
            for (i, _) in source.match_indices(".t(\"") {
                let rest = &source[i + 4..];
                if let Some(end) = rest.find('"') {
                    used.insert(rest[..end].to_owned());
                }
            }
        }
        assert!(used.len() > 30, "found only {} keys in use", used.len());
        let missing: Vec<_> = used
            .iter()
            .filter(|k| !en.contains(*k) && !k.contains('{'))
            .collect();
        assert!(missing.is_empty(), "keys used but not defined: {missing:?}");
    }

    #[test]
    fn messages_are_looked_up_in_the_chosen_language() {
        assert_eq!(translate(Language::En, "nav-cities"), "Cities");
        assert_ne!(translate(Language::ZhHans, "nav-cities"), "Cities");
        assert!(translate_with(Language::En, "cities-count", "count", 3).contains('3'));
    }
}
