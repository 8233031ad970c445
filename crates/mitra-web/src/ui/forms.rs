//! What the HTML forms share: the anonymous session that carries a CSRF token, and field errors. Nothing here
//! checks a field or a permission: the service refuses, and this turns its refusals into what a form shows.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use mitra_service::ServiceError;
use mitra_service::domain::{Language, Reason};
use serde::Deserialize;

use crate::auth::{HasCsrf, form_cookie};
use crate::error::PageError;

/// A form with nothing but its CSRF token (sign-out, approve, revoke).
#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    csrf_token: String,
}

impl HasCsrf for CsrfOnly {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// Implements [`HasCsrf`] for form structs with a `csrf_token` field.
macro_rules! has_csrf {
    ($($form:ty),+) => {
        $(impl crate::auth::HasCsrf for $form {
            fn csrf_token(&self) -> &str {
                &self.csrf_token
            }
        })+
    };
}
pub(crate) use has_csrf;

/// A field that was refused, for the form to show.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The field's name (`email`), or empty for the form as a whole.
    pub field: String,
    /// What to do about it.
    pub message: Message,
}

/// What a form says about a refused field.
#[derive(Debug, Clone)]
pub enum Message {
    /// A refusal of the domain: said in the reader's language where it is translated, else in English.
    Invalid(Reason),
    /// A message of the interface, already in the reader's language.
    Said(String),
}

/// A message as a page shows it: the text and the language it is in (for the `lang` attribute).
pub struct Shown {
    /// The text.
    pub text: String,
    /// Its BCP 47 tag.
    pub lang: &'static str,
}

impl FieldError {
    /// `field` refused for `reason`.
    pub fn invalid(field: impl Into<String>, reason: Reason) -> Self {
        Self {
            field: field.into(),
            message: Message::Invalid(reason),
        }
    }

    /// The form refused as a whole, with `text` in the reader's language.
    pub fn said(text: String) -> Self {
        Self {
            field: String::new(),
            message: Message::Said(text),
        }
    }

    /// The message in `language`.
    pub fn shown(&self, language: &Language) -> Shown {
        match &self.message {
            Message::Invalid(reason) => {
                let (text, said_in) = crate::i18n::reason(*language, reason);
                Shown {
                    text,
                    lang: said_in.tag(),
                }
            }
            Message::Said(text) => Shown {
                text: text.clone(),
                lang: language.tag(),
            },
        }
    }

    /// The message key of the refused field's label, so the summary names the field as the form does.
    pub fn label_key(&self) -> &'static str {
        match self.field.as_str() {
            "email" => "form-email",
            "password" => "form-password",
            "display_name" => "form-display-name",
            "language" => "account-language",
            "time_zone" => "account-time-zone",
            "name" => "account-token-name",
            "scope" => "account-token-scope",
            "kind" => "org-kind",
            "name_en" => "org-name-en",
            "name_zh" => "org-name-zh",
            "country" => "org-country",
            "city" => "org-city",
            "website" => "org-website",
            "description_en" => "org-description-en",
            "description_zh" => "org-description-zh",
            "reason" => "admin-reject-reason",
            "role" => "org-invite-role",
            _ => "form-invalid-field",
        }
    }
}

/// `aria-invalid` for a form field, from the form's error.
pub trait Invalid {
    /// `"true"` when the error is about `field`.
    fn invalid(&self, field: &str) -> &'static str;
}

impl Invalid for Option<FieldError> {
    fn invalid(&self, field: &str) -> &'static str {
        if self.as_ref().is_some_and(|e| e.field == field) {
            "true"
        } else {
            "false"
        }
    }
}

/// Turns a validation error into a field error for the form; other errors become an error page.
pub fn field_error(error: ServiceError) -> Result<FieldError, PageError> {
    match error {
        ServiceError::Validation(e) => Ok(FieldError::invalid(e.field, e.reason)),
        other => Err(PageError::from(other)),
    }
}

/// The CSRF token for a form: `current` (the session's, or the one of a visitor's form cookie), or for a visitor
/// without either a new one, with the cookie to set. Nothing is stored for a visitor who only looks.
pub fn form_token(current: Option<&str>, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    if let Some(token) = current {
        return (token.to_owned(), None);
    }
    let token = mitra_service::form_token();
    let cookie = form_cookie(headers, &token);
    (token, cookie)
}

/// Adds a `Set-Cookie` header to a response, if there is one.
pub fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Why an upload form could not be read.
#[derive(Debug)]
pub enum UploadError {
    /// The file is larger than the form takes.
    TooLarge,
    /// The form did not arrive whole or is not a multipart form: the status and what went wrong.
    Broken(axum::http::StatusCode, String),
}

/// Reads a form that uploads one file to keep (an attachment, a signed agreement): the CSRF token is checked, and
/// the file's name and bytes come back if one was chosen. A file over [`mitra_service::MAX_ATTACHMENT_BYTES`] or a
/// form that did not arrive whole is an error page.
pub async fn read_file_form(
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    headers: &axum::http::HeaderMap,
    l: &super::Layout,
) -> Result<Option<(String, Vec<u8>)>, crate::error::PageError> {
    let (csrf, file) = read_upload(multipart, mitra_service::MAX_ATTACHMENT_BYTES)
        .await
        .map_err(|e| match e {
            UploadError::TooLarge => crate::error::PageError {
                status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                detail: Some(crate::error::Said::Text(l.t("attachment-too-large"))),
            },
            UploadError::Broken(status, text) => crate::error::PageError {
                status,
                detail: Some(crate::error::Said::Text(text)),
            },
        })?;
    crate::auth::check_csrf(headers, l.csrf_token(), &csrf)?;
    Ok(file)
}

/// Reads an upload form (a multipart form with `csrf_token` and `file`): the token, and the file's name and bytes
/// if one was chosen. The file is read in chunks and refused as soon as it passes `max_bytes`.
pub async fn read_upload(
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    max_bytes: usize,
) -> Result<(String, Option<(String, Vec<u8>)>), UploadError> {
    let broken = |status: axum::http::StatusCode, text: String| {
        if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            UploadError::TooLarge
        } else {
            UploadError::Broken(status, text)
        }
    };
    let mut multipart = multipart.map_err(|e| broken(e.status(), e.body_text()))?;
    let mut csrf = String::new();
    let mut file = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| broken(e.status(), e.body_text()))?
    {
        match field.name() {
            Some("csrf_token") => {
                csrf = field
                    .text()
                    .await
                    .map_err(|e| broken(e.status(), e.body_text()))?;
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|e| broken(e.status(), e.body_text()))?
                {
                    if bytes.len() + chunk.len() > max_bytes {
                        return Err(UploadError::TooLarge);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    Ok((csrf, file))
}
