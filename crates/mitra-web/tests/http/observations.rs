//! Observations through the API: batch import with row-level problems, dry runs, listing and review.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{Browser, TestApp, api, create_token, spawn_app_with};

async fn token(app: &TestApp, who: &str) -> String {
    let (email, password, ..) = mitra_service::DEMO_ACCOUNTS
        .iter()
        .find(|(email, ..)| email.starts_with(&format!("{who}@")))
        .expect("demo account");
    let browser = Browser::signed_in(app, email, password).await;
    create_token(app, &browser, "write").await
}

async fn post_csv(app: &TestApp, path: &str, token: &str, body: &str) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body.to_owned())
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn a_batch_with_bad_rows_is_refused_with_every_row_named_and_writes_nothing() {
    let app = spawn_app_with(None, true).await;
    let editor = token(&app, "editor").await;
    let file = "city;indicator;year;value;unit\r\n\
                bangkok;iso37120-2014:5.1;2021;1,5;%\r\n\
                bangkok;iso37120-2014:5.1;2022;-4;%\r\n\
                bangkok;iso37120-2014:nope;2022;4;%\r\n\
                bangkok;iso37120-2014:5.1;2023;4;kg\r\n";
    let response = post_csv(&app, "/api/v1/observations", &editor, file).await;
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.expect("json");
    let rows: Vec<(u64, &str)> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().expect("line"),
                e["column"].as_str().expect("column"),
            )
        })
        .collect();
    assert_eq!(rows, [(3, "value"), (4, "indicator"), (5, "unit")]);
    let listed = app
        .get_json(
            "/api/v1/observations?city=bangkok&indicator=iso37120-2014:5.1",
            200,
        )
        .await;
    assert_eq!(listed["observations"], json!([]), "nothing was written");

    let good = "city;indicator;year;value;unit\r\nbangkok;iso37120-2014:5.1;2021;1,5;%\r\n";
    let dry = post_csv(&app, "/api/v1/observations?dry_run=true", &editor, good).await;
    assert_eq!(dry.status().as_u16(), 200);
    let dry: Value = dry.json().await.expect("json");
    assert_eq!(
        (dry["rows"].as_u64(), dry["written"].as_u64()),
        (Some(1), Some(0))
    );
    let done: Value = post_csv(&app, "/api/v1/observations", &editor, good)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(done["written"], 1);
    let listed = app
        .get_json(
            "/api/v1/observations?city=bangkok&indicator=iso37120-2014:5.1",
            200,
        )
        .await;
    let stored = &listed["observations"][0];
    assert_eq!(
        (stored["value"].as_f64(), stored["status"].as_str()),
        (Some(1.5), Some("submitted"))
    );

    // A verifier rejects it with a reason; the reason is visible.
    let verifier = token(&app, "verifier").await;
    let id = stored["id"].as_i64().expect("id");
    let path = format!("/api/v1/observations/{id}/review");
    let refused = api(
        &app,
        Method::POST,
        &path,
        Some(&verifier),
        Some(json!({"status": "rejected"})),
    )
    .await;
    assert_eq!(refused.status().as_u16(), 400);
    let reviewed = api(
        &app,
        Method::POST,
        &path,
        Some(&verifier),
        Some(json!({"status": "rejected", "reason": "The survey covers the province, not the city."})),
    )
    .await;
    assert_eq!(reviewed.status().as_u16(), 200);
    let reviewed: Value = reviewed.json().await.expect("json");
    assert_eq!(reviewed["observation"]["status"], "rejected");
    assert!(app.get("/api/v1/observations?year=nineteen").await.status() == 400);
    // A well-formed cursor of another listing (a city id) is refused, not an internal error.
    let foreign = app.get("/api/v1/observations?cursor=k1616263").await;
    assert_eq!(foreign.status().as_u16(), 400);
    let problem: Value = foreign.json().await.expect("json");
    assert_eq!(problem["parameter"], "cursor");
    let bad_flag = post_csv(&app, "/api/v1/observations?dry_run=maybe", &editor, good).await;
    assert_eq!(bad_flag.status().as_u16(), 400);
}

#[tokio::test]
async fn a_file_of_millions_of_empty_rows_gets_a_short_answer_naming_the_first_hundred_problems() {
    let app = spawn_app_with(None, true).await;
    let editor = token(&app, "editor").await;
    // 4 MiB of rows with nothing in them: a million rows, four problems each.
    let mut file = String::from("city,indicator,year,value\n");
    while file.len() < 4 * 1024 * 1024 {
        file.push_str(",,,\n");
    }
    let rows = (file.len() - 26) / 4;
    for (path, token) in [
        ("/api/v1/observations?dry_run=true", editor.as_str()),
        ("/api/v1/observations", editor.as_str()),
    ] {
        let response = post_csv(&app, path, token, &file).await;
        assert_eq!(response.status().as_u16(), 422, "{path}");
        let body = response.bytes().await.expect("body");
        assert!(
            body.len() < 64 * 1024,
            "{path}: the answer is {} bytes",
            body.len()
        );
        let problem: Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(problem["errors"].as_array().expect("errors").len(), 100);
        assert_eq!(problem["error_rows"].as_u64(), Some(rows as u64));
        assert_eq!(problem["errors"][0]["line"], 2);
        let detail = problem["detail"].as_str().expect("detail");
        assert!(
            detail.contains(&format!("and {} more rows with errors", rows - 25)),
            "{detail}"
        );
    }
    let entries = app
        .client
        .post(app.url(
            "/api/v1/entries/import?org=demo-organisation-bangkok-city-government-example&dry_run=true",
        ))
        .bearer_auth(&editor)
        .header("content-type", "text/csv")
        .body(
            std::iter::once("id,lang,title,summary\n")
                .chain(std::iter::repeat_n(",,,\n", 300_000))
                .collect::<String>(),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(entries.status().as_u16(), 422);
    let problem: Value = entries.json().await.expect("json");
    assert_eq!(problem["errors"].as_array().expect("errors").len(), 100);
    assert_eq!(problem["error_rows"].as_u64(), Some(300_000));
}

#[tokio::test]
async fn the_demo_has_real_population_and_air_quality_values_with_their_sources() {
    let app = spawn_app_with(None, true).await;
    let pm25 = app
        .get_json(
            "/api/v1/observations?indicator=iso37120-2014:8.1&limit=500",
            200,
        )
        .await;
    let rows = pm25["observations"].as_array().expect("rows");
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|o| {
        o["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("WHO Ambient Air Quality Database"))
    }));
    let bangkok = app
        .get_json(
            "/api/v1/observations?city=bangkok&indicator=mitra:population&year=2015",
            200,
        )
        .await;
    assert_eq!(bangkok["observations"][0]["unit"], "persons");
    assert!(bangkok["observations"][0]["value"].as_f64().expect("value") > 9.0e6);
}

#[tokio::test]
async fn rankings_respect_direction_and_follow_new_values_and_tier_overrides() {
    let app = spawn_app_with(None, true).await;
    let ranking = app
        .get_json(
            "/api/v1/rankings?indicator=iso37120-2014:8.1&year=2019&group_by=country&group=TH",
            200,
        )
        .await;
    assert_eq!(ranking["direction"], "lower");
    assert_eq!(
        ranking["unit"], "µg/m³",
        "ISO 37120 8.1 states no unit in the shipped list; the reported one is shown"
    );
    let cities = ranking["cities"].as_array().expect("cities");
    assert!(cities.len() >= 2, "{ranking}");
    let values: Vec<f64> = cities
        .iter()
        .map(|c| c["value"].as_f64().expect("value"))
        .collect();
    assert!(
        values.windows(2).all(|w| w[0] <= w[1]),
        "best (lowest PM2.5) first: {values:?}"
    );
    assert!(cities.iter().all(|c| c["country"] == "TH"));

    // A new, very clean value for Bangkok moves it to the top as soon as it is imported.
    let editor = token(&app, "editor").await;
    let file = "city,indicator,year,value,unit,source\nbangkok,iso37120-2014:8.1,2019,0.5,µg/m³,Test station\n";
    assert_eq!(
        post_csv(&app, "/api/v1/observations", &editor, file)
            .await
            .status()
            .as_u16(),
        200
    );
    let ranking = app
        .get_json(
            "/api/v1/rankings?indicator=iso37120-2014:8.1&year=2019&group_by=country&group=TH",
            200,
        )
        .await;
    let first = &ranking["cities"][0];
    assert_eq!(first["city"], "bangkok", "{ranking}");
    let n = ranking["cities"].as_array().expect("cities").len() as f64;
    let best = 100.0 * (n - 0.5) / n;
    assert!((first["percentile"].as_f64().expect("percentile") - best).abs() < 1e-4);

    let benchmarks = app
        .get_json("/api/v1/cities/bangkok/benchmarks?group_by=tier", 200)
        .await;
    assert_eq!(
        benchmarks["tier"], "tier-2",
        "Thailand is upper-middle income and Bangkok has over 1 million people"
    );
    let admin = token(&app, "admin").await;
    let set = api(
        &app,
        Method::PUT,
        "/api/v1/cities/bangkok/tier",
        Some(&admin),
        Some(json!({"tier": "tier-1"})),
    )
    .await;
    assert_eq!(set.status().as_u16(), 204);
    let benchmarks = app
        .get_json("/api/v1/cities/bangkok/benchmarks?group_by=tier", 200)
        .await;
    assert_eq!(benchmarks["tier"], "tier-1");
    let bad = api(
        &app,
        Method::PUT,
        "/api/v1/cities/bangkok/tier",
        Some(&admin),
        Some(json!({"tier": "tier-9"})),
    )
    .await;
    assert_eq!(bad.status().as_u16(), 400);
    assert_eq!(
        app.get("/api/v1/rankings?indicator=iso37120-2014:8.1&group_by=galaxy")
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn an_assessment_names_the_level_the_next_one_and_what_is_missing() {
    let app = spawn_app_with(None, true).await;
    let editor = token(&app, "editor").await;
    // Unemployment reported under the U4SSC KPI the crosswalk makes equivalent to ISO 37120 5.1.
    let file = "city,indicator,year,value,unit,source\n\
                bangkok,u4ssc:EC:P:EM:1C,2019,1.0,%,NSO\n\
                bangkok,iso37120-2014:5.3,2019,130,%,NSO\n";
    let refused = post_csv(&app, "/api/v1/observations", &editor, file).await;
    assert_eq!(refused.status().as_u16(), 422, "130 % is refused at import");
    let file = "city,indicator,year,value,unit,source\nbangkok,u4ssc:EC:P:EM:1C,2019,1.0,%,NSO\n";
    assert_eq!(
        post_csv(&app, "/api/v1/observations", &editor, file)
            .await
            .status()
            .as_u16(),
        200
    );
    let body = app
        .get_json(
            "/api/v1/cities/bangkok/assessment?standard=iso37120-2014&year=2019",
            200,
        )
        .await;
    let a = &body["assessment"];
    assert_eq!(a["year"], 2019);
    assert!(
        a["scheme_note"]
            .as_str()
            .expect("note")
            .contains("not a certification")
    );
    let recognised: Vec<&Value> = a["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| !i["recognised_from"].is_null())
        .collect();
    assert_eq!(recognised.len(), 1);
    assert_eq!(recognised[0]["indicator"], "iso37120-2014:5.1");
    assert_eq!(recognised[0]["recognised_from"], "u4ssc:EC:P:EM:1C");
    let core = a["counts"]["core"][0].as_u64().expect("core count");
    let gap = &a["next_level"]["missing"][0];
    assert_eq!(gap["kind"], "core");
    assert_eq!(
        gap["needed"].as_u64(),
        Some(12 - core),
        "the first level asks for 12 core indicators"
    );
    assert_eq!(
        gap["indicators"].as_array().expect("missing").len() as u64,
        46 - core
    );
    assert_eq!(
        app.get("/api/v1/cities/bangkok/assessment?standard=gbt33356-2016")
            .await
            .status(),
        400
    );
    assert_eq!(
        app.get("/api/v1/cities/atlantis/assessment").await.status(),
        404
    );
}

#[tokio::test]
async fn a_profile_scores_focus_areas_within_the_tier_and_weights_declared_priorities() {
    let app = spawn_app_with(None, true).await;
    let profile = app.get_json("/api/v1/cities/bangkok/profile", 200).await;
    assert_eq!(profile["tier"], "tier-2");
    assert_eq!(
        profile["priorities"],
        json!([
            "quality_environment",
            "built_infrastructure",
            "industry_innovation"
        ])
    );
    let areas = profile["areas"].as_array().expect("areas");
    assert_eq!(areas.len(), 6);
    let environment = areas
        .iter()
        .find(|a| a["focus_area"] == "quality_environment")
        .expect("area");
    assert_eq!(environment["weight"], 2.0);
    // Tier 2 is measured on core and supporting indicators: the environment theme has 8 of them, PM2.5 and PM10
    // among them; the score is the mean of the known percentiles.
    let known: Vec<f64> = environment["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .filter_map(|i| i[1].as_f64())
        .collect();
    assert!(!known.is_empty());
    let mean = known.iter().sum::<f64>() / known.len() as f64;
    assert!((environment["score"].as_f64().expect("score") - mean).abs() < 1e-9);
    // Only areas with a score count in the overall score.
    let (sum, weight) = areas
        .iter()
        .filter_map(|a| {
            Some((
                a["score"].as_f64()? * a["weight"].as_f64()?,
                a["weight"].as_f64()?,
            ))
        })
        .fold((0.0, 0.0), |(s, w), (ds, dw)| (s + ds, w + dw));
    assert!((profile["overall"].as_f64().expect("overall") - sum / weight).abs() < 1e-9);
    assert_eq!(
        app.get("/api/v1/cities/atlantis/profile").await.status(),
        404
    );
}
