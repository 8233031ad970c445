//! The web layer's two errors: [`ApiError`] for the API (RFC 9457 problem details) and [`PageError`] for pages.
//! Internal errors are logged here, once, and shown to the user only as a generic message.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mitra_domain::{Denied, Reason, ValidationError};
use mitra_service::ServiceError;
use serde::Serialize;
use utoipa::ToSchema;

/// An RFC 9457 problem details body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// The query parameter or field that was wrong, for validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// The first bad rows of an import file (at most 100 problems), for import problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RowProblem>,
    /// How many rows of the import file have problems in all, including those beyond `errors`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_rows: Option<u64>,
}

/// One bad row of an imported file.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowProblem {
    /// The line (CSV) or element number (JSON), counted from 1; 0 for the file as a whole.
    pub line: u64,
    /// The column or field.
    pub column: String,
    /// What is wrong.
    pub reason: String,
}

/// An error answered by the API as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    problem: Problem,
    /// Seconds after which the request may be tried again (`Retry-After`), for a busy database.
    retry_after: Option<u32>,
}

/// How long a caller should wait before trying again when the database was busy.
pub(crate) const RETRY_AFTER_SECONDS: u32 = 1;

impl ApiError {
    fn new(
        status: StatusCode,
        kind: &str,
        title: &str,
        detail: String,
        parameter: Option<String>,
    ) -> Self {
        let problem = Problem {
            kind: format!("/problems/{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            parameter,
            errors: Vec::new(),
            error_rows: None,
        };
        Self {
            status,
            problem,
            retry_after: None,
        }
    }

    fn with_rows(mut self, rows: &mitra_domain::observation::ImportErrors) -> Self {
        self.problem.errors = rows
            .shown()
            .iter()
            .map(|e| RowProblem {
                line: e.line,
                column: e.column.clone(),
                reason: e.reason.to_string(),
            })
            .collect();
        self.problem.error_rows = Some(rows.rows());
        self
    }

    /// 400 for a bad query parameter.
    pub fn bad_parameter(parameter: &str, detail: String) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid-parameter",
            "Invalid parameter",
            detail,
            Some(parameter.into()),
        )
    }

    /// 404 for an address the API does not have.
    pub fn no_route(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            format!("no API endpoint at {}", mitra_domain::ids::clip(path)),
            None,
        )
    }

    /// 405 for a method the API's endpoint at `path` does not answer.
    pub fn method_not_allowed(method: &axum::http::Method, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            format!(
                "{} {} is not an API operation; the Allow header lists those at this address",
                mitra_domain::ids::clip(method.as_str()),
                mitra_domain::ids::clip(path)
            ),
            None,
        )
    }

    /// 404 for an `entity` with `id` that does not exist.
    pub fn not_found(entity: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            format!("{entity} '{id}' does not exist"),
            None,
        )
    }

    /// 413 when a request body is larger than `limit` bytes; `advice` says what to do instead.
    pub fn too_large(limit: usize, advice: &str) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Payload too large",
            format!(
                "the body is larger than {} MiB; {advice}",
                limit / (1024 * 1024)
            ),
            None,
        )
    }

    /// 415 when a request body is not of the `expected` media type.
    pub fn unsupported_media_type(expected: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            format!("send the body as {expected}, with a Content-Type header that says so"),
            None,
        )
    }

    /// 401 when the request needs a valid API token.
    pub fn unauthenticated(detail: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Unauthenticated",
            detail.to_owned(),
            None,
        )
    }

    /// 503 when a dependency (the database) does not answer.
    pub fn unavailable(error: ServiceError) -> Self {
        tracing::error!(error = %error, "readiness.failed");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service unavailable",
            "the database does not answer".into(),
            None,
        )
    }
}

impl From<ValidationError> for ApiError {
    fn from(error: ValidationError) -> Self {
        Self::bad_parameter(&error.field, error.to_string())
    }
}

impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::SignInRequired => Self::unauthenticated("sign in first"),
            Denied::Forbidden => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Forbidden",
                "you are not allowed to do this".into(),
                None,
            ),
        }
    }
}

// One arm per variant, and no catch-all: a new variant does not compile until it has its own status here.
impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Validation(e) => e.into(),
            ServiceError::NotFound { entity, id } => Self::not_found(entity, &id),
            ServiceError::Conflict(what) => {
                Self::new(StatusCode::CONFLICT, "conflict", "Conflict", what.to_string(), None)
            }
            ServiceError::Unauthenticated => Denied::SignInRequired.into(),
            ServiceError::Forbidden => Denied::Forbidden.into(),
            // A sign-in that failed is a request without valid credentials, as for a bad token.
            ServiceError::InvalidCredentials | ServiceError::EmailNotVerified => {
                Self::unauthenticated(&error.to_string())
            }
            ServiceError::Import(rows) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-import",
                "Invalid import",
                match rows.more_message() {
                    None => format!(
                        "{} row(s) with errors; nothing was imported. Each problem is listed in `errors`.",
                        rows.rows()
                    ),
                    Some(more) => format!(
                        "{} row(s) with errors; nothing was imported. The first {} problems are listed in \
                         `errors` {more}.",
                        rows.rows(),
                        rows.shown().len()
                    ),
                },
                None,
            )
            .with_rows(&rows),
            ServiceError::ImportNotAllowed(rows) => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Forbidden",
                "the file has rows for cities you may not edit; nothing was imported. Each is listed in `errors`."
                    .into(),
                None,
            )
            .with_rows(&rows),
            ServiceError::BadData(row) => {
                // Requests do not reach the shipped files today; should one, the operator hears of the bad row too.
                tracing::warn!(error = %row, "api.bad_data");
                let mut problem = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid-data",
                    "Invalid data",
                    row.to_string(),
                    None,
                );
                problem.problem.errors = vec![RowProblem {
                    line: row.line,
                    column: row.field,
                    reason: row.reason,
                }];
                problem.problem.error_rows = Some(1);
                problem
            }
            ServiceError::Busy => {
                tracing::warn!("api.database_busy");
                let mut busy = Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "Busy",
                    error.to_string(),
                    None,
                );
                busy.retry_after = Some(RETRY_AFTER_SECONDS);
                busy
            }
            ServiceError::InvalidLink => Self::new(
                StatusCode::BAD_REQUEST,
                "invalid-link",
                "Invalid link",
                error.to_string(),
                None,
            ),
            ServiceError::DiskFull => {
                tracing::error!("api.disk_full");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "disk-full",
                    "Disk full",
                    error.to_string(),
                    None,
                )
            }
            ServiceError::WrongAccount => Self::new(
                StatusCode::FORBIDDEN,
                "wrong-account",
                "Wrong account",
                error.to_string(),
                None,
            ),
            // The operator's to fix, and their details are not for callers: logged here, shown as a generic 500.
            ServiceError::Config(_) | ServiceError::Internal(_) => {
                tracing::error!(error = %error, "api.internal_error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    "the error has been logged".into(),
                    None,
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.problem)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

/// What went wrong with a page request; the language middleware renders it as a page in the reader's language.
#[derive(Debug, Clone)]
pub struct PageError {
    /// The status: 4xx for what the visitor can change, 5xx for what the operator must.
    pub status: StatusCode,
    /// What the page says beside its own text for the status: safe to show (refusals, never internal details).
    pub detail: Option<Said>,
}

/// What an error page says, in the reader's language: text already in it, or looked up when the page is drawn.
#[derive(Debug, Clone)]
pub enum Said {
    /// Text in the reader's language (or a message the domain does not translate).
    Text(String),
    /// A refusal of the domain: the field it is about, if any, and why.
    Refused(Option<String>, Reason),
    /// An interface message, with its values.
    Message(&'static str, Vec<(&'static str, String)>),
}

impl PageError {
    /// A 404 page.
    pub fn not_found() -> Self {
        Self::status(StatusCode::NOT_FOUND)
    }

    /// A page with `status` and the page's own text for it.
    fn status(status: StatusCode) -> Self {
        Self {
            status,
            detail: None,
        }
    }

    /// A page with `status` that says `detail`.
    fn saying(status: StatusCode, detail: String) -> Self {
        Self {
            status,
            detail: Some(Said::Text(detail)),
        }
    }

    /// A page with `status` that says the interface message `key` with `values`.
    fn message(status: StatusCode, key: &'static str, values: Vec<(&'static str, String)>) -> Self {
        Self {
            status,
            detail: Some(Said::Message(key, values)),
        }
    }

    /// A page with `status` that says why the domain refused.
    fn refusing(status: StatusCode, field: Option<String>, reason: Reason) -> Self {
        Self {
            status,
            detail: Some(Said::Refused(field, reason)),
        }
    }
}

impl From<ValidationError> for PageError {
    fn from(error: ValidationError) -> Self {
        Self::refusing(StatusCode::BAD_REQUEST, Some(error.field), error.reason)
    }
}

impl From<Denied> for PageError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::SignInRequired => Self::status(StatusCode::UNAUTHORIZED),
            Denied::Forbidden => Self::status(StatusCode::FORBIDDEN),
        }
    }
}

// One arm per variant, and no catch-all, as for the API: a new variant does not compile until it has its status.
impl From<ServiceError> for PageError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Validation(e) => e.into(),
            ServiceError::NotFound { .. } => Self::not_found(),
            ServiceError::Unauthenticated => Denied::SignInRequired.into(),
            ServiceError::Forbidden => Denied::Forbidden.into(),
            ServiceError::DiskFull => {
                tracing::error!("page.disk_full");
                Self::message(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "error-disk-full",
                    Vec::new(),
                )
            }
            ServiceError::Busy => {
                tracing::warn!("page.database_busy");
                Self::status(StatusCode::SERVICE_UNAVAILABLE)
            }
            // A form's own page shows these beside the form; elsewhere they are a request the visitor can correct.
            ServiceError::InvalidCredentials => {
                Self::message(StatusCode::BAD_REQUEST, "login-error-invalid", Vec::new())
            }
            ServiceError::EmailNotVerified => Self::message(
                StatusCode::BAD_REQUEST,
                "login-error-unverified",
                Vec::new(),
            ),
            ServiceError::InvalidLink => {
                Self::message(StatusCode::BAD_REQUEST, "link-invalid", Vec::new())
            }
            ServiceError::WrongAccount => Self::message(
                StatusCode::FORBIDDEN,
                "invitation-wrong-account",
                Vec::new(),
            ),
            ServiceError::ImportNotAllowed(_) => {
                Self::message(StatusCode::FORBIDDEN, "import-not-allowed", Vec::new())
            }
            ServiceError::Conflict(reason) => Self::refusing(StatusCode::CONFLICT, None, reason),
            ServiceError::Import(ref rows) => Self::message(
                StatusCode::UNPROCESSABLE_ENTITY,
                "import-refused",
                vec![("count", rows.rows().to_string())],
            ),
            ServiceError::BadData(ref row) => {
                tracing::warn!(error = %row, "page.bad_data");
                Self::saying(StatusCode::UNPROCESSABLE_ENTITY, error.to_string())
            }
            ServiceError::Config(_) | ServiceError::Internal(_) => {
                tracing::error!(error = %error, "page.internal_error");
                Self::status(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        // The body is written by `i18n::negotiate_language`, which knows the reader's language.
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

#[cfg(test)]
mod tests {
    use mitra_domain::observation::{ImportError, ImportErrors};
    use mitra_domain::reference::RowError;

    use super::*;

    fn bad_rows() -> ImportErrors {
        ImportErrors::of([ImportError {
            line: 2,
            column: "value".into(),
            reason: Reason::not_a_number("many"),
        }])
    }

    /// Every variant, with the status the API and a page answer for it.
    fn every_variant() -> Vec<(ServiceError, u16, u16)> {
        vec![
            (
                ValidationError::new("country", Reason::not_a_country("XX")).into(),
                400,
                400,
            ),
            (
                ServiceError::NotFound {
                    entity: "city",
                    id: "atlantis".into(),
                },
                404,
                404,
            ),
            (ServiceError::Unauthenticated, 401, 401),
            (ServiceError::Forbidden, 403, 403),
            (ServiceError::InvalidCredentials, 401, 400),
            (ServiceError::EmailNotVerified, 401, 400),
            (ServiceError::InvalidLink, 400, 400),
            (ServiceError::WrongAccount, 403, 403),
            (
                ServiceError::Conflict(Reason::entry_exists("water-week")),
                409,
                409,
            ),
            (
                RowError {
                    file: "cities/cities.csv".into(),
                    line: 3,
                    field: "country".into(),
                    reason: "is not a country".into(),
                }
                .into(),
                422,
                422,
            ),
            (ServiceError::Import(bad_rows()), 422, 422),
            (ServiceError::ImportNotAllowed(bad_rows()), 403, 403),
            (ServiceError::Busy, 503, 503),
            (ServiceError::DiskFull, 503, 503),
            (ServiceError::Config("smtp_url: bad".into()), 500, 500),
            (
                ServiceError::Internal(anyhow::anyhow!("connection reset")),
                500,
                500,
            ),
        ]
    }

    #[test]
    fn every_service_error_has_its_own_status_in_the_api_and_on_pages() {
        let pages = every_variant()
            .into_iter()
            .map(|(error, ..)| PageError::from(error).status.as_u16());
        for ((error, api, page), page_status) in every_variant().into_iter().zip(pages) {
            let name = format!("{error:?}");
            let response = ApiError::from(error).into_response();
            assert_eq!(response.status().as_u16(), api, "API: {name}");
            assert_eq!(
                response.headers()[header::CONTENT_TYPE],
                "application/problem+json",
                "{name}"
            );
            assert_eq!(page_status, page, "page: {name}");
        }
    }

    #[test]
    fn a_client_error_page_says_what_to_correct_and_a_server_error_page_says_nothing_internal() {
        for (error, _, page) in every_variant() {
            let name = format!("{error:?}");
            let shown = PageError::from(error).detail.map(|said| match said {
                Said::Text(text) => text,
                Said::Refused(_, why) => why.to_string(),
                Said::Message(key, _) => key.to_owned(),
            });
            match page {
                // These pages have their own translated text for when there is no detail.
                401 | 403 | 404 | 503 => {}
                500 => assert_eq!(shown, None, "{name}"),
                _ => assert!(shown.is_some_and(|d| !d.is_empty()), "{name}"),
            }
        }
    }

    #[test]
    fn a_problem_lists_the_bad_rows_of_an_import_and_the_bad_row_of_data() {
        let import = ApiError::from(ServiceError::Import(bad_rows()));
        assert_eq!(import.problem.errors.len(), 1);
        assert_eq!(import.problem.error_rows, Some(1));
        let data = ApiError::from(ServiceError::from(RowError {
            file: "cities/cities.csv".into(),
            line: 3,
            field: "country".into(),
            reason: "is not a country".into(),
        }));
        assert_eq!(data.problem.errors[0].line, 3);
        assert_eq!(data.problem.errors[0].column, "country");
        assert!(data.problem.detail.contains("cities/cities.csv:3"));
    }

    #[test]
    fn a_busy_database_asks_to_try_again() {
        let response = ApiError::from(ServiceError::Busy).into_response();
        assert_eq!(
            response.headers()[header::RETRY_AFTER],
            RETRY_AFTER_SECONDS.to_string().as_str()
        );
    }
}
