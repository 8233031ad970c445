//! Observations: importing a file of values (validated as a whole, written all or nothing), listing them, and their
//! review by verifiers.

mod held;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use mitra_domain::access::{AuditStamp, CitiesDenied, CitiesEditor};
use mitra_domain::observation::{Catalogue, ImportError, ImportErrors, ImportReader};
use mitra_domain::reference::RowError;
use mitra_domain::{
    Actor, CityFilter, CityId, IndicatorId, Language, Observation, ObservationBatch,
    ObservationStatus, PageRequest, Reason, Relation, StandardId,
};
use mitra_store::{ObservationFilter, UpsertReport};
use sha2::{Digest, Sha256};

use crate::{Mitra, ServiceError};

pub use held::HELD_FOR;
pub(crate) use held::HeldUploads;

/// The shipped alternate names of cities (GeoNames, in scripts other than Latin), by city.
fn city_alternate_names() -> Result<&'static HashMap<CityId, Vec<String>>, ServiceError> {
    static NAMES: OnceLock<Result<HashMap<CityId, Vec<String>>, RowError>> = OnceLock::new();
    let parsed = NAMES.get_or_init(|| {
        let mut by_city: HashMap<CityId, Vec<String>> = HashMap::new();
        for (city, name) in mitra_domain::reference::parse_city_alternate_names(
            "cities/city_alternate_names.csv",
            include_str!("../../../data/cities/city_alternate_names.csv"),
        )? {
            by_city.entry(city).or_default().push(name);
        }
        Ok(by_city)
    });
    parsed.as_ref().map_err(|e| ServiceError::from(e.clone()))
}
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
    /// Rows of a filled-in template left without a year and a value, and so skipped.
    pub skipped: u64,
    /// Whether nothing was written because this was a dry run.
    pub dry_run: bool,
    /// The import's name in the audit log: where it came from and a hash of its content.
    pub label: String,
}

/// A file read and checked whole, ready to be written.
struct CheckedImport {
    batch: ObservationBatch,
    editor: CitiesEditor,
    report: ImportReport,
}

/// Values of one indicator converted from the unit they were given in to the indicator's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitConversion {
    /// The indicator.
    pub indicator: IndicatorId,
    /// The unit the file gives.
    pub from: String,
    /// The indicator's unit, in which the values are stored.
    pub to: String,
    /// How many rows.
    pub rows: u64,
}

/// An indicator of the file that the crosswalk declares equivalent to indicators of other standards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognition {
    /// The indicator in the file.
    pub indicator: IndicatorId,
    /// The equivalent indicators, where its values count too.
    pub equivalents: Vec<IndicatorId>,
    /// How many rows.
    pub rows: u64,
}

/// What an import would do, checked against what is stored: for the page on which a submitter confirms a file.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    /// The dry run's report.
    pub report: ImportReport,
    /// Rows for a city, indicator, year and source that have no value yet.
    pub new: u64,
    /// Rows that would change a stored value (or its unit or note).
    pub changed: u64,
    /// Rows already stored as they are.
    pub unchanged: u64,
    /// The conversions of units, by indicator and unit.
    pub conversions: Vec<UnitConversion>,
    /// The indicators recognised through the crosswalk.
    pub recognitions: Vec<Recognition>,
    /// The cities the file is for.
    pub cities: Vec<CityId>,
}

/// One value typed into a form: written as a one-row import, so that it is checked, permitted and audited as any.
#[derive(Debug, Clone, Default)]
pub struct SingleObservation {
    /// Indicator id.
    pub indicator: String,
    /// Year.
    pub year: String,
    /// Value.
    pub value: String,
    /// Unit (empty: the indicator's).
    pub unit: String,
    /// Source.
    pub source: String,
    /// Method note.
    pub note: String,
}

/// One row of the template of a standard for a city.
#[derive(Debug, Clone)]
pub struct TemplateRow {
    /// The indicator.
    pub indicator: IndicatorId,
    /// Its title in the reader's language, or in English when it has none in that language.
    pub title: String,
    /// Its unit.
    pub unit: String,
    /// The city's latest value that counts (not rejected), when there is one.
    pub latest: Option<Observation>,
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
            |field: &str, reason: Reason| mitra_domain::ValidationError::new(field, reason);
        let page = PageRequest::parse(self.limit.as_deref(), self.cursor.as_deref())?;
        // Observations are paged by their numeric id; any other key is a cursor from another listing.
        if page
            .after
            .as_deref()
            .is_some_and(|key| key.parse::<i64>().is_err())
        {
            return Err(invalid("cursor", Reason::not_a_cursor()).into());
        }
        Ok((
            ObservationFilter {
                city: some(&self.city).map(CityId::parse).transpose()?,
                indicator: some(&self.indicator).map(IndicatorId::parse).transpose()?,
                standard: some(&self.standard).map(StandardId::parse).transpose()?,
                year: some(&self.year)
                    .map(|y| {
                        y.parse::<i32>().map_err(|_| {
                            invalid("year", Reason::not_a_year(mitra_domain::ids::clip(y)))
                        })
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
    pub(crate) async fn catalogue(&self) -> Result<Catalogue, ServiceError> {
        let mut catalogue = Catalogue::default();
        let alternate = city_alternate_names()?;
        for city in self.all_cities(&CityFilter::default()).await? {
            // A name several cities share is refused with the candidates listed, never guessed.
            let names = std::iter::once(city.name_en.as_str())
                .chain(city.name_zh.as_deref())
                .chain(city.name_local.as_ref().map(|(name, _)| name.as_str()))
                .chain(
                    alternate
                        .get(&city.id)
                        .into_iter()
                        .flatten()
                        .map(String::as_str),
                );
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
        let outcome = self
            .import_observations_verified_by(actor, origin, bytes, dry_run, None, progress)
            .await;
        if !dry_run {
            self.imports.count(
                crate::operations::ImportKind::Observations,
                &outcome,
                |report| report.written,
            );
        }
        outcome
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
        let started = std::time::Instant::now();
        let checked = self.check_import(actor, origin, bytes, progress).await?;
        let CheckedImport {
            batch,
            editor,
            mut report,
        } = checked;
        report.dry_run = dry_run;
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

    /// Reads and checks a whole import file: every row, then the actor's right to submit for every city in it.
    /// The report counts what the file holds; nothing is written.
    async fn check_import(
        &self,
        actor: &Actor,
        origin: &str,
        bytes: &[u8],
        progress: Progress<'_>,
    ) -> Result<CheckedImport, ServiceError> {
        self.may_import_observations(actor)?;
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
                        reason: Reason::not_your_city(&cities[n]),
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
        let report = ImportReport {
            rows: batch.len() as u64,
            written: 0,
            unchanged: 0,
            converted,
            recognised,
            cities: batch.cities().len() as u64,
            indicators: batch.indicators().len() as u64,
            skipped: reader.skipped(),
            dry_run: true,
            label,
        };
        Ok(CheckedImport {
            batch,
            editor,
            report,
        })
    }

    /// Whether `actor` may submit observations for `city`: an editor of its approved city government (or an
    /// operator). The forms of the city and its government ask before they show or read anything.
    pub fn may_submit_for_city(&self, actor: &Actor, city: &CityId) -> Result<(), ServiceError> {
        actor.city_editor(city)?;
        Ok(())
    }

    /// What importing `bytes` would do, nothing written: the dry run's report, and each row compared with what is
    /// stored (new, changed or unchanged), the conversions of units and the indicators recognised through the
    /// crosswalk. Bad rows are [`ServiceError::Import`], as for an import.
    pub async fn preview_observations(
        &self,
        actor: &Actor,
        origin: &str,
        bytes: &[u8],
    ) -> Result<ImportPreview, ServiceError> {
        let CheckedImport { batch, report, .. } = self
            .check_import(actor, origin, bytes, &|_, _, _| {})
            .await?;
        // The stored values of the file's cities, by the import's key: indicator, year and source.
        let mut stored: Vec<HashMap<(&str, i32, &str), &Observation>> = Vec::new();
        let mut observations = Vec::new();
        for city in batch.cities() {
            observations.push(self.city_observations(city).await?);
        }
        for city in &observations {
            stored.push(
                city.iter()
                    .map(|o| ((o.indicator_id.as_str(), o.year, o.source.as_str()), o))
                    .collect(),
            );
        }
        let equivalents = self.equivalents().await?;
        let (mut new, mut changed, mut unchanged) = (0, 0, 0);
        let mut conversions: BTreeMap<(u32, String, String), u64> = BTreeMap::new();
        let mut recognised: BTreeMap<u32, u64> = BTreeMap::new();
        for row in batch.rows() {
            let indicator = &batch.indicators()[row.indicator() as usize];
            let key = (indicator.as_str(), row.year(), batch.source(row));
            match stored[row.city() as usize].get(&key) {
                None => new += 1,
                Some(o)
                    if o.value == row.value()
                        && o.unit.as_deref() == batch.unit(row)
                        && o.original_value == row.original_value()
                        && o.original_unit.as_deref() == batch.original_unit(row)
                        && o.note.as_deref() == batch.note(row) =>
                {
                    unchanged += 1;
                }
                Some(_) => changed += 1,
            }
            if let (Some(from), Some(to)) = (batch.original_unit(row), batch.unit(row)) {
                *conversions
                    .entry((row.indicator(), from.to_owned(), to.to_owned()))
                    .or_default() += 1;
            }
            if equivalents.contains_key(indicator) {
                *recognised.entry(row.indicator()).or_default() += 1;
            }
        }
        let indicator = |n: u32| batch.indicators()[n as usize].clone();
        Ok(ImportPreview {
            new,
            changed,
            unchanged,
            conversions: conversions
                .into_iter()
                .map(|((n, from, to), rows)| UnitConversion {
                    indicator: indicator(n),
                    from,
                    to,
                    rows,
                })
                .collect(),
            recognitions: recognised
                .into_iter()
                .map(|(n, rows)| Recognition {
                    equivalents: equivalents[&indicator(n)].clone(),
                    indicator: indicator(n),
                    rows,
                })
                .collect(),
            cities: batch.cities().to_vec(),
            report,
        })
    }

    /// Each indicator the crosswalk declares equivalent to others, with those others.
    async fn equivalents(&self) -> Result<HashMap<IndicatorId, Vec<IndicatorId>>, ServiceError> {
        let mut out: HashMap<IndicatorId, Vec<IndicatorId>> = HashMap::new();
        for entry in self.all_crosswalk().await? {
            if entry.relation == Relation::Equivalent {
                out.entry(entry.from.clone())
                    .or_default()
                    .push(entry.to.clone());
                out.entry(entry.to).or_default().push(entry.from);
            }
        }
        for others in out.values_mut() {
            others.sort();
            others.dedup();
        }
        Ok(out)
    }

    /// Checks an uploaded file for `city` and holds it for the uploader's confirmation: the preview, and the key
    /// under which [`Self::write_held_upload`] finds the same bytes. Only an editor of `city` may, and a file with
    /// bad rows is not held.
    pub async fn hold_upload(
        &self,
        actor: &Actor,
        city: &CityId,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<(ImportPreview, String), ServiceError> {
        self.may_submit_for_city(actor, city)?;
        let preview = self
            .preview_observations(actor, &upload_origin(name), &bytes)
            .await?;
        let holder = actor.account().map(|a| a.id.clone());
        let key = self.held.hold(holder, city, name, bytes);
        Ok((preview, key))
    }

    /// Writes the file held under `key` for this actor and `city`, in one transaction, checked again as any import
    /// is. A key of another account, or one that has expired, is [`ServiceError::NotFound`].
    pub async fn write_held_upload(
        &self,
        actor: &Actor,
        city: &CityId,
        key: &str,
    ) -> Result<ImportReport, ServiceError> {
        self.may_submit_for_city(actor, city)?;
        let holder = actor.account().map(|a| a.id.clone());
        let Some((name, bytes)) = self.held.find(&holder, city, key.trim()) else {
            return Err(ServiceError::NotFound {
                entity: "uploaded file",
                id: crate::auth::hex(&Sha256::digest(key.as_bytes())[..4]),
            });
        };
        let report = self
            .import_observations(actor, &upload_origin(&name), &bytes, false, &|_, _, _| {})
            .await?;
        self.held.release(key.trim());
        Ok(report)
    }

    /// Adds or corrects one value of `city`, written as a one-row import (checked, permitted, audited and left
    /// for verification as any import).
    pub async fn submit_observation(
        &self,
        actor: &Actor,
        city: &CityId,
        value: &SingleObservation,
    ) -> Result<ImportReport, ServiceError> {
        self.may_submit_for_city(actor, city)?;
        let mut writer = csv::Writer::from_writer(Vec::new());
        let csv_error = |e: csv::Error| ServiceError::Internal(e.into());
        writer
            .write_record([
                "city",
                "indicator",
                "year",
                "value",
                "unit",
                "source",
                "note",
            ])
            .map_err(csv_error)?;
        writer
            .write_record([
                city.as_str(),
                value.indicator.trim(),
                value.year.trim(),
                value.value.trim(),
                value.unit.trim(),
                value.source.trim(),
                value.note.trim(),
            ])
            .map_err(csv_error)?;
        let bytes = writer
            .into_inner()
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("{e}")))?;
        self.import_observations(actor, "form", &bytes, false, &|_, _, _| {})
            .await
    }

    /// The rows of the template of `standard` for `city`: one per indicator, in the standard's order, with its
    /// title in `language` (English when it has none there), its unit, and the city's latest value that counts.
    pub async fn observation_template(
        &self,
        city: &CityId,
        standard: &StandardId,
        language: Language,
    ) -> Result<Vec<TemplateRow>, ServiceError> {
        self.store.find_city(city).await?;
        let indicators = self.list_indicators(standard).await?;
        let mut latest: HashMap<IndicatorId, Observation> = HashMap::new();
        for o in self.city_observations(city).await? {
            if o.status == ObservationStatus::Rejected {
                continue;
            }
            // Oldest first within each indicator: the last one seen is the latest.
            match latest.get(&o.indicator_id) {
                Some(kept) if kept.year > o.year => {}
                _ => {
                    latest.insert(o.indicator_id.clone(), o);
                }
            }
        }
        Ok(indicators
            .into_iter()
            .map(|i| TemplateRow {
                title: i.display_title(language).0.to_owned(),
                unit: i.unit.clone().unwrap_or_default(),
                latest: latest.remove(&i.id),
                indicator: i.id,
            })
            .collect())
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
                    Reason::not_one_of(status, "verified, rejected"),
                )
                .into());
            }
            (ObservationStatus::Rejected, None) => {
                return Err(mitra_domain::ValidationError::new(
                    "reason",
                    Reason::rejection_needs_reason(),
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

/// The audit name of an uploaded file: the page, and the file's name as the browser gave it (shortened).
fn upload_origin(name: &str) -> String {
    let name: String = name.chars().filter(|c| !c.is_control()).take(80).collect();
    if name.trim().is_empty() {
        "upload".into()
    } else {
        format!("upload {}", name.trim())
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
