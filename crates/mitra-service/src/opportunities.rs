//! The opportunities listing: projects, solutions and funding calls together, filtered and sorted as their users
//! ask, each with its publisher, amounts compared in US dollars at a rate whose date and source travel with the page.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use mitra_domain::entry::ContentLanguage;
use mitra_domain::opportunity::{OpportunityQuery, Sort};
use mitra_domain::{CityId, OrgId, Reason, ValidationError};
use mitra_store::OrgName;
use time::Date;

use crate::listings::{Listing, fx_rates};
use crate::{Mitra, ServiceError};

/// One opportunity as a listing shows it.
#[derive(Debug, Clone)]
pub struct Opportunity {
    /// The entry and its derived facts.
    pub listing: Arc<Listing>,
    /// The organisation that publishes it; `None` for entries loaded with the platform.
    pub publisher: Option<OrgName>,
}

/// A page of opportunities.
#[derive(Debug, Clone)]
pub struct OpportunityPage {
    /// The opportunities on this page.
    pub items: Vec<Opportunity>,
    /// How many match in all.
    pub total: usize,
    /// The query it answers.
    pub query: OpportunityQuery,
    /// The date of the exchange rates amounts are compared at.
    pub fx_date: String,
    /// Who publishes those rates.
    pub fx_source: &'static str,
    /// Opportunities left out of an amount filter because their currency has no rate (0 without one).
    pub unconverted: usize,
    /// The cities any opportunity names, for a filter's choices.
    pub city_choices: BTreeSet<CityId>,
}

impl Mitra {
    /// The opportunities `query` asks for on `today`, in its order, one page of them. Focus areas must be known
    /// ones. Titles are sorted in `lang`.
    pub async fn opportunities(
        &self,
        query: OpportunityQuery,
        lang: ContentLanguage,
        today: Date,
    ) -> Result<OpportunityPage, ServiceError> {
        self.check_focus_areas(query.focus_areas.iter().map(String::as_str))
            .await?;
        let shelf = self.shelf().await?;
        let mut unconverted = 0;
        let mut found: Vec<&Arc<Listing>> = Vec::new();
        let mut city_choices = BTreeSet::new();
        // The same listing without its amount range: what an entry without a rate would have been judged by.
        let without_amount = OpportunityQuery {
            min_usd: None,
            max_usd: None,
            ..query.clone()
        };
        for listing in shelf.entries.values() {
            let kind = listing.stored.entry.kind();
            if !mitra_domain::opportunity::KINDS.contains(&kind) {
                continue;
            }
            city_choices.extend(listing.stored.entry.cities.iter().cloned());
            if query.admits(&listing.facts(), today) {
                found.push(listing);
            } else if query.asks_amount() && listing.unconverted() {
                // Would it have been listed with a rate? Then say it was left out for want of one.
                if without_amount.admits(&listing.facts(), today) {
                    unconverted += 1;
                }
            }
        }
        sort(&mut found, query.sort, lang);
        let total = found.len();
        let start = (query.page - 1).saturating_mul(query.per_page);
        let page: Vec<Arc<Listing>> = found
            .into_iter()
            .skip(start)
            .take(query.per_page)
            .cloned()
            .collect();
        let owners: Vec<OrgId> = page
            .iter()
            .filter_map(|l| l.stored.owner_org.clone())
            .collect();
        let publishers = self.org_names(owners).await?;
        let fx = fx_rates()?;
        Ok(OpportunityPage {
            items: page
                .into_iter()
                .map(|listing| Opportunity {
                    publisher: listing
                        .stored
                        .owner_org
                        .as_ref()
                        .and_then(|id| publishers.get(id).cloned()),
                    listing,
                })
                .collect(),
            total,
            query,
            fx_date: fx.date.clone(),
            fx_source: fx.source,
            unconverted,
            city_choices,
        })
    }

    /// Refuses a focus area that is not one of the shipped ASCN focus areas, naming those that are.
    pub(crate) async fn check_focus_areas(
        &self,
        asked: impl Iterator<Item = &str>,
    ) -> Result<(), ServiceError> {
        let asked: Vec<&str> = asked.collect();
        if asked.is_empty() {
            return Ok(());
        }
        let known = self.store.list_focus_areas().await?;
        match asked
            .into_iter()
            .find(|f| !known.iter().any(|k| k.id == *f))
        {
            None => Ok(()),
            Some(unknown) => Err(ValidationError::new(
                "focus_area",
                Reason::not_one_of(
                    mitra_domain::ids::clip(unknown),
                    known
                        .iter()
                        .map(|k| k.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            )
            .into()),
        }
    }

    /// The names of organisations, by id; one that no longer exists is left out.
    pub(crate) async fn org_names(
        &self,
        ids: Vec<OrgId>,
    ) -> Result<BTreeMap<OrgId, OrgName>, ServiceError> {
        let mut out = BTreeMap::new();
        for id in ids {
            if out.contains_key(&id) {
                continue;
            }
            match self.store.find_org(&id).await {
                Ok(org) => {
                    out.insert(
                        id.clone(),
                        OrgName {
                            id,
                            name_en: org.profile.name_en,
                            name_zh: org.profile.name_zh,
                        },
                    );
                }
                Err(mitra_store::StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(out)
    }
}

fn sort(found: &mut [&Arc<Listing>], order: Sort, lang: ContentLanguage) {
    let id = |l: &Arc<Listing>| l.stored.entry.id.clone();
    match order {
        Sort::Newest => found.sort_by(|a, b| {
            b.stored
                .updated_at
                .cmp(&a.stored.updated_at)
                .then_with(|| id(a).cmp(&id(b)))
        }),
        Sort::Deadline => found.sort_by(|a, b| {
            let (da, db) = (a.facts().deadline(), b.facts().deadline());
            // Soonest first; calls without a deadline after those with one.
            da.is_none()
                .cmp(&db.is_none())
                .then(da.cmp(&db))
                .then_with(|| id(a).cmp(&id(b)))
        }),
        Sort::Amount => found.sort_by(|a, b| {
            let (ua, ub) = (a.usd_max.or(a.usd_min), b.usd_max.or(b.usd_min));
            ua.is_none()
                .cmp(&ub.is_none())
                .then(ub.unwrap_or(0.0).total_cmp(&ua.unwrap_or(0.0)))
                .then_with(|| id(a).cmp(&id(b)))
        }),
        Sort::Title => found.sort_by_cached_key(|l| {
            (
                l.stored.entry.text_for(lang).title.to_lowercase(),
                l.stored.entry.id.clone(),
            )
        }),
    }
}
