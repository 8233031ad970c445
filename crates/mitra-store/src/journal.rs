//! The journal's records: audit entries for people, change-feed entries for machines, and what a reference load
//! did. No SQL here: `repo/journal.rs` and `repo/reference.rs` write and read them.

use time::OffsetDateTime;

/// One audit-log record.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Position in the log.
    pub id: i64,
    /// When the write committed (UTC).
    pub occurred_at: OffsetDateTime,
    /// Who wrote (`system:reference`, later an account id).
    pub actor: String,
    /// What was done (`insert`, `update`).
    pub action: String,
    /// The kind of entity (`city`, `indicator`).
    pub entity: String,
    /// The entity's id.
    pub entity_id: String,
    /// For an update, the fields the write changed, as they were; for a delete, the whole entity; `None` for an
    /// insert.
    pub before: Option<serde_json::Value>,
    /// For an update, the fields the write changed, as they are now; for an insert, the whole entity; `None` for a
    /// delete.
    pub after: Option<serde_json::Value>,
}

/// One change-feed entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Monotonic sequence number.
    pub seq: i64,
    /// When the write committed (UTC).
    pub occurred_at: OffsetDateTime,
    /// The kind of entity.
    pub entity: String,
    /// The entity's id.
    pub entity_id: String,
    /// `insert`, `update` or `delete`.
    pub operation: String,
}

/// The reference data version that was loaded last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceState {
    /// The release's reference-data version number.
    pub version: i64,
    /// Hash of the shipped files' contents.
    pub content_hash: String,
}

/// What a reference load changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReferenceChanges {
    /// Rows that did not exist before.
    pub inserted: u64,
    /// Rows whose content changed.
    pub updated: u64,
    /// Rows already identical.
    pub unchanged: u64,
}
