//! Errors answer with the status that says what was wrong: a form that conflicts with stored data is a 4xx page
//! that says why (never a 500), and an API problem carries the exact status of what was wrong with the request.

use reqwest::Method;
use serde_json::{Value, json};

use crate::entries::multipart;
use crate::{Browser, TestApp, api, create_token, spawn_app_with};

const DEMO_ORG: &str = "demo-organisation-bangkok-city-government-example";

async fn demo_editor(app: &TestApp) -> Browser {
    let (email, password) = mitra_service::DEMO_ACCOUNTS
        .iter()
        .find(|(email, ..)| email.starts_with("editor@"))
        .map(|(e, p, ..)| (*e, *p))
        .expect("demo editor");
    Browser::signed_in(app, email, password).await
}

/// Asserts that `response` is a page (not a problem) with a 4xx `status` that contains `says`.
async fn assert_page(response: reqwest::Response, status: u16, says: &str, what: &str) {
    assert_eq!(response.status().as_u16(), status, "{what}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/html")),
        "{what}: a page"
    );
    let html = response.text().await.expect("page");
    assert!(html.contains(says), "{what}: {says}");
}

#[tokio::test]
async fn page_forms_that_conflict_with_stored_data_answer_4xx_saying_why() {
    let app = spawn_app_with(None, true).await;
    let editor = demo_editor(&app).await;

    // The same entry twice: its id (made from the title) is taken the second time.
    let practice = [
        ("org", DEMO_ORG),
        ("kind", "practice"),
        ("lang_0", "en"),
        ("origin_0", "original"),
        ("title_0", "Example: rain gardens on school grounds"),
        ("summary_0", "Schools keep storm water."),
    ];
    let first = editor.post(&app, "/entries/new", &practice).await;
    assert_eq!(first.status().as_u16(), 303);
    let again = editor.post(&app, "/entries/new", &practice).await;
    assert_page(
        again,
        422,
        "choose another id",
        "an entry whose id is taken",
    )
    .await;

    // The same file twice on one entry.
    let token = create_token(&app, &editor, "write").await;
    let created = api(
        &app,
        Method::POST,
        "/api/v1/entries",
        Some(&token),
        Some(json!({
            "org": DEMO_ORG,
            "entry": {"id": "bkk-flood-map", "texts": [{"lang": "en", "origin": "original", "title": "Flood map",
                      "summary": "The map."}], "year_from": 2021, "year_to": null, "details": {"kind": "practice"}}
        })),
    )
    .await;
    assert_eq!(created.status().as_u16(), 201);
    let csrf = editor.csrf.clone().unwrap_or_default();
    let send = || {
        let (content_type, body) = multipart(&csrf, "map.csv", b"district,depth\nBang Kapi,0.4\n");
        app.client
            .post(app.url("/entries/bkk-flood-map/files"))
            .header("content-type", content_type)
            .header("cookie", editor.cookie.clone().unwrap_or_default())
            .body(body)
            .send()
    };
    assert_eq!(send().await.expect("request").status().as_u16(), 303);
    assert_page(
        send().await.expect("request"),
        422,
        "already attached",
        "a file attached twice",
    )
    .await;
}

/// Sends `body` as `content_type` to `path` with `token`, and returns the status and the problem.
async fn problem(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: String,
) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url(path))
        .header("content-type", content_type)
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "{path}"
    );
    (status, response.json().await.expect("problem"))
}

#[tokio::test]
async fn api_problems_carry_the_exact_status_of_what_was_wrong_with_the_request() {
    let app = spawn_app_with(None, true).await;
    let editor = demo_editor(&app).await;
    let token = create_token(&app, &editor, "write").await;
    let organisation =
        json!({"kind": "startup", "name_en": "Acme Mobility", "country": "TH"}).to_string();

    let (status, body) = problem(
        &app,
        "/api/v1/organisations",
        Some(&token),
        "text/plain",
        organisation.clone(),
    )
    .await;
    assert_eq!(status, 415, "JSON sent as text: {body}");
    assert_eq!(body["type"], "/problems/unsupported-media-type");

    let huge = json!({"kind": "startup", "name_en": "x".repeat(2 * 1024 * 1024), "country": "TH"});
    let (status, body) = problem(
        &app,
        "/api/v1/organisations",
        Some(&token),
        "application/json",
        huge.to_string(),
    )
    .await;
    assert_eq!(status, 413, "a body over the limit: {body}");
    assert!(body["detail"].as_str().is_some_and(|d| d.contains("1 MiB")));

    let (status, body) = problem(
        &app,
        "/api/v1/organisations",
        Some(&token),
        "application/json",
        "{".into(),
    )
    .await;
    assert_eq!(status, 400, "malformed JSON: {body}");
    assert_eq!(body["parameter"], "body");

    // A country Mitra does not cover is refused naming the country, not taken for a name already in use.
    let elsewhere = json!({"kind": "startup", "name_en": "Acme Elsewhere", "country": "ZZ"});
    let (status, body) = problem(
        &app,
        "/api/v1/organisations",
        Some(&token),
        "application/json",
        elsewhere.to_string(),
    )
    .await;
    assert_eq!(status, 400, "an uncovered country: {body}");
    assert_eq!(body["parameter"], "country", "{body}");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("'ZZ'") && d.contains("TH")),
        "{body}"
    );

    let (status, body) = problem(
        &app,
        "/api/v1/observations",
        Some(&token),
        "text/csv",
        "city,indicator,year,value\nbangkok,iso37120-2014:8.1,2021,many\n".into(),
    )
    .await;
    assert_eq!(status, 422, "an import with a bad row: {body}");
    assert_eq!(body["errors"][0]["line"], 2, "{body}");

    let me = api(&app, Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(me.status().as_u16(), 401);
    let body: Value = me.json().await.expect("problem");
    assert_eq!(body["detail"], "sign in first");

    let withdrawn = api(
        &app,
        Method::DELETE,
        "/api/v1/entries/no-such-training/enrolment",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(withdrawn.status().as_u16(), 404);
}

/// Addresses and parameters that once tripped parsers elsewhere, kept as regression cases: every one is answered
/// with a 2xx or a 4xx, a 4xx is a JSON problem, and no answer repeats a long input whole.
#[tokio::test]
async fn odd_addresses_and_parameters_get_a_bounded_json_problem_never_a_server_error() {
    let app = spawn_app_with(None, true).await;
    let long = "é".repeat(3000);
    let cases = [
        "/api/v1/%FF%FE".to_owned(),
        "/api/v1/cities/%00".to_owned(),
        format!("/api/v1/cities/{long}"),
        "/api/v1/cities/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/api/v1/search?q=%FF%FE".to_owned(),
        format!("/api/v1/search?q={long}"),
        "/api/v1/search?q=a&limit=-1".to_owned(),
        "/api/v1/search?q=a&limit=99999999999999999999999".to_owned(),
        "/api/v1/search?q=a&offset=1e9".to_owned(),
        "/api/v1/search?q=%E0%B8".to_owned(),
        "/api/v1/search?%=%".to_owned(),
        format!("/api/v1/observations?cursor={long}"),
        "/api/v1/observations?limit=0".to_owned(),
        "/api/v1/opportunities?min_usd=1e999".to_owned(),
        "/api/v1/opportunities?closing_by=2026-02-30".to_owned(),
        "/api/v1/opportunities?open=perhaps".to_owned(),
        "/api/v1/entries/Not%20An%20Id".to_owned(),
        "/api/v1/suggest?q=%E2%80%8B%E3%80%80".to_owned(),
        format!("/api/v1/audit?actor={long}"),
        "/api/v1/rankings?indicator=%00&year=-2147483649".to_owned(),
        "/api/v1/partnerships?offset=9223372036854775808".to_owned(),
        "/api/v1/partnerships?offset=18446744073709551615".to_owned(),
    ];
    for path in cases {
        let response = app.get(&path).await;
        let status = response.status().as_u16();
        let shown: String = path.chars().take(60).collect();
        assert!(status < 500, "{shown}: {status}");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.text().await.expect("body");
        if status >= 400 {
            assert_eq!(content_type, "application/problem+json", "{shown}: {body}");
            let problem: serde_json::Value = serde_json::from_str(&body).expect("a JSON problem");
            assert_eq!(problem["status"], status, "{shown}");
            assert!(
                body.len() < 4_000,
                "{shown}: a problem of {} bytes",
                body.len()
            );
        }
    }
}
