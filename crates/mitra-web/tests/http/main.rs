//! HTTP tests: a real server on a free port per test, each with a fresh database loaded with the shipped reference
//! data. No sleeps: the listener is bound before the test sends its first request.

#![expect(missing_docs, reason = "test helpers")]

mod api;
mod pages;

use std::net::SocketAddr;

use mitra_service::Mitra;
use serde_json::Value;

/// A running Mitra for one test.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_with(&self, path: &str, header: &str, value: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(header, value)
            .send()
            .await
            .expect("request")
    }

    /// GETs `path`, asserts `status`, and returns the JSON body.
    pub async fn get_json(&self, path: &str, status: u16) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        response.json().await.expect("JSON body")
    }

    /// GETs a page and returns its HTML after asserting `status`.
    pub async fn get_page(&self, path: &str, status: u16) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        response.text().await.expect("HTML body")
    }
}

/// Starts Mitra on SQLite in a fresh temporary directory, with reference data and, if `demo`, the demo pack.
pub async fn spawn_app_with(database_url: Option<String>, demo: bool) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}/mitra.db", dir.path().display()));
    let mitra = Mitra::open(&url).await.expect("open database");
    mitra.load_reference().await.expect("reference data");
    if demo {
        mitra.load_demo().await.expect("demo data");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(mitra_web::serve(listener, mitra, std::future::pending()));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        address,
        client,
        _dir: dir,
    }
}

/// Starts Mitra on SQLite with reference data only.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(None, false).await
}
