//! The chrome every page shares — the reader's language and messages, the signed-in account and the sections its
//! roles open, the session's CSRF token, the demo banner, a notice after a form, the language switch — assembled
//! once per request by the [`Layout`] extractor. It must not read a page's own data: that is the page's one
//! service call.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Uri};
use mitra_service::Mitra;
use mitra_service::domain::{Account, Actor, Language};

use crate::auth::Auth;
use crate::i18n::{Lang, translate, translate_with};
use crate::ui::forms::form_token;

/// What every page shares: language, title, the active section, the demo flag, the current query and the reader.
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
    /// Notifications the signed-in person has not read.
    pub unread: u64,
    /// The session's CSRF token, for the forms on the page (sign-out included).
    pub csrf: String,
    /// A notice to show after a completed action (post/redirect/get), as a message key.
    pub notice: Option<String>,
    /// When `?lang=` asked for a language the interface does not speak: the sentence that says so.
    pub lang_note: Option<String>,
    /// Who is asking, for the page's service call.
    actor: Actor,
    /// The signed-in account, for pages about it.
    account: Option<Account>,
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
    "interest-sent",
    "interest-written",
    "interest-decided",
    "notifications-read",
    "notifications-saved",
    "submit-written",
    "submit-value-saved",
    "partnership-proposed",
    "partnership-changed",
    "partnership-document-added",
    "activity-logged",
    "activity-logged-holiday",
    "outcome-added",
];

impl FromRequestParts<Mitra> for Layout {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, mitra: &Mitra) -> Result<Self, Infallible> {
        let Ok(auth) = Auth::from_request_parts(parts, mitra).await;
        let Ok(Lang(lang)) = Lang::from_request_parts(parts, mitra).await;
        // The banner is a courtesy: a database that cannot say shows the page without it.
        let demo = mitra.is_demo().await.unwrap_or(false);
        let roles = mitra.roles(&auth.actor);
        let (query, notice) = query_and_notice(&parts.uri);
        // Like the banner, the count is a courtesy: a failure shows the page without it.
        let unread = mitra.unread_notifications(&auth.actor).await.unwrap_or(0);
        let lang_note = parts
            .extensions
            .get::<crate::i18n::UnavailableLanguage>()
            .map(|asked| {
                crate::i18n::translate_args(
                    lang,
                    "language-unavailable",
                    &[
                        ("requested", asked.0.clone()),
                        ("shown", lang.autonym().to_owned()),
                    ],
                )
            });
        Ok(Self {
            lang,
            title: String::new(),
            nav: "",
            demo,
            query,
            user: auth.account.as_ref().map(|a| a.display_name.clone()),
            is_admin: roles.platform_admin,
            is_verifier: roles.verifier,
            unread,
            csrf: auth.csrf_token.unwrap_or_default(),
            notice,
            lang_note,
            actor: auth.actor,
            account: auth.account,
        })
    }
}

/// The query string without `lang` and `done`, and the notice `done` asks for. Only known notices are shown, so a
/// crafted link cannot put arbitrary text on the page.
fn query_and_notice(uri: &Uri) -> (String, Option<String>) {
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
    let notice = pairs
        .iter()
        .find_map(|p| p.strip_prefix("done="))
        .filter(|key| NOTICES.contains(key))
        .map(str::to_owned);
    (query, notice)
}

impl Layout {
    /// The layout of a page drawn without a request's reader, such as an error page: anonymous, no demo banner.
    pub fn bare(lang: Language, title: String) -> Self {
        Self {
            lang,
            title,
            nav: "",
            demo: false,
            query: String::new(),
            user: None,
            is_admin: false,
            is_verifier: false,
            unread: 0,
            csrf: String::new(),
            notice: None,
            lang_note: None,
            actor: Actor::Anonymous,
            account: None,
        }
    }

    /// This layout for a page of section `nav` titled `title`.
    pub fn page(mut self, nav: &'static str, title: String) -> Self {
        self.nav = nav;
        self.title = title;
        self
    }

    /// This layout for a page of section `nav` titled with the message `key`.
    pub fn titled(self, nav: &'static str, key: &str) -> Self {
        let title = self.t(key);
        self.page(nav, title)
    }

    /// For a form that visitors without a session send: the CSRF token of their form cookie, and the cookie to
    /// set when they have none yet. A signed-in reader keeps the session's token.
    pub fn with_form_token(mut self, headers: &HeaderMap) -> (Self, Option<HeaderValue>) {
        let (csrf, cookie) = form_token(self.csrf_token(), headers);
        self.csrf = csrf;
        (self, cookie)
    }

    /// The CSRF token the reader's forms must echo: the session's, or that of a visitor's form cookie; `None` when
    /// the reader has neither, so that no form is accepted.
    pub fn csrf_token(&self) -> Option<&str> {
        Some(self.csrf.as_str()).filter(|token| !token.is_empty())
    }

    /// Who is asking.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The signed-in account, if any.
    pub fn account(&self) -> Option<&Account> {
        self.account.as_ref()
    }

    /// A message in the reader's language.
    pub fn t(&self, key: &str) -> String {
        translate(self.lang, key)
    }

    /// A moment to the minute, in the reader's time zone (the account's; UTC for readers not signed in) and as the
    /// reader's language writes it.
    pub fn minute(&self, at: time::OffsetDateTime) -> String {
        let zone = self.account().map_or("UTC", |a| a.time_zone.as_str());
        super::format::minute(at, zone, self.lang)
    }

    /// The message `<prefix>-<id>`, for ids of roles, kinds and statuses.
    pub fn t2(&self, prefix: &str, id: &str) -> String {
        translate(self.lang, &format!("{prefix}-{id}"))
    }

    /// How many notifications are unread, in words (the badge's label for screen readers).
    pub fn unread_text(&self) -> String {
        self.tn("notifications-unread", self.unread)
    }

    /// A message with a count, in the plural form the reader's language uses.
    pub fn tn(&self, key: &str, count: u64) -> String {
        translate_with(self.lang, key, "count", count as f64)
    }

    /// A message with text arguments.
    pub fn ta(&self, key: &str, values: &[(&'static str, String)]) -> String {
        crate::i18n::translate_args(self.lang, key, values)
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

#[cfg(test)]
mod tests {
    use super::query_and_notice;

    #[test]
    fn the_language_switch_keeps_filters_and_only_known_notices_are_shown() {
        let uri = "/cities?country=TH&lang=en&done=entry-saved"
            .parse()
            .expect("uri");
        assert_eq!(
            query_and_notice(&uri),
            ("country=TH".to_owned(), Some("entry-saved".to_owned()))
        );
        let crafted = "/?done=you-have-won".parse().expect("uri");
        assert_eq!(query_and_notice(&crafted), (String::new(), None));
    }
}
