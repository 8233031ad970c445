//! Sessions, one-time links and API tokens ([`SessionStore`]): the secrets that stand for an account, each kept
//! under the hash of its secret, never the secret itself. Only token creation and revocation are journalled;
//! sessions and links are not content.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::{AccountId, MemberRole, OrgId, TokenScope};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::corrupt;
use super::dialect::DbStore;
use super::journal::{WriteTx, journal};
use crate::{ApiTokenRecord, OneTimeToken, SessionRecord, SessionStore, StoreError, TokenPurpose};

/// A one-time link by the hash of its secret and its purpose.
const ONE_TIME_TOKEN: &str = "select account_id, email, org_id, role, expires_at, used_at \
     from one_time_tokens where token_hash = $1 and purpose = $2";

const TOKEN_COLUMNS: &str = "id, account_id, name, scope, created_at, last_used_at, revoked_at";

/// A `sessions` row.
#[derive(sqlx_macros::FromRow)]
struct SessionRow {
    account_id: Option<String>,
    csrf_token: String,
    expires_at: OffsetDateTime,
}

/// A `one_time_tokens` row.
#[derive(sqlx_macros::FromRow)]
struct OneTimeTokenRow {
    account_id: Option<String>,
    email: Option<String>,
    org_id: Option<String>,
    role: Option<String>,
    expires_at: OffsetDateTime,
    used_at: Option<OffsetDateTime>,
}

impl OneTimeTokenRow {
    /// Whether the link can still be used at `now`.
    fn is_live(&self, now: OffsetDateTime) -> bool {
        self.used_at.is_none() && self.expires_at > now
    }

    fn into_token(self, purpose: TokenPurpose) -> Result<OneTimeToken, StoreError> {
        let bad = |e| corrupt("one_time_tokens", purpose.as_str(), e);
        Ok(OneTimeToken {
            purpose,
            account_id: self
                .account_id
                .as_deref()
                .map(AccountId::parse)
                .transpose()
                .map_err(bad)?,
            email: self.email,
            org_id: self
                .org_id
                .as_deref()
                .map(OrgId::parse)
                .transpose()
                .map_err(bad)?,
            role: self
                .role
                .as_deref()
                .map(MemberRole::parse)
                .transpose()
                .map_err(bad)?,
        })
    }
}

/// An `api_tokens` row, without the hash.
#[derive(sqlx_macros::FromRow)]
struct ApiTokenRow {
    id: String,
    account_id: String,
    name: String,
    scope: String,
    created_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
}

impl ApiTokenRow {
    fn into_record(self) -> Result<ApiTokenRecord, StoreError> {
        let bad = |e| corrupt("api_tokens", &self.id, e);
        Ok(ApiTokenRecord {
            account_id: AccountId::parse(&self.account_id).map_err(bad)?,
            scope: TokenScope::parse(&self.scope).map_err(bad)?,
            id: self.id,
            name: self.name,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
        })
    }
}

/// The token as journalled.
fn token_json(t: &ApiTokenRecord) -> Value {
    json!({
        "id": t.id, "account_id": t.account_id.as_str(), "name": t.name, "scope": t.scope.as_str(),
        "revoked": t.revoked_at.is_some(),
    })
}

#[async_trait]
impl SessionStore for DbStore {
    async fn insert_session(
        &self,
        id_hash: &str,
        account: Option<&AccountId>,
        csrf_token: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "insert into sessions (id_hash, account_id, csrf_token, created_at, expires_at) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(id_hash)
        .bind(account.map(|a| a.as_str()))
        .bind(csrf_token)
        .bind(OffsetDateTime::now_utc())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn find_session(
        &self,
        id_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row: Option<SessionRow> = sqlx::query_as(
            "select account_id, csrf_token, expires_at from sessions where id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        if row.expires_at <= now {
            return Ok(None);
        }
        let account_id = match row.account_id.as_deref() {
            Some(account) => {
                Some(AccountId::parse(account).map_err(|e| corrupt("sessions", account, e))?)
            }
            None => None,
        };
        Ok(Some(SessionRecord {
            account_id,
            csrf_token: row.csrf_token,
            expires_at: row.expires_at,
        }))
    }

    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("delete from sessions where id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn insert_one_time_token(
        &self,
        token_hash: &str,
        token: &OneTimeToken,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "insert into one_time_tokens (token_hash, purpose, account_id, email, org_id, role, \
             created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(token_hash)
        .bind(token.purpose.as_str())
        .bind(token.account_id.as_ref().map(|a| a.as_str()))
        .bind(&token.email)
        .bind(token.org_id.as_ref().map(|o| o.as_str()))
        .bind(token.role.map(|r| r.as_str()))
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn find_one_time_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: OffsetDateTime,
    ) -> Result<Option<OneTimeToken>, StoreError> {
        let row: Option<OneTimeTokenRow> = sqlx::query_as(ONE_TIME_TOKEN)
            .bind(token_hash)
            .bind(purpose.as_str())
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) if row.is_live(now) => row.into_token(purpose).map(Some),
            _ => Ok(None),
        }
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<(u64, u64), StoreError> {
        let sessions = sqlx::query("delete from sessions where expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let links =
            sqlx::query("delete from one_time_tokens where expires_at < $1 or used_at < $2")
                .bind(now)
                .bind(now - time::Duration::days(1))
                .execute(&self.pool)
                .await?
                .rows_affected();
        Ok((sessions, links))
    }

    async fn consume_one_time_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: OffsetDateTime,
    ) -> Result<Option<OneTimeToken>, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let row: Option<OneTimeTokenRow> = sqlx::query_as(ONE_TIME_TOKEN)
            .bind(token_hash)
            .bind(purpose.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row.filter(|row| row.is_live(now)) else {
            return Ok(None);
        };
        // Marking it used only if still unused makes two concurrent uses yield one winner.
        let marked = sqlx::query(
            "update one_time_tokens set used_at = $1 where token_hash = $2 and used_at is null",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked == 0 {
            return Ok(None);
        }
        tx.commit().await?;
        row.into_token(purpose).map(Some)
    }

    async fn insert_api_token(
        &self,
        record: &ApiTokenRecord,
        hash: &str,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        sqlx::query(
            "insert into api_tokens (id, account_id, name, token_hash, scope, created_at) \
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&record.id)
        .bind(record.account_id.as_str())
        .bind(&record.name)
        .bind(hash)
        .bind(record.scope.as_str())
        .bind(record.created_at)
        .execute(&mut *tx)
        .await?;
        let after = token_json(record);
        journal(
            &mut tx,
            record.created_at,
            actor,
            "insert",
            "api_token",
            &record.id,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_api_token(&self, hash: &str) -> Result<Option<ApiTokenRecord>, StoreError> {
        let row: Option<ApiTokenRow> = sqlx::query_as(&format!(
            "select {TOKEN_COLUMNS} from api_tokens where token_hash = $1"
        ))
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(ApiTokenRow::into_record).transpose()
    }

    async fn touch_api_token(&self, id: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("update api_tokens set last_used_at = $1 where id = $2")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn list_api_tokens(
        &self,
        account: &AccountId,
    ) -> Result<Vec<ApiTokenRecord>, StoreError> {
        let rows: Vec<ApiTokenRow> = sqlx::query_as(&format!(
            "select {TOKEN_COLUMNS} from api_tokens where account_id = $1 \
             order by created_at desc, id desc"
        ))
        .bind(account.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ApiTokenRow::into_record).collect()
    }

    async fn revoke_api_token(
        &self,
        id: &str,
        account: &AccountId,
        now: OffsetDateTime,
        actor: &AuditStamp,
    ) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let row: Option<ApiTokenRow> = sqlx::query_as(&format!(
            "select {TOKEN_COLUMNS} from api_tokens where id = $1 and account_id = $2 \
             and revoked_at is null"
        ))
        .bind(id)
        .bind(account.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(false) };
        let mut token = row.into_record()?;
        let before = token_json(&token);
        sqlx::query("update api_tokens set revoked_at = $1 where id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        token.revoked_at = Some(now);
        let after = token_json(&token);
        journal(
            &mut tx,
            now,
            actor,
            "update",
            "api_token",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
