//! The service layer's error: what went wrong, in terms a caller can turn into a response.

use mitra_domain::ValidationError;
use mitra_domain::reference::RowError;
use mitra_store::StoreError;

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
    /// The write conflicts with existing data.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Shipped or imported data has a bad row.
    #[error("{0}")]
    BadData(#[from] RowError),
    /// Configuration is unusable (bad database URL, unreachable database at start).
    #[error("{0}")]
    Config(String),
    /// Anything else; details are logged, not shown.
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { entity, id } => ServiceError::NotFound { entity, id },
            StoreError::Conflict { constraint } => ServiceError::Conflict(constraint),
            StoreError::Config(message) => ServiceError::Config(message),
            StoreError::Other(e) => ServiceError::Internal(e),
        }
    }
}
