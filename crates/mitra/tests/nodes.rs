//! Two `mitra serve` processes on one PostgreSQL database, as a scaled-out site runs: a write through either node
//! is found by a search on the other within two seconds, also under concurrent writers, and a session begun on one
//! node is valid on the other.

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use std::process::{Child, Command};

mod common;
use std::time::{Duration, Instant};

use mitra_store::test_support::Engine;

/// Starts `mitra serve` on `database_url` with its own data directory; returns the child and its base URL.
fn start(database_url: &str, data_dir: &std::path::Path, demo: bool) -> (Child, String) {
    let args: &[&str] = if demo { &["--demo"] } else { &[] };
    let (child, address) = common::start_server(data_dir, args, Some(database_url));
    (child, format!("http://{address}"))
}

struct Node {
    child: Child,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// The value of cookie `name` a response sets.
fn cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix(&format!("{name}="))?
                .split(';')
                .next()
                .map(str::to_owned)
        })
}

fn csrf(html: &str) -> Option<String> {
    let marker = r#"name="csrf_token" value=""#;
    let at = html.find(marker)? + marker.len();
    Some(html[at..].split('"').next()?.to_owned())
}

/// Signs in on `base` as a demo account; returns the session cookie.
async fn sign_in(client: &reqwest::Client, base: &str, email: &str, password: &str) -> String {
    let form = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page");
    let form_cookie = cookie(&form, "mitra_form").expect("a form cookie");
    let token = csrf(&form.text().await.expect("html")).expect("a csrf token");
    let response = client
        .post(format!("{base}/login"))
        .header("cookie", format!("mitra_form={form_cookie}"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status().as_u16(), 303, "sign in as {email}");
    format!(
        "mitra_session={}",
        cookie(&response, "mitra_session").expect("a session")
    )
}

/// Creates a write token for the session on `base`.
async fn write_token(client: &reqwest::Client, base: &str, session: &str) -> String {
    let page = client
        .get(format!("{base}/account"))
        .header("cookie", session)
        .send()
        .await
        .expect("account page")
        .text()
        .await
        .expect("html");
    let token = csrf(&page).expect("a csrf token");
    let html = client
        .post(format!("{base}/account/tokens"))
        .header("cookie", session)
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", "nodes"),
            ("scope", "write"),
        ])
        .send()
        .await
        .expect("create a token")
        .text()
        .await
        .expect("html");
    let marker = r#"<p class="secret">"#;
    let at = html.find(marker).expect("the new secret is shown once") + marker.len();
    html[at..].split('<').next().expect("secret").to_owned()
}

/// Writes a practice entry `id` of the demo organisation through `base`.
async fn write_entry(client: &reqwest::Client, base: &str, token: &str, id: &str, title: &str) {
    let response = client
        .post(format!("{base}/api/v1/entries"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "org": "demo-organisation-bangkok-city-government-example",
            "entry": {"id": id, "texts": [{"lang": "en", "origin": "original", "title": title, "summary": "Written on one node, found on the other."}],
                      "year_from": 2025, "year_to": null, "details": {"kind": "practice"}}
        }))
        .send()
        .await
        .expect("write");
    assert_eq!(
        response.status().as_u16(),
        201,
        "{id}: {}",
        response.text().await.unwrap_or_default()
    );
}

/// Waits up to two seconds for a search on `base` to find `id`; returns how long it took.
async fn found_within_two_seconds(
    client: &reqwest::Client,
    base: &str,
    words: &str,
    id: &str,
) -> Duration {
    let started = Instant::now();
    loop {
        let body: serde_json::Value = client
            .get(format!("{base}/api/v1/search?q={words}&limit=50"))
            .send()
            .await
            .expect("search")
            .json()
            .await
            .expect("json");
        let hits = body["hits"].as_array().cloned().unwrap_or_default();
        if hits.iter().any(|h| h["id"] == id) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{id} not found on {base} within 2 s: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn two_nodes_on_one_postgresql_database_share_writes_search_and_sessions() {
    let Some(engine) = Engine::postgres() else {
        eprintln!(
            "SKIPPED: no PostgreSQL configured (MITRA_TEST_POSTGRES_URL) for two nodes on one database"
        );
        return;
    };
    let database = engine.fresh().await;
    let (first, a) = start(&database.url, &database.dir().join("a"), true);
    let _first = Node { child: first };
    let (second, b) = start(&database.url, &database.dir().join("b"), true);
    let _second = Node { child: second };
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    // A session begun on one node is valid on the other.
    let session = sign_in(
        &client,
        &a,
        "editor@demo.mitra.invalid",
        "demo-password-editor",
    )
    .await;
    for base in [&a, &b] {
        let account = client
            .get(format!("{base}/account"))
            .header("cookie", &session)
            .send()
            .await
            .expect("account");
        assert_eq!(account.status().as_u16(), 200, "{base}");
    }
    let anonymous = client
        .get(format!("{b}/account"))
        .send()
        .await
        .expect("account");
    assert_ne!(anonymous.status().as_u16(), 200);
    let token = write_token(&client, &b, &session).await;

    // One write through each node, each found on the other.
    write_entry(
        &client,
        &a,
        &token,
        "node-a-canal-pumps",
        "Canal pumps zeppelin",
    )
    .await;
    found_within_two_seconds(&client, &b, "zeppelin", "node-a-canal-pumps").await;
    write_entry(
        &client,
        &b,
        &token,
        "node-b-river-gauges",
        "River gauges quokka",
    )
    .await;
    found_within_two_seconds(&client, &a, "quokka", "node-b-river-gauges").await;

    // Concurrent writers on both nodes: every entry is found on both.
    let mut writers = Vec::new();
    for n in 0..8 {
        let (client, token) = (client.clone(), token.clone());
        let base = if n % 2 == 0 { a.clone() } else { b.clone() };
        writers.push(tokio::spawn(async move {
            write_entry(
                &client,
                &base,
                &token,
                &format!("node-crowd-{n}"),
                "Crowd wombat",
            )
            .await;
        }));
    }
    for writer in writers {
        writer.await.expect("a writer");
    }
    for base in [&a, &b] {
        for n in 0..8 {
            found_within_two_seconds(&client, base, "wombat", &format!("node-crowd-{n}")).await;
        }
    }
}
