//! `/metrics`: what an operator's Prometheus scrapes, in its text format (version 0.0.4). Requests by route, method
//! and status with their latency as a histogram, counted by a middleware over every route (only when a token is
//! configured: a node whose metrics no one may read counts nothing); the database pool; the change feed's head and
//! how far each follower on this node is behind it; the search index's size; the imports run. Open only to a
//! request that carries the configured bearer token; without one configured, there is no `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Extension;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mitra_service::Mitra;

/// The upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The requests answered so far, by route template (never the address asked for: the labels stay few), method and
/// status.
#[derive(Debug, Default)]
pub struct Requests {
    by: Mutex<BTreeMap<(String, String, u16), Latency>>,
}

#[derive(Debug, Default, Clone)]
struct Latency {
    // How many fell at or below each bound of BUCKETS.
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Requests {
    fn record(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let mut by = self
            .by
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let latency = by
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default();
        latency.count += 1;
        latency.sum += seconds;
        for (bucket, bound) in latency.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    fn snapshot(&self) -> BTreeMap<(String, String, u16), Latency> {
        self.by
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// Counts a request and its latency under the route it matched (`unmatched` for an address with no route).
pub async fn count(
    State(requests): State<Arc<Requests>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    requests.record(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`.
pub async fn metrics(
    State(mitra): State<Mitra>,
    Extension(requests): Extension<Arc<Requests>>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = mitra.metrics_token() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|given| crate::auth::constant_time_eq(given, token)) {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return response;
    }
    let operations = match mitra.operations().await {
        Ok(operations) => operations,
        Err(error) => {
            tracing::warn!(error = %error, "metrics.unavailable");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let mut body = String::new();
    write_requests(&mut body, &requests.snapshot());
    write_operations(&mut body, &operations);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// A label value with `\`, `"` and line breaks escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn write_requests(out: &mut String, by: &BTreeMap<(String, String, u16), Latency>) {
    out.push_str(
        "# HELP mitra_http_requests_total Requests answered, by route, method and status.\n",
    );
    out.push_str("# TYPE mitra_http_requests_total counter\n");
    for ((route, method, status), latency) in by {
        let _ = writeln!(
            out,
            "mitra_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {}",
            label(route),
            latency.count
        );
    }
    out.push_str(
        "# HELP mitra_http_request_duration_seconds Time from a request's head to its answer's head.\n",
    );
    out.push_str("# TYPE mitra_http_request_duration_seconds histogram\n");
    for ((route, method, status), latency) in by {
        let labels = format!(
            "route=\"{}\",method=\"{method}\",status=\"{status}\"",
            label(route)
        );
        for (bound, count) in BUCKETS.iter().zip(latency.buckets) {
            let _ = writeln!(
                out,
                "mitra_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "mitra_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            latency.count
        );
        let _ = writeln!(
            out,
            "mitra_http_request_duration_seconds_sum{{{labels}}} {}",
            latency.sum
        );
        let _ = writeln!(
            out,
            "mitra_http_request_duration_seconds_count{{{labels}}} {}",
            latency.count
        );
    }
}

fn write_operations(out: &mut String, operations: &mitra_service::Operations) {
    let family =
        |out: &mut String, name: &str, kind: &str, help: &str, lines: &[(String, String)]| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for (labels, value) in lines {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
    let gauge = |out: &mut String, name: &str, help: &str, lines: &[(String, String)]| {
        family(out, name, "gauge", help, lines);
    };
    let pool = operations.pool;
    gauge(
        out,
        "mitra_db_pool_connections",
        "Database connections of this node's pool: open, idle among them, and the most it opens.",
        &[
            ("{state=\"open\"}".into(), pool.open.to_string()),
            ("{state=\"idle\"}".into(), pool.idle.to_string()),
            ("{state=\"max\"}".into(), pool.max.to_string()),
        ],
    );
    gauge(
        out,
        "mitra_change_feed_head",
        "The newest position of the change feed.",
        &[(String::new(), operations.feed_head.to_string())],
    );
    let positions: Vec<(String, String)> = operations
        .followers
        .iter()
        .map(|(name, at)| (format!("{{follower=\"{name}\"}}"), at.to_string()))
        .collect();
    gauge(
        out,
        "mitra_change_feed_position",
        "The change-feed position each follower on this node reflects.",
        &positions,
    );
    let lags: Vec<(String, String)> = operations
        .followers
        .iter()
        .map(|(name, at)| {
            (
                format!("{{follower=\"{name}\"}}"),
                (operations.feed_head - at).max(0).to_string(),
            )
        })
        .collect();
    gauge(
        out,
        "mitra_change_feed_lag",
        "How many changes each follower on this node has still to apply.",
        &lags,
    );
    let files: Vec<(String, String)> = operations
        .imports
        .iter()
        .flat_map(|count| {
            [
                ("written", count.files_written),
                ("refused", count.files_refused),
            ]
            .map(|(outcome, n)| {
                (
                    format!("{{kind=\"{}\",outcome=\"{outcome}\"}}", count.kind),
                    n.to_string(),
                )
            })
        })
        .collect();
    family(
        out,
        "mitra_import_files_total",
        "counter",
        "Import files this node has written or refused since it started, by kind.",
        &files,
    );
    let rows: Vec<(String, String)> = operations
        .imports
        .iter()
        .map(|count| {
            (
                format!("{{kind=\"{}\"}}", count.kind),
                count.rows_written.to_string(),
            )
        })
        .collect();
    family(
        out,
        "mitra_import_rows_total",
        "counter",
        "Rows (observations) or entries this node's imports have written since it started.",
        &rows,
    );
    if let Some(documents) = operations.index_documents {
        gauge(
            out,
            "mitra_search_index_documents",
            "Entries the search index holds.",
            &[(String::new(), documents.to_string())],
        );
    }
    if let Some(bytes) = operations.index_bytes {
        gauge(
            out,
            "mitra_search_index_bytes",
            "Bytes the search index takes on disk.",
            &[(String::new(), bytes.to_string())],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_falls_in_every_bucket_at_or_above_its_latency() {
        let requests = Requests::default();
        requests.record("/cities/{id}", "GET", 200, 0.03);
        requests.record("/cities/{id}", "GET", 200, 0.2);
        let mut out = String::new();
        write_requests(&mut out, &requests.snapshot());
        let labels = r#"route="/cities/{id}",method="GET",status="200""#;
        assert!(
            out.contains(&format!("mitra_http_requests_total{{{labels}}} 2")),
            "{out}"
        );
        for (bound, count) in [
            ("0.025", 0),
            ("0.05", 1),
            ("0.1", 1),
            ("0.25", 2),
            ("+Inf", 2),
        ] {
            assert!(
                out.contains(&format!(
                    "mitra_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}\n"
                )),
                "{bound}: {out}"
            );
        }
        assert!(out.contains(&format!(
            "mitra_http_request_duration_seconds_count{{{labels}}} 2"
        )));
    }

    #[test]
    fn label_values_escape_quotes_backslashes_and_line_breaks() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
