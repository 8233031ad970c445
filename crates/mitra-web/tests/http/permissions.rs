//! The permission matrix: every mutating route of the site and the API, tried by every role. The list of routes
//! comes from the router itself, so a new mutating route without an entry here makes this test fail.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::json;

use mitra_store::test_support::Engine;

use crate::{Browser, TestApp, api, spawn_app_with};

const DEMO_ORG: &str = "demo-organisation-bangkok-city-government-example";

/// The roles, from least to most privileged; each is a demo account (anonymous has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Anonymous,
    Member,
    Verifier,
    Editor,
    OrgAdmin,
    PlatformAdmin,
}

const ROLES: [Role; 6] = [
    Role::Anonymous,
    Role::Member,
    Role::Verifier,
    Role::Editor,
    Role::OrgAdmin,
    Role::PlatformAdmin,
];

impl Role {
    fn credentials(self) -> Option<(&'static str, &'static str)> {
        let account = match self {
            Role::Anonymous => return None,
            Role::Member => "member",
            Role::Verifier => "verifier",
            Role::Editor => "editor",
            Role::OrgAdmin => "org-admin",
            Role::PlatformAdmin => "admin",
        };
        mitra_service::DEMO_ACCOUNTS
            .iter()
            .find(|(email, ..)| email.starts_with(&format!("{account}@")))
            .map(|(email, password, ..)| (*email, *password))
    }

    fn slug(self) -> &'static str {
        match self {
            Role::Anonymous => "anonymous",
            Role::Member => "member",
            Role::Verifier => "verifier",
            Role::Editor => "editor",
            Role::OrgAdmin => "org-admin",
            Role::PlatformAdmin => "platform-admin",
        }
    }
}

/// Who may use a route.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// Everyone, signed in or not.
    Anyone,
    /// Any signed-in account.
    SignedIn,
    /// Editors and admins of the organisation, and platform admins.
    OrgEditors,
    /// Admins of the organisation, and platform admins.
    OrgAdmins,
    /// Platform admins only.
    PlatformAdmins,
    /// Editors and admins of the city's approved government organisation (not platform admins).
    CityEditors,
    /// Verifiers only.
    Verifiers,
    /// Any member of an approved organisation (here the demo city government), not platform admins as such.
    OrgMembers,
    /// Editors and admins of the organisation that publishes the opportunity a conversation is about.
    ThreadPublishers,
}

impl Access {
    fn allows(self, role: Role) -> bool {
        match self {
            Access::Anyone => true,
            Access::SignedIn => role != Role::Anonymous,
            Access::OrgEditors => {
                matches!(role, Role::Editor | Role::OrgAdmin | Role::PlatformAdmin)
            }
            Access::OrgAdmins => matches!(role, Role::OrgAdmin | Role::PlatformAdmin),
            Access::PlatformAdmins => role == Role::PlatformAdmin,
            Access::CityEditors => matches!(role, Role::Editor | Role::OrgAdmin),
            Access::Verifiers => role == Role::Verifier,
            Access::OrgMembers => matches!(role, Role::Member | Role::Editor | Role::OrgAdmin),
            Access::ThreadPublishers => matches!(role, Role::Editor | Role::OrgAdmin),
        }
    }
}

/// Every mutating route: method, path, who may use it, and a request body that is valid for those who may.
fn matrix() -> Vec<(Method, &'static str, Access)> {
    use Access::*;
    vec![
        (Method::POST, "/signup", Anyone),
        (Method::POST, "/login", Anyone),
        (Method::POST, "/logout", Anyone),
        (Method::POST, "/reset", Anyone),
        (Method::POST, "/reset/confirm", Anyone),
        (Method::POST, "/account", SignedIn),
        (Method::POST, "/account/tokens", SignedIn),
        (Method::POST, "/account/tokens/{id}/revoke", SignedIn),
        (Method::POST, "/invitations/accept", SignedIn),
        (Method::POST, "/organisations/new", SignedIn),
        (Method::POST, "/organisations/{id}/edit", OrgEditors),
        (Method::POST, "/organisations/{id}/invitations", OrgAdmins),
        (
            Method::POST,
            "/admin/organisations/{id}/approve",
            PlatformAdmins,
        ),
        (
            Method::POST,
            "/admin/organisations/{id}/reject",
            PlatformAdmins,
        ),
        (Method::POST, "/admin/users/role", PlatformAdmins),
        (Method::POST, "/admin/entries/{id}/approve", PlatformAdmins),
        (Method::POST, "/admin/entries/{id}/reject", PlatformAdmins),
        (Method::POST, "/api/v1/entries/{id}/approve", PlatformAdmins),
        (Method::POST, "/api/v1/entries/{id}/reject", PlatformAdmins),
        (Method::POST, "/cities/{id}/tier", PlatformAdmins),
        (Method::POST, "/cities/{id}/observations/check", CityEditors),
        (Method::POST, "/cities/{id}/observations/write", CityEditors),
        (Method::POST, "/cities/{id}/observations/value", CityEditors),
        (Method::POST, "/indicators/{id}/crosswalk", PlatformAdmins),
        (
            Method::POST,
            "/indicators/{id}/crosswalk/delete",
            PlatformAdmins,
        ),
        (Method::POST, "/api/v1/entries/import", OrgEditors),
        (Method::POST, "/entries/new", OrgEditors),
        (Method::POST, "/entries/{id}/files", PlatformAdmins),
        (
            Method::POST,
            "/entries/{id}/files/{sha256}/delete",
            PlatformAdmins,
        ),
        (
            Method::POST,
            "/api/v1/entries/{id}/attachments",
            PlatformAdmins,
        ),
        (
            Method::DELETE,
            "/api/v1/entries/{id}/attachments/{sha256}",
            PlatformAdmins,
        ),
        (Method::POST, "/entries/{id}/enrolment", SignedIn),
        (Method::POST, "/entries/{id}/enrolment/withdraw", SignedIn),
        (Method::PUT, "/api/v1/entries/{id}/enrolment", SignedIn),
        (Method::DELETE, "/api/v1/entries/{id}/enrolment", SignedIn),
        (Method::POST, "/entries/{id}/edit", PlatformAdmins),
        (Method::POST, "/entries/{id}/delete", PlatformAdmins),
        (Method::POST, "/review/{id}/verify", Verifiers),
        (Method::POST, "/review/{id}/reject", Verifiers),
        (Method::POST, "/api/v1/organisations", SignedIn),
        (Method::PUT, "/api/v1/organisations/{id}", OrgEditors),
        (
            Method::POST,
            "/api/v1/organisations/{id}/approve",
            PlatformAdmins,
        ),
        (
            Method::POST,
            "/api/v1/organisations/{id}/reject",
            PlatformAdmins,
        ),
        (
            Method::POST,
            "/api/v1/organisations/{id}/members",
            OrgAdmins,
        ),
        (Method::PUT, "/api/v1/cities/{id}/tier", PlatformAdmins),
        (Method::PUT, "/api/v1/crosswalk", PlatformAdmins),
        (Method::DELETE, "/api/v1/crosswalk", PlatformAdmins),
        (Method::POST, "/api/v1/observations", CityEditors),
        (Method::POST, "/api/v1/observations/{id}/review", Verifiers),
        (Method::POST, "/api/v1/entries", OrgEditors),
        (Method::PUT, "/api/v1/entries/{id}", PlatformAdmins),
        (Method::DELETE, "/api/v1/entries/{id}", PlatformAdmins),
        (Method::POST, "/api/v1/tokens", SignedIn),
        (Method::DELETE, "/api/v1/tokens/{id}", SignedIn),
        (Method::POST, "/entries/{id}/interests", OrgMembers),
        (Method::POST, "/api/v1/entries/{id}/interests", OrgMembers),
        (Method::POST, "/interests/{id}/messages", ThreadPublishers),
        (Method::POST, "/interests/{id}/decision", ThreadPublishers),
        (
            Method::POST,
            "/api/v1/interests/{id}/messages",
            ThreadPublishers,
        ),
        (
            Method::POST,
            "/api/v1/interests/{id}/decision",
            ThreadPublishers,
        ),
        (Method::POST, "/partnerships", CityEditors),
        (Method::POST, "/api/v1/partnerships", CityEditors),
        (Method::POST, "/partnerships/{id}/messages", CityEditors),
        (Method::POST, "/partnerships/{id}/actions", CityEditors),
        (Method::POST, "/partnerships/{id}/activities", CityEditors),
        (Method::POST, "/partnerships/{id}/outcomes", CityEditors),
        (Method::POST, "/partnerships/{id}/document", CityEditors),
        (
            Method::POST,
            "/api/v1/partnerships/{id}/document",
            CityEditors,
        ),
        (
            Method::POST,
            "/api/v1/partnerships/{id}/messages",
            CityEditors,
        ),
        (
            Method::POST,
            "/api/v1/partnerships/{id}/actions",
            CityEditors,
        ),
        (
            Method::POST,
            "/api/v1/partnerships/{id}/activities",
            CityEditors,
        ),
        (
            Method::POST,
            "/api/v1/partnerships/{id}/outcomes",
            CityEditors,
        ),
        (Method::POST, "/notifications/read", SignedIn),
        (Method::POST, "/notifications/settings", SignedIn),
        (Method::POST, "/api/v1/notifications/read", SignedIn),
        (
            Method::PUT,
            "/api/v1/account/notification-settings",
            SignedIn,
        ),
    ]
}

/// The form fields or JSON body each route gets; valid, so that only permissions decide.
fn form_fields(path: &str, role: Role) -> Vec<(&'static str, String)> {
    let unique = role.slug();
    match path {
        "/signup" => vec![
            ("email", format!("new-{unique}@example.org")),
            ("password", "a long and unusual phrase".into()),
            ("display_name", "New person".into()),
        ],
        "/login" => vec![
            ("email", "member@demo.mitra.invalid".into()),
            ("password", "demo-password-member".into()),
        ],
        "/reset" => vec![("email", "member@demo.mitra.invalid".into())],
        "/reset/confirm" => vec![
            ("token", "not-a-real-token".into()),
            ("password", "a long and unusual phrase".into()),
        ],
        "/account" => vec![
            ("display_name", "Renamed".into()),
            ("language", "en".into()),
            ("time_zone", "Asia/Bangkok".into()),
        ],
        "/account/tokens" => vec![("name", "script".into()), ("scope", "read".into())],
        "/invitations/accept" => vec![("token", "not-a-real-token".into())],
        "/organisations/new" => vec![
            ("kind", "startup".into()),
            ("name_en", format!("Start-up of {unique}")),
            ("country", "TH".into()),
            ("description_en", "Sensors.".into()),
        ],
        "/organisations/{id}/edit" => vec![
            (
                "name_en",
                "Demo organisation: Bangkok city government (example)".into(),
            ),
            ("country", "TH".into()),
            ("city", "bangkok".into()),
            ("description_en", format!("Edited by {unique}.")),
        ],
        "/organisations/{id}/invitations" => vec![
            ("email", "someone@example.org".into()),
            ("role", "member".into()),
        ],
        "/admin/organisations/{id}/reject" | "/admin/entries/{id}/reject" => {
            vec![("reason", "Please add the web site.".into())]
        }
        "/indicators/{id}/crosswalk" => vec![
            ("to", "u4ssc:EC:ICT:ICT:1C".into()),
            ("relation", "related".into()),
            ("basis", "derived".into()),
            ("source", format!("review by {unique}")),
        ],
        "/indicators/{id}/crosswalk/delete" => vec![("other", "u4ssc:EC:P:EM:1C".into())],
        "/cities/{id}/tier" => vec![("tier", "tier-1".into())],
        "/cities/{id}/observations/value" => vec![
            ("indicator", "iso37120-2014:5.1".into()),
            ("year", "2019".into()),
            ("value", "1.2".into()),
            ("unit", "%".into()),
            ("source", format!("form by {unique}")),
        ],
        "/review/{id}/reject" => vec![(
            "reason",
            "The source covers the province, not the city.".into(),
        )],
        "/admin/users/role" => vec![
            ("email", "verifier@demo.mitra.invalid".into()),
            ("role", "verifier".into()),
        ],
        "/entries/{id}/interests" => vec![
            ("org", DEMO_ORG.into()),
            (
                "message",
                format!("We would like to try it; written by {unique}."),
            ),
        ],
        "/interests/{id}/messages" => vec![("message", format!("Thank you; {unique}."))],
        "/interests/{id}/decision" => vec![("decision", "decline".into())],
        "/notifications/read" => vec![("up_to", "1000".into())],
        "/partnerships" => vec![
            ("invited", "kunming".into()),
            ("kind", "cooperation".into()),
            ("title", format!("Proposed by {unique}")),
            ("message", "Shall we work on air quality together?".into()),
        ],
        "/partnerships/{id}/messages" => vec![("message", format!("News from {unique}."))],
        "/partnerships/{id}/actions" => vec![
            ("action", "activate".into()),
            (
                "work_plan",
                format!("Exchange visits, planned by {unique}."),
            ),
        ],
        "/partnerships/{id}/activities" => vec![
            ("kind", "meeting".into()),
            ("title", format!("Meeting of {unique}")),
            ("starts_on", "2026-11-02".into()),
        ],
        "/partnerships/{id}/outcomes" => vec![
            ("city", "bangkok".into()),
            ("indicator", "iso37120-2014:5.1".into()),
        ],
        "/notifications/settings" => vec![("mail", "weekly".into())],
        "/entries/new" | "/entries/{id}/edit" => vec![
            ("org", DEMO_ORG.into()),
            ("kind", "practice".into()),
            ("id", format!("entry-form-by-{unique}")),
            ("lang_0", "en".into()),
            ("origin_0", "original".into()),
            ("title_0", "Flood tunnels".into()),
            (
                "summary_0",
                format!("Tunnels drain the canals; written by {unique}."),
            ),
            ("cities", "bangkok".into()),
        ],
        _ => vec![],
    }
}

/// A valid entry with id `id`.
fn entry_json(id: &str) -> serde_json::Value {
    json!({
        "id": id,
        "texts": [{"lang": "en", "origin": "original", "title": "Flood tunnels", "summary": "Tunnels drain the canals."}],
        "cities": ["bangkok"],
        "year_from": 2018,
        "year_to": null,
        "details": {"kind": "practice"}
    })
}

fn json_body(path: &str, role: Role) -> Option<serde_json::Value> {
    match path {
        "/api/v1/organisations" => Some(json!({
            "kind": "investor", "name_en": format!("Fund of {}", role.slug()), "country": "SG", "description_en": "Capital."
        })),
        "/api/v1/organisations/{id}" => Some(json!({
            "name_en": "Demo organisation: Bangkok city government (example)", "country": "TH", "city": "bangkok",
            "description_en": "Edited through the API."
        })),
        "/api/v1/organisations/{id}/reject" | "/api/v1/entries/{id}/reject" => {
            Some(json!({"reason": "Please add the web site."}))
        }
        "/api/v1/organisations/{id}/members" => {
            Some(json!({"email": "member@demo.mitra.invalid", "role": "member"}))
        }
        "/api/v1/tokens" => Some(json!({"name": "script", "scope": "read"})),
        "/api/v1/observations" => Some(json!([
            {"city": "bangkok", "indicator": "iso37120-2014:5.1", "year": 2019, "value": 1.2, "unit": "%", "source": format!("test by {}", role.slug())}
        ])),
        "/api/v1/observations/{id}/review" => Some(json!({"status": "verified"})),
        "/api/v1/entries" => Some(
            json!({"org": DEMO_ORG, "entry": entry_json(&format!("entry-by-{}", role.slug()))}),
        ),
        "/api/v1/entries/{id}" => Some(entry_json("asean-26")),
        "/api/v1/entries/import" => {
            Some(json!([entry_json(&format!("imported-by-{}", role.slug()))]))
        }
        "/api/v1/cities/{id}/tier" => Some(json!({"tier": "tier-1"})),
        "/api/v1/entries/{id}/interests" => Some(json!({
            "org": DEMO_ORG, "message": format!("We would like to try it; written by {}.", role.slug())
        })),
        "/api/v1/interests/{id}/messages" => Some(json!({"message": "Thank you."})),
        "/api/v1/interests/{id}/decision" => Some(json!({"decision": "decline"})),
        "/api/v1/notifications/read" => Some(json!({"up_to": 1000})),
        "/api/v1/partnerships" => Some(json!({
            "invited": "kunming", "kind": "cooperation", "title": format!("Proposed by {}", role.slug()),
            "message": "Shall we work on air quality together?"
        })),
        "/api/v1/partnerships/{id}/messages" => Some(json!({"message": "News."})),
        "/api/v1/partnerships/{id}/actions" => {
            Some(json!({"action": "activate", "work_plan": "Exchange visits every year."}))
        }
        "/api/v1/partnerships/{id}/activities" => Some(json!({
            "kind": "meeting", "title": format!("Meeting of {}", role.slug()), "starts_on": "2026-11-02"
        })),
        "/api/v1/partnerships/{id}/outcomes" => {
            Some(json!({"city": "bangkok", "indicator": "iso37120-2014:5.1"}))
        }
        "/api/v1/account/notification-settings" => Some(json!({"mail": "weekly"})),
        "/api/v1/crosswalk" => Some(json!({
            "from": "iso37120-2014:17.1", "to": "u4ssc:EC:ICT:ICT:1C", "relation": "related", "basis": "derived",
            "source": format!("review by {}", role.slug())
        })),
        _ => None,
    }
}

#[tokio::test]
async fn every_mutating_route_has_an_entry_in_the_matrix() {
    let routed: BTreeSet<(String, String)> = mitra_web::route_table()
        .into_iter()
        .filter(|r| r.method != Method::GET)
        .map(|r| (r.method.to_string(), r.path))
        .collect();
    let listed: BTreeSet<(String, String)> = matrix()
        .into_iter()
        .map(|(m, p, _)| (m.to_string(), p.to_owned()))
        .collect();
    assert_eq!(
        routed.difference(&listed).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "mutating routes without an entry in the permission matrix"
    );
    assert_eq!(
        listed.difference(&routed).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "entries for routes that do not exist"
    );
}

/// Routes of the matrix checked at the same time; each has its own instance (and database connections).
const ROUTES_AT_ONCE: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_is_allowed_or_forbidden_exactly_as_the_matrix_says() {
    use futures_util::StreamExt as _;
    let checks = Engine::configured().into_iter().flat_map(|engine| {
        matrix()
            .into_iter()
            .map(move |(method, path, access)| (engine.clone(), method, path, access))
    });
    // A fresh instance per route and database, so that one route's writes do not change another's outcome.
    futures_util::stream::iter(checks)
        .for_each_concurrent(
            ROUTES_AT_ONCE,
            |(engine, method, path, access)| async move {
                let app = spawn_app_with(Some(engine), true).await;
                check_route(&app, &method, path, access).await;
            },
        )
        .await;
}

/// The demo's example solution, published by the demo solution provider, in which the demo city government's people
/// may express interest.
const PROVIDER_SOLUTION: &str = "example-solution-air-sensor-kit";

/// A conversation for the thread routes: the demo solution provider expresses interest in the demo city
/// government's example project, so that its editors are the publishing side.
async fn conversation(app: &TestApp) -> String {
    let (email, password, ..) = mitra_service::DEMO_ACCOUNTS
        .iter()
        .find(|(email, ..)| email.starts_with("provider@"))
        .expect("the demo provider");
    let browser = Browser::signed_in(app, email, password).await;
    let token = crate::create_token(app, &browser, "write").await;
    let provider = "demo-organisation-solution-provider-example";
    let answer = api(
        app,
        Method::POST,
        "/api/v1/entries/example-project-flood-sensors/interests",
        Some(&token),
        Some(json!({"org": provider, "message": "We make water-level sensors."})),
    )
    .await;
    assert_eq!(
        answer.status().as_u16(),
        201,
        "the provider expresses interest"
    );
    let body: serde_json::Value = answer.json().await.expect("json");
    body["interest"]["id"].as_str().expect("an id").to_owned()
}

/// A partnership of the demo Bangkok city government for the partnership routes: its recorded sister-city tie with
/// Beijing, signed (date unknown).
async fn bangkok_partnership(app: &TestApp) -> String {
    let answer = api(
        app,
        Method::GET,
        "/api/v1/partnerships?city=bangkok&origin=recorded&limit=200",
        None,
        None,
    )
    .await;
    let body: serde_json::Value = answer.json().await.expect("json");
    body["partnerships"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["proposer"]["id"] == "bangkok" && p["invited"]["id"] == "beijing")
        .and_then(|p| p["id"].as_str())
        .expect("the recorded Bangkok–Beijing tie")
        .to_owned()
}

async fn check_route(app: &TestApp, method: &Method, path: &str, access: Access) {
    let thread = if path.contains("/interests/{id}") {
        conversation(app).await
    } else if path.contains("/partnerships/{id}") {
        bangkok_partnership(app).await
    } else {
        String::new()
    };
    for role in ROLES {
        let mut concrete = path.replace(
            "{id}",
            if path.contains("/interests/{id}") || path.contains("/partnerships/{id}") {
                &thread
            } else if path.ends_with("/interests") {
                PROVIDER_SOLUTION
            } else if path.contains("tokens") {
                "no-such-token"
            } else if path.starts_with("/indicators/") {
                "iso37120-2014:5.1"
            } else if path.starts_with("/cities/") {
                "bangkok"
            } else if path.contains("observations") || path.starts_with("/review/") {
                "1"
            } else if path.contains("/cities/") {
                "bangkok"
            } else if path.contains("/entries/") {
                "asean-26"
            } else {
                DEMO_ORG
            },
        );
        if path == "/api/v1/entries/{id}/attachments"
            || path == "/api/v1/partnerships/{id}/document"
        {
            concrete.push_str("?name=report.pdf");
        }
        if path == "/api/v1/entries/import" {
            concrete.push_str(&format!("?org={DEMO_ORG}"));
        }
        if method == Method::DELETE && path == "/api/v1/crosswalk" {
            concrete.push_str("?from=iso37120-2014:5.1&to=u4ssc:EC:P:EM:1C");
        }
        let status = if path.starts_with("/api/") {
            let token = match role.credentials() {
                None => None,
                Some((email, password)) => {
                    let browser = Browser::signed_in(app, email, password).await;
                    Some(crate::create_token(app, &browser, "write").await)
                }
            };
            api(
                app,
                method.clone(),
                &concrete,
                token.as_deref(),
                json_body(path, role),
            )
            .await
            .status()
            .as_u16()
        } else {
            let browser = match role.credentials() {
                None => Browser::visit(app, "/login").await,
                Some((email, password)) => Browser::signed_in(app, email, password).await,
            };
            let file = format!(
                "city,indicator,year,value,unit,source\nbangkok,iso37120-2014:5.1,2019,1.2,%,file by {}\n",
                role.slug()
            );
            match path {
                "/cities/{id}/observations/check" => {
                    crate::submissions::upload(app, &browser, "bangkok", "v.csv", file.as_bytes())
                        .await
                        .status()
                        .as_u16()
                }
                "/cities/{id}/observations/write" => {
                    // Those who may submit write the file they have just had checked; the others are refused
                    // whatever key they send.
                    let key = if access.allows(role) {
                        let page = crate::submissions::upload(
                            app,
                            &browser,
                            "bangkok",
                            "v.csv",
                            file.as_bytes(),
                        )
                        .await
                        .text()
                        .await
                        .expect("page");
                        crate::submissions::upload_key(&page).expect("a key")
                    } else {
                        "0".repeat(64)
                    };
                    let status = browser
                        .post(app, &concrete, &[("upload", key.as_str())])
                        .await
                        .status()
                        .as_u16();
                    if access.allows(role) {
                        assert_eq!(status, 303, "{role:?} writes the file it had checked");
                    }
                    status
                }
                _ => {
                    let fields = form_fields(path, role);
                    let fields: Vec<(&str, &str)> =
                        fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    browser
                        .post(app, &concrete, &fields)
                        .await
                        .status()
                        .as_u16()
                }
            }
        };
        let forbidden = status == 401 || status == 403;
        assert!(
            status < 500,
            "{method} {path} as {role:?}: server error {status}"
        );
        assert_eq!(
            !forbidden,
            access.allows(role),
            "{method} {path} as {role:?}: got {status}, expected {}",
            if access.allows(role) {
                "allowed"
            } else {
                "forbidden"
            }
        );
    }
}

/// The path of `route` with every parameter naming something that does not exist.
fn nowhere(path: &str) -> String {
    path.replace("{id}", "no-such-thing")
        .replace("{sha256}", &"0".repeat(64))
}

#[tokio::test]
async fn every_write_route_refuses_anonymous_callers_and_read_tokens_before_looking_at_anything() {
    let app = spawn_app_with(None, true).await;
    let (email, password) = Role::PlatformAdmin.credentials().expect("admin");
    let browser = Browser::signed_in(&app, email, password).await;
    let read_token = crate::create_token(&app, &browser, "read").await;
    let writes: Vec<_> = mitra_web::route_table()
        .into_iter()
        .filter(|r| r.method != Method::GET && !r.anonymous)
        .collect();
    assert!(writes.len() > 40, "every write route is guarded");
    for route in &writes {
        // A malformed body and ids that do not exist: still the caller is refused first, not the request.
        let path = nowhere(&route.path);
        let anonymous = app
            .client
            .request(route.method.clone(), app.url(&path))
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .expect("request");
        assert_eq!(
            anonymous.status().as_u16(),
            401,
            "{} {} anonymously",
            route.method,
            route.path
        );
        if route.path.starts_with("/api/") {
            assert_eq!(
                anonymous
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok()),
                Some("application/problem+json"),
                "{} {}",
                route.method,
                route.path
            );
            let read = api(&app, route.method.clone(), &path, Some(&read_token), None).await;
            assert_eq!(
                read.status().as_u16(),
                403,
                "{} {} with a read-only token of a platform admin",
                route.method,
                route.path
            );
        }
    }
    let anonymous_forms: Vec<String> = mitra_web::route_table()
        .into_iter()
        .filter(|r| r.method != Method::GET && r.anonymous)
        .map(|r| r.path)
        .collect();
    assert_eq!(
        anonymous_forms,
        ["/signup", "/login", "/logout", "/reset", "/reset/confirm"],
        "only the forms of signing up, in and out take anonymous writes"
    );
}

/// Sends the head of a request announcing a `declared`-byte body, and only the first kilobyte of it; returns the
/// status line the server answers with, which it must send without waiting for the rest.
async fn status_before_the_body(app: &TestApp, head: &str, declared: usize) -> String {
    use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(app.address)
        .await
        .expect("connect");
    let request = format!(
        "{head}\r\nHost: {}\r\nContent-Type: text/csv\r\nContent-Length: {declared}\r\n\r\n{}",
        app.address,
        "x".repeat(1024)
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send the head");
    let mut reader = tokio::io::BufReader::new(stream);
    let mut status = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(20),
        reader.read_line(&mut status),
    )
    .await
    .expect("the server answers without waiting for the 64 MiB it was promised")
    .expect("read the status line");
    status.trim_end().to_owned()
}

#[tokio::test]
async fn an_import_is_refused_to_those_who_may_not_import_before_its_body_is_read() {
    let app = spawn_app_with(None, true).await;
    let big = 64 * 1024 * 1024;
    let anonymous =
        status_before_the_body(&app, "POST /api/v1/observations?dry_run=true HTTP/1.1", big).await;
    assert!(anonymous.contains(" 401 "), "{anonymous}");
    // A member of the demo city government: signed in with a write token, but no editor.
    let (email, password) = Role::Member.credentials().expect("member");
    let browser = Browser::signed_in(&app, email, password).await;
    let token = crate::create_token(&app, &browser, "write").await;
    for target in [
        "POST /api/v1/observations?dry_run=true HTTP/1.1".to_owned(),
        format!("POST /api/v1/entries/import?org={DEMO_ORG}&dry_run=true HTTP/1.1"),
    ] {
        let member = status_before_the_body(
            &app,
            &format!("{target}\r\nAuthorization: Bearer {token}"),
            big,
        )
        .await;
        assert!(member.contains(" 403 "), "{target}: {member}");
    }
}

#[tokio::test]
async fn moving_a_city_government_to_another_city_does_not_carry_its_approval_there() {
    let app = spawn_app_with(None, true).await;
    let editor = crate::demo_token(&app, "editor").await;
    let hanoi_before = app
        .get_json(
            "/api/v1/observations?city=hanoi&indicator=mitra:population",
            200,
        )
        .await;
    let org_path = format!("/api/v1/organisations/{DEMO_ORG}");
    let profile = |city: &str, country: &str| {
        json!({"name_en": "Demo organisation: Bangkok city government (example)", "country": country,
               "city": city, "description_en": "Moved."})
    };
    let mismatch = api(
        &app,
        Method::PUT,
        &org_path,
        Some(&editor),
        Some(profile("hanoi", "TH")),
    )
    .await;
    assert_eq!(mismatch.status().as_u16(), 400);
    let problem: serde_json::Value = mismatch.json().await.expect("json");
    assert_eq!(problem["parameter"], "city", "{problem}");

    let moved = api(
        &app,
        Method::PUT,
        &org_path,
        Some(&editor),
        Some(profile("hanoi", "VN")),
    )
    .await;
    assert_eq!(moved.status().as_u16(), 200);
    let moved: serde_json::Value = moved.json().await.expect("json");
    assert_eq!(
        moved["organisation"]["status"], "pending",
        "a move sends the city government back to review"
    );
    let takeover = json!([{"city": "hanoi", "indicator": "mitra:population", "year": 2015, "value": 1,
                           "source": "UN WUP 2018"}]);
    for city in ["hanoi", "bangkok"] {
        let mut rows = takeover.clone();
        rows[0]["city"] = json!(city);
        let refused = api(
            &app,
            Method::POST,
            "/api/v1/observations",
            Some(&editor),
            Some(rows),
        )
        .await;
        assert_eq!(
            refused.status().as_u16(),
            403,
            "the editor submits for no city while the move waits for review ({city})"
        );
    }
    assert_eq!(
        app.get_json(
            "/api/v1/observations?city=hanoi&indicator=mitra:population",
            200
        )
        .await,
        hanoi_before,
        "Hanoi's values are untouched"
    );

    // A platform admin may move it; it stays approved, and its editors edit the new city.
    let admin = crate::demo_token(&app, "admin").await;
    let approve = api(
        &app,
        Method::POST,
        &format!("{org_path}/approve"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(approve.status().as_u16(), 200);
    let back = api(
        &app,
        Method::PUT,
        &org_path,
        Some(&admin),
        Some(profile("bangkok", "TH")),
    )
    .await;
    let back: serde_json::Value = back.json().await.expect("json");
    assert_eq!(back["organisation"]["status"], "approved");
}

#[tokio::test]
async fn members_are_invited_and_the_answer_does_not_tell_whether_an_address_has_an_account() {
    let app = spawn_app_with(None, true).await;
    let admin = crate::demo_token(&app, "org-admin").await;
    let path = format!("/api/v1/organisations/{DEMO_ORG}/members");
    let mut answers = Vec::new();
    for email in ["verifier@demo.mitra.invalid", "nobody-here@example.org"] {
        let response = api(
            &app,
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({"email": email, "role": "admin"})),
        )
        .await;
        let status = response.status().as_u16();
        let mut body: serde_json::Value = response.json().await.expect("json");
        body["invitation"]["email"] = json!("…");
        answers.push((status, body));
    }
    assert_eq!(answers[0].0, 202);
    assert_eq!(answers[0], answers[1], "the same answer for both addresses");
    // The verifier is invited, not added: it is no member until it accepts.
    let (email, password) = Role::Verifier.credentials().expect("verifier");
    let verifier = Browser::signed_in(&app, email, password).await;
    let token = crate::create_token(&app, &verifier, "write").await;
    let me = api(&app, Method::GET, "/api/v1/me", Some(&token), None)
        .await
        .json::<serde_json::Value>()
        .await
        .expect("json");
    assert!(
        !me.to_string().contains(DEMO_ORG),
        "no membership before the invitation is accepted: {me}"
    );
}
