//! Contract for accounts, organisations, sessions, one-time links, API tokens and the audit search.

use crate::support::operator;
use mitra_domain::access::AuditStamp;
use mitra_domain::{
    Account, AccountId, Email, MemberRole, ModerationStatus, OrgId, OrgKind, OrgProfile,
    Organisation, PlatformRole, TokenScope,
};
use mitra_store::{
    ApiTokenRecord, AuditFilter, Backend, ConflictKind, NewAccount, OneTimeToken, StoreError,
    TokenPurpose,
};
use time::{Duration, OffsetDateTime};

use crate::sample;
use crate::support::for_each_backend;

pub(crate) fn account(n: u8, email: &str) -> NewAccount {
    NewAccount {
        account: Account {
            id: AccountId::parse(&format!("0192f3a4-5b6c-7d8e-9f00-1122334455{n:02x}"))
                .expect("id"),
            email: Email::parse(email).expect("email"),
            display_name: format!("Person {n}"),
            language: "en".into(),
            time_zone: "Asia/Bangkok".into(),
            platform_role: None,
            email_verified: false,
        },
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".into(),
    }
}

pub(crate) fn org(id: &str, kind: OrgKind, city: Option<&str>) -> Organisation {
    let profile =
        OrgProfile::parse(kind, id, None, "TH", city, None, "What we do.", None).expect("profile");
    Organisation {
        id: OrgId::parse(id).expect("org id"),
        kind,
        profile,
        status: ModerationStatus::Pending,
        rejection_reason: None,
    }
}

#[tokio::test]
async fn a_unique_violation_names_the_constraint_that_refused_it() {
    for_each_backend(|store| async move {
        store
            .insert_account(&account(1, "ana@example.org"), &operator())
            .await
            .expect("insert");
        let err = store
            .insert_account(&account(2, "ana@example.org"), &operator())
            .await
            .expect_err("same address");
        // PostgreSQL names the constraint; SQLite names the columns it covers.
        let expected = match store.backend() {
            Backend::Sqlite => "accounts.email",
            Backend::Postgres => "accounts_email_key",
        };
        match err {
            StoreError::Conflict { kind, constraint } => {
                assert_eq!(
                    (kind, constraint.as_deref()),
                    (ConflictKind::Unique, Some(expected))
                );
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn an_address_has_one_account_and_its_credentials_can_be_found() {
    for_each_backend(|store| async move {
        let ana = account(1, "ana@example.org");
        store
            .insert_account(&ana, &operator())
            .await
            .expect("insert");
        let again = account(2, "ANA@example.org");
        let err = store
            .insert_account(&again, &operator())
            .await
            .expect_err("same address");
        assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");

        let credentials = store
            .find_credentials(&ana.account.email)
            .await
            .expect("find")
            .expect("present");
        assert_eq!(credentials.account, ana.account);
        assert_eq!(credentials.password_hash, ana.password_hash);
        assert_eq!(
            (credentials.failed_logins, credentials.locked_until),
            (0, None)
        );
        assert!(
            store
                .find_credentials(&Email::parse("bob@example.org").expect("email"))
                .await
                .expect("find")
                .is_none()
        );

        let until = OffsetDateTime::now_utc() + Duration::minutes(5);
        store
            .record_sign_in(&ana.account.id, 5, Some(until))
            .await
            .expect("throttle");
        let credentials = store
            .find_credentials(&ana.account.email)
            .await
            .expect("find")
            .expect("present");
        assert_eq!(credentials.failed_logins, 5);
        assert!(
            credentials
                .locked_until
                .is_some_and(|t| (t - until).abs() < Duration::seconds(1))
        );
    })
    .await;
}

#[tokio::test]
async fn account_changes_are_journalled_and_a_new_password_ends_sessions() {
    for_each_backend(|store| async move {
        let ana = account(1, "ana@example.org");
        store
            .insert_account(&ana, &operator())
            .await
            .expect("insert");
        let mut changed = ana.account.clone();
        changed.display_name = "Ana".into();
        changed.platform_role = Some(PlatformRole::Verifier);
        changed.email_verified = true;
        store
            .update_account(&changed, &operator())
            .await
            .expect("update");
        assert_eq!(
            store.find_account(&ana.account.id).await.expect("find"),
            changed
        );
        let newest = &store.list_audit_entries(1).await.expect("audit")[0];
        assert_eq!(newest.entity, "account");
        assert_eq!(
            newest
                .before
                .as_ref()
                .and_then(|b| b["platform_role"].as_str()),
            None
        );
        assert_eq!(
            newest
                .after
                .as_ref()
                .and_then(|a| a["platform_role"].as_str()),
            Some("verifier")
        );

        let later = OffsetDateTime::now_utc() + Duration::hours(1);
        store
            .insert_session("hash-1", Some(&ana.account.id), "csrf", later)
            .await
            .expect("session");
        store
            .set_password_hash(
                &ana.account.id,
                "$argon2id$new",
                &AuditStamp::own_account(&ana.account.id),
            )
            .await
            .expect("password");
        assert!(
            store
                .find_session("hash-1", OffsetDateTime::now_utc())
                .await
                .expect("find")
                .is_none(),
            "sessions end"
        );
        let newest = &store.list_audit_entries(1).await.expect("audit")[0];
        assert_eq!(newest.entity, "account_password");
        assert!(
            !newest
                .after
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default()
                .contains("argon2"),
            "no hash in the journal"
        );
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_can_be_ended() {
    for_each_backend(|store| async move {
        let now = OffsetDateTime::now_utc();
        store
            .insert_session("anon", None, "csrf-a", now + Duration::minutes(30))
            .await
            .expect("anonymous session");
        store
            .insert_session("old", None, "csrf-b", now - Duration::seconds(1))
            .await
            .expect("expired session");
        let found = store
            .find_session("anon", now)
            .await
            .expect("find")
            .expect("present");
        assert_eq!(
            (found.account_id, found.csrf_token.as_str()),
            (None, "csrf-a")
        );
        assert!(
            store
                .find_session("old", now)
                .await
                .expect("find")
                .is_none(),
            "expired"
        );
        store.delete_session("anon").await.expect("delete");
        assert!(
            store
                .find_session("anon", now)
                .await
                .expect("find")
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn a_one_time_link_works_once_for_its_purpose_and_not_after_expiry() {
    for_each_backend(|store| async move {
        let ana = account(1, "ana@example.org");
        store
            .insert_account(&ana, &operator())
            .await
            .expect("insert");
        let now = OffsetDateTime::now_utc();
        let token = OneTimeToken {
            purpose: TokenPurpose::ResetPassword,
            account_id: Some(ana.account.id.clone()),
            email: None,
            org_id: None,
            role: None,
        };
        store
            .insert_one_time_token("t1", &token, now, now + Duration::hours(1))
            .await
            .expect("insert");
        store
            .insert_one_time_token("t2", &token, now, now - Duration::seconds(1))
            .await
            .expect("insert expired");
        assert!(
            store
                .consume_one_time_token("t1", TokenPurpose::VerifyEmail, now)
                .await
                .expect("wrong purpose")
                .is_none()
        );
        assert_eq!(
            store
                .consume_one_time_token("t1", TokenPurpose::ResetPassword, now)
                .await
                .expect("use"),
            Some(token)
        );
        assert!(
            store
                .consume_one_time_token("t1", TokenPurpose::ResetPassword, now)
                .await
                .expect("reuse")
                .is_none()
        );
        assert!(
            store
                .consume_one_time_token("t2", TokenPurpose::ResetPassword, now)
                .await
                .expect("expired")
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn api_tokens_are_found_by_hash_listed_and_revoked() {
    for_each_backend(|store| async move {
        let ana = account(1, "ana@example.org");
        store
            .insert_account(&ana, &operator())
            .await
            .expect("insert");
        let now = OffsetDateTime::now_utc();
        let record = ApiTokenRecord {
            id: "tok1".into(),
            account_id: ana.account.id.clone(),
            name: "importer".into(),
            scope: TokenScope::Write,
            created_at: now,
            last_used_at: None,
            revoked_at: None,
        };
        store
            .insert_api_token(&record, "secret-hash", &operator())
            .await
            .expect("insert");
        assert_eq!(
            store
                .find_api_token("secret-hash")
                .await
                .expect("find")
                .map(|t| t.scope),
            Some(TokenScope::Write)
        );
        store.touch_api_token("tok1", now).await.expect("touch");
        let listed = store.list_api_tokens(&ana.account.id).await.expect("list");
        assert!(listed[0].last_used_at.is_some());
        let bob = account(2, "bob@example.org");
        store
            .insert_account(&bob, &operator())
            .await
            .expect("insert bob");
        assert!(
            !store
                .revoke_api_token("tok1", &bob.account.id, now, &operator())
                .await
                .expect("not bob's")
        );
        assert!(
            store
                .revoke_api_token("tok1", &ana.account.id, now, &operator())
                .await
                .expect("revoke")
        );
        assert!(
            !store
                .revoke_api_token("tok1", &ana.account.id, now, &operator())
                .await
                .expect("twice")
        );
        assert!(
            store
                .find_api_token("secret-hash")
                .await
                .expect("find")
                .and_then(|t| t.revoked_at)
                .is_some()
        );
    })
    .await;
}

#[tokio::test]
async fn organisations_start_pending_with_their_creator_as_admin() {
    for_each_backend(|store| async move {
        store
            .apply_reference(&sample(), 1, "a")
            .await
            .expect("reference");
        let ana = account(1, "ana@example.org");
        store
            .insert_account(&ana, &operator())
            .await
            .expect("insert");
        let bma = org(
            "bangkok-metropolitan-administration",
            OrgKind::CityGovernment,
            Some("bangkok"),
        );
        store
            .insert_org(&bma, Some(&ana.account.id), &operator())
            .await
            .expect("insert org");
        assert!(matches!(
            store.insert_org(&bma, None, &operator()).await,
            Err(StoreError::Conflict { .. })
        ));
        let memberships = store
            .list_memberships(&ana.account.id)
            .await
            .expect("memberships");
        assert_eq!(memberships.len(), 1);
        assert_eq!(
            (memberships[0].role, memberships[0].org_kind),
            (MemberRole::Admin, OrgKind::CityGovernment)
        );
        assert_eq!(
            memberships[0].org_city.as_ref().map(|c| c.as_str()),
            Some("bangkok")
        );

        let pending = store
            .list_orgs(Some(ModerationStatus::Pending), None, 10)
            .await
            .expect("pending");
        assert_eq!(pending.len(), 1);
        let mut approved = bma.clone();
        approved.status = ModerationStatus::Approved;
        store
            .update_org(&approved, &operator())
            .await
            .expect("approve");
        assert!(
            store
                .list_orgs(Some(ModerationStatus::Pending), None, 10)
                .await
                .expect("pending")
                .is_empty()
        );
        assert_eq!(
            store.find_org(&bma.id).await.expect("find").status,
            ModerationStatus::Approved
        );

        let bob = account(2, "bob@example.org");
        store.insert_account(&bob, &operator()).await.expect("bob");
        store
            .upsert_membership(&bob.account.id, &bma.id, MemberRole::Member, &operator())
            .await
            .expect("add");
        store
            .upsert_membership(&bob.account.id, &bma.id, MemberRole::Editor, &operator())
            .await
            .expect("promote");
        let members = store.list_members(&bma.id).await.expect("members");
        assert_eq!(
            members
                .iter()
                .map(|(a, r)| (a.email.as_str(), *r))
                .collect::<Vec<_>>(),
            [
                ("ana@example.org", MemberRole::Admin),
                ("bob@example.org", MemberRole::Editor)
            ]
        );
        let newest = &store.list_audit_entries(1).await.expect("audit")[0];
        assert_eq!(
            (newest.entity.as_str(), newest.action.as_str()),
            ("membership", "update")
        );
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_can_be_searched_by_actor_entity_and_time() {
    for_each_backend(|store| async move {
        store
            .apply_reference(&sample(), 1, "a")
            .await
            .expect("reference");
        store
            .insert_account(&account(1, "ana@example.org"), &operator())
            .await
            .expect("insert");
        let by_operator = store
            .search_audit(&AuditFilter {
                actor: Some("operator".into()),
                limit: 50,
                ..Default::default()
            })
            .await
            .expect("search");
        assert_eq!(by_operator.len(), 1);
        assert_eq!(by_operator[0].entity, "account");
        let cities = store
            .search_audit(&AuditFilter {
                entity: Some("city".into()),
                limit: 50,
                ..Default::default()
            })
            .await
            .expect("search");
        assert_eq!(cities.len(), 5);
        let future = store
            .search_audit(&AuditFilter {
                from: Some(OffsetDateTime::now_utc() + Duration::hours(1)),
                limit: 50,
                ..Default::default()
            })
            .await
            .expect("search");
        assert!(future.is_empty());
        let past = store
            .search_audit(&AuditFilter {
                to: Some(OffsetDateTime::now_utc() + Duration::hours(1)),
                limit: 3,
                ..Default::default()
            })
            .await
            .expect("search");
        assert_eq!(past.len(), 3);
        let older = store
            .search_audit(&AuditFilter {
                before_id: Some(past[2].id),
                limit: 100,
                ..Default::default()
            })
            .await
            .expect("page");
        assert!(older.iter().all(|e| e.id < past[2].id));
    })
    .await;
}
