//! The store's error type. Backend-specific errors are translated here, so callers never see SQLSTATE codes.

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The entity asked for does not exist.
    #[error("{entity} '{id}' not found")]
    NotFound {
        /// What kind of thing (`city`, `indicator`).
        entity: &'static str,
        /// The id that was asked for.
        id: String,
    },
    /// A uniqueness or foreign-key rule refused the write.
    #[error("conflict with existing data ({constraint})")]
    Conflict {
        /// Which rule, in words that do not depend on the backend.
        constraint: String,
    },
    /// The database URL or options are unusable.
    #[error("{0}")]
    Config(String),
    /// Anything else: the database is unreachable, a row is corrupt, a migration failed.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error {
            if db.is_unique_violation() {
                return StoreError::Conflict {
                    constraint: "unique".into(),
                };
            }
            if db.is_foreign_key_violation() {
                return StoreError::Conflict {
                    constraint: "reference".into(),
                };
            }
        }
        StoreError::Other(anyhow::Error::new(error))
    }
}
