//! What an attacker or a careless file could do with text and exports: control characters and characters XML cannot
//! carry are refused where people type them, and exports opened in a spreadsheet run no formula.

use reqwest::Method;
use serde_json::json;

use crate::{api, demo_token, spawn_app_with};

#[tokio::test]
async fn names_with_control_characters_and_texts_xml_cannot_carry_are_refused() {
    let app = spawn_app_with(None, true).await;
    let member = demo_token(&app, "member").await;
    for (name, why) in [
        ("Acme\u{7} Mobility", "a bell"),
        ("Acme\nMobility", "a line break in a name"),
        ("Acme Mobility\u{FFFF}", "a character that is not text"),
    ] {
        let response = api(
            &app,
            Method::POST,
            "/api/v1/organisations",
            Some(&member),
            Some(json!({"kind": "startup", "name_en": name, "country": "TH", "description_en": "Rides."})),
        )
        .await;
        assert_eq!(response.status().as_u16(), 400, "{why}");
        let problem: serde_json::Value = response.json().await.expect("json");
        assert_eq!(problem["parameter"], "name_en", "{why}: {problem}");
    }
    let editor = demo_token(&app, "editor").await;
    let entry = json!({
        "id": "not-text", "cities": ["bangkok"], "year_from": 2024, "year_to": null,
        "texts": [{"lang": "en", "origin": "original", "title": "Sensors\u{FFFF}", "summary": "Sensors."}],
        "details": {"kind": "practice"}
    });
    let refused = api(
        &app,
        Method::POST,
        "/api/v1/entries",
        Some(&editor),
        Some(json!({"org": "demo-organisation-bangkok-city-government-example", "entry": entry})),
    )
    .await;
    assert_eq!(refused.status().as_u16(), 400);
    let feed = app.get("/feeds/entries.atom").await;
    assert_eq!(feed.status().as_u16(), 200, "the feed stays readable");
    let me = api(&app, Method::GET, "/api/v1/me", Some(&member), None).await;
    assert_eq!(
        me.headers()["cache-control"],
        "private, no-store",
        "an answer for one caller is kept by no shared cache"
    );
    assert!(
        app.get("/api/v1/cities")
            .await
            .headers()
            .get("cache-control")
            .is_none(),
        "public answers may be cached"
    );
}

#[tokio::test]
async fn csv_exports_defuse_cells_a_spreadsheet_would_run() {
    let app = spawn_app_with(None, true).await;
    let editor = demo_token(&app, "editor").await;
    let entry = json!({
        "id": "formula-title", "cities": ["bangkok"], "year_from": 2024, "year_to": null,
        "texts": [{"lang": "en", "origin": "original", "title": "=HYPERLINK(\"https://evil.example\",\"Sensors\")",
                   "summary": "+1 sensors in canals"}],
        "details": {"kind": "practice"}
    });
    let created = api(
        &app,
        Method::POST,
        "/api/v1/entries",
        Some(&editor),
        Some(json!({"org": "demo-organisation-bangkok-city-government-example", "entry": entry})),
    )
    .await;
    assert_eq!(created.status().as_u16(), 201);
    let csv = app
        .get("/search/export.csv?q=hyperlink")
        .await
        .text()
        .await
        .expect("csv");
    let row = csv
        .lines()
        .find(|l| l.starts_with("formula-title,"))
        .expect("the entry is exported");
    assert!(row.contains(",\"'=HYPERLINK("), "{row}");
    assert!(row.contains(",'+1 sensors in canals,"), "{row}");

    let admin = demo_token(&app, "admin").await;
    let saved = api(
        &app,
        Method::PUT,
        "/api/v1/crosswalk",
        Some(&admin),
        Some(
            json!({"from": "iso37120-2014:17.1", "to": "u4ssc:EC:ICT:ICT:1C", "relation": "related",
                    "basis": "derived", "source": "@SUM(1+1)*cmd", "note": "-2+3"}),
        ),
    )
    .await;
    assert_eq!(saved.status().as_u16(), 200);
    let crosswalk = app
        .get("/api/v1/crosswalk.csv")
        .await
        .text()
        .await
        .expect("csv");
    let row = crosswalk
        .lines()
        .find(|l| l.starts_with("iso37120-2014:17.1,"))
        .expect("the relation is exported");
    assert!(row.ends_with(",'-2+3,'@SUM(1+1)*cmd"), "{row}");
}

/// Reads from `stream` until the server closes it or `limit` passes; returns what it sent.
async fn until_closed(stream: &mut tokio::net::TcpStream, limit: std::time::Duration) -> String {
    use tokio::io::AsyncReadExt as _;
    let mut received = Vec::new();
    tokio::time::timeout(limit, stream.read_to_end(&mut received))
        .await
        .expect("the server closes a stalled connection")
        .ok();
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test]
async fn stalled_clients_do_not_keep_connections_open() {
    use tokio::io::AsyncWriteExt as _;
    let timeouts = mitra_web::Timeouts {
        header: std::time::Duration::from_millis(500),
        body: std::time::Duration::from_millis(500),
    };
    let app = crate::spawn_app_with_timeouts(None, true, timeouts).await;
    let limit = std::time::Duration::from_secs(10);
    // Connects and sends nothing.
    let mut silent = tokio::net::TcpStream::connect(app.address)
        .await
        .expect("connect");
    until_closed(&mut silent, limit).await;
    // Sends half a request head and stops.
    let mut half = tokio::net::TcpStream::connect(app.address)
        .await
        .expect("connect");
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    until_closed(&mut half, limit).await;
    // Promises a body and sends only part of it.
    let editor = demo_token(&app, "editor").await;
    let mut slow = tokio::net::TcpStream::connect(app.address)
        .await
        .expect("connect");
    slow.write_all(
        format!(
            "POST /api/v1/observations?dry_run=true HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {editor}\r\n\
             Content-Type: text/csv\r\nContent-Length: 1000\r\nConnection: close\r\n\r\ncity,indicator"
        )
        .as_bytes(),
    )
    .await
    .expect("write");
    let answer = until_closed(&mut slow, limit).await;
    assert!(
        answer.starts_with("HTTP/1.1 400"),
        "a body that stops arriving is a 400 naming it: {answer}"
    );
    assert!(answer.contains("did not arrive whole"), "{answer}");
}

#[tokio::test]
async fn suggestions_take_the_spaces_input_methods_type() {
    let app = spawn_app_with(None, true).await;
    for typed in ["%E6%99%BA%E6%85%A7%E3%80%80%E4%BA%A4", "H%C3%A0%C2%A0N"] {
        let answer = app
            .get_json(&format!("/api/v1/search/suggest?q={typed}"), 200)
            .await;
        assert!(answer["suggestions"].is_array(), "{answer}");
    }
}
