//! The problem responses of the OpenAPI document: one reusable component per status, each an RFC 9457 problem,
//! referenced by name from the handlers' `utoipa::path` annotations. It documents; it must not build responses (the
//! problems themselves come from [`crate::error::ApiError`]).

#![expect(
    dead_code,
    reason = "each type stands for its response in the document; none is built, so its field is never read"
)]

use utoipa::ToResponse;

use crate::error::Problem;

/// A query parameter, a path parameter or the body is malformed or refused; `parameter` names which.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct BadRequest(Problem);

/// The request needs a valid API token (`Authorization: Bearer …`), and has none, or one unknown or revoked.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Unauthorized(Problem);

/// The token's account may not do this, or the token may only read.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Forbidden(Problem);

/// What the path names does not exist, or the caller may not see it.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct NotFound(Problem);

/// The change conflicts with what is stored (an id that is taken, a file already attached).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Conflict(Problem);

/// The body is larger than the endpoint takes; `detail` says how large it may be.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PayloadTooLarge(Problem);

/// The body is not sent as `application/json`.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UnsupportedMediaType(Problem);

/// The content is refused, and nothing was written: for a file with bad rows, `errors` lists the first of them and
/// `error_rows` counts them all.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Unprocessable(Problem);

/// The database stayed busy with other changes, or its disk is full; nothing was written.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u32, description = "Seconds after which the same request will likely succeed (when the database was busy)"))
)]
pub struct ServiceUnavailable(Problem);
