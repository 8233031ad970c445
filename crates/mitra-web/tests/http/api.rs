//! The JSON API: resources, pagination, problem details and the OpenAPI contract.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{spawn_app, spawn_app_with};

fn ids(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn the_thai_cities_include_every_thai_ascn_city_with_coordinates_and_population() {
    let app = spawn_app().await;
    let body = app.get_json("/api/v1/cities?country=TH", 200).await;
    let cities = body["cities"].as_array().expect("cities");
    assert!(cities.iter().all(|c| c["country"] == "TH"));
    for id in [
        "bangkok",
        "chiang-mai",
        "chonburi",
        "khon-kaen",
        "phuket",
        "rayong",
    ] {
        let city = cities
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"));
        let networks = city["networks"].as_array().expect("networks");
        assert!(
            networks
                .iter()
                .any(|n| n.as_str().is_some_and(|n| n.starts_with("ascn"))),
            "{id} is ASCN"
        );
        assert!(
            city["coordinates"]["latitude"]
                .as_f64()
                .is_some_and(|lat| (5.0..21.0).contains(&lat)),
            "{id} lat"
        );
        assert!(
            city["coordinates"]["longitude"]
                .as_f64()
                .is_some_and(|lon| (97.0..106.0).contains(&lon)),
            "{id} lon"
        );
        assert!(
            city["population"]["count"].as_u64().is_some_and(|p| p > 0),
            "{id} population"
        );
        assert!(
            city["population"]["source"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{id} source"
        );
    }
    let all_ascn = app
        .get_json("/api/v1/cities?network=ascn&limit=100", 200)
        .await;
    assert_eq!(all_ascn["total"], 31, "both ASCN cohorts");
    let ascn = app
        .get_json("/api/v1/cities?country=th&network=ascn-2024", 200)
        .await;
    assert_eq!(ids(&ascn, "cities"), ["chiang-mai", "khon-kaen", "rayong"]);
}

#[tokio::test]
async fn following_next_cursor_visits_every_city_once_in_id_order() {
    let app = spawn_app().await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/cities?limit=120".to_owned();
    let total = loop {
        let page = app.get_json(&path, 200).await;
        seen.extend(ids(&page, "cities"));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/cities?limit=120&cursor={cursor}"),
            None => break page["total"].as_u64().expect("total"),
        }
    };
    assert_eq!(seen.len() as u64, total);
    assert!(total >= 540);
    let unique: BTreeSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no city twice");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "ordered by id");
}

#[tokio::test]
async fn a_city_comes_with_its_names_and_population_series() {
    let app = spawn_app().await;
    let body = app.get_json("/api/v1/cities/nanning", 200).await;
    let city = &body["city"];
    assert_eq!(city["name"]["en"], "Nanning");
    assert_eq!(city["name"]["zh-Hans"], "南宁");
    assert_eq!(city["networks"], serde_json::json!(["cn-partner"]));
    let series = city["population_series"].as_array().expect("series");
    assert_eq!(series.first().and_then(|p| p["year"].as_i64()), Some(1950));
    assert!(series.iter().any(|p| p["kind"] == "projection"));
    // Nanning lies about 98 km from the Gulf of Tonkin: inland; Xiamen is on the coast.
    assert_eq!(city["coast"], "inland");
    assert!(
        city["coast_km"]
            .as_f64()
            .is_some_and(|km| (90.0..110.0).contains(&km))
    );
    let xiamen = app.get_json("/api/v1/cities/xiamen", 200).await;
    assert_eq!(xiamen["city"]["coast"], "coastal");
}

#[tokio::test]
async fn an_unknown_city_is_a_404_problem() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/cities/atlantis").await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.expect("problem");
    assert_eq!(problem["status"], 404);
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("atlantis"))
    );
}

#[tokio::test]
async fn bad_query_parameters_are_400_problems_naming_the_parameter() {
    let app = spawn_app().await;
    for (path, parameter) in [
        ("/api/v1/cities?cursor=not-a-cursor", "cursor"),
        ("/api/v1/cities?cursor=k1zz", "cursor"),
        ("/api/v1/cities?country=Thailand", "country"),
        ("/api/v1/cities?network=asean", "network"),
        ("/api/v1/cities?limit=0", "limit"),
        ("/api/v1/cities?limit=many", "limit"),
        ("/api/v1/crosswalk?limit=1&limit=2", "query"),
        ("/api/v1/cities/Not%20A%20Slug", "city"),
        ("/api/v1/indicators/nocode", "indicator"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 400, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        let problem: Value = response.json().await.expect("problem");
        assert_eq!(problem["parameter"], parameter, "{path}: {problem}");
    }
}

#[tokio::test]
async fn an_unknown_api_address_is_a_404_problem() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/no-such-thing").await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
}

#[tokio::test]
async fn the_standards_catalogue_lists_each_standard_with_its_indicators() {
    let app = spawn_app().await;
    let body = app.get_json("/api/v1/standards", 200).await;
    let count = |id: &str| {
        body["standards"]
            .as_array()
            .expect("standards")
            .iter()
            .find(|s| s["id"] == id)
            .and_then(|s| s["indicator_count"].as_u64())
    };
    assert_eq!(count("iso37120-2014"), Some(100));
    assert_eq!(count("u4ssc"), Some(91));
    assert!(count("gbt33356-2016").is_some_and(|n| n > 30));
    let indicators = app
        .get_json("/api/v1/standards/u4ssc/indicators", 200)
        .await;
    assert!(ids(&indicators, "indicators").contains(&"u4ssc:EN:EN:AQ:1C".to_owned()));
    app.get_json("/api/v1/standards/iso37120-2014", 200).await;
    app.get_json("/api/v1/standards/iso99999", 404).await;
    app.get_json("/api/v1/standards/iso99999/indicators", 404)
        .await;
}

#[tokio::test]
async fn an_indicator_shows_its_crosswalk_relations_from_its_own_side() {
    let app = spawn_app().await;
    let pm25 = app
        .get_json("/api/v1/indicators/iso37120-2014:8.1", 200)
        .await;
    let relations = pm25["indicator"]["crosswalk"]
        .as_array()
        .expect("crosswalk");
    let air = relations
        .iter()
        .find(|r| r["indicator"] == "u4ssc:EN:EN:AQ:1C")
        .expect("relation to U4SSC air");
    assert_eq!(air["relation"], "narrower");
    assert_eq!(air["basis"], "derived");
    let back = app
        .get_json("/api/v1/indicators/u4ssc:EN:EN:AQ:1C", 200)
        .await;
    let relations = back["indicator"]["crosswalk"]
        .as_array()
        .expect("crosswalk");
    assert!(
        relations
            .iter()
            .any(|r| r["indicator"] == "iso37120-2014:8.1" && r["relation"] == "broader")
    );
    let page = app.get_json("/api/v1/crosswalk?limit=10", 200).await;
    assert_eq!(page["crosswalk"].as_array().map(Vec::len), Some(10));
    assert!(page["next_cursor"].is_string());
}

#[tokio::test]
async fn the_geojson_export_has_a_point_per_city() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/cities.geojson?network=cn-partner").await;
    assert_eq!(response.headers()["content-type"], "application/geo+json");
    let body: Value = response.json().await.expect("geojson");
    assert_eq!(body["type"], "FeatureCollection");
    let features = body["features"].as_array().expect("features");
    assert_eq!(features.len(), 8);
    let kunming = features
        .iter()
        .find(|f| f["id"] == "kunming")
        .expect("Kunming");
    let [lon, lat] = [0, 1].map(|i| {
        kunming["geometry"]["coordinates"][i]
            .as_f64()
            .expect("coordinate")
    });
    assert!(
        (102.0..103.5).contains(&lon) && (24.5..25.5).contains(&lat),
        "GeoJSON order is [lon, lat]"
    );
    let all: Value = app
        .get("/api/v1/cities.geojson")
        .await
        .json()
        .await
        .expect("geojson");
    assert!(all["features"].as_array().is_some_and(|f| f.len() >= 540));
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_matches_its_snapshot() {
    let app = spawn_app().await;
    let doc = app.get_json("/api/v1/openapi.json", 200).await;
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    for path in [
        "/api/v1/cities",
        "/api/v1/cities/{id}",
        "/api/v1/cities.geojson",
        "/api/v1/countries",
        "/api/v1/standards",
        "/api/v1/standards/{id}",
        "/api/v1/standards/{id}/indicators",
        "/api/v1/indicators/{id}",
        "/api/v1/crosswalk",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is not documented");
    }
    insta::assert_json_snapshot!("openapi", doc);
}

#[tokio::test]
async fn probes_answer() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status().as_u16(), 200);
    assert_eq!(ready.text().await.expect("body"), "ready");
}

#[tokio::test]
async fn the_api_answers_the_same_on_every_configured_backend() {
    mitra_store::test_support::for_each_engine(|engine| async move {
        let app = spawn_app_with(Some(engine), false).await;
        let thai = app
            .get_json("/api/v1/cities?country=TH&network=ascn-pilot-2018", 200)
            .await;
        assert_eq!(ids(&thai, "cities"), ["bangkok", "chonburi", "phuket"]);
        let mut seen = 0;
        let mut path = "/api/v1/cities?limit=200".to_owned();
        loop {
            let page = app.get_json(&path, 200).await;
            seen += page["cities"].as_array().map_or(0, Vec::len);
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("/api/v1/cities?limit=200&cursor={c}"),
                None => {
                    assert_eq!(seen as u64, page["total"].as_u64().expect("total"));
                    break;
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn the_crosswalk_exports_as_csv_and_skos_and_platform_admins_edit_it() {
    let app = spawn_app_with(None, true).await;
    let csv = app.get("/api/v1/crosswalk.csv").await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    let text = csv.text().await.expect("text");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("from,from_title,relation,to,to_title,basis,note,source")
    );
    assert!(
        text.contains("iso37120-2014:5.1,City's unemployment rate,equivalent,u4ssc:EC:P:EM:1C")
    );

    let skos = app.get_json("/api/v1/crosswalk.jsonld", 200).await;
    assert_eq!(
        skos["@context"]["skos"],
        "http://www.w3.org/2004/02/skos/core#"
    );
    let concept = |id: &str| {
        skos["@graph"]
            .as_array()
            .expect("graph")
            .iter()
            .find(|c| c["skos:notation"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no concept {id}"))
    };
    let unemployment = concept("iso37120-2014:5.1");
    assert!(
        unemployment["@id"]
            .as_str()
            .expect("iri")
            .ends_with("/indicators/iso37120-2014:5.1")
    );
    assert!(
        unemployment["skos:exactMatch"][0]["@id"]
            .as_str()
            .expect("match")
            .ends_with("/indicators/u4ssc:EC:P:EM:1C")
    );
    // ISO 37120 8.1 (PM2.5) is one component of the U4SSC air-quality KPI: narrower, so the KPI is its broad match.
    let pm25 = concept("iso37120-2014:8.1");
    assert!(
        pm25["skos:broadMatch"][0]["@id"]
            .as_str()
            .expect("match")
            .ends_with("/indicators/u4ssc:EN:EN:AQ:1C"),
        "{pm25}"
    );

    let admin = {
        let browser =
            crate::Browser::signed_in(&app, "admin@demo.mitra.invalid", "demo-password-admin")
                .await;
        crate::create_token(&app, &browser, "write").await
    };
    let put = |body: Value| {
        crate::api(
            &app,
            reqwest::Method::PUT,
            "/api/v1/crosswalk",
            Some(&admin),
            Some(body),
        )
    };
    let same_standard = put(serde_json::json!({
        "from": "iso37120-2014:5.1", "to": "iso37120-2014:5.5", "relation": "related", "basis": "derived", "source": "x"
    }))
    .await;
    assert_eq!(same_standard.status(), 400);
    let unknown = put(serde_json::json!({
        "from": "iso37120-2014:5.1", "to": "u4ssc:NOPE", "relation": "related", "basis": "derived", "source": "x"
    }))
    .await;
    assert_eq!(unknown.status(), 404);
    let changed = put(serde_json::json!({
        "from": "iso37120-2014:5.1", "to": "u4ssc:EC:P:EM:1C", "relation": "broader", "basis": "derived",
        "source": "Review of the U4SSC definition"
    }))
    .await;
    assert_eq!(changed.status(), 200);
    let csv = app
        .get("/api/v1/crosswalk.csv")
        .await
        .text()
        .await
        .expect("text");
    assert!(csv.contains("iso37120-2014:5.1,City's unemployment rate,broader,u4ssc:EC:P:EM:1C"));
    let audit = crate::api(
        &app,
        reqwest::Method::GET,
        "/api/v1/audit?entity=crosswalk",
        Some(&admin),
        None,
    )
    .await
    .json::<Value>()
    .await
    .expect("json");
    assert!(
        audit
            .to_string()
            .contains("iso37120-2014:5.1 u4ssc:EC:P:EM:1C"),
        "{audit}"
    );
    let deleted = crate::api(
        &app,
        reqwest::Method::DELETE,
        "/api/v1/crosswalk?from=iso37120-2014:5.1&to=u4ssc:EC:P:EM:1C",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(deleted.status(), 204);
    let again = crate::api(
        &app,
        reqwest::Method::DELETE,
        "/api/v1/crosswalk?from=iso37120-2014:5.1&to=u4ssc:EC:P:EM:1C",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(again.status(), 404);
}
