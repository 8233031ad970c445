//! The opportunities page and API, and the city list's and city page's needs, over HTTP with the demo loaded: what an
//! investor, a solution provider and a city officer see, and the clear errors bad filters get.

use crate::spawn_app_with;

#[tokio::test]
async fn an_investor_filters_funding_calls_by_country_and_amount_in_dollars() {
    let app = spawn_app_with(None, true).await;
    let body = app
        .get_json(
            "/api/v1/opportunities?kind=funding&country=TH&min_usd=400000&max_usd=450000&sort=amount",
            200,
        )
        .await;
    assert_eq!(body["fx"]["date"], "2026-10-30");
    assert_eq!(body["fx"]["currency"], "USD");
    let ids: Vec<&str> = body["opportunities"]
        .as_array()
        .expect("opportunities")
        .iter()
        .map(|o| o["entry"]["id"].as_str().expect("id"))
        .collect();
    // Open to Thailand (or to any country) and meeting USD 400 000–450 000; fund-16 is for ID and MY only.
    assert!(
        ids.contains(&"fund-19") && ids.contains(&"fund-08"),
        "{ids:?}"
    );
    assert!(
        !ids.contains(&"fund-16") && !ids.contains(&"fund-11"),
        "{ids:?}"
    );
    assert_eq!(body["total"], ids.len());
    let first = &body["opportunities"][0];
    assert!(
        first["usd_max"].as_f64().is_some(),
        "sorted by amount, largest first: {first}"
    );
    assert!(first["entry"]["example"].as_bool().is_some());

    let page = app
        .get_page(
            "/opportunities?kind=funding&country=TH&min_usd=400000&max_usd=450000",
            200,
        )
        .await;
    assert!(page.contains("2026-10-30"), "the rates' date is stated");
    assert!(page.contains("href=\"/entries/fund-19\""));
    assert!(!page.contains("href=\"/entries/fund-16\""));
}

#[tokio::test]
async fn a_provider_sees_projects_with_their_publisher_and_readiness() {
    let app = spawn_app_with(None, true).await;
    let page = app
        .get_page(
            "/opportunities?kind=project&city=bangkok&stage=feasibility",
            200,
        )
        .await;
    assert!(page.contains("href=\"/entries/example-project-flood-sensors\""));
    assert!(
        page.contains("href=\"/organisations/demo-organisation-bangkok-city-government-example\""),
        "the publisher is named with a link"
    );
    assert!(page.contains("Readiness:"));
    let declared = app
        .get_page("/opportunities?kind=project&city=bangkok&stage=idea", 200)
        .await;
    assert!(
        declared.contains("<span class=\"years\">2018</span>"),
        "a plan's project says when it was declared"
    );
    assert!(declared.contains("Example, not a current offer or call: from ASEAN Secretariat"));
    let solutions = app.get_page("/opportunities?kind=solution", 200).await;
    assert!(
        solutions.contains("Deployed in "),
        "where a solution is deployed"
    );
    let zh = app
        .get_page("/opportunities?kind=project&city=bangkok&lang=zh-Hans", 200)
        .await;
    assert!(zh.contains("合作机会"));
    let empty = app
        .get_page(
            "/opportunities?kind=solution&maturity=prototype&country=BN",
            200,
        )
        .await;
    assert!(empty.contains("No opportunity matches these filters"));
}

#[tokio::test]
async fn bad_filters_get_a_problem_naming_the_parameter() {
    let app = spawn_app_with(None, true).await;
    for (query, parameter) in [
        ("kind=practice", "kind"),
        ("min_usd=lots", "min_usd"),
        ("min_usd=10&max_usd=5", "min_usd"),
        ("closing_by=tomorrow", "closing_by"),
        ("focus_area=smart_toilets", "focus_area"),
        ("per_page=1000", "per_page"),
        ("colour=red", "colour"),
        ("lang=xx", "lang"),
    ] {
        let response = app.get(&format!("/api/v1/opportunities?{query}")).await;
        assert_eq!(response.status().as_u16(), 400, "{query}");
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        let body: serde_json::Value = response.json().await.expect("problem");
        assert!(body.to_string().contains(parameter), "{query}: {body}");
    }
    let page = app.get("/opportunities?min_usd=lots").await;
    assert_eq!(page.status().as_u16(), 400);
    assert!(page.text().await.expect("page").contains("min_usd"));
}

#[tokio::test]
async fn the_city_list_filters_by_declared_priority_and_a_city_page_shows_its_needs() {
    let app = spawn_app_with(None, true).await;
    let list = app
        .get_json(
            "/api/v1/cities?focus_area=industry_innovation&limit=500",
            200,
        )
        .await;
    let ids: Vec<&str> = list["cities"]
        .as_array()
        .expect("cities")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    assert!(ids.contains(&"bangkok"), "{ids:?}");
    assert!(
        ids.len() < 60,
        "only cities that declared it: {}",
        ids.len()
    );
    let page = app
        .get_page("/cities?focus_area=industry_innovation", 200)
        .await;
    assert!(page.contains("href=\"/cities/bangkok\""));
    let problem = app.get("/api/v1/cities?challenge=boredom").await;
    assert_eq!(problem.status().as_u16(), 400);

    let city = app.get_page("/cities/bangkok", 200).await;
    assert!(city.contains("Needs and opportunities"));
    assert!(city.contains("/opportunities?focus_area=built_infrastructure"));
    assert!(city.contains("href=\"/entries/scap-bangkok-1\""));
    // Links to its practices, projects, events and training, and to the calls open to its country.
    let city = city.replace("&#38;", "&");
    for link in [
        "/search?city=bangkok&kind=practice",
        "/opportunities?city=bangkok&kind=project",
        "/search?city=bangkok&kind=event",
        "/search?city=bangkok&kind=training",
        "/opportunities?kind=funding&country=TH&open=true",
    ] {
        assert!(city.contains(link), "{link}");
    }
}

#[tokio::test]
async fn a_projects_funding_matches_are_eligible_and_explained_on_its_page_and_in_the_api() {
    let app = spawn_app_with(None, true).await;
    let body = app
        .get_json("/api/v1/entries/example-project-flood-sensors/matches", 200)
        .await;
    assert_eq!(body["kind"], "project");
    let calls = body["entries"].as_array().expect("calls");
    assert!(!calls.is_empty(), "{body}");
    for call in calls {
        assert_eq!(call["kind"], "funding");
        let reasons = call["reasons"].as_array().expect("reasons");
        // Thailand is eligible (listed, or open to all), and every reason is said in words.
        assert!(
            reasons.iter().any(
                |r| r["reason"] == "country-eligible" && r["country"] == "TH"
                    || r["reason"] == "open-to-all-countries"
            ),
            "{call}"
        );
        assert!(
            reasons
                .iter()
                .all(|r| r["text"].as_str().is_some_and(|t| t.ends_with('.')))
        );
        let score = call["score"].as_f64().expect("score");
        assert!((0.0..=1.0).contains(&score));
    }
    let scores: Vec<f64> = calls.iter().filter_map(|c| c["score"].as_f64()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first");
    let again = app
        .get_json("/api/v1/entries/example-project-flood-sensors/matches", 200)
        .await;
    assert_eq!(body, again, "deterministic");

    let page = app
        .get_page("/entries/example-project-flood-sensors", 200)
        .await;
    assert!(page.contains("Funding calls that fit"));
    assert!(page.contains("Fit "));
    let first = calls[0]["id"].as_str().expect("id");
    assert!(page.contains(&format!("href=\"/entries/{first}\"")));

    let practice = app.get("/api/v1/entries/asean-26/matches").await;
    assert_eq!(
        practice.status().as_u16(),
        404,
        "practices are not matched: a practice has no matches"
    );
    let missing = app.get("/api/v1/entries/no-such-entry/matches").await;
    assert_eq!(missing.status().as_u16(), 404);
}

#[tokio::test]
async fn a_city_gets_solutions_practices_and_training_and_a_solution_gets_cities_and_projects() {
    let app = spawn_app_with(None, true).await;
    let body = app.get_json("/api/v1/cities/bangkok/matches", 200).await;
    let needs = &body["needs"];
    assert!(
        needs["focus_areas"]
            .as_array()
            .is_some_and(|a| a.iter().any(|f| f == "built_infrastructure")),
        "{needs}"
    );
    let offers = body["offers"].as_array().expect("offers");
    assert!(!offers.is_empty(), "{body}");
    assert!(
        offers
            .iter()
            .all(|o| o["kind"] == "practice" || o["kind"] == "solution")
    );
    let page = app.get_page("/cities/bangkok", 200).await;
    assert!(page.contains("Solutions and practices for its needs"));
    assert!(page.contains("Training for its gaps"));
    let zh = app.get_page("/cities/bangkok?lang=zh-Hans", 200).await;
    assert!(zh.contains("满足其需求的解决方案和实践"));

    let solution = app
        .get_json(
            "/api/v1/entries/example-solution-air-sensor-kit/matches",
            200,
        )
        .await;
    assert_eq!(solution["kind"], "solution");
    let cities = solution["cities"].as_array().expect("cities");
    assert!(!cities.is_empty(), "{solution}");
    let page = app
        .get_page("/entries/example-solution-air-sensor-kit", 200)
        .await;
    assert!(page.contains("Cities that need it"));
    assert!(page.contains("Projects that need it"));
    let unknown = app.get("/api/v1/cities/atlantis/matches").await;
    assert_eq!(unknown.status().as_u16(), 404);
}
