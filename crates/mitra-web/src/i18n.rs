//! The interface language: chosen per request (`?lang=`, then the `mitra_lang` cookie, then the signed-in
//! account's setting, then `Accept-Language`, then English) and used to look up Fluent messages from `locales/`, which are compiled into the binary.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};
use mitra_service::domain::{Language, Reason};

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

/// The message `key` in `language` with text arguments. `count` is the argument plural selectors choose by: when it
/// is a whole number it is passed as a number, so that "1" picks the `one` form where the language has one.
pub fn translate_args(language: Language, key: &str, values: &[(&'static str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = values
        .iter()
        .map(|(name, value)| {
            let value = match value.parse::<u64>() {
                Ok(n) if *name == "count" => FluentValue::from(n as f64),
                _ => FluentValue::from(value.clone()),
            };
            (Cow::Borrowed(*name), value)
        })
        .collect();
    LOCALES
        .try_lookup_with_args(&identifier(language), key, &args)
        .unwrap_or_else(|| key.to_owned())
}

/// Why a value was refused, in `language`: the message `invalid-<id>` of `locales/<language>/invalid.ftl` with the
/// reason's values, and the language it is said in. English, and any reason a locale lacks (a test keeps that from
/// happening), is the domain's own English text.
pub fn reason(language: Language, reason: &Reason) -> (String, Language) {
    if language != Language::En {
        let key = format!("invalid-{}", reason.id().replace('_', "-"));
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = reason
            .args()
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.as_str())))
            .collect();
        if let Some(text) = LOCALES.try_lookup_with_args(&identifier(language), &key, &args) {
            return (text, language);
        }
    }
    (reason.to_string(), Language::En)
}

/// A `?lang=` the interface does not speak, as asked (clipped): the page says so and is shown in the language the
/// other preferences choose.
#[derive(Debug, Clone)]
pub struct UnavailableLanguage(pub String);

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

/// Chooses the language — `?lang=`, then the signed-in account's setting, then the cookie, then `Accept-Language`,
/// then English — and renders [`PageError`]s in it. An explicit choice is remembered: in a cookie, and as the
/// account's setting when the reader is signed in (so the switch keeps working from page to page). A `?lang=` the
/// interface does not speak is not an error: the other preferences choose, and the page says that the language asked
/// for is not available ([`UnavailableLanguage`]).
pub async fn negotiate_language(
    axum::extract::State(mitra): axum::extract::State<mitra_service::Mitra>,
    mut request: Request,
    next: Next,
) -> Response {
    let asked = query_lang(&request);
    let explicit = asked.as_deref().and_then(|raw| Language::parse(raw).ok());
    if let Some(raw) = asked.filter(|_| explicit.is_none()) {
        let clipped: String = raw.chars().take(24).collect();
        request
            .extensions_mut()
            .insert(UnavailableLanguage(clipped));
    }
    let auth = request.extensions().get::<crate::auth::Auth>();
    let actor = auth.map(|auth| auth.actor.clone());
    let account_language = auth
        .and_then(|auth| auth.account.as_ref())
        .and_then(|account| Language::parse(&account.language).ok());
    let language = explicit
        .or(account_language)
        .or_else(|| cookie_lang(&request))
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
    // A page read in a language chosen explicitly keeps it for the signed-in reader (a file downloaded with a
    // `lang` of its own, such as a template, does not).
    let is_page = response.status().is_success()
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
    if let (Some(language), Some(actor), true) = (explicit, &actor, is_page)
        && account_language != Some(language)
        && let Err(e) = mitra.remember_language(actor, language).await
    {
        // A courtesy: the page is shown in the language chosen all the same.
        tracing::warn!(error = %e, "language.remember_failed");
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
        HeaderValue::from_static(language.tag()),
    );
    response
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(file: &str) -> BTreeSet<String> {
        variables(file).into_keys().collect()
    }

    /// Each message of a Fluent file with the variables (`$name`) it uses.
    fn variables(file: &str) -> std::collections::BTreeMap<String, BTreeSet<String>> {
        let mut out = std::collections::BTreeMap::new();
        let mut current: Option<String> = None;
        for line in file.lines() {
            if line.starts_with('#') {
                current = None;
                continue;
            }
            if !line.starts_with([' ', '\t', '}'])
                && let Some((key, _)) = line.split_once(" =")
            {
                current = Some(key.trim().to_owned());
                out.insert(key.trim().to_owned(), BTreeSet::new());
            }
            if let Some(key) = &current {
                let vars = out.entry(key.clone()).or_insert_with(BTreeSet::new);
                for (i, _) in line.match_indices('$') {
                    let name: String = line[i + 1..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    vars.insert(name);
                }
            }
        }
        out
    }

    fn locale_file(language: Language) -> String {
        let path = format!(
            "{}/../../locales/{}/main.ftl",
            env!("CARGO_MANIFEST_DIR"),
            language.tag()
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn every_locale_has_every_english_message_with_its_variables_and_no_more() {
        let en = variables(&locale_file(Language::En));
        assert!(en.len() > 50);
        for language in Language::ALL {
            let file = locale_file(language);
            let other = variables(&file);
            let missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
            assert!(missing.is_empty(), "missing in {language}: {missing:?}");
            let extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(extra.is_empty(), "only in {language}: {extra:?}");
            for (key, vars) in &en {
                assert_eq!(&other[key], vars, "{language} {key}: the variables differ");
            }
            // Every message resolves in the language itself (a syntax error would make it fall back).
            assert!(
                fluent_templates::fluent_bundle::FluentResource::try_new(file).is_ok(),
                "{language}: the file is not valid Fluent"
            );
        }
    }

    #[test]
    fn every_refusal_of_the_domain_is_translated_with_its_values_and_nothing_else() {
        let reasons: std::collections::BTreeMap<String, BTreeSet<String>> =
            mitra_service::domain::REASONS
                .iter()
                .map(|(id, args, _)| {
                    (
                        format!("invalid-{}", id.replace('_', "-")),
                        args.iter().map(|a| (*a).to_owned()).collect(),
                    )
                })
                .collect();
        for language in Language::ALL.into_iter().filter(|l| *l != Language::En) {
            let path = format!(
                "{}/../../locales/{}/invalid.ftl",
                env!("CARGO_MANIFEST_DIR"),
                language.tag()
            );
            let file = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(
                fluent_templates::fluent_bundle::FluentResource::try_new(file.clone()).is_ok(),
                "{path} is not valid Fluent"
            );
            let translated = variables(&file);
            let missing: Vec<_> = reasons
                .keys()
                .filter(|k| !translated.contains_key(*k))
                .collect();
            assert!(missing.is_empty(), "{path} lacks {missing:?}");
            let unused: Vec<_> = translated
                .keys()
                .filter(|k| !reasons.contains_key(*k))
                .collect();
            assert!(
                unused.is_empty(),
                "{path} has messages no refusal uses: {unused:?}"
            );
            for (key, vars) in &reasons {
                assert_eq!(&translated[key], vars, "{path} {key}: the values differ");
            }
        }
        // English is the domain's own text; no locale file repeats it.
        assert!(
            !std::path::Path::new(&format!(
                "{}/../../locales/en/invalid.ftl",
                env!("CARGO_MANIFEST_DIR")
            ))
            .exists()
        );
    }

    #[test]
    fn a_refusal_is_said_in_the_readers_language_with_its_values() {
        let why = mitra_service::domain::Reason::too_long(280);
        assert_eq!(
            reason(Language::En, &why),
            ("must be at most 280 characters".to_owned(), Language::En)
        );
        for language in Language::ALL.into_iter().filter(|l| *l != Language::En) {
            let (text, said_in) = reason(language, &why);
            assert_eq!(said_in, language);
            assert!(text.contains("280"), "{language}: {text}");
            assert_ne!(text, why.to_string(), "{language}");
        }
    }

    #[test]
    fn every_key_used_by_templates_and_code_exists() {
        let en = keys(include_str!("../../../locales/en/main.ftl"));
        let sources = interface_sources();
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

    /// The sources of the interface: templates and every module of the crate.
    fn interface_sources() -> Vec<String> {
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
        read_dir(&root.join("src"), &mut sources);
        sources
    }

    #[test]
    fn every_message_is_used_by_the_interface() {
        let sources = interface_sources().join("\n");
        // Messages looked up by a prefix and an id: `l.t2("role", …)`, `format!("entry-kind-{…}")`.
        let mut prefixes = BTreeSet::new();
        for (i, _) in sources.match_indices("t2(") {
            let Some(rest) = sources[i + 3..].trim_start().strip_prefix('"') else {
                continue;
            };
            if let Some(end) = rest.find('"') {
                prefixes.insert(format!("{}-", &rest[..end]));
            }
        }
        for (i, _) in sources.match_indices("-{") {
            let before = &sources[..=i];
            if let Some(start) = before.rfind('"') {
                let prefix = &before[start + 1..];
                if !prefix.is_empty()
                    && prefix
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    prefixes.insert(prefix.to_owned());
                }
            }
        }
        let en = keys(include_str!("../../../locales/en/main.ftl"));
        let unused: Vec<&String> = en
            .iter()
            .filter(|key| {
                !sources.contains(&format!("\"{key}\""))
                    && !prefixes.iter().any(|p| key.starts_with(p.as_str()))
            })
            .collect();
        assert!(unused.is_empty(), "messages no page uses: {unused:?}");
    }

    #[test]
    fn messages_are_looked_up_in_the_chosen_language() {
        assert_eq!(translate(Language::En, "nav-cities"), "Cities");
        assert_ne!(translate(Language::ZhHans, "nav-cities"), "Cities");
        assert!(translate_with(Language::En, "cities-count", "count", 3).contains('3'));
        // A count given among text arguments still picks the singular.
        assert_eq!(
            translate_args(
                Language::En,
                "search-count",
                &[("count", "1".into()), ("query", "flood".into())]
            ),
            "One entry matches “flood”."
        );
        assert_eq!(
            translate_args(
                Language::En,
                "search-count",
                &[("count", "2".into()), ("query", "flood".into())]
            ),
            "2 entries match “flood”."
        );
    }
}
