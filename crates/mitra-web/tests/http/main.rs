//! HTTP tests: a real server on a free port per test, each with a fresh database loaded with the shipped reference
//! data (a copy of a template built once per test binary). No sleeps: the listener is bound before the test sends
//! its first request.

#![expect(missing_docs, reason = "test helpers")]
#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

mod accounts;
mod api;
mod entries;
mod errors;
mod hardening;
mod interests;
mod metrics;
mod observations;
mod openapi;
mod opportunities;
mod pages;
mod partners;
mod partnerships;
mod permissions;
mod problems;
mod submissions;

use std::net::SocketAddr;

use mitra_service::Mitra;
use mitra_store::test_support::{Engine, TestDatabase};
use serde_json::Value;

/// A running Mitra for one test.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub mitra: Mitra,
    /// Stops the server when the app is dropped, so that its database connections close before the database goes.
    _stop: tokio::sync::oneshot::Sender<()>,
    database: TestDatabase,
}

impl TestApp {
    /// The SQLite database of this app (when it runs on SQLite).
    pub fn database_path(&self) -> std::path::PathBuf {
        self.database.dir().join("mitra.db")
    }

    /// Where this app keeps attached files.
    pub fn files_dir(&self) -> std::path::PathBuf {
        self.database.dir().join("files")
    }

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

/// A database of `engine` with the shipped reference data and, if `demo`, the demo pack: a copy of a template
/// built once per test binary.
pub async fn loaded_database(engine: &Engine, demo: bool) -> TestDatabase {
    mitra_service::test_support::use_fast_password_hashing();
    let build = move |url: String| async move {
        mitra_service::test_support::build_template(&url, demo)
            .await
            .expect("template database");
    };
    let name = if demo { "demo" } else { "reference" };
    engine.from_template(name, build).await
}

/// Starts Mitra with reference data and, if `demo`, the demo pack, on `engine` (SQLite when `None`).
pub async fn spawn_app_with(engine: Option<Engine>, demo: bool) -> TestApp {
    spawn_app_with_timeouts(engine, demo, mitra_web::Timeouts::default()).await
}

/// [`spawn_app_with`], serving with the given timeouts.
pub async fn spawn_app_with_timeouts(
    engine: Option<Engine>,
    demo: bool,
    timeouts: mitra_web::Timeouts,
) -> TestApp {
    spawn_app_configured(engine, demo, timeouts, |mitra| mitra).await
}

/// [`spawn_app_with_timeouts`], with Mitra set up further by `configure` (a metrics token, say).
pub async fn spawn_app_configured(
    engine: Option<Engine>,
    demo: bool,
    timeouts: mitra_web::Timeouts,
    configure: impl FnOnce(Mitra) -> Mitra,
) -> TestApp {
    let database = loaded_database(&engine.unwrap_or(Engine::Sqlite), demo).await;
    let mitra = configure(
        Mitra::open(&database.url)
            .await
            .expect("open database")
            .with_files_dir(database.dir().join("files")),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(mitra_web::serve_with(
        listener,
        mitra.clone(),
        async move {
            let _ = stopped.await;
        },
        timeouts,
    ));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        address,
        client,
        mitra,
        _stop: stop,
        database,
    }
}

/// Starts Mitra on SQLite with reference data only.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(None, false).await
}

/// The value of cookie `name` a response sets, if any.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix(&prefix)
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
}

/// The value of the `mitra_session` cookie a response sets, if any.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    set_cookie(response, "mitra_session")
}

/// The first `csrf_token` hidden field of a page.
pub fn csrf_of(html: &str) -> Option<String> {
    let at = html.find(r#"name="csrf_token" value=""#)? + r#"name="csrf_token" value=""#.len();
    Some(html[at..].split('"').next()?.to_owned())
}

/// The value of the `mitra_form` cookie a response sets, if any.
pub fn form_cookie(response: &reqwest::Response) -> Option<String> {
    set_cookie(response, "mitra_form")
}

/// A browser: its cookie (`name=value`: the session's, or for a visitor without one, the form cookie) and the CSRF
/// token its forms carry.
#[derive(Debug, Clone, Default)]
pub struct Browser {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Browser {
    /// Opens a form page as a new visitor, which gets a form cookie (and no session).
    pub async fn visit(app: &TestApp, path: &str) -> Self {
        let response = app.get(path).await;
        let cookie = session_cookie(&response)
            .map(|v| format!("mitra_session={v}"))
            .or_else(|| form_cookie(&response).map(|v| format!("mitra_form={v}")));
        let html = response.text().await.expect("html");
        Self {
            cookie,
            csrf: csrf_of(&html),
        }
    }

    /// Signs in through the form and picks up the signed-in session's CSRF token.
    pub async fn signed_in(app: &TestApp, email: &str, password: &str) -> Self {
        let mut browser = Self::visit(app, "/login").await;
        let response = browser
            .post(app, "/login", &[("email", email), ("password", password)])
            .await;
        assert_eq!(response.status().as_u16(), 303, "sign in as {email}");
        browser.cookie = session_cookie(&response).map(|v| format!("mitra_session={v}"));
        let html = browser
            .get(app, "/account")
            .await
            .text()
            .await
            .expect("account page");
        browser.csrf = csrf_of(&html);
        browser
    }

    pub async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        let mut request = app.client.get(app.url(path));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("request")
    }

    /// Posts a form with this browser's session and CSRF token.
    pub async fn post(
        &self,
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", self.csrf.as_deref().unwrap_or(""))];
        form.extend_from_slice(fields);
        let mut request = app.client.post(app.url(path)).form(&form);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("request")
    }
}

/// Creates an API token of `scope` for a signed-in browser through the account page, and returns its secret,
/// which the page shows once.
pub async fn create_token(app: &TestApp, browser: &Browser, scope: &str) -> String {
    let html = browser
        .post(
            app,
            "/account/tokens",
            &[("name", "test"), ("scope", scope)],
        )
        .await
        .text()
        .await
        .expect("page");
    let at = html
        .find(r#"<p class="secret">"#)
        .expect("the new secret is shown once")
        + r#"<p class="secret">"#.len();
    html[at..].split('<').next().expect("secret").to_owned()
}

/// A write token of the demo account whose address starts with `who@` (`editor`, `admin`, `member`, …).
pub async fn demo_token(app: &TestApp, who: &str) -> String {
    let (email, password, ..) = mitra_service::DEMO_ACCOUNTS
        .iter()
        .find(|(email, ..)| email.starts_with(&format!("{who}@")))
        .expect("a demo account");
    let browser = Browser::signed_in(app, email, password).await;
    create_token(app, &browser, "write").await
}

/// Sends an API request with an optional bearer token and JSON body.
pub async fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request")
}
