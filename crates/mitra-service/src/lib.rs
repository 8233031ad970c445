//! What users may do with Mitra: the use cases, called alike by the web layer and the CLI.
//!
//! [`Mitra`] is the application: it owns the store and offers one method per use case. It turns raw input into
//! domain types, so callers pass strings from a query or a command line and get a [`ServiceError`] that names the
//! field when something is wrong. This crate must not know about HTTP or terminals.

mod analytics;
mod attachments;
mod audit;
mod auth;
mod boundaries;
mod cities;
mod enrolment;
mod entries;
mod error;
mod interests;
mod listings;
mod mail;
mod matching;
mod observations;
mod operations;
mod opportunities;
mod orgs;
mod partners;
mod partnerships;
mod reference;
mod refreshing;
mod standards;
#[cfg(feature = "test-support")]
pub mod test_support;

use std::sync::Arc;

use mitra_store::Store;

pub use analytics::{
    AnalyticsSettings, AssessmentReport, AssessmentView, Benchmark, CityBenchmarks, CityFacts,
    CityProfile, FindingView, GapView, ItemView, LevelView, NextLevelView, PanelReference,
    PanelState, RankEntry, Ranking, Values, assessable_standards, tier_ids,
};
pub use attachments::{ACCEPTED as ACCEPTED_FILES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, sniff};
pub use audit::AuditQuery;
pub use auth::{
    FREE_ATTEMPTS, NewApiToken, NewSession, Roles, SESSION_DAYS, SessionInfo, form_token, lock_out,
    one_time_password,
};
pub use boundaries::{Boundary, boundaries};
pub use cities::{
    CityDetail, CityListQuery, CityNeeds, CityOverview, CityPage, city_names, country_names,
    province_names,
};
pub use enrolment::{Enrolled, Seats, Standing};
pub use entries::{
    EntryDetail, EntryImportReport, EntryPermissions, Found, MAX_EXPORT, MAX_SEARCH_LIMIT,
    MAX_SEARCH_OFFSET, Places, SearchFilter, SearchPage, SearchRequest, TrainingSeats,
    UnknownParameters, dimension_name, parse_dimension,
};
pub use error::ServiceError;
pub use interests::{EntryInterest, MailRun, Thread, ThreadActions};
pub use listings::{Listing, Shelf, fx_rates};
pub use mail::{MailSettings, SentMail};
pub use matching::{CityMatches, EntryMatches, MATCH_LIMIT};
pub use mitra_domain as domain;
pub use mitra_search::{Concept, Dimension, Hit, Results as SearchResults, Thesaurus};
pub use mitra_store::{
    ActivityRecord, ApiTokenRecord, AuditEntry, InterestMessage, InterestRecord, NotificationAbout,
    NotificationRecord, OrgName, PartnershipFilter, PartnershipMessage, PartnershipRecord,
};
pub use mitra_store::{Attachment, Enrolment, StoredEntry};
pub use observations::{
    HELD_FOR, ImportPreview, ImportReport, ImportStage, ObservationPage, ObservationQuery,
    Progress, Recognition, SingleObservation, TemplateRow, UnitConversion,
};
pub use operations::{ImportCount, Operations};
pub use opportunities::{Opportunity, OpportunityPage};
pub use orgs::{AdminOverview, OrgInput, OrgPermissions, OrganisationDetail};
pub use partners::PartnerRecommendations;
pub use partnerships::{
    ActionInput, CityYearRow, HolidayWarning, MAX_PAGE as MAX_PARTNERSHIP_PAGE, OutcomeView,
    PartnershipActions, PartnershipView, PartnershipYear, Proposal, holiday_coverage,
    partnership_filter, report_year_and_format,
};
pub use reference::{
    DEMO_ACCOUNTS, DEMO_OBSERVATION_PACKS, DemoReport, ObservationPack, REFERENCE_VERSION,
    ReferenceReport, shipped_focus_areas,
};
pub use standards::{
    CrosswalkInput, IndicatorDetail, RelatedIndicator, StandardDetail, ThemeGroup,
    indicator_translations,
};

/// Collects every page of a cursor-paged store listing: `fetch` gets each page request, `key` gives the cursor
/// key of an item (the last one of a page is where the next page starts).
pub(crate) async fn all_pages<T, F, Fut>(
    mut fetch: F,
    key: impl Fn(&T) -> String,
) -> Result<Vec<T>, ServiceError>
where
    F: FnMut(domain::PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>, mitra_store::StoreError>>,
{
    let mut out = Vec::new();
    let mut pages = Pages::of(domain::page::MAX_LIMIT);
    while let Some(page) = pages.next_request() {
        let batch = fetch(page).await?;
        pages.took(batch.len(), batch.last().map(&key));
        out.extend(batch);
    }
    Ok(out)
}

/// Walks a cursor-paged store listing page by page: the request for each page in turn, until one comes back short.
pub(crate) struct Pages {
    page: domain::PageRequest,
    done: bool,
}

impl Pages {
    /// Pages of `limit` items, from the first.
    pub(crate) fn of(limit: u32) -> Self {
        Self {
            page: domain::PageRequest { limit, after: None },
            done: false,
        }
    }

    /// The next page to ask for; `None` once a page came back short.
    pub(crate) fn next_request(&self) -> Option<domain::PageRequest> {
        (!self.done).then(|| self.page.clone())
    }

    /// Records the page that came back: how many items it held and the cursor key of its last.
    pub(crate) fn took(&mut self, items: usize, last: Option<String>) {
        self.done = items < self.page.limit as usize;
        self.page.after = last;
    }
}

/// The database engine behind a running Mitra.
pub use mitra_store::Backend;

/// The application: every use case, over one store.
#[derive(Clone)]
pub struct Mitra {
    store: Arc<dyn Store>,
    mailer: Arc<mail::Mailer>,
    panel: Arc<analytics::PanelCache>,
    /// How honest peer statistics must be.
    analytics: analytics::AnalyticsSettings,
    search: Arc<entries::SearchState>,
    listings: Arc<listings::ListingState>,
    matching: Arc<matching::MatchingState>,
    ties: Arc<partners::TiesState>,
    /// Every city's needs, with the shelf and panel they were computed from.
    needs: Arc<refreshing::Refreshing<cities::NeedsCache>>,
    /// Where attached files are kept; `None` refuses attachments.
    files: Option<Arc<std::path::PathBuf>>,
    /// Uploaded observation files waiting for their uploader's confirmation.
    held: Arc<observations::HeldUploads>,
    /// The bearer token of `/metrics`.
    metrics_token: Option<Arc<str>>,
    /// The imports run since the start.
    imports: Arc<operations::ImportCounters>,
    /// How many rendered pages the web layer keeps for anonymous readers.
    page_cache_pages: usize,
}

/// How many rendered pages are kept for anonymous readers unless configured.
pub const DEFAULT_PAGE_CACHE_PAGES: usize = 256;

impl Mitra {
    /// Opens the database at `database_url` (`sqlite://…` or `postgres://…`) and applies pending migrations.
    pub async fn open(database_url: &str) -> Result<Self, ServiceError> {
        Self::open_with(database_url, &MailSettings::default()).await
    }

    /// Opens the database and sends mail as `mail` says.
    pub async fn open_with(database_url: &str, mail: &MailSettings) -> Result<Self, ServiceError> {
        let mailer = Arc::new(mail::Mailer::new(mail)?);
        let store = mitra_store::connect(database_url).await?;
        Ok(Self {
            store,
            mailer,
            panel: Arc::default(),
            analytics: analytics::AnalyticsSettings::default(),
            search: Arc::default(),
            listings: Arc::default(),
            matching: Arc::default(),
            ties: Arc::default(),
            needs: Arc::default(),
            files: None,
            held: Arc::default(),
            metrics_token: None,
            imports: Arc::default(),
            page_cache_pages: DEFAULT_PAGE_CACHE_PAGES,
        })
    }

    /// Computes peer statistics with `settings` (minimum group size, provisional threshold).
    pub fn with_analytics(mut self, settings: analytics::AnalyticsSettings) -> Self {
        self.analytics = settings;
        self
    }

    /// Opens `/metrics` to requests that carry `token` as their bearer token.
    pub fn with_metrics_token(mut self, token: Option<String>) -> Self {
        self.metrics_token = token.map(Arc::from);
        self
    }

    /// Keeps at most `pages` rendered pages for readers who are not signed in (0: none).
    pub fn with_page_cache_pages(mut self, pages: usize) -> Self {
        self.page_cache_pages = pages;
        self
    }

    /// How many rendered pages are kept for readers who are not signed in.
    pub fn page_cache_pages(&self) -> usize {
        self.page_cache_pages
    }

    /// The bearer token `/metrics` asks for; `None` keeps it closed.
    pub fn metrics_token(&self) -> Option<&str> {
        self.metrics_token.as_deref()
    }

    /// Keeps the search index in `dir` (under the data directory) instead of in memory.
    pub fn with_search_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.search = Arc::new(entries::SearchState::in_dir(dir));
        self
    }

    /// The address Mitra is reached at, for links and IRIs (`http://127.0.0.1:8080` unless configured).
    pub fn public_url(&self) -> &str {
        self.mailer.public_url()
    }

    /// The engine in use.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Closes the database connections: called once a server or command is done with them.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Whether the database answers; used by the readiness probe.
    pub async fn check_ready(&self) -> Result<(), ServiceError> {
        Ok(self.store.ping().await?)
    }
}
