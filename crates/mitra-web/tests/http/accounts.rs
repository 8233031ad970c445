//! Accounts over HTTP: session fixation, CSRF, API token scopes, lock-out, moderation and the audit trail.

use reqwest::Method;
use serde_json::{Value, json};

use mitra_store::test_support::for_each_engine;

use crate::{Browser, api, session_cookie, spawn_app_with};

const ADMIN: (&str, &str) = ("admin@demo.mitra.invalid", "demo-password-admin");
const EDITOR: (&str, &str) = ("editor@demo.mitra.invalid", "demo-password-editor");
const MEMBER: (&str, &str) = ("member@demo.mitra.invalid", "demo-password-member");

#[tokio::test]
async fn signing_in_gives_a_new_session_id_and_the_old_one_stops_working() {
    for_each_engine(|engine| async move {
        let app = spawn_app_with(Some(engine), true).await;
        let mut browser = Browser::visit(&app, "/login").await;
        // A session id planted in the browser before sign-in (by someone who wants to share the session).
        let planted = format!("mitra_session={}", "ab".repeat(32));
        browser.cookie = Some(format!(
            "{}; {planted}",
            browser.cookie.clone().expect("a form cookie")
        ));
        let response = browser
            .post(
                &app,
                "/login",
                &[("email", MEMBER.0), ("password", MEMBER.1)],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
        let fresh = format!(
            "mitra_session={}",
            session_cookie(&response).expect("a new session cookie")
        );
        assert_ne!(fresh, planted, "the session id changes at sign-in");
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .expect("cookie")
            .to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));

        browser.cookie = Some(planted);
        let old = browser.get(&app, "/account").await;
        assert_eq!(
            old.status().as_u16(),
            303,
            "the planted id is not signed in"
        );
        browser.cookie = Some(fresh);
        assert_eq!(browser.get(&app, "/account").await.status().as_u16(), 200);
    })
    .await;
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_or_from_another_site_are_refused() {
    for_each_engine(|engine| async move {
        let app = spawn_app_with(Some(engine), true).await;
        let browser = Browser::signed_in(&app, EDITOR.0, EDITOR.1).await;
        let fields = [
            ("display_name", "Changed"),
            ("language", "en"),
            ("time_zone", "UTC"),
        ];

        let mut missing = browser.clone();
        missing.csrf = None;
        assert_eq!(
            missing
                .post(&app, "/account", &fields)
                .await
                .status()
                .as_u16(),
            403,
            "missing token"
        );
        let mut wrong = browser.clone();
        wrong.csrf = Some("0".repeat(64));
        assert_eq!(
            wrong
                .post(&app, "/account", &fields)
                .await
                .status()
                .as_u16(),
            403,
            "wrong token"
        );

        let cross_site = app
            .client
            .post(app.url("/account"))
            .header("cookie", browser.cookie.clone().unwrap_or_default())
            .header("origin", "https://evil.example")
            .form(&[
                ("csrf_token", browser.csrf.as_deref().unwrap_or("")),
                ("display_name", "x"),
                ("language", "en"),
                ("time_zone", "UTC"),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(cross_site.status().as_u16(), 403, "Origin of another site");
        let fetch_site = app
            .client
            .post(app.url("/account"))
            .header("cookie", browser.cookie.clone().unwrap_or_default())
            .header("sec-fetch-site", "cross-site")
            .form(&[
                ("csrf_token", browser.csrf.as_deref().unwrap_or("")),
                ("display_name", "x"),
                ("language", "en"),
                ("time_zone", "UTC"),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(
            fetch_site.status().as_u16(),
            403,
            "Sec-Fetch-Site cross-site"
        );

        assert_eq!(
            browser
                .post(&app, "/account", &fields)
                .await
                .status()
                .as_u16(),
            303,
            "the right token works"
        );
    })
    .await;
}

async fn token(app: &crate::TestApp, who: (&str, &str), scope: &str) -> String {
    let browser = Browser::signed_in(app, who.0, who.1).await;
    crate::create_token(app, &browser, scope).await
}

#[tokio::test]
async fn api_tokens_are_scoped_and_session_cookies_cannot_write_through_the_api() {
    for_each_engine(|engine| async move {
        let app = spawn_app_with(Some(engine), true).await;
        let read = token(&app, EDITOR, "read").await;
        let write = token(&app, EDITOR, "write").await;
        let body = json!({"kind": "startup", "name_en": "Sensor Co", "country": "VN", "description_en": "Sensors."});

        let me = api(&app, Method::GET, "/api/v1/me", Some(&read), None).await;
        assert_eq!(me.status().as_u16(), 200);
        let me: Value = me.json().await.expect("json");
        assert_eq!(
            (me["email"].as_str(), me["scope"].as_str()),
            (Some(EDITOR.0), Some("read"))
        );

        let refused = api(
            &app,
            Method::POST,
            "/api/v1/organisations",
            Some(&read),
            Some(body.clone()),
        )
        .await;
        assert_eq!(refused.status().as_u16(), 403, "a read token cannot write");
        let created = api(
            &app,
            Method::POST,
            "/api/v1/organisations",
            Some(&write),
            Some(body.clone()),
        )
        .await;
        assert_eq!(created.status().as_u16(), 201);

        let unknown = api(
            &app,
            Method::GET,
            "/api/v1/me",
            Some("mitra_not-a-token"),
            None,
        )
        .await;
        assert_eq!(unknown.status().as_u16(), 401);
        assert_eq!(
            unknown.headers()["content-type"],
            "application/problem+json"
        );

        let browser = Browser::signed_in(&app, EDITOR.0, EDITOR.1).await;
        let with_cookie = app
            .client
            .post(app.url("/api/v1/organisations"))
            .header(
                "cookie",
                browser.cookie.clone().unwrap_or_default(),
            )
            .json(&body)
            .send()
            .await
            .expect("request");
        assert_eq!(
            with_cookie.status().as_u16(),
            401,
            "the API writes only with a token"
        );

        let tokens: Value = api(&app, Method::GET, "/api/v1/tokens", Some(&write), None)
            .await
            .json()
            .await
            .expect("json");
        let id = tokens["tokens"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["scope"] == "write"))
            .and_then(|t| t["id"].as_str())
            .expect("write token listed")
            .to_owned();
        assert_eq!(
            api(
                &app,
                Method::DELETE,
                &format!("/api/v1/tokens/{id}"),
                Some(&write),
                None
            )
            .await
            .status()
            .as_u16(),
            204
        );
        assert_eq!(
            api(&app, Method::GET, "/api/v1/me", Some(&write), None)
                .await
                .status()
                .as_u16(),
            401,
            "revoked"
        );
    })
    .await;
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_sign_in_form_without_telling_which_addresses_exist() {
    for_each_engine(|engine| async move {
        let app = spawn_app_with(Some(engine), true).await;
        let browser = Browser::visit(&app, "/login").await;
        let unknown = browser
            .post(
                &app,
                "/login",
                &[
                    ("email", "nobody@example.org"),
                    ("password", "whatever it is"),
                ],
            )
            .await;
        let unknown_text = unknown.text().await.expect("html");
        for _ in 0..5 {
            let wrong = browser
                .post(
                    &app,
                    "/login",
                    &[("email", MEMBER.0), ("password", "not the password")],
                )
                .await;
            assert_eq!(wrong.status().as_u16(), 422);
        }
        let locked = browser
            .post(
                &app,
                "/login",
                &[("email", MEMBER.0), ("password", MEMBER.1)],
            )
            .await;
        assert_eq!(
            locked.status().as_u16(),
            422,
            "locked even with the right password"
        );
        let locked_text = locked.text().await.expect("html");
        let message = |html: &str| {
            let at = html.find(r#"role="alert""#).expect("an error");
            html[at..].split("</div>").next().unwrap_or("").to_owned()
        };
        assert_eq!(
            message(&unknown_text),
            message(&locked_text),
            "unknown address and lock-out read the same"
        );
    })
    .await;
}

#[tokio::test]
async fn an_organisation_waits_for_review_and_the_author_sees_the_reason_for_a_rejection() {
    for_each_engine(|engine| async move {
        let app = spawn_app_with(Some(engine), true).await;
        let editor = Browser::signed_in(&app, EDITOR.0, EDITOR.1).await;
        let created = editor
            .post(
                &app,
                "/organisations/new",
                &[
                    ("kind", "startup"),
                    ("name_en", "Klong Data"),
                    ("country", "TH"),
                    ("description_en", "Canal sensors."),
                ],
            )
            .await;
        assert_eq!(created.status().as_u16(), 303);
        let location = created.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        assert!(location.starts_with("/organisations/klong-data"));
        assert!(
            !app.get_page("/organisations", 200)
                .await
                .contains("Klong Data"),
            "not public while pending"
        );
        assert_eq!(
            app.get("/organisations/klong-data").await.status().as_u16(),
            404,
            "hidden from the public"
        );
        assert!(
            editor
                .get(&app, "/organisations/klong-data")
                .await
                .text()
                .await
                .expect("html")
                .contains("status-pending")
        );

        let admin = Browser::signed_in(&app, ADMIN.0, ADMIN.1).await;
        assert!(
            admin
                .get(&app, "/admin")
                .await
                .text()
                .await
                .expect("html")
                .contains("Klong Data"),
            "in the queue"
        );
        let rejected = admin
            .post(
                &app,
                "/admin/organisations/klong-data/reject",
                &[("reason", "Add your company registration.")],
            )
            .await;
        assert_eq!(rejected.status().as_u16(), 303);
        let page = editor
            .get(&app, "/organisations/klong-data")
            .await
            .text()
            .await
            .expect("html");
        assert!(
            page.contains("Add your company registration."),
            "the author sees the reason"
        );

        let resubmitted = editor
            .post(
                &app,
                "/organisations/klong-data/edit",
                &[
                    ("name_en", "Klong Data"),
                    ("country", "TH"),
                    (
                        "description_en",
                        "Canal sensors; registration 0105561234567.",
                    ),
                ],
            )
            .await;
        assert_eq!(resubmitted.status().as_u16(), 303);
        assert_eq!(
            admin
                .post(&app, "/admin/organisations/klong-data/approve", &[])
                .await
                .status()
                .as_u16(),
            303
        );
        assert!(
            app.get_page("/organisations", 200)
                .await
                .contains("Klong Data"),
            "public once approved"
        );
    })
    .await;
}

#[tokio::test]
async fn every_write_leaves_an_audit_record_with_its_actor() {
    for_each_engine(|engine| async move {
        let app = spawn_app_with(Some(engine), true).await;
        let write = token(&app, EDITOR, "write").await;
        let body = json!({"kind": "ngo", "name_en": "Green Mekong", "country": "LA", "description_en": "Rivers."});
        assert_eq!(
            api(
                &app,
                Method::POST,
                "/api/v1/organisations",
                Some(&write),
                Some(body)
            )
            .await
            .status()
            .as_u16(),
            201
        );
        let admin = token(&app, ADMIN, "read").await;
        let entries: Value = api(
            &app,
            Method::GET,
            "/api/v1/audit?entity=organisation",
            Some(&admin),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        let newest = &entries["entries"][0];
        assert_eq!(newest["entity_id"], "green-mekong");
        assert_eq!(newest["action"], "insert");
        assert!(
            newest["actor"]
                .as_str()
                .is_some_and(|a| a.starts_with("account:"))
        );
        assert_eq!(newest["after"]["status"], "pending");

        let tokens: Value = api(
            &app,
            Method::GET,
            "/api/v1/audit?entity=api_token",
            Some(&admin),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        assert!(
            tokens["entries"].as_array().is_some_and(|e| e.len() >= 2),
            "token creation is audited"
        );
        assert!(
            !tokens.to_string().contains("mitra_"),
            "secrets never reach the audit trail"
        );

        let editor_read = token(&app, EDITOR, "read").await;
        assert_eq!(
            api(&app, Method::GET, "/api/v1/audit", Some(&editor_read), None)
                .await
                .status()
                .as_u16(),
            403
        );

        let browser = Browser::signed_in(&app, ADMIN.0, ADMIN.1).await;
        let csv = browser
            .get(&app, "/admin/audit.csv?entity=organisation")
            .await;
        assert!(
            csv.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/csv")
        );
        let csv = csv.text().await.expect("csv");
        assert!(csv.starts_with("id,occurred_at,actor,action,entity,entity_id,before,after\n"));
        assert!(csv.contains("green-mekong"));
        let page = browser
            .get(&app, "/admin/audit?entity=organisation&from=2000-01-01")
            .await
            .text()
            .await
            .expect("html");
        assert!(page.contains("green-mekong"));
        // People are named, not their account ids, and times are given to the minute.
        assert!(page.contains("<td title=\"account:"), "the id stays at hand");
        assert!(page.contains(">Demo editor</td>"), "the editor who wrote it, by name");
        assert!(!page.contains(">account:"), "no account id as the visible name");
        assert!(
            page.contains("(UTC)</td>") || page.contains("(Asia/"),
            "times are given with the reader's zone"
        );
        assert_eq!(
            browser
                .get(&app, "/admin/audit?from=yesterday")
                .await
                .status()
                .as_u16(),
            400,
            "a bad date names its field"
        );
    })
    .await;
}

#[tokio::test]
async fn signed_in_pages_speak_chinese_too() {
    for_each_engine(|engine| async move {
        let app = spawn_app_with(Some(engine), true).await;
        let admin = Browser::signed_in(&app, ADMIN.0, ADMIN.1).await;
        for path in [
            "/account",
            "/admin",
            "/admin/audit",
            "/organisations",
            "/organisations/demo-organisation-bangkok-city-government-example",
            "/organisations/demo-organisation-bangkok-city-government-example/edit",
            "/organisations/new",
        ] {
            let with_lang = format!("{path}?lang=zh-Hans");
            let response = admin.get(&app, &with_lang).await;
            assert_eq!(response.status().as_u16(), 200, "{path}");
            crate::pages::assert_no_english(path, &response.text().await.expect("html"));
        }
    })
    .await;
}

#[tokio::test]
async fn a_client_hammering_the_sign_in_form_is_slowed_down() {
    const LIMIT: usize = 20;
    for_each_engine(|engine| async move {
        let app = spawn_app_with(Some(engine), false).await;
        let browser = Browser::visit(&app, "/login").await;
        let mut statuses = Vec::new();
        for _ in 0..=LIMIT {
            let response = browser
                .post(
                    &app,
                    "/login",
                    &[
                        ("email", "nobody@example.org"),
                        ("password", "guess guess guess"),
                    ],
                )
                .await;
            statuses.push((
                response.status().as_u16(),
                response.headers().get("retry-after").is_some(),
            ));
        }
        assert!(
            statuses[..LIMIT].iter().all(|(s, _)| *s == 422),
            "{statuses:?}"
        );
        assert_eq!(
            statuses.last(),
            Some(&(429, true)),
            "the attempt over the limit waits, with Retry-After"
        );
    })
    .await;
}

#[tokio::test]
async fn the_account_language_setting_chooses_the_interface_language() {
    for_each_engine(|engine| async move {
        let app = spawn_app_with(Some(engine), true).await;
        let browser = Browser::signed_in(&app, EDITOR.0, EDITOR.1).await;
        let english = browser
            .get(&app, "/standards")
            .await
            .text()
            .await
            .expect("html");
        assert!(english.contains(r#"<html lang="en">"#));
        let saved = browser
            .post(
                &app,
                "/account",
                &[
                    ("display_name", "编辑"),
                    ("language", "zh-Hans"),
                    ("time_zone", "Asia/Shanghai"),
                ],
            )
            .await;
        assert_eq!(saved.status().as_u16(), 303);
        // No language cookie sent: the account's setting decides.
        let chinese = browser
            .get(&app, "/standards")
            .await
            .text()
            .await
            .expect("html");
        assert!(chinese.contains(r#"<html lang="zh-Hans">"#));
        let bad = browser
            .post(
                &app,
                "/account",
                &[
                    ("display_name", "x"),
                    ("language", "xx"),
                    ("time_zone", "UTC"),
                ],
            )
            .await;
        assert_eq!(
            bad.status().as_u16(),
            422,
            "an unsupported language is a field error"
        );
        assert!(
            bad.text()
                .await
                .expect("html")
                .contains(r##"href="#f-language""##)
        );
    })
    .await;
}

#[tokio::test]
async fn looking_at_a_form_stores_nothing_and_expired_sessions_and_links_are_purged() {
    let app = spawn_app_with(None, true).await;
    let count = |table: &'static str| {
        let path = app.database_path();
        async move {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                .await
                .expect("open the database");
            let n: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
                .fetch_one(&pool)
                .await
                .expect("count");
            pool.close().await;
            n
        }
    };
    let before = count("sessions").await;
    for path in ["/login", "/signup", "/reset", "/login", "/login"] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(
            response.headers()["cache-control"],
            "private, no-store",
            "a form with a token is not cached"
        );
    }
    assert_eq!(
        count("sessions").await,
        before,
        "no session for a visitor who only looks"
    );
    // The form cookie still carries the form's token: signing in works.
    let browser = Browser::signed_in(&app, MEMBER.0, MEMBER.1).await;
    assert!(browser.cookie.is_some());
    let account = browser.get(&app, "/account").await;
    assert_eq!(account.headers()["cache-control"], "private, no-store");

    let mitra = &app.mitra;
    mitra
        .request_password_reset(
            &mitra_service::domain::Email::parse(MEMBER.0).expect("an e-mail address"),
        )
        .await
        .expect("reset link");
    let (sessions, links) = mitra.purge_expired().await.expect("purge");
    assert_eq!((sessions, links), (0, 0), "nothing current is purged");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.database_path().display()))
        .await
        .expect("open");
    let past = time::OffsetDateTime::now_utc() - time::Duration::days(2);
    for table in ["sessions", "one_time_tokens"] {
        sqlx::query(&format!("update {table} set expires_at = $1"))
            .bind(past)
            .execute(&pool)
            .await
            .expect("age");
    }
    pool.close().await;
    let (sessions, links) = mitra.purge_expired().await.expect("purge");
    assert!(
        sessions >= 1 && links >= 1,
        "{sessions} sessions, {links} links"
    );
    assert_eq!(count("sessions").await, 0);
    assert_eq!(count("one_time_tokens").await, 0);
}

#[tokio::test]
async fn a_refused_form_says_why_in_the_readers_language_and_the_api_in_english() {
    let app = spawn_app_with(None, true).await;
    let member = Browser::signed_in(&app, MEMBER.0, MEMBER.1).await;
    let zone = [
        ("display_name", "Member"),
        ("language", "en"),
        ("time_zone", "Atlantis"),
    ];
    let english = member.post(&app, "/account", &zone).await;
    assert_eq!(english.status().as_u16(), 422);
    let english = english.text().await.expect("html");
    assert!(
        english.contains(r#"<span lang="en">&#39;Atlantis&#39; is not an IANA time zone"#),
        "{}",
        &english[english.find("error-summary").unwrap_or(0)..][..400]
    );
    for (lang, words) in [("th", "IANA"), ("zh-Hans", "IANA"), ("km", "IANA")] {
        let response = member
            .post(&app, &format!("/account?lang={lang}"), &zone)
            .await;
        assert_eq!(response.status().as_u16(), 422, "{lang}");
        let html = response.text().await.expect("html");
        let summary = &html[html.find("error-summary").expect("a summary")..];
        let summary = &summary[..summary.find("</div>").expect("its end")];
        assert!(
            summary.contains(&format!(r#"<span lang="{lang}">"#)),
            "{lang}: {summary}"
        );
        assert!(
            summary.contains("Atlantis") && summary.contains(words),
            "{lang}: {summary}"
        );
        assert!(
            !summary.contains("is not an IANA time zone"),
            "{lang}: {summary}"
        );
    }
    // The API keeps the English reason, with the field it is about.
    let problem = app
        .client
        .get(app.url("/api/v1/cities?network=atlantis"))
        .header("accept-language", "th")
        .send()
        .await
        .expect("request");
    assert_eq!(problem.status().as_u16(), 400);
    let body: serde_json::Value = problem.json().await.expect("a problem");
    assert_eq!(body["parameter"], "network");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("'atlantis' is not one of: ascn, ascn-pilot-2018")),
        "{body}"
    );
}
