//! The observation repository's records and trait, and the parts of an import that the shared code and both
//! dialects use: the upsert's tail, the range check, the stamp and the key numbers of a batch. Nothing here runs a
//! statement: `repo/observations.rs` does.

use mitra_domain::access::AuditStamp;
use mitra_domain::{
    CityId, IndicatorId, Observation, ObservationBatch, ObservationStatus, PageRequest, StandardId,
};

use async_trait::async_trait;

use crate::StoreError;

/// Which observations to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObservationFilter {
    /// Only this city's.
    pub city: Option<CityId>,
    /// Only this indicator's.
    pub indicator: Option<IndicatorId>,
    /// Only indicators of this standard.
    pub standard: Option<StandardId>,
    /// Only this year's.
    pub year: Option<i32>,
    /// Only those with this status.
    pub status: Option<ObservationStatus>,
}

/// What an upsert wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertReport {
    /// Rows inserted or changed.
    pub written: u64,
    /// Rows already stored with the same value, unit and note.
    pub unchanged: u64,
}

/// One value of the analytics panel: every observation that counts (not rejected).
#[derive(Debug, Clone, PartialEq)]
pub struct PanelValue {
    /// The city.
    pub city_id: String,
    /// The indicator.
    pub indicator_id: String,
    /// The year.
    pub year: i32,
    /// The value in the indicator's unit.
    pub value: f64,
    /// Whether a verifier has checked it (otherwise it is submitted and unchecked).
    pub verified: bool,
}

/// The end of the upsert statement both backends use: a row already stored with the same value, unit and note is
/// left alone (and not counted); a changed one takes the import's status (`submitted`, or `verified` for data the
/// import itself vouches for).
pub(crate) const UPSERT_TAIL: &str = " on conflict (city, indicator, year, source) do update \
     set value = excluded.value, unit = excluded.unit, original_value = excluded.original_value, \
     original_unit = excluded.original_unit, note = excluded.note, status = excluded.status, \
     status_reason = null, submitted_by = excluded.submitted_by, \
     submitted_at = excluded.submitted_at, reviewed_by = excluded.reviewed_by, \
     reviewed_at = excluded.reviewed_at \
     where observations.value <> excluded.value \
     or observations.unit is distinct from excluded.unit \
     or observations.original_value is distinct from excluded.original_value \
     or observations.original_unit is distinct from excluded.original_unit \
     or observations.note is distinct from excluded.note";

/// Who imports, when, and who vouches for the rows (then written `verified`): the columns every row of an import
/// shares.
pub(crate) struct ImportStamp<'a> {
    pub(crate) actor: &'a str,
    pub(crate) at: time::OffsetDateTime,
    pub(crate) verified_by: Option<&'a str>,
}

impl ImportStamp<'_> {
    /// The review status of the rows written.
    pub(crate) fn status(&self) -> &'static str {
        if self.verified_by.is_some() {
            "verified"
        } else {
            "submitted"
        }
    }

    /// When they were reviewed, if they were.
    pub(crate) fn reviewed_at(&self) -> Option<time::OffsetDateTime> {
        self.verified_by.map(|_| self.at)
    }
}

/// The numbers the observations table keys a batch's strings by (see `0004_observation_keys.sql`), indexed as the
/// batch numbers them; a batch text that is no row's source has none.
pub(crate) struct BatchKeys {
    pub(crate) cities: Vec<i32>,
    pub(crate) indicators: Vec<i32>,
    pub(crate) sources: Vec<Option<i32>>,
}

impl BatchKeys {
    /// The key of row `n` of `batch`: city, indicator, year and source numbers.
    pub(crate) fn key(&self, batch: &ObservationBatch, n: u32) -> (i32, i32, i32, i32) {
        let r = &batch.rows()[n as usize];
        (
            self.cities[r.city() as usize],
            self.indicators[r.indicator() as usize],
            r.year(),
            self.sources[r.source() as usize].unwrap_or_default(),
        )
    }

    /// The rows of `batch` in the order of the table's unique key, so that the key index is written front to back.
    pub(crate) fn order(&self, batch: &ObservationBatch) -> Vec<u32> {
        let mut order: Vec<u32> = (0..batch.len() as u32).collect();
        order.sort_unstable_by_key(|&n| self.key(batch, n));
        order
    }
}

/// Whether any stored observation has a key from the first to the last of `part` (rows of a batch in key order); where
/// none has, the part can be inserted without the upsert's conflict handling, which costs PostgreSQL as much again.
pub(crate) const KEYS_TAKEN: &str = "select exists (select 1 from observations \
     where (city, indicator, year, source) >= ($1, $2, $3, $4) \
     and (city, indicator, year, source) <= ($5, $6, $7, $8))";

/// Observations: submitted values, their review, and the panel analytics read.
#[async_trait]
pub trait ObservationStore {
    /// Upserts a whole import in one transaction, keyed on city, indicator, year and source; a new or changed row
    /// is `submitted`, or `verified` by `verified_by` when given (published statistics loaded by the platform). The
    /// import is journalled as one audit record, with one change-feed entry per city touched; `label` names it in
    /// the audit log. `progress` hears how many rows are written so far.
    async fn import_observations(
        &self,
        batch: &ObservationBatch,
        actor: &AuditStamp,
        label: &str,
        verified_by: Option<&AuditStamp>,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<UpsertReport, StoreError>;

    /// Up to `page.limit` observations matching `filter`, by id, after the id in `page.after`.
    async fn list_observations(
        &self,
        filter: &ObservationFilter,
        page: &PageRequest,
    ) -> Result<Vec<Observation>, StoreError>;

    /// One observation.
    async fn find_observation(&self, id: i64) -> Result<Observation, StoreError>;

    /// Sets an observation's review status (with the reason for a rejection), journalled.
    async fn review_observation(
        &self,
        id: i64,
        status: ObservationStatus,
        reason: Option<&str>,
        actor: &AuditStamp,
    ) -> Result<Observation, StoreError>;

    /// Development tiers set by platform admins, by city id.
    async fn city_tier_overrides(
        &self,
    ) -> Result<std::collections::HashMap<String, String>, StoreError>;

    /// Sets (or with `None` removes) a city's tier override, journalled.
    async fn set_city_tier(
        &self,
        city: &CityId,
        tier: Option<&str>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;

    /// Every observation that is not rejected, as (city, indicator, year, value), for the analytics panel; for each
    /// (city, indicator, year) the verified values come first, then the newest.
    async fn panel_values(&self) -> Result<Vec<PanelValue>, StoreError>;

    /// [`Self::panel_values`] of `cities` only.
    async fn panel_values_of(&self, cities: &[CityId]) -> Result<Vec<PanelValue>, StoreError>;
}
