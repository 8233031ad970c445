//! Signing up, in and out; sessions; e-mail verification; password reset; API tokens. Who the actor is gets
//! decided here, once per request, and nowhere else.
//!
//! No answer tells whether an address has an account: sign-up, sign-in and reset say the same thing either way.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use mitra_domain::access::AuditStamp;
use mitra_domain::access::SignedIn;
use mitra_domain::account::{check_password, parse_display_name, parse_time_zone};
use mitra_domain::{
    Account, AccountActor, AccountId, Actor, Email, Language, MemberRole, OrgId, PlatformRole,
    Reason, TokenScope,
};
use mitra_store::{ApiTokenRecord, NewAccount, OneTimeToken, TokenPurpose};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::{Mitra, ServiceError};

/// How long a signed-in session lasts.
pub const SESSION_DAYS: i64 = 14;
/// Failed sign-ins allowed before the account is locked for a while.
pub const FREE_ATTEMPTS: u32 = 5;
/// The longest lock-out.
const MAX_LOCK_MINUTES: i64 = 24 * 60;
/// How long e-mailed links stay valid.
const LINK_HOURS: i64 = 24;

static COMMON_PASSWORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();

fn is_common(password: &str) -> bool {
    COMMON_PASSWORDS
        .get_or_init(|| {
            crate::reference::file("passwords/common-passwords.txt")
                .lines()
                .collect()
        })
        .contains(password)
}

/// 32 random bytes as 64 hex digits: session ids, CSRF tokens, link and API secrets.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// A new CSRF token for the forms of a visitor who is not signed in (sign-in, sign-up, password reset): kept in a
/// cookie and echoed by the form, so that no session needs to be stored for someone who only looks at a form.
pub fn form_token() -> String {
    random_token()
}

/// Bytes as lower-case hex digits.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random password for `mitra user add`: 20 characters from an alphabet without look-alikes.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// The SHA-256 of a secret, as stored: a leaked database gives no usable session or token.
pub(crate) fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Argon2id with the crate's recommended parameters (19 MiB, 2 passes), unless a test asked for cheap ones.
fn argon2() -> Argon2<'static> {
    #[cfg(feature = "test-support")]
    if crate::test_support::FAST_PASSWORD_HASHING.load(std::sync::atomic::Ordering::Relaxed)
        && let Ok(params) = argon2::Params::new(argon2::Params::MIN_M_COST, 1, 1, None)
    {
        return Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    }
    Argon2::default()
}

pub(crate) fn hash_password(password: &str) -> Result<String, ServiceError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("argon2: {e}")))
}

fn password_matches(password: &str, hash: &str) -> bool {
    // Verifying uses the parameters recorded in the hash.
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of no real password, checked when the address is unknown so that the answer takes as long either way.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// The lock-out after `failures` consecutive failed sign-ins: none for the first few, then doubling from a minute.
pub fn lock_out(failures: u32) -> Option<Duration> {
    let over = failures.checked_sub(FREE_ATTEMPTS)?;
    let minutes = 1i64
        .checked_shl(over.min(20))
        .unwrap_or(MAX_LOCK_MINUTES)
        .min(MAX_LOCK_MINUTES);
    Some(Duration::minutes(minutes))
}

/// A new session: the cookie value to hand out (never stored) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The secret session id for the cookie.
    pub cookie: String,
    /// The synchronizer token forms must echo.
    pub csrf_token: String,
}

/// Who a session belongs to.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// The actor.
    pub actor: Actor,
    /// The signed-in account.
    pub account: Option<Account>,
    /// The session's CSRF token.
    pub csrf_token: String,
}

/// A new API token: the record and the secret, shown once.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    /// The stored record.
    pub record: ApiTokenRecord,
    /// The secret to give the user; only its hash is kept.
    pub secret: String,
}

impl Mitra {
    pub(crate) fn check_new_password(password: &str, email: &Email) -> Result<(), ServiceError> {
        Ok(check_password(password, email, is_common)?)
    }

    /// The actor behind an account: its platform role and memberships.
    pub(crate) async fn actor_for(
        &self,
        account: &Account,
        scope: Option<TokenScope>,
    ) -> Result<Actor, ServiceError> {
        let memberships = self.store.list_memberships(&account.id).await?;
        Ok(Actor::Account(AccountActor {
            id: account.id.clone(),
            platform_role: account.platform_role,
            memberships,
            token_scope: scope,
        }))
    }

    /// Creates an account directly (operators and tests), verified, with the given password.
    pub async fn create_account(
        &self,
        actor: &Actor,
        email: &str,
        password: &str,
        display_name: &str,
        platform_role: Option<PlatformRole>,
    ) -> Result<Account, ServiceError> {
        let admin = actor.platform_admin()?;
        let email = Email::parse(email)?;
        Self::check_new_password(password, &email)?;
        let account = Account {
            id: AccountId::parse(&uuid::Uuid::now_v7().to_string())?,
            email,
            display_name: parse_display_name(display_name)?,
            language: Language::En.tag().into(),
            time_zone: "UTC".into(),
            platform_role,
            email_verified: true,
        };
        let new = NewAccount {
            account: account.clone(),
            password_hash: hash_password(password)?,
        };
        match self.store.insert_account(&new, admin.stamp()).await {
            Err(mitra_store::StoreError::Conflict { .. }) => Err(ServiceError::Conflict(
                mitra_domain::Reason::account_exists(&account.email),
            )),
            other => Ok(other.map(|()| account)?),
        }
    }

    /// Signs a person up and e-mails a verification link. When the address already has an account, that account
    /// gets a notice instead and the answer is the same, so nobody learns which addresses are registered.
    pub async fn sign_up(
        &self,
        email: &Email,
        password: &str,
        display_name: &str,
        language: Language,
    ) -> Result<(), ServiceError> {
        let display_name = parse_display_name(display_name)?;
        Self::check_new_password(password, email)?;
        // The password is hashed whether or not the address has an account, and mail leaves off the request path,
        // so that the answer takes as long either way.
        let password_hash = hash_password(password)?;
        if self.store.find_credentials(email).await?.is_some() {
            let body = format!(
                "Someone (perhaps you) tried to sign up to Mitra with this address, which already has an account.\n\
                 To sign in: {}\nForgot your password? {}\n",
                self.mailer.link("/login"),
                self.mailer.link("/reset")
            );
            return self
                .mailer
                .send(email, "Mitra: you already have an account", body)
                .await;
        }
        let account = Account {
            id: AccountId::parse(&uuid::Uuid::now_v7().to_string())?,
            email: email.clone(),
            display_name,
            language: language.tag().into(),
            time_zone: "UTC".into(),
            platform_role: None,
            email_verified: false,
        };
        let new = NewAccount {
            account: account.clone(),
            password_hash,
        };
        match self
            .store
            .insert_account(&new, &AuditStamp::own_account(&account.id))
            .await
        {
            // A concurrent sign-up with the same address: answer as if it succeeded.
            Err(mitra_store::StoreError::Conflict { .. }) => return Ok(()),
            other => other?,
        }
        self.send_link(&account, TokenPurpose::VerifyEmail).await
    }

    async fn send_link(
        &self,
        account: &Account,
        purpose: TokenPurpose,
    ) -> Result<(), ServiceError> {
        let secret = random_token();
        let now = OffsetDateTime::now_utc();
        let token = OneTimeToken {
            purpose,
            account_id: Some(account.id.clone()),
            email: None,
            org_id: None,
            role: None,
        };
        self.store
            .insert_one_time_token(
                &hash_secret(&secret),
                &token,
                now,
                now + Duration::hours(LINK_HOURS),
            )
            .await?;
        let (subject, path, what) = match purpose {
            TokenPurpose::VerifyEmail => (
                "Mitra: confirm your e-mail address",
                "/verify",
                "confirm your e-mail address",
            ),
            TokenPurpose::ResetPassword => (
                "Mitra: set a new password",
                "/reset/confirm",
                "set a new password",
            ),
            TokenPurpose::Invitation => (
                "Mitra: invitation",
                "/invitations/accept",
                "accept the invitation",
            ),
        };
        let body = format!(
            "Hello {},\n\nTo {what}, open this link within {LINK_HOURS} hours:\n{}?token={secret}\n\n\
             If you did not ask for this, ignore this message.\n",
            account.display_name,
            self.mailer.link(path)
        );
        self.mailer.send(&account.email, subject, body).await
    }

    /// Uses an e-mailed link once: its payload, or [`ServiceError::InvalidLink`] when it is unknown, used or expired.
    async fn use_link(
        &self,
        token: &str,
        purpose: TokenPurpose,
    ) -> Result<OneTimeToken, ServiceError> {
        self.store
            .consume_one_time_token(
                &hash_secret(token.trim()),
                purpose,
                OffsetDateTime::now_utc(),
            )
            .await?
            .ok_or(ServiceError::InvalidLink)
    }

    /// Confirms an e-mail address with the token from the link.
    pub async fn verify_email(&self, token: &str) -> Result<(), ServiceError> {
        let used = self.use_link(token, TokenPurpose::VerifyEmail).await?;
        let account_id = used.account_id.ok_or(ServiceError::InvalidLink)?;
        let mut account = self.store.find_account(&account_id).await?;
        account.email_verified = true;
        self.store
            .update_account(&account, &AuditStamp::own_account(&account_id))
            .await?;
        Ok(())
    }

    async fn new_session(
        &self,
        account: Option<&AccountId>,
        ttl: Duration,
    ) -> Result<NewSession, ServiceError> {
        let session = NewSession {
            cookie: random_token(),
            csrf_token: random_token(),
        };
        let expires = OffsetDateTime::now_utc() + ttl;
        self.store
            .insert_session(
                &hash_secret(&session.cookie),
                account,
                &session.csrf_token,
                expires,
            )
            .await?;
        Ok(session)
    }

    /// Signs in with e-mail and password. On success the previous session (if any) is ended and a new one with a
    /// new id is returned, so a session id planted before sign-in is worth nothing after it.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        previous_session: Option<&str>,
    ) -> Result<NewSession, ServiceError> {
        let Ok(email) = Email::parse(email) else {
            return Err(ServiceError::InvalidCredentials);
        };
        let now = OffsetDateTime::now_utc();
        let Some(credentials) = self.store.find_credentials(&email).await? else {
            // Same work as for a real account, same answer.
            let _ = password_matches(password, dummy_hash());
            return Err(ServiceError::InvalidCredentials);
        };
        // The password is checked even while the account is locked, so that a locked account answers as slowly as
        // any other and the time taken does not tell it apart.
        let matches = password_matches(password, &credentials.password_hash);
        if credentials.locked_until.is_some_and(|until| until > now) {
            tracing::warn!(account = %credentials.account.id, "sign_in.locked");
            return Err(ServiceError::InvalidCredentials);
        }
        if !matches {
            let failures = credentials.failed_logins.saturating_add(1);
            let locked_until = lock_out(failures).map(|d| now + d);
            self.store
                .record_sign_in(&credentials.account.id, failures, locked_until)
                .await?;
            tracing::warn!(account = %credentials.account.id, sign_in.failures = failures, "sign_in.failed");
            return Err(ServiceError::InvalidCredentials);
        }
        if !credentials.account.email_verified {
            return Err(ServiceError::EmailNotVerified);
        }
        if credentials.failed_logins > 0 || credentials.locked_until.is_some() {
            self.store
                .record_sign_in(&credentials.account.id, 0, None)
                .await?;
        }
        if let Some(previous) = previous_session {
            self.store.delete_session(&hash_secret(previous)).await?;
        }
        tracing::info!(account = %credentials.account.id, "sign_in.succeeded");
        self.new_session(Some(&credentials.account.id), Duration::days(SESSION_DAYS))
            .await
    }

    /// Deletes the sessions and e-mailed links that have expired, and links used more than a day ago; returns how
    /// many of each. `serve` runs this every hour.
    pub async fn purge_expired(&self) -> Result<(u64, u64), ServiceError> {
        Ok(self.store.purge_expired(OffsetDateTime::now_utc()).await?)
    }

    /// Ends a session.
    pub async fn sign_out(&self, session: &str) -> Result<(), ServiceError> {
        Ok(self.store.delete_session(&hash_secret(session)).await?)
    }

    /// The actor behind a session cookie; `None` when the session is unknown or expired.
    pub async fn resolve_session(&self, cookie: &str) -> Result<Option<SessionInfo>, ServiceError> {
        let now = OffsetDateTime::now_utc();
        let Some(record) = self.store.find_session(&hash_secret(cookie), now).await? else {
            return Ok(None);
        };
        let (actor, account) = match &record.account_id {
            None => (Actor::Anonymous, None),
            Some(id) => {
                let account = self.store.find_account(id).await?;
                (self.actor_for(&account, None).await?, Some(account))
            }
        };
        Ok(Some(SessionInfo {
            actor,
            account,
            csrf_token: record.csrf_token,
        }))
    }

    /// The actor behind an `Authorization: Bearer` secret; `None` when it is unknown or revoked.
    pub async fn resolve_api_token(&self, secret: &str) -> Result<Option<Actor>, ServiceError> {
        let Some(record) = self
            .store
            .find_api_token(&hash_secret(secret.trim()))
            .await?
        else {
            return Ok(None);
        };
        if record.revoked_at.is_some() {
            return Ok(None);
        }
        self.store
            .touch_api_token(&record.id, OffsetDateTime::now_utc())
            .await?;
        let account = self.store.find_account(&record.account_id).await?;
        Ok(Some(self.actor_for(&account, Some(record.scope)).await?))
    }

    /// Sends a password-reset link if the address has an account; answers the same either way.
    pub async fn request_password_reset(&self, email: &Email) -> Result<(), ServiceError> {
        if let Some(credentials) = self.store.find_credentials(email).await? {
            self.send_link(&credentials.account, TokenPurpose::ResetPassword)
                .await?;
        }
        Ok(())
    }

    /// Sets a new password with the token from a reset link. Every session of the account ends, every other reset
    /// link sent to it stops working, and its API tokens are revoked (someone who could reset the password may
    /// have made them); returns how many tokens were revoked, for the person to be told.
    pub async fn reset_password(&self, token: &str, password: &str) -> Result<u64, ServiceError> {
        // Refuse a weak password before the link is used up, so the person can simply try another.
        let placeholder = Email::parse("someone@example.invalid")?;
        Self::check_new_password(password, &placeholder)?;
        let used = self.use_link(token, TokenPurpose::ResetPassword).await?;
        let account_id = used.account_id.ok_or(ServiceError::InvalidLink)?;
        let mut account = self.store.find_account(&account_id).await?;
        Self::check_new_password(password, &account.email)?;
        let revoked = self
            .store
            .set_password_hash(
                &account_id,
                &hash_password(password)?,
                &AuditStamp::own_account(&account_id),
            )
            .await?;
        // Following the link proves the address too.
        if !account.email_verified {
            account.email_verified = true;
            self.store
                .update_account(&account, &AuditStamp::own_account(&account_id))
                .await?;
        }
        Ok(revoked)
    }

    /// Changes the signed-in account's display name, interface language and time zone.
    pub async fn update_settings(
        &self,
        who: &SignedIn,
        display_name: &str,
        language: &str,
        time_zone: &str,
    ) -> Result<Account, ServiceError> {
        let id = who.account().ok_or(ServiceError::Forbidden)?;
        let mut account = self.store.find_account(id).await?;
        account.display_name = parse_display_name(display_name)?;
        account.language = Language::parse(language)
            .map_err(|e| e.at("language"))?
            .tag()
            .into();
        account.time_zone = parse_time_zone(time_zone)?;
        self.store.update_account(&account, who.stamp()).await?;
        Ok(account)
    }

    /// Remembers `language` as the signed-in account's interface language, when a signed-in reader chooses one with
    /// the language switch; nothing for other readers, or when the account already reads it.
    pub async fn remember_language(
        &self,
        actor: &mitra_domain::Actor,
        language: Language,
    ) -> Result<(), ServiceError> {
        let Ok(who) = actor.signed_in() else {
            return Ok(());
        };
        let Some(id) = who.account() else {
            return Ok(());
        };
        let mut account = self.store.find_account(id).await?;
        if account.language == language.tag() {
            return Ok(());
        }
        account.language = language.tag().into();
        self.store.update_account(&account, who.stamp()).await?;
        Ok(())
    }

    /// Creates an API token for the signed-in account; the secret is returned once and only its hash is kept.
    pub async fn create_api_token(
        &self,
        who: &SignedIn,
        name: &str,
        scope: &str,
    ) -> Result<NewApiToken, ServiceError> {
        let account_id = who.account().ok_or(ServiceError::Forbidden)?.clone();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(
                mitra_domain::ValidationError::new("name", Reason::length_between(1, 100)).into(),
            );
        }
        let record = ApiTokenRecord {
            id: uuid::Uuid::now_v7().to_string(),
            account_id,
            name: name.to_owned(),
            scope: TokenScope::parse(scope)?,
            created_at: OffsetDateTime::now_utc(),
            last_used_at: None,
            revoked_at: None,
        };
        // The prefix lets secret scanners recognise a leaked Mitra token.
        let secret = format!("mitra_{}", random_token());
        self.store
            .insert_api_token(&record, &hash_secret(&secret), who.stamp())
            .await?;
        Ok(NewApiToken { record, secret })
    }

    /// The signed-in account's API tokens.
    pub async fn list_api_tokens(
        &self,
        who: &SignedIn,
    ) -> Result<Vec<ApiTokenRecord>, ServiceError> {
        let id = who.account().ok_or(ServiceError::Forbidden)?;
        Ok(self.store.list_api_tokens(id).await?)
    }

    /// The tokens of an account, for a read-scoped caller acting as that account.
    pub async fn list_api_tokens_of(
        &self,
        account: &AccountId,
    ) -> Result<Vec<ApiTokenRecord>, ServiceError> {
        Ok(self.store.list_api_tokens(account).await?)
    }

    /// One account.
    pub async fn get_account(&self, id: &AccountId) -> Result<Account, ServiceError> {
        Ok(self.store.find_account(id).await?)
    }

    /// Revokes one of the signed-in account's tokens.
    pub async fn revoke_api_token(
        &self,
        who: &SignedIn,
        token_id: &str,
    ) -> Result<(), ServiceError> {
        let id = who.account().ok_or(ServiceError::Forbidden)?;
        if self
            .store
            .revoke_api_token(token_id, id, OffsetDateTime::now_utc(), who.stamp())
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::NotFound {
                entity: "token",
                id: token_id.to_owned(),
            })
        }
    }

    /// Gives an account a platform role, or takes it away.
    pub async fn set_platform_role(
        &self,
        actor: &Actor,
        email: &str,
        role: Option<PlatformRole>,
    ) -> Result<Account, ServiceError> {
        let admin = actor.platform_admin()?;
        let email = Email::parse(email)?;
        let mut account = self
            .store
            .find_credentials(&email)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                entity: "account",
                id: email.to_string(),
            })?
            .account;
        account.platform_role = role;
        self.store.update_account(&account, admin.stamp()).await?;
        Ok(account)
    }

    /// Every account (platform admins only), by address.
    pub async fn list_accounts(&self, actor: &Actor) -> Result<Vec<Account>, ServiceError> {
        actor.platform_admin_view()?;
        Ok(self.store.list_accounts(1000).await?)
    }

    /// Sends an invitation to join `org` with `role`; the link works for whoever signs in with that address.
    pub(crate) async fn send_invitation(
        &self,
        org: &OrgId,
        org_name: &str,
        email: &Email,
        role: MemberRole,
    ) -> Result<(), ServiceError> {
        let secret = random_token();
        let now = OffsetDateTime::now_utc();
        let token = OneTimeToken {
            purpose: TokenPurpose::Invitation,
            account_id: None,
            email: Some(email.to_string()),
            org_id: Some(org.clone()),
            role: Some(role),
        };
        self.store
            .insert_one_time_token(
                &hash_secret(&secret),
                &token,
                now,
                now + Duration::hours(LINK_HOURS * 7),
            )
            .await?;
        let body = format!(
            "You are invited to join {org_name} on Mitra as {role}.\n\nSign in (or sign up) with this address, then \
             open this link within 7 days:\n{}?token={secret}\n",
            self.mailer.link("/invitations/accept")
        );
        self.mailer.send(email, "Mitra: invitation", body).await
    }

    /// Accepts an invitation for the signed-in account, whose address must be the invited one.
    pub async fn accept_invitation(
        &self,
        who: &SignedIn,
        token: &str,
    ) -> Result<OrgId, ServiceError> {
        let id = who.account().ok_or(ServiceError::Forbidden)?;
        let account = self.store.find_account(id).await?;
        let hash = hash_secret(token.trim());
        let now = OffsetDateTime::now_utc();
        // The link is looked at before it is used: opened by another account, it stays valid for the invited one.
        let invited = self
            .store
            .find_one_time_token(&hash, TokenPurpose::Invitation, now)
            .await?
            .and_then(|t| t.email)
            .ok_or(ServiceError::InvalidLink)?;
        if invited != account.email.as_str() {
            return Err(ServiceError::WrongAccount);
        }
        let used = self.use_link(token, TokenPurpose::Invitation).await?;
        let (Some(org), Some(role)) = (used.org_id, used.role) else {
            return Err(ServiceError::InvalidLink);
        };
        self.store
            .upsert_membership(id, &org, role, who.stamp())
            .await?;
        Ok(org)
    }

    /// The messages sent most recently (for the operator's overview and tests).
    pub fn recent_mail(&self) -> Vec<crate::SentMail> {
        self.mailer.recent()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_out_starts_after_the_free_attempts_and_doubles_up_to_a_day() {
        assert_eq!(lock_out(FREE_ATTEMPTS - 1), None);
        assert_eq!(lock_out(FREE_ATTEMPTS), Some(Duration::minutes(1)));
        assert_eq!(lock_out(FREE_ATTEMPTS + 1), Some(Duration::minutes(2)));
        assert_eq!(lock_out(FREE_ATTEMPTS + 3), Some(Duration::minutes(8)));
        assert_eq!(
            lock_out(FREE_ATTEMPTS + 30),
            Some(Duration::minutes(MAX_LOCK_MINUTES))
        );
    }

    #[test]
    fn passwords_are_hashed_with_argon2id_and_verified() {
        let hash = hash_password("a long and unusual phrase").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches("a long and unusual phrase", &hash));
        assert!(!password_matches("another phrase entirely", &hash));
        assert!(!password_matches("anything", "not a hash"));
    }

    #[test]
    fn the_common_password_list_is_loaded() {
        assert!(is_common("password") && is_common("123456"));
        assert!(!is_common("a long and unusual phrase"));
    }

    #[test]
    fn secrets_are_random_and_stored_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_secret(&a).len(), 64);
        assert_ne!(hash_secret(&a), a);
    }
}

/// The roles that open sections of the site to an actor, for the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Roles {
    /// Runs the platform: the administration pages.
    pub platform_admin: bool,
    /// Reviews observations: the review queue. Only accounts, since the review pages are for people.
    pub verifier: bool,
}

impl Mitra {
    /// The roles of `actor` that open sections of the site, from the domain's access checks.
    pub fn roles(&self, actor: &Actor) -> Roles {
        Roles {
            platform_admin: actor.platform_admin().is_ok(),
            verifier: actor.account().is_some() && actor.verifier().is_ok(),
        }
    }
}
