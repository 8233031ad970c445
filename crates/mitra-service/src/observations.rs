//! Observations: importing a file of values (validated as a whole, written all or nothing), listing them, and their
//! review by verifiers.

use std::collections::HashSet;

use mitra_domain::access::{AuditStamp, CitiesDenied};
use mitra_domain::observation::{Catalogue, ImportError, ImportErrors, ImportReader};
use mitra_domain::{
    Actor, CityFilter, CityId, IndicatorId, Observation, ObservationStatus, PageRequest, Relation,
    StandardId,
};
use mitra_store::{ObservationFilter, UpsertReport};
use sha2::{Digest, Sha256};

use crate::{Mitra, ServiceError};

/// What an import is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStage {
    /// Reading and checking the file; progress counts bytes of a CSV file, elements of a JSON array.
    Checking,
    /// Writing the checked rows; progress counts rows.
    Writing,
}

/// Called as an import goes on, with its stage, how much of it is done and how much there is.
pub type Progress<'a> = &'a (dyn Fn(ImportStage, u64, u64) + Send + Sync);

/// Rows read and checked at a time.
const IMPORT_CHUNK: usize = 50_000;

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Rows in the file.
    pub rows: u64,
    /// Rows inserted or changed (0 for a dry run).
    pub written: u64,
    /// Rows already stored as they are (0 for a dry run).
    pub unchanged: u64,
    /// Rows whose value was converted to the indicator's unit.
    pub converted: u64,
    /// Rows whose indicator the crosswalk declares equivalent to one of another standard, so they count there too.
    pub recognised: u64,
    /// Distinct cities.
    pub cities: u64,
    /// Distinct indicators.
    pub indicators: u64,
    /// Whether nothing was written because this was a dry run.
    pub dry_run: bool,
    /// The import's name in the audit log: where it came from and a hash of its content.
    pub label: String,
}

/// The query string of an observation listing.
#[derive(Debug, Clone, Default)]
pub struct ObservationQuery {
    /// City id.
    pub city: Option<String>,
    /// Indicator id.
    pub indicator: Option<String>,
    /// Standard id.
    pub standard: Option<String>,
    /// Year.
    pub year: Option<String>,
    /// `submitted`, `verified` or `rejected`.
    pub status: Option<String>,
    /// Page size.
    pub limit: Option<String>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// One page of observations.
#[derive(Debug, Clone)]
pub struct ObservationPage {
    /// The observations, by id.
    pub observations: Vec<Observation>,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
}

fn some(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ObservationQuery {
    fn parse(&self) -> Result<(ObservationFilter, PageRequest), ServiceError> {
        let invalid =
            |field: &str, reason: String| mitra_domain::ValidationError::new(field, reason);
        let page = PageRequest::parse(self.limit.as_deref(), self.cursor.as_deref())?;
        // Observations are paged by their numeric id; any other key is a cursor from another listing.
        if page
            .after
            .as_deref()
            .is_some_and(|key| key.parse::<i64>().is_err())
        {
            return Err(invalid("cursor", "is not a cursor of the observation list".into()).into());
        }
        Ok((
            ObservationFilter {
                city: some(&self.city).map(CityId::parse).transpose()?,
                indicator: some(&self.indicator).map(IndicatorId::parse).transpose()?,
                standard: some(&self.standard).map(StandardId::parse).transpose()?,
                year: some(&self.year)
                    .map(|y| {
                        y.parse::<i32>()
                            .map_err(|_| invalid("year", format!("'{y}' is not a year")))
                    })
                    .transpose()?,
                status: some(&self.status)
                    .map(ObservationStatus::parse)
                    .transpose()?,
            },
            page,
        ))
    }
}

impl Mitra {
    /// The cities and indicators an import resolves against.
    async fn catalogue(&self) -> Result<Catalogue, ServiceError> {
        let mut catalogue = Catalogue::default();
        for city in self.all_cities(&CityFilter::default()).await? {
            let names = std::iter::once(city.name_en.as_str())
                .chain(city.name_zh.as_deref())
                .chain(city.name_local.as_ref().map(|(name, _)| name.as_str()));
            catalogue.add_city(city.id.clone(), names);
        }
        for (id, indicator) in self.all_indicators().await? {
            catalogue.add_indicator(id, indicator.unit);
        }
        Ok(catalogue)
    }

    /// Indicators that the crosswalk declares equivalent to an indicator of another standard.
    pub(crate) async fn recognisable_indicators(
        &self,
    ) -> Result<HashSet<IndicatorId>, ServiceError> {
        Ok(self
            .all_crosswalk()
            .await?
            .into_iter()
            .filter(|e| e.relation == Relation::Equivalent)
            .flat_map(|e| [e.from, e.to])
            .collect())
    }

    /// Whether `actor` may import observations at all (for some city), checked before a file is read.
    pub fn may_import_observations(&self, actor: &Actor) -> Result<(), ServiceError> {
        Ok(actor.may_submit_observations()?)
    }

    /// Imports an observation file (CSV or JSON, see [`ImportReader`]) named `origin` for the audit log. Every row
    /// is checked first, and every bad row is reported as [`ServiceError::Import`]; the actor must be allowed to
    /// edit every city in the file. Then all rows are written in one transaction, or none (with `dry_run`, none
    /// are). `progress` hears how far the checking, then the writing, has come.
    pub async fn import_observations(
        &self,
        actor: &Actor,
        origin: &str,
        bytes: &[u8],
        dry_run: bool,
        progress: Progress<'_>,
    ) -> Result<ImportReport, ServiceError> {
        self.import_observations_verified_by(actor, origin, bytes, dry_run, None, progress)
            .await
    }

    /// [`Self::import_observations`], the rows written as verified by `verified_by` when given: for published
    /// statistics the platform itself loads (the demo packs), which no verifier needs to check again.
    pub(crate) async fn import_observations_verified_by(
        &self,
        actor: &Actor,
        origin: &str,
        bytes: &[u8],
        dry_run: bool,
        verified_by: Option<&AuditStamp>,
        progress: Progress<'_>,
    ) -> Result<ImportReport, ServiceError> {
        self.may_import_observations(actor)?;
        let started = std::time::Instant::now();
        let mut reader = ImportReader::new(bytes).map_err(ServiceError::Import)?;
        let catalogue = self.catalogue().await?;
        let recognisable = self.recognisable_indicators().await?;
        let mut resolver = catalogue.resolver();
        let digest = crate::auth::hex(&Sha256::digest(bytes)[..8]);
        let label = format!("{origin} sha256:{digest}");
        // Every row is read and checked before any is written. The checked rows are kept compactly (48 bytes each,
        // their strings kept once), so that the store can write them in the order of its key.
        let mut errors = ImportErrors::default();
        while reader.read_chunk(IMPORT_CHUNK, &mut errors, |row, errors| {
            resolver.resolve(row, errors)
        }) > 0
        {
            let (done, total) = reader.progress();
            progress(ImportStage::Checking, done, total);
        }
        reader.finish(&errors).map_err(ServiceError::Import)?;
        if !errors.is_empty() {
            return Err(ServiceError::Import(errors));
        }
        let editor = match actor.cities_editor(resolver.batch().cities()) {
            Ok(editor) => editor,
            Err(CitiesDenied::Actor(denied)) => return Err(denied.into()),
            Err(CitiesDenied::Cities(refused)) => {
                let cities = resolver.batch().cities();
                return Err(ServiceError::ImportNotAllowed(ImportErrors::of(
                    refused.into_iter().map(|n| ImportError {
                        line: resolver.first_line(n as u32),
                        column: "city".into(),
                        reason: format!(
                            "you may not submit observations for '{}': only editors of its approved city \
                             government organisation may",
                            cities[n]
                        ),
                    }),
                )));
            }
        };
        let batch = resolver.into_batch();
        let recognised_indicators: Vec<bool> = batch
            .indicators()
            .iter()
            .map(|i| recognisable.contains(i))
            .collect();
        let (mut converted, mut recognised) = (0u64, 0u64);
        for row in batch.rows() {
            converted += u64::from(row.original_value().is_some());
            recognised += u64::from(recognised_indicators[row.indicator() as usize]);
        }
        let mut report = ImportReport {
            rows: batch.len() as u64,
            written: 0,
            unchanged: 0,
            converted,
            recognised,
            cities: batch.cities().len() as u64,
            indicators: batch.indicators().len() as u64,
            dry_run,
            label,
        };
        if !dry_run {
            let total = batch.len() as u64;
            let UpsertReport { written, unchanged } = self
                .store
                .import_observations(
                    &batch,
                    editor.stamp(),
                    &report.label,
                    verified_by,
                    &|done| progress(ImportStage::Writing, done, total),
                )
                .await?;
            report.written = written;
            report.unchanged = unchanged;
        }
        tracing::info!(
            import.label = %report.label,
            import.rows = report.rows,
            import.written = report.written,
            import.ms = started.elapsed().as_millis() as u64,
            "observations.imported"
        );
        Ok(report)
    }

    /// One page of observations matching the query.
    pub async fn list_observations(
        &self,
        query: &ObservationQuery,
    ) -> Result<ObservationPage, ServiceError> {
        let (filter, page) = query.parse()?;
        let mut observations = self.store.list_observations(&filter, &page.probe()).await?;
        let next_cursor = page.finish(&mut observations, |o| o.id.to_string());
        Ok(ObservationPage {
            observations,
            next_cursor,
        })
    }

    /// Every observation of a city, oldest first within each indicator.
    pub async fn city_observations(&self, city: &CityId) -> Result<Vec<Observation>, ServiceError> {
        let filter = ObservationFilter {
            city: Some(city.clone()),
            ..ObservationFilter::default()
        };
        let filter = &filter;
        let mut out = crate::all_pages(
            |page| async move { self.store.list_observations(filter, &page).await },
            |o| o.id.to_string(),
        )
        .await?;
        out.sort_by(|a, b| {
            (a.indicator_id.as_str(), a.year, &a.source).cmp(&(
                b.indicator_id.as_str(),
                b.year,
                &b.source,
            ))
        });
        Ok(out)
    }

    /// A verifier marks an observation verified, or rejected with a reason.
    pub async fn review_observation(
        &self,
        actor: &Actor,
        id: i64,
        status: &str,
        reason: Option<&str>,
    ) -> Result<Observation, ServiceError> {
        let verifier = actor.verifier()?;
        let status = ObservationStatus::parse(status)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        match (status, reason) {
            (ObservationStatus::Submitted, _) => {
                return Err(mitra_domain::ValidationError::new(
                    "status",
                    "a review sets verified or rejected",
                )
                .into());
            }
            (ObservationStatus::Rejected, None) => {
                return Err(mitra_domain::ValidationError::new(
                    "reason",
                    "a rejection needs a reason the submitter can act on",
                )
                .into());
            }
            _ => {}
        }
        Ok(self
            .store
            .review_observation(id, status, reason, verifier.stamp())
            .await?)
    }
}

impl Mitra {
    /// One page of the observations a verifier reviews: verifiers only.
    pub async fn review_queue(
        &self,
        actor: &Actor,
        query: &ObservationQuery,
    ) -> Result<ObservationPage, ServiceError> {
        actor.verifier()?;
        self.list_observations(query).await
    }
}
