//! Sign-up, sign-in, sign-out, e-mail verification, password reset, account settings, API tokens and invitations.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use mitra_service::domain::{Language, MemberRole, Organisation};
use mitra_service::{ApiTokenRecord, Mitra, ServiceError};
use serde::Deserialize;

use super::forms::{
    CsrfOnly, FieldError, Invalid as _, field_error, form_token, has_csrf, with_cookie,
};
use super::{Layout, done, render};
use crate::auth::{Auth, CsrfForm, session_cookie, signed_in_cookie};
use crate::error::PageError;
use crate::i18n::{Lang, language_cookie, translate};

/// `?token=` of an e-mailed link.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignUpPage {
    l: Layout,
    error: Option<FieldError>,
    email: String,
    display_name: String,
}

/// The sign-up form.
#[derive(Debug, Deserialize)]
pub struct SignUpForm {
    csrf_token: String,
    email: String,
    password: String,
    display_name: String,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    error: Option<FieldError>,
    email: String,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    csrf_token: String,
    email: String,
    password: String,
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    l: Layout,
    error: Option<FieldError>,
    token: Option<String>,
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
#[template(path = "invitation.html")]
struct InvitationPage {
    l: Layout,
    token: String,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    l: Layout,
    heading: String,
    text: String,
    link: Option<(String, String)>,
}

async fn layout(
    mitra: &Mitra,
    auth: &Auth,
    lang: Language,
    nav: &'static str,
    key: &str,
    uri: &Uri,
) -> Layout {
    Layout::new(mitra, auth, lang, nav, translate(lang, key), uri).await
}

/// The layout of a form page, with a session (started if need be) whose CSRF token the form carries, and the
/// cookie to set for a new session.
async fn form_layout(
    mitra: &Mitra,
    auth: &Auth,
    lang: Language,
    nav: &'static str,
    key: &str,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(Layout, Option<HeaderValue>), PageError> {
    let (csrf, cookie) = form_token(auth, headers);
    let mut l = layout(mitra, auth, lang, nav, key, uri).await;
    l.csrf = csrf;
    Ok((l, cookie))
}

fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

/// `GET /signup`
pub async fn show_signup(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let (l, cookie) = form_layout(
        &mitra,
        &auth,
        lang,
        "signup",
        "signup-title",
        &uri,
        &headers,
    )
    .await?;
    let page = SignUpPage {
        l,
        error: None,
        email: String::new(),
        display_name: String::new(),
    };
    Ok(with_cookie(render(&page), cookie))
}

/// `POST /signup`
pub async fn submit_signup(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    CsrfForm(form): CsrfForm<SignUpForm>,
) -> Result<Response, PageError> {
    match mitra
        .sign_up(&form.email, &form.password, &form.display_name, lang)
        .await
    {
        Ok(()) => Ok(done("/login", "signup-done")),
        Err(e) => {
            let error = Some(field_error(e)?);
            let l = layout(&mitra, &auth, lang, "signup", "signup-title", &uri).await;
            let page = SignUpPage {
                l,
                error,
                email: form.email,
                display_name: form.display_name,
            };
            Ok(with_status(render(&page), StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// `GET /login`
pub async fn show_login(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let (l, cookie) =
        form_layout(&mitra, &auth, lang, "login", "login-title", &uri, &headers).await?;
    Ok(with_cookie(
        render(&LoginPage {
            l,
            error: None,
            email: String::new(),
        }),
        cookie,
    ))
}

/// `POST /login`: on success the session id changes (no fixation) and the visitor goes to their account.
pub async fn submit_login(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    match mitra
        .sign_in(&form.email, &form.password, auth.session.as_deref())
        .await
    {
        Ok(session) => {
            let response = Redirect::to("/account").into_response();
            Ok(with_cookie(
                response,
                signed_in_cookie(&headers, &session.cookie),
            ))
        }
        Err(e) => {
            let key = match e {
                ServiceError::InvalidCredentials => "login-error-invalid",
                ServiceError::EmailNotVerified => "login-error-unverified",
                other => return Err(PageError::from(other)),
            };
            let error = Some(FieldError {
                field: String::new(),
                message: translate(lang, key),
            });
            let l = layout(&mitra, &auth, lang, "login", "login-title", &uri).await;
            Ok(with_status(
                render(&LoginPage {
                    l,
                    error,
                    email: form.email,
                }),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
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

/// `GET /verify?token=`
pub async fn verify_email(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Query(query): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let l = layout(&mitra, &auth, lang, "", "verify-title", &uri).await;
    let (heading, text, status) = match mitra.verify_email(&query.token).await {
        Ok(()) => (l.t("verify-title"), l.t("verify-done"), StatusCode::OK),
        Err(ServiceError::InvalidLink) => (
            l.t("error-bad-request-title"),
            l.t("link-invalid"),
            StatusCode::BAD_REQUEST,
        ),
        Err(other) => return Err(other.into()),
    };
    let link = Some(("/login".to_owned(), l.t("nav-sign-in")));
    Ok(with_status(
        render(&MessagePage {
            l,
            heading,
            text,
            link,
        }),
        status,
    ))
}

/// `GET /reset`
pub async fn show_reset(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let (l, cookie) = form_layout(&mitra, &auth, lang, "", "reset-title", &uri, &headers).await?;
    Ok(with_cookie(
        render(&ResetPage {
            l,
            error: None,
            token: None,
        }),
        cookie,
    ))
}

/// `POST /reset`: the same answer whether or not the address has an account.
pub async fn submit_reset(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response, PageError> {
    match mitra.request_password_reset(&form.email).await {
        Ok(()) => Ok(done("/reset", "reset-done")),
        Err(e) => {
            let error = Some(field_error(e)?);
            let l = layout(&mitra, &auth, lang, "", "reset-title", &uri).await;
            Ok(with_status(
                render(&ResetPage {
                    l,
                    error,
                    token: None,
                }),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}

/// `GET /reset/confirm?token=`
pub async fn show_reset_confirm(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let (l, cookie) = form_layout(
        &mitra,
        &auth,
        lang,
        "",
        "reset-confirm-title",
        &uri,
        &headers,
    )
    .await?;
    Ok(with_cookie(
        render(&ResetPage {
            l,
            error: None,
            token: Some(query.token),
        }),
        cookie,
    ))
}

/// `POST /reset/confirm`
pub async fn submit_reset_confirm(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    CsrfForm(form): CsrfForm<ResetConfirmForm>,
) -> Result<Response, PageError> {
    match mitra.reset_password(&form.token, &form.password).await {
        Ok(0) => Ok(done("/login", "reset-confirm-done")),
        Ok(_) => Ok(done("/login", "reset-confirm-tokens-revoked")),
        Err(ServiceError::InvalidLink) => {
            let error = Some(FieldError {
                field: String::new(),
                message: translate(lang, "link-invalid"),
            });
            let l = layout(&mitra, &auth, lang, "", "reset-confirm-title", &uri).await;
            Ok(with_status(
                render(&ResetPage {
                    l,
                    error,
                    token: Some(form.token),
                }),
                StatusCode::BAD_REQUEST,
            ))
        }
        Err(e) => {
            let error = Some(field_error(e)?);
            let l = layout(&mitra, &auth, lang, "", "reset-confirm-title", &uri).await;
            let page = ResetPage {
                l,
                error,
                token: Some(form.token),
            };
            Ok(with_status(render(&page), StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

async fn account_page(
    mitra: &Mitra,
    auth: &Auth,
    lang: Language,
    uri: &Uri,
    error: Option<FieldError>,
    new_secret: Option<String>,
) -> Result<Response, PageError> {
    let who = auth.actor.signed_in().map_err(ServiceError::from)?;
    let account = auth.account.clone().ok_or(PageError {
        status: StatusCode::UNAUTHORIZED,
        detail: None,
    })?;
    let page = AccountPage {
        l: layout(mitra, auth, lang, "account", "account-title", uri).await,
        error,
        email: account.email.to_string(),
        display_name: account.display_name,
        language: account.language,
        time_zone: account.time_zone,
        orgs: mitra.my_organisations(&auth.actor).await?,
        tokens: mitra.list_api_tokens(&who).await?,
        new_secret,
    };
    let mut response = render(&page);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The account page again with the field error of a refused form.
async fn account_error(
    mitra: &Mitra,
    auth: &Auth,
    lang: Language,
    uri: &Uri,
    error: ServiceError,
) -> Result<Response, PageError> {
    let error = Some(field_error(error)?);
    let page = account_page(mitra, auth, lang, uri, error, None).await?;
    Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY))
}

/// `GET /account`
pub async fn show_account(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
) -> Result<Response, PageError> {
    if auth.account.is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    account_page(&mitra, &auth, lang, &uri, None, None).await
}

/// `POST /account`
pub async fn submit_settings(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<Response, PageError> {
    let who = auth.actor.signed_in().map_err(ServiceError::from)?;
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
        Err(e) => account_error(&mitra, &auth, lang, &uri, e).await,
    }
}

/// `POST /account/tokens`: shows the new secret once, on the answer itself (never stored, never redirected).
pub async fn create_token(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, PageError> {
    let who = auth.actor.signed_in().map_err(ServiceError::from)?;
    match mitra.create_api_token(&who, &form.name, &form.scope).await {
        Ok(token) => account_page(&mitra, &auth, lang, &uri, None, Some(token.secret)).await,
        Err(e) => account_error(&mitra, &auth, lang, &uri, e).await,
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

/// `GET /invitations/accept?token=`
pub async fn show_invitation(
    State(mitra): State<Mitra>,
    auth: Auth,
    Lang(lang): Lang,
    uri: Uri,
    Query(query): Query<TokenQuery>,
) -> Result<Response, PageError> {
    if auth.account.is_none() {
        return Err(PageError {
            status: StatusCode::UNAUTHORIZED,
            detail: None,
        });
    }
    let l = layout(&mitra, &auth, lang, "account", "invitation-title", &uri).await;
    Ok(render(&InvitationPage {
        l,
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
