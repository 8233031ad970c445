//! The service layer's error: what went wrong, in terms a caller can turn into a response.

use mitra_domain::ValidationError;
use mitra_domain::reference::RowError;
use mitra_store::{ConflictKind, StoreError};

/// Why a use case did not complete.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input was refused; the error names the field.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The thing asked for does not exist.
    #[error("{entity} '{id}' not found")]
    NotFound {
        /// What kind of thing.
        entity: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The action needs a signed-in account.
    #[error("sign in first")]
    Unauthenticated,
    /// The actor may not do this.
    #[error("you are not allowed to do this")]
    Forbidden,
    /// Sign-in failed; deliberately vague so that it does not tell whether the address has an account.
    #[error(
        "the e-mail address or password is not right, or there were too many attempts; wait a few minutes and try again"
    )]
    InvalidCredentials,
    /// The password was right but the address is not confirmed yet.
    #[error("confirm your e-mail address first: follow the link we sent you")]
    EmailNotVerified,
    /// An e-mailed link is unknown, used or expired.
    #[error("this link is not valid any more; ask for a new one")]
    InvalidLink,
    /// An e-mailed invitation was opened by an account other than the one it was sent to; the link stays valid.
    #[error(
        "this invitation was sent to another e-mail address; sign in with that address to accept it"
    )]
    WrongAccount,
    /// The write conflicts with existing data.
    #[error("conflict: {0}")]
    Conflict(mitra_domain::Reason),
    /// Shipped or imported data has a bad row.
    #[error("{0}")]
    BadData(#[from] RowError),
    /// An import file has bad rows; the first problems are listed, the rest counted, and nothing was written.
    #[error("{0}; nothing was imported")]
    Import(mitra_domain::observation::ImportErrors),
    /// An import file has rows the actor may not write; each city refused is listed once, and nothing was written.
    #[error("not allowed, nothing was imported: {0}")]
    ImportNotAllowed(mitra_domain::observation::ImportErrors),
    /// The database stayed busy with other writes for longer than Mitra waits; the same request will likely succeed
    /// in a moment.
    #[error("the database is busy with other changes; try again in a moment")]
    Busy,
    /// The database's disk is full: nothing was written, and the operator must make room.
    #[error("the server's disk is full, so nothing was saved; please tell the operator")]
    DiskFull,
    /// Configuration is unusable (bad database URL, unreachable database at start).
    #[error("{0}")]
    Config(String),
    /// Anything else; details are logged, not shown.
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<mitra_domain::Denied> for ServiceError {
    fn from(denied: mitra_domain::Denied) -> Self {
        match denied {
            mitra_domain::Denied::SignInRequired => ServiceError::Unauthenticated,
            mitra_domain::Denied::Forbidden => ServiceError::Forbidden,
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { entity, id } => ServiceError::NotFound { entity, id },
            StoreError::Conflict {
                kind: ConflictKind::Changed,
                constraint,
            } => ServiceError::Conflict(mitra_domain::Reason::changed_meanwhile(
                constraint.as_deref().unwrap_or("it"),
            )),
            StoreError::Conflict { kind, constraint } => ServiceError::Conflict(
                mitra_domain::Reason::constraint(kind, constraint.unwrap_or_default()),
            ),
            StoreError::Busy => ServiceError::Busy,
            StoreError::DiskFull => ServiceError::DiskFull,
            StoreError::Config(message) => ServiceError::Config(message),
            StoreError::Other(e) => ServiceError::Internal(e),
        }
    }
}
