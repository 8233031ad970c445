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
    /// The database stayed busy (locked by other writers) for longer than the store waits; trying again later
    /// will likely succeed.
    #[error("the database is busy; try again in a moment")]
    Busy,
    /// The database cannot write because its disk is full; what it holds is intact.
    #[error("the database's disk is full; nothing was written")]
    DiskFull,
    /// The database URL or options are unusable.
    #[error("{0}")]
    Config(String),
    /// Anything else: the database is unreachable, a row is corrupt, a migration failed.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if matches!(error, sqlx::Error::PoolTimedOut) {
            return StoreError::Busy;
        }
        if let sqlx::Error::Database(db) = &error {
            let sqlite = db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some();
            if is_busy(sqlite, db.code().as_deref()) {
                return StoreError::Busy;
            }
            if is_disk_full(sqlite, db.code().as_deref()) {
                return StoreError::DiskFull;
            }
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

/// Whether a database error code says the database was busy: SQLite's SQLITE_BUSY and SQLITE_LOCKED with their
/// extended codes (the primary code is the low byte), PostgreSQL's serialization failure, deadlock and
/// lock-not-available.
fn is_busy(sqlite: bool, code: Option<&str>) -> bool {
    match code {
        Some(code) if sqlite => code.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6)),
        Some(code) => matches!(code, "40001" | "40P01" | "55P03"),
        None => false,
    }
}

/// Whether a database error code says the disk is full: SQLite's SQLITE_FULL, PostgreSQL's disk_full.
fn is_disk_full(sqlite: bool, code: Option<&str>) -> bool {
    match code {
        Some(code) if sqlite => code.parse::<u32>().is_ok_and(|n| n & 0xff == 13),
        Some(code) => code == "53100",
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{is_busy, is_disk_full};

    #[test]
    fn a_full_disk_is_recognised_on_both_engines() {
        assert!(is_disk_full(true, Some("13")));
        assert!(is_disk_full(false, Some("53100")));
        assert!(!is_disk_full(true, Some("5")) && !is_disk_full(false, Some("13")));
    }

    #[test]
    fn busy_codes_of_both_engines_are_recognised() {
        for code in ["5", "517", "261", "6", "262"] {
            assert!(is_busy(true, Some(code)), "SQLite {code}");
        }
        for code in ["40001", "40P01", "55P03"] {
            assert!(is_busy(false, Some(code)), "PostgreSQL {code}");
        }
        for code in ["19", "2067", "787"] {
            assert!(!is_busy(true, Some(code)), "SQLite {code}");
        }
        // 22021 ends in the byte 5 but is PostgreSQL's "character not in repertoire".
        for code in ["23505", "23503", "42P01", "22021"] {
            assert!(!is_busy(false, Some(code)), "PostgreSQL {code}");
        }
        assert!(!is_busy(true, None));
    }
}
