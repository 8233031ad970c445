//! The web layer's two errors: [`ApiError`] for the API (RFC 9457 problem details) and [`PageError`] for pages.
//! Internal errors are logged here, once, and shown to the user only as a generic message.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
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
                reason: e.reason.clone(),
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
            format!("no API endpoint at {path}"),
            None,
        )
    }

    /// 413 when a request body is larger than `limit` bytes.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Payload too large",
            format!(
                "the body is larger than {} MiB; split the file or use `mitra import observations`",
                limit / (1024 * 1024)
            ),
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

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Validation(e) => {
                Self::bad_parameter(&e.field, format!("{}: {}", e.field, e.reason))
            }
            ServiceError::NotFound { entity, id } => Self::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                format!("{entity} '{id}' does not exist"),
                None,
            ),
            ServiceError::Conflict(what) => {
                Self::new(StatusCode::CONFLICT, "conflict", "Conflict", what, None)
            }
            ServiceError::Unauthenticated
            | ServiceError::InvalidCredentials
            | ServiceError::EmailNotVerified => Self::unauthenticated(&error.to_string()),
            ServiceError::Forbidden => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Forbidden",
                "you are not allowed to do this".into(),
                None,
            ),
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
            other @ (ServiceError::BadData(_)
            | ServiceError::Config(_)
            | ServiceError::Internal(_)) => {
                tracing::error!(error = %other, "api.internal_error");
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
    /// 400, 404 or 500.
    pub status: StatusCode,
    /// A message safe to show (validation messages; never internal details).
    pub detail: Option<String>,
}

impl PageError {
    /// A 404 page.
    pub fn not_found() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            detail: None,
        }
    }
}

impl From<ServiceError> for PageError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Validation(e) => Self {
                status: StatusCode::BAD_REQUEST,
                detail: Some(e.to_string()),
            },
            ServiceError::NotFound { .. } => Self::not_found(),
            ServiceError::Unauthenticated => Self {
                status: StatusCode::UNAUTHORIZED,
                detail: None,
            },
            ServiceError::Forbidden => Self {
                status: StatusCode::FORBIDDEN,
                detail: None,
            },
            ServiceError::DiskFull => {
                tracing::error!("page.disk_full");
                Self {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    detail: Some(error.to_string()),
                }
            }
            ServiceError::Busy => {
                tracing::warn!("page.database_busy");
                Self {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    detail: None,
                }
            }
            ServiceError::InvalidCredentials
            | ServiceError::EmailNotVerified
            | ServiceError::InvalidLink => Self {
                status: StatusCode::BAD_REQUEST,
                detail: Some(error.to_string()),
            },
            ServiceError::WrongAccount | ServiceError::ImportNotAllowed(_) => Self {
                status: StatusCode::FORBIDDEN,
                detail: Some(error.to_string()),
            },
            ServiceError::Conflict(_) => Self {
                status: StatusCode::CONFLICT,
                detail: Some(error.to_string()),
            },
            ServiceError::Import(_) => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                detail: Some(error.to_string()),
            },
            other @ (ServiceError::BadData(_)
            | ServiceError::Config(_)
            | ServiceError::Internal(_)) => {
                tracing::error!(error = %other, "page.internal_error");
                Self {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    detail: None,
                }
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
