//! Migrations: plain SQL files, one folder per backend with identical file names, embedded in the binary and applied
//! in name order, each in its own transaction. A file is never edited once released; a change is a new file.
//!
//! [`MIGRATIONS`] lists every migration once, with both backends' SQL. Each database records, next to the name of
//! every migration it applied, the SHA-256 of the SQL it ran; a shipped file whose checksum no longer matches stops
//! start-up (see `repo/migrations.rs`). This module holds the list and the checksum, not the runner: it must not talk
//! to a database.

use sha2::{Digest as _, Sha256};

use crate::Backend;

/// One migration as shipped: its name (the file name without `.sql`) and its SQL for each backend.
pub(crate) struct Migration {
    /// The file name without `.sql`, the same in both folders.
    pub(crate) name: &'static str,
    /// `migrations/sqlite/<name>.sql`.
    sqlite: &'static str,
    /// `migrations/postgres/<name>.sql`.
    postgres: &'static str,
}

impl Migration {
    /// The SQL `backend` runs.
    pub(crate) fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }

    /// The file `backend` runs, as named in messages (`sqlite/0005_entries.sql`).
    pub(crate) fn file(&self, backend: Backend) -> String {
        let folder = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        format!("{folder}/{}.sql", self.name)
    }

    /// The SHA-256 of the SQL `backend` runs, in lower-case hex: what a database records when it applies it.
    pub(crate) fn checksum(&self, backend: Backend) -> String {
        Sha256::digest(self.sql(backend).as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// A migration embedded from both folders under one name. (A macro because `include_str!` needs a literal path.)
macro_rules! shipped {
    ($name:literal) => {
        Migration {
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }
    };
}

/// Every migration, in the order they apply.
pub(crate) const MIGRATIONS: &[Migration] = &[
    shipped!("0001_foundation"),
    shipped!("0002_accounts"),
    shipped!("0003_observations"),
    shipped!("0004_observation_keys"),
    shipped!("0005_entries"),
    shipped!("0006_enrolments"),
    shipped!("0007_attachments"),
    shipped!("0008_entry_moderation"),
    shipped!("0009_indicator_units"),
    shipped!("0010_interests"),
    shipped!("0011_partnerships"),
    shipped!("0012_partnership_documents"),
];

/// The names of all migrations, in the order they apply. Both backends have a file for each.
pub const MIGRATION_NAMES: &[&str] = &names();

/// The names of [`MIGRATIONS`], in order.
const fn names() -> [&'static str; MIGRATIONS.len()] {
    let mut names = [""; MIGRATIONS.len()];
    let mut n = 0;
    while n < MIGRATIONS.len() {
        names[n] = MIGRATIONS[n].name;
        n += 1;
    }
    names
}

/// The table that records which migrations were applied, and the checksum of each; the same statement works on
/// both backends. Databases created before checksums were recorded lack the column until the runner adds it.
pub(crate) const CREATE_MIGRATIONS_TABLE: &str = "create table if not exists schema_migrations \
     (name text primary key, applied_at text not null, checksum text)";

#[cfg(test)]
mod tests {
    use super::{MIGRATION_NAMES, MIGRATIONS};
    use crate::Backend;

    #[test]
    fn the_names_follow_the_list_in_order() {
        assert_eq!(MIGRATION_NAMES.len(), MIGRATIONS.len());
        assert!(
            MIGRATION_NAMES.windows(2).all(|w| w[0] < w[1]),
            "{MIGRATION_NAMES:?}"
        );
    }

    #[test]
    fn a_checksum_is_the_sha256_of_the_backends_sql() {
        let first = &MIGRATIONS[0];
        let sqlite = first.checksum(Backend::Sqlite);
        assert_eq!(sqlite.len(), 64);
        assert!(
            sqlite
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(
            sqlite,
            first.checksum(Backend::Postgres),
            "the folders hold different SQL"
        );
        assert_eq!(
            first.file(Backend::Postgres),
            "postgres/0001_foundation.sql"
        );
    }
}
