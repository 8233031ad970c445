//! Accounts, sessions, organisations and moderation through the service, on every configured database.

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use mitra_service::domain::{Actor, Email, Language, MemberRole, ModerationStatus, PlatformRole};
use mitra_service::test_support;
use mitra_service::{Mitra, OrgInput, ServiceError};
use mitra_store::test_support::for_each_database_from;

const PASSWORD: &str = "a long and unusual phrase";

/// Builds the template every test starts from: the reference data loaded.
async fn build(url: String) {
    test_support::build_template(&url, false)
        .await
        .expect("template");
}

/// Mitra on a copy of the template, hashing passwords cheaply.
async fn open(url: String) -> Mitra {
    test_support::use_fast_password_hashing();
    Mitra::open(&url).await.expect("open")
}

/// The `token=` value of the last link mailed to `to`.
fn last_link_token(mitra: &Mitra, to: &str) -> String {
    let mail = mitra
        .recent_mail()
        .into_iter()
        .rev()
        .find(|m| m.to == to)
        .expect("a mail was sent");
    let at = mail.body.find("token=").expect("a link with a token") + "token=".len();
    mail.body[at..]
        .split_whitespace()
        .next()
        .expect("token")
        .to_owned()
}

async fn signed_in_actor(mitra: &Mitra, email: &str) -> (Actor, String) {
    let session = mitra.sign_in(email, PASSWORD, None).await.expect("sign in");
    let info = mitra
        .resolve_session(&session.cookie)
        .await
        .expect("resolve")
        .expect("session");
    (info.actor, session.cookie)
}

fn address(raw: &str) -> Email {
    Email::parse(raw).expect("an e-mail address")
}

fn org_input(name: &str, kind: &str, city: Option<&str>) -> OrgInput {
    OrgInput {
        kind: kind.into(),
        name_en: name.into(),
        country: "TH".into(),
        city: city.map(str::to_owned),
        description_en: "What we do.".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn sign_up_verify_and_sign_in() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        mitra
            .sign_up(&address("Ana@Example.org"), PASSWORD, "Ana", Language::En)
            .await
            .expect("sign up");
        let err = mitra
            .sign_in("ana@example.org", PASSWORD, None)
            .await
            .expect_err("not verified yet");
        assert!(matches!(err, ServiceError::EmailNotVerified));
        mitra
            .verify_email(&last_link_token(&mitra, "ana@example.org"))
            .await
            .expect("verify");
        assert!(matches!(
            mitra.verify_email("made-up").await,
            Err(ServiceError::InvalidLink)
        ));
        let (actor, cookie) = signed_in_actor(&mitra, "ana@example.org").await;
        assert!(matches!(actor, Actor::Account(_)));
        mitra.sign_out(&cookie).await.expect("sign out");
        assert!(
            mitra
                .resolve_session(&cookie)
                .await
                .expect("resolve")
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn answers_do_not_reveal_which_addresses_have_accounts() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        mitra
            .create_account(&Actor::Operator, "ana@example.org", PASSWORD, "Ana", None)
            .await
            .expect("create");
        // Signing up again with a taken address succeeds outwardly and mails the owner instead.
        mitra
            .sign_up(
                &address("ana@example.org"),
                "another long phrase here",
                "Mallory",
                Language::En,
            )
            .await
            .expect("same answer");
        assert!(
            mitra
                .recent_mail()
                .last()
                .is_some_and(|m| m.subject.contains("already have an account"))
        );
        let unknown = mitra
            .sign_in("nobody@example.org", PASSWORD, None)
            .await
            .expect_err("unknown");
        let wrong = mitra
            .sign_in("ana@example.org", "wrong password entirely", None)
            .await
            .expect_err("wrong");
        assert_eq!(unknown.to_string(), wrong.to_string());
        mitra
            .request_password_reset(&address("nobody@example.org"))
            .await
            .expect("same answer for unknown addresses");
    })
    .await;
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        mitra
            .create_account(&Actor::Operator, "ana@example.org", PASSWORD, "Ana", None)
            .await
            .expect("create");
        // The first lock-out comes with the last free attempt.
        for _ in 0..mitra_service::FREE_ATTEMPTS {
            assert!(
                mitra
                    .sign_in("ana@example.org", "wrong password entirely", None)
                    .await
                    .is_err()
            );
        }
        let err = mitra
            .sign_in("ana@example.org", PASSWORD, None)
            .await
            .expect_err("locked");
        assert!(matches!(err, ServiceError::InvalidCredentials));
    })
    .await;
}

#[tokio::test]
async fn a_password_reset_link_works_once_and_ends_old_sessions_links_and_tokens() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        mitra
            .create_account(&Actor::Operator, "ana@example.org", PASSWORD, "Ana", None)
            .await
            .expect("create");
        let (ana, old_cookie) = signed_in_actor(&mitra, "ana@example.org").await;
        let ana = ana.signed_in().expect("ana");
        let api_token = mitra
            .create_api_token(&ana, "script", "write")
            .await
            .expect("token");
        mitra
            .request_password_reset(&address("ana@example.org"))
            .await
            .expect("request");
        let older = last_link_token(&mitra, "ana@example.org");
        mitra
            .request_password_reset(&address("ana@example.org"))
            .await
            .expect("request again");
        let token = last_link_token(&mitra, "ana@example.org");
        let err = mitra
            .reset_password(&token, "password")
            .await
            .expect_err("common password");
        assert!(matches!(err, ServiceError::Validation(ref e) if e.field == "password"));
        // A refused password leaves the link usable.
        let revoked = mitra
            .reset_password(&token, "a brand new long phrase")
            .await
            .expect("reset");
        assert_eq!(
            revoked, 1,
            "the API tokens are revoked, and the person told how many"
        );
        assert!(
            mitra
                .resolve_api_token(&api_token.secret)
                .await
                .expect("resolve")
                .is_none(),
            "a token made before the reset no longer works"
        );
        assert!(
            matches!(
                mitra.reset_password(&older, "an older link's phrase").await,
                Err(ServiceError::InvalidLink)
            ),
            "a reset link sent before the reset no longer works"
        );
        assert!(matches!(
            mitra
                .reset_password(&token, "yet another long phrase")
                .await,
            Err(ServiceError::InvalidLink)
        ));
        assert!(
            mitra
                .resolve_session(&old_cookie)
                .await
                .expect("resolve")
                .is_none(),
            "old sessions end"
        );
        mitra
            .sign_in("ana@example.org", "a brand new long phrase", None)
            .await
            .expect("new password works");
    })
    .await;
}

#[tokio::test]
async fn signing_in_replaces_the_previous_session() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        mitra
            .create_account(&Actor::Operator, "ana@example.org", PASSWORD, "Ana", None)
            .await
            .expect("create");
        // A session id someone else knows, such as one planted in the browser before this sign-in.
        let planted = mitra
            .sign_in("ana@example.org", PASSWORD, None)
            .await
            .expect("first sign in");
        let session = mitra
            .sign_in("ana@example.org", PASSWORD, Some(&planted.cookie))
            .await
            .expect("sign in");
        assert_ne!(session.cookie, planted.cookie);
        assert!(
            mitra
                .resolve_session(&planted.cookie)
                .await
                .expect("resolve")
                .is_none(),
            "fixed id is dead"
        );
    })
    .await;
}

#[tokio::test]
async fn api_tokens_carry_their_scope_and_stop_working_when_revoked() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        mitra
            .create_account(
                &Actor::Operator,
                "ana@example.org",
                PASSWORD,
                "Ana",
                Some(PlatformRole::PlatformAdmin),
            )
            .await
            .expect("create");
        let (actor, _) = signed_in_actor(&mitra, "ana@example.org").await;
        let who = actor.signed_in().expect("signed in");
        let read = mitra
            .create_api_token(&who, "dashboard", "read")
            .await
            .expect("read token");
        let write = mitra
            .create_api_token(&who, "importer", "write")
            .await
            .expect("write token");
        assert!(read.secret.starts_with("mitra_"));
        let as_read = mitra
            .resolve_api_token(&read.secret)
            .await
            .expect("resolve")
            .expect("valid");
        assert!(
            as_read.platform_admin().is_err(),
            "a read token cannot write, even an admin's"
        );
        let as_write = mitra
            .resolve_api_token(&write.secret)
            .await
            .expect("resolve")
            .expect("valid");
        assert!(as_write.platform_admin().is_ok());
        mitra
            .revoke_api_token(&who, &write.record.id)
            .await
            .expect("revoke");
        assert!(
            mitra
                .resolve_api_token(&write.secret)
                .await
                .expect("resolve")
                .is_none()
        );
        let listed = mitra.list_api_tokens(&who).await.expect("list");
        assert!(
            listed
                .iter()
                .any(|t| t.id == read.record.id && t.last_used_at.is_some())
        );
    })
    .await;
}

#[tokio::test]
async fn organisations_wait_for_approval_and_rejections_carry_a_reason() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        mitra
            .create_account(&Actor::Operator, "ana@example.org", PASSWORD, "Ana", None)
            .await
            .expect("ana");
        mitra
            .create_account(
                &Actor::Operator,
                "root@example.org",
                PASSWORD,
                "Root",
                Some(PlatformRole::PlatformAdmin),
            )
            .await
            .expect("admin");
        let (ana, _) = signed_in_actor(&mitra, "ana@example.org").await;
        let input = org_input(
            "Bangkok Metropolitan Administration",
            "city-government",
            Some("bangkok"),
        );
        let org = mitra
            .create_organisation(&ana, &input)
            .await
            .expect("create");
        assert_eq!(org.status, ModerationStatus::Pending);
        assert!(
            mitra
                .list_organisations(None, 50)
                .await
                .expect("public list")
                .is_empty(),
            "not public yet"
        );
        assert!(matches!(
            mitra.get_organisation(&Actor::Anonymous, &org.id).await,
            Err(ServiceError::NotFound { .. })
        ));
        let (ana, _) = signed_in_actor(&mitra, "ana@example.org").await;
        assert!(
            mitra.get_organisation(&ana, &org.id).await.is_ok(),
            "its members see it"
        );
        assert!(matches!(
            mitra.moderation_queue(&ana).await,
            Err(ServiceError::Forbidden)
        ));

        let (root, _) = signed_in_actor(&mitra, "root@example.org").await;
        assert_eq!(mitra.moderation_queue(&root).await.expect("queue").len(), 1);
        let rejected = mitra
            .reject_organisation(&root, &org.id, "Please link the official web site.")
            .await
            .expect("reject");
        assert_eq!(
            rejected.rejection_reason.as_deref(),
            Some("Please link the official web site.")
        );
        // The editor corrects it: back to the queue, reason cleared.
        let mut fixed = input.clone();
        fixed.website = Some("https://www.bangkok.go.th".into());
        let resubmitted = mitra
            .update_organisation(&ana, &org.id, &fixed)
            .await
            .expect("resubmit");
        assert_eq!(
            (resubmitted.status, resubmitted.rejection_reason),
            (ModerationStatus::Pending, None)
        );
        mitra
            .approve_organisation(&root, &org.id)
            .await
            .expect("approve");
        assert_eq!(
            mitra
                .list_organisations(None, 50)
                .await
                .expect("public")
                .len(),
            1
        );

        let err = mitra
            .create_organisation(&Actor::Anonymous, &input)
            .await
            .expect_err("anonymous");
        assert!(matches!(err, ServiceError::Unauthenticated));
        let unknown_city = org_input("Atlantis City Hall", "city-government", Some("atlantis"));
        let err = mitra
            .create_organisation(&ana, &unknown_city)
            .await
            .expect_err("unknown city");
        assert!(matches!(err, ServiceError::Validation(ref e) if e.field == "city"));
    })
    .await;
}

#[tokio::test]
async fn members_join_only_by_invitation_which_only_org_admins_send() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        for email in ["ana@example.org", "bob@example.org", "eve@example.org"] {
            mitra
                .create_account(&Actor::Operator, email, PASSWORD, "Person", None)
                .await
                .expect("account");
        }
        let (ana, _) = signed_in_actor(&mitra, "ana@example.org").await;
        let org = mitra
            .create_organisation(&ana, &org_input("Acme Mobility", "startup", None))
            .await
            .expect("org");
        let (ana, _) = signed_in_actor(&mitra, "ana@example.org").await;
        let (eve, _) = signed_in_actor(&mitra, "eve@example.org").await;
        assert!(matches!(
            mitra
                .invite_member(&eve, &org.id, "eve@example.org", "admin")
                .await,
            Err(ServiceError::Forbidden)
        ));
        mitra
            .invite_member(&ana, &org.id, "bob@example.org", "editor")
            .await
            .expect("invite");
        let token = last_link_token(&mitra, "bob@example.org");
        let eve_handle = eve.signed_in().expect("eve");
        assert!(
            matches!(
                mitra.accept_invitation(&eve_handle, &token).await,
                Err(ServiceError::WrongAccount)
            ),
            "not Eve's"
        );
        // Eve opening it did not use it up: Bob's link still works.
        let (bob, _) = signed_in_actor(&mitra, "bob@example.org").await;
        mitra
            .accept_invitation(&bob.signed_in().expect("bob"), &token)
            .await
            .expect("accept");
        let members = mitra.list_members(&ana, &org.id).await.expect("members");
        assert!(
            members
                .iter()
                .any(|(a, r)| a.email.as_str() == "bob@example.org" && *r == MemberRole::Editor)
        );
        assert!(
            matches!(
                mitra
                    .accept_invitation(&bob.signed_in().expect("bob"), &token)
                    .await,
                Err(ServiceError::InvalidLink)
            ),
            "an invitation is used once"
        );
        // Nobody but the operator adds a member without an invitation, and inviting an address without an account
        // is answered as any other.
        assert!(matches!(
            mitra
                .add_member(&ana, &org.id, "eve@example.org", "admin")
                .await,
            Err(ServiceError::Forbidden)
        ));
        mitra
            .invite_member(&ana, &org.id, "nobody@example.org", "member")
            .await
            .expect("an address without an account is invited as any other");
        let (bob, _) = signed_in_actor(&mitra, "bob@example.org").await;
        let mut input = org_input("Acme Mobility", "startup", None);
        input.description_en = "Ride sharing for Bangkok.".into();
        mitra
            .update_organisation(&bob, &org.id, &input)
            .await
            .expect("editors edit");
    })
    .await;
}

#[tokio::test]
async fn demo_accounts_stop_working_when_mitra_runs_without_demo_data() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        mitra.load_demo(&[]).await.expect("demo");
        let (email, password, ..) = mitra_service::DEMO_ACCOUNTS[0];
        let session = mitra
            .sign_in(email, password, None)
            .await
            .expect("a demo account signs in on a demo instance");
        let admin = mitra
            .resolve_session(&session.cookie)
            .await
            .expect("resolve")
            .expect("session")
            .actor;
        let token = mitra
            .create_api_token(&admin.signed_in().expect("admin"), "script", "write")
            .await
            .expect("token");

        let disabled = mitra
            .set_demo_accounts_enabled(false)
            .await
            .expect("disable");
        assert_eq!(disabled as usize, mitra_service::DEMO_ACCOUNTS.len());
        assert!(matches!(
            mitra.sign_in(email, password, None).await,
            Err(ServiceError::InvalidCredentials)
        ));
        assert!(
            mitra
                .resolve_session(&session.cookie)
                .await
                .expect("resolve")
                .is_none(),
            "its sessions end"
        );
        assert!(
            mitra
                .resolve_api_token(&token.secret)
                .await
                .expect("resolve")
                .is_none(),
            "its tokens are revoked"
        );
        assert_eq!(
            mitra.set_demo_accounts_enabled(false).await.expect("again"),
            0,
            "nothing changes the second time"
        );
        mitra.load_demo(&[]).await.expect("demo again");
        mitra
            .sign_in(email, password, None)
            .await
            .expect("a demo instance again: the demo accounts work again");
    })
    .await;
}
