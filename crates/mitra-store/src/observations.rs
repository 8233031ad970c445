//! The observation repository's types.

use mitra_domain::{
    CityId, IndicatorId, NewObservation, Observation, ObservationStatus, PageRequest, StandardId,
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
    /// The unit stored with it (the indicator's, or the submitted one where the indicator declares none).
    pub unit: Option<String>,
}

/// The end of the upsert statement both backends use: a row already stored with the same value, unit and note is
/// left alone (and not counted); a changed one goes back to `submitted`.
pub(crate) const UPSERT_TAIL: &str = " on conflict (city_id, indicator_id, year, source) do update set \
     value = excluded.value, unit = excluded.unit, original_value = excluded.original_value, \
     original_unit = excluded.original_unit, note = excluded.note, status = 'submitted', status_reason = null, \
     submitted_by = excluded.submitted_by, submitted_at = excluded.submitted_at, reviewed_by = null, \
     reviewed_at = null \
     where observations.value <> excluded.value \
     or observations.unit is distinct from excluded.unit \
     or observations.original_value is distinct from excluded.original_value \
     or observations.original_unit is distinct from excluded.original_unit \
     or observations.note is distinct from excluded.note";

/// An import in progress: one open transaction.
#[async_trait]
pub trait ObservationImport: Send {
    /// Upserts a chunk; returns how many of its rows were inserted or changed.
    async fn write(&mut self, chunk: &[NewObservation]) -> Result<u64, StoreError>;

    /// Journals the import — one audit record for the whole of it, one change-feed entry per city touched — and
    /// commits.
    async fn commit(self: Box<Self>) -> Result<UpsertReport, StoreError>;
}

/// Observations: submitted values, their review, and the panel analytics read.
#[async_trait]
pub trait ObservationStore {
    /// Starts an import: one transaction that chunks of observations are upserted into (keyed on city, indicator,
    /// year and source; a changed row goes back to `submitted`). Nothing is visible until
    /// [`ObservationImport::commit`]; dropped before that, the import writes nothing. `label` names it in the audit log.
    async fn begin_observation_import(
        &self,
        actor: &str,
        label: &str,
    ) -> Result<Box<dyn ObservationImport>, StoreError>;

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
        actor: &str,
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
        actor: &str,
    ) -> Result<(), StoreError>;

    /// Every observation that is not rejected, as (city, indicator, year, value), for the analytics panel; for each
    /// (city, indicator, year) the verified values come first, then the newest.
    async fn panel_values(&self) -> Result<Vec<PanelValue>, StoreError>;
}
