//! Every route of the site and the API, in one place: the table of contents of Mitra over HTTP.
//!
//! Routes are added through [`Routes`], which also records them, so that tests can enumerate every route (the
//! permission matrix fails when a new mutating route has no entry).

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware;
use axum::routing::{MethodFilter, on};
use mitra_service::Mitra;
use tower_http::trace::TraceLayer;

use crate::{api, assets, auth, i18n, ops, throttle, ui};

/// Largest request body accepted; nothing in Mitra needs more yet.
pub(crate) const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// A route: method and path (with `{parameters}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RouteInfo {
    /// The HTTP method.
    pub method: Method,
    /// The full path.
    pub path: String,
    /// Whether anonymous callers may send it: reading routes, and the forms that sign people up and in. Every
    /// other route answers 401 to an anonymous caller, and 403 to a read-only token, before its body is read.
    pub anonymous: bool,
}

/// A router that records the routes it is given.
struct Routes {
    prefix: &'static str,
    router: Router<Mitra>,
    table: Vec<RouteInfo>,
}

impl Routes {
    fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            router: Router::new(),
            table: Vec::new(),
        }
    }

    fn add<H, T>(mut self, method: Method, path: &'static str, anonymous: bool, handler: H) -> Self
    where
        H: Handler<T, Mitra>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        self.table.push(RouteInfo {
            method,
            path: format!("{}{path}", self.prefix),
            anonymous,
        });
        let route = on(filter, handler);
        let route = if anonymous {
            route
        } else {
            route.route_layer(middleware::from_fn(auth::require_writer))
        };
        self.router = self.router.route(path, route);
        self
    }

    fn get<H: Handler<T, Mitra>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::GET, path, true, handler)
    }

    /// A form that anonymous visitors send: signing up, in and out, and resetting a password.
    fn post_anonymous<H: Handler<T, Mitra>, T: 'static>(
        self,
        path: &'static str,
        handler: H,
    ) -> Self {
        self.add(Method::POST, path, true, handler)
    }

    fn post<H: Handler<T, Mitra>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::POST, path, false, handler)
    }

    /// A `POST` route that takes a file upload: its body may be as large as the largest attachment.
    fn post_upload<H: Handler<T, Mitra>, T: 'static>(
        mut self,
        path: &'static str,
        handler: H,
    ) -> Self {
        self.table.push(RouteInfo {
            method: Method::POST,
            path: format!("{}{path}", self.prefix),
            anonymous: false,
        });
        let limit =
            axum::extract::DefaultBodyLimit::max(mitra_service::MAX_ATTACHMENT_BYTES + 64 * 1024);
        // The limit wraps the handler only, so the sign-in check (outside it) runs before any byte is read.
        self.router = self.router.route(
            path,
            axum::routing::post(handler)
                .layer(limit)
                .route_layer(middleware::from_fn(auth::require_writer)),
        );
        self
    }

    fn put<H: Handler<T, Mitra>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::PUT, path, false, handler)
    }

    fn delete<H: Handler<T, Mitra>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::DELETE, path, false, handler)
    }
}

fn pages() -> Routes {
    use ui::{
        account, admin, analytics, api_docs, cities, entries, feeds, home, knowledge, orgs, review,
        standards,
    };
    Routes::new("")
        .get("/", home::show_home)
        .get("/cities", cities::list_cities)
        .get("/cities/{id}", cities::show_city)
        .get("/cities/{id}/assessment", analytics::show_assessment)
        .post("/cities/{id}/tier", cities::set_tier)
        .get("/rankings", analytics::show_rankings)
        .get("/search", knowledge::search)
        .get("/entries/new", entries::show_new_entry)
        .post("/entries/new", entries::create_entry)
        .get("/entries/{id}", knowledge::show_entry)
        .get("/entries/{id}/edit", entries::show_edit_entry)
        .post("/entries/{id}/edit", entries::update_entry)
        .post("/entries/{id}/delete", entries::delete_entry)
        .post_upload("/entries/{id}/files", entries::attach)
        .get("/entries/{id}/files/{sha256}", entries::download)
        .post("/entries/{id}/files/{sha256}/delete", entries::detach)
        .post("/entries/{id}/enrolment", entries::enrol)
        .post("/entries/{id}/enrolment/withdraw", entries::withdraw)
        .get("/feeds/entries.atom", feeds::atom)
        .get("/feeds/calendar.ics", feeds::calendar)
        .get("/search/export.csv", feeds::export_csv)
        .get("/search/export.json", feeds::export_json)
        .get("/standards", standards::list_standards)
        .get("/standards/{id}", standards::show_standard)
        .get("/indicators/{id}", standards::show_indicator)
        .post("/indicators/{id}/crosswalk", standards::save_crosswalk)
        .post(
            "/indicators/{id}/crosswalk/delete",
            standards::delete_crosswalk,
        )
        .get("/api", api_docs::show_api_docs)
        // Accounts.
        .get("/signup", account::show_signup)
        .post_anonymous("/signup", account::submit_signup)
        .get("/login", account::show_login)
        .post_anonymous("/login", account::submit_login)
        .post_anonymous("/logout", account::submit_logout)
        .get("/verify", account::verify_email)
        .get("/reset", account::show_reset)
        .post_anonymous("/reset", account::submit_reset)
        .get("/reset/confirm", account::show_reset_confirm)
        .post_anonymous("/reset/confirm", account::submit_reset_confirm)
        .get("/account", account::show_account)
        .post("/account", account::submit_settings)
        .post("/account/tokens", account::create_token)
        .post("/account/tokens/{id}/revoke", account::revoke_token)
        .get("/invitations/accept", account::show_invitation)
        .post("/invitations/accept", account::accept_invitation)
        // Organisations.
        .get("/organisations", orgs::list_organisations)
        .get("/organisations/new", orgs::show_new_organisation)
        .post("/organisations/new", orgs::create_organisation)
        .get("/organisations/{id}", orgs::show_organisation)
        .get("/organisations/{id}/edit", orgs::show_edit_organisation)
        .post("/organisations/{id}/edit", orgs::update_organisation)
        .post("/organisations/{id}/invitations", orgs::invite_member)
        // Administration.
        .get("/admin", admin::show_admin)
        .post(
            "/admin/organisations/{id}/approve",
            admin::approve_organisation,
        )
        .post(
            "/admin/organisations/{id}/reject",
            admin::reject_organisation,
        )
        .post("/admin/users/role", admin::set_role)
        .post("/admin/entries/{id}/approve", admin::approve_entry)
        .post("/admin/entries/{id}/reject", admin::reject_entry)
        // Review of observations (verifiers).
        .get("/review", review::show_review)
        .post("/review/{id}/verify", review::verify_observation)
        .post("/review/{id}/reject", review::reject_observation)
        .get("/admin/audit", admin::show_audit)
        .get("/admin/audit.csv", admin::export_audit)
}

fn api_routes() -> Routes {
    use api::{account, analytics, cities, knowledge, observations, openapi, orgs, standards};
    Routes::new("/api/v1")
        .get("/cities", cities::list_cities)
        .get("/cities.geojson", cities::cities_geojson)
        .get("/cities/{id}", cities::get_city)
        .get("/cities/{id}/assessment", analytics::get_assessment)
        .get("/cities/{id}/benchmarks", analytics::get_benchmarks)
        .get("/cities/{id}/profile", analytics::get_profile)
        .put("/cities/{id}/tier", analytics::set_tier)
        .get("/rankings", analytics::get_ranking)
        .get("/countries", cities::list_countries)
        .get("/standards", standards::list_standards)
        .get("/standards/{id}", standards::get_standard)
        .get("/standards/{id}/indicators", standards::list_indicators)
        .get("/indicators/{id}", standards::get_indicator)
        .get("/crosswalk", standards::list_crosswalk)
        .put("/crosswalk", standards::put_crosswalk)
        .delete("/crosswalk", standards::delete_crosswalk)
        .get("/crosswalk.csv", standards::crosswalk_csv)
        .get("/crosswalk.jsonld", standards::crosswalk_skos)
        .get("/observations", observations::list_observations)
        .post("/observations", observations::import_observations)
        .post(
            "/observations/{id}/review",
            observations::review_observation,
        )
        .get("/organisations", orgs::list_organisations)
        .post("/organisations", orgs::create_organisation)
        .get("/organisations/{id}", orgs::get_organisation)
        .put("/organisations/{id}", orgs::update_organisation)
        .post("/organisations/{id}/approve", orgs::approve_organisation)
        .post("/organisations/{id}/reject", orgs::reject_organisation)
        .post("/organisations/{id}/members", orgs::invite_member)
        .get("/me", account::get_me)
        .get("/tokens", account::list_tokens)
        .post("/tokens", account::create_token)
        .delete("/tokens/{id}", account::revoke_token)
        .get("/audit", account::list_audit)
        .get("/search", knowledge::search)
        .get("/search/suggest", knowledge::suggest)
        .post("/entries", knowledge::create_entry)
        .post("/entries/import", knowledge::import_entries)
        .get("/entries/{id}", knowledge::get_entry)
        .put("/entries/{id}", knowledge::update_entry)
        .delete("/entries/{id}", knowledge::delete_entry)
        .get("/entries/{id}/enrolment", knowledge::get_enrolment)
        .put("/entries/{id}/enrolment", knowledge::enrol)
        .delete("/entries/{id}/enrolment", knowledge::withdraw)
        .get("/entries/{id}/enrolments", knowledge::list_enrolments)
        .post("/entries/{id}/approve", knowledge::approve_entry)
        .post("/entries/{id}/reject", knowledge::reject_entry)
        .get("/entries/{id}/attachments", knowledge::list_attachments)
        .post("/entries/{id}/attachments", knowledge::attach)
        .delete("/entries/{id}/attachments/{sha256}", knowledge::detach)
        .get("/openapi.json", openapi::get_openapi)
}

/// Every route of the site and the API.
pub fn route_table() -> Vec<RouteInfo> {
    let mut table = pages().table;
    table.extend(api_routes().table);
    table
}

/// Builds the application: pages, API, assets and probes, with their middleware.
pub fn router(mitra: Mitra) -> Router {
    let throttle = throttle::Throttle::default();
    let pages = pages()
        .router
        .fallback(ui::not_found)
        .layer(middleware::from_fn(i18n::negotiate_language))
        .layer(middleware::from_fn(move |request, next| {
            throttle::limit(throttle.clone(), request, next)
        }));
    let api = api_routes().router.fallback(api::not_found);

    Router::new()
        .nest("/api/v1", api)
        .merge(pages)
        .layer(middleware::from_fn_with_state(
            mitra.clone(),
            auth::identify,
        ))
        .route("/healthz", axum::routing::get(ops::healthz))
        .route("/readyz", axum::routing::get(ops::readyz))
        .route("/assets/{*path}", axum::routing::get(assets::get_asset))
        .layer(middleware::from_fn(ops::security_headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(mitra)
}
