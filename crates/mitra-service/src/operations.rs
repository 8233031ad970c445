//! What an operator watches: the database pool, the change feed and how far behind it each follower is, and the
//! search index's size. Read on demand (for `/metrics`); nothing here is kept.

use std::sync::atomic::{AtomicU64, Ordering};

use mitra_store::PoolState;

use crate::{Mitra, ServiceError};

/// The imports this node has run since it started: files written and refused, and rows written, of each kind.
#[derive(Debug, Default)]
pub(crate) struct ImportCounters {
    // [observations, entries] × [files written, files refused, rows written]
    counts: [[AtomicU64; 3]; 2],
}

/// What an import is of.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ImportKind {
    Observations = 0,
    Entries = 1,
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
        let counts = &self.counts[kind as usize];
        match outcome {
            Ok(report) => {
                counts[0].fetch_add(1, Ordering::Relaxed);
                counts[2].fetch_add(rows(report), Ordering::Relaxed);
            }
            Err(
                ServiceError::Import(_)
                | ServiceError::ImportNotAllowed(_)
                | ServiceError::Validation(_),
            ) => {
                counts[1].fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => {}
        }
    }

    fn snapshot(&self) -> Vec<ImportCount> {
        [("observations", 0), ("entries", 1)]
            .into_iter()
            .map(|(kind, i)| ImportCount {
                kind,
                files_written: self.counts[i][0].load(Ordering::Relaxed),
                files_refused: self.counts[i][1].load(Ordering::Relaxed),
                rows_written: self.counts[i][2].load(Ordering::Relaxed),
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
