//! The life of a city partnership: a city's government proposes one to another city, the two discuss it in a
//! thread, sign, record a work plan, log what they do together (exchange visits, training, joint projects,
//! meetings, cultural exchanges), and end it; Mitra marks one dormant after months without activity and tells both
//! sides. The recorded sister-city ties shipped with Mitra are loaded as signed partnerships with their source.
//!
//! Who may act is decided by [`Actor::city_government`] (the two cities' governments only; platform admins read,
//! they do not act); the status rules are the domain's ([`PartnershipStatus::after`]). Notifications go through the
//! same store and mail as expressions of interest.

use std::collections::BTreeMap;

use mitra_domain::access::{AuditStamp, CityGovernment};
use mitra_domain::interest::NotificationKind;
use mitra_domain::partnership::{
    Action, Activity, ActivityInput, Origin, PartnershipId, PartnershipKind, PartnershipStatus,
    PartySide, Refused, Signing, YearSummary, check_pair, is_dormant, parse_text, year_summary,
};
use mitra_domain::reference::Holidays;
use mitra_domain::{
    AccountId, Actor, CityId, CountryCode, EntryId, EntryKind, IndicatorId, Reason, ValidationError,
};
use mitra_store::{
    ActivityRecord, Attachment, ChangeDetails, ConflictKind, NewPartnership, OutcomeRecord,
    PartnershipChange, PartnershipFilter, PartnershipMessage, PartnershipRecord,
    RecordedPartnership, StoreError,
};
use time::{Date, OffsetDateTime};

use crate::{Mitra, ServiceError};

/// Most partnerships one page of a listing holds.
pub const MAX_PAGE: u32 = 200;

/// A partnership as one reader sees it.
#[derive(Debug, Clone)]
pub struct PartnershipView {
    /// The partnership.
    pub record: PartnershipRecord,
    /// Its thread, for the two cities' governments and platform admins; `None` for other readers.
    pub messages: Option<Vec<PartnershipMessage>>,
    /// Its activities, latest first.
    pub activities: Vec<ActivityRecord>,
    /// The indicators it aims to move, with their values before and after.
    pub outcomes: Vec<OutcomeView>,
    /// The side the reader acts for, when the reader governs one of the two cities.
    pub side: Option<PartySide>,
    /// What the reader may do now.
    pub may: PartnershipActions,
}

/// An outcome with the values that show it: the latest value up to the year the partnership was signed (or the
/// first value after it, when none is older) and the latest value since.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeView {
    /// The city.
    pub city: CityId,
    /// The indicator.
    pub indicator: IndicatorId,
    /// Its English title.
    pub title: String,
    /// Its unit.
    pub unit: Option<String>,
    /// What the partners say about it.
    pub note: Option<String>,
    /// (year, value) before, when known.
    pub before: Option<(i32, f64)>,
    /// (year, value) after, when known and later than `before`.
    pub after: Option<(i32, f64)>,
}

/// What a reader may do to a partnership now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartnershipActions {
    /// Write in the thread.
    pub write: bool,
    /// Each action that applies, in [`Action::ALL`] order.
    pub actions: [bool; 6],
    /// Log an activity (signed, active or dormant partnerships).
    pub log_activity: bool,
    /// Add an outcome.
    pub add_outcome: bool,
    /// Upload the signed agreement (signed partnerships).
    pub upload_document: bool,
}

impl PartnershipActions {
    fn of(side: Option<PartySide>, status: PartnershipStatus) -> Self {
        let Some(side) = side else {
            return Self::default();
        };
        let mut actions = [false; 6];
        for (n, action) in Action::ALL.iter().enumerate() {
            actions[n] = status.after(side, *action).is_ok();
        }
        Self {
            write: status.after_message(side).is_ok(),
            actions,
            log_activity: status.after_activity().is_ok(),
            add_outcome: !status.is_ended(),
            upload_document: status.is_signed(),
        }
    }

    /// Whether `action` applies.
    pub fn allows(&self, action: Action) -> bool {
        Action::ALL
            .iter()
            .position(|a| *a == action)
            .is_some_and(|n| self.actions[n])
    }

    /// The actions that apply.
    pub fn allowed(&self) -> Vec<Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(|a| self.allows(*a))
            .collect()
    }
}

/// A proposal as a form or an API body gives it.
#[derive(Debug, Clone, Default)]
pub struct Proposal<'a> {
    /// The proposing city; empty: the one city the actor governs.
    pub proposer: &'a str,
    /// The invited city.
    pub invited: &'a str,
    /// [`PartnershipKind`] tag.
    pub kind: &'a str,
    /// Title.
    pub title: &'a str,
    /// First message.
    pub message: &'a str,
}

/// What comes with an action: a message, and what signing or activating records.
#[derive(Debug, Clone, Default)]
pub struct ActionInput<'a> {
    /// A message for the thread (optional).
    pub message: &'a str,
    /// Signing: the day, YYYY-MM-DD.
    pub signed_on: &'a str,
    /// Signing: who signed.
    pub signatories: &'a str,
    /// Signing: an https:// address of the document.
    pub document: &'a str,
    /// Activating: the work plan.
    pub work_plan: &'a str,
}

/// What one year of a partnership looks like.
#[derive(Debug, Clone)]
pub struct PartnershipYear {
    /// The year.
    pub year: i32,
    /// The activities of the year, by first day.
    pub activities: Vec<ActivityRecord>,
    /// Their sums.
    pub summary: YearSummary,
}

/// One row of a city's yearly report: a partnership and what it did in the year.
#[derive(Debug, Clone)]
pub struct CityYearRow {
    /// The partnership.
    pub record: PartnershipRecord,
    /// What it did in the year.
    pub summary: YearSummary,
}

/// A public holiday on a day in question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayWarning {
    /// The day.
    pub day: Date,
    /// The country.
    pub country: CountryCode,
    /// The holiday's name.
    pub name: String,
}

/// Reads the listing filters; `limit` defaults to 50.
pub fn partnership_filter(
    city: Option<&str>,
    status: Option<&str>,
    kind: Option<&str>,
    origin: Option<&str>,
) -> Result<PartnershipFilter, ValidationError> {
    fn some(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    Ok(PartnershipFilter {
        city: some(city)
            .map(|c| CityId::parse(c).map_err(|e| e.at("city")))
            .transpose()?,
        statuses: some(status)
            .map(PartnershipStatus::parse)
            .transpose()?
            .into_iter()
            .collect(),
        kind: some(kind).map(PartnershipKind::parse).transpose()?,
        origin: some(origin).map(Origin::parse).transpose()?,
        limit: 50,
        ..PartnershipFilter::default()
    })
}

/// Reads the report's year and format: a year from 1900 to 2100; `json` or `csv`.
pub fn report_year_and_format(
    year: Option<i32>,
    format: Option<&str>,
) -> Result<(i32, bool), ValidationError> {
    let year = year.unwrap_or_else(|| time::OffsetDateTime::now_utc().year());
    if !(1900..=2100).contains(&year) {
        return Err(ValidationError::new(
            "year",
            Reason::year_between(year, 1900, 2100),
        ));
    }
    let csv = match format.map(str::trim).unwrap_or("json") {
        "json" | "" => false,
        "csv" => true,
        other => {
            return Err(ValidationError::new(
                "format",
                Reason::not_one_of(mitra_domain::ids::clip(other), "json, csv"),
            ));
        }
    };
    Ok((year, csv))
}

/// The shipped public holidays, read once.
fn holidays() -> &'static Holidays {
    crate::reference::parsed_once!(
        Holidays,
        "holidays/public_holidays.csv",
        mitra_domain::reference::parse_holidays
    )
}

/// The (first, last) years the shipped holidays cover and their source.
pub fn holiday_coverage() -> (Option<(i32, i32)>, &'static str) {
    let h = holidays();
    (h.years, mitra_domain::reference::HOLIDAYS_SOURCE)
}

impl Mitra {
    /// Proposes a partnership from a city the actor governs to another city, with a first message; tells the
    /// invited city's government. Refused with a conflict when the two cities have a partnership going (a recorded
    /// tie included: log an activity on it instead).
    pub async fn propose_partnership(
        &self,
        actor: &Actor,
        proposal: &Proposal<'_>,
    ) -> Result<PartnershipId, ServiceError> {
        let proposer = if proposal.proposer.trim().is_empty() {
            let mut governed = actor.governed_cities();
            if governed.is_empty() {
                governed = actor.delegated_cities();
            }
            match governed.as_slice() {
                [one] => one.clone(),
                [] => {
                    // Anonymous and read-only actors are told so before anything else.
                    actor.signed_in()?;
                    return Err(ServiceError::Forbidden);
                }
                _ => {
                    return Err(mitra_domain::ValidationError::new(
                        "proposer",
                        Reason::which_city(),
                    )
                    .into());
                }
            }
        } else {
            CityId::parse(proposal.proposer.trim()).map_err(|e| e.at("proposer"))?
        };
        // A city's government proposes; an organisation based in the city may propose on its behalf, and then the
        // city's government is told too, as it decides everything after.
        let (government, on_behalf) = match actor.city_government(&proposer) {
            Ok(g) => (g, false),
            Err(why) => (actor.city_delegate(&proposer).map_err(|_| why)?, true),
        };
        let invited = CityId::parse(proposal.invited.trim()).map_err(|e| e.at("invited"))?;
        check_pair(&proposer, &invited)?;
        let places = self.places().await?;
        for (field, city) in [("proposer", &proposer), ("invited", &invited)] {
            if !places.cities.contains_key(city) {
                return Err(
                    mitra_domain::ValidationError::new(field, Reason::unknown_city(city)).into(),
                );
            }
        }
        let kind = PartnershipKind::parse(proposal.kind)?;
        let title = parse_text(
            "title",
            proposal.title,
            mitra_domain::partnership::MAX_TITLE,
            true,
        )?
        .unwrap_or_default();
        let message = mitra_domain::interest::parse_message(proposal.message)?;
        let mut notify = self.government_recipients(&invited, actor).await?;
        if on_behalf {
            notify.extend(self.government_recipients(&proposer, actor).await?);
        }
        let id = PartnershipId::parse(&uuid::Uuid::now_v7().to_string())?;
        let result = self
            .store
            .create_partnership(
                &NewPartnership {
                    id: &id,
                    proposer: &proposer,
                    invited: &invited,
                    kind,
                    title: &title,
                    org: government.org(),
                    author: actor.account().map(|a| &a.id),
                    message: &message,
                    notify: &notify,
                },
                government.stamp(),
            )
            .await;
        match result {
            Ok(()) => {}
            Err(StoreError::Conflict {
                kind: ConflictKind::Unique,
                ..
            }) => {
                return Err(ServiceError::Conflict(Reason::partnership_exists(
                    &proposer, &invited,
                )));
            }
            Err(e) => return Err(e.into()),
        }
        self.mail_immediately(&notify).await;
        Ok(id)
    }

    /// Which unsigned partnerships `actor` may list: those of the cities it governs; every one for platform admins
    /// and operators (`None`).
    fn private_of(&self, actor: &Actor) -> Option<Vec<CityId>> {
        match actor {
            Actor::Operator => None,
            Actor::Account(a)
                if a.platform_role == Some(mitra_domain::account::PlatformRole::PlatformAdmin) =>
            {
                None
            }
            _ => Some(actor.governed_cities()),
        }
    }

    /// Partnerships as the reader may list them: signed ones for everyone, proposals to the two cities'
    /// governments and platform admins. `filter.private_of` is set here.
    pub async fn partnerships(
        &self,
        actor: &Actor,
        filter: PartnershipFilter,
    ) -> Result<(Vec<PartnershipRecord>, u64), ServiceError> {
        let filter = PartnershipFilter {
            private_of: self.private_of(actor),
            limit: filter.limit.clamp(1, MAX_PAGE),
            ..filter
        };
        Ok(self.store.list_partnerships(&filter).await?)
    }

    /// Every partnership the reader may see, for exports and the map (no page limit).
    pub async fn all_partnerships(
        &self,
        actor: &Actor,
        filter: PartnershipFilter,
    ) -> Result<Vec<PartnershipRecord>, ServiceError> {
        let filter = PartnershipFilter {
            private_of: self.private_of(actor),
            offset: 0,
            limit: u32::MAX,
            ..filter
        };
        Ok(self.store.list_partnerships(&filter).await?.0)
    }

    /// A partnership as `actor` sees it; a proposal not yet signed is not found for readers who may not see it.
    pub async fn partnership(
        &self,
        actor: &Actor,
        id: &PartnershipId,
    ) -> Result<PartnershipView, ServiceError> {
        let record = self.readable_partnership(actor, id).await?;
        let cities = [&record.proposer, &record.invited];
        let side = actor
            .government_of_either(cities)
            .ok()
            .and_then(|g| record.side_of(g.city()));
        let messages = if actor.partnership_reader(cities).is_ok() || proposed_it(actor, &record) {
            Some(self.store.list_partnership_messages(id).await?)
        } else {
            None
        };
        let activities = self.store.list_partnership_activities(id).await?;
        let outcomes = self.outcome_views(&record).await?;
        Ok(PartnershipView {
            may: PartnershipActions::of(side, record.status),
            record,
            messages,
            activities,
            outcomes,
            side,
        })
    }

    /// The partnerships the reader may see with an activity that event entry `event` announces.
    pub async fn event_partnerships(
        &self,
        actor: &Actor,
        event: &EntryId,
    ) -> Result<Vec<PartnershipRecord>, ServiceError> {
        Ok(self
            .store
            .list_event_partnerships(event)
            .await?
            .into_iter()
            .filter(|p| may_read(actor, p))
            .collect())
    }

    /// The partnership, when `actor` may read it.
    async fn readable_partnership(
        &self,
        actor: &Actor,
        id: &PartnershipId,
    ) -> Result<PartnershipRecord, ServiceError> {
        let record = self.store.find_partnership(id).await?;
        if !may_read(actor, &record) {
            // Not found rather than forbidden: a proposal's existence is the two cities' business.
            return Err(ServiceError::NotFound {
                entity: "partnership",
                id: id.to_string(),
            });
        }
        Ok(record)
    }

    /// The actor as a party: the government of one of the partnership's cities, and its side.
    async fn partnership_party(
        &self,
        actor: &Actor,
        id: &PartnershipId,
    ) -> Result<(PartnershipRecord, CityGovernment, PartySide), ServiceError> {
        // Anonymous and read-only actors are refused before the partnership is looked up.
        actor.signed_in()?;
        let record = self.readable_partnership(actor, id).await?;
        let government = actor.government_of_either([&record.proposer, &record.invited])?;
        let side = record
            .side_of(government.city())
            .ok_or(ServiceError::Forbidden)?;
        Ok((record, government, side))
    }

    /// Writes in a partnership's thread for the actor's city; the invited city's first answer opens the
    /// discussion.
    pub async fn write_in_partnership(
        &self,
        actor: &Actor,
        id: &PartnershipId,
        message: &str,
    ) -> Result<(), ServiceError> {
        let (record, government, side) = self.partnership_party(actor, id).await?;
        let message = mitra_domain::interest::parse_message(message)?;
        let to = record
            .status
            .after_message(side)
            .map_err(|why| refused(why, "take messages"))?;
        self.move_partnership(
            actor,
            &record,
            &government,
            side,
            to,
            ChangeDetails {
                message: Some(&message),
                ..ChangeDetails::default()
            },
            NotificationKind::PartnershipMessage,
        )
        .await
    }

    /// Takes `action` for the actor's city, with what it records (signing: the day, signatories and document;
    /// activating: the work plan) and an optional message.
    pub async fn act_on_partnership(
        &self,
        actor: &Actor,
        id: &PartnershipId,
        action: Action,
        input: &ActionInput<'_>,
    ) -> Result<PartnershipStatus, ServiceError> {
        let (record, government, side) = self.partnership_party(actor, id).await?;
        let to = record
            .status
            .after(side, action)
            .map_err(|why| refused(why, action.as_str()))?;
        let message = parse_text(
            "message",
            input.message,
            mitra_domain::interest::MAX_MESSAGE,
            false,
        )?;
        let signing = match action {
            Action::Sign => Some(Signing::parse(
                input.signed_on,
                input.signatories,
                input.document,
                OffsetDateTime::now_utc().date(),
            )?),
            _ => None,
        };
        let work_plan = match action {
            Action::Activate => Some(
                parse_text(
                    "work_plan",
                    input.work_plan,
                    mitra_domain::partnership::MAX_TEXT,
                    true,
                )?
                .unwrap_or_default(),
            ),
            _ => None,
        };
        self.move_partnership(
            actor,
            &record,
            &government,
            side,
            to,
            ChangeDetails {
                message: message.as_deref(),
                signing: signing.as_ref(),
                work_plan: work_plan.as_deref(),
                activity: None,
            },
            NotificationKind::PartnershipChanged,
        )
        .await?;
        Ok(to)
    }

    /// Checks that the actor may upload the signed agreement of partnership `id`: an editor of either city's
    /// government, once it is signed. Pages call it before they read an upload.
    pub async fn partnership_document_writer(
        &self,
        actor: &Actor,
        id: &PartnershipId,
    ) -> Result<(PartnershipRecord, CityGovernment), ServiceError> {
        let (record, government, _) = self.partnership_party(actor, id).await?;
        if !record.status.is_signed() {
            return Err(ServiceError::Conflict(Reason::not_signed(
                record.status.as_str(),
            )));
        }
        Ok((record, government))
    }

    /// Uploads the signed agreement of partnership `id` as a file (PDF, image or office document, as for entry
    /// attachments), replacing an earlier upload; readers of the partnership may download it.
    pub async fn attach_partnership_document(
        &self,
        actor: &Actor,
        id: &PartnershipId,
        name: &str,
        bytes: &[u8],
    ) -> Result<Attachment, ServiceError> {
        let (record, government) = self.partnership_document_writer(actor, id).await?;
        let upload = crate::attachments::check_upload(name, bytes)?;
        let file = self.keep_file(upload, bytes, government.stamp()).await?;
        let replaced = self
            .store
            .set_partnership_document(&record.id, &file, government.stamp())
            .await?;
        self.forget_files(replaced.as_slice()).await?;
        Ok(file)
    }

    /// The uploaded signed agreement of partnership `id`, with its bytes, to those who may read the partnership.
    pub async fn partnership_document(
        &self,
        actor: &Actor,
        id: &PartnershipId,
    ) -> Result<(Attachment, Vec<u8>), ServiceError> {
        let record = self.readable_partnership(actor, id).await?;
        let file = record.document_file.ok_or_else(|| ServiceError::NotFound {
            entity: "signed agreement",
            id: id.to_string(),
        })?;
        let bytes = self.read_file(&file).await?;
        Ok((file, bytes))
    }

    /// Logs an activity for the actor's city (an editor of either city's government); a signed or dormant
    /// partnership becomes active. An event entry that announces it may be linked. Returns the activity's id and
    /// the public holidays of both countries on its days.
    pub async fn log_activity(
        &self,
        actor: &Actor,
        id: &PartnershipId,
        input: &ActivityInput<'_>,
        event: &str,
    ) -> Result<(String, Vec<HolidayWarning>), ServiceError> {
        let (record, government, side) = self.partnership_party(actor, id).await?;
        // The first problem is reported with its field; forms check every field before they get here.
        let activity = Activity::parse(input)
            .map_err(|mut errors| ServiceError::Validation(errors.swap_remove(0)))?;
        let to = record
            .status
            .after_activity()
            .map_err(|why| refused(why, "take activities"))?;
        let event = if event.trim().is_empty() {
            None
        } else {
            let entry = EntryId::parse(event.trim()).map_err(|e| e.at("event"))?;
            let stored = self.store.find_entry(&entry).await.map_err(|e| match e {
                StoreError::NotFound { .. } => {
                    mitra_domain::ValidationError::new("event", Reason::unknown_entry(&entry))
                        .into()
                }
                e => ServiceError::from(e),
            })?;
            if stored.entry.kind() != EntryKind::Event {
                return Err(mitra_domain::ValidationError::new(
                    "event",
                    Reason::not_an_event(&entry),
                )
                .into());
            }
            Some(entry)
        };
        let activity_id = uuid::Uuid::now_v7().to_string();
        self.move_partnership(
            actor,
            &record,
            &government,
            side,
            to,
            ChangeDetails {
                activity: Some((&activity_id, &activity, event.as_ref())),
                ..ChangeDetails::default()
            },
            NotificationKind::ActivityLogged,
        )
        .await?;
        let warnings = self
            .holidays_between(&record, activity.starts_on, activity.last_day())
            .await?;
        Ok((activity_id, warnings))
    }

    /// The public holidays in either city's country from `first` to `last`.
    pub async fn holidays_between(
        &self,
        record: &PartnershipRecord,
        first: Date,
        last: Date,
    ) -> Result<Vec<HolidayWarning>, ServiceError> {
        let places = self.places().await?;
        let mut countries: Vec<&CountryCode> = [&record.proposer, &record.invited]
            .iter()
            .filter_map(|c| places.cities.get(*c).map(|c| &c.country))
            .collect();
        countries.dedup();
        Ok(holidays()
            .between(&countries, first, last)
            .into_iter()
            .map(|(day, country, name)| HolidayWarning { day, country, name })
            .collect())
    }

    /// Adds an outcome: an indicator of one of the two cities the partnership aims to move.
    pub async fn add_outcome(
        &self,
        actor: &Actor,
        id: &PartnershipId,
        city: &str,
        indicator: &str,
        note: &str,
    ) -> Result<(), ServiceError> {
        let (record, government, _) = self.partnership_party(actor, id).await?;
        if record.status.is_ended() {
            return Err(ServiceError::Conflict(Reason::no_outcomes(record.status)));
        }
        let city = CityId::parse(city.trim()).map_err(|e| e.at("city"))?;
        if record.side_of(&city).is_none() {
            return Err(
                mitra_domain::ValidationError::new("city", Reason::not_a_party(&city)).into(),
            );
        }
        let indicator = IndicatorId::parse(indicator.trim()).map_err(|e| e.at("indicator"))?;
        match self.store.find_indicator(&indicator).await {
            Ok(_) => {}
            Err(StoreError::NotFound { .. }) => {
                return Err(mitra_domain::ValidationError::new(
                    "indicator",
                    Reason::unknown_indicator(&indicator),
                )
                .into());
            }
            Err(e) => return Err(e.into()),
        }
        let note = parse_text("note", note, mitra_domain::partnership::MAX_TEXT, false)?;
        self.store
            .put_outcome(
                id,
                &OutcomeRecord {
                    city,
                    indicator,
                    note,
                    created_at: OffsetDateTime::now_utc(),
                },
                government.stamp(),
            )
            .await?;
        Ok(())
    }

    /// Moves a partnership, telling the other city's government.
    #[expect(
        clippy::too_many_arguments,
        reason = "one private step shared by every write"
    )]
    async fn move_partnership(
        &self,
        actor: &Actor,
        record: &PartnershipRecord,
        government: &CityGovernment,
        side: PartySide,
        to: PartnershipStatus,
        details: ChangeDetails<'_>,
        kind: NotificationKind,
    ) -> Result<(), ServiceError> {
        let notify = self
            .government_recipients(record.city(side.other()), actor)
            .await?;
        self.store
            .change_partnership(
                &PartnershipChange {
                    id: &record.id,
                    from: record.status,
                    to,
                    side: Some(side),
                    org: government.org(),
                    author: actor.account().map(|a| &a.id),
                    details,
                    notify: (kind, &notify),
                },
                government.stamp(),
            )
            .await
            .map_err(changed)?;
        self.mail_immediately(&notify).await;
        Ok(())
    }

    /// The accounts told about a partnership on `city`'s side: its government's editors, but not the actor.
    async fn government_recipients(
        &self,
        city: &CityId,
        actor: &Actor,
    ) -> Result<Vec<AccountId>, ServiceError> {
        let me = actor.account().map(|a| &a.id);
        let mut accounts: Vec<AccountId> = self
            .store
            .city_government_editors(city)
            .await?
            .into_iter()
            .map(|(account, _)| account)
            .filter(|a| Some(a) != me)
            .collect();
        accounts.dedup();
        Ok(accounts)
    }

    /// Marks dormant every signed or active partnership without activity for `months` months on `today`, and
    /// tells both cities' governments. Returns how many it marked. Run by the server daily and by
    /// `mitra partnerships dormancy`.
    pub async fn mark_dormant_partnerships(
        &self,
        today: Date,
        months: u32,
    ) -> Result<u64, ServiceError> {
        // Candidates were last active on or before today minus `months` months; the domain's calendar arithmetic
        // decides each.
        let cutoff = mitra_domain::partnership::dormant_cutoff(today, months);
        let mut marked = 0;
        for record in self.store.dormancy_candidates(cutoff).await? {
            if !is_dormant(record.status, record.active_since(), today, months) {
                continue;
            }
            let mut notify = self
                .government_recipients(&record.proposer, &Actor::Operator)
                .await?;
            notify.extend(
                self.government_recipients(&record.invited, &Actor::Operator)
                    .await?,
            );
            let result = self
                .store
                .change_partnership(
                    &PartnershipChange {
                        id: &record.id,
                        from: record.status,
                        to: PartnershipStatus::Dormant,
                        side: None,
                        org: None,
                        author: None,
                        details: ChangeDetails::default(),
                        notify: (NotificationKind::PartnershipDormant, &notify),
                    },
                    &AuditStamp::system("dormancy"),
                )
                .await;
            match result {
                Ok(()) => {
                    marked += 1;
                    self.mail_immediately(&notify).await;
                }
                // Another node, or the cities themselves, moved it first.
                Err(StoreError::Conflict { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(marked)
    }

    /// [`Mitra::mark_dormant_partnerships`] today.
    pub async fn mark_dormant_partnerships_now(&self, months: u32) -> Result<u64, ServiceError> {
        self.mark_dormant_partnerships(OffsetDateTime::now_utc().date(), months)
            .await
    }

    /// Loads the shipped sister-city ties as recorded partnerships, once: a pair that already has a partnership
    /// going is left alone. Returns how many it wrote.
    pub async fn load_recorded_partnerships(&self) -> Result<u64, ServiceError> {
        if self.store.has_recorded_partnerships().await? {
            return Ok(0);
        }
        let report = self.recorded_ties().await?;
        let places = self.places().await?;
        let name = |id: &CityId| {
            places
                .cities
                .get(id)
                .map_or_else(|| id.to_string(), |c| c.name_en.clone())
        };
        let ties: Vec<RecordedPartnership> = report
            .ties
            .iter()
            .map(|t| {
                Ok(RecordedPartnership {
                    id: PartnershipId::parse(&uuid::Uuid::now_v7().to_string())?,
                    first: t.a.clone(),
                    second: t.b.clone(),
                    kind: PartnershipKind::SisterCity,
                    title: format!("{} – {} sister cities", name(&t.a), name(&t.b)),
                    source: format!(
                        "partnerships/twin_cities_asean_china.csv line {} (Wikipedia, CC BY-SA 4.0)",
                        t.line
                    ),
                })
            })
            .collect::<Result<_, mitra_domain::ValidationError>>()?;
        Ok(self
            .store
            .record_partnerships(&ties, &AuditStamp::system("reference"))
            .await?)
    }

    /// One partnership's year as the reader sees it: the partnership (its outcomes included), and its activities
    /// that start in `year`, first day first, with their sums. Read once: the year is taken from the view.
    pub async fn partnership_year(
        &self,
        actor: &Actor,
        id: &PartnershipId,
        year: i32,
    ) -> Result<(PartnershipView, PartnershipYear), ServiceError> {
        let view = self.partnership(actor, id).await?;
        let mut activities: Vec<ActivityRecord> = view
            .activities
            .iter()
            .filter(|a| a.activity.starts_on.year() == year)
            .cloned()
            .collect();
        activities.sort_by_key(|a| a.activity.starts_on);
        let summary = year_summary(activities.iter().map(|a| &a.activity), year);
        Ok((
            view,
            PartnershipYear {
                year,
                activities,
                summary,
            },
        ))
    }

    /// A city's year: each partnership the reader may see and what it did in `year`, the busiest first.
    pub async fn city_partnership_year(
        &self,
        actor: &Actor,
        city: &CityId,
        year: i32,
    ) -> Result<Vec<CityYearRow>, ServiceError> {
        let places = self.places().await?;
        if !places.cities.contains_key(city) {
            return Err(ServiceError::NotFound {
                entity: "city",
                id: city.to_string(),
            });
        }
        let records = self
            .all_partnerships(
                actor,
                PartnershipFilter {
                    city: Some(city.clone()),
                    ..PartnershipFilter::default()
                },
            )
            .await?;
        let mut by_partnership: BTreeMap<PartnershipId, Vec<Activity>> = BTreeMap::new();
        for a in self.store.list_city_activities(city, year).await? {
            by_partnership
                .entry(a.partnership.clone())
                .or_default()
                .push(a.activity);
        }
        let mut rows: Vec<CityYearRow> = records
            .into_iter()
            .map(|record| {
                let summary =
                    year_summary(by_partnership.get(&record.id).into_iter().flatten(), year);
                CityYearRow { record, summary }
            })
            .collect();
        rows.sort_by(|a, b| {
            b.summary
                .activities
                .cmp(&a.summary.activities)
                .then_with(|| a.record.id.cmp(&b.record.id))
        });
        Ok(rows)
    }

    /// The before and after values of a partnership's outcomes.
    async fn outcome_views(
        &self,
        record: &PartnershipRecord,
    ) -> Result<Vec<OutcomeView>, ServiceError> {
        let outcomes = self.store.list_outcomes(&record.id).await?;
        if outcomes.is_empty() {
            return Ok(Vec::new());
        }
        // The year the work began: signed, else entered in Mitra.
        let start = record
            .signing
            .as_ref()
            .map_or(record.created_at.year(), |s| s.signed_on.year());
        let mut views = Vec::new();
        for o in outcomes {
            let indicator = self.store.find_indicator(&o.indicator).await.ok();
            let series = self.indicator_series(&o.city, &o.indicator).await?;
            let before = series
                .iter()
                .rev()
                .find(|(year, _)| *year <= start)
                .or_else(|| series.first())
                .copied();
            let after = series
                .last()
                .copied()
                .filter(|(year, _)| before.is_some_and(|(b, _)| *year > b));
            views.push(OutcomeView {
                city: o.city,
                title: indicator
                    .as_ref()
                    .map_or_else(|| o.indicator.to_string(), |i| i.title_en.clone()),
                unit: indicator.and_then(|i| i.unit),
                indicator: o.indicator,
                note: o.note,
                before,
                after,
            });
        }
        Ok(views)
    }
}

impl Mitra {
    /// A city's values of an indicator by year (verified ones, else any; the latest value of a year), oldest first.
    async fn indicator_series(
        &self,
        city: &CityId,
        indicator: &IndicatorId,
    ) -> Result<Vec<(i32, f64)>, ServiceError> {
        let observations = self
            .store
            .list_observations(
                &mitra_store::ObservationFilter {
                    city: Some(city.clone()),
                    indicator: Some(indicator.clone()),
                    ..mitra_store::ObservationFilter::default()
                },
                &mitra_domain::PageRequest {
                    limit: 1_000,
                    after: None,
                },
            )
            .await?;
        let verified = observations
            .iter()
            .any(|o| o.status == mitra_domain::ObservationStatus::Verified);
        let mut by_year: BTreeMap<i32, f64> = BTreeMap::new();
        for o in observations
            .iter()
            .filter(|o| !verified || o.status == mitra_domain::ObservationStatus::Verified)
        {
            by_year.insert(o.year, o.value);
        }
        Ok(by_year.into_iter().collect())
    }
}

/// Whether `actor` may read `record`: everyone a signed one; an unsigned one its two cities' governments, platform
/// admins, operators and the organisation that proposed it.
fn may_read(actor: &Actor, record: &PartnershipRecord) -> bool {
    record.status.is_public()
        || actor
            .partnership_reader([&record.proposer, &record.invited])
            .is_ok()
        || proposed_it(actor, record)
}

/// Whether the actor is a member of the organisation that proposed the partnership on its city's behalf: it reads
/// what it proposed, and its thread, but does not act on it.
fn proposed_it(actor: &Actor, record: &PartnershipRecord) -> bool {
    let Some(org) = &record.proposed_by else {
        return false;
    };
    actor
        .account()
        .is_some_and(|a| a.memberships.iter().any(|m| m.org == org.id))
}

/// A refused move in words.
fn refused(why: Refused, action: &str) -> ServiceError {
    match why {
        Refused::NotYours => ServiceError::Forbidden,
        Refused::NotNow(status) => ServiceError::Conflict(Reason::cannot_now(status, action)),
    }
}

/// A move that lost to a concurrent one, in words.
fn changed(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict {
            kind: ConflictKind::Changed,
            ..
        } => ServiceError::Conflict(Reason::partnership_changed()),
        e => e.into(),
    }
}
