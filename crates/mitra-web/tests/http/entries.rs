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
async fn a_query_in_a_language_no_practice_is_written_in_finds_them_through_the_thesaurus() {
    let app = spawn_app_with(None, true).await;
    // Vietnamese "flood": Nanning's sponge-city practice is written in English and Chinese only.
    let flood = app
        .get_json(
            &format!(
                "/api/v1/search?q={}&lang=vi&kind=practice",
                encode("ngập lụt")
            ),
            200,
        )
        .await;
    let ids: Vec<&str> = flood["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    assert!(ids.contains(&"china-05"), "{ids:?}");
    let china05 = flood["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .find(|h| h["id"] == "china-05")
        .expect("china-05");
    assert_ne!(
        china05["lang"], "vi",
        "the hit says the language it is shown in"
    );
    assert!(
        flood["concepts"]
            .as_array()
            .expect("concepts")
            .iter()
            .any(|c| c["id"] == "flood" && c["labels"]["vi"].is_string()),
        "the concept the query was widened with, with its labels: {}",
        flood["concepts"]
    );
    // Thai "traffic" alone finds the entries that write the compound การจราจร.
    let traffic = app
        .get_json(&format!("/api/v1/search?q={}", encode("จราจร")), 200)
        .await;
    assert!(
        traffic["total"].as_u64().is_some_and(|n| n >= 5),
        "{}",
        traffic["total"]
    );
    // The page says what was added, in the reader's language, and where a hit is shown in another language.
    let page = app
        .get_page(&format!("/search?q={}&lang=vi", encode("ngập lụt")), 200)
        .await;
    assert!(
        page.contains("Đã tìm thêm bằng mọi ngôn ngữ"),
        "concepts named"
    );
    assert!(
        page.contains("class=\"lang-note\""),
        "the language shown is named"
    );
    // An entry's page names the concepts its texts name, each a search.
    let entry = app.get_page("/entries/china-05", 200).await;
    assert!(
        entry.contains("href=\"/search?q="),
        "concepts link to their search"
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
        "153 entries take more than one page"
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
async fn the_demo_opportunities_say_they_are_examples_where_they_come_from_and_when_that_was_read()
{
    let app = spawn_app_with(None, true).await;
    // 53 projects declared in 2018, 20 funding programmes and 6 documented solutions; one more project and one
    // more solution are the demo organisations' own examples.
    for (kind, count) in [("project", 54), ("funding", 20), ("solution", 7)] {
        let found = app
            .get_json(&format!("/api/v1/search?kind={kind}&limit=1"), 200)
            .await;
        assert_eq!(found["total"], count, "{kind}: {found}");
    }

    let fund = app.get_json("/api/v1/entries/fund-01", 200).await;
    let entry = &fund["entry"]["entry"];
    assert_eq!(entry["example"], true, "{entry}");
    assert_eq!(
        fund["entry"]["owner_org"],
        serde_json::Value::Null,
        "a platform entry"
    );
    assert_eq!(entry["sources"][0]["retrieved"], "2026-12-03", "{entry}");
    assert_eq!(
        entry["details"]["amount_max"],
        serde_json::Value::Null,
        "CDIA states no amount, so none is given"
    );
    let page = app.get_page("/entries/fund-01", 200).await;
    assert!(
        page.contains(
            "Example for the demonstration, not a current offer or call: from Cities Development Initiative for \
             Asia, Apply for Support, retrieved Dec 3, 2026."
        ),
        "{page}"
    );
    assert!(
        page.contains("(retrieved Dec 3, 2026)"),
        "each source says when it was read"
    );

    let project = app
        .get_page("/entries/scap-bangkok-1?lang=zh-Hans", 200)
        .await;
    assert!(
        project.contains("演示示例，并非当前的机会或征集"),
        "{project}"
    );
    assert!(project.contains("检索日期 2026-11"), "{project}");
    assert!(
        project.contains("并非当前的征集"),
        "the text says it is no current call"
    );

    let made_up = app
        .get_page("/entries/example-event-flood-exchange-visit", 200)
        .await;
    assert!(made_up.contains("Example made up for the demonstration"));
    let practice = app.get_page("/entries/asean-26", 200).await;
    assert!(
        !practice.contains("class=\"example-note\""),
        "a documented practice is no example"
    );
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
    let facets = app
        .get_json("/api/v1/search?kind=project&city=bangkok", 200)
        .await;
    assert_eq!(
        facets["total"], 4,
        "Bangkok's two projects of its 2018 plan, the demo city government's example project, and the new one"
    );

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
        154,
        "every entry (153) and the header, past the page size of the API"
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

/// The fields of a valid event, as the browser form sends them.
fn event_form(id: &str) -> Vec<(&'static str, String)> {
    [
        ("org", "demo-organisation-bangkok-city-government-example"),
        ("kind", "event"),
        ("id", id),
        ("lang_0", "en"),
        ("origin_0", "original"),
        ("title_0", "Example: river-front walking tour"),
        ("summary_0", "A walk along the restored river front."),
        ("body_0", ""),
        ("lang_1", "zh-Hans"),
        ("origin_1", "human-translation"),
        ("title_1", ""),
        ("summary_1", ""),
        ("body_1", ""),
        ("cities", "bangkok"),
        ("challenges", "loss-of-green-areas"),
        ("challenges", "lack-of-mobility"),
        ("event_kind", "cultural"),
        ("starts", "2027-02-03T16:00"),
        ("ends", "2027-02-03T18:30"),
        ("timezone", "Asia/Bangkok"),
        ("place", "Chao Phraya pier 3"),
        ("example", "on"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

fn with(
    form: &[(&'static str, String)],
    field: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    let mut changed: Vec<(&'static str, String)> =
        form.iter().filter(|(k, _)| *k != field).cloned().collect();
    changed.push((field, value.to_owned()));
    changed
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn an_editor_publishes_edits_and_deletes_an_entry_through_the_forms_and_bad_input_names_its_field()
 {
    use crate::Browser;

    let app = spawn_app_with(None, true).await;
    assert_eq!(
        app.get("/entries/new").await.status().as_u16(),
        401,
        "only signed-in people publish"
    );
    let (email, password) = mitra_service::DEMO_ACCOUNTS
        .iter()
        .find(|(email, ..)| email.starts_with("editor@"))
        .map(|(e, p, ..)| (*e, *p))
        .expect("demo editor");
    let browser = Browser::signed_in(&app, email, password).await;

    let kinds = browser
        .get(&app, "/entries/new")
        .await
        .text()
        .await
        .expect("page");
    for kind in ["practice", "project", "funding", "training", "event"] {
        assert!(
            kinds.contains(&format!("/entries/new?kind={kind}")),
            "{kind}"
        );
    }
    let form_page = browser
        .get(&app, "/entries/new?kind=event")
        .await
        .text()
        .await
        .expect("form");
    assert!(
        form_page.contains(
            r#"<option value="demo-organisation-bangkok-city-government-example" selected>"#
        ),
        "the editor's organisation is offered"
    );
    assert!(
        form_page.contains(r#"id="f-timezone""#)
            && form_page.contains(r#"<label for="f-timezone">"#)
    );
    assert!(
        !form_page.contains(r#"id="f-seats""#),
        "only the event's own fieldset is shown"
    );
    assert_eq!(
        browser
            .get(&app, "/entries/new?kind=poem")
            .await
            .status()
            .as_u16(),
        400
    );

    let good = event_form("bkk-river-walk");
    let cases: [(&'static str, &str, &str); 10] = [
        ("title_0", "", "is required"),
        ("timezone", "Mars/Olympus", "IANA time zone"),
        ("ends", "2027-02-03T15:00", "before starts"),
        ("year_from", "20x5", "not a whole number"),
        (
            "cities",
            "bangkok, atlantis",
            "atlantis&#39; is not a city Mitra knows",
        ),
        ("id", "Bad Id!", "not an entry id"),
        ("sdgs", "11, 18", "Sustainable Development Goal"),
        (
            "sources",
            "Programme | ftp://example.org/x",
            "http(s) address",
        ),
        (
            "origin_0",
            "human-translation",
            "exactly one text must be the original",
        ),
        ("event_kind", "party", "is not one of"),
    ];
    for (field, value, message) in cases {
        let mut sent = with(&good, field, value);
        let expected_field = if field == "origin_0" {
            "origin_0"
        } else {
            field
        };
        if field == "title_0" {
            sent = with(&sent, "summary_0", "Still here.");
        }
        let response = browser.post(&app, "/entries/new", &pairs(&sent)).await;
        assert_eq!(response.status().as_u16(), 422, "{field}={value}");
        let html = response.text().await.expect("page");
        assert!(
            html.contains(&format!(r##"href="#f-{expected_field}""##)),
            "the summary links to {expected_field}: {}",
            &html[html.find("error-summary").unwrap_or(0)..][..600.min(html.len())]
        );
        assert!(html.contains(message), "{field}: {message}");
        assert!(
            html.contains("Chao Phraya pier 3"),
            "what was typed is kept ({field})"
        );
    }
    let refused = browser
        .post(
            &app,
            "/entries/new",
            &pairs(&with(&good, "csrf_token", "forged")),
        )
        .await;
    assert_eq!(refused.status().as_u16(), 403, "a forged form is refused");
    app.get_json("/api/v1/entries/bkk-river-walk", 404).await;

    let created = browser.post(&app, "/entries/new", &pairs(&good)).await;
    assert_eq!(created.status().as_u16(), 303);
    assert_eq!(
        created.headers()["location"],
        "/entries/bkk-river-walk?done=entry-created"
    );
    let page = browser
        .get(&app, "/entries/bkk-river-walk")
        .await
        .text()
        .await
        .expect("entry");
    for shown in [
        "Cultural event",
        "2027-02-03 16:00 (Asia/Bangkok)",
        "Chao Phraya pier 3",
        "/entries/bkk-river-walk/edit",
    ] {
        assert!(page.contains(shown), "the entry page shows {shown}");
    }
    let stored = app.get_json("/api/v1/entries/bkk-river-walk", 200).await;
    assert_eq!(
        stored["entry"]["entry"]["challenges"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{stored}"
    );
    assert_eq!(stored["entry"]["entry"]["example"], true);
    let taken = browser.post(&app, "/entries/new", &pairs(&good)).await;
    assert_eq!(taken.status().as_u16(), 422, "an id is published once");
    assert!(
        taken
            .text()
            .await
            .expect("page")
            .contains(r##"href="#f-id""##)
    );

    let edit = browser
        .get(&app, "/entries/bkk-river-walk/edit")
        .await
        .text()
        .await
        .expect("edit form");
    assert!(
        edit.contains(r#"value="Example: river-front walking tour""#),
        "the form is filled in"
    );
    assert!(edit.contains(r#"value="2027-02-03T16:00""#));
    let renamed = with(&good, "title_0", "Example: river-front heritage walk");
    let saved = browser
        .post(&app, "/entries/bkk-river-walk/edit", &pairs(&renamed))
        .await;
    assert_eq!(saved.status().as_u16(), 303);
    let found = app.get_json("/api/v1/search?q=heritage+walk", 200).await;
    assert_eq!(
        found["hits"][0]["id"], "bkk-river-walk",
        "the edit is searchable at once"
    );

    let anonymous = app.get("/entries/bkk-river-walk/edit").await;
    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(
        browser
            .get(&app, "/entries/asean-26/edit")
            .await
            .status()
            .as_u16(),
        403,
        "entries shipped with the platform are not an organisation's to edit"
    );
    let deleted = browser
        .post(&app, "/entries/bkk-river-walk/delete", &[("confirm", "on")])
        .await;
    assert_eq!(deleted.status().as_u16(), 303);
    app.get_json("/api/v1/entries/bkk-river-walk", 404).await;
}

#[tokio::test]
async fn a_practice_shows_its_evidence_and_a_project_its_readiness() {
    use crate::Browser;

    let app = spawn_app_with(None, true).await;
    let (email, password) = mitra_service::DEMO_ACCOUNTS
        .iter()
        .find(|(email, ..)| email.starts_with("editor@"))
        .map(|(e, p, ..)| (*e, *p))
        .expect("demo editor");
    let browser = Browser::signed_in(&app, email, password).await;
    let practice: Vec<(&str, &str)> = vec![
        ("org", "demo-organisation-bangkok-city-government-example"),
        ("kind", "practice"),
        ("lang_0", "en"),
        ("origin_0", "original"),
        ("title_0", "Example: bus lanes and air quality"),
        ("summary_0", "Dedicated bus lanes."),
        ("evidence_0_indicator", "iso37120-2014:8.1"),
        ("evidence_0_before_year", "2018"),
        ("evidence_0_before_value", "ten"),
        ("evidence_0_after_year", "2021"),
        ("evidence_0_after_value", "31.5"),
    ];
    let bad = browser.post(&app, "/entries/new", &practice).await;
    assert_eq!(bad.status().as_u16(), 422);
    let html = bad.text().await.expect("page");
    assert!(html.contains(r##"href="#f-evidence_0_before_value""##));
    assert!(
        html.contains("Value before"),
        "the summary names the field as the form does"
    );
    let fixed: Vec<(&str, &str)> = practice
        .iter()
        .map(|&(k, v)| {
            if k == "evidence_0_before_value" {
                (k, "38")
            } else {
                (k, v)
            }
        })
        .collect();
    let created = browser.post(&app, "/entries/new", &fixed).await;
    assert_eq!(
        created.status().as_u16(),
        303,
        "the id is made from the title"
    );
    let location = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        location.starts_with("/entries/example-bus-lanes-and-air-quality?"),
        "{location}"
    );
    let page = browser
        .get(&app, "/entries/example-bus-lanes-and-air-quality")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("<caption>Evidence: indicators before and after</caption>"));
    assert!(
        page.contains(r#"<td class="num">38</td>"#)
            && page.contains(r#"<td class="num">31.5</td>"#)
    );

    let project: Vec<(&str, &str)> = vec![
        ("org", "demo-organisation-bangkok-city-government-example"),
        ("kind", "project"),
        ("id", "bkk-flood-pumps"),
        ("lang_0", "en"),
        ("origin_0", "original"),
        ("title_0", "Example: flood pumps"),
        ("summary_0", "Pumps for the eastern districts."),
        ("stage", "feasibility"),
        ("capital_amount", "12000000"),
        ("capital_currency", ""),
        ("readiness", "in-city-plan"),
        ("readiness", "cost-estimate"),
    ];
    let no_currency = browser.post(&app, "/entries/new", &project).await;
    assert_eq!(no_currency.status().as_u16(), 422);
    assert!(
        no_currency
            .text()
            .await
            .expect("page")
            .contains(r##"href="#f-capital_currency""##)
    );
    let project: Vec<(&str, &str)> = project
        .iter()
        .map(|&(k, v)| {
            if k == "capital_currency" {
                (k, "usd")
            } else {
                (k, v)
            }
        })
        .collect();
    assert_eq!(
        browser
            .post(&app, "/entries/new", &project)
            .await
            .status()
            .as_u16(),
        303
    );
    let page = browser
        .get(&app, "/entries/bkk-flood-pumps")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("$12,000,000.00"),
        "capital sought is shown as an amount of dollars, its digits grouped"
    );
    assert!(
        page.contains("2/8: In the city&#39;s development plan; Costs estimated")
            || page.contains("2/8: In the city&#x27;s development plan; Costs estimated"),
        "readiness is shown"
    );
}

#[tokio::test]
async fn entries_import_through_the_api_all_or_nothing_with_every_bad_row_named() {
    use crate::demo_token;

    let app = spawn_app_with(None, true).await;
    let editor = demo_token(&app, "editor").await;
    let member = demo_token(&app, "member").await;
    let org = "demo-organisation-bangkok-city-government-example";
    let header = "id,kind,lang,origin,title,summary,cities,challenges,year_from,source_title,source_url,details";
    let good = format!(
        "{header}\n\
         bkk-canal-boats,project,en,,Electric canal boats,Electric boats on Saen Saep canal.,bangkok,air-pollution,2024,,,\"{{\"\"stage\"\": \"\"implementation\"\"}}\"\n\
         bkk-canal-boats,,th,human-translation,เรือไฟฟ้าในคลอง,เรือไฟฟ้าในคลองแสนแสบ,,,,,,\n\
         bkk-green-roofs,practice,en,,Green roofs,Roof gardens on city buildings.,กรุงเทพมหานคร,loss-of-green-areas,2019,,,\n"
    );
    let bad = format!(
        "{header}\n\
         bkk-canal-boats,project,en,,Electric canal boats,Electric boats.,atlantis,,2024,,,\"{{\"\"stage\"\": \"\"implementation\"\"}}\"\n\
         bkk-green-roofs,practise,en,,Green roofs,Roof gardens.,bangkok,,2019,,,\n"
    );
    let post = |path: String, token: Option<String>, body: String| {
        let app = &app;
        async move {
            let mut request = app
                .client
                .post(app.url(&path))
                .header("content-type", "text/csv")
                .body(body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send().await.expect("request")
        }
    };
    let path = format!("/api/v1/entries/import?org={org}");

    let refused = post(path.clone(), Some(editor.clone()), bad).await;
    assert_eq!(refused.status().as_u16(), 422);
    let problem: serde_json::Value = refused.json().await.expect("problem");
    let rows = problem["errors"].as_array().expect("errors");
    assert!(
        rows.iter()
            .any(|r| r["line"] == 2 && r["column"] == "cities"),
        "{problem}"
    );
    assert!(
        rows.iter().any(|r| r["line"] == 3 && r["column"] == "kind"),
        "{problem}"
    );
    app.get_json("/api/v1/entries/bkk-canal-boats", 404).await;

    let dry = post(
        format!("{path}&dry_run=true"),
        Some(editor.clone()),
        good.clone(),
    )
    .await;
    assert_eq!(dry.status().as_u16(), 200);
    let dry: serde_json::Value = dry.json().await.expect("report");
    assert_eq!(
        (dry["entries"].as_u64(), dry["dry_run"].as_bool()),
        (Some(2), Some(true))
    );
    app.get_json("/api/v1/entries/bkk-canal-boats", 404).await;

    assert_eq!(
        post(path.clone(), Some(member), good.clone())
            .await
            .status()
            .as_u16(),
        403,
        "members do not publish for the organisation"
    );
    assert_eq!(
        post(path.clone(), None, good.clone())
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        post(
            "/api/v1/entries/import".into(),
            Some(editor.clone()),
            good.clone()
        )
        .await
        .status()
        .as_u16(),
        403,
        "without an organisation the entries would be the platform's own"
    );
    assert_eq!(
        post(
            format!("{path}&dry_run=perhaps"),
            Some(editor.clone()),
            good.clone()
        )
        .await
        .status()
        .as_u16(),
        400
    );

    let done = post(path.clone(), Some(editor.clone()), good.clone()).await;
    assert_eq!(done.status().as_u16(), 200);
    let done: serde_json::Value = done.json().await.expect("report");
    assert_eq!(done["inserted"], 2, "{done}");
    assert_eq!(
        done["status"], "approved",
        "the organisation is approved, so they are public"
    );
    let found = app
        .get_json(&format!("/api/v1/search?q={}", encode("เรือไฟฟ้า")), 200)
        .await;
    assert_eq!(found["hits"][0]["id"], "bkk-canal-boats");
    let roofs = app.get_json("/api/v1/entries/bkk-green-roofs", 200).await;
    assert_eq!(
        roofs["entry"]["entry"]["cities"][0], "bangkok",
        "a city named in Thai is Bangkok"
    );
    let again: serde_json::Value = post(path, Some(editor), good)
        .await
        .json()
        .await
        .expect("report");
    assert_eq!(
        (again["unchanged"].as_u64(), again["replaced"].as_u64()),
        (Some(2), Some(2))
    );
}

#[tokio::test]
async fn members_enrol_in_training_and_the_waiting_list_moves_up_when_a_seat_is_freed() {
    use reqwest::Method;
    use serde_json::json;

    use crate::{Browser, api, create_token};

    let app = spawn_app_with(None, true).await;
    let mut tokens = std::collections::HashMap::new();
    let mut browsers = std::collections::HashMap::new();
    for who in ["editor", "member", "verifier", "org-admin"] {
        let (email, password) = mitra_service::DEMO_ACCOUNTS
            .iter()
            .find(|(email, ..)| email.starts_with(&format!("{who}@")))
            .map(|(e, p, ..)| (*e, *p))
            .expect("demo account");
        let browser = Browser::signed_in(&app, email, password).await;
        tokens.insert(who, create_token(&app, &browser, "write").await);
        browsers.insert(who, browser);
    }
    let training = |id: &str, ends: &str| {
        json!({
            "org": "demo-organisation-bangkok-city-government-example",
            "entry": {
                "id": id,
                "texts": [{"lang": "en", "origin": "original", "title": "Example: drainage modelling course", "summary": "Two seats."}],
                "year_from": null, "year_to": null, "example": true,
                "details": {"kind": "training", "provider": "Example institute", "topic": "Drainage", "format": "online",
                            "language": "en", "starts": {"at": "2001-01-08T09:00", "timezone": "Asia/Bangkok"},
                            "ends": {"at": ends, "timezone": "Asia/Bangkok"}, "seats": 2}
            }
        })
    };
    for (id, ends) in [
        ("drainage-course", "2099-12-31T17:00"),
        ("old-course", "2001-01-09T17:00"),
    ] {
        let created = api(
            &app,
            Method::POST,
            "/api/v1/entries",
            Some(&tokens["editor"]),
            Some(training(id, ends)),
        )
        .await;
        assert_eq!(created.status().as_u16(), 201);
    }
    let path = "/api/v1/entries/drainage-course/enrolment";
    assert_eq!(
        api(&app, Method::PUT, path, None, None)
            .await
            .status()
            .as_u16(),
        401
    );
    let mut standings = Vec::new();
    for who in ["member", "verifier", "org-admin"] {
        let response = api(&app, Method::PUT, path, Some(&tokens[who]), None).await;
        assert_eq!(response.status().as_u16(), 200, "{who}");
        let body: serde_json::Value = response.json().await.expect("json");
        standings.push((body["standing"].clone(), body["waiting_place"].clone()));
    }
    assert_eq!(
        standings,
        [
            (json!("seat"), serde_json::Value::Null),
            (json!("seat"), serde_json::Value::Null),
            (json!("waiting"), json!(1))
        ]
    );
    let again: serde_json::Value = api(&app, Method::PUT, path, Some(&tokens["member"]), None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (
            again["standing"].as_str(),
            again["taken"].as_u64(),
            again["waiting"].as_u64()
        ),
        (Some("seat"), Some(2), Some(1)),
        "enrolling again keeps the place"
    );

    let page = browsers["org-admin"]
        .get(&app, "/entries/drainage-course")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("number 1 in line"),
        "the waiting list shows its place"
    );
    assert!(page.contains("/entries/drainage-course/enrolment/withdraw"));

    let withdrawn = browsers["member"]
        .post(&app, "/entries/drainage-course/enrolment/withdraw", &[])
        .await;
    assert_eq!(withdrawn.status().as_u16(), 303);
    let moved: serde_json::Value = app
        .client
        .get(app.url(path))
        .bearer_auth(&tokens["org-admin"])
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(
        moved["standing"], "seat",
        "the first in line takes the freed seat: {moved}"
    );
    assert_eq!(
        api(&app, Method::DELETE, path, Some(&tokens["member"]), None)
            .await
            .status()
            .as_u16(),
        404,
        "not enrolled any more"
    );

    let list = api(
        &app,
        Method::GET,
        "/api/v1/entries/drainage-course/enrolments",
        Some(&tokens["editor"]),
        None,
    )
    .await;
    assert_eq!(list.status().as_u16(), 200);
    let list: serde_json::Value = list.json().await.expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
    assert_eq!(list[0]["email"], "verifier@demo.mitra.invalid");
    assert_eq!(
        api(
            &app,
            Method::GET,
            "/api/v1/entries/drainage-course/enrolments",
            Some(&tokens["member"]),
            None
        )
        .await
        .status()
        .as_u16(),
        403,
        "only the organisers see who enrolled"
    );
    let organiser_page = browsers["editor"]
        .get(&app, "/entries/drainage-course")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        organiser_page.contains("verifier@demo.mitra.invalid"),
        "the organiser's page lists who enrolled"
    );

    let enrolled = browsers["member"]
        .post(&app, "/entries/drainage-course/enrolment", &[])
        .await;
    assert_eq!(enrolled.status().as_u16(), 303);
    let page = browsers["member"]
        .get(&app, "/entries/drainage-course")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("number 1 in line"),
        "a new enrolment joins the end of the list"
    );

    let ended = api(
        &app,
        Method::PUT,
        "/api/v1/entries/old-course/enrolment",
        Some(&tokens["member"]),
        None,
    )
    .await;
    assert_eq!(
        ended.status().as_u16(),
        400,
        "an ended training takes no enrolments"
    );
    let practice = api(
        &app,
        Method::PUT,
        "/api/v1/entries/asean-26/enrolment",
        Some(&tokens["member"]),
        None,
    )
    .await;
    assert_eq!(
        practice.status().as_u16(),
        404,
        "only training takes enrolments: a practice has none"
    );
}

/// A `multipart/form-data` body as a browser sends it: the CSRF token and one file.
pub(crate) fn multipart(csrf: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----mitra-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn editors_attach_files_of_the_accepted_kinds_and_size_and_readers_download_them() {
    use reqwest::Method;
    use serde_json::json;

    use crate::{Browser, api, create_token};

    let app = spawn_app_with(None, true).await;
    let sign_in = |prefix: &'static str| {
        let app = &app;
        async move {
            let (email, password) = mitra_service::DEMO_ACCOUNTS
                .iter()
                .find(|(email, ..)| email.starts_with(prefix))
                .map(|(e, p, ..)| (*e, *p))
                .expect("demo account");
            Browser::signed_in(app, email, password).await
        }
    };
    let editor = sign_in("editor@").await;
    let token = create_token(&app, &editor, "write").await;
    let member_token = create_token(&app, &sign_in("member@").await, "write").await;
    let created = api(&app, Method::POST, "/api/v1/entries", Some(&token), Some(json!({
        "org": "demo-organisation-bangkok-city-government-example",
        "entry": {"id": "bkk-drainage-report", "texts": [{"lang": "en", "origin": "original", "title": "Drainage report", "summary": "The report."}],
                  "year_from": 2020, "year_to": null, "details": {"kind": "practice"}}
    }))).await;
    assert_eq!(created.status().as_u16(), 201);

    let upload = |name: &str, bytes: Vec<u8>, token: Option<&str>| {
        let mut request = app
            .client
            .post(app.url(&format!(
                "/api/v1/entries/bkk-drainage-report/attachments?name={}",
                encode(name)
            )))
            .body(bytes);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let pdf = b"%PDF-1.7\n% a small report\n".to_vec();
    let added = upload("排水报告 2020.pdf", pdf.clone(), Some(&token))
        .await
        .expect("request");
    assert_eq!(added.status().as_u16(), 201);
    let added: serde_json::Value = added.json().await.expect("json");
    assert_eq!(added["content_type"], "application/pdf");
    let href = added["href"].as_str().expect("href").to_owned();
    let sha = added["sha256"].as_str().expect("sha").to_owned();
    let stored_file = app.files_dir().join(&sha);
    assert!(
        stored_file.exists(),
        "the bytes are kept in the data directory"
    );

    let download = app.get(&href).await;
    assert_eq!(download.status().as_u16(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .expect("header")
            .contains("filename*=UTF-8''%E6%8E%92%E6%B0%B4%E6%8A%A5%E5%91%8A%202020.pdf")
    );
    assert_eq!(download.bytes().await.expect("bytes").to_vec(), pdf);

    for (name, bytes, status, says) in [
        (
            "tool.exe",
            b"MZ\x90\x00\x03".to_vec(),
            400,
            "not one of the accepted kinds",
        ),
        (
            "page.html",
            b"<script>alert(1)</script>".to_vec(),
            400,
            "not one of the accepted kinds",
        ),
        ("empty.pdf", Vec::new(), 400, "empty"),
        ("../../etc/passwd.txt", b"root".to_vec(), 400, "file name"),
        ("again.pdf", pdf.clone(), 409, "already attached"),
    ] {
        let response = upload(name, bytes, Some(&token)).await.expect("request");
        assert_eq!(response.status().as_u16(), status, "{name}");
        let problem = response.text().await.expect("problem");
        assert!(problem.contains(says), "{name}: {problem}");
    }
    let mut huge = b"%PDF-1.7\n".to_vec();
    huge.resize(mitra_service::MAX_ATTACHMENT_BYTES + 1, b' ');
    assert_eq!(
        upload("huge.pdf", huge, Some(&token))
            .await
            .expect("request")
            .status()
            .as_u16(),
        413
    );
    assert_eq!(
        upload("x.pdf", b"%PDF-1.4 member".to_vec(), Some(&member_token))
            .await
            .expect("request")
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        upload("x.pdf", b"%PDF-1.4 nobody".to_vec(), None)
            .await
            .expect("request")
            .status()
            .as_u16(),
        401
    );

    // The browser form.
    let csv = "district,flooded streets\nBang Kapi,12\n".as_bytes();
    let send = |csrf: &str, name: &str, bytes: &[u8]| {
        let (content_type, body) = multipart(csrf, name, bytes);
        app.client
            .post(app.url("/entries/bkk-drainage-report/files"))
            .header("content-type", content_type)
            .header("cookie", editor.cookie.clone().unwrap_or_default())
            .body(body)
            .send()
    };
    let csrf = editor.csrf.clone().unwrap_or_default();
    let refused = send(&csrf, "macro.xlsm", b"PK\x03\x04 not really")
        .await
        .expect("request");
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.expect("page");
    assert!(page.contains(r##"href="#f-file""##) && page.contains("not one of the accepted kinds"));
    assert_eq!(
        send("forged", "districts.csv", csv)
            .await
            .expect("request")
            .status()
            .as_u16(),
        403
    );
    let sent = send(&csrf, "districts.csv", csv).await.expect("request");
    assert_eq!(sent.status().as_u16(), 303);
    let mut scan = b"%PDF-1.7\n".to_vec();
    scan.resize(3 * 1024 * 1024, b'0');
    assert_eq!(
        send(&csrf, "scan.pdf", &scan)
            .await
            .expect("request")
            .status()
            .as_u16(),
        303,
        "the form takes files beyond the 1 MiB limit of other forms"
    );
    scan.resize(mitra_service::MAX_ATTACHMENT_BYTES + 100 * 1024, b'0');
    assert_eq!(
        send(&csrf, "too-big.pdf", &scan)
            .await
            .expect("request")
            .status()
            .as_u16(),
        413,
        "but not beyond 10 MiB"
    );
    let page = app.get_page("/entries/bkk-drainage-report", 200).await;
    assert!(
        page.contains("districts.csv") && page.contains("排水报告 2020.pdf"),
        "readers see the files"
    );
    assert!(
        page.contains(&format!("CSV, {} bytes", csv.len())),
        "with kind and size"
    );

    let listed = app
        .get_json("/api/v1/entries/bkk-drainage-report/attachments", 200)
        .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(3));
    let removed = editor
        .post(
            &app,
            &format!("/entries/bkk-drainage-report/files/{sha}/delete"),
            &[],
        )
        .await;
    assert_eq!(removed.status().as_u16(), 303);
    assert!(!stored_file.exists(), "a file no entry shows is deleted");
    assert_eq!(app.get(&href).await.status().as_u16(), 404);
    let csv_sha = app
        .get_json("/api/v1/entries/bkk-drainage-report/attachments", 200)
        .await[0]["sha256"]
        .as_str()
        .expect("sha")
        .to_owned();
    let deleted = api(
        &app,
        Method::DELETE,
        "/api/v1/entries/bkk-drainage-report",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(deleted.status().as_u16(), 204);
    assert!(
        !app.files_dir().join(csv_sha).exists(),
        "deleting the entry deletes its files"
    );
}

#[tokio::test]
async fn entries_of_an_organisation_not_yet_approved_wait_for_a_platform_admin() {
    use reqwest::Method;
    use serde_json::json;

    use crate::{Browser, api, create_token};

    let app = spawn_app_with(None, true).await;
    let account = |prefix: &'static str| {
        mitra_service::DEMO_ACCOUNTS
            .iter()
            .find(|(email, ..)| email.starts_with(prefix))
            .map(|(e, p, ..)| (*e, *p))
            .expect("demo account")
    };
    let (email, password) = account("member@");
    let author = Browser::signed_in(&app, email, password).await;
    let registered = author
        .post(
            &app,
            "/organisations/new",
            &[
                ("kind", "startup"),
                ("name_en", "Example flood sensing start-up"),
                ("country", "TH"),
                ("description_en", "Sensors."),
            ],
        )
        .await;
    assert_eq!(registered.status().as_u16(), 303);
    let org = registered.headers()["location"]
        .to_str()
        .expect("location")
        .trim_start_matches("/organisations/")
        .split('?')
        .next()
        .expect("id")
        .to_owned();
    // The session now carries the new membership.
    let author = Browser::signed_in(&app, email, password).await;
    let form = author
        .get(&app, "/entries/new?kind=solution")
        .await
        .text()
        .await
        .expect("form");
    assert!(
        form.contains(&format!(r#"<option value="{org}" selected>"#)),
        "the author's organisation is offered"
    );
    let sent = author
        .post(
            &app,
            "/entries/new",
            &[
                ("org", org.as_str()),
                ("kind", "solution"),
                ("id", "flood-sensor-kit"),
                ("lang_0", "en"),
                ("origin_0", "original"),
                ("title_0", "Example: low-cost flood sensor kit"),
                ("summary_0", "Water-level sensors for canals."),
                ("provider", "Example flood sensing start-up"),
                ("maturity", "pilot"),
            ],
        )
        .await;
    assert_eq!(sent.status().as_u16(), 303);
    assert_eq!(
        sent.headers()["location"],
        "/entries/flood-sensor-kit?done=entry-submitted"
    );
    assert_hidden(&app).await;
    let own = author.get(&app, "/entries/flood-sensor-kit").await;
    assert_eq!(own.status().as_u16(), 200, "its authors see it");
    assert!(own.text().await.expect("page").contains("waits for review"));

    let (email, password) = account("admin@");
    let admin = Browser::signed_in(&app, email, password).await;
    let queue = admin
        .get(&app, "/admin")
        .await
        .text()
        .await
        .expect("admin page");
    assert!(
        queue.contains("Example: low-cost flood sensor kit")
            && queue.contains("/admin/entries/flood-sensor-kit/reject")
    );
    let empty_reason = admin
        .post(
            &app,
            "/admin/entries/flood-sensor-kit/reject",
            &[("reason", "  ")],
        )
        .await;
    assert_eq!(
        empty_reason.status().as_u16(),
        400,
        "a rejection needs a reason"
    );
    let rejected = admin
        .post(
            &app,
            "/admin/entries/flood-sensor-kit/reject",
            &[("reason", "Please name the pilot city.")],
        )
        .await;
    assert_eq!(rejected.status().as_u16(), 303);
    let page = author
        .get(&app, "/entries/flood-sensor-kit")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Please name the pilot city."),
        "the author reads the reason"
    );
    assert_hidden(&app).await;

    let edited = author
        .post(
            &app,
            "/entries/flood-sensor-kit/edit",
            &[
                ("lang_0", "en"),
                ("origin_0", "original"),
                ("title_0", "Example: low-cost flood sensor kit"),
                (
                    "summary_0",
                    "Water-level sensors for canals, piloted in Bangkok.",
                ),
                ("cities", "bangkok"),
                ("provider", "Example flood sensing start-up"),
                ("maturity", "pilot"),
            ],
        )
        .await;
    assert_eq!(
        edited.headers()["location"],
        "/entries/flood-sensor-kit?done=entry-submitted"
    );
    let token = create_token(&app, &admin, "write").await;
    let status = api(
        &app,
        Method::GET,
        "/api/v1/entries/flood-sensor-kit",
        Some(&token),
        None,
    )
    .await;
    let status: serde_json::Value = status.json().await.expect("json");
    assert_eq!(
        (
            status["entry"]["status"].as_str(),
            status["entry"].get("rejection_reason")
        ),
        (Some("pending"), None),
        "an edit sends it for review again: {status}"
    );
    let approved = api(
        &app,
        Method::POST,
        "/api/v1/entries/flood-sensor-kit/approve",
        Some(&token),
        Some(json!({})),
    )
    .await;
    assert_eq!(approved.status().as_u16(), 204);
    assert_eq!(
        app.get("/entries/flood-sensor-kit").await.status().as_u16(),
        200,
        "public once approved"
    );
    let found = app.get_json("/api/v1/search?q=flood+sensor+kit", 200).await;
    assert_eq!(
        found["hits"][0]["id"], "flood-sensor-kit",
        "and searchable at once"
    );
}

/// Asserts that the entry `flood-sensor-kit` is neither shown, served nor searchable to the public.
async fn assert_hidden(app: &crate::TestApp) {
    assert_eq!(
        app.get("/entries/flood-sensor-kit").await.status().as_u16(),
        404,
        "not public yet"
    );
    app.get_json("/api/v1/entries/flood-sensor-kit", 404).await;
    let found = app.get_json("/api/v1/search?q=flood+sensor+kit", 200).await;
    assert!(
        found["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .all(|h| h["id"] != "flood-sensor-kit"),
        "not searchable yet"
    );
}

#[tokio::test]
async fn the_entry_endpoints_answer_bad_input_with_a_problem_that_names_it() {
    use reqwest::Method;
    use serde_json::json;

    use crate::{Browser, api, create_token};

    let app = spawn_app_with(None, true).await;
    let token_of = |prefix: &'static str| {
        let app = &app;
        async move {
            let (email, password) = mitra_service::DEMO_ACCOUNTS
                .iter()
                .find(|(email, ..)| email.starts_with(prefix))
                .map(|(e, p, ..)| (*e, *p))
                .expect("demo account");
            create_token(
                app,
                &Browser::signed_in(app, email, password).await,
                "write",
            )
            .await
        }
    };
    let admin = token_of("admin@").await;
    let editor = token_of("editor@").await;
    let problem = |response: reqwest::Response| async move {
        let status = response.status().as_u16();
        let kind = response.headers()["content-type"]
            .to_str()
            .expect("type")
            .to_owned();
        let body: serde_json::Value = response.json().await.expect("problem body");
        assert_eq!(kind, "application/problem+json", "{body}");
        (status, body.to_string())
    };

    let malformed = app
        .client
        .post(app.url("/api/v1/entries"))
        .bearer_auth(&editor)
        .header("content-type", "application/json")
        .body(
            "{\"org\": \"demo-organisation-bangkok-city-government-example\", \"entry\": {\"id\": ",
        )
        .send()
        .await
        .expect("request");
    let (status, body) = problem(malformed).await;
    assert_eq!(status, 400, "{body}");

    let wrong_kind = api(&app, Method::POST, "/api/v1/entries", Some(&editor), Some(json!({
        "org": "demo-organisation-bangkok-city-government-example",
        "entry": {"id": "x-1", "texts": [{"lang": "en", "origin": "original", "title": "T", "summary": "S"}],
                  "year_from": null, "year_to": null, "details": {"kind": "poem"}}
    }))).await;
    let (status, body) = problem(wrong_kind).await;
    assert!(status == 400 || status == 422, "{status} {body}");
    assert!(body.contains("poem"), "the refused value is named: {body}");

    let (status, body) = problem(app.get("/api/v1/entries/Not%20An%20Id").await).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("entry id"), "{body}");

    let empty_reason = api(
        &app,
        Method::POST,
        "/api/v1/entries/asean-26/reject",
        Some(&admin),
        Some(json!({"reason": ""})),
    )
    .await;
    let (status, body) = problem(empty_reason).await;
    assert_eq!(status, 400);
    assert!(body.contains("reason"), "{body}");
    let unknown = api(
        &app,
        Method::POST,
        "/api/v1/entries/no-such-entry/approve",
        Some(&admin),
        Some(json!({})),
    )
    .await;
    assert_eq!(problem(unknown).await.0, 404);

    let not_training = api(
        &app,
        Method::GET,
        "/api/v1/entries/asean-26/enrolments",
        Some(&admin),
        None,
    )
    .await;
    let (status, body) = problem(not_training).await;
    assert_eq!(status, 404);
    assert!(
        body.contains("training 'asean-26' does not exist"),
        "{body}"
    );

    let bad_file = api(
        &app,
        Method::DELETE,
        "/api/v1/entries/asean-26/attachments/not-a-sha",
        Some(&admin),
        None,
    )
    .await;
    let (status, body) = problem(bad_file).await;
    assert_eq!(status, 400);
    assert!(body.contains("SHA-256"), "{body}");
    let no_name = app
        .client
        .post(app.url("/api/v1/entries/asean-26/attachments"))
        .bearer_auth(&admin)
        .body("%PDF-1.4")
        .send()
        .await
        .expect("request");
    let (status, body) = problem(no_name).await;
    assert_eq!(status, 400, "the file's name is required: {body}");
    assert!(body.contains("name"), "{body}");
    assert_eq!(
        app.get("/entries/asean-26/files/0123")
            .await
            .status()
            .as_u16(),
        400
    );
}

#[tokio::test]
async fn a_rejected_entry_stays_out_of_view_however_often_it_is_edited_or_imported_again() {
    use reqwest::Method;
    use serde_json::json;

    use crate::{api, demo_token};

    let app = spawn_app_with(None, true).await;
    let editor = demo_token(&app, "editor").await;
    let admin = demo_token(&app, "admin").await;
    let member = demo_token(&app, "member").await;
    let org = "demo-organisation-bangkok-city-government-example";
    let entry = json!({
        "id": "canal-sensors", "cities": ["bangkok"], "year_from": 2024, "year_to": null,
        "texts": [{"lang": "en", "origin": "original", "title": "Canal sensors", "summary": "Sensors in canals."}],
        "details": {"kind": "practice"}
    });
    let created = api(
        &app,
        Method::POST,
        "/api/v1/entries",
        Some(&editor),
        Some(json!({"org": org, "entry": entry})),
    )
    .await;
    assert_eq!(created.status().as_u16(), 201);
    let rejected = api(
        &app,
        Method::POST,
        "/api/v1/entries/canal-sensors/reject",
        Some(&admin),
        Some(json!({"reason": "Name the source of the results."})),
    )
    .await;
    assert_eq!(rejected.status().as_u16(), 204);
    let status = |app: &crate::TestApp| {
        let admin = admin.clone();
        let app_url = app.url("/api/v1/entries/canal-sensors");
        let client = app.client.clone();
        async move {
            let body: serde_json::Value = client
                .get(app_url)
                .bearer_auth(admin)
                .send()
                .await
                .expect("request")
                .json()
                .await
                .expect("json");
            body["entry"]["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };
    for edit in 1..=3 {
        let mut changed = entry.clone();
        changed["texts"][0]["summary"] = json!(format!("Sensors in canals, edit {edit}."));
        let put = api(
            &app,
            Method::PUT,
            "/api/v1/entries/canal-sensors",
            Some(&editor),
            Some(changed),
        )
        .await;
        assert_eq!(put.status().as_u16(), 200, "edit {edit}");
        assert_eq!(status(&app).await, "pending", "after edit {edit}");
        app.get_json("/api/v1/entries/canal-sensors", 404).await;
    }
    let import = app
        .client
        .post(app.url(&format!("/api/v1/entries/import?org={org}")))
        .bearer_auth(&editor)
        .json(&json!([entry]))
        .send()
        .await
        .expect("request");
    assert_eq!(import.status().as_u16(), 200);
    let report: serde_json::Value = import.json().await.expect("json");
    assert_eq!(report["waiting"], 1, "{report}");
    assert_eq!(
        status(&app).await,
        "pending",
        "an import does not approve it either"
    );
    let found = app.get_json("/api/v1/search?q=canal+sensors", 200).await;
    assert!(
        found["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .all(|h| h["id"] != "canal-sensors"),
        "not searchable"
    );
    // To those who may not change it, an entry out of view does not exist, whatever they try.
    for (method, path) in [
        (Method::PUT, "/api/v1/entries/canal-sensors"),
        (Method::DELETE, "/api/v1/entries/canal-sensors"),
        (Method::GET, "/api/v1/entries/canal-sensors/enrolments"),
    ] {
        let body = (method == Method::PUT).then(|| entry.clone());
        let response = api(&app, method.clone(), path, Some(&member), body).await;
        assert_eq!(response.status().as_u16(), 404, "{method} {path}");
    }
    let approved = api(
        &app,
        Method::POST,
        "/api/v1/entries/canal-sensors/approve",
        Some(&admin),
        Some(json!({})),
    )
    .await;
    assert_eq!(approved.status().as_u16(), 204);
    app.get_json("/api/v1/entries/canal-sensors", 200).await;
    let refused = api(
        &app,
        Method::DELETE,
        "/api/v1/entries/canal-sensors",
        Some(&member),
        None,
    )
    .await;
    assert_eq!(
        refused.status().as_u16(),
        403,
        "a public entry exists, and a member may not delete it"
    );
}
