//! The knowledge exchange's entries: their records and trait. No SQL here: `repo/entries.rs` implements the trait.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::{AccountId, Entry, EntryId, ModerationStatus, OrgId, PageRequest};
use time::OffsetDateTime;

use crate::StoreError;

/// An entry as kept: the entry and who published it when.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    /// The entry.
    pub entry: Entry,
    /// The organisation that publishes it; `None` for entries loaded with the platform.
    pub owner_org: Option<OrgId>,
    /// Where it stands in moderation: only approved entries are public.
    pub status: ModerationStatus,
    /// Why a platform admin rejected it.
    pub rejection_reason: Option<String>,
    /// Who created it (an account id, or `system:…`).
    pub created_by: String,
    /// When.
    pub created_at: OffsetDateTime,
    /// Who changed it last.
    pub updated_by: String,
    /// When.
    pub updated_at: OffsetDateTime,
}

/// What the search index keeps of a stored entry ([`EntryStore::list_entries_for_index`]).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedEntry {
    /// The entry.
    pub entry: Entry,
    /// Where it stands in moderation: only approved entries are searched.
    pub status: ModerationStatus,
    /// When it was changed last, in whole seconds since the Unix epoch.
    pub updated_unix: i64,
}

impl From<StoredEntry> for IndexedEntry {
    fn from(stored: StoredEntry) -> Self {
        Self {
            updated_unix: stored.updated_at.unix_timestamp(),
            entry: stored.entry,
            status: stored.status,
        }
    }
}

/// What writing a set of entries did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntryWrites {
    /// Entries that were new.
    pub inserted: u64,
    /// Entries that changed.
    pub updated: u64,
    /// Entries already stored exactly so; not written or journalled.
    pub unchanged: u64,
}

/// One enrolment in a training entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// The account.
    pub account: AccountId,
    /// Its name.
    pub display_name: String,
    /// Its e-mail address, for the organiser.
    pub email: String,
    /// When it enrolled.
    pub enrolled_at: OffsetDateTime,
}

/// A file attached to an entry; the bytes are kept outside the database under their SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file's SHA-256, in lower-case hex: its name on disk.
    pub sha256: String,
    /// The name it was uploaded under.
    pub name: String,
    /// Its media type, as found from its content.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Who attached it.
    pub created_by: String,
    /// When.
    pub created_at: OffsetDateTime,
}

/// Entries written in one transaction over several calls: a large import, a page at a time.
#[async_trait]
pub trait EntryImport: Send {
    /// The entries of `ids` that exist, as this transaction sees them, in no particular order.
    async fn existing(&mut self, ids: &[EntryId]) -> Result<Vec<StoredEntry>, StoreError>;

    /// Inserts or replaces every entry of `entries`, each with its moderation status, as
    /// [`EntryStore::put_entries`] does.
    async fn put(
        &mut self,
        entries: &[(Entry, ModerationStatus)],
    ) -> Result<EntryWrites, StoreError>;

    /// Makes every entry written visible at once.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// Entries of the knowledge exchange. Entries come in already validated by the domain.
#[async_trait]
pub trait EntryStore {
    /// Inserts or replaces every entry of `entries` in one transaction, each with its moderation status (a
    /// rejection's reason is cleared), all published by `owner` (kept as it was for an entry that exists), and
    /// journals each one that changed under entity `entry`.
    async fn put_entries(
        &self,
        entries: &[(Entry, ModerationStatus)],
        owner: Option<&OrgId>,
        actor: &AuditStamp,
    ) -> Result<EntryWrites, StoreError>;

    /// Begins writing entries in one transaction over several calls, all published by `owner` (kept as it was for
    /// an entry that exists) and stamped by `actor`, as [`Self::put_entries`] writes them at once. Nothing is seen
    /// by others before [`EntryImport::commit`]; dropped without it, nothing is written. On SQLite other writers
    /// wait until then.
    async fn begin_entry_import(
        &self,
        owner: Option<&OrgId>,
        actor: &AuditStamp,
    ) -> Result<Box<dyn EntryImport>, StoreError>;

    /// Sets an entry's moderation status and, for a rejection, its reason; journalled under entity `entry`.
    /// [`StoreError::NotFound`] when there is none.
    async fn moderate_entry(
        &self,
        id: &EntryId,
        status: ModerationStatus,
        reason: Option<&str>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;

    /// Up to `limit` entries with moderation `status`, oldest change first.
    async fn entries_with_status(
        &self,
        status: ModerationStatus,
        limit: u32,
    ) -> Result<Vec<StoredEntry>, StoreError>;

    /// One entry; [`StoreError::NotFound`] when there is none with that id.
    async fn find_entry(&self, id: &EntryId) -> Result<StoredEntry, StoreError>;

    /// The entries of `ids` that exist, in no particular order.
    async fn find_entries(&self, ids: &[EntryId]) -> Result<Vec<StoredEntry>, StoreError>;

    /// Up to `page.limit` entries ordered by id, after `page.after`.
    async fn list_entries(&self, page: &PageRequest) -> Result<Vec<StoredEntry>, StoreError>;

    /// [`EntryStore::list_entries`] with only what the search index keeps of each entry, read as fast as the engine
    /// can give it: SQLite hands over a page as one row.
    async fn list_entries_for_index(
        &self,
        page: &PageRequest,
    ) -> Result<Vec<IndexedEntry>, StoreError>;

    /// How many entries are kept.
    async fn count_entries(&self) -> Result<u64, StoreError>;

    /// Enrols `account` in the training `entry`, journalled under entity `enrolment`; `false` when it already was.
    async fn enrol(
        &self,
        entry: &EntryId,
        account: &AccountId,
        actor: &AuditStamp,
    ) -> Result<bool, StoreError>;

    /// Withdraws `account` from `entry`, journalled; `false` when it was not enrolled.
    async fn withdraw(
        &self,
        entry: &EntryId,
        account: &AccountId,
        actor: &AuditStamp,
    ) -> Result<bool, StoreError>;

    /// Everyone enrolled in `entry`, in the order they enrolled (the first `seats` hold a seat).
    async fn list_enrolments(&self, entry: &EntryId) -> Result<Vec<Enrolment>, StoreError>;

    /// Records that `entry` shows `file`, added by `actor` (its `created_by` is not read), journalled under entity
    /// `attachment`; `false` when it already does.
    async fn add_attachment(
        &self,
        entry: &EntryId,
        file: &Attachment,
        actor: &AuditStamp,
    ) -> Result<bool, StoreError>;

    /// The files `entry` shows, in the order they were attached.
    async fn list_attachments(&self, entry: &EntryId) -> Result<Vec<Attachment>, StoreError>;

    /// Removes file `sha256` from `entry`, journalled; `false` when the entry did not show it.
    async fn remove_attachment(
        &self,
        entry: &EntryId,
        sha256: &str,
        actor: &AuditStamp,
    ) -> Result<bool, StoreError>;

    /// Whether any entry still shows file `sha256`, or any partnership keeps it as its signed agreement.
    async fn attachment_in_use(&self, sha256: &str) -> Result<bool, StoreError>;

    /// Deletes an entry (and its enrolments and attachment records), journalled; [`StoreError::NotFound`] when
    /// there is none.
    async fn delete_entry(&self, id: &EntryId, actor: &AuditStamp) -> Result<(), StoreError>;
}
