//! `/metrics`: closed without a token, open to its bearer only, and counting what the node answers.

use mitra_store::test_support::for_each_engine;

use crate::observations::post_csv;
use crate::{demo_token, spawn_app_configured, spawn_app_with};

const TOKEN: &str = "a-metrics-token-of-some-length";

/// The value of the line of `name` with `labels` in a metrics text.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_are_closed_without_a_token_and_open_to_its_bearer_only() {
    let closed = spawn_app_with(None, false).await;
    assert_eq!(closed.get("/metrics").await.status().as_u16(), 404);
    let app = spawn_app_configured(None, false, mitra_web::Timeouts::default(), |m| {
        m.with_metrics_token(Some(TOKEN.to_owned()))
    })
    .await;
    let anonymous = app.get("/metrics").await;
    assert_eq!(anonymous.status().as_u16(), 401);
    assert!(
        anonymous.headers()["www-authenticate"]
            .to_str()
            .expect("header")
            .starts_with("Bearer")
    );
    for wrong in [
        "Bearer a-metrics-token-of-some-lengtX",
        "Bearer ",
        "a-metrics-token-of-some-length",
    ] {
        let response = app.get_with("/metrics", "authorization", wrong).await;
        assert_eq!(response.status().as_u16(), 401, "{wrong}");
    }
    let open = app
        .get_with("/metrics", "authorization", &format!("Bearer {TOKEN}"))
        .await;
    assert_eq!(open.status().as_u16(), 200);
    assert_eq!(
        open.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_follow_the_change_feed_on_both_engines() {
    for_each_engine(|engine| async move {
        let app = spawn_app_configured(Some(engine), true, mitra_web::Timeouts::default(), |m| {
            m.with_metrics_token(Some(TOKEN.to_owned()))
        })
        .await;
        for path in ["/cities/bangkok", "/cities/hanoi", "/api/v1/cities/bangkok", "/no-such-page"] {
            app.get(path).await;
        }
        let scrape = || async {
            app.get_with("/metrics", "authorization", &format!("Bearer {TOKEN}"))
                .await
                .text()
                .await
                .expect("metrics")
        };
        let text = scrape().await;
        // Two addresses, one route: the labels are the route templates, not what was asked for.
        assert_eq!(
            value(&text, r#"mitra_http_requests_total{route="/cities/{id}",method="GET",status="200"}"#),
            Some(2.0),
            "{text}"
        );
        assert_eq!(
            value(&text, r#"mitra_http_requests_total{route="/api/v1/cities/{id}",method="GET",status="200"}"#),
            Some(1.0),
            "{text}"
        );
        assert!(!text.contains("no-such-page"), "an address without a route is not a label");
        assert_eq!(
            value(
                &text,
                r#"mitra_http_request_duration_seconds_bucket{route="/cities/{id}",method="GET",status="200",le="+Inf"}"#
            ),
            Some(2.0)
        );
        let open = value(&text, r#"mitra_db_pool_connections{state="open"}"#).expect("pool");
        let max = value(&text, r#"mitra_db_pool_connections{state="max"}"#).expect("pool size");
        assert!(open >= 1.0 && open <= max, "{text}");
        let head = value(&text, "mitra_change_feed_head").expect("feed head");
        assert!(head > 0.0, "the demo's writes are in the feed: {text}");
        for follower in ["search", "listings"] {
            let at = value(&text, &format!(r#"mitra_change_feed_position{{follower="{follower}"}}"#))
                .expect("position");
            let lag = value(&text, &format!(r#"mitra_change_feed_lag{{follower="{follower}"}}"#))
                .expect("lag");
            assert_eq!(at + lag, head, "{follower}: {text}");
        }
        // A search brings the search index up to the head.
        app.get("/search?q=flood").await;
        let text = scrape().await;
        assert_eq!(
            value(&text, r#"mitra_change_feed_lag{follower="search"}"#),
            Some(0.0),
            "{text}"
        );
        assert!(value(&text, "mitra_search_index_documents").is_some_and(|d| d > 0.0), "{text}");
        // The scrapes are counted too.
        assert!(text.contains(r#"mitra_http_requests_total{route="/metrics",method="GET",status="200"}"#));

        // Imports: a file written, its rows, a file refused, and a dry run that counts as neither.
        let editor = demo_token(&app, "editor").await;
        let good = "city,indicator,year,value,unit\nbangkok,iso37120-2014:5.1,2021,1.5,%\nbangkok,iso37120-2014:5.1,2022,1.6,%\n";
        let bad = "city,indicator,year,value,unit\natlantis,iso37120-2014:5.1,2021,1.5,%\n";
        assert_eq!(post_csv(&app, "/api/v1/observations", &editor, good).await.status().as_u16(), 200);
        assert_eq!(post_csv(&app, "/api/v1/observations", &editor, bad).await.status().as_u16(), 422);
        assert_eq!(
            post_csv(&app, "/api/v1/observations?dry_run=true", &editor, good).await.status().as_u16(),
            200
        );
        let text = scrape().await;
        for (series, expected) in [
            (r#"mitra_import_files_total{kind="observations",outcome="written"}"#, 1.0),
            (r#"mitra_import_files_total{kind="observations",outcome="refused"}"#, 1.0),
            (r#"mitra_import_rows_total{kind="observations"}"#, 2.0),
            (r#"mitra_import_files_total{kind="entries",outcome="written"}"#, 0.0),
        ] {
            assert_eq!(value(&text, series), Some(expected), "{series}: {text}");
        }
    })
    .await;
}
