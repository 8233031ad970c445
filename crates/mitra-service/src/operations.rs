//! What an operator watches: the database pool, the change feed and how far behind it each follower is, and the
//! search index's size. Read on demand (for `/metrics`); nothing here is kept.

use mitra_store::PoolState;

use crate::{Mitra, ServiceError};

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
}

impl Mitra {
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
        })
    }
}
