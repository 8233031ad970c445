//! Records and traits for accounts, organisations, sessions and tokens. No SQL here: `repo/accounts.rs`,
//! `repo/orgs.rs` and `repo/sessions.rs` implement the traits.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::{
    Account, AccountId, Email, MemberRole, Membership, ModerationStatus, OrgId, Organisation,
    TokenScope,
};
use time::OffsetDateTime;

use crate::StoreError;

/// A new account to insert.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The account, as it will be.
    pub account: Account,
    /// Its argon2id password hash (PHC string).
    pub password_hash: String,
}

/// What sign-in needs: the account, its password hash and its throttling state.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The account.
    pub account: Account,
    /// Its argon2id password hash.
    pub password_hash: String,
    /// Failed sign-ins since the last success.
    pub failed_logins: u32,
    /// Sign-in is refused until then.
    pub locked_until: Option<OffsetDateTime>,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The signed-in account; `None` for an anonymous session (which only carries a CSRF token).
    pub account_id: Option<AccountId>,
    /// The session's CSRF synchronizer token.
    pub csrf_token: String,
    /// When it expires.
    pub expires_at: OffsetDateTime,
}

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Confirms an e-mail address.
    VerifyEmail,
    /// Sets a new password.
    ResetPassword,
    /// Joins an organisation.
    Invitation,
}

impl TokenPurpose {
    /// The id stored with the token.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify-email",
            TokenPurpose::ResetPassword => "reset-password",
            TokenPurpose::Invitation => "invitation",
        }
    }
}

/// A one-time link's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeToken {
    /// What it is for.
    pub purpose: TokenPurpose,
    /// The account it acts on (verification, reset).
    pub account_id: Option<AccountId>,
    /// The invited address (invitation).
    pub email: Option<String>,
    /// The organisation invited to.
    pub org_id: Option<OrgId>,
    /// The role offered.
    pub role: Option<MemberRole>,
}

/// An API token as its owner sees it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    /// Its id.
    pub id: String,
    /// Its owner.
    pub account_id: AccountId,
    /// The owner's label for it.
    pub name: String,
    /// What it may do.
    pub scope: TokenScope,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it was last used.
    pub last_used_at: Option<OffsetDateTime>,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this actor (`account:<id>`, `operator`, `system:reference`).
    pub actor: Option<String>,
    /// Only this kind of entity.
    pub entity: Option<String>,
    /// Only entries at or after this time.
    pub from: Option<OffsetDateTime>,
    /// Only entries before this time.
    pub to: Option<OffsetDateTime>,
    /// Only entries older than this id (paging backwards).
    pub before_id: Option<i64>,
    /// How many at most.
    pub limit: u32,
}

/// Accounts and memberships.
#[async_trait]
pub trait AccountStore {
    /// Inserts an account; [`StoreError::Conflict`] when the address is taken.
    async fn insert_account(&self, new: &NewAccount, actor: &AuditStamp) -> Result<(), StoreError>;
    /// The credentials of the account with `email`, if any.
    async fn find_credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError>;
    /// One account.
    async fn find_account(&self, id: &AccountId) -> Result<Account, StoreError>;
    /// Accounts by e-mail address, at most `limit`.
    async fn list_accounts(&self, limit: u32) -> Result<Vec<Account>, StoreError>;
    /// Records the outcome of a sign-in attempt (throttling state; not journalled: it is not content).
    async fn record_sign_in(
        &self,
        id: &AccountId,
        failed_logins: u32,
        locked_until: Option<OffsetDateTime>,
    ) -> Result<(), StoreError>;
    /// Writes an account's settings, role and verification state, journalled.
    async fn update_account(&self, account: &Account, actor: &AuditStamp)
    -> Result<(), StoreError>;
    /// Replaces the password hash and, in the same transaction, ends every session of the account, voids its unused
    /// password-reset links and revokes its API tokens; journalled without the hash. Returns how many API tokens
    /// were revoked.
    async fn set_password_hash(
        &self,
        id: &AccountId,
        hash: &str,
        actor: &AuditStamp,
    ) -> Result<u64, StoreError>;
    /// An account's memberships.
    async fn list_memberships(&self, id: &AccountId) -> Result<Vec<Membership>, StoreError>;
    /// An organisation's members and their roles.
    async fn list_members(&self, org: &OrgId) -> Result<Vec<(Account, MemberRole)>, StoreError>;
    /// Adds a member or changes their role, journalled.
    async fn upsert_membership(
        &self,
        account: &AccountId,
        org: &OrgId,
        role: MemberRole,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;
}

/// Sessions, one-time links and API tokens.
#[async_trait]
pub trait SessionStore {
    /// Stores a session under the hash of its id.
    async fn insert_session(
        &self,
        id_hash: &str,
        account: Option<&AccountId>,
        csrf_token: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// The unexpired session with that id hash.
    async fn find_session(
        &self,
        id_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SessionRecord>, StoreError>;
    /// Ends one session.
    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;
    /// Stores a one-time link under the hash of its secret.
    async fn insert_one_time_token(
        &self,
        token_hash: &str,
        token: &OneTimeToken,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// A one-time link, if it is unused, unexpired and for `purpose`, without using it.
    async fn find_one_time_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: OffsetDateTime,
    ) -> Result<Option<OneTimeToken>, StoreError>;
    /// Deletes the sessions and one-time links that expired before `now`, and links used more than a day before
    /// it; returns how many sessions and links were deleted.
    async fn purge_expired(&self, now: OffsetDateTime) -> Result<(u64, u64), StoreError>;
    /// Uses a one-time link: returns it and marks it used, once, if it is unexpired and for `purpose`.
    async fn consume_one_time_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: OffsetDateTime,
    ) -> Result<Option<OneTimeToken>, StoreError>;
    /// Stores a new API token under the hash of its secret, journalled.
    async fn insert_api_token(
        &self,
        record: &ApiTokenRecord,
        hash: &str,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;
    /// The token with that secret hash, revoked or not.
    async fn find_api_token(&self, hash: &str) -> Result<Option<ApiTokenRecord>, StoreError>;
    /// Records a use of a token.
    async fn touch_api_token(&self, id: &str, now: OffsetDateTime) -> Result<(), StoreError>;
    /// An account's tokens, newest first.
    async fn list_api_tokens(&self, account: &AccountId)
    -> Result<Vec<ApiTokenRecord>, StoreError>;
    /// Revokes one of the account's tokens, journalled; `false` if there is no such live token.
    async fn revoke_api_token(
        &self,
        id: &str,
        account: &AccountId,
        now: OffsetDateTime,
        actor: &AuditStamp,
    ) -> Result<bool, StoreError>;
}

/// Organisations.
#[async_trait]
pub trait OrgStore {
    /// Inserts an organisation and, when `creator` is given, makes them its admin, journalled;
    /// [`StoreError::Conflict`] when the id is taken.
    async fn insert_org(
        &self,
        org: &Organisation,
        creator: Option<&AccountId>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError>;
    /// Writes an organisation's profile and moderation state, journalled.
    async fn update_org(&self, org: &Organisation, actor: &AuditStamp) -> Result<(), StoreError>;
    /// One organisation.
    async fn find_org(&self, id: &OrgId) -> Result<Organisation, StoreError>;
    /// Organisations by id after `after`, only those with `status` when given.
    async fn list_orgs(
        &self,
        status: Option<ModerationStatus>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Organisation>, StoreError>;
}
