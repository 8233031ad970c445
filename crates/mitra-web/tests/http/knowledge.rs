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
    assert_eq!(first["kind"], "practice");
    let kinds = flood["facets"]
        .as_array()
        .expect("facets")
        .iter()
        .find(|f| f["dimension"] == "kind")
        .expect("kind facet");
    assert_eq!(kinds["values"][0]["value"], "practice");

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
        "67 entries take more than one page"
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
