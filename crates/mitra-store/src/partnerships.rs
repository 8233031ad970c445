//! City partnerships, their threads, activities and outcomes: the records and trait. No SQL here:
//! `repo/partnerships.rs` implements the trait.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::interest::NotificationKind;
use mitra_domain::partnership::{
    Activity, Origin, PartnershipId, PartnershipKind, PartnershipStatus, PartySide, Signing,
};
use mitra_domain::{AccountId, CityId, EntryId, IndicatorId, OrgId};
use time::{Date, OffsetDateTime};

use crate::{Attachment, OrgName, StoreError};

/// A partnership as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnershipRecord {
    /// Its id.
    pub id: PartnershipId,
    /// The proposing city (the first city of a recorded tie).
    pub proposer: CityId,
    /// The invited city.
    pub invited: CityId,
    /// What kind of tie.
    pub kind: PartnershipKind,
    /// Where it stands.
    pub status: PartnershipStatus,
    /// How Mitra knows of it.
    pub origin: Origin,
    /// For a recorded tie: the file and line it comes from.
    pub source: Option<String>,
    /// Its title.
    pub title: String,
    /// The organisation that proposed it, when it was proposed in Mitra and still exists.
    pub proposed_by: Option<OrgName>,
    /// The signed agreement, when recorded in Mitra.
    pub signing: Option<Signing>,
    /// The signed agreement as an uploaded file, when one was uploaded.
    pub document_file: Option<Attachment>,
    /// The work plan.
    pub work_plan: Option<String>,
    /// The last day of the latest activity, or the signing day.
    pub last_active_on: Option<Date>,
    /// Who entered it (`account:<id>`, `operator`, `system:reference`).
    pub created_by: String,
    /// When it entered Mitra.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
    /// Messages in its thread.
    pub messages: u64,
    /// Activities logged.
    pub activities: u64,
}

impl PartnershipRecord {
    /// The side `city` is on, if it is one of the two.
    pub fn side_of(&self, city: &CityId) -> Option<PartySide> {
        if &self.proposer == city {
            Some(PartySide::Proposer)
        } else if &self.invited == city {
            Some(PartySide::Invited)
        } else {
            None
        }
    }

    /// The city of `side`.
    pub fn city(&self, side: PartySide) -> &CityId {
        match side {
            PartySide::Proposer => &self.proposer,
            PartySide::Invited => &self.invited,
        }
    }

    /// The day dormancy counts from: the last activity, else the signing, else the day it entered Mitra.
    pub fn active_since(&self) -> Date {
        self.last_active_on.unwrap_or(self.created_at.date())
    }
}

/// One message of a partnership's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnershipMessage {
    /// Its place in the thread, from 1.
    pub position: u32,
    /// For which city it was written.
    pub side: PartySide,
    /// The author; `None` for the operator or an account since deleted.
    pub author: Option<AccountId>,
    /// The author's name as the account gives it.
    pub author_name: Option<String>,
    /// The text.
    pub body: String,
    /// When it was written.
    pub created_at: OffsetDateTime,
}

/// An activity as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRecord {
    /// Its id (a UUID).
    pub id: String,
    /// The partnership.
    pub partnership: PartnershipId,
    /// What it was.
    pub activity: Activity,
    /// The event entry that announces it.
    pub event: Option<EntryId>,
    /// Who logged it (`account:<id>`, `operator`).
    pub created_by: String,
    /// The author's name, when an account logged it and still exists.
    pub author_name: Option<String>,
    /// When it was logged.
    pub created_at: OffsetDateTime,
}

/// An outcome a partnership aims at: an indicator of one of its cities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRecord {
    /// The city.
    pub city: CityId,
    /// The indicator.
    pub indicator: IndicatorId,
    /// What the partners say about it.
    pub note: Option<String>,
    /// When it was added.
    pub created_at: OffsetDateTime,
}

/// A new partnership proposed in Mitra, with its first message.
#[derive(Debug, Clone)]
pub struct NewPartnership<'a> {
    /// Its id.
    pub id: &'a PartnershipId,
    /// The proposing city.
    pub proposer: &'a CityId,
    /// The invited city.
    pub invited: &'a CityId,
    /// What kind.
    pub kind: PartnershipKind,
    /// Its title.
    pub title: &'a str,
    /// The proposing organisation (the proposer's city government), `None` for the operator.
    pub org: Option<&'a OrgId>,
    /// The account writing, `None` for the operator.
    pub author: Option<&'a AccountId>,
    /// The first message, checked.
    pub message: &'a str,
    /// The accounts told: the invited city's government editors.
    pub notify: &'a [AccountId],
}

/// A tie from a published list, recorded as a signed partnership with its source.
#[derive(Debug, Clone)]
pub struct RecordedPartnership {
    /// Its id.
    pub id: PartnershipId,
    /// The first city of the list's row.
    pub first: CityId,
    /// The second.
    pub second: CityId,
    /// What kind of tie the list records.
    pub kind: PartnershipKind,
    /// Its title.
    pub title: String,
    /// The file and line.
    pub source: String,
}

/// What a change writes besides the status.
#[derive(Debug, Clone, Default)]
pub struct ChangeDetails<'a> {
    /// A message to add to the thread, checked.
    pub message: Option<&'a str>,
    /// The signed agreement (when signing).
    pub signing: Option<&'a Signing>,
    /// The work plan (when activating).
    pub work_plan: Option<&'a str>,
    /// An activity to log (its id and the event entry that announces it).
    pub activity: Option<(&'a str, &'a Activity, Option<&'a EntryId>)>,
}

/// A move of a partnership, decided against the status it was decided on.
#[derive(Debug, Clone)]
pub struct PartnershipChange<'a> {
    /// The partnership.
    pub id: &'a PartnershipId,
    /// The status the change was decided on: if the partnership has moved since, the change is refused with
    /// [`StoreError::Conflict`] and nothing is written.
    pub from: PartnershipStatus,
    /// The status afterwards.
    pub to: PartnershipStatus,
    /// The side acting; `None` for Mitra itself (a dormancy alert).
    pub side: Option<PartySide>,
    /// The acting side's organisation, named in the notifications; `None` for the operator or Mitra.
    pub org: Option<&'a OrgId>,
    /// The account acting, `None` for the operator or Mitra.
    pub author: Option<&'a AccountId>,
    /// What is written besides the status.
    pub details: ChangeDetails<'a>,
    /// What is told, and to whom.
    pub notify: (NotificationKind, &'a [AccountId]),
}

/// Which partnerships to list, most recently changed first.
#[derive(Debug, Clone, Default)]
pub struct PartnershipFilter {
    /// Only those of this city (either side).
    pub city: Option<CityId>,
    /// Only those at these statuses; empty: all.
    pub statuses: Vec<PartnershipStatus>,
    /// Only this kind.
    pub kind: Option<PartnershipKind>,
    /// Only this origin.
    pub origin: Option<Origin>,
    /// Besides the public (signed) ones, the unsigned ones of these cities: the cities whose government the reader
    /// is. `None`: every partnership, signed or not (platform admins, the operator).
    pub private_of: Option<Vec<CityId>>,
    /// Skip this many.
    pub offset: u64,
    /// At most this many.
    pub limit: u32,
}

/// City partnerships, their threads, activities and outcomes.
#[async_trait]
pub trait PartnershipStore {
    /// Writes a new partnership (status proposed) with its first message and notifies `new.notify`, journalled
    /// under entity `partnership`. [`StoreError::Conflict`] (unique) when the two cities have one going.
    async fn create_partnership(
        &self,
        new: &NewPartnership<'_>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;

    /// Records ties from a published list as signed partnerships, skipping a pair that already has one going;
    /// how many it wrote. Journalled.
    async fn record_partnerships(
        &self,
        ties: &[RecordedPartnership],
        actor: &AuditStamp,
    ) -> Result<u64, StoreError>;

    /// Whether any recorded partnership is kept (the shipped list was loaded).
    async fn has_recorded_partnerships(&self) -> Result<bool, StoreError>;

    /// Moves a partnership and writes what comes with the move (a message, the signing, the work plan, an
    /// activity), notifying, journalled. [`StoreError::Conflict`] (changed) when it is no longer at `change.from`;
    /// [`StoreError::NotFound`] when there is none.
    async fn change_partnership(
        &self,
        change: &PartnershipChange<'_>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;

    /// Records `file` as the signed agreement of partnership `id` (its `created_by` is not read: `actor` is kept),
    /// replacing any earlier one, journalled under entity `partnership_document`. Returns the SHA-256 of the file it
    /// replaced when that differs; [`StoreError::NotFound`] when there is no such partnership.
    async fn set_partnership_document(
        &self,
        id: &PartnershipId,
        file: &Attachment,
        actor: &AuditStamp,
    ) -> Result<Option<String>, StoreError>;

    /// One partnership; [`StoreError::NotFound`] when there is none.
    async fn find_partnership(&self, id: &PartnershipId) -> Result<PartnershipRecord, StoreError>;

    /// Partnerships matching `filter`, most recently changed first, and how many match in all.
    async fn list_partnerships(
        &self,
        filter: &PartnershipFilter,
    ) -> Result<(Vec<PartnershipRecord>, u64), StoreError>;

    /// A partnership's thread in order.
    async fn list_partnership_messages(
        &self,
        id: &PartnershipId,
    ) -> Result<Vec<PartnershipMessage>, StoreError>;

    /// A partnership's activities, by first day (latest first).
    async fn list_partnership_activities(
        &self,
        id: &PartnershipId,
    ) -> Result<Vec<ActivityRecord>, StoreError>;

    /// The activities of every partnership of `city` that start in `year`, with their partnership's id.
    async fn list_city_activities(
        &self,
        city: &CityId,
        year: i32,
    ) -> Result<Vec<ActivityRecord>, StoreError>;

    /// The partnerships with an activity that event entry `event` announces.
    async fn list_event_partnerships(
        &self,
        event: &EntryId,
    ) -> Result<Vec<PartnershipRecord>, StoreError>;

    /// Signed and active partnerships whose last activity (or signing, or entry) was on or before `cutoff`.
    async fn dormancy_candidates(&self, cutoff: Date)
    -> Result<Vec<PartnershipRecord>, StoreError>;

    /// Adds (or replaces the note of) an outcome, journalled.
    async fn put_outcome(
        &self,
        id: &PartnershipId,
        outcome: &OutcomeRecord,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;

    /// The accounts that may act for `city`: editors and admins of its approved city-government organisations,
    /// each with the organisation.
    async fn city_government_editors(
        &self,
        city: &CityId,
    ) -> Result<Vec<(AccountId, OrgId)>, StoreError>;

    /// A partnership's outcomes, by city and indicator.
    async fn list_outcomes(&self, id: &PartnershipId) -> Result<Vec<OutcomeRecord>, StoreError>;
}
