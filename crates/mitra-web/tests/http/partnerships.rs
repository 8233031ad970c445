//! City partnerships over HTTP: the life of one between the two demo city governments (Bangkok proposes, Nanning
//! accepts, both sign and log activities), what each reader sees, the calendar, reports and exports, bad input on
//! every endpoint, and rights that follow the city when its government moves.

use reqwest::Method;
use serde_json::{Value, json};

use mitra_store::test_support::Engine;

use crate::{Browser, TestApp, api, demo_token, spawn_app_with};

const DEMO_ORG: &str = "demo-organisation-bangkok-city-government-example";

async fn propose(app: &TestApp, token: &str, invited: &str) -> reqwest::Response {
    api(
        app,
        Method::POST,
        "/api/v1/partnerships",
        Some(token),
        Some(json!({
            "invited": invited, "kind": "cooperation", "title": "Bangkok – Nanning air quality",
            "message": "We would like to compare air-quality monitoring with you."
        })),
    )
    .await
}

async fn act(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    api(
        app,
        Method::POST,
        &format!("/api/v1/partnerships/{id}/actions"),
        Some(token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn two_city_governments_propose_accept_sign_and_log_activities() {
    for engine in Engine::configured() {
        let app = spawn_app_with(Some(engine), true).await;
        let bangkok = demo_token(&app, "editor").await;
        let nanning = demo_token(&app, "partner").await;
        // The home page's map, as anonymous readers see it (kept as rendered until the next write).
        let ties_on_map = || async {
            app.get_page("/", 200)
                .await
                .matches("<line class=\"tie")
                .count()
        };
        let ties_before = ties_on_map().await;
        assert_eq!(ties_on_map().await, ties_before);

        let created = propose(&app, &bangkok, "nanning").await;
        assert_eq!(created.status().as_u16(), 201);
        let created: Value = created.json().await.expect("json");
        let id = created["partnership"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        assert_eq!(created["partnership"]["status"], "proposed");
        assert_eq!(created["partnership"]["proposer"]["id"], "bangkok");
        assert_eq!(created["side"], "proposer");
        assert_eq!(created["may"], json!(["write", "add-outcome", "withdraw"]));

        // A proposal is the two cities' business: anonymous readers and other accounts do not find it.
        let anonymous = app.get(&format!("/api/v1/partnerships/{id}")).await;
        assert_eq!(anonymous.status().as_u16(), 404);
        let provider = demo_token(&app, "provider").await;
        let other = api(
            &app,
            Method::GET,
            &format!("/api/v1/partnerships/{id}"),
            Some(&provider),
            None,
        )
        .await;
        assert_eq!(other.status().as_u16(), 404);
        let listed = app
            .get_json("/api/v1/partnerships?city=nanning&status=proposed", 200)
            .await;
        assert_eq!(listed["total"], 0, "not listed to anonymous readers");
        assert_eq!(ties_on_map().await, ties_before, "nor drawn on their map");

        // Nanning is told, sees it, and may accept or decline; Bangkok may not accept its own proposal.
        let notes = api(
            &app,
            Method::GET,
            "/api/v1/notifications",
            Some(&nanning),
            None,
        )
        .await
        .json::<Value>()
        .await
        .expect("json");
        assert_eq!(notes["notifications"][0]["kind"], "partnership-proposed");
        assert_eq!(notes["notifications"][0]["partnership"], id.as_str());
        let own = act(&app, &bangkok, &id, json!({"action": "accept"})).await;
        assert_eq!(own.status().as_u16(), 403);
        let accepted = act(
            &app,
            &nanning,
            &id,
            json!({"action": "accept", "message": "Gladly. Let us meet."}),
        )
        .await;
        assert_eq!(accepted.status().as_u16(), 200);
        assert_eq!(
            accepted.json::<Value>().await.expect("json")["status"],
            "discussing"
        );
        let again = act(&app, &nanning, &id, json!({"action": "accept"})).await;
        assert_eq!(again.status().as_u16(), 409, "accepted already");
        let problem: Value = again.json().await.expect("problem");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or("")
                .contains("cannot accept"),
            "{problem}"
        );

        // No activity before signing; then Bangkok records the signing.
        let early = api(
            &app,
            Method::POST,
            &format!("/api/v1/partnerships/{id}/activities"),
            Some(&bangkok),
            Some(json!({"kind": "meeting", "title": "Kick-off", "starts_on": "2026-10-01"})),
        )
        .await;
        assert_eq!(early.status().as_u16(), 409);
        let signed = act(
            &app,
            &bangkok,
            &id,
            json!({"action": "sign", "signed_on": "2026-09-15",
                   "signatories": "Governor of Bangkok; Mayor of Nanning",
                   "document": "https://example.org/mou.pdf"}),
        )
        .await;
        assert_eq!(signed.status().as_u16(), 200);
        assert_eq!(
            ties_on_map().await,
            ties_before + 1,
            "a signed partnership is drawn for everyone at once"
        );

        // Nanning logs a cultural exchange on China's National Day: logged, with the holiday named.
        let logged = api(
            &app,
            Method::POST,
            &format!("/api/v1/partnerships/{id}/activities"),
            Some(&nanning),
            Some(
                json!({"kind": "festival", "title": "Thai food festival in Nanning",
                        "starts_on": "2026-10-01", "ends_on": "2026-10-03", "host": "invited",
                        "participants": 40, "participant_names": "Bangkok chefs' delegation"}),
            ),
        )
        .await;
        assert_eq!(logged.status().as_u16(), 201);
        let logged: Value = logged.json().await.expect("json");
        let holidays: Vec<String> = logged["holidays"]
            .as_array()
            .expect("holidays")
            .iter()
            .map(|h| format!("{} {}", h["day"], h["country"]))
            .collect();
        assert!(
            holidays.contains(&"\"2026-10-01\" \"CN\"".to_owned()),
            "{holidays:?}"
        );
        let detail = app
            .get_json(&format!("/api/v1/partnerships/{id}"), 200)
            .await;
        assert_eq!(detail["partnership"]["status"], "active");
        assert_eq!(detail["partnership"]["signed_on"], "2026-09-15");
        assert_eq!(detail["partnership"]["last_active_on"], "2026-10-03");
        assert_eq!(detail["activities"].as_array().map(Vec::len), Some(1));
        assert_eq!(detail["activities"][0]["cultural"], true);
        assert_eq!(detail["messages"], Value::Null, "the thread is private");
        let party = api(
            &app,
            Method::GET,
            &format!("/api/v1/partnerships/{id}"),
            Some(&bangkok),
            None,
        )
        .await
        .json::<Value>()
        .await
        .expect("json");
        assert_eq!(party["messages"].as_array().map(Vec::len), Some(2));

        // An exchange visit announced by an event entry: the event's page links the partnership back, and shows
        // its times in the host's zone and the reader's (UTC for an anonymous reader).
        let visit = api(
            &app,
            Method::POST,
            &format!("/api/v1/partnerships/{id}/activities"),
            Some(&bangkok),
            Some(
                json!({"kind": "exchange-visit", "title": "Flood exchange visit",
                        "starts_on": "2027-02-15", "ends_on": "2027-02-17", "host": "proposer",
                        "event": "example-event-flood-exchange-visit"}),
            ),
        )
        .await;
        assert_eq!(visit.status().as_u16(), 201);
        let event = app
            .get_page("/entries/example-event-flood-exchange-visit?lang=en", 200)
            .await;
        assert!(
            event.contains(&format!("href=\"/partnerships/{id}\"")),
            "the event links its partnership"
        );
        assert!(event.contains("2027-02-15 09:00 (Asia/Bangkok) · 2027-02-15 02:00 in UTC"));

        // The calendar, the yearly report (JSON and CSV) and the registry.
        let ics = app
            .get(&format!("/api/v1/partnerships/{id}/activities.ics"))
            .await;
        assert_eq!(
            ics.headers()["content-type"],
            "text/calendar; charset=utf-8"
        );
        let ics = ics.text().await.expect("ics");
        assert!(ics.contains("DTSTART;VALUE=DATE:20261001\r\n"), "{ics}");
        assert!(ics.contains("DTEND;VALUE=DATE:20261004\r\n"), "{ics}");
        assert!(ics.contains("LOCATION:Nanning\r\n"), "{ics}");
        let report = app
            .get_json(&format!("/api/v1/partnerships/{id}/report?year=2026"), 200)
            .await;
        assert_eq!(
            report["summary"]["activities"], 1,
            "2027's visit is not in 2026"
        );
        assert_eq!(report["summary"]["cultural"], 1);
        assert_eq!(report["summary"]["participants"], 40);
        let csv = app
            .get(&format!(
                "/api/v1/partnerships/{id}/report?year=2026&format=csv"
            ))
            .await
            .text()
            .await
            .expect("csv");
        assert!(
            csv.contains("2026-10-01,2026-10-03,festival,true,Thai food festival in Nanning"),
            "{csv}"
        );
        let city = app
            .get_json("/api/v1/cities/nanning/partnerships/report?year=2026", 200)
            .await;
        assert_eq!(city["partnerships"][0]["partnership"]["id"], id.as_str());
        let registry = app
            .get("/api/v1/partnerships/export?format=csv&city=bangkok")
            .await
            .text()
            .await
            .expect("csv");
        assert!(registry.starts_with("id,proposer,proposer_country,invited"));
        assert!(registry.contains(&format!(
            "{id},Bangkok,TH,Nanning,CN,cooperation,active,proposed"
        )));
        assert!(
            registry.contains("sister-city,signed,recorded"),
            "recorded ties are in the registry"
        );

        // Every step is in the audit trail, under the account that took it.
        let admin = demo_token(&app, "admin").await;
        let audit: Value = api(
            &app,
            Method::GET,
            "/api/v1/audit?entity=partnership",
            Some(&admin),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        let actions: Vec<&str> = audit["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["entity_id"] == id.as_str())
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert_eq!(
            actions,
            ["activity", "activity", "status", "status", "insert"],
            "{audit}"
        );

        // Either city completes it; a new proposal between them is then possible.
        let done = act(&app, &nanning, &id, json!({"action": "complete"})).await;
        assert_eq!(done.status().as_u16(), 200);
        let late = api(
            &app,
            Method::POST,
            &format!("/api/v1/partnerships/{id}/messages"),
            Some(&bangkok),
            Some(json!({"message": "One more thing"})),
        )
        .await;
        assert_eq!(late.status().as_u16(), 409);
        assert_eq!(
            propose(&app, &bangkok, "nanning").await.status().as_u16(),
            201
        );
    }
}

#[tokio::test]
async fn recorded_ties_are_signed_partnerships_that_take_activities_and_block_a_second_proposal() {
    let app = spawn_app_with(None, true).await;
    let recorded = app
        .get_json(
            "/api/v1/partnerships?city=bangkok&origin=recorded&limit=200",
            200,
        )
        .await;
    let beijing = recorded["partnerships"]
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["invited"]["id"] == "beijing")
        .expect("Bangkok – Beijing is recorded")
        .clone();
    assert_eq!(beijing["status"], "signed");
    assert_eq!(beijing["signed_on"], Value::Null, "the date is unknown");
    assert!(
        beijing["source"]
            .as_str()
            .unwrap_or("")
            .contains("twin_cities_asean_china.csv line"),
        "{beijing}"
    );
    let bangkok = demo_token(&app, "editor").await;
    let twice = propose(&app, &bangkok, "beijing").await;
    assert_eq!(twice.status().as_u16(), 409);
    let problem: Value = twice.json().await.expect("problem");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or("")
            .contains("already have a partnership"),
        "{problem}"
    );
    // The recommendations for Bangkok say the tie exists, and the city page lists it.
    let page = app.get_page("/cities/bangkok", 200).await;
    assert!(page.contains("/cities/bangkok/partnerships?year="));
    assert!(page.contains(beijing["id"].as_str().expect("id")));
}

#[tokio::test]
async fn bad_input_gets_a_problem_naming_the_field_and_changes_nothing() {
    let app = spawn_app_with(None, true).await;
    let bangkok = demo_token(&app, "editor").await;
    for (body, field) in [
        (
            json!({"invited": "bangkok", "kind": "cooperation", "title": "T", "message": "M"}),
            "city",
        ),
        (
            json!({"invited": "nanning", "kind": "twinning", "title": "T", "message": "M"}),
            "kind",
        ),
        (
            json!({"invited": "atlantis", "kind": "cooperation", "title": "T", "message": "M"}),
            "invited",
        ),
        (
            json!({"invited": "nanning", "kind": "cooperation", "title": " ", "message": "M"}),
            "title",
        ),
        (
            json!({"invited": "nanning", "kind": "cooperation", "title": "T", "message": "x".repeat(5000)}),
            "message",
        ),
    ] {
        let answer = api(
            &app,
            Method::POST,
            "/api/v1/partnerships",
            Some(&bangkok),
            Some(body),
        )
        .await;
        assert_eq!(answer.status().as_u16(), 400);
        assert_eq!(answer.headers()["content-type"], "application/problem+json");
        let text = answer.text().await.expect("body");
        assert!(text.len() < 2_000, "bounded: {} bytes", text.len());
        let problem: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(problem["parameter"].as_str(), Some(field), "{problem}");
    }
    let listed = api(
        &app,
        Method::GET,
        "/api/v1/partnerships?status=proposed",
        Some(&bangkok),
        None,
    )
    .await
    .json::<Value>()
    .await
    .expect("json");
    assert_eq!(listed["total"], 0, "nothing was written");

    let created: Value = propose(&app, &bangkok, "nanning")
        .await
        .json()
        .await
        .expect("json");
    let id = created["partnership"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let nanning = demo_token(&app, "partner").await;
    act(&app, &nanning, &id, json!({"action": "accept"})).await;
    for (body, field) in [
        (
            json!({"action": "sign", "signed_on": "2026-02-30", "signatories": "A"}),
            "signed_on",
        ),
        (
            json!({"action": "sign", "signed_on": "2999-01-01", "signatories": "A"}),
            "signed_on",
        ),
        (
            json!({"action": "sign", "signed_on": "2026-01-05", "signatories": ""}),
            "signatories",
        ),
        (
            json!({"action": "sign", "signed_on": "2026-01-05", "signatories": "A", "document": "ftp://x"}),
            "document",
        ),
        (json!({"action": "elope"}), "action"),
    ] {
        let answer = act(&app, &bangkok, &id, body).await;
        assert_eq!(answer.status().as_u16(), 400);
        let problem: Value = answer.json().await.expect("problem");
        assert_eq!(problem["parameter"].as_str(), Some(field), "{problem}");
    }
    act(
        &app,
        &bangkok,
        &id,
        json!({"action": "sign", "signed_on": "2026-01-05", "signatories": "A; B"}),
    )
    .await;
    for (body, field) in [
        (
            json!({"kind": "picnic", "title": "T", "starts_on": "2026-01-05"}),
            "kind",
        ),
        (
            json!({"kind": "meeting", "title": "T", "starts_on": "5 Jan"}),
            "starts_on",
        ),
        (
            json!({"kind": "meeting", "title": "T", "starts_on": "2026-01-05", "ends_on": "2026-01-04"}),
            "ends_on",
        ),
        (
            json!({"kind": "meeting", "title": "T", "starts_on": "2026-01-05", "host": "elsewhere"}),
            "host",
        ),
        (
            json!({"kind": "meeting", "title": "T", "starts_on": "2026-01-05", "event": "no-such-event"}),
            "event",
        ),
    ] {
        let answer = api(
            &app,
            Method::POST,
            &format!("/api/v1/partnerships/{id}/activities"),
            Some(&bangkok),
            Some(body),
        )
        .await;
        assert_eq!(answer.status().as_u16(), 400);
        let problem: Value = answer.json().await.expect("problem");
        assert_eq!(problem["parameter"].as_str(), Some(field), "{problem}");
    }
    let outcome = api(
        &app,
        Method::POST,
        &format!("/api/v1/partnerships/{id}/outcomes"),
        Some(&bangkok),
        Some(json!({"city": "hanoi", "indicator": "iso37120-2014:5.1"})),
    )
    .await;
    assert_eq!(outcome.status().as_u16(), 400, "not one of its cities");
    let detail = app
        .get_json(&format!("/api/v1/partnerships/{id}"), 200)
        .await;
    assert_eq!(detail["activities"], json!([]), "no bad activity was kept");
    for path in [
        "/api/v1/partnerships?limit=0",
        "/api/v1/partnerships?status=asleep",
        "/api/v1/partnerships/not-an-id",
        "/api/v1/cities/bangkok/partnerships/report?year=1492",
        "/api/v1/partnerships/export?format=xml",
    ] {
        let answer = app.get(path).await;
        assert_eq!(answer.status().as_u16(), 400, "{path}");
    }
    let missing = app
        .get("/api/v1/partnerships/0193a4b5-c6d7-7e8f-9a0b-1c2d3e4f5000")
        .await;
    assert_eq!(missing.status().as_u16(), 404);
}

#[tokio::test]
async fn a_city_government_moved_to_another_city_no_longer_acts_for_the_old_one() {
    let app = spawn_app_with(None, true).await;
    let bangkok = demo_token(&app, "editor").await;
    let created: Value = propose(&app, &bangkok, "nanning")
        .await
        .json()
        .await
        .expect("json");
    let id = created["partnership"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let moved = api(
        &app,
        Method::PUT,
        &format!("/api/v1/organisations/{DEMO_ORG}"),
        Some(&bangkok),
        Some(json!({"name_en": "Demo organisation: Bangkok city government (example)", "country": "VN",
                    "city": "hanoi", "description_en": "Moved."})),
    )
    .await;
    assert_eq!(moved.status().as_u16(), 200);
    let admin = demo_token(&app, "admin").await;
    let approved = api(
        &app,
        Method::POST,
        &format!("/api/v1/organisations/{DEMO_ORG}/approve"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(approved.status().as_u16(), 200);
    let withdraw = act(&app, &bangkok, &id, json!({"action": "withdraw"})).await;
    assert_eq!(
        withdraw.status().as_u16(),
        403,
        "it proposed it, so it still reads it, but it no longer acts for Bangkok"
    );
    // It now acts for Hanoi: a proposal of its goes out from Hanoi, a pair of its own.
    let hanoi: Value = propose(&app, &bangkok, "nanning")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(hanoi["partnership"]["proposer"]["id"], "hanoi", "{hanoi}");
}

#[tokio::test]
async fn pages_show_the_registry_a_partnership_and_the_forms_to_its_parties() {
    let app = spawn_app_with(None, true).await;
    let registry = app.get_page("/partnerships?city=bangkok", 200).await;
    assert!(registry.contains("Bangkok"));
    assert!(registry.contains("/api/v1/partnerships/export?city=bangkok&#38;format=csv"));
    let zh = app.get_page("/partnerships?lang=zh-Hans", 200).await;
    assert!(zh.contains("城市伙伴关系"));
    let bad = app.get("/partnerships?status=asleep").await;
    assert_eq!(bad.status().as_u16(), 400);

    let editor =
        Browser::signed_in(&app, "editor@demo.mitra.invalid", "demo-password-editor").await;
    let form = editor
        .get(&app, "/partnerships/new?invited=nanning")
        .await
        .text()
        .await
        .expect("form");
    assert!(form.contains("name=\"proposer\""));
    let sent = editor
        .post(
            &app,
            "/partnerships",
            &[
                ("invited", "nanning"),
                ("kind", "friendship"),
                ("title", "Friendship of two capitals of trade"),
                ("message", "Shall we become friendship cities?"),
            ],
        )
        .await;
    assert_eq!(sent.status().as_u16(), 303);
    let location = sent.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let page = editor
        .get(&app, &location)
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Shall we become friendship cities?"));
    assert!(page.contains("value=\"withdraw\""));
    let member =
        Browser::signed_in(&app, "member@demo.mitra.invalid", "demo-password-member").await;
    let refused = member.get(&app, "/partnerships/new?invited=nanning").await;
    assert_eq!(refused.status().as_u16(), 403);
}

#[tokio::test]
async fn an_organisation_based_in_a_city_proposes_on_its_behalf_and_the_government_decides() {
    let app = spawn_app_with(None, true).await;
    let member = demo_token(&app, "member").await;
    let created = api(
        &app,
        Method::POST,
        "/api/v1/organisations",
        Some(&member),
        Some(json!({"kind": "research-institution", "name_en": "Bangkok Institute of Urban Studies (example)",
                    "country": "TH", "city": "bangkok", "description_en": "Urban research."})),
    )
    .await;
    assert_eq!(created.status().as_u16(), 201);
    let org: Value = created.json().await.expect("json");
    let org_id = org["id"]
        .as_str()
        .or(org["organisation"]["id"].as_str())
        .expect("id")
        .to_owned();
    let early = propose(&app, &member, "kunming").await;
    assert_eq!(
        early.status().as_u16(),
        403,
        "not before the organisation is approved"
    );
    let admin = demo_token(&app, "admin").await;
    let approved = api(
        &app,
        Method::POST,
        &format!("/api/v1/organisations/{org_id}/approve"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(approved.status().as_u16(), 200);
    let sent = propose(&app, &member, "kunming").await;
    assert_eq!(sent.status().as_u16(), 201);
    let sent: Value = sent.json().await.expect("json");
    let id = sent["partnership"]["id"].as_str().expect("id").to_owned();
    assert_eq!(sent["partnership"]["proposer"]["id"], "bangkok");
    assert_eq!(
        sent["partnership"]["proposed_by"],
        "Bangkok Institute of Urban Studies (example)"
    );
    assert_eq!(sent["side"], Value::Null, "it reads, it does not act");
    assert_eq!(sent["may"], json!([]));
    let withdraw = act(&app, &member, &id, json!({"action": "withdraw"})).await;
    assert_eq!(withdraw.status().as_u16(), 403);
    // Bangkok's government is told, and decides: it withdraws the proposal made on its behalf.
    let bangkok = demo_token(&app, "editor").await;
    let notes: Value = api(
        &app,
        Method::GET,
        "/api/v1/notifications",
        Some(&bangkok),
        None,
    )
    .await
    .json()
    .await
    .expect("json");
    assert!(
        notes["notifications"]
            .as_array()
            .expect("list")
            .iter()
            .any(|n| n["partnership"] == id.as_str() && n["kind"] == "partnership-proposed"),
        "{notes}"
    );
    let withdrawn = act(&app, &bangkok, &id, json!({"action": "withdraw"})).await;
    assert_eq!(withdrawn.status().as_u16(), 200);
}

async fn upload_document(
    app: &TestApp,
    token: Option<&str>,
    id: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(&format!("/api/v1/partnerships/{id}/document?name={name}")))
        .header("content-type", "application/octet-stream")
        .body(bytes);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request")
}

#[tokio::test]
async fn the_signed_agreement_is_uploaded_as_a_file_by_either_city_and_downloaded_by_its_readers() {
    for engine in Engine::configured() {
        let app = spawn_app_with(Some(engine), true).await;
        let bangkok = demo_token(&app, "editor").await;
        let nanning = demo_token(&app, "partner").await;
        let created: Value = propose(&app, &bangkok, "nanning")
            .await
            .json()
            .await
            .expect("json");
        let id = created["partnership"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let pdf = b"%PDF-1.7\nMemorandum of understanding, signed.\n".to_vec();

        // Not before it is signed.
        let early = upload_document(&app, Some(&bangkok), &id, "mou.pdf", pdf.clone()).await;
        assert_eq!(early.status().as_u16(), 409);
        let problem: Value = early.json().await.expect("problem");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or("")
                .contains("record the signing first")
        );
        act(&app, &nanning, &id, json!({"action": "accept"})).await;
        let signed = act(
            &app,
            &bangkok,
            &id,
            json!({"action": "sign", "signed_on": "2026-09-15", "signatories": "Governor; Mayor"}),
        )
        .await;
        assert_eq!(signed.status().as_u16(), 200);

        // Only the two governments upload; what is not a document of an accepted kind is refused by field.
        let anonymous = upload_document(&app, None, &id, "mou.pdf", pdf.clone()).await;
        assert_eq!(anonymous.status().as_u16(), 401);
        let provider = demo_token(&app, "provider").await;
        let other = upload_document(&app, Some(&provider), &id, "mou.pdf", pdf.clone()).await;
        assert_eq!(other.status().as_u16(), 403);
        let exe =
            upload_document(&app, Some(&nanning), &id, "mou.exe", b"MZ\x90\x00".to_vec()).await;
        assert_eq!(exe.status().as_u16(), 400);
        let problem: Value = exe.json().await.expect("problem");
        assert_eq!(problem["parameter"], "file");
        let mut huge = b"%PDF-1.7\n".to_vec();
        huge.resize(mitra_service::MAX_ATTACHMENT_BYTES + 1, b'0');
        let too_large = upload_document(&app, Some(&nanning), &id, "scan.pdf", huge).await;
        assert_eq!(too_large.status().as_u16(), 413);
        let unchanged = app
            .get_json(&format!("/api/v1/partnerships/{id}"), 200)
            .await;
        assert_eq!(
            unchanged["partnership"]["document_file"],
            Value::Null,
            "nothing kept"
        );

        // Nanning uploads it; every reader of the signed partnership downloads it under its name.
        let name = "%E5%8D%8F%E8%AE%AE%202026.pdf";
        let uploaded = upload_document(&app, Some(&nanning), &id, name, pdf.clone()).await;
        assert_eq!(uploaded.status().as_u16(), 201);
        let file: Value = uploaded.json().await.expect("json");
        assert_eq!(file["name"], "协议 2026.pdf");
        assert_eq!(file["content_type"], "application/pdf");
        let first_sha = file["sha256"].as_str().expect("sha").to_owned();
        let shown = app
            .get_json(&format!("/api/v1/partnerships/{id}"), 200)
            .await;
        assert_eq!(
            shown["partnership"]["document_file"]["name"],
            "协议 2026.pdf"
        );
        for path in [
            format!("/api/v1/partnerships/{id}/document"),
            format!("/partnerships/{id}/document"),
        ] {
            let download = app.get(&path).await;
            assert_eq!(download.status().as_u16(), 200, "{path}");
            assert_eq!(download.headers()["content-type"], "application/pdf");
            assert!(
                download.headers()["content-disposition"]
                    .to_str()
                    .unwrap_or("")
                    .contains("filename*=UTF-8''%E5%8D%8F%E8%AE%AE%202026.pdf")
            );
            assert_eq!(
                download.bytes().await.expect("bytes").as_ref(),
                pdf.as_slice()
            );
        }

        // The same bytes attached to an entry and removed there stay on disk: the partnership keeps them.
        let admin = demo_token(&app, "admin").await;
        let attached = api(
            &app,
            Method::POST,
            "/api/v1/entries/asean-26/attachments?name=mou.pdf",
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(attached.status().as_u16(), 400, "an empty body is no file");
        let attached = app
            .client
            .post(app.url("/api/v1/entries/asean-26/attachments?name=mou.pdf"))
            .bearer_auth(&admin)
            .body(pdf.clone())
            .send()
            .await
            .expect("request");
        assert_eq!(attached.status().as_u16(), 201);
        let detached = api(
            &app,
            Method::DELETE,
            &format!("/api/v1/entries/asean-26/attachments/{first_sha}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(detached.status().as_u16(), 204);
        assert!(
            app.files_dir().join(&first_sha).exists(),
            "still the partnership's agreement"
        );

        // Bangkok uploads a corrected version: it replaces the first, which leaves the disk.
        let corrected = b"%PDF-1.7\nMemorandum of understanding, signed and corrected.\n".to_vec();
        let replaced = upload_document(
            &app,
            Some(&bangkok),
            &id,
            "mou-corrected.pdf",
            corrected.clone(),
        )
        .await;
        assert_eq!(replaced.status().as_u16(), 201);
        let download = app
            .get(&format!("/api/v1/partnerships/{id}/document"))
            .await;
        assert_eq!(
            download.bytes().await.expect("bytes").as_ref(),
            corrected.as_slice()
        );
        assert!(
            !app.files_dir().join(&first_sha).exists(),
            "the replaced file is gone"
        );

        // The page links the file and offers the form to the two governments only.
        let editor =
            Browser::signed_in(&app, "editor@demo.mitra.invalid", "demo-password-editor").await;
        let page = editor
            .get(&app, &format!("/partnerships/{id}"))
            .await
            .text()
            .await
            .expect("page");
        assert!(page.contains(&format!("action=\"/partnerships/{id}/document\"")));
        assert!(page.contains("mou-corrected.pdf"));
        let public = app.get_page(&format!("/partnerships/{id}"), 200).await;
        assert!(public.contains(&format!("href=\"/partnerships/{id}/document\"")));
        assert!(!public.contains(&format!("action=\"/partnerships/{id}/document\"")));
        let audit = api(
            &app,
            Method::GET,
            "/api/v1/audit?entity=partnership_document",
            Some(&admin),
            None,
        )
        .await
        .json::<Value>()
        .await
        .expect("json");
        let records = audit["entries"].as_array().expect("entries");
        assert_eq!(records.len(), 2, "{audit}");
        assert_eq!(records[0]["action"], "update");
        assert_eq!(records[0]["before"]["sha256"], first_sha.as_str());
        assert_eq!(records[1]["action"], "insert");
    }
}
