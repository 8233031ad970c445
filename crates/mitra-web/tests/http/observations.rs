//! Observations through the API: batch import with row-level problems, dry runs, listing and review.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{TestApp, api, demo_token, spawn_app_with};

pub(crate) async fn post_csv(
    app: &TestApp,
    path: &str,
    token: &str,
    body: &str,
) -> reqwest::Response {
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
    let editor = demo_token(&app, "editor").await;
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
    let verifier = demo_token(&app, "verifier").await;
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
    let editor = demo_token(&app, "editor").await;
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
    assert_eq!(ranking["unit"], "µg/m³");
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

    assert_eq!(
        ranking["values"], "verified",
        "rankings use verified values unless asked"
    );
    assert_ne!(cities[0]["city"], "bangkok");

    // Bangkok's city government corrects its value, from the same source, to a very clean one: changed, it is
    // submitted again, ranked among all values at once, but among verified ones only once a verifier has checked it.
    let editor = demo_token(&app, "editor").await;
    let file = "city,indicator,year,value,unit,source\n\
                bangkok,iso37120-2014:8.1,2019,0.5,µg/m³,WHO Ambient Air Quality Database 2022 (v5)\n";
    assert_eq!(
        post_csv(&app, "/api/v1/observations", &editor, file)
            .await
            .status()
            .as_u16(),
        200
    );
    let ranking_of = |values: &'static str| {
        let app = &app;
        async move {
            app.get_json(
                &format!(
                    "/api/v1/rankings?indicator=iso37120-2014:8.1&year=2019&group_by=country&group=TH&values={values}"
                ),
                200,
            )
            .await
        }
    };
    let all = ranking_of("all").await;
    assert_eq!(all["cities"][0]["city"], "bangkok", "{all}");
    let n = all["cities"].as_array().expect("cities").len() as f64;
    let best = 100.0 * (n - 0.5) / n;
    assert!((all["cities"][0]["percentile"].as_f64().expect("percentile") - best).abs() < 1e-4);
    let verified = ranking_of("verified").await;
    assert!(
        verified["cities"]
            .as_array()
            .expect("cities")
            .iter()
            .all(|c| c["city"] != "bangkok"),
        "not yet verified: Bangkok's changed value is not ranked publicly: {verified}"
    );
    let submitted = app
        .get_json(
            "/api/v1/observations?city=bangkok&indicator=iso37120-2014:8.1&year=2019&status=submitted",
            200,
        )
        .await;
    let id = submitted["observations"][0]["id"].as_i64().expect("id");
    let verifier = demo_token(&app, "verifier").await;
    let review = api(
        &app,
        Method::POST,
        &format!("/api/v1/observations/{id}/review"),
        Some(&verifier),
        Some(json!({"status": "verified"})),
    )
    .await;
    assert_eq!(review.status().as_u16(), 200);
    let verified = ranking_of("verified").await;
    assert_eq!(
        verified["cities"][0]["city"], "bangkok",
        "verified, it is ranked"
    );

    let benchmarks = app
        .get_json("/api/v1/cities/bangkok/benchmarks?group_by=tier", 200)
        .await;
    assert_eq!(
        benchmarks["tier"], "tier-2",
        "Thailand is upper-middle income and Bangkok has over 1 million people"
    );
    let admin = demo_token(&app, "admin").await;
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
async fn small_groups_are_not_ranked_and_the_default_year_has_enough_cities() {
    let app = spawn_app_with(None, true).await;
    // PM2.5 by country: groups with fewer than five cities that year are listed, not ranked.
    let ranking = app
        .get_json(
            "/api/v1/rankings?indicator=iso37120-2014:8.1&group_by=country",
            200,
        )
        .await;
    assert_eq!(ranking["min_group_size"], 5);
    let year = ranking["year"].as_i64().expect("a year");
    let cities = ranking["cities"].as_array().expect("cities");
    assert!(
        !cities.is_empty(),
        "the default year has a group to rank: {ranking}"
    );
    let mut per_group = std::collections::HashMap::<String, usize>::new();
    for c in cities {
        *per_group
            .entry(c["group"].as_str().expect("group").to_owned())
            .or_default() += 1;
    }
    assert!(
        per_group.values().all(|n| *n >= 5),
        "every ranked group has five cities or more: {per_group:?}"
    );
    for small in ranking["groups_too_small"].as_array().expect("too small") {
        assert!(small["cities"].as_u64().expect("count") < 5);
        assert!(!per_group.contains_key(small["group"].as_str().expect("group")));
    }
    // A year and group with a single city: nothing is ranked, and the group is named.
    let years: Vec<i64> = ranking["years"]
        .as_array()
        .expect("years")
        .iter()
        .filter_map(serde_json::Value::as_i64)
        .collect();
    assert!(years.contains(&year));
    let lone = app
        .get_json(
            "/api/v1/rankings?indicator=iso37120-2014:8.1&group_by=country&group=SG&year=2016",
            200,
        )
        .await;
    assert_eq!(lone["cities"], json!([]), "{lone}");
    assert!(
        lone["groups_too_small"]
            .as_array()
            .expect("too small")
            .iter()
            .all(|g| g["group"] == "SG" && g["cities"].as_u64() < Some(5)),
        "{lone}"
    );
    // Benchmarks: no percentile and no median from a group too small.
    let benchmarks = app
        .get_json("/api/v1/cities/singapore/benchmarks?group_by=country", 200)
        .await;
    for b in benchmarks["benchmarks"].as_array().expect("benchmarks") {
        if b["group_size"].as_u64() < Some(5) {
            assert!(
                b["percentile"].is_null() && b["group_median"].is_null(),
                "{b}"
            );
        }
    }
    // A profile says how many indicators its score rests on, and calls a thin one provisional.
    let profile = app.get_json("/api/v1/cities/bangkok/profile", 200).await;
    let rated = profile["indicators_rated"].as_u64().expect("rated");
    let applicable = profile["indicators_applicable"]
        .as_u64()
        .expect("applicable");
    assert!(rated <= applicable && applicable > 0, "{profile}");
    assert_eq!(
        profile["provisional"].as_bool(),
        Some(profile["overall"].is_number() && (rated as f64) < 0.5 * applicable as f64),
        "{profile}"
    );
}

#[tokio::test]
async fn an_assessment_names_the_level_the_next_one_and_what_is_missing() {
    let app = spawn_app_with(None, true).await;
    let editor = demo_token(&app, "editor").await;
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
