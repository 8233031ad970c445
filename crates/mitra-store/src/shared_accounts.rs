//! The account, organisation and session repositories shared by both backends; see `shared.rs` for why this is
//! a macro. It expands in the same module as `impl_store!` and uses its `journal`.

/// Expands the account, session and organisation traits for `$store`.
macro_rules! impl_account_store {
    ($store:ty, $db:ty) => {
        mod account_rows {
            use mitra_domain::{
                Account, AccountId, CityId, CountryCode, Email, MemberRole, ModerationStatus, OrgId, OrgKind,
                OrgProfile, Organisation, PlatformRole, TokenScope,
            };
            use serde_json::{Value, json};
            use sqlx::Row as _;

            use crate::StoreError;
            use crate::accounts::ApiTokenRecord;

            pub(super) type DbRow = <$db as sqlx::Database>::Row;

            pub(super) const ACCOUNT_COLUMNS: &str =
                "a.id, a.email, a.display_name, a.language, a.time_zone, a.platform_role, a.email_verified_at";
            pub(super) const ORG_COLUMNS: &str = "o.id, o.kind, o.name_en, o.name_zh, o.country, o.city_id, o.website, \
                 o.description_en, o.description_zh, o.status, o.rejection_reason";
            /// A one-time link by the hash of its secret and its purpose.
            pub(super) const ONE_TIME_TOKEN: &str = "select account_id, email, org_id, role, expires_at, used_at \
                 from one_time_tokens where token_hash = $1 and purpose = $2";
            pub(super) const TOKEN_COLUMNS: &str =
                "id, account_id, name, scope, created_at, last_used_at, revoked_at";

            fn corrupt(table: &str, e: impl std::fmt::Display) -> StoreError {
                StoreError::Other(anyhow::anyhow!("corrupt row in {table}: {e}"))
            }

            pub(super) fn account(row: &DbRow) -> Result<Account, StoreError> {
                let role: Option<String> = row.try_get("platform_role")?;
                let verified: Option<time::OffsetDateTime> = row.try_get("email_verified_at")?;
                Ok(Account {
                    id: AccountId::parse(&row.try_get::<String, _>("id")?).map_err(|e| corrupt("accounts", e))?,
                    email: Email::parse(&row.try_get::<String, _>("email")?).map_err(|e| corrupt("accounts", e))?,
                    display_name: row.try_get("display_name")?,
                    language: row.try_get("language")?,
                    time_zone: row.try_get("time_zone")?,
                    platform_role: role.as_deref().map(PlatformRole::parse).transpose().map_err(|e| corrupt("accounts", e))?,
                    email_verified: verified.is_some(),
                })
            }

            pub(super) fn account_json(a: &Account) -> Value {
                json!({
                    "id": a.id.as_str(), "email": a.email.as_str(), "display_name": a.display_name,
                    "language": a.language, "time_zone": a.time_zone,
                    "platform_role": a.platform_role.map(|r| r.as_str()), "email_verified": a.email_verified,
                })
            }

            pub(super) fn organisation(row: &DbRow) -> Result<Organisation, StoreError> {
                let bad = |e| corrupt("organisations", e);
                let city: Option<String> = row.try_get("city_id")?;
                Ok(Organisation {
                    id: OrgId::parse(&row.try_get::<String, _>("id")?).map_err(bad)?,
                    kind: OrgKind::parse(&row.try_get::<String, _>("kind")?).map_err(bad)?,
                    profile: OrgProfile {
                        name_en: row.try_get("name_en")?,
                        name_zh: row.try_get("name_zh")?,
                        country: CountryCode::parse(&row.try_get::<String, _>("country")?).map_err(bad)?,
                        city: city.as_deref().map(CityId::parse).transpose().map_err(bad)?,
                        website: row.try_get("website")?,
                        description_en: row.try_get("description_en")?,
                        description_zh: row.try_get("description_zh")?,
                    },
                    status: ModerationStatus::parse(&row.try_get::<String, _>("status")?).map_err(bad)?,
                    rejection_reason: row.try_get("rejection_reason")?,
                })
            }

            pub(super) fn org_json(o: &Organisation) -> Value {
                let p = &o.profile;
                json!({
                    "id": o.id.as_str(), "kind": o.kind.as_str(), "name_en": p.name_en, "name_zh": p.name_zh,
                    "country": p.country.as_str(), "city": p.city.as_ref().map(|c| c.as_str()), "website": p.website,
                    "description_en": p.description_en, "description_zh": p.description_zh,
                    "status": o.status.as_str(), "rejection_reason": o.rejection_reason,
                })
            }

            pub(super) fn member_role(raw: &str) -> Result<MemberRole, StoreError> {
                MemberRole::parse(raw).map_err(|e| corrupt("memberships", e))
            }

            pub(super) fn api_token(row: &DbRow) -> Result<ApiTokenRecord, StoreError> {
                let bad = |e| corrupt("api_tokens", e);
                Ok(ApiTokenRecord {
                    id: row.try_get("id")?,
                    account_id: AccountId::parse(&row.try_get::<String, _>("account_id")?).map_err(bad)?,
                    name: row.try_get("name")?,
                    scope: TokenScope::parse(&row.try_get::<String, _>("scope")?).map_err(bad)?,
                    created_at: row.try_get("created_at")?,
                    last_used_at: row.try_get("last_used_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            }

            pub(super) fn one_time_token(
                row: &DbRow,
                purpose: crate::accounts::TokenPurpose,
            ) -> Result<crate::accounts::OneTimeToken, StoreError> {
                let bad = |e| corrupt("one_time_tokens", e);
                let account: Option<String> = row.try_get("account_id")?;
                let org: Option<String> = row.try_get("org_id")?;
                let role: Option<String> = row.try_get("role")?;
                Ok(crate::accounts::OneTimeToken {
                    purpose,
                    account_id: account.as_deref().map(AccountId::parse).transpose().map_err(bad)?,
                    email: row.try_get("email")?,
                    org_id: org.as_deref().map(OrgId::parse).transpose().map_err(bad)?,
                    role: role.as_deref().map(MemberRole::parse).transpose().map_err(bad)?,
                })
            }

            pub(super) fn token_json(t: &ApiTokenRecord) -> Value {
                json!({"id": t.id, "account_id": t.account_id.as_str(), "name": t.name, "scope": t.scope.as_str(),
                       "revoked": t.revoked_at.is_some()})
            }
        }

        use mitra_domain::{Account, AccountId, Email, MemberRole, Membership, ModerationStatus, OrgId, Organisation};

        use crate::accounts::{
            AccountStore, ApiTokenRecord, Credentials, NewAccount, OneTimeToken, OrgStore, SessionRecord,
            SessionStore, TokenPurpose,
        };

        impl $store {
            async fn find_org_in(tx: &mut Tx, id: &str) -> Result<Option<Organisation>, StoreError> {
                let row = sqlx::query(&format!("select {} from organisations o where o.id = $1", account_rows::ORG_COLUMNS))
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?;
                row.as_ref().map(account_rows::organisation).transpose()
            }

            async fn find_account_in(tx: &mut Tx, id: &str) -> Result<Option<Account>, StoreError> {
                let row = sqlx::query(&format!("select {} from accounts a where a.id = $1", account_rows::ACCOUNT_COLUMNS))
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?;
                row.as_ref().map(account_rows::account).transpose()
            }
        }

        #[async_trait]
        impl AccountStore for $store {
            async fn insert_account(&self, new: &NewAccount, actor: &str) -> Result<(), StoreError> {
                let now = OffsetDateTime::now_utc();
                let a = &new.account;
                let mut tx = WriteTx::begin(&self.pool).await?;
                sqlx::query(
                    "insert into accounts (id, email, password_hash, display_name, language, time_zone, platform_role, \
                     email_verified_at, failed_logins, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)",
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
                let after = account_rows::account_json(a);
                journal(&mut tx, now, actor, "insert", "account", a.id.as_str(), None, Some(&after)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn find_credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError> {
                let row = sqlx::query(&format!(
                    "select {}, a.password_hash, a.failed_logins, a.locked_until from accounts a where a.email = $1",
                    account_rows::ACCOUNT_COLUMNS
                ))
                .bind(email.as_str())
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let failed: i64 = row.try_get("failed_logins")?;
                Ok(Some(Credentials {
                    account: account_rows::account(&row)?,
                    password_hash: row.try_get("password_hash")?,
                    failed_logins: failed.clamp(0, i64::from(u32::MAX)) as u32,
                    locked_until: row.try_get("locked_until")?,
                }))
            }

            async fn find_account(&self, id: &AccountId) -> Result<Account, StoreError> {
                let mut tx = WriteTx::begin(&self.pool).await?;
                let found = Self::find_account_in(&mut tx, id.as_str()).await?;
                tx.commit().await?;
                found.ok_or_else(|| StoreError::NotFound { entity: "account", id: id.to_string() })
            }

            async fn list_accounts(&self, limit: u32) -> Result<Vec<Account>, StoreError> {
                let rows = sqlx::query(&format!("select {} from accounts a order by a.email limit $1", account_rows::ACCOUNT_COLUMNS))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(account_rows::account).collect()
            }

            async fn record_sign_in(&self, id: &AccountId, failed_logins: u32, locked_until: Option<OffsetDateTime>) -> Result<(), StoreError> {
                sqlx::query("update accounts set failed_logins = $1, locked_until = $2 where id = $3")
                    .bind(i64::from(failed_logins))
                    .bind(locked_until)
                    .bind(id.as_str())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn update_account(&self, account: &Account, actor: &str) -> Result<(), StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut tx = WriteTx::begin(&self.pool).await?;
                let before = Self::find_account_in(&mut tx, account.id.as_str())
                    .await?
                    .ok_or_else(|| StoreError::NotFound { entity: "account", id: account.id.to_string() })?;
                sqlx::query(
                    "update accounts set display_name = $1, language = $2, time_zone = $3, platform_role = $4, \
                     email_verified_at = case when $5 then coalesce(email_verified_at, $6) else null end where id = $7",
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
                let (before, after) = (account_rows::account_json(&before), account_rows::account_json(account));
                journal(&mut tx, now, actor, "update", "account", account.id.as_str(), Some(&before), Some(&after)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_password_hash(&self, id: &AccountId, hash: &str, actor: &str) -> Result<u64, StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut tx = WriteTx::begin(&self.pool).await?;
                let updated = sqlx::query("update accounts set password_hash = $1, failed_logins = 0, locked_until = null where id = $2")
                    .bind(hash)
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if updated == 0 {
                    return Err(StoreError::NotFound { entity: "account", id: id.to_string() });
                }
                sqlx::query("delete from sessions where account_id = $1").bind(id.as_str()).execute(&mut *tx).await?;
                // A reset link sent before this change must not set the password once more.
                sqlx::query(
                    "update one_time_tokens set used_at = $1 where account_id = $2 and purpose = $3 and used_at is null",
                )
                .bind(now)
                .bind(id.as_str())
                .bind(TokenPurpose::ResetPassword.as_str())
                .execute(&mut *tx)
                .await?;
                let revoked = sqlx::query("update api_tokens set revoked_at = $1 where account_id = $2 and revoked_at is null")
                    .bind(now)
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                // The hash itself never enters the journal.
                let after = serde_json::json!({
                    "password": "changed", "sessions": "ended", "reset_links": "void", "api_tokens_revoked": revoked,
                });
                journal(&mut tx, now, actor, "update", "account_password", id.as_str(), None, Some(&after)).await?;
                tx.commit().await?;
                Ok(revoked)
            }

            async fn list_memberships(&self, id: &AccountId) -> Result<Vec<Membership>, StoreError> {
                let rows = sqlx::query(
                    "select m.org_id, m.role, o.kind, o.city_id, o.status from memberships m \
                     join organisations o on o.id = m.org_id where m.account_id = $1 order by m.org_id",
                )
                .bind(id.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        let bad = |e: mitra_domain::ValidationError| StoreError::Other(anyhow::anyhow!("corrupt membership: {e}"));
                        let city: Option<String> = r.try_get("city_id")?;
                        Ok(Membership {
                            org: OrgId::parse(&r.try_get::<String, _>("org_id")?).map_err(bad)?,
                            org_kind: mitra_domain::OrgKind::parse(&r.try_get::<String, _>("kind")?).map_err(bad)?,
                            org_city: city.as_deref().map(mitra_domain::CityId::parse).transpose().map_err(bad)?,
                            org_status: ModerationStatus::parse(&r.try_get::<String, _>("status")?).map_err(bad)?,
                            role: account_rows::member_role(&r.try_get::<String, _>("role")?)?,
                        })
                    })
                    .collect()
            }

            async fn list_members(&self, org: &OrgId) -> Result<Vec<(Account, MemberRole)>, StoreError> {
                let rows = sqlx::query(&format!(
                    "select {}, m.role from memberships m join accounts a on a.id = m.account_id where m.org_id = $1 order by a.email",
                    account_rows::ACCOUNT_COLUMNS
                ))
                .bind(org.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| Ok((account_rows::account(r)?, account_rows::member_role(&r.try_get::<String, _>("role")?)?)))
                    .collect()
            }

            async fn upsert_membership(&self, account: &AccountId, org: &OrgId, role: MemberRole, actor: &str) -> Result<(), StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut tx = WriteTx::begin(&self.pool).await?;
                let before: Option<String> = sqlx::query("select role from memberships where account_id = $1 and org_id = $2")
                    .bind(account.as_str())
                    .bind(org.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get("role"))
                    .transpose()?;
                sqlx::query(
                    "insert into memberships (account_id, org_id, role, created_at) values ($1, $2, $3, $4) \
                     on conflict (account_id, org_id) do update set role = excluded.role",
                )
                .bind(account.as_str())
                .bind(org.as_str())
                .bind(role.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let key = format!("{org} {account}");
                let before = before.map(|r| serde_json::json!({"org": org.as_str(), "account": account.as_str(), "role": r}));
                let after = serde_json::json!({"org": org.as_str(), "account": account.as_str(), "role": role.as_str()});
                let action = if before.is_some() { "update" } else { "insert" };
                journal(&mut tx, now, actor, action, "membership", &key, before.as_ref(), Some(&after)).await?;
                tx.commit().await?;
                Ok(())
            }
        }

        #[async_trait]
        impl SessionStore for $store {
            async fn insert_session(&self, id_hash: &str, account: Option<&AccountId>, csrf_token: &str, expires_at: OffsetDateTime) -> Result<(), StoreError> {
                sqlx::query("insert into sessions (id_hash, account_id, csrf_token, created_at, expires_at) values ($1, $2, $3, $4, $5)")
                    .bind(id_hash)
                    .bind(account.map(|a| a.as_str()))
                    .bind(csrf_token)
                    .bind(OffsetDateTime::now_utc())
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn find_session(&self, id_hash: &str, now: OffsetDateTime) -> Result<Option<SessionRecord>, StoreError> {
                let row = sqlx::query("select account_id, csrf_token, expires_at from sessions where id_hash = $1")
                    .bind(id_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let expires_at: OffsetDateTime = row.try_get("expires_at")?;
                if expires_at <= now {
                    return Ok(None);
                }
                let account: Option<String> = row.try_get("account_id")?;
                Ok(Some(SessionRecord {
                    account_id: account
                        .as_deref()
                        .map(AccountId::parse)
                        .transpose()
                        .map_err(|e| StoreError::Other(anyhow::anyhow!("corrupt session: {e}")))?,
                    csrf_token: row.try_get("csrf_token")?,
                    expires_at,
                }))
            }

            async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
                sqlx::query("delete from sessions where id_hash = $1").bind(id_hash).execute(&self.pool).await?;
                Ok(())
            }

            async fn insert_one_time_token(&self, token_hash: &str, token: &OneTimeToken, now: OffsetDateTime, expires_at: OffsetDateTime) -> Result<(), StoreError> {
                sqlx::query(
                    "insert into one_time_tokens (token_hash, purpose, account_id, email, org_id, role, created_at, expires_at) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8)",
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

            async fn find_one_time_token(&self, token_hash: &str, purpose: TokenPurpose, now: OffsetDateTime) -> Result<Option<OneTimeToken>, StoreError> {
                let row = sqlx::query(
                    account_rows::ONE_TIME_TOKEN,
                )
                .bind(token_hash)
                .bind(purpose.as_str())
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let expires_at: OffsetDateTime = row.try_get("expires_at")?;
                let used_at: Option<OffsetDateTime> = row.try_get("used_at")?;
                if used_at.is_some() || expires_at <= now {
                    return Ok(None);
                }
                account_rows::one_time_token(&row, purpose).map(Some)
            }

            async fn purge_expired(&self, now: OffsetDateTime) -> Result<(u64, u64), StoreError> {
                let sessions = sqlx::query("delete from sessions where expires_at < $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                let links = sqlx::query("delete from one_time_tokens where expires_at < $1 or used_at < $2")
                    .bind(now)
                    .bind(now - time::Duration::days(1))
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                Ok((sessions, links))
            }

            async fn consume_one_time_token(&self, token_hash: &str, purpose: TokenPurpose, now: OffsetDateTime) -> Result<Option<OneTimeToken>, StoreError> {
                let mut tx = WriteTx::begin(&self.pool).await?;
                let row = sqlx::query(
                    account_rows::ONE_TIME_TOKEN,
                )
                .bind(token_hash)
                .bind(purpose.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let expires_at: OffsetDateTime = row.try_get("expires_at")?;
                let used_at: Option<OffsetDateTime> = row.try_get("used_at")?;
                if used_at.is_some() || expires_at <= now {
                    return Ok(None);
                }
                // Marking it used only if still unused makes two concurrent uses yield one winner.
                let marked = sqlx::query("update one_time_tokens set used_at = $1 where token_hash = $2 and used_at is null")
                    .bind(now)
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if marked == 0 {
                    return Ok(None);
                }
                tx.commit().await?;
                account_rows::one_time_token(&row, purpose).map(Some)
            }

            async fn insert_api_token(&self, record: &ApiTokenRecord, hash: &str, actor: &str) -> Result<(), StoreError> {
                let mut tx = WriteTx::begin(&self.pool).await?;
                sqlx::query(
                    "insert into api_tokens (id, account_id, name, token_hash, scope, created_at) values ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&record.id)
                .bind(record.account_id.as_str())
                .bind(&record.name)
                .bind(hash)
                .bind(record.scope.as_str())
                .bind(record.created_at)
                .execute(&mut *tx)
                .await?;
                let after = account_rows::token_json(record);
                journal(&mut tx, record.created_at, actor, "insert", "api_token", &record.id, None, Some(&after)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn find_api_token(&self, hash: &str) -> Result<Option<ApiTokenRecord>, StoreError> {
                let row = sqlx::query(&format!("select {} from api_tokens where token_hash = $1", account_rows::TOKEN_COLUMNS))
                    .bind(hash)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(account_rows::api_token).transpose()
            }

            async fn touch_api_token(&self, id: &str, now: OffsetDateTime) -> Result<(), StoreError> {
                sqlx::query("update api_tokens set last_used_at = $1 where id = $2").bind(now).bind(id).execute(&self.pool).await?;
                Ok(())
            }

            async fn list_api_tokens(&self, account: &AccountId) -> Result<Vec<ApiTokenRecord>, StoreError> {
                let rows = sqlx::query(&format!(
                    "select {} from api_tokens where account_id = $1 order by created_at desc, id desc",
                    account_rows::TOKEN_COLUMNS
                ))
                .bind(account.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(account_rows::api_token).collect()
            }

            async fn revoke_api_token(&self, id: &str, account: &AccountId, now: OffsetDateTime, actor: &str) -> Result<bool, StoreError> {
                let mut tx = WriteTx::begin(&self.pool).await?;
                let row = sqlx::query(&format!(
                    "select {} from api_tokens where id = $1 and account_id = $2 and revoked_at is null",
                    account_rows::TOKEN_COLUMNS
                ))
                .bind(id)
                .bind(account.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else { return Ok(false) };
                let mut token = account_rows::api_token(&row)?;
                let before = account_rows::token_json(&token);
                sqlx::query("update api_tokens set revoked_at = $1 where id = $2").bind(now).bind(id).execute(&mut *tx).await?;
                token.revoked_at = Some(now);
                let after = account_rows::token_json(&token);
                journal(&mut tx, now, actor, "update", "api_token", id, Some(&before), Some(&after)).await?;
                tx.commit().await?;
                Ok(true)
            }
        }

        #[async_trait]
        impl OrgStore for $store {
            async fn insert_org(&self, org: &Organisation, creator: Option<&AccountId>, actor: &str) -> Result<(), StoreError> {
                let now = OffsetDateTime::now_utc();
                let p = &org.profile;
                let mut tx = WriteTx::begin(&self.pool).await?;
                sqlx::query(
                    "insert into organisations (id, kind, name_en, name_zh, country, city_id, website, description_en, \
                     description_zh, status, rejection_reason, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(org.id.as_str())
                .bind(org.kind.as_str())
                .bind(&p.name_en)
                .bind(&p.name_zh)
                .bind(p.country.as_str())
                .bind(p.city.as_ref().map(|c| c.as_str()))
                .bind(&p.website)
                .bind(&p.description_en)
                .bind(&p.description_zh)
                .bind(org.status.as_str())
                .bind(&org.rejection_reason)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let after = account_rows::org_json(org);
                journal(&mut tx, now, actor, "insert", "organisation", org.id.as_str(), None, Some(&after)).await?;
                if let Some(account) = creator {
                    sqlx::query("insert into memberships (account_id, org_id, role, created_at) values ($1, $2, $3, $4)")
                        .bind(account.as_str())
                        .bind(org.id.as_str())
                        .bind(MemberRole::Admin.as_str())
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    let key = format!("{} {}", org.id, account);
                    let after = serde_json::json!({"org": org.id.as_str(), "account": account.as_str(), "role": "admin"});
                    journal(&mut tx, now, actor, "insert", "membership", &key, None, Some(&after)).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn update_org(&self, org: &Organisation, actor: &str) -> Result<(), StoreError> {
                let now = OffsetDateTime::now_utc();
                let p = &org.profile;
                let mut tx = WriteTx::begin(&self.pool).await?;
                let before = Self::find_org_in(&mut tx, org.id.as_str())
                    .await?
                    .ok_or_else(|| StoreError::NotFound { entity: "organisation", id: org.id.to_string() })?;
                sqlx::query(
                    "update organisations set kind = $1, name_en = $2, name_zh = $3, country = $4, city_id = $5, website = $6, \
                     description_en = $7, description_zh = $8, status = $9, rejection_reason = $10 where id = $11",
                )
                .bind(org.kind.as_str())
                .bind(&p.name_en)
                .bind(&p.name_zh)
                .bind(p.country.as_str())
                .bind(p.city.as_ref().map(|c| c.as_str()))
                .bind(&p.website)
                .bind(&p.description_en)
                .bind(&p.description_zh)
                .bind(org.status.as_str())
                .bind(&org.rejection_reason)
                .bind(org.id.as_str())
                .execute(&mut *tx)
                .await?;
                let (before, after) = (account_rows::org_json(&before), account_rows::org_json(org));
                journal(&mut tx, now, actor, "update", "organisation", org.id.as_str(), Some(&before), Some(&after)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn find_org(&self, id: &OrgId) -> Result<Organisation, StoreError> {
                let mut tx = WriteTx::begin(&self.pool).await?;
                let found = Self::find_org_in(&mut tx, id.as_str()).await?;
                tx.commit().await?;
                found.ok_or_else(|| StoreError::NotFound { entity: "organisation", id: id.to_string() })
            }

            async fn list_orgs(&self, status: Option<ModerationStatus>, after: Option<&str>, limit: u32) -> Result<Vec<Organisation>, StoreError> {
                let rows = sqlx::query(&format!(
                    "select {} from organisations o where ($1 is null or o.status = $1) and ($2 is null or o.id > $2) order by o.id limit $3",
                    account_rows::ORG_COLUMNS
                ))
                .bind(status.map(|s| s.as_str()))
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(account_rows::organisation).collect()
            }
        }
    };
}

pub(crate) use impl_account_store;
