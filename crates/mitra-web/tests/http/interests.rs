//! Expressions of interest over HTTP: a provider writes to a city about its project, the city answers and agrees;
//! who may read and write each conversation, what a change of an organisation's standing does to that, concurrent
//! decisions, bounded errors, notifications and their mail. On every configured database.

use mitra_store::test_support::Engine;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{Browser, api, demo_token, spawn_app_with};

const CITY: &str = "demo-organisation-bangkok-city-government-example";
const PROVIDER: &str = "demo-organisation-solution-provider-example";
const PROJECT: &str = "example-project-flood-sensors";
const SOLUTION: &str = "example-solution-air-sensor-kit";

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{body}");
    body
}

#[tokio::test]
async fn a_provider_writes_to_a_city_about_its_project_and_they_agree() {
    for engine in Engine::configured() {
        let app = spawn_app_with(Some(engine), true).await;
        let provider = demo_token(&app, "provider").await;
        let editor = demo_token(&app, "editor").await;
        let member = demo_token(&app, "member").await;

        let sent = api(
            &app,
            Method::POST,
            &format!("/api/v1/entries/{PROJECT}/interests"),
            Some(&provider),
            Some(json!({"org": PROVIDER, "message": "We make water-level sensors and would pilot ten."})),
        )
        .await;
        let thread = json_of(sent, 201).await;
        let id = thread["interest"]["id"].as_str().expect("id").to_owned();
        assert_eq!(thread["interest"]["status"], "open");
        assert_eq!(thread["interest"]["publisher"]["id"], CITY);
        assert_eq!(thread["messages"][0]["author"], "Demo solution provider");
        assert!(
            !thread.to_string().contains('@'),
            "no e-mail address in a conversation: {thread}"
        );

        let again = api(
            &app,
            Method::POST,
            &format!("/api/v1/entries/{PROJECT}/interests"),
            Some(&provider),
            Some(json!({"org": PROVIDER, "message": "Again."})),
        )
        .await;
        let problem = json_of(again, 409).await;
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains("write in it")),
            "{problem}"
        );

        // The city's editor is told, and finds the conversation in the inbox.
        let told = json_of(
            api(
                &app,
                Method::GET,
                "/api/v1/notifications",
                Some(&editor),
                None,
            )
            .await,
            200,
        )
        .await;
        assert_eq!(told["unread"], 1);
        assert_eq!(told["notifications"][0]["kind"], "interest-received");
        assert_eq!(told["notifications"][0]["from"]["id"], PROVIDER);
        let inbox = json_of(
            api(&app, Method::GET, "/api/v1/interests", Some(&editor), None).await,
            200,
        )
        .await;
        assert_eq!(inbox["interests"][0]["id"], id.as_str());

        // A plain member of the city government neither reads nor answers for it.
        let read = api(
            &app,
            Method::GET,
            &format!("/api/v1/interests/{id}"),
            Some(&member),
            None,
        )
        .await;
        assert_eq!(read.status().as_u16(), 404);
        let write = api(
            &app,
            Method::POST,
            &format!("/api/v1/interests/{id}/messages"),
            Some(&member),
            Some(json!({"message": "Hello."})),
        )
        .await;
        assert_eq!(write.status().as_u16(), 403);

        // The editor answers: the conversation is in discussion; the provider may not accept for the city.
        let answered = json_of(
            api(
                &app,
                Method::POST,
                &format!("/api/v1/interests/{id}/messages"),
                Some(&editor),
                Some(json!({"message": "Welcome. Could you start in the dry season?"})),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(answered["status"], "in-discussion");
        let not_theirs = api(
            &app,
            Method::POST,
            &format!("/api/v1/interests/{id}/decision"),
            Some(&provider),
            Some(json!({"decision": "accept"})),
        )
        .await;
        assert_eq!(not_theirs.status().as_u16(), 403);
        let agreed = json_of(
            api(
                &app,
                Method::POST,
                &format!("/api/v1/interests/{id}/decision"),
                Some(&editor),
                Some(json!({"decision": "accept", "message": "Agreed: let us start in January."})),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(agreed["status"], "agreed");

        let seen = json_of(
            api(
                &app,
                Method::GET,
                &format!("/api/v1/interests/{id}"),
                Some(&provider),
                None,
            )
            .await,
            200,
        )
        .await;
        assert_eq!(seen["side"], "interested");
        assert_eq!(seen["messages"].as_array().map(Vec::len), Some(3));
        assert_eq!(seen["messages"][1]["author"], "Demo editor");
        assert_eq!(seen["may"], json!(["write", "withdraw"]));
        let provider_told = json_of(
            api(
                &app,
                Method::GET,
                "/api/v1/notifications",
                Some(&provider),
                None,
            )
            .await,
            200,
        )
        .await;
        let kinds: Vec<&str> = provider_told["notifications"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|n| n["kind"].as_str())
            .collect();
        assert_eq!(
            kinds,
            ["interest-accepted", "message-received"],
            "newest first"
        );

        // The same conversation as a page, for the city's editor.
        let (email, password, ..) = mitra_service::DEMO_ACCOUNTS
            .iter()
            .find(|(email, ..)| email.starts_with("editor@"))
            .expect("editor");
        let browser = Browser::signed_in(&app, email, password).await;
        let page = browser.get(&app, &format!("/interests/{id}")).await;
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains("We make water-level sensors"), "{html}");
        assert!(!html.contains("provider@demo"), "no address on the page");
        let entry = browser.get(&app, &format!("/entries/{PROJECT}")).await;
        let html = entry.text().await.expect("html");
        assert!(
            html.contains(&format!("/interests/{id}")),
            "the opportunity lists its conversation"
        );
    }
}

#[tokio::test]
async fn interest_is_refused_where_it_cannot_go_with_a_short_clear_error() {
    let app = spawn_app_with(None, true).await;
    let member = demo_token(&app, "member").await;
    let practice = api(
        &app,
        Method::POST,
        "/api/v1/entries/asean-26/interests",
        Some(&member),
        Some(json!({"org": CITY, "message": "Hello."})),
    )
    .await;
    let problem = json_of(practice, 400).await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("projects, solutions and funding")),
        "{problem}"
    );

    let huge = "x".repeat(20_000);
    let too_long = api(
        &app,
        Method::POST,
        &format!("/api/v1/entries/{SOLUTION}/interests"),
        Some(&member),
        Some(json!({"org": CITY, "message": huge})),
    )
    .await;
    let status = too_long.status().as_u16();
    let text = too_long.text().await.expect("body");
    assert_eq!(status, 400, "{text}");
    assert!(
        text.len() < 1_000 && !text.contains("xxxxxxxxxx"),
        "the error does not echo the message: {text}"
    );

    let own = api(
        &app,
        Method::POST,
        &format!("/api/v1/entries/{PROJECT}/interests"),
        Some(&member),
        Some(json!({"org": CITY, "message": "Our own project."})),
    )
    .await;
    assert_eq!(
        own.status().as_u16(),
        400,
        "an organisation does not express interest in its own opportunity"
    );

    let anonymous = api(&app, Method::GET, "/api/v1/interests", None, None).await;
    assert_eq!(anonymous.status().as_u16(), 401);
    let unknown = api(
        &app,
        Method::GET,
        "/api/v1/interests/0193a4b5-c6d7-7e8f-9a0b-1c2d3e4f5000",
        Some(&member),
        None,
    )
    .await;
    assert_eq!(unknown.status().as_u16(), 404);
}

#[tokio::test]
async fn a_city_government_moved_to_another_city_waits_for_approval_before_it_expresses_interest_again()
 {
    let app = spawn_app_with(None, true).await;
    let member = demo_token(&app, "member").await;
    let admin = demo_token(&app, "org-admin").await;
    let moved = api(
        &app,
        Method::PUT,
        &format!("/api/v1/organisations/{CITY}"),
        Some(&admin),
        Some(json!({
            "name_en": "Demo organisation: Bangkok city government (example)", "country": "VN", "city": "hanoi",
            "description_en": "Moved."
        })),
    )
    .await;
    assert!(
        moved.status().is_success(),
        "{}",
        moved.text().await.unwrap_or_default()
    );
    let refused = api(
        &app,
        Method::POST,
        &format!("/api/v1/entries/{SOLUTION}/interests"),
        Some(&member),
        Some(json!({"org": CITY, "message": "Hello from our new city."})),
    )
    .await;
    assert_eq!(
        refused.status().as_u16(),
        403,
        "an organisation waiting for approval does not speak for anyone yet"
    );
}

#[tokio::test]
async fn of_an_acceptance_and_a_withdrawal_sent_at_once_one_is_kept_and_the_other_told_why_not() {
    for engine in Engine::configured() {
        let app = spawn_app_with(Some(engine), true).await;
        let provider = demo_token(&app, "provider").await;
        let editor = demo_token(&app, "editor").await;
        let created = api(
            &app,
            Method::POST,
            &format!("/api/v1/entries/{PROJECT}/interests"),
            Some(&provider),
            Some(json!({"org": PROVIDER, "message": "Sensors."})),
        )
        .await;
        let id = json_of(created, 201).await["interest"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let path = format!("/api/v1/interests/{id}/decision");
        let (accept, withdraw) = tokio::join!(
            api(
                &app,
                Method::POST,
                &path,
                Some(&editor),
                Some(json!({"decision": "accept"}))
            ),
            api(
                &app,
                Method::POST,
                &path,
                Some(&provider),
                Some(json!({"decision": "withdraw"}))
            ),
        );
        let statuses = (accept.status().as_u16(), withdraw.status().as_u16());
        let final_status = json_of(
            api(
                &app,
                Method::GET,
                &format!("/api/v1/interests/{id}"),
                Some(&provider),
                None,
            )
            .await,
            200,
        )
        .await["interest"]["status"]
            .clone();
        // Each decision is made on the status it read; the store keeps the first and refuses the other when the
        // status moved under it. Withdrawing an agreement is allowed (it ends the work), accepting a withdrawn
        // interest is not.
        let expected = match statuses {
            (200, 200) => "closed",
            (200, 409) => "agreed",
            (409, 200) => "closed",
            other => panic!("unexpected answers {other:?}"),
        };
        assert_eq!(final_status, expected, "{statuses:?}");
    }
}

#[tokio::test]
async fn notifications_are_mailed_at_once_or_in_a_digest_as_each_person_chose() {
    let app = spawn_app_with(None, true).await;
    let provider = demo_token(&app, "provider").await;
    let editor = demo_token(&app, "editor").await;
    let set = api(
        &app,
        Method::PUT,
        "/api/v1/account/notification-settings",
        Some(&editor),
        Some(json!({"mail": "immediately"})),
    )
    .await;
    assert_eq!(json_of(set, 200).await["mail"], "immediately");
    let bad = api(
        &app,
        Method::PUT,
        "/api/v1/account/notification-settings",
        Some(&editor),
        Some(json!({"mail": "hourly"})),
    )
    .await;
    assert_eq!(bad.status().as_u16(), 400);

    let before = app.mitra.recent_mail().len();
    json_of(
        api(
            &app,
            Method::POST,
            &format!("/api/v1/entries/{PROJECT}/interests"),
            Some(&provider),
            Some(json!({"org": PROVIDER, "message": "Sensors."})),
        )
        .await,
        201,
    )
    .await;
    let mail = app.mitra.recent_mail();
    let to_editor: Vec<_> = mail[before..]
        .iter()
        .filter(|m| m.to == "editor@demo.mitra.invalid")
        .collect();
    assert_eq!(
        to_editor.len(),
        1,
        "the editor, who asked for mail at once, got one"
    );
    assert!(
        to_editor[0]
            .body
            .contains("Demo organisation: solution provider (example)")
    );
    assert!(
        !to_editor[0].body.contains("provider@demo"),
        "no address of the other side"
    );
    // The organisation's admin kept the default: a daily digest, sent when mail is next due, once.
    assert!(
        mail[before..]
            .iter()
            .all(|m| m.to != "org-admin@demo.mitra.invalid")
    );
    let run = app.mitra.send_due_mail_now().await.expect("mail");
    assert!(run.mails >= 1);
    let digests = app
        .mitra
        .recent_mail()
        .into_iter()
        .filter(|m| m.to == "org-admin@demo.mitra.invalid")
        .count();
    assert_eq!(digests, 1);
    let again = app.mitra.send_due_mail_now().await.expect("mail");
    assert_eq!(again.mails, 0, "nothing new, nothing mailed");
}
