//! The approved entries that opportunities, city pages and matching are computed over — projects, solutions,
//! funding calls, practices, training and events — held in memory with what every listing needs of them (their cities' countries, their
//! amounts in US dollars at the shipped rates), and kept current through the change feed like the search index:
//! each read first applies the entries written since (by this node, another node or the command line), so a
//! published opportunity is listed at once and a rejected or deleted one leaves.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

use mitra_domain::entry::Details;
use mitra_domain::fx::FxTable;
use mitra_domain::{CountryCode, EntryId, EntryKind, ModerationStatus};
use mitra_store::StoredEntry;
use tokio::sync::Mutex;

use crate::{Mitra, ServiceError};

/// The kinds kept.
const KINDS: [EntryKind; 6] = [
    EntryKind::Project,
    EntryKind::Solution,
    EntryKind::Funding,
    EntryKind::Practice,
    EntryKind::Training,
    EntryKind::Event,
];

/// Changes read from the feed at a time.
const FEED_PAGE: u32 = 500;

/// One approved entry with what listings and matching derive from it.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The entry as stored, with its publisher and dates.
    pub stored: StoredEntry,
    /// The countries of its cities.
    pub countries: BTreeSet<CountryCode>,
    /// Its smallest amount in US dollars: a project's capital sought, a call's smallest award; `None` when it has
    /// none or its currency has no rate.
    pub usd_min: Option<f64>,
    /// Its largest: the project's capital again, a call's largest award.
    pub usd_max: Option<f64>,
}

impl Listing {
    /// The facts an opportunities listing is decided on.
    pub fn facts(&self) -> mitra_domain::opportunity::OpportunityFacts<'_> {
        mitra_domain::opportunity::OpportunityFacts {
            entry: &self.stored.entry,
            countries: &self.countries,
            usd_min: self.usd_min,
            usd_max: self.usd_max,
        }
    }

    /// Whether it states an amount in a currency the rates table cannot convert.
    pub fn unconverted(&self) -> bool {
        self.facts().has_amount() && self.usd_min.is_none() && self.usd_max.is_none()
    }
}

/// Every kept entry at one change-feed position, by id.
#[derive(Debug, Clone, Default)]
pub struct Shelf {
    /// The entries.
    pub entries: BTreeMap<EntryId, Arc<Listing>>,
}

impl Shelf {
    /// The entries of `kind`, in id order.
    pub fn of_kind(&self, kind: EntryKind) -> impl Iterator<Item = &Arc<Listing>> {
        self.entries
            .values()
            .filter(move |l| l.stored.entry.kind() == kind)
    }
}

/// The shelf and its position in the change feed.
#[derive(Debug, Default)]
pub(crate) struct ListingState {
    shelf: std::sync::RwLock<Option<Arc<Shelf>>>,
    seen: AtomicI64,
    turn: Mutex<()>,
}

impl ListingState {
    /// The change-feed position the shelf reflects.
    pub(crate) fn position(&self) -> i64 {
        self.seen.load(Ordering::Relaxed)
    }
}

/// The shipped exchange rates (`data/fx/fx_rates.csv`, European Central Bank reference rates).
pub fn fx_rates() -> Result<&'static FxTable, ServiceError> {
    static RATES: OnceLock<Result<FxTable, String>> = OnceLock::new();
    RATES
        .get_or_init(|| {
            mitra_domain::reference::parse_fx_rates(
                "fx/fx_rates.csv",
                include_str!("../../../data/fx/fx_rates.csv"),
            )
            .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("shipped exchange rates: {e}")))
}

impl Mitra {
    /// The approved projects, solutions, funding calls, practices, training and events, current with the change
    /// feed.
    pub async fn shelf(&self) -> Result<Arc<Shelf>, ServiceError> {
        let state = &self.listings;
        let _turn = state.turn.lock().await;
        let current = state.shelf.read().ok().and_then(|s| s.clone());
        let Some(mut shelf) = current else {
            // The feed position first: an entry written while the shelf is filled is applied again next time.
            let position = self
                .feed_end_after(state.seen.load(Ordering::Relaxed))
                .await?;
            let entries = crate::all_pages(
                |page| {
                    let store = self.store.clone();
                    async move { store.list_entries(&page).await }
                },
                |e: &StoredEntry| e.entry.id.to_string(),
            )
            .await?;
            let mut shelf = Shelf::default();
            for stored in entries {
                if let Some(listing) = self.listing(stored).await? {
                    shelf
                        .entries
                        .insert(listing.stored.entry.id.clone(), Arc::new(listing));
                }
            }
            let shelf = Arc::new(shelf);
            state.seen.store(position, Ordering::Relaxed);
            if let Ok(mut slot) = state.shelf.write() {
                *slot = Some(shelf.clone());
            }
            return Ok(shelf);
        };
        let mut after = state.seen.load(Ordering::Relaxed);
        loop {
            let changes = self.store.list_changes_since(after, FEED_PAGE).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            let touched: BTreeSet<EntryId> = changes
                .iter()
                .filter(|c| c.entity == "entry")
                .filter_map(|c| EntryId::parse(&c.entity_id).ok())
                .collect();
            if !touched.is_empty() {
                let ids: Vec<EntryId> = touched.iter().cloned().collect();
                let found = self.store.find_entries(&ids).await?;
                // Copy on write: readers keep the shelf they hold, the next reader gets the changed one.
                let next = Arc::make_mut(&mut shelf);
                for id in &touched {
                    next.entries.remove(id);
                }
                for stored in found {
                    if let Some(listing) = self.listing(stored).await? {
                        next.entries
                            .insert(listing.stored.entry.id.clone(), Arc::new(listing));
                    }
                }
            }
            after = last;
            if changes.len() < FEED_PAGE as usize {
                break;
            }
        }
        state.seen.store(after, Ordering::Relaxed);
        if let Ok(mut slot) = state.shelf.write() {
            *slot = Some(shelf.clone());
        }
        Ok(shelf)
    }

    /// The listing of an entry, when it is approved and of a kept kind.
    async fn listing(&self, stored: StoredEntry) -> Result<Option<Listing>, ServiceError> {
        if stored.status != ModerationStatus::Approved || !KINDS.contains(&stored.entry.kind()) {
            return Ok(None);
        }
        let places = self.places().await?;
        let countries = stored
            .entry
            .cities
            .iter()
            .filter_map(|c| places.cities.get(c).map(|city| city.country))
            .collect();
        let fx = fx_rates()?;
        let (usd_min, usd_max) = match &stored.entry.details {
            Details::Project { needs, .. } => {
                let usd = needs.capital.as_ref().and_then(|m| fx.to_usd(m));
                (usd, usd)
            }
            Details::Funding {
                amount_min,
                amount_max,
                ..
            } => (
                amount_min.as_ref().and_then(|m| fx.to_usd(m)),
                amount_max.as_ref().and_then(|m| fx.to_usd(m)),
            ),
            _ => (None, None),
        };
        Ok(Some(Listing {
            stored,
            countries,
            usd_min,
            usd_max,
        }))
    }
}
