//! Who is behind a request: the session cookie (pages) or an `Authorization: Bearer` token (API), resolved once
//! per request by [`identify`]; and the CSRF protection of every form ([`CsrfForm`]).

use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mitra_service::domain::{Account, Actor};
use mitra_service::{Mitra, SESSION_DAYS};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, PageError};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "mitra_session";
/// The cookie that carries the CSRF token of a visitor without a session (double-submit: the form echoes it).
pub const FORM_COOKIE: &str = "mitra_form";
/// How long the form cookie lasts.
const FORM_COOKIE_SECONDS: i64 = 12 * 3600;

/// What is known about the requester.
#[derive(Debug, Clone)]
pub struct Auth {
    /// The actor: anonymous, an account (session or token), never an operator.
    pub actor: Actor,
    /// The signed-in account, for pages.
    pub account: Option<Account>,
    /// The session's CSRF token, when there is a session.
    pub csrf_token: Option<String>,
    /// The session cookie's value, when there is a session.
    pub session: Option<String>,
    /// Whether the actor came from an API token.
    pub via_token: bool,
}

impl Auth {
    fn anonymous() -> Self {
        Self {
            actor: Actor::Anonymous,
            account: None,
            csrf_token: None,
            session: None,
            via_token: false,
        }
    }

    /// An anonymous visitor, with the CSRF token of its form cookie when it sends one that looks like ours.
    fn anonymous_with_form(headers: &HeaderMap) -> Self {
        let token = cookie(headers, FORM_COOKIE)
            .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
        Self {
            csrf_token: token,
            ..Self::anonymous()
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Auth>()
            .cloned()
            .unwrap_or_else(Auth::anonymous))
    }
}

/// The value of cookie `name`.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookies| {
            cookies.split(';').find_map(|c| {
                let (key, value) = c.trim().split_once('=')?;
                (key == name).then(|| value.to_owned())
            })
        })
}

/// Whether the request reached us over TLS (directly or through a proxy that says so).
fn is_secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value for the session: HttpOnly, SameSite=Lax, Secure behind TLS.
pub fn session_cookie(
    headers: &HeaderMap,
    value: &str,
    max_age_seconds: i64,
) -> Option<HeaderValue> {
    let secure = if is_secure(headers) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Lax{secure}"
    ))
    .ok()
}

/// A `Set-Cookie` value for the form cookie of a visitor without a session.
pub fn form_cookie(headers: &HeaderMap, token: &str) -> Option<HeaderValue> {
    let secure = if is_secure(headers) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{FORM_COOKIE}={token}; Path=/; Max-Age={FORM_COOKIE_SECONDS}; HttpOnly; SameSite=Lax{secure}"
    ))
    .ok()
}

/// A `Set-Cookie` value for a signed-in session.
pub fn signed_in_cookie(headers: &HeaderMap, value: &str) -> Option<HeaderValue> {
    session_cookie(headers, value, SESSION_DAYS * 24 * 3600)
}

/// Resolves the requester once and stores an [`Auth`] in the request. An API request with a bad token is refused
/// here with 401; a stale session cookie simply counts as anonymous.
pub async fn identify(
    axum::extract::State(mitra): axum::extract::State<Mitra>,
    mut request: Request,
    next: Next,
) -> Response {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let auth = if let Some(secret) = bearer {
        match mitra.resolve_api_token(&secret).await {
            Ok(Some(actor)) => Auth {
                actor,
                account: None,
                csrf_token: None,
                session: None,
                via_token: true,
            },
            Ok(None) => {
                return ApiError::unauthenticated("the bearer token is unknown or revoked")
                    .into_response();
            }
            Err(e) => return ApiError::from(e).into_response(),
        }
    } else if let Some(value) = cookie(request.headers(), SESSION_COOKIE) {
        match mitra.resolve_session(&value).await {
            Ok(Some(info)) => Auth {
                actor: info.actor,
                account: info.account,
                csrf_token: Some(info.csrf_token),
                session: Some(value),
                via_token: false,
            },
            Ok(None) => Auth::anonymous_with_form(request.headers()),
            Err(e) => return PageError::from(e).into_response(),
        }
    } else {
        Auth::anonymous_with_form(request.headers())
    };
    // The API takes writes only with a token: a session cookie alone cannot make the API write, so the API needs no
    // CSRF token.
    let is_api = request.uri().path().starts_with("/api/");
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let auth = if is_api && unsafe_method && !auth.via_token {
        Auth::anonymous()
    } else {
        auth
    };
    let personal = auth.actor != Actor::Anonymous || auth.csrf_token.is_some();
    request.extensions_mut().insert(auth);
    let mut response = next.run(request).await;
    // What a signed-in account (or a visitor with a form token) is shown is theirs alone: no shared cache keeps it.
    if personal || response.headers().contains_key(header::SET_COOKIE) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

/// Lets a write through only from a signed-in account with write rights (or an operator): an anonymous caller
/// gets 401 and a read-only token 403, before the body is read or anything is looked up. Layered on every write
/// route but the forms that sign people up and in.
pub async fn require_writer(request: Request, next: Next) -> Response {
    let denied = match request.extensions().get::<Auth>() {
        None => Some(mitra_service::domain::Denied::SignInRequired),
        Some(auth) => auth.actor.signed_in().err(),
    };
    let Some(denied) = denied else {
        return next.run(request).await;
    };
    // Under the nested API router the URI has lost its `/api/v1` prefix; the original one still has it.
    let path = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| request.uri().path(), |original| original.path());
    if path.starts_with("/api/") {
        ApiError::from(denied).into_response()
    } else {
        PageError::from(denied).into_response()
    }
}

/// Whether the request comes from our own pages: `Sec-Fetch-Site` (when sent) is same-origin or none, and `Origin`
/// (when sent) names our scheme and host (https behind a TLS proxy that says so, http otherwise).
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return false;
    }
    let scheme = if is_secure(headers) { "https" } else { "http" };
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(sent_scheme, rest)| sent_scheme == scheme && rest == host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// Compares two secrets in time that does not depend on where they differ.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A form that must carry the session's CSRF token.
pub trait HasCsrf {
    /// The `csrf_token` field.
    fn csrf_token(&self) -> &str;
}

/// A form body accepted only from our own pages with the session's CSRF token (synchronizer token pattern).
pub struct CsrfForm<T>(pub T);

impl<T, S> FromRequest<S> for CsrfForm<T>
where
    T: DeserializeOwned + HasCsrf + Send,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = request.headers().clone();
        let expected = request
            .extensions()
            .get::<Auth>()
            .and_then(|a| a.csrf_token.clone());
        let Form(form) = Form::<T>::from_request(request, state)
            .await
            .map_err(|e| PageError {
                status: e.status(),
                detail: Some(crate::error::Said::Text(e.body_text())),
            })?;
        check_csrf(&headers, expected.as_deref(), form.csrf_token())?;
        Ok(CsrfForm(form))
    }
}

/// Checks that a form comes from this site and carries the session's CSRF token (`expected`).
pub fn check_csrf(
    headers: &HeaderMap,
    expected: Option<&str>,
    sent: &str,
) -> Result<(), PageError> {
    let forbidden = |why: &str| PageError {
        status: StatusCode::FORBIDDEN,
        detail: Some(crate::error::Said::Text(why.to_owned())),
    };
    if !same_origin(headers) {
        return Err(forbidden("this form was sent from another site"));
    }
    match expected {
        Some(expected) if constant_time_eq(expected, sent) => Ok(()),
        _ => Err(forbidden(
            "the form has expired or was not sent from this site; reload the page and try again",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn requests_from_other_sites_are_not_same_origin() {
        assert!(same_origin(&headers(&[
            ("host", "mitra.example"),
            ("origin", "http://mitra.example")
        ])));
        assert!(same_origin(&headers(&[
            ("host", "mitra.example"),
            ("x-forwarded-proto", "https"),
            ("origin", "https://mitra.example")
        ])));
        assert!(
            !same_origin(&headers(&[
                ("host", "mitra.example"),
                ("x-forwarded-proto", "https"),
                ("origin", "http://mitra.example")
            ])),
            "a page over plain http is another origin than the site over TLS"
        );
        assert!(same_origin(&headers(&[
            ("host", "mitra.example"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(
            same_origin(&headers(&[("host", "mitra.example")])),
            "old browsers send neither"
        );
        assert!(!same_origin(&headers(&[
            ("host", "mitra.example"),
            ("origin", "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "mitra.example"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "mitra.example"),
            ("origin", "null")
        ])));
    }

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }

    #[test]
    fn session_cookies_are_http_only_lax_and_secure_behind_tls() {
        let plain = session_cookie(&HeaderMap::new(), "x", 60).expect("cookie");
        let plain = plain.to_str().expect("ascii");
        assert!(
            plain.contains("HttpOnly")
                && plain.contains("SameSite=Lax")
                && !plain.contains("Secure")
        );
        let tls =
            session_cookie(&headers(&[("x-forwarded-proto", "https")]), "x", 60).expect("cookie");
        assert!(tls.to_str().expect("ascii").contains("; Secure"));
    }
}
