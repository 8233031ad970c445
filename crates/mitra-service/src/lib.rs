//! What users may do with Mitra: the use cases, called alike by the web layer and the CLI.
//!
//! [`Mitra`] is the application: it owns the store and offers one method per use case. It turns raw input into
//! domain types, so callers pass strings from a query or a command line and get a [`ServiceError`] that names the
//! field when something is wrong. This crate must not know about HTTP or terminals.

mod boundaries;
mod cities;
mod error;
mod reference;
mod standards;

use std::sync::Arc;

use mitra_store::Store;

pub use boundaries::{Boundary, boundaries};
pub use cities::{CityDetail, CityListQuery, CityPage};
pub use error::ServiceError;
pub use mitra_domain as domain;
pub use reference::{DemoReport, REFERENCE_VERSION, ReferenceReport};
pub use standards::{IndicatorDetail, RelatedIndicator, StandardDetail, ThemeGroup};

/// The database engine behind a running Mitra.
pub use mitra_store::Backend;

/// The application: every use case, over one store.
#[derive(Clone)]
pub struct Mitra {
    store: Arc<dyn Store>,
}

impl Mitra {
    /// Opens the database at `database_url` (`sqlite://…` or `postgres://…`) and applies pending migrations.
    pub async fn open(database_url: &str) -> Result<Self, ServiceError> {
        let store = mitra_store::connect(database_url).await?;
        Ok(Self { store })
    }

    /// The engine in use.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Whether the database answers; used by the readiness probe.
    pub async fn check_ready(&self) -> Result<(), ServiceError> {
        Ok(self.store.ping().await?)
    }
}
