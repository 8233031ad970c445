//! Accounts and their memberships in organisations ([`AccountStore`]): sign-up, sign-in state, settings, passwords
//! and roles. Sessions and tokens are in `sessions.rs`, organisations in `orgs.rs`; this file must not write their
//! rows, except that a new password ends the account's sessions, links and tokens in the same transaction.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::{
    Account, AccountId, CityId, Email, MemberRole, Membership, ModerationStatus, OrgId, OrgKind,
    PlatformRole,
};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::corrupt;
use super::dialect::DbStore;
use super::journal::{WriteTx, journal};
use crate::{AccountStore, Credentials, NewAccount, StoreError, TokenPurpose};

const ACCOUNT_COLUMNS: &str =
    "a.id, a.email, a.display_name, a.language, a.time_zone, a.platform_role, a.email_verified_at";

/// An `accounts` row, without its secrets.
#[derive(sqlx_macros::FromRow)]
struct AccountRow {
    id: String,
    email: String,
    display_name: String,
    language: String,
    time_zone: String,
    platform_role: Option<String>,
    email_verified_at: Option<OffsetDateTime>,
}

impl AccountRow {
    fn into_account(self) -> Result<Account, StoreError> {
        let bad = |e| corrupt("accounts", &self.id, e);
        Ok(Account {
            id: AccountId::parse(&self.id).map_err(bad)?,
            email: Email::parse(&self.email).map_err(bad)?,
            platform_role: self
                .platform_role
                .as_deref()
                .map(PlatformRole::parse)
                .transpose()
                .map_err(bad)?,
            email_verified: self.email_verified_at.is_some(),
            display_name: self.display_name,
            language: self.language,
            time_zone: self.time_zone,
        })
    }
}

/// An `accounts` row with what sign-in needs.
#[derive(sqlx_macros::FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    account: AccountRow,
    password_hash: String,
    failed_logins: i64,
    locked_until: Option<OffsetDateTime>,
}

/// An account with its role in an organisation.
#[derive(sqlx_macros::FromRow)]
struct MemberRow {
    #[sqlx(flatten)]
    account: AccountRow,
    role: String,
}

/// A `memberships` row with what permission checks need of its organisation.
#[derive(sqlx_macros::FromRow)]
struct MembershipRow {
    org_id: String,
    role: String,
    kind: String,
    city_id: Option<String>,
    status: String,
}

impl MembershipRow {
    fn into_membership(self) -> Result<Membership, StoreError> {
        let bad = |e| corrupt("memberships", &self.org_id, e);
        Ok(Membership {
            org: OrgId::parse(&self.org_id).map_err(bad)?,
            org_kind: OrgKind::parse(&self.kind).map_err(bad)?,
            org_city: self
                .city_id
                .as_deref()
                .map(CityId::parse)
                .transpose()
                .map_err(bad)?,
            org_status: ModerationStatus::parse(&self.status).map_err(bad)?,
            role: MemberRole::parse(&self.role).map_err(bad)?,
        })
    }
}

/// The account as journalled.
fn account_json(a: &Account) -> Value {
    json!({
        "id": a.id.as_str(), "email": a.email.as_str(), "display_name": a.display_name,
        "language": a.language, "time_zone": a.time_zone,
        "platform_role": a.platform_role.map(|r| r.as_str()), "email_verified": a.email_verified,
    })
}

/// The account with id `id`, if any, read inside `tx`.
async fn find_account_in(tx: &mut WriteTx, id: &str) -> Result<Option<Account>, StoreError> {
    let row: Option<AccountRow> = sqlx::query_as(&format!(
        "select {ACCOUNT_COLUMNS} from accounts a where a.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(AccountRow::into_account).transpose()
}

#[async_trait]
impl AccountStore for DbStore {
    async fn insert_account(&self, new: &NewAccount, actor: &AuditStamp) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let a = &new.account;
        let mut tx = WriteTx::begin(&self.pool).await?;
        sqlx::query(
            "insert into accounts (id, email, password_hash, display_name, language, time_zone, \
             platform_role, email_verified_at, failed_logins, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)",
        )
        .bind(a.id.as_str())
        .bind(a.email.as_str())
        .bind(&new.password_hash)
        .bind(&a.display_name)
        .bind(&a.language)
        .bind(&a.time_zone)
        .bind(a.platform_role.map(|r| r.as_str()))
        .bind(a.email_verified.then_some(now))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let after = account_json(a);
        journal(
            &mut tx,
            now,
            actor,
            "insert",
            "account",
            a.id.as_str(),
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError> {
        let row: Option<CredentialsRow> = sqlx::query_as(&format!(
            "select {ACCOUNT_COLUMNS}, a.password_hash, a.failed_logins, a.locked_until \
             from accounts a where a.email = $1"
        ))
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Credentials {
            account: row.account.into_account()?,
            password_hash: row.password_hash,
            failed_logins: row.failed_logins.clamp(0, i64::from(u32::MAX)) as u32,
            locked_until: row.locked_until,
        }))
    }

    async fn find_account(&self, id: &AccountId) -> Result<Account, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let found = find_account_in(&mut tx, id.as_str()).await?;
        tx.commit().await?;
        found.ok_or_else(|| StoreError::NotFound {
            entity: "account",
            id: id.to_string(),
        })
    }

    async fn list_accounts(&self, limit: u32) -> Result<Vec<Account>, StoreError> {
        let rows: Vec<AccountRow> = sqlx::query_as(&format!(
            "select {ACCOUNT_COLUMNS} from accounts a order by a.email limit $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(AccountRow::into_account).collect()
    }

    async fn record_sign_in(
        &self,
        id: &AccountId,
        failed_logins: u32,
        locked_until: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        sqlx::query("update accounts set failed_logins = $1, locked_until = $2 where id = $3")
            .bind(i64::from(failed_logins))
            .bind(locked_until)
            .bind(id.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn update_account(
        &self,
        account: &Account,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let before = find_account_in(&mut tx, account.id.as_str())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "account",
                id: account.id.to_string(),
            })?;
        sqlx::query(
            "update accounts set display_name = $1, language = $2, time_zone = $3, platform_role = \
             $4, email_verified_at = case when $5 then coalesce(email_verified_at, $6) else null \
             end where id = $7",
        )
        .bind(&account.display_name)
        .bind(&account.language)
        .bind(&account.time_zone)
        .bind(account.platform_role.map(|r| r.as_str()))
        .bind(account.email_verified)
        .bind(now)
        .bind(account.id.as_str())
        .execute(&mut *tx)
        .await?;
        let (before, after) = (account_json(&before), account_json(account));
        journal(
            &mut tx,
            now,
            actor,
            "update",
            "account",
            account.id.as_str(),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_password_hash(
        &self,
        id: &AccountId,
        hash: &str,
        actor: &AuditStamp,
    ) -> Result<u64, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let updated = sqlx::query(
            "update accounts set password_hash = $1, failed_logins = 0, locked_until = \
                 null where id = $2",
        )
        .bind(hash)
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Err(StoreError::NotFound {
                entity: "account",
                id: id.to_string(),
            });
        }
        sqlx::query("delete from sessions where account_id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        // A reset link sent before this change must not set the password once more.
        sqlx::query(
            "update one_time_tokens set used_at = $1 \
             where account_id = $2 and purpose = $3 and used_at is null",
        )
        .bind(now)
        .bind(id.as_str())
        .bind(TokenPurpose::ResetPassword.as_str())
        .execute(&mut *tx)
        .await?;
        let revoked = sqlx::query(
            "update api_tokens set revoked_at = $1 where account_id = $2 and revoked_at is null",
        )
        .bind(now)
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // The hash itself never enters the journal.
        let after = json!({
            "password": "changed", "sessions": "ended", "reset_links": "void",
            "api_tokens_revoked": revoked,
        });
        journal(
            &mut tx,
            now,
            actor,
            "update",
            "account_password",
            id.as_str(),
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(revoked)
    }

    async fn list_memberships(&self, id: &AccountId) -> Result<Vec<Membership>, StoreError> {
        let rows: Vec<MembershipRow> = sqlx::query_as(
            "select m.org_id, m.role, o.kind, o.city_id, o.status from memberships m \
             join organisations o on o.id = m.org_id where m.account_id = $1 order by m.org_id",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(MembershipRow::into_membership)
            .collect()
    }

    async fn list_members(&self, org: &OrgId) -> Result<Vec<(Account, MemberRole)>, StoreError> {
        let rows: Vec<MemberRow> = sqlx::query_as(&format!(
            "select {ACCOUNT_COLUMNS}, m.role from memberships m join accounts a on a.id = \
             m.account_id where m.org_id = $1 order by a.email"
        ))
        .bind(org.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let role = MemberRole::parse(&row.role)
                    .map_err(|e| corrupt("memberships", org.as_str(), e))?;
                Ok((row.account.into_account()?, role))
            })
            .collect()
    }

    async fn upsert_membership(
        &self,
        account: &AccountId,
        org: &OrgId,
        role: MemberRole,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let before: Option<String> = sqlx::query_scalar(
            "select role from memberships where account_id = $1 and org_id = $2",
        )
        .bind(account.as_str())
        .bind(org.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query(
            "insert into memberships (account_id, org_id, role, created_at) \
             values ($1, $2, $3, $4) on conflict (account_id, org_id) do update \
             set role = excluded.role",
        )
        .bind(account.as_str())
        .bind(org.as_str())
        .bind(role.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let key = format!("{org} {account}");
        let before =
            before.map(|r| json!({"org": org.as_str(), "account": account.as_str(), "role": r}));
        let after =
            json!({"org": org.as_str(), "account": account.as_str(), "role": role.as_str()});
        let action = if before.is_some() { "update" } else { "insert" };
        journal(
            &mut tx,
            now,
            actor,
            action,
            "membership",
            &key,
            before.as_ref(),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
