//! Partner recommendations and the recorded sister-city ties over HTTP, with the demo loaded.

use crate::spawn_app_with;

#[tokio::test]
async fn an_asean_city_gets_explained_chinese_partners_and_sees_its_recorded_ties() {
    let app = spawn_app_with(None, true).await;
    let body = app.get_json("/api/v1/cities/bangkok/partners", 200).await;
    let partners = body["partners"].as_array().expect("partners");
    assert!(!partners.is_empty(), "{body}");
    let cities = app
        .get_json("/api/v1/cities?country=CN&limit=500", 200)
        .await;
    let chinese: Vec<&str> = cities["cities"]
        .as_array()
        .expect("cities")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    for p in partners {
        let id = p["id"].as_str().expect("id");
        assert!(chinese.contains(&id), "ASEAN ↔ China by default: {id}");
        let score = p["score"].as_f64().expect("score");
        let product = p["complementarity"].as_f64().expect("c")
            * p["similarity"].as_f64().expect("s")
            * p["tie"].as_f64().expect("t");
        assert!((score - product).abs() < 1e-9, "{p}");
        let reasons = p["reasons"].as_array().expect("reasons");
        assert!(reasons.iter().all(|r| r["text"].as_str().is_some()));
        if p["tie"] == 0.5 {
            assert!(reasons.iter().any(|r| r["reason"] == "tie-exists"), "{p}");
        }
    }
    let scores: Vec<f64> = partners
        .iter()
        .filter_map(|p| p["score"].as_f64())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first");
    assert_eq!(
        body,
        app.get_json("/api/v1/cities/bangkok/partners", 200).await,
        "deterministic"
    );
    // Bangkok and Beijing are sister cities in Wikipedia's lists.
    assert!(
        body["ties"]
            .as_array()
            .is_some_and(|t| t.iter().any(|c| c == "beijing")),
        "{body}"
    );
    let any = app
        .get_json("/api/v1/cities/bangkok/partners?pairs=any", 200)
        .await;
    assert!(any["partners"].as_array().is_some_and(|p| !p.is_empty()));
    let bad = app
        .get("/api/v1/cities/bangkok/partners?pairs=everyone")
        .await;
    assert_eq!(bad.status().as_u16(), 400);
    assert_eq!(
        app.get("/api/v1/cities/atlantis/partners")
            .await
            .status()
            .as_u16(),
        404
    );

    let page = app.get_page("/cities/bangkok", 200).await;
    assert!(page.contains("Recommended partner cities"));
    // Its recorded ties are partnerships of its own, listed with a link to each.
    assert!(page.contains("id=\"ties-heading\">Partnerships<"));
    assert!(page.contains("Bangkok – Beijing</a>"));
    assert!(page.contains("href=\"/partnerships/"));
    let zh = app.get_page("/cities/bangkok?lang=zh-Hans", 200).await;
    assert!(zh.contains("推荐的伙伴城市"));
}

#[tokio::test]
async fn the_recorded_ties_report_says_what_every_name_resolved_to() {
    let app = spawn_app_with(None, true).await;
    let report = app.get_json("/api/v1/partnerships/recorded", 200).await;
    assert_eq!(report["summary"]["rows"], 158);
    let rows = report["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 158);
    let outcomes: Vec<&str> = rows
        .iter()
        .flat_map(|r| r["sides"].as_array().into_iter().flatten())
        .filter_map(|s| s["outcome"]["outcome"].as_str())
        .collect();
    assert_eq!(
        outcomes.len(),
        316,
        "both sides of every row have an outcome"
    );
    for kind in ["matched", "province", "not-in-city-list", "ambiguous"] {
        assert!(outcomes.contains(&kind), "{kind}: {report}");
    }
    let ties = report["ties"].as_array().expect("ties");
    assert_eq!(report["summary"]["ties"], ties.len());
    assert!(
        report["source"]
            .as_str()
            .is_some_and(|s| s.contains("CC BY-SA 4.0"))
    );
}
