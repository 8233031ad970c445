//! What an operator watches: the database pool, the change feed and how far behind it each follower is, and the
//! search index's size. Read on demand (for `/metrics`); nothing here is kept.

use std::sync::atomic::{AtomicU64, Ordering};

use mitra_store::PoolState;

use crate::{Mitra, ServiceError};

/// The imports this node has run since it started, of each kind.
#[derive(Debug, Default)]
pub(crate) struct ImportCounters {
    observations: KindCounters,
    entries: KindCounters,
}

/// Files written and refused, and rows written, of one kind of import.
#[derive(Debug, Default)]
struct KindCounters {
    files_written: AtomicU64,
    files_refused: AtomicU64,
    rows_written: AtomicU64,
}

/// What an import is of.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ImportKind {
    Observations,
    Entries,
}

impl ImportCounters {
    /// Counts the outcome of an import that was not a dry run: `Ok(rows written)`, or the error it ended with
    /// (a refused file counts; other failures are not the file's).
    pub(crate) fn count<T>(
        &self,
        kind: ImportKind,
        outcome: &Result<T, ServiceError>,
        rows: impl Fn(&T) -> u64,
    ) {
        let counters = match kind {
            ImportKind::Observations => &self.observations,
            ImportKind::Entries => &self.entries,
        };
        match outcome {
            Ok(report) => {
                counters.files_written.fetch_add(1, Ordering::Relaxed);
                counters
                    .rows_written
                    .fetch_add(rows(report), Ordering::Relaxed);
            }
            Err(
                ServiceError::Import(_)
                | ServiceError::ImportNotAllowed(_)
                | ServiceError::Validation(_),
            ) => {
                counters.files_refused.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => {}
        }
    }

    fn snapshot(&self) -> Vec<ImportCount> {
        [
            ("observations", &self.observations),
            ("entries", &self.entries),
        ]
        .into_iter()
        .map(|(kind, counters)| ImportCount {
            kind,
            files_written: counters.files_written.load(Ordering::Relaxed),
            files_refused: counters.files_refused.load(Ordering::Relaxed),
            rows_written: counters.rows_written.load(Ordering::Relaxed),
        })
        .collect()
    }
}

/// The imports of one kind this node has run since it started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportCount {
    /// `observations` or `entries`.
    pub kind: &'static str,
    /// Files written.
    pub files_written: u64,
    /// Files refused (bad rows, rows the importer may not write).
    pub files_refused: u64,
    /// Rows (observations) or entries written.
    pub rows_written: u64,
}

/// The state of one node, as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operations {
    /// The connection pool.
    pub pool: PoolState,
    /// The newest position of the change feed.
    pub feed_head: i64,
    /// Each follower of the change feed on this node (`search`, `listings`) and the position it reflects.
    pub followers: Vec<(&'static str, i64)>,
    /// How many entries the search index holds, once it is open.
    pub index_documents: Option<u64>,
    /// How many bytes the search index takes on disk, when it is kept there.
    pub index_bytes: Option<u64>,
    /// The imports this node has run since it started, by kind.
    pub imports: Vec<ImportCount>,
}

impl Mitra {
    /// Writes a consistent copy of the database to the new file `path` while it stays in use, and returns the
    /// change-feed position it holds at least (SQLite; PostgreSQL is copied with `pg_dump`).
    pub async fn snapshot_database(&self, path: &std::path::Path) -> Result<i64, ServiceError> {
        let head = self.store.feed_head().await?;
        self.store.snapshot_into(path).await?;
        Ok(head)
    }

    /// The change feed's last position: it moves with every committed write, on any node.
    pub async fn feed_position(&self) -> Result<i64, ServiceError> {
        Ok(self.store.feed_head().await?)
    }

    /// The node's state for monitoring.
    pub async fn operations(&self) -> Result<Operations, ServiceError> {
        let feed_head = self.store.feed_head().await?;
        let (search, index_documents, index_bytes) = self.search.state();
        Ok(Operations {
            pool: self.store.pool_state(),
            feed_head,
            followers: vec![("search", search), ("listings", self.listings.position())],
            index_documents,
            index_bytes,
            imports: self.imports.snapshot(),
        })
    }
}
