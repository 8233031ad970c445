//! Any request to the API (any operation its description lists, with any path segments, query string and body, signed
//! in or not) answers with a success or a problem, never a server error; a problem is `application/problem+json`,
//! carries the response's status, and says what was wrong in bounded words. Runs `MITRA_FUZZ_CASES` requests (256
//! unless set; long runs set more).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::Method;
use serde_json::Value;

use crate::{demo_token, spawn_app_with};

/// The longest problem body, in bytes: what was wrong is said, and what was sent is quoted only in part.
const MOST_PROBLEM_BYTES: usize = 8 * 1024;

fn cases() -> u32 {
    std::env::var("MITRA_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// One operation of the API description: its method, its path with `{parameters}`, and its query parameters.
#[derive(Debug, Clone)]
struct Operation {
    method: Method,
    path: String,
    query: Vec<String>,
}

fn operations(description: &Value) -> Vec<Operation> {
    let mut found = Vec::new();
    let paths = description["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let query = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect();
            found.push(Operation {
                method,
                path: path.clone(),
                query,
            });
        }
    }
    found
}

/// `raw` percent-encoded for a path segment or a query string: only unreserved characters stay as they are.
fn encoded(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A path parameter: ids that exist in the demo, ids that could, or any text.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "bangkok",
            "nanning",
            "iso37120-2014:5.1",
            "u4ssc:EN-1",
            "1",
            "0",
            "-1",
            "99999999999999999999",
            "",
        ])
        .prop_map(str::to_owned),
        "[a-z0-9:.-]{1,40}",
        ".{0,80}",
    ]
}

/// A query value: numbers near and past the bounds, dates, booleans, or any text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "0",
            "1",
            "-1",
            "20",
            "500",
            "501",
            "1e9",
            "NaN",
            "true",
            "yes",
            "2024",
            "2024-02-30",
            "bangkok",
            "th",
            "zh-Hans",
        ])
        .prop_map(str::to_owned),
        ".{0,60}",
    ]
}

/// A body: any bytes, any text, or a JSON object of likely field names with values of any type.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        prop::sample::select(vec![
            "id",
            "kind",
            "texts",
            "cities",
            "city",
            "indicator",
            "year",
            "value",
            "unit",
            "title",
            "summary",
            "status",
            "reason",
            "details",
            "name",
            "email",
            "message",
            "org",
        ])
        .prop_map(str::to_owned),
        ".{0,12}",
    ];
    let json_value = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
        prop::collection::vec(".{0,10}".prop_map(Value::String), 0..4).prop_map(Value::Array),
    ];
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        ".{0,300}".prop_map(String::into_bytes),
        prop::collection::btree_map(field, json_value, 0..8).prop_map(|object| {
            serde_json::to_vec(&object).expect("a map of JSON values is JSON")
        }),
    ]
}

/// One request: which operation, its path segments, its query, its body and type, and whether it is signed.
type Request = (
    usize,
    Vec<String>,
    Vec<(usize, String)>,
    Vec<u8>,
    &'static str,
    bool,
);

fn request(operations: usize) -> impl Strategy<Value = Request> {
    (
        0..operations,
        prop::collection::vec(segment(), 3),
        prop::collection::vec((0..8usize, value()), 0..5),
        body(),
        prop::sample::select(vec![
            "application/json",
            "text/csv",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/plain",
        ]),
        any::<bool>(),
    )
}

#[test]
fn any_request_to_the_api_answers_with_a_success_or_a_bounded_problem() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (app, token, description) = runtime.block_on(async {
        let app = spawn_app_with(None, true).await;
        let token = demo_token(&app, "editor").await;
        let description = app.get_json("/api/v1/openapi.json", 200).await;
        (app, token, description)
    });
    let operations = operations(&description);
    assert!(operations.len() > 40, "the API's operations are read");
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(
        &request(operations.len()),
        |(at, segments, query, body, content_type, signed)| {
            let operation = &operations[at];
            // Each `{parameter}` of the path takes the next segment.
            let mut path = String::new();
            let mut rest = operation.path.as_str();
            let mut next = segments.iter();
            while let Some(open) = rest.find('{') {
                path.push_str(&rest[..open]);
                path.push_str(&encoded(next.next().map_or("x", String::as_str)));
                rest = rest[open..].split_once('}').map_or("", |(_, after)| after);
            }
            path.push_str(rest);
            let names = &operation.query;
            let query: Vec<String> = query
                .iter()
                .map(|(name, value)| {
                    let name = names.get(*name).map_or("q", String::as_str);
                    format!("{}={}", encoded(name), encoded(value))
                })
                .collect();
            if !query.is_empty() {
                path = format!("{path}?{}", query.join("&"));
            }
            let (status, content, problem) = runtime.block_on(async {
                let mut sent = app
                    .client
                    .request(operation.method.clone(), app.url(&path))
                    .header("content-type", content_type)
                    .body(body);
                if signed {
                    sent = sent.bearer_auth(&token);
                }
                let response = sent.send().await.expect("an answer");
                let status = response.status().as_u16();
                let content = response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                (status, content, response.bytes().await.expect("a body"))
            });
            let what = format!("{} {path}", operation.method);
            prop_assert!(status < 500, "{what}: {status}");
            if status >= 400 {
                prop_assert_eq!(&content, "application/problem+json", "{}: {}", what, status);
                prop_assert!(
                    problem.len() <= MOST_PROBLEM_BYTES,
                    "{what}: a problem of {} bytes",
                    problem.len()
                );
                let problem: Value = serde_json::from_slice(&problem)
                    .map_err(|e| TestCaseError::fail(format!("{what}: not JSON: {e}")))?;
                prop_assert_eq!(
                    problem["status"].as_u64(),
                    Some(u64::from(status)),
                    "{}",
                    what
                );
                prop_assert!(
                    problem["title"].as_str().is_some_and(|t| !t.is_empty()),
                    "{what}: a title"
                );
            }
            Ok(())
        },
    );
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    runtime.block_on(async move { drop(app) });
}

#[tokio::test]
async fn an_address_or_a_method_the_api_does_not_have_is_a_problem() {
    let app = spawn_app_with(None, false).await;
    // `/entries/./approve` is `/entries/approve` once the dot is resolved: the address of an entry, which has no POST.
    for (method, path, status) in [
        (Method::POST, "/api/v1/entries/approve", 405),
        (Method::PATCH, "/api/v1/cities", 405),
        (Method::GET, "/api/v1/nothing/here", 404),
        // `/api/v1/standards/..` once resolved.
        (Method::GET, "/api/v1/", 404),
        (Method::GET, "/api/v2/cities", 404),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status().as_u16(), status, "{method} {path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{method} {path}"
        );
        if status == 405 {
            let allow = response.headers()["allow"].to_str().expect("allow");
            assert!(allow.contains("GET"), "{method} {path}: Allow: {allow}");
        }
        let problem: Value = response.json().await.expect("a problem");
        assert_eq!(problem["status"], status);
    }
    // What was asked for is quoted in part only.
    let long = format!("/api/v1/{}", "x".repeat(4_000));
    let problem = app.get_json(&long, 404).await;
    assert!(problem["detail"].as_str().expect("detail").chars().count() < 120);
}
