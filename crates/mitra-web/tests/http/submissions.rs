//! Submitting observations in the browser: a file checked then written on confirmation, one value through a form,
//! the template of a standard, and the city names an import understands.

use reqwest::Method;
use serde_json::{Value, json};

use mitra_store::test_support::Engine;

use crate::entries::multipart;
use crate::{Browser, TestApp, api, demo_token, spawn_app_with};

const DEMO_ORG: &str = "demo-organisation-bangkok-city-government-example";

/// A demo account's browser, signed in.
pub(crate) async fn demo_browser(app: &TestApp, who: &str) -> Browser {
    let (email, password, ..) = mitra_service::DEMO_ACCOUNTS
        .iter()
        .find(|(email, ..)| email.starts_with(&format!("{who}@")))
        .expect("a demo account");
    Browser::signed_in(app, email, password).await
}

/// Uploads `bytes` as `name` through the submit form of `city`.
pub(crate) async fn upload(
    app: &TestApp,
    browser: &Browser,
    city: &str,
    name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let (content_type, body) = multipart(browser.csrf.as_deref().unwrap_or(""), name, bytes);
    app.client
        .post(app.url(&format!("/cities/{city}/observations/check")))
        .header("content-type", content_type)
        .header("cookie", browser.cookie.clone().unwrap_or_default())
        .body(body)
        .send()
        .await
        .expect("request")
}

/// The key of the held file on a check page, when the page offers to write it.
pub(crate) fn upload_key(html: &str) -> Option<String> {
    let marker = r#"name="upload" value=""#;
    let at = html.find(marker)? + marker.len();
    Some(html[at..].split('"').next()?.to_owned())
}

/// The count shown beside `label` on a check page.
fn count(html: &str, label: &str) -> Option<u64> {
    let marker = format!("<dt>{label}</dt><dd>");
    let at = html.find(&marker)? + marker.len();
    html[at..].split('<').next()?.parse().ok()
}

async fn bangkok_values(app: &TestApp, indicator: &str) -> Vec<(i64, f64, String)> {
    let list = app
        .get_json(
            &format!("/api/v1/observations?city=bangkok&indicator={indicator}&limit=500"),
            200,
        )
        .await;
    list["observations"]
        .as_array()
        .expect("observations")
        .iter()
        .map(|o| {
            (
                o["year"].as_i64().unwrap_or_default(),
                o["value"].as_f64().unwrap_or_default(),
                o["source"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_file_is_checked_then_written_on_confirmation_and_only_by_the_account_that_uploaded_it() {
    for engine in Engine::configured() {
        let app = spawn_app_with(Some(engine), true).await;
        let editor = demo_browser(&app, "editor").await;
        let file = "city,indicator,year,value,unit,source\n\
                    bangkok,iso37120-2014:5.1,2019,1.2,%,browser test\n\
                    Bangkok,mitra:land-area,2019,156873.7,ha,browser test\n\
                    曼谷,u4ssc:EC:P:EM:1C,2019,1.0,%,browser test\n";
        let checked = upload(&app, &editor, "bangkok", "values.csv", file.as_bytes()).await;
        assert_eq!(checked.status().as_u16(), 200);
        let page = checked.text().await.expect("page");
        assert_eq!(count(&page, "Rows"), Some(3), "{page}");
        assert_eq!(count(&page, "New values"), Some(3));
        assert_eq!(
            count(&page, "Values converted to the indicator&#39;s unit")
                .or(count(&page, "Values converted to the indicator's unit")),
            Some(1)
        );
        assert!(
            page.contains("<td>ha</td><td>km²</td>"),
            "the conversion is shown: {page}"
        );
        assert!(
            page.contains("u4ssc:EC:P:EM:1C") && page.contains("iso37120-2014:5.1"),
            "the recognition through the crosswalk is shown"
        );
        assert!(
            bangkok_values(&app, "iso37120-2014:5.1")
                .await
                .iter()
                .all(|(_, _, s)| s != "browser test"),
            "a check writes nothing"
        );
        let key = upload_key(&page).expect("the page offers to write the file");

        // Another editor of the same city cannot write this account's file.
        let other = demo_browser(&app, "org-admin").await;
        let refused = other
            .post(
                &app,
                "/cities/bangkok/observations/write",
                &[("upload", key.as_str())],
            )
            .await;
        assert_eq!(refused.status().as_u16(), 410);
        // Nor can the uploader write it for another city.
        let elsewhere = editor
            .post(
                &app,
                "/cities/hanoi/observations/write",
                &[("upload", key.as_str())],
            )
            .await;
        assert_eq!(elsewhere.status().as_u16(), 403);

        let written = editor
            .post(
                &app,
                "/cities/bangkok/observations/write",
                &[("upload", key.as_str())],
            )
            .await;
        assert_eq!(written.status().as_u16(), 303);
        assert_eq!(
            written.headers()["location"],
            "/cities/bangkok?done=submit-written"
        );
        assert!(bangkok_values(&app, "iso37120-2014:5.1").await.contains(&(
            2019,
            1.2,
            "browser test".into()
        )));
        let land = bangkok_values(&app, "mitra:land-area").await;
        assert!(
            land.iter()
                .any(|(y, v, s)| *y == 2019 && (v - 1568.737).abs() < 1e-9 && s == "browser test"),
            "{land:?}"
        );
        let again = editor
            .post(
                &app,
                "/cities/bangkok/observations/write",
                &[("upload", key.as_str())],
            )
            .await;
        assert_eq!(again.status().as_u16(), 410, "a written file is let go");

        // The same file once more: nothing new, nothing changed.
        let page = upload(&app, &editor, "bangkok", "values.csv", file.as_bytes())
            .await
            .text()
            .await
            .expect("page");
        assert_eq!(count(&page, "Unchanged values"), Some(3), "{page}");
        assert_eq!(count(&page, "New values"), Some(0));
        let changed = file.replace("2019,1.2,", "2019,1.3,");
        let page = upload(&app, &editor, "bangkok", "values.csv", changed.as_bytes())
            .await
            .text()
            .await
            .expect("page");
        assert_eq!(count(&page, "Changed values"), Some(1), "{page}");
    }
}

#[tokio::test]
async fn bad_files_get_a_clear_page_and_nothing_is_written() {
    let app = spawn_app_with(None, true).await;
    let editor = demo_browser(&app, "editor").await;
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("", Vec::new(), 400, "Choose a file"),
        ("empty.csv", Vec::new(), 422, "is empty"),
        ("blank.csv", b"  \n".to_vec(), 422, "is empty"),
        (
            "book.xlsx",
            b"PK\x03\x04 a workbook".to_vec(),
            415,
            "CSV UTF-8",
        ),
        (
            "latin1.csv",
            b"city,indicator,year,value\nBangk\xf6k,iso37120-2014:5.1,2019,1\n".to_vec(),
            422,
            "is not UTF-8",
        ),
        (
            "header.csv",
            b"town,indicator,year,value\nbangkok,iso37120-2014:5.1,2019,1\n".to_vec(),
            422,
            "missing column(s): city",
        ),
        (
            "big.csv",
            vec![b'x'; 8 * 1024 * 1024 + 1],
            413,
            "larger than 8 MiB",
        ),
    ];
    for (name, bytes, status, says) in cases {
        let response = upload(&app, &editor, "bangkok", name, &bytes).await;
        assert_eq!(response.status().as_u16(), status, "{name}");
        let page = response.text().await.expect("page");
        assert!(page.contains(says), "{name}: {page}");
        assert!(upload_key(&page).is_none(), "{name}: nothing to write");
    }

    // Every bad row, up to the API's cap, and how many more.
    let mut file = String::from("city,indicator,year,value,unit\n");
    for n in 0..150 {
        file.push_str(&format!(
            "bangkok,iso37120-2014:5.1,{},{},%\n",
            1950 + n,
            101 + n
        ));
    }
    let response = upload(&app, &editor, "bangkok", "many.csv", file.as_bytes()).await;
    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.expect("page");
    assert_eq!(
        page.matches("is not a percentage").count(),
        100,
        "the first hundred"
    );
    assert!(
        page.contains("… and 50 more rows with problems (150 rows in all)."),
        "{page}"
    );
    assert!(
        page.contains("<td class=\"num\">2</td><td>value</td>"),
        "line and column"
    );
    // The same problems, said in the reader's language.
    let (content_type, body) = multipart(
        editor.csrf.as_deref().unwrap_or(""),
        "many.csv",
        file.as_bytes(),
    );
    let thai = app
        .client
        .post(app.url("/cities/bangkok/observations/check?lang=th"))
        .header("content-type", content_type)
        .header("cookie", editor.cookie.clone().unwrap_or_default())
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(thai.status().as_u16(), 422);
    let thai = thai.text().await.expect("page");
    assert_eq!(thai.matches("<td lang=\"th\">").count(), 100, "{thai}");
    assert!(!thai.contains("is not a percentage"));
    assert!(thai.contains("101"), "the value is named");

    // A row for a city the editor does not edit.
    let hanoi = "city,indicator,year,value,unit\nhanoi,iso37120-2014:5.1,2019,1,%\n";
    let response = upload(&app, &editor, "bangkok", "hanoi.csv", hanoi.as_bytes()).await;
    assert_eq!(response.status().as_u16(), 403);
    assert!(
        response
            .text()
            .await
            .expect("page")
            .contains("you may not submit observations for &#39;hanoi&#39;")
    );

    // Without the form's token.
    let mut stranger = editor.clone();
    stranger.csrf = Some("0".repeat(64));
    let response = upload(
        &app,
        &stranger,
        "bangkok",
        "values.csv",
        b"city,indicator,year,value\n",
    )
    .await;
    assert_eq!(response.status().as_u16(), 403);
    // An expired or made-up key.
    let response = editor
        .post(
            &app,
            "/cities/bangkok/observations/write",
            &[("upload", "not-a-key")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 410);
    assert!(
        response
            .text()
            .await
            .expect("page")
            .contains("Upload it again")
    );
    assert!(
        bangkok_values(&app, "iso37120-2014:5.1").await.is_empty(),
        "nothing was written"
    );
}

#[tokio::test]
async fn one_value_is_written_through_the_import_and_a_bad_one_is_shown_again_with_the_reason() {
    let app = spawn_app_with(None, true).await;
    let editor = demo_browser(&app, "editor").await;
    let fields = [
        ("indicator", "iso37120-2014:5.1"),
        ("year", "2020"),
        ("value", "1.4"),
        ("unit", ""),
        ("source", "Labour force survey"),
        ("note", ""),
    ];
    let saved = editor
        .post(&app, "/cities/bangkok/observations/value", &fields)
        .await;
    assert_eq!(saved.status().as_u16(), 303);
    assert_eq!(
        saved.headers()["location"],
        "/cities/bangkok?done=submit-value-saved"
    );
    let list = app
        .get_json(
            "/api/v1/observations?city=bangkok&indicator=iso37120-2014:5.1",
            200,
        )
        .await;
    let o = &list["observations"][0];
    assert_eq!(
        (o["year"].as_i64(), o["value"].as_f64()),
        (Some(2020), Some(1.4))
    );
    assert_eq!(
        o["status"], "submitted",
        "it waits for a verifier as any import"
    );
    assert_eq!(o["unit"], "%");
    // The audit log names the form as the origin, as it names a file.
    let admin = demo_token(&app, "admin").await;
    let audit: Value = api(&app, Method::GET, "/api/v1/audit", Some(&admin), None)
        .await
        .json()
        .await
        .expect("json");
    assert!(audit.to_string().contains("form sha256:"), "{audit}");

    let mut bad = fields;
    bad[2] = ("value", "140");
    let refused = editor
        .post(&app, "/cities/bangkok/observations/value", &bad)
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.expect("page");
    assert!(page.contains("140 is not a percentage"), "{page}");
    assert!(
        page.contains(r#"name="source" value="Labour force survey""#),
        "the form keeps what was typed"
    );
    bad[2] = ("value", "lots");
    let refused = editor
        .post(&app, "/cities/bangkok/observations/value", &bad)
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    bad[2] = ("value", "1");
    bad[0] = ("indicator", "iso99999:1");
    let refused = editor
        .post(&app, "/cities/bangkok/observations/value", &bad)
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(
        refused
            .text()
            .await
            .expect("page")
            .contains("not an indicator id Mitra knows")
    );
    let member = demo_browser(&app, "member").await;
    let forbidden = member
        .post(&app, "/cities/bangkok/observations/value", &fields)
        .await;
    assert_eq!(forbidden.status().as_u16(), 403);
}

#[tokio::test]
async fn the_template_of_a_standard_imports_once_filled_in() {
    let app = spawn_app_with(None, true).await;
    let editor = demo_browser(&app, "editor").await;
    let page = editor
        .get(&app, "/cities/bangkok")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("/cities/bangkok/template.csv?standard=iso37120-2014"),
        "linked from the form"
    );
    let response = editor
        .get(
            &app,
            "/cities/bangkok/template.csv?standard=mitra&lang=zh-Hans",
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let template = response.text().await.expect("csv");
    let template = template.trim_start_matches('\u{feff}');
    let mut lines = template.lines();
    assert_eq!(
        lines.next(),
        Some("city,indicator,title,year,value,unit,source,note")
    );
    let land = template
        .lines()
        .find(|l| l.starts_with("bangkok,mitra:land-area,"))
        .expect("one row per indicator");
    assert!(
        land.contains(",2022,1568.737,km²,"),
        "the latest value and its year: {land}"
    );

    // Filled in: every blank row gets a value of the right kind; the prefilled ones stay as they are.
    let iso = editor
        .get(&app, "/cities/bangkok/template.csv?standard=iso37120-2014")
        .await
        .text()
        .await
        .expect("csv");
    let mut reader = csv::Reader::from_reader(iso.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().expect("header").clone();
    assert!(headers.iter().any(|h| h == "title"));
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert!(records.len() > 50, "one row per indicator of ISO 37120");
    let unemployment = records
        .iter()
        .find(|r| &r[1] == "iso37120-2014:5.1")
        .expect("5.1");
    assert_eq!(
        (&unemployment[3], &unemployment[4], &unemployment[5]),
        ("", "", "%")
    );
    assert!(!unemployment[2].is_empty(), "titled");
    let mut filled = csv::Writer::from_writer(Vec::new());
    filled.write_record(&headers).expect("header");
    for record in &records {
        let mut row: Vec<String> = record.iter().map(str::to_owned).collect();
        if row[1] == "iso37120-2014:5.1" {
            row[3] = "2021".into();
            row[4] = "1.9".into();
            row[6] = "NSO".into();
        }
        filled.write_record(&row).expect("row");
    }
    let filled = filled.into_inner().expect("bytes");
    let checked = upload(&app, &editor, "bangkok", "template.csv", &filled).await;
    assert_eq!(checked.status().as_u16(), 200);
    let page = checked.text().await.expect("page");
    // The demo's ISO 37120 values for Bangkok come back prefilled and unchanged; the one filled in is new.
    let rows = count(&page, "Rows").expect("rows");
    assert_eq!(count(&page, "New values"), Some(1), "{page}");
    assert_eq!(count(&page, "Unchanged values"), Some(rows - 1), "{page}");
    assert_eq!(
        count(&page, "Template rows left blank (skipped)"),
        Some(records.len() as u64 - rows)
    );
    let written = editor
        .post(
            &app,
            "/cities/bangkok/observations/write",
            &[("upload", &upload_key(&page).expect("key"))],
        )
        .await;
    assert_eq!(written.status().as_u16(), 303);
    // The new template carries the value written, and imports as it is: nothing changes.
    let again = editor
        .get(&app, "/cities/bangkok/template.csv?standard=iso37120-2014")
        .await
        .text()
        .await
        .expect("csv");
    assert!(again.contains(",2021,1.9,%,NSO,"), "{again}");
    let page = upload(&app, &editor, "bangkok", "template.csv", again.as_bytes())
        .await
        .text()
        .await
        .expect("page");
    assert_eq!(count(&page, "New values"), Some(0), "{page}");
    assert_eq!(
        count(&page, "Unchanged values"),
        count(&page, "Rows"),
        "{page}"
    );

    let missing = app.get("/cities/bangkok/template.csv?standard=nope").await;
    assert_eq!(missing.status().as_u16(), 404);
}

#[tokio::test]
async fn a_city_is_named_in_any_script_geonames_knows_and_a_shared_name_is_refused_with_its_candidates()
 {
    let app = spawn_app_with(None, true).await;
    let editor = demo_token(&app, "editor").await;
    let rows = json!([
        {"city": "กรุงเทพมหานคร", "indicator": "iso37120-2014:5.1", "year": 2019, "value": 1.2, "unit": "%", "source": "a"},
        {"city": "曼谷", "indicator": "iso37120-2014:5.1", "year": 2019, "value": 1.2, "unit": "%", "source": "b"},
        {"city": "กรุงเทพ", "indicator": "iso37120-2014:5.1", "year": 2019, "value": 1.2, "unit": "%", "source": "c"}
    ]);
    let response = api(
        &app,
        Method::POST,
        "/api/v1/observations?dry_run=true",
        Some(&editor),
        Some(rows),
    )
    .await;
    assert_eq!(
        response.status().as_u16(),
        200,
        "{:?}",
        response.text().await
    );
    let written = api(
        &app,
        Method::POST,
        "/api/v1/observations",
        Some(&editor),
        Some(json!([{"city": "กรุงเทพมหานคร", "indicator": "iso37120-2014:5.1", "year": 2019, "value": 1.2, "unit": "%", "source": "a"}])),
    )
    .await;
    assert_eq!(written.status().as_u16(), 200);
    assert_eq!(
        bangkok_values(&app, "iso37120-2014:5.1").await,
        [(2019, 1.2, "a".to_owned())]
    );

    // GeoNames gives the Russian 'Сучжоу' to both Suzhous (and to Jiuquan): refused, with the candidates.
    let shared = json!([{"city": "Сучжоу", "indicator": "iso37120-2014:5.1", "year": 2019, "value": 1.2, "unit": "%"}]);
    let refused = api(
        &app,
        Method::POST,
        "/api/v1/observations?dry_run=true",
        Some(&editor),
        Some(shared),
    )
    .await;
    assert_eq!(refused.status().as_u16(), 422);
    let problem: Value = refused.json().await.expect("json");
    let reason = problem["errors"][0]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        reason.contains("names 3 cities")
            && reason.contains("suzhou-anhui")
            && reason.contains("suzhou-jiangsu"),
        "{reason}"
    );
}

#[tokio::test]
async fn the_forms_show_to_the_citys_editors_only_and_follow_their_government_when_it_moves() {
    let app = spawn_app_with(None, true).await;
    let editor = demo_browser(&app, "editor").await;
    let member = demo_browser(&app, "member").await;
    for path in ["/cities/bangkok", &format!("/organisations/{DEMO_ORG}")] {
        let shown = editor.get(&app, path).await.text().await.expect("page");
        assert!(
            shown.contains(r#"action="/cities/bangkok/observations/check""#),
            "{path}"
        );
        assert!(
            shown.contains(r#"action="/cities/bangkok/observations/value""#),
            "{path}"
        );
        let hidden = member.get(&app, path).await.text().await.expect("page");
        assert!(!hidden.contains("/observations/check"), "{path}");
        let anonymous = app.get_page(path, 200).await;
        assert!(!anonymous.contains("/observations/check"), "{path}");
    }
    let hanoi = editor
        .get(&app, "/cities/hanoi")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        !hanoi.contains("/observations/check"),
        "no form for another city"
    );

    // The government moves to Hanoi and a platform admin approves the move.
    let token = demo_token(&app, "editor").await;
    let moved = api(
        &app,
        Method::PUT,
        &format!("/api/v1/organisations/{DEMO_ORG}"),
        Some(&token),
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

    let value = [
        ("indicator", "iso37120-2014:5.1"),
        ("year", "2020"),
        ("value", "1.4"),
    ];
    let old = editor
        .post(&app, "/cities/bangkok/observations/value", &value)
        .await;
    assert_eq!(old.status().as_u16(), 403, "no longer for the old city");
    let file = b"city,indicator,year,value,unit\nbangkok,iso37120-2014:5.1,2020,1.4,%\n";
    assert_eq!(
        upload(&app, &editor, "bangkok", "v.csv", file)
            .await
            .status()
            .as_u16(),
        403
    );
    let page = editor
        .get(&app, "/cities/bangkok")
        .await
        .text()
        .await
        .expect("page");
    assert!(!page.contains("/observations/check"));
    let new = editor
        .post(&app, "/cities/hanoi/observations/value", &value)
        .await;
    assert_eq!(new.status().as_u16(), 303, "the new city's editors");
}
