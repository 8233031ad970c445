//! Migrations: plain SQL files, one folder per backend with identical file names, embedded in the binary and applied
//! in name order, each in its own transaction. A file is never edited once released; a change is a new file.

/// The names of all migrations, in the order they apply. Both backends have a file for each.
pub const MIGRATION_NAMES: &[&str] = &[
    "0001_foundation",
    "0002_accounts",
    "0003_observations",
    "0004_observation_keys",
    "0005_entries",
    "0006_enrolments",
    "0007_attachments",
    "0008_entry_moderation",
    "0009_indicator_units",
];

/// SQLite migrations, in the order of [`MIGRATION_NAMES`].
pub(crate) const SQLITE: &[(&str, &str)] = &[
    (
        "0001_foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
    ),
    (
        "0002_accounts",
        include_str!("../migrations/sqlite/0002_accounts.sql"),
    ),
    (
        "0003_observations",
        include_str!("../migrations/sqlite/0003_observations.sql"),
    ),
    (
        "0004_observation_keys",
        include_str!("../migrations/sqlite/0004_observation_keys.sql"),
    ),
    (
        "0005_entries",
        include_str!("../migrations/sqlite/0005_entries.sql"),
    ),
    (
        "0006_enrolments",
        include_str!("../migrations/sqlite/0006_enrolments.sql"),
    ),
    (
        "0007_attachments",
        include_str!("../migrations/sqlite/0007_attachments.sql"),
    ),
    (
        "0008_entry_moderation",
        include_str!("../migrations/sqlite/0008_entry_moderation.sql"),
    ),
    (
        "0009_indicator_units",
        include_str!("../migrations/sqlite/0009_indicator_units.sql"),
    ),
];

/// PostgreSQL migrations, in the order of [`MIGRATION_NAMES`].
pub(crate) const POSTGRES: &[(&str, &str)] = &[
    (
        "0001_foundation",
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        "0002_accounts",
        include_str!("../migrations/postgres/0002_accounts.sql"),
    ),
    (
        "0003_observations",
        include_str!("../migrations/postgres/0003_observations.sql"),
    ),
    (
        "0004_observation_keys",
        include_str!("../migrations/postgres/0004_observation_keys.sql"),
    ),
    (
        "0005_entries",
        include_str!("../migrations/postgres/0005_entries.sql"),
    ),
    (
        "0006_enrolments",
        include_str!("../migrations/postgres/0006_enrolments.sql"),
    ),
    (
        "0007_attachments",
        include_str!("../migrations/postgres/0007_attachments.sql"),
    ),
    (
        "0008_entry_moderation",
        include_str!("../migrations/postgres/0008_entry_moderation.sql"),
    ),
    (
        "0009_indicator_units",
        include_str!("../migrations/postgres/0009_indicator_units.sql"),
    ),
];

/// The table that records which migrations were applied; the same statement works on both backends.
pub(crate) const CREATE_MIGRATIONS_TABLE: &str = "create table if not exists schema_migrations (name text primary key, applied_at text not null)";
