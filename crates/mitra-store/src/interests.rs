//! Expressions of interest, their threads and the notifications they cause: the records and trait. No SQL here:
//! `repo/interests.rs` implements the trait.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::interest::{InterestId, InterestStatus, MailFrequency, NotificationKind, Side};
use mitra_domain::partnership::PartnershipId;
use mitra_domain::{AccountId, CityId, EntryId, OrgId};
use time::OffsetDateTime;

use crate::StoreError;

/// An organisation as a thread names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgName {
    /// Its id.
    pub id: OrgId,
    /// Its English name.
    pub name_en: String,
    /// Its Chinese name, when it has one.
    pub name_zh: Option<String>,
}

/// An expression of interest as kept, with the names of both parties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestRecord {
    /// Its id.
    pub id: InterestId,
    /// The opportunity.
    pub entry: EntryId,
    /// The organisation that publishes the opportunity now; `None` for the platform's own entries.
    pub publisher: Option<OrgName>,
    /// The organisation that expressed interest.
    pub interested: OrgName,
    /// Where the thread stands.
    pub status: InterestStatus,
    /// Who expressed it (`account:<id>` or `operator`).
    pub created_by: String,
    /// When.
    pub created_at: OffsetDateTime,
    /// When it last changed: a message or a decision.
    pub updated_at: OffsetDateTime,
    /// Messages in the thread.
    pub messages: u64,
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestMessage {
    /// Its place in the thread, from 1.
    pub position: u32,
    /// For which party it was written.
    pub side: Side,
    /// The author; `None` for the operator or an account since deleted.
    pub author: Option<AccountId>,
    /// The author's name as the account gives it; `None` as for `author`.
    pub author_name: Option<String>,
    /// The text.
    pub body: String,
    /// When it was written.
    pub created_at: OffsetDateTime,
}

/// A new expression of interest with its first message.
#[derive(Debug, Clone)]
pub struct NewInterest<'a> {
    /// Its id.
    pub id: &'a InterestId,
    /// The opportunity.
    pub entry: &'a EntryId,
    /// The organisation expressing interest.
    pub interested: &'a OrgId,
    /// The account writing, `None` for the operator.
    pub author: Option<&'a AccountId>,
    /// The first message, checked.
    pub message: &'a str,
    /// The accounts told, each of the publishing side.
    pub notify: &'a [AccountId],
}

/// A message or a decision in a thread, made against the status it was decided on.
#[derive(Debug, Clone)]
pub struct ThreadChange<'a> {
    /// The thread.
    pub interest: &'a InterestId,
    /// The status the change was decided on: if the thread has moved since, the change is refused with
    /// [`StoreError::Conflict`] and nothing is written.
    pub from: InterestStatus,
    /// The status afterwards.
    pub to: InterestStatus,
    /// The side acting, and its organisation.
    pub side: Side,
    /// The acting side's organisation, named in the notifications.
    pub org: &'a OrgId,
    /// The account writing, `None` for the operator.
    pub author: Option<&'a AccountId>,
    /// A message to add, checked.
    pub message: Option<&'a str>,
    /// What the other side is told, and who.
    pub notify: (NotificationKind, &'a [AccountId]),
}

/// Which threads to list, newest change first.
#[derive(Debug, Clone, Default)]
pub struct InterestFilter {
    /// Threads about opportunities these organisations publish, or that these organisations expressed: the inbox of
    /// a member of them. Empty with `entry` unset: every thread (for platform admins).
    pub orgs: Vec<OrgId>,
    /// Only threads about this opportunity.
    pub entry: Option<EntryId>,
    /// At most this many.
    pub limit: u32,
}

/// A notification as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    /// Its number, increasing.
    pub id: i64,
    /// What it tells.
    pub kind: NotificationKind,
    /// What it is about.
    pub about: NotificationAbout,
    /// The organisation whose action it reports; `None` when Mitra itself tells (a dormancy alert) or the operator
    /// acted.
    pub from: Option<OrgName>,
    /// When.
    pub created_at: OffsetDateTime,
    /// When the account read it.
    pub read_at: Option<OffsetDateTime>,
}

/// What a notification is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotificationAbout {
    /// A thread about an opportunity.
    Interest {
        /// The thread.
        interest: InterestId,
        /// The thread's opportunity.
        entry: EntryId,
    },
    /// A city partnership.
    Partnership {
        /// The partnership.
        partnership: PartnershipId,
        /// Its proposing and invited cities.
        cities: (CityId, CityId),
    },
}

/// An account's mail of notifications that is due, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailDue {
    /// The account.
    pub account: AccountId,
    /// Its address.
    pub email: String,
    /// Its name.
    pub display_name: String,
    /// Its interface language tag.
    pub language: String,
    /// How it is mailed.
    pub frequency: MailFrequency,
    /// The notifications not mailed yet, oldest first.
    pub notifications: Vec<NotificationRecord>,
}

/// Threads about opportunities, and the notifications they cause.
#[async_trait]
pub trait InterestStore {
    /// Writes a new thread with its first message (status open) and notifies `new.notify`, journalled under entity
    /// `interest`. [`StoreError::Conflict`] when the organisation's thread about the opportunity is still going.
    async fn create_interest(
        &self,
        new: &NewInterest<'_>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;

    /// Adds a message and/or moves the status, notifying the other side, journalled. [`StoreError::Conflict`] when
    /// the thread is no longer at `change.from`; [`StoreError::NotFound`] when there is no such thread.
    async fn change_thread(
        &self,
        change: &ThreadChange<'_>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;

    /// One thread; [`StoreError::NotFound`] when there is none.
    async fn find_interest(&self, id: &InterestId) -> Result<InterestRecord, StoreError>;

    /// A thread's messages in order.
    async fn list_interest_messages(
        &self,
        id: &InterestId,
    ) -> Result<Vec<InterestMessage>, StoreError>;

    /// Threads matching `filter`, most recently changed first.
    async fn list_interests(
        &self,
        filter: &InterestFilter,
    ) -> Result<Vec<InterestRecord>, StoreError>;

    /// An account's newest notifications first, at most `limit`, and how many it has not read.
    async fn list_notifications(
        &self,
        account: &AccountId,
        limit: u32,
    ) -> Result<(Vec<NotificationRecord>, u64), StoreError>;

    /// Marks an account's notifications up to and including number `up_to` read; how many were unread.
    async fn mark_notifications_read(
        &self,
        account: &AccountId,
        up_to: i64,
        actor: &AuditStamp,
    ) -> Result<u64, StoreError>;

    /// How often an account is mailed (daily when it never said).
    async fn mail_frequency(&self, account: &AccountId) -> Result<MailFrequency, StoreError>;

    /// Sets how often an account is mailed, journalled.
    async fn set_mail_frequency(
        &self,
        account: &AccountId,
        frequency: MailFrequency,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;

    /// Every account whose mail is due at `now` (only those of `only`, unless it is empty): unmailed notifications
    /// of accounts mailed immediately, and of accounts whose daily or weekly digest is due (never sent, or sent an
    /// interval ago).
    async fn mail_due(
        &self,
        now: OffsetDateTime,
        only: &[AccountId],
    ) -> Result<Vec<MailDue>, StoreError>;

    /// Claims an account's unmailed notifications up to `up_to` as mailed at `now` (and, for a digest, records
    /// that its digest was sent then), journalled; how many it claimed. Nodes that send the same mail at once
    /// claim before sending: only the one that claimed something sends.
    async fn mark_mailed(
        &self,
        account: &AccountId,
        up_to: i64,
        digest: bool,
        now: OffsetDateTime,
        actor: &AuditStamp,
    ) -> Result<u64, StoreError>;
}
