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
    #[error(
        "conflict with existing data: {kind} constraint {}",
        .constraint.as_deref().unwrap_or("(not named by the database)")
    )]
    Conflict {
        /// Which kind of rule.
        kind: ConflictKind,
        /// The rule as the database names it: PostgreSQL's constraint name (`accounts_email_key`), SQLite's
        /// columns (`accounts.email`); `None` where the database does not say (SQLite's foreign keys).
        constraint: Option<String>,
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

/// The kind of rule that refused a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// A value that must be unique is taken.
    Unique,
    /// A reference to a row that does not exist, or the removal of a row still referenced.
    ForeignKey,
    /// The row changed since the caller read it (a concurrent writer was first); `constraint` names the row.
    Changed,
}

impl std::fmt::Display for ConflictKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ConflictKind::Unique => "unique",
            ConflictKind::ForeignKey => "foreign key",
            ConflictKind::Changed => "changed",
        })
    }
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
            let kind = if db.is_unique_violation() {
                Some(ConflictKind::Unique)
            } else if db.is_foreign_key_violation() {
                Some(ConflictKind::ForeignKey)
            } else {
                None
            };
            if let Some(kind) = kind {
                let constraint = if sqlite {
                    sqlite_constraint(db.message())
                } else {
                    db.constraint()
                };
                return StoreError::Conflict {
                    kind,
                    constraint: constraint.map(str::to_owned),
                };
            }
        }
        StoreError::Other(anyhow::Error::new(error))
    }
}

/// The columns a SQLite constraint message names (`UNIQUE constraint failed: accounts.email` → `accounts.email`):
/// SQLite gives no constraint name, and its foreign-key message names nothing at all.
fn sqlite_constraint(message: &str) -> Option<&str> {
    message
        .split_once("constraint failed: ")
        .map(|(_, columns)| columns)
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
    use super::{is_busy, is_disk_full, sqlite_constraint};

    #[test]
    fn sqlite_names_the_columns_of_a_unique_constraint_and_nothing_for_a_foreign_key() {
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: accounts.email"),
            Some("accounts.email")
        );
        assert_eq!(
            sqlite_constraint(
                "UNIQUE constraint failed: memberships.account_id, memberships.org_id"
            ),
            Some("memberships.account_id, memberships.org_id")
        );
        assert_eq!(sqlite_constraint("FOREIGN KEY constraint failed"), None);
    }

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
