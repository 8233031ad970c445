//! The knowledge exchange: entries and their search.
//!
//! The search index is derived state. It lives in the data directory (or in memory when Mitra runs without one),
//! is built from the store the first time it is needed, and follows the change feed: before each search, the
//! entries written since the index's recorded feed position are applied, so a write is found by the next search.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use mitra_domain::access::AuditStamp;
use mitra_domain::entry_import::{ImportedEntry, ReadingPass, read_entry_pages};
use mitra_domain::import_source::ImportSource;
use mitra_domain::reference::{
    FundingFiles, InitiativeFiles, ScapFiles, parse_focus_areas, parse_funding, parse_initiatives,
    parse_scap_projects, parse_solutions,
};
use mitra_domain::{
    Actor, City, CityFilter, CityId, Country, Entry, EntryId, ModerationStatus, OrgId, Reason,
    ValidationError,
};
use mitra_search::{Document, Opened, SearchIndex};
use mitra_store::{IndexedEntry, StoredEntry};
use tokio::sync::{Mutex, OnceCell};

use crate::{Mitra, ServiceError};

mod search;

pub use search::{
    Found, SearchFilter, SearchPage, SearchRequest, UnknownParameters, dimension_name,
    parse_dimension,
};

/// The demo pack of documented initiatives.
pub(crate) const DEMO_ENTRIES_PACK: &str = "entries/initiatives";
/// The demo pack of opportunities: the ASCN cities' 2018 priority projects, funding programmes, and the solutions
/// the initiatives document. A pack of its own, so that a demonstration loaded before it was shipped gets it too.
const DEMO_OPPORTUNITIES_PACK: &str = "entries/opportunities";

/// When the sources of `data/initiatives/` were read: the files were compiled in November 2026 and record no day
/// (`data/SOURCES.md`). The funding file records its own retrieval date per row.
const INITIATIVES_READ: &str = "2026-11";

const INITIATIVE_FILES: InitiativeFiles<'static> = InitiativeFiles {
    initiatives: (
        "initiatives/initiatives.csv",
        include_str!("../../../data/initiatives/initiatives.csv"),
    ),
    translations: (
        "initiatives/translations.csv",
        include_str!("../../../data/initiatives/translations.csv"),
    ),
    places: (
        "initiatives/place_names.csv",
        include_str!("../../../data/initiatives/place_names.csv"),
    ),
};

const SCAP_FILES: ScapFiles<'static> = ScapFiles {
    priorities: (
        "initiatives/ascn_city_priorities.csv",
        include_str!("../../../data/initiatives/ascn_city_priorities.csv"),
    ),
    translations: (
        "initiatives/scap_translations.csv",
        include_str!("../../../data/initiatives/scap_translations.csv"),
    ),
    aliases: (
        "cities/city_aliases.csv",
        include_str!("../../../data/cities/city_aliases.csv"),
    ),
    places: (
        "initiatives/place_names.csv",
        include_str!("../../../data/initiatives/place_names.csv"),
    ),
};

const FUNDING_FILES: FundingFiles<'static> = FundingFiles {
    programmes: (
        "funding/funding_programmes.csv",
        include_str!("../../../data/funding/funding_programmes.csv"),
    ),
    selection: (
        "funding/selection.csv",
        include_str!("../../../data/funding/selection.csv"),
    ),
    translations: (
        "funding/translations.csv",
        include_str!("../../../data/funding/translations.csv"),
    ),
};

const SOLUTIONS: (&str, &str) = (
    "initiatives/solutions.csv",
    include_str!("../../../data/initiatives/solutions.csv"),
);

const FOCUS_AREAS: (&str, &str) = (
    "standards/asean_ascn_focus_areas.csv",
    include_str!("../../../data/standards/asean_ascn_focus_areas.csv"),
);

/// Example training and events for the demonstration, each marked `example` (`data/entries/examples.json`).
const EXAMPLES: (&str, &str) = (
    "entries/examples.json",
    include_str!("../../../data/entries/examples.json"),
);

/// Most hits one page of search results holds.
pub const MAX_SEARCH_LIMIT: usize = 100;
/// Deepest a search pages: BM25 ranking past this point is noise, and deep offsets cost the index.
pub const MAX_SEARCH_OFFSET: usize = 10_000;
/// Most entries one export holds.
pub const MAX_EXPORT: usize = 10_000;

/// Where the search index is kept, and the index once opened.
#[derive(Default)]
pub(crate) struct SearchState {
    dir: Option<PathBuf>,
    index: OnceCell<Arc<SearchIndex>>,
    places: OnceCell<Arc<Places>>,
    /// The change-feed position known to be reflected, moved past writes that do not concern entries.
    seen: AtomicI64,
    /// One catch-up at a time.
    catching_up: Mutex<()>,
    /// Whether opening the index has just built it from the store (so a rebuild asked for now has nothing to do).
    built_at_open: std::sync::atomic::AtomicBool,
    /// The index in memory that searches use once the one on disk could not be opened or written (a full disk):
    /// built from the store, it keeps search working and current until the next start.
    fallback: OnceCell<Arc<SearchIndex>>,
    /// Why searches run from memory, when they do.
    problem: std::sync::Mutex<Option<String>>,
}

impl SearchState {
    /// The change-feed position the index reflects, how many entries it holds (when it is open) and how many bytes
    /// its folder takes (when it is kept on disk).
    pub(crate) fn state(&self) -> (i64, Option<u64>, Option<u64>) {
        let documents = self
            .fallback
            .get()
            .or_else(|| self.index.get())
            .map(|index| index.len());
        let bytes = self.dir.as_deref().map(folder_bytes);
        (self.seen.load(Ordering::Relaxed), documents, bytes)
    }

    pub(crate) fn in_dir(dir: PathBuf) -> Self {
        Self {
            dir: Some(dir),
            ..Self::default()
        }
    }
}

/// The cities and countries entries refer to, by id: what the index needs to describe an entry (each city's names
/// in every language, its country), and what pages need to name facet values. Loaded once with the index.
#[derive(Debug, Default)]
pub struct Places {
    /// Cities by id.
    pub cities: HashMap<CityId, City>,
    /// Countries by ISO 3166-1 alpha-2 code.
    pub countries: HashMap<String, Country>,
    /// Each city's names, in every language, gathered once: every entry of a city names them all.
    city_names: HashMap<CityId, Vec<String>>,
}

impl Places {
    /// The city with id `id`, if Mitra lists it.
    pub fn city(&self, id: &str) -> Option<&City> {
        CityId::parse(id).ok().and_then(|id| self.cities.get(&id))
    }

    /// The search index's document of `indexed`.
    fn document(&self, indexed: &IndexedEntry) -> Document {
        let entry = &indexed.entry;
        let mut names = BTreeSet::new();
        let mut countries = BTreeSet::new();
        for id in &entry.cities {
            if let Some(city) = self.cities.get(id) {
                names.extend(self.city_names.get(id).into_iter().flatten());
                countries.insert(city.country.to_string());
            }
        }
        for code in &countries {
            if let Some(country) = self.countries.get(code) {
                names.insert(&country.name_en);
                names.extend(&country.name_zh);
            }
        }
        Document {
            id: entry.id.to_string(),
            kind: entry.kind().tag().to_owned(),
            texts: entry
                .texts
                .iter()
                .map(|t| mitra_search::Text {
                    lang: t.lang.tag().to_owned(),
                    title: t.title.clone(),
                    body: if t.body.is_empty() {
                        t.summary.clone()
                    } else {
                        format!("{}\n\n{}", t.summary, t.body)
                    },
                })
                .collect(),
            names: names
                .into_iter()
                .cloned()
                .chain(entry.organisations.iter().cloned())
                .collect(),
            topics: entry
                .tags
                .iter()
                .map(String::as_str)
                .chain(entry.challenges.iter().map(|c| c.tag()))
                .chain(entry.focus_areas.iter().map(String::as_str))
                .map(|tag| tag.replace(['-', '_'], " "))
                .collect(),
            countries: countries.into_iter().collect(),
            cities: entry.cities.iter().map(ToString::to_string).collect(),
            focus_areas: entry.focus_areas.iter().cloned().collect(),
            challenges: entry
                .challenges
                .iter()
                .map(|c| c.tag().to_owned())
                .collect(),
            year: entry.year_from.or(entry.year_to),
            updated: indexed.updated_unix,
        }
    }
}

/// What an import of entries did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryImportReport {
    /// Entries in the file.
    pub read: u64,
    /// What was written; `None` for a dry run.
    pub writes: Option<mitra_store::EntryWrites>,
    /// Entries of the file that were already stored (and are replaced).
    pub replaced: u64,
    /// `Approved` when the publisher's entries are public once written; `Pending` when they wait for a platform
    /// admin because the organisation is not approved yet.
    pub status: ModerationStatus,
    /// Entries that wait for a platform admin's review once written: all of them when the organisation is not
    /// approved, otherwise those of the file that were already waiting or rejected.
    pub waiting: u64,
}

impl Mitra {
    /// The cities and countries entries refer to, loaded once.
    pub async fn places(&self) -> Result<Arc<Places>, ServiceError> {
        let places = self
            .search
            .places
            .get_or_try_init(|| async {
                Ok::<_, ServiceError>(Arc::new(self.load_places().await?))
            })
            .await?;
        Ok(places.clone())
    }

    async fn load_places(&self) -> Result<Places, ServiceError> {
        let cities = crate::all_pages(
            |page| {
                let store = self.store.clone();
                async move { store.list_cities(&CityFilter::default(), &page).await }
            },
            |c: &City| c.id.to_string(),
        )
        .await?;
        let countries = self.store.list_countries().await?;
        let city_names = cities
            .iter()
            .map(|city| {
                let mut names = vec![city.name_en.clone()];
                names.extend(city.name_zh.clone());
                names.extend(city.name_local.as_ref().map(|(name, _)| name.clone()));
                for language in mitra_domain::Language::ALL {
                    names.extend(
                        crate::cities::city_names()
                            .name(&city.id, language)
                            .map(|n| n.name.clone()),
                    );
                }
                (city.id.clone(), names)
            })
            .collect();
        Ok(Places {
            city_names,
            cities: cities.into_iter().map(|c| (c.id.clone(), c)).collect(),
            countries: countries
                .into_iter()
                .map(|c| (c.code.to_string(), c))
                .collect(),
        })
    }

    /// The demo entries: the documented initiatives, checked against the loaded cities and countries, the example
    /// training and events, and the opportunities ([`Mitra::demo_opportunities`]); every one but the initiatives is
    /// flagged as an example.
    pub async fn demo_entries(&self) -> Result<Vec<Entry>, ServiceError> {
        let (mut entries, opportunities) = self.demo_packs().await?;
        entries.extend(opportunities);
        Ok(entries)
    }

    /// The demo's opportunities, each flagged as an example with its sources and when they were read: the priority
    /// projects the 26 ASCN pilot cities declared in their 2018 Smart City Action Plans, the funding programmes open
    /// to ASEAN and Chinese cities that `data/funding/selection.csv` shows, and the solutions the initiatives
    /// document as deployed by a named provider.
    pub async fn demo_opportunities(&self) -> Result<Vec<Entry>, ServiceError> {
        Ok(self.demo_packs().await?.1)
    }

    /// The two demo packs of entries: the initiatives with the example training and events, and the opportunities.
    async fn demo_packs(&self) -> Result<(Vec<Entry>, Vec<Entry>), ServiceError> {
        let places = self.load_places().await?;
        let cities: Vec<City> = places.cities.into_values().collect();
        let countries: Vec<Country> = places.countries.into_values().collect();
        let mut entries = parse_initiatives(&INITIATIVE_FILES, &cities, &countries)?;
        let focus_areas = parse_focus_areas(FOCUS_AREAS.0, FOCUS_AREAS.1)?;
        let mut opportunities = parse_scap_projects(
            &SCAP_FILES,
            &cities,
            &countries,
            &focus_areas,
            INITIATIVES_READ,
        )?;
        opportunities.extend(parse_funding(&FUNDING_FILES, &focus_areas)?);
        opportunities.extend(parse_solutions(SOLUTIONS, &entries, INITIATIVES_READ)?);
        let bad = |reason: String| mitra_domain::reference::RowError {
            file: EXAMPLES.0.to_owned(),
            line: 0,
            field: "entry".into(),
            reason,
        };
        let examples: Vec<Entry> =
            serde_json::from_str(EXAMPLES.1).map_err(|e| bad(e.to_string()))?;
        for example in examples {
            example
                .validate()
                .map_err(|e| bad(format!("{}: {e}", example.id)))?;
            if !example.example {
                return Err(bad(format!("{} is not marked as an example", example.id)).into());
            }
            if let Some(city) = example
                .cities
                .iter()
                .find(|c| !cities.iter().any(|known| &known.id == *c))
            {
                return Err(bad(format!(
                    "{}: {city} is not one of Mitra's cities",
                    example.id
                ))
                .into());
            }
            entries.push(example);
        }
        Ok((entries, opportunities))
    }

    /// Loads each demo pack of entries unless it was loaded before, as entries of the platform (no organisation
    /// publishes them); `true` when one was loaded now.
    pub(crate) async fn load_demo_entries(&self) -> Result<bool, ServiceError> {
        let loaded = self.store.demo_packs().await?;
        let wanted = |pack: &str| !loaded.iter().any(|p| p == pack);
        if !wanted(DEMO_ENTRIES_PACK) && !wanted(DEMO_OPPORTUNITIES_PACK) {
            return Ok(false);
        }
        let (initiatives, opportunities) = self.demo_packs().await?;
        let mut newly_loaded = false;
        for (pack, entries) in [
            (DEMO_ENTRIES_PACK, initiatives),
            (DEMO_OPPORTUNITIES_PACK, opportunities),
        ] {
            if !wanted(pack) {
                continue;
            }
            self.store
                .put_entries(
                    &entries
                        .into_iter()
                        .map(|e| (e, ModerationStatus::Approved))
                        .collect::<Vec<_>>(),
                    None,
                    &AuditStamp::system("demo"),
                )
                .await?;
            newly_loaded |= self
                .store
                .mark_demo_loaded(pack, &AuditStamp::system("demo"))
                .await?;
        }
        Ok(newly_loaded)
    }

    /// Checks an entry written by a user: the domain's rules, and that its cities are Mitra's.
    async fn check_entry(&self, entry: &Entry) -> Result<(), ServiceError> {
        entry.validate()?;
        let places = self.places().await?;
        if let Some((i, city)) = entry
            .cities
            .iter()
            .enumerate()
            .find(|(_, c)| !places.cities.contains_key(*c))
        {
            return Err(
                ValidationError::new(format!("cities[{i}]"), Reason::unknown_city(city)).into(),
            );
        }
        Ok(())
    }

    /// An editor of organisation `org`, who may write its entries. The entries of an organisation that is not
    /// approved wait for a platform admin, as the organisation does.
    async fn publishing_editor(
        &self,
        actor: &Actor,
        org: &OrgId,
    ) -> Result<mitra_domain::access::OrgEditor, ServiceError> {
        let found = self.store.find_org(org).await?;
        Ok(actor.org_editor(org, found.status == ModerationStatus::Approved)?)
    }

    /// Publishes a new entry for organisation `org`, whose editors (and platform admins) may do so once it is
    /// approved.
    pub async fn create_entry(
        &self,
        actor: &Actor,
        org: &OrgId,
        entry: &Entry,
    ) -> Result<StoredEntry, ServiceError> {
        let editor = self.publishing_editor(actor, org).await?;
        self.check_entry(entry).await?;
        match self.store.find_entry(&entry.id).await {
            Ok(_) => {
                return Err(ServiceError::Conflict(Reason::entry_exists(&entry.id)));
            }
            Err(mitra_store::StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        let status = ModerationStatus::after_change(None, editor.org_approved());
        self.store
            .put_entries(
                &[(entry.clone(), status)],
                Some(editor.org()),
                editor.stamp(),
            )
            .await?;
        Ok(self.store.find_entry(&entry.id).await?)
    }

    /// Whether `actor` may import entries for `org` (or, without, as the platform's own), checked before a file is
    /// read.
    pub async fn may_import_entries(
        &self,
        actor: &Actor,
        org: Option<&OrgId>,
    ) -> Result<(), ServiceError> {
        self.entry_importer(actor, org).await.map(drop)
    }

    /// Who imports entries for `org` (or, without, as the platform's own): the publishing organisation, the
    /// importer's audit stamp, and the status of the organisation's new entries.
    async fn entry_importer(
        &self,
        actor: &Actor,
        org: Option<&OrgId>,
    ) -> Result<(Option<OrgId>, AuditStamp, ModerationStatus), ServiceError> {
        Ok(match org {
            Some(org) => {
                let editor = self.publishing_editor(actor, org).await?;
                let status = ModerationStatus::after_change(None, editor.org_approved());
                (Some(editor.org().clone()), editor.stamp().clone(), status)
            }
            None => (
                None,
                actor.platform_admin()?.stamp().clone(),
                ModerationStatus::Approved,
            ),
        })
    }

    /// Imports entries from a CSV or JSON file (`mitra_domain::entry_import` describes the format), all or none.
    /// With `org`, they are published for that organisation by one of its editors; without, they are the
    /// platform's own (operators and platform admins only). An id that exists is replaced if the importer may
    /// change it. Every bad row is reported; `dry_run` checks and writes nothing.
    ///
    /// The file is read as a stream and written a page at a time in one transaction, so a file of any size is
    /// imported in bounded memory; `progress` learns how many of its bytes have been checked
    /// ([`crate::ImportStage::Checking`]: a CSV file's first reading) and read and written
    /// ([`crate::ImportStage::Writing`]).
    pub async fn import_entries(
        &self,
        actor: &Actor,
        org: Option<&OrgId>,
        source: Arc<dyn ImportSource>,
        dry_run: bool,
        progress: crate::Progress<'_>,
    ) -> Result<EntryImportReport, ServiceError> {
        let outcome = self
            .read_and_write_entries(actor, org, source, dry_run, progress)
            .await;
        if !dry_run {
            self.imports
                .count(crate::operations::ImportKind::Entries, &outcome, |report| {
                    report.writes.map_or(0, |w| w.inserted + w.updated)
                });
        }
        outcome
    }

    async fn read_and_write_entries(
        &self,
        actor: &Actor,
        org: Option<&OrgId>,
        source: Arc<dyn ImportSource>,
        dry_run: bool,
        progress: crate::Progress<'_>,
    ) -> Result<EntryImportReport, ServiceError> {
        let (owner, writer, status) = self.entry_importer(actor, org).await?;
        let catalogue = self.catalogue().await?;
        // The file is read on another thread, which hands on a page of checked entries at a time; no more than two
        // pages wait here.
        let (pages, mut received) = tokio::sync::mpsc::channel::<Vec<ImportedEntry>>(2);
        let size = source.size();
        let read_so_far = Arc::new([AtomicU64::new(0), AtomicU64::new(0)]);
        let reading_at = read_so_far.clone();
        let reading = tokio::task::spawn_blocking(move || {
            read_entry_pages(
                &*source,
                &|city| catalogue.resolve_city(city),
                &mut |page| pages.blocking_send(page).is_ok(),
                &mut |pass, bytes| {
                    reading_at[usize::from(pass == ReadingPass::Reading)]
                        .store(bytes, Ordering::Relaxed);
                },
            )
        });
        // The write transaction begins with the first page, so that other writers do not wait while a CSV file is
        // read through for the first time.
        let mut writing = !dry_run;
        let mut import: Option<Box<dyn mitra_store::EntryImport>> = None;
        let mut report = EntryImportReport {
            read: 0,
            writes: (!dry_run).then(mitra_store::EntryWrites::default),
            replaced: 0,
            status,
            waiting: 0,
        };
        let mut taken = mitra_domain::observation::ImportErrors::default();
        let mut told = 0;
        // Progress is told as pages arrive, and every so often while the first reading of a CSV file hands on none.
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(250));
        loop {
            let page = tokio::select! {
                page = received.recv() => page,
                _ = tick.tick() => {
                    told = tell_progress(progress, &read_so_far, size, told);
                    continue;
                }
            };
            let Some(page) = page else { break };
            if writing && import.is_none() {
                import = Some(
                    self.store
                        .begin_entry_import(owner.as_ref(), &writer)
                        .await?,
                );
            }
            let ids: Vec<EntryId> = page.iter().map(|i| i.entry.id.clone()).collect();
            let stored = match import.as_mut() {
                Some(import) => import.existing(&ids).await?,
                None => self.store.find_entries(&ids).await?,
            };
            let existing: HashMap<&str, &StoredEntry> =
                stored.iter().map(|e| (e.entry.id.as_str(), e)).collect();
            for item in &page {
                if let Some(stored) = existing.get(item.entry.id.as_str())
                    && stored.owner_org != owner
                {
                    taken.push(mitra_domain::observation::ImportError {
                        line: item.line,
                        column: "id".into(),
                        reason: Reason::published_by_other(&item.entry.id),
                    });
                }
            }
            if !taken.is_empty() {
                // Nothing more is written; the file is still read to its end for its other problems.
                writing = false;
                import = None;
                continue;
            }
            // Each entry's status: an entry waiting for review or rejected is not approved by importing it again.
            let entries: Vec<(Entry, ModerationStatus)> = page
                .into_iter()
                .map(|i| {
                    let stored = existing.get(i.entry.id.as_str()).map(|e| e.status);
                    let after = ModerationStatus::after_change(
                        stored,
                        status == ModerationStatus::Approved,
                    );
                    (i.entry, after)
                })
                .collect();
            report.read += entries.len() as u64;
            report.replaced += entries
                .iter()
                .filter(|(e, _)| existing.contains_key(e.id.as_str()))
                .count() as u64;
            report.waiting += entries
                .iter()
                .filter(|(_, s)| *s != ModerationStatus::Approved)
                .count() as u64;
            if let (Some(import), Some(writes)) = (import.as_mut(), report.writes.as_mut()) {
                let wrote = import.put(&entries).await?;
                writes.inserted += wrote.inserted;
                writes.updated += wrote.updated;
                writes.unchanged += wrote.unchanged;
            }
        }
        let read = reading
            .await
            .map_err(|e| ServiceError::Internal(e.into()))?;
        tell_progress(progress, &read_so_far, size, told);
        match read {
            Err(mut errors) => {
                errors.absorb(taken);
                Err(ServiceError::Import(errors))
            }
            Ok(_) if !taken.is_empty() => Err(ServiceError::Import(taken)),
            Ok(_) => {
                if let Some(import) = import {
                    import.commit().await?;
                }
                Ok(report)
            }
        }
    }

    /// Who may change or delete a stored entry: editors of its organisation, or platform admins for entries
    /// shipped with the platform. Returns the actor's audit stamp.
    pub(crate) async fn entry_writer(
        &self,
        actor: &Actor,
        stored: &StoredEntry,
    ) -> Result<AuditStamp, ServiceError> {
        Ok(self.entry_writer_and_status(actor, stored).await?.0)
    }

    /// [`Self::entry_writer`], and the moderation status a change by them gets
    /// ([`ModerationStatus::after_change`]): an approved entry stays public when its organisation is approved (or
    /// it is the platform's); one waiting for review or rejected waits for a platform admin again. To those who may
    /// not change it, an entry that is not public does not exist (404), as it does not when they look at it.
    async fn entry_writer_and_status(
        &self,
        actor: &Actor,
        stored: &StoredEntry,
    ) -> Result<(AuditStamp, ModerationStatus), ServiceError> {
        let writer = match &stored.owner_org {
            Some(org) => {
                let found = self.store.find_org(org).await?;
                let approved = found.status == ModerationStatus::Approved;
                actor
                    .org_editor(org, approved)
                    .map(|editor| (editor.stamp().clone(), approved))
            }
            None => actor
                .platform_admin()
                .map(|admin| (admin.stamp().clone(), true)),
        };
        match writer {
            Ok((writer, published_at_once)) => Ok((
                writer,
                ModerationStatus::after_change(Some(stored.status), published_at_once),
            )),
            Err(_) if stored.status != ModerationStatus::Approved => Err(ServiceError::NotFound {
                entity: "entry",
                id: stored.entry.id.to_string(),
            }),
            Err(denied) => Err(denied.into()),
        }
    }

    /// Replaces entry `id` with `entry` (whose id must be `id`).
    pub async fn update_entry(
        &self,
        actor: &Actor,
        id: &EntryId,
        entry: &Entry,
    ) -> Result<StoredEntry, ServiceError> {
        let stored = self.store.find_entry(id).await?;
        let (writer, status) = self.entry_writer_and_status(actor, &stored).await?;
        if entry.id != *id {
            return Err(ValidationError::new("id", Reason::id_mismatch(&entry.id, id)).into());
        }
        self.check_entry(entry).await?;
        self.store
            .put_entries(&[(entry.clone(), status)], None, &writer)
            .await?;
        Ok(self.store.find_entry(id).await?)
    }

    /// Deletes entry `id`.
    pub async fn delete_entry(&self, actor: &Actor, id: &EntryId) -> Result<(), ServiceError> {
        let stored = self.store.find_entry(id).await?;
        let writer = self.entry_writer(actor, &stored).await?;
        let files: Vec<String> = self
            .store
            .list_attachments(id)
            .await?
            .into_iter()
            .map(|a| a.sha256)
            .collect();
        self.store.delete_entry(id, &writer).await?;
        self.forget_files(&files).await
    }

    /// The stored entries of `ids` that exist, by id.
    pub(crate) async fn entries_by_id(
        &self,
        ids: &[EntryId],
    ) -> Result<HashMap<String, StoredEntry>, ServiceError> {
        Ok(self
            .store
            .find_entries(ids)
            .await?
            .into_iter()
            .map(|e| (e.entry.id.to_string(), e))
            .collect())
    }

    /// One entry, whatever its moderation status: for the service's own checks.
    pub(crate) async fn entry(&self, id: &EntryId) -> Result<StoredEntry, ServiceError> {
        Ok(self.store.find_entry(id).await?)
    }

    /// One entry as `actor` may see it: an entry waiting for review, or rejected, is shown only to those who may
    /// edit it (and platform admins); to everyone else it does not exist.
    pub async fn entry_for(
        &self,
        actor: &Actor,
        id: &EntryId,
    ) -> Result<StoredEntry, ServiceError> {
        let stored = self.entry(id).await?;
        // Platform admins write every entry, so `entry_writer` admits them too.
        if stored.status == ModerationStatus::Approved
            || self.entry_writer(actor, &stored).await.is_ok()
        {
            Ok(stored)
        } else {
            Err(ServiceError::NotFound {
                entity: "entry",
                id: id.to_string(),
            })
        }
    }

    /// The entries waiting for review, oldest first: for platform admins.
    pub async fn entry_queue(&self, actor: &Actor) -> Result<Vec<StoredEntry>, ServiceError> {
        actor.platform_admin()?;
        Ok(self
            .store
            .entries_with_status(ModerationStatus::Pending, 200)
            .await?)
    }

    /// Publishes an entry that waits for review: platform admins.
    pub async fn approve_entry(&self, actor: &Actor, id: &EntryId) -> Result<(), ServiceError> {
        let admin = actor.platform_admin()?;
        Ok(self
            .store
            .moderate_entry(id, ModerationStatus::Approved, None, admin.stamp())
            .await?)
    }

    /// Rejects an entry with a reason its authors read: platform admins. It leaves search and feeds.
    pub async fn reject_entry(
        &self,
        actor: &Actor,
        id: &EntryId,
        reason: &str,
    ) -> Result<(), ServiceError> {
        let admin = actor.platform_admin()?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2_000 {
            return Err(ValidationError::new("reason", Reason::reason_required(2000)).into());
        }
        Ok(self
            .store
            .moderate_entry(id, ModerationStatus::Rejected, Some(reason), admin.stamp())
            .await?)
    }

    /// Why searches run from an index in memory instead of the one in the data directory, if they do.
    pub fn search_problem(&self) -> Option<String> {
        self.search
            .problem
            .lock()
            .map_or(None, |problem| problem.clone())
    }

    /// Switches searches to an index in memory, built from the store, because the one on disk failed with
    /// `error`; returns it. Reads keep working; writes to the store are not affected.
    async fn use_memory(
        &self,
        error: &mitra_search::SearchError,
    ) -> Result<Arc<SearchIndex>, ServiceError> {
        let state = &self.search;
        let where_ = state
            .dir
            .as_ref()
            .map_or_else(String::new, |d| format!(" in {}", d.display()));
        let problem = format!(
            "the search index{where_} cannot be written ({error}); searching from an index in memory until the next \
             start. Free space on the disk (or fix the directory), then restart."
        );
        tracing::error!(problem = %problem, "search.index_unwritable");
        if let Ok(mut slot) = state.problem.lock() {
            *slot = Some(problem);
        }
        let index = state
            .fallback
            .get_or_try_init(|| async {
                let index = Arc::new(SearchIndex::in_memory().map_err(internal)?);
                self.rebuild_into(&index).await?;
                Ok::<_, ServiceError>(index)
            })
            .await?;
        Ok(index.clone())
    }

    async fn index(&self) -> Result<Arc<SearchIndex>, ServiceError> {
        let state = &self.search;
        if let Some(memory) = state.fallback.get() {
            return Ok(memory.clone());
        }
        let opened = state
            .index
            .get_or_try_init(|| async {
                let (index, opened) = match &state.dir {
                    Some(dir) => {
                        let dir = dir.clone();
                        match tokio::task::spawn_blocking(move || SearchIndex::open(&dir))
                            .await
                            .map_err(|e| ServiceError::Internal(e.into()))?
                        {
                            Ok(opened) => opened,
                            Err(error) => return Err(IndexFailure::Open(error)),
                        }
                    }
                    None => (SearchIndex::in_memory().map_err(internal)?, Opened::Empty),
                };
                let index = Arc::new(index);
                match opened {
                    Opened::Current { since } => {
                        state
                            .seen
                            .store(i64::try_from(since).unwrap_or(0), Ordering::Relaxed);
                    }
                    Opened::Empty => {
                        self.rebuild_into(&index).await?;
                        state.built_at_open.store(true, Ordering::Relaxed);
                    }
                }
                Ok::<_, IndexFailure>(index)
            })
            .await;
        match opened {
            Ok(index) => Ok(index.clone()),
            Err(IndexFailure::Open(error)) if error.is_locked() => {
                Err(ServiceError::Config(format!(
                    "the search index in {} is in use by another process: is another mitra serve using this data \
                 directory?",
                    state
                        .dir
                        .as_ref()
                        .map_or_else(String::new, |d| d.display().to_string())
                )))
            }
            Err(IndexFailure::Open(error)) => self.use_memory(&error).await,
            Err(IndexFailure::Service(error)) => Err(error),
        }
    }

    /// Opens the search index, building it from the store when it is new or of another version, and brings it up
    /// to date with the change feed; returns how many entries it holds.
    pub async fn prepare_search(&self) -> Result<u64, ServiceError> {
        Ok(self.current_index().await?.len())
    }

    /// Keeps the search index current in the background: every second, the entries written since (by this node,
    /// another node or the command line) are applied. Searches apply them too, so this only keeps them quick.
    /// Abort the returned task before closing the store.
    pub fn follow_search_feed(&self) -> tokio::task::JoinHandle<()> {
        let mitra = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            loop {
                tick.tick().await;
                if let Err(error) = mitra.current_index().await {
                    tracing::warn!(error = %error, "search.follow_failed");
                }
            }
        })
    }

    /// Rebuilds the search index from every stored entry; returns how many entries it holds.
    pub async fn rebuild_search_index(&self) -> Result<u64, ServiceError> {
        let index = self.index().await?;
        if let Some(problem) = self.search_problem() {
            // The index in the data directory is what a rebuild is for; one in memory is not a rebuild.
            return Err(ServiceError::Config(problem));
        }
        if self.search.built_at_open.swap(false, Ordering::Relaxed) {
            // Opening found no usable index and has just built it from the store.
            return Ok(index.len());
        }
        let _turn = self.search.catching_up.lock().await;
        self.rebuild_into(&index).await
    }

    async fn rebuild_into(&self, index: &Arc<SearchIndex>) -> Result<u64, ServiceError> {
        // The feed position first: an entry written while the index is built is applied again by the next search.
        let position = self
            .feed_end_after(self.search.seen.load(Ordering::Relaxed))
            .await?;
        let places = self.places().await?;
        // Page by page: the store is read here while the index takes the page before on another thread, and no more
        // than two pages wait between them.
        let (pages, mut received) = tokio::sync::mpsc::channel::<RebuildStep>(2);
        let building = index.clone();
        let builder = tokio::task::spawn_blocking(move || {
            let mut rebuild = building.begin_rebuild()?;
            let mut count = 0;
            while let Some(step) = received.blocking_recv() {
                match step {
                    RebuildStep::Page(documents) => {
                        count += documents.len() as u64;
                        rebuild.add(documents)?;
                    }
                    RebuildStep::Commit(position) => {
                        rebuild.commit(position)?;
                        return Ok(Some(count));
                    }
                }
            }
            // The store could not be read to the end: the index stays as it was.
            Ok::<_, mitra_search::SearchError>(None)
        });
        let read = async {
            let mut listing = crate::Pages::of(REBUILD_PAGE);
            while let Some(page) = listing.next_request() {
                let batch = self.store.list_entries_for_index(&page).await?;
                listing.took(batch.len(), batch.last().map(|e| e.entry.id.to_string()));
                let documents = batch
                    .iter()
                    .filter(|e| e.status == ModerationStatus::Approved)
                    .map(|e| places.document(e))
                    .collect();
                // A send fails when the index has failed; its error is the one reported.
                if pages.send(RebuildStep::Page(documents)).await.is_err() {
                    break;
                }
            }
            // Every page is in (or the index has failed, and this send fails too).
            let position = u64::try_from(position).unwrap_or(0);
            drop(pages.send(RebuildStep::Commit(position)).await);
            Ok::<_, ServiceError>(())
        }
        .await;
        let built = builder
            .await
            .map_err(|e| ServiceError::Internal(e.into()))?
            .map_err(internal)?;
        read?;
        let count = built.ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!(
                "the search index rebuild ended before its commit"
            ))
        })?;
        self.search.seen.store(position, Ordering::Relaxed);
        Ok(count)
    }

    /// The last position of the change feed, and at least `seq`. The feed is numbered in commit order, so its head
    /// is where reading it onwards from `seq` would end, without reading a million changes to get there.
    pub(crate) async fn feed_end_after(&self, seq: i64) -> Result<i64, ServiceError> {
        Ok(seq.max(self.store.feed_head().await?))
    }

    /// Applies the entries written since the index's position; returns the index, current.
    async fn current_index(&self) -> Result<Arc<SearchIndex>, ServiceError> {
        let index = self.index().await?;
        let _turn = self.search.catching_up.lock().await;
        let mut after = self.search.seen.load(Ordering::Relaxed);
        loop {
            let changes = self.store.list_changes_since(after, 500).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            let touched: BTreeSet<&str> = changes
                .iter()
                .filter(|c| c.entity == "entry")
                .map(|c| c.entity_id.as_str())
                .collect();
            if !touched.is_empty() {
                let ids: Vec<EntryId> = touched
                    .iter()
                    .filter_map(|id| EntryId::parse(id).ok())
                    .collect();
                // Entries waiting for review or rejected leave the index like deleted ones.
                let found: Vec<IndexedEntry> = self
                    .store
                    .find_entries(&ids)
                    .await?
                    .into_iter()
                    .map(IndexedEntry::from)
                    .filter(|e| e.status == ModerationStatus::Approved)
                    .collect();
                let places = self.places().await?;
                let documents: Vec<Document> = found.iter().map(|e| places.document(e)).collect();
                let removals: Vec<String> = touched
                    .iter()
                    .filter(|id| !found.iter().any(|e| e.entry.id.as_str() == **id))
                    .map(|id| (*id).to_owned())
                    .collect();
                let writer = index.clone();
                let applied = tokio::task::spawn_blocking(move || {
                    writer.apply(&documents, &removals, u64::try_from(last).unwrap_or(0))
                })
                .await
                .map_err(|e| ServiceError::Internal(e.into()))?;
                if let Err(error) = applied {
                    // The index on disk cannot take the change (a full disk): search on from memory.
                    return self.use_memory(&error).await;
                }
            }
            after = last;
            self.search.seen.store(after, Ordering::Relaxed);
            if changes.len() < 500 {
                break;
            }
        }
        Ok(index)
    }
}

/// The bytes of the files in `dir` and below (0 for a folder that cannot be read).
fn folder_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .map(|entry| match entry.metadata() {
                Ok(meta) if meta.is_dir() => folder_bytes(&entry.path()),
                Ok(meta) => meta.len(),
                Err(_) => 0,
            })
            .sum()
    })
}

/// Entries read from the store at a time when the index is rebuilt.
const REBUILD_PAGE: u32 = 1000;

/// What the reading side of a rebuild hands the index.
enum RebuildStep {
    /// The next page of documents.
    Page(Vec<Document>),
    /// Every page is in: commit, recording this change-feed position.
    Commit(u64),
}

/// Why the index could not be opened: the index itself, or the store it is built from.
enum IndexFailure {
    Open(mitra_search::SearchError),
    Service(ServiceError),
}

impl From<ServiceError> for IndexFailure {
    fn from(error: ServiceError) -> Self {
        IndexFailure::Service(error)
    }
}

fn internal(e: mitra_search::SearchError) -> ServiceError {
    ServiceError::Internal(e.into())
}

/// What a reader may do with an entry, as its page offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EntryPermissions {
    /// Change or delete it, attach files to it and see who enrolled: editors of its organisation, or platform
    /// admins for the platform's own entries.
    pub edit: bool,
    /// Enrol in it when it is a training: signed-in accounts.
    pub enrol: bool,
}

/// A training's seats as one reader sees them.
#[derive(Debug, Clone)]
pub struct TrainingSeats {
    /// Seats offered, held and waited for.
    pub seats: crate::Seats,
    /// Where the reader stands, if enrolled.
    pub standing: Option<crate::Standing>,
    /// Everyone enrolled, in order, for those who may edit the training; empty for everyone else.
    pub enrolled: Vec<crate::Enrolled>,
}

/// An entry with everything its page shows, read in one call.
#[derive(Debug, Clone)]
pub struct EntryDetail {
    /// The entry.
    pub stored: StoredEntry,
    /// The cities and countries it refers to, to name them.
    pub places: Arc<Places>,
    /// The indicators its evidence names, by id; one the catalogue does not have is left out.
    pub indicators: HashMap<mitra_domain::IndicatorId, mitra_domain::Indicator>,
    /// What the reader may do with it.
    pub permissions: EntryPermissions,
    /// Its seats, when it is a training.
    pub training: Option<TrainingSeats>,
    /// The files it shows.
    pub attachments: Vec<mitra_store::Attachment>,
    /// Expressions of interest, when it is an opportunity (a project, solution or funding call).
    pub interest: Option<crate::EntryInterest>,
}

impl Mitra {
    /// What `actor` may do with `stored`: the checks of [`Self::entry_writer`] and of enrolling, as yes or no.
    pub async fn entry_permissions(
        &self,
        actor: &Actor,
        stored: &StoredEntry,
    ) -> Result<EntryPermissions, ServiceError> {
        let edit = match self.entry_writer(actor, stored).await {
            Ok(_) => true,
            // A refusal is an answer here, not an error; a store failure still is one.
            Err(
                ServiceError::Forbidden
                | ServiceError::Unauthenticated
                | ServiceError::NotFound { .. },
            ) => false,
            Err(other) => return Err(other),
        };
        Ok(EntryPermissions {
            edit,
            enrol: crate::enrolment::enrolling_account(actor).is_ok(),
        })
    }

    /// Entry `id` for `actor` to edit: 401 for anonymous callers, 404 for an entry they may not see, 403 for one
    /// they may see but not change.
    pub async fn entry_to_edit(
        &self,
        actor: &Actor,
        id: &EntryId,
    ) -> Result<StoredEntry, ServiceError> {
        actor.signed_in()?;
        let stored = self.entry_for(actor, id).await?;
        if self.entry_permissions(actor, &stored).await?.edit {
            Ok(stored)
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// Entry `id` as `actor` sees it on its page: the entry, the places and indicators it names, what the actor
    /// may do, a training's seats and the attached files.
    pub async fn entry_detail(
        &self,
        actor: &Actor,
        id: &EntryId,
    ) -> Result<EntryDetail, ServiceError> {
        let stored = self.entry_for(actor, id).await?;
        let places = self.places().await?;
        let indicators = self.evidence_indicators(&stored.entry).await?;
        let permissions = self.entry_permissions(actor, &stored).await?;
        let training = match stored.entry.details {
            mitra_domain::entry::Details::Training { .. } => {
                let (seats, standing) = self.enrolment(actor, id).await?;
                let enrolled = if permissions.edit {
                    self.enrolments(actor, id).await?
                } else {
                    Vec::new()
                };
                Some(TrainingSeats {
                    seats,
                    standing,
                    enrolled,
                })
            }
            _ => None,
        };
        let attachments = self.store.list_attachments(&stored.entry.id).await?;
        let interest = self.entry_interest(actor, &stored).await?;
        Ok(EntryDetail {
            stored,
            places,
            indicators,
            permissions,
            training,
            attachments,
            interest,
        })
    }

    /// The indicators a practice's evidence names: each standard's list is read once, whatever the number of rows.
    async fn evidence_indicators(
        &self,
        entry: &Entry,
    ) -> Result<HashMap<mitra_domain::IndicatorId, mitra_domain::Indicator>, ServiceError> {
        let mitra_domain::entry::Details::Practice { evidence, .. } = &entry.details else {
            return Ok(HashMap::new());
        };
        let named: BTreeSet<&mitra_domain::IndicatorId> =
            evidence.iter().map(|e| &e.indicator).collect();
        let standards: BTreeSet<&str> = named.iter().map(|i| i.standard()).collect();
        let mut found = HashMap::new();
        for standard in standards {
            // An id whose standard Mitra does not know names no indicator; the page shows the id alone.
            let Ok(standard) = mitra_domain::StandardId::parse(standard) else {
                continue;
            };
            for indicator in self.store.list_indicators(&standard).await? {
                if named.contains(&indicator.id) {
                    found.insert(indicator.id.clone(), indicator);
                }
            }
        }
        Ok(found)
    }
}

/// Tells `progress` how far the reading of an import file of `size` bytes has come, when it has come further than
/// `told` (bytes of the first reading, then of the second, added up); returns what it told.
fn tell_progress(
    progress: crate::Progress<'_>,
    read_so_far: &[AtomicU64; 2],
    size: u64,
    told: u64,
) -> u64 {
    let scanned = read_so_far[0].load(Ordering::Relaxed);
    let read = read_so_far[1].load(Ordering::Relaxed);
    let now = scanned + read;
    if now > told {
        if read > 0 {
            progress(crate::ImportStage::Writing, read, size);
        } else {
            progress(crate::ImportStage::Checking, scanned, size);
        }
    }
    now
}
