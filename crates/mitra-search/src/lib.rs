//! Mitra's full-text index: the knowledge exchange's entries, searchable in every language Mitra speaks.
//!
//! The index is derived state. It is built from the store and follows its change feed, and it can be thrown away
//! and rebuilt at any time (`mitra index rebuild`).

pub mod analyzer;
pub mod index;
pub mod thesaurus;

pub use index::{
    Dimension, Document, Hit, Opened, Query, Rebuild, Results, SearchError, SearchIndex, Text,
};
pub use thesaurus::{Concept, Thesaurus};
