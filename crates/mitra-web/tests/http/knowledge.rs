//! The knowledge exchange over HTTP: the search API and page, suggestions and entry pages, with their errors.

use crate::spawn_app_with;

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn the_search_api_finds_entries_in_any_language_with_facets_pages_and_clear_errors() {
    let app = spawn_app_with(None, true).await;
    let flood = app.get_json("/api/v1/search?q=flood", 200).await;
    assert!(flood["total"].as_u64().is_some_and(|n| n >= 1), "{flood}");
    let first = &flood["hits"][0];
    assert!(
        first["title_html"]
            .as_str()
            .is_some_and(|t| t.contains("<mark>")),
        "{first}"
    );
    assert!(
        first["kind"].as_str().is_some_and(|k| !k.is_empty()),
        "{first}"
    );
    let kinds = flood["facets"]
        .as_array()
        .expect("facets")
        .iter()
        .find(|f| f["dimension"] == "kind")
        .expect("kind facet");
    assert!(
        kinds["values"]
            .as_array()
            .expect("values")
            .iter()
            .any(|v| v["value"] == "practice"),
        "{kinds}"
    );

    let thai = app
        .get_json(&format!("/api/v1/search?q={}", encode("กรุงเทพ")), 200)
        .await;
    assert!(
        thai["total"].as_u64().is_some_and(|n| n >= 1),
        "a city's Thai name finds its entries: {thai}"
    );
    let chinese = app
        .get_json(
            &format!("/api/v1/search?q={}&lang=zh-Hans", encode("城市大脑")),
            200,
        )
        .await;
    assert_eq!(chinese["hits"][0]["lang"], "zh-Hans", "{chinese}");

    let filtered = app
        .get_json("/api/v1/search?country=CN&country=MY&limit=5&offset=5", 200)
        .await;
    assert_eq!(
        (filtered["offset"].as_u64(), filtered["limit"].as_u64()),
        (Some(5), Some(5))
    );
    assert!(filtered["hits"].as_array().expect("hits").len() <= 5);

    for (path, field) in [
        ("/api/v1/search?colour=red", "colour"),
        ("/api/v1/search?limit=0", "limit"),
        ("/api/v1/search?offset=many", "offset"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 400, "{path}");
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "{path}"
        );
        let problem: serde_json::Value = response.json().await.expect("problem");
        assert!(problem.to_string().contains(field), "{path}: {problem}");
    }

    let suggestions = app.get_json("/api/v1/search/suggest?q=bang", 200).await;
    assert!(
        suggestions["suggestions"]
            .as_array()
            .expect("list")
            .iter()
            .any(|s| s == "bangkok"),
        "{suggestions}"
    );

    let entry = app.get_json("/api/v1/entries/asean-26", 200).await;
    let texts = entry["entry"]["entry"]["texts"].as_array().expect("texts");
    assert!(
        texts
            .iter()
            .any(|t| t["lang"] == "th" && t["origin"] == "machine-translation"),
        "{entry}"
    );
    assert_eq!(
        app.get("/api/v1/entries/no-such-entry")
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        app.get("/api/v1/entries/Not%20An%20Id")
            .await
            .status()
            .as_u16(),
        400
    );
}

#[tokio::test]
async fn the_search_page_shows_hits_facets_pages_and_an_empty_state_and_entries_have_pages() {
    let app = spawn_app_with(None, true).await;
    let page = app.get_page("/search?q=flood", 200).await;
    assert!(page.contains("<mark>"), "words found are marked");
    assert!(
        page.contains("href=\"/entries/"),
        "hits link to their entries"
    );
    assert!(page.contains("id=\"facet-country\""), "facets are shown");
    let everything = app.get_page("/search", 200).await;
    assert!(
        everything.contains("rel=\"next\""),
        "72 entries take more than one page"
    );
    let second = app.get_page("/search?page=2", 200).await;
    assert!(second.contains("rel=\"prev\""));

    let nothing = app.get_page("/search?q=zzqxv", 200).await;
    assert!(
        nothing.contains("class=\"empty\""),
        "an empty result says so"
    );
    let hostile = app
        .get_page(
            &format!("/search?q={}", encode("<script>alert(1)</script>")),
            200,
        )
        .await;
    assert!(
        !hostile.contains("<script>alert(1)"),
        "the query is escaped"
    );

    let entry = app.get_page("/entries/asean-26", 200).await;
    assert!(
        entry.contains("rel=\"noopener noreferrer\""),
        "sources link out"
    );
    let thai = app.get_page("/entries/asean-26?in=th", 200).await;
    assert!(
        thai.contains("<article class=\"entry\" lang=\"th\">"),
        "the Thai text is shown when asked for"
    );
    let chinese = app.get_page("/entries/asean-26?lang=zh-Hans", 200).await;
    assert!(
        chinese.contains("lang=\"zh-Hans\""),
        "a Chinese reader gets the Chinese text"
    );
    assert!(
        chinese.contains("机器翻译"),
        "and is told it is a machine translation"
    );
    app.get_page("/entries/no-such-entry", 404).await;
}

#[tokio::test]
async fn an_organisations_editor_publishes_changes_and_deletes_an_entry_and_search_follows_at_once()
{
    use reqwest::Method;
    use serde_json::json;

    use crate::{Browser, api, create_token};

    let app = spawn_app_with(None, true).await;
    let (email, password) = mitra_service::DEMO_ACCOUNTS
        .iter()
        .find(|(email, ..)| email.starts_with("editor@"))
        .map(|(e, p, ..)| (*e, *p))
        .expect("demo editor");
    let browser = Browser::signed_in(&app, email, password).await;
    let token = create_token(&app, &browser, "write").await;
    let org = "demo-organisation-bangkok-city-government-example";
    let mut entry = json!({
        "id": "bkk-canal-sensors",
        "texts": [
            {"lang": "en", "origin": "original", "title": "Canal water-level sensors", "summary": "Sensors report canal levels every minute."},
            {"lang": "th", "origin": "human-translation", "title": "เซ็นเซอร์วัดระดับน้ำในคลอง", "summary": "เซ็นเซอร์รายงานระดับน้ำในคลองทุกนาที"}
        ],
        "cities": ["bangkok"],
        "challenges": ["water-pollution"],
        "year_from": 2025,
        "year_to": null,
        "details": {"kind": "project", "stage": "implementation", "needs": {"capital": {"amount": 2000000, "currency": "THB"}}}
    });
    let created = api(
        &app,
        Method::POST,
        "/api/v1/entries",
        Some(&token),
        Some(json!({"org": org, "entry": entry})),
    )
    .await;
    assert_eq!(created.status().as_u16(), 201);
    let found = app
        .get_json("/api/v1/search?q=canal+sensors&city=bangkok", 200)
        .await;
    assert_eq!(
        found["hits"][0]["id"], "bkk-canal-sensors",
        "a new entry is found by the next search"
    );
    let thai = app
        .get_json(&format!("/api/v1/search?q={}", encode("เซ็นเซอร์")), 200)
        .await;
    assert_eq!(thai["hits"][0]["id"], "bkk-canal-sensors");
    let facets = app.get_json("/api/v1/search?kind=project", 200).await;
    assert_eq!(facets["total"], 1);

    let again = api(
        &app,
        Method::POST,
        "/api/v1/entries",
        Some(&token),
        Some(json!({"org": org, "entry": entry})),
    )
    .await;
    assert_eq!(again.status().as_u16(), 409, "an id is published once");

    entry["texts"][0]["title"] = json!("Canal level telemetry");
    let updated = api(
        &app,
        Method::PUT,
        "/api/v1/entries/bkk-canal-sensors",
        Some(&token),
        Some(entry.clone()),
    )
    .await;
    assert_eq!(updated.status().as_u16(), 200);
    assert_eq!(
        app.get_json("/api/v1/search?q=canal+level+telemetry&city=bangkok", 200)
            .await["hits"][0]["id"],
        "bkk-canal-sensors"
    );

    entry["texts"][0]["title"] = json!("");
    let bad = api(
        &app,
        Method::PUT,
        "/api/v1/entries/bkk-canal-sensors",
        Some(&token),
        Some(entry.clone()),
    )
    .await;
    assert_eq!(bad.status().as_u16(), 400);
    let problem: serde_json::Value = bad.json().await.expect("problem");
    assert!(
        problem.to_string().contains("texts[0].title"),
        "the field is named: {problem}"
    );
    entry["texts"][0]["title"] = json!("Canal level telemetry");
    entry["cities"] = json!(["atlantis"]);
    let unknown = api(
        &app,
        Method::PUT,
        "/api/v1/entries/bkk-canal-sensors",
        Some(&token),
        Some(entry.clone()),
    )
    .await;
    assert_eq!(unknown.status().as_u16(), 400, "cities must be Mitra's");

    let demo = api(
        &app,
        Method::DELETE,
        "/api/v1/entries/asean-26",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        demo.status().as_u16(),
        403,
        "entries shipped with the platform are not an organisation's to delete"
    );
    let deleted = api(
        &app,
        Method::DELETE,
        "/api/v1/entries/bkk-canal-sensors",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(deleted.status().as_u16(), 204);
    let gone = app
        .get_json("/api/v1/search?q=canal+level+telemetry&city=bangkok", 200)
        .await;
    assert!(
        gone["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .all(|h| h["id"] != "bkk-canal-sensors"),
        "a deleted entry is gone from search"
    );
    app.get_json("/api/v1/entries/bkk-canal-sensors", 404).await;
}

#[tokio::test]
async fn a_search_exports_as_csv_and_json() {
    let app = spawn_app_with(None, true).await;
    let response = app.get("/search/export.csv?kind=event").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    let csv = response.text().await.expect("body");
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .expect("header")
            .starts_with("id,kind,lang,title,summary")
    );
    assert_eq!(lines.count(), 3, "the three example events: {csv}");
    let all = app.get_page("/search/export.csv", 200).await;
    assert_eq!(
        all.lines().count(),
        73,
        "every entry, past the page size of the API"
    );
    let json = app.get_json("/search/export.json?q=flood", 200).await;
    let entries = json["entries"].as_array().expect("entries");
    assert_eq!(json["total"].as_u64(), Some(entries.len() as u64));
    assert!(entries.iter().all(|e| e["entry"]["id"].is_string()));
}

#[tokio::test]
async fn feeds_give_a_search_as_atom_and_its_events_and_training_as_icalendar() {
    let app = spawn_app_with(None, true).await;
    let response = app.get("/feeds/calendar.ics").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/calendar")
    );
    let calendar = response.text().await.expect("body");
    assert!(calendar.starts_with("BEGIN:VCALENDAR\r\n") && calendar.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(
        calendar.matches("BEGIN:VEVENT").count(),
        5,
        "the demo's example events and training"
    );
    assert!(
        calendar.split("\r\n").all(|line| line.len() <= 75),
        "lines are folded at 75 octets"
    );
    assert!(
        calendar.contains("DTSTART:20270215T020000Z"),
        "09:00 in Bangkok is 02:00 UTC"
    );

    let response = app.get("/feeds/entries.atom?kind=event").await;
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/atom+xml")
    );
    let feed = response.text().await.expect("body");
    assert_eq!(feed.matches("<entry>").count(), 3);
    assert!(
        feed.contains("<title>Search the knowledge exchange · event</title>"),
        "{feed}"
    );
    let searched = app.get_page("/feeds/entries.atom?q=flood", 200).await;
    assert!(searched.matches("<entry>").count() >= 2);
    app.get_page("/feeds/entries.atom?page=first", 400).await;
    let page = app.get_page("/search?q=flood&kind=practice", 200).await;
    assert!(
        page.contains("href=\"/feeds/entries.atom?q=flood&#38;kind=practice\""),
        "the search page links its feed"
    );
}
