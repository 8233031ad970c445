//! Sign-up, sign-in, sign-out, e-mail verification, password reset, account settings, API tokens and invitations.
//! The service checks credentials, links and tokens; these pages only show its answers.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mitra_service::domain::{Email, Language, MemberRole, Organisation};
use mitra_service::{ApiTokenRecord, Mitra, ServiceError};
use serde::Deserialize;

use super::forms::{CsrfOnly, FieldError, Invalid as _, field_error, has_csrf, with_cookie};
use super::{Layout, done, render, render_with_status};
use crate::auth::{Auth, CsrfForm, session_cookie, signed_in_cookie};
use crate::error::PageError;
use crate::i18n::language_cookie;

/// `?token=` of an e-mailed link.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The sign-up form.
#[derive(Debug, Deserialize)]
pub struct SignUpForm {
    csrf_token: String,
    email: String,
    password: String,
    display_name: String,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    csrf_token: String,
    email: String,
    password: String,
}

/// The reset request form.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    csrf_token: String,
    email: String,
}

/// The new-password form.
#[derive(Debug, Deserialize)]
pub struct ResetConfirmForm {
    csrf_token: String,
    token: String,
    password: String,
}

/// The settings form.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    csrf_token: String,
    display_name: String,
    language: String,
    time_zone: String,
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    csrf_token: String,
    name: String,
    scope: String,
}

/// The accept-invitation form.
#[derive(Debug, Deserialize)]
pub struct InvitationForm {
    csrf_token: String,
    token: String,
}

has_csrf!(
    SignUpForm,
    LoginForm,
    ResetForm,
    ResetConfirmForm,
    SettingsForm,
    TokenForm,
    InvitationForm
);

#[derive(Template)]
#[template(path = "signup.html")]
struct SignUpPage {
    l: Layout,
    error: Option<FieldError>,
    email: String,
    display_name: String,
}

impl SignUpPage {
    /// The sign-up form, holding what was typed and the error of a refused post.
    fn build(l: Layout, error: Option<FieldError>, email: String, display_name: String) -> Self {
        Self {
            l: l.titled("signup", "signup-title"),
            error,
            email,
            display_name,
        }
    }
}

/// `GET /signup`
pub async fn show_signup(l: Layout, headers: HeaderMap) -> Response {
    let (l, cookie) = l.with_form_token(&headers);
    let page = SignUpPage::build(l, None, String::new(), String::new());
    with_cookie(render(&page), cookie)
}

/// `POST /signup`
pub async fn submit_signup(
    State(mitra): State<Mitra>,
    l: Layout,
    CsrfForm(form): CsrfForm<SignUpForm>,
) -> Result<Response, PageError> {
    // A malformed address is refused beside the form, as the service's own refusals are.
    let signed_up = match Email::parse(&form.email) {
        Ok(email) => {
            mitra
                .sign_up(&email, &form.password, &form.display_name, l.lang)
                .await
        }
        Err(refused) => Err(refused.into()),
    };
    match signed_up {
        Ok(()) => Ok(done("/login", "signup-done")),
        Err(e) => {
            let page = SignUpPage::build(l, Some(field_error(e)?), form.email, form.display_name);
            Ok(render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    error: Option<FieldError>,
    email: String,
}

impl LoginPage {
    /// The sign-in form, holding the address typed and why a sign-in was refused.
    fn build(l: Layout, error: Option<FieldError>, email: String) -> Self {
        Self {
            l: l.titled("login", "login-title"),
            error,
            email,
        }
    }
}

/// `GET /login`
pub async fn show_login(l: Layout, headers: HeaderMap) -> Response {
    let (l, cookie) = l.with_form_token(&headers);
    with_cookie(render(&LoginPage::build(l, None, String::new())), cookie)
}

/// `POST /login`: on success the session id changes (no fixation) and the visitor goes to their account.
pub async fn submit_login(
    State(mitra): State<Mitra>,
    auth: Auth,
    l: Layout,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    match mitra
        .sign_in(&form.email, &form.password, auth.session.as_deref())
        .await
    {
        Ok(session) => Ok(with_cookie(
            Redirect::to("/account").into_response(),
            signed_in_cookie(&headers, &session.cookie),
        )),
        Err(e) => {
            let key = match e {
                ServiceError::InvalidCredentials => "login-error-invalid",
                ServiceError::EmailNotVerified => "login-error-unverified",
                other => return Err(PageError::from(other)),
            };
            let error = FieldError::said(l.t(key));
            let page = LoginPage::build(l, Some(error), form.email);
            Ok(render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

/// `POST /logout`
pub async fn submit_logout(
    State(mitra): State<Mitra>,
    auth: Auth,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
    if let Some(session) = &auth.session {
        mitra.sign_out(session).await?;
    }
    Ok(with_cookie(
        Redirect::to("/").into_response(),
        session_cookie(&headers, "", 0),
    ))
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    l: Layout,
    heading: String,
    text: String,
    link: Option<(String, String)>,
}

impl MessagePage {
    /// The answer to a verification link: done, or the link is invalid, with the way to sign in.
    fn verified(l: Layout, verified: bool) -> Self {
        let l = l.titled("", "verify-title");
        let (heading, text) = if verified {
            (l.t("verify-title"), l.t("verify-done"))
        } else {
            (l.t("error-bad-request-title"), l.t("link-invalid"))
        };
        Self {
            heading,
            text,
            link: Some(("/login".to_owned(), l.t("nav-sign-in"))),
            l,
        }
    }
}

/// `GET /verify?token=`
pub async fn verify_email(
    State(mitra): State<Mitra>,
    l: Layout,
    Query(query): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let (verified, status) = match mitra.verify_email(&query.token).await {
        Ok(()) => (true, StatusCode::OK),
        Err(ServiceError::InvalidLink) => (false, StatusCode::BAD_REQUEST),
        Err(other) => return Err(other.into()),
    };
    Ok(render_with_status(
        status,
        &MessagePage::verified(l, verified),
    ))
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    l: Layout,
    error: Option<FieldError>,
    token: Option<String>,
}

impl ResetPage {
    /// The form that asks for a reset link, or with the link's `token`, the one that sets a new password.
    fn build(l: Layout, error: Option<FieldError>, token: Option<String>) -> Self {
        let key = if token.is_some() {
            "reset-confirm-title"
        } else {
            "reset-title"
        };
        Self {
            l: l.titled("", key),
            error,
            token,
        }
    }
}

/// `GET /reset`
pub async fn show_reset(l: Layout, headers: HeaderMap) -> Response {
    let (l, cookie) = l.with_form_token(&headers);
    with_cookie(render(&ResetPage::build(l, None, None)), cookie)
}

/// `POST /reset`: the same answer whether or not the address has an account.
pub async fn submit_reset(
    State(mitra): State<Mitra>,
    l: Layout,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response, PageError> {
    let requested = match Email::parse(&form.email) {
        Ok(email) => mitra.request_password_reset(&email).await,
        Err(refused) => Err(refused.into()),
    };
    match requested {
        Ok(()) => Ok(done("/reset", "reset-done")),
        Err(e) => {
            let page = ResetPage::build(l, Some(field_error(e)?), None);
            Ok(render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

/// `GET /reset/confirm?token=`
pub async fn show_reset_confirm(
    l: Layout,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Response {
    let (l, cookie) = l.with_form_token(&headers);
    with_cookie(
        render(&ResetPage::build(l, None, Some(query.token))),
        cookie,
    )
}

/// `POST /reset/confirm`
pub async fn submit_reset_confirm(
    State(mitra): State<Mitra>,
    l: Layout,
    CsrfForm(form): CsrfForm<ResetConfirmForm>,
) -> Result<Response, PageError> {
    let (error, status) = match mitra.reset_password(&form.token, &form.password).await {
        Ok(0) => return Ok(done("/login", "reset-confirm-done")),
        Ok(_) => return Ok(done("/login", "reset-confirm-tokens-revoked")),
        Err(ServiceError::InvalidLink) => {
            let error = FieldError::said(l.t("link-invalid"));
            (error, StatusCode::BAD_REQUEST)
        }
        Err(e) => (field_error(e)?, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let page = ResetPage::build(l, Some(error), Some(form.token));
    Ok(render_with_status(status, &page))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Layout,
    error: Option<FieldError>,
    email: String,
    display_name: String,
    language: String,
    time_zone: String,
    orgs: Vec<(Organisation, MemberRole)>,
    tokens: Vec<ApiTokenRecord>,
    new_secret: Option<String>,
}

/// The account page of the signed-in reader, with the error of a refused form or a new token's secret, shown
/// once. Its answer is never stored by a cache.
async fn account_page(
    mitra: &Mitra,
    l: Layout,
    error: Option<FieldError>,
    new_secret: Option<String>,
) -> Result<Response, PageError> {
    let who = l.actor().signed_in().map_err(ServiceError::from)?;
    let account = l.account().cloned().ok_or(PageError {
        status: StatusCode::UNAUTHORIZED,
        detail: None,
    })?;
    let orgs = mitra.my_organisations(l.actor()).await?;
    let tokens = mitra.list_api_tokens(&who).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AccountPage {
        l: l.titled("account", "account-title"),
        error,
        email: account.email.to_string(),
        display_name: account.display_name,
        language: account.language,
        time_zone: account.time_zone,
        orgs,
        tokens,
        new_secret,
    };
    let mut response = render_with_status(status, &page);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /account`
pub async fn show_account(State(mitra): State<Mitra>, l: Layout) -> Result<Response, PageError> {
    if l.account().is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    account_page(&mitra, l, None, None).await
}

/// `POST /account`
pub async fn submit_settings(
    State(mitra): State<Mitra>,
    l: Layout,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<Response, PageError> {
    let who = l.actor().signed_in().map_err(ServiceError::from)?;
    match mitra
        .update_settings(&who, &form.display_name, &form.language, &form.time_zone)
        .await
    {
        Ok(account) => {
            // The new setting wins over an earlier ?lang= choice remembered in the cookie.
            let cookie = Language::parse(&account.language)
                .ok()
                .and_then(language_cookie);
            Ok(with_cookie(done("/account", "account-saved"), cookie))
        }
        Err(e) => account_page(&mitra, l, Some(field_error(e)?), None).await,
    }
}

/// `POST /account/tokens`: shows the new secret once, on the answer itself (never stored, never redirected).
pub async fn create_token(
    State(mitra): State<Mitra>,
    l: Layout,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, PageError> {
    let who = l.actor().signed_in().map_err(ServiceError::from)?;
    match mitra.create_api_token(&who, &form.name, &form.scope).await {
        Ok(token) => account_page(&mitra, l, None, Some(token.secret)).await,
        Err(e) => account_page(&mitra, l, Some(field_error(e)?), None).await,
    }
}

/// `POST /account/tokens/{id}/revoke`
pub async fn revoke_token(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, PageError> {
    let who = auth.actor.signed_in().map_err(ServiceError::from)?;
    mitra.revoke_api_token(&who, &id).await?;
    Ok(done("/account", "account-token-revoked-done"))
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    l: Layout,
    token: String,
}

/// `GET /invitations/accept?token=`
pub async fn show_invitation(
    l: Layout,
    Query(query): Query<TokenQuery>,
) -> Result<Response, PageError> {
    if l.account().is_none() {
        return Err(PageError {
            status: StatusCode::UNAUTHORIZED,
            detail: None,
        });
    }
    Ok(render(&InvitationPage {
        l: l.titled("account", "invitation-title"),
        token: query.token,
    }))
}

/// `POST /invitations/accept`
pub async fn accept_invitation(
    State(mitra): State<Mitra>,
    auth: Auth,
    CsrfForm(form): CsrfForm<InvitationForm>,
) -> Result<Response, PageError> {
    let who = auth.actor.signed_in().map_err(ServiceError::from)?;
    let org = mitra.accept_invitation(&who, &form.token).await?;
    Ok(done(
        &format!("/organisations/{org}"),
        "invitation-accepted",
    ))
}
