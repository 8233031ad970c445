//! Every route of the site and the API, in one place: the table of contents of Mitra over HTTP.
//!
//! Routes are added through [`Routes`] (pages) and [`ApiRoutes`] (the API), which also record them, so that tests can
//! enumerate every route (the permission matrix fails when a new mutating route has no entry). An API route is taken
//! from its handler's OpenAPI annotation, so the API routed and the API documented are one list.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware;
use axum::routing::{MethodFilter, on};
use mitra_service::Mitra;
use tower_http::trace::TraceLayer;
use utoipa::openapi::path::{PathItem, Paths};
use utoipa::openapi::{RefOr, Schema};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

use crate::{api, assets, auth, i18n, metrics, ops, throttle, ui};

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

/// The pages' router, which records the routes it is given.
#[derive(Default)]
struct Routes {
    router: Router<Mitra>,
    table: Vec<RouteInfo>,
}

impl Routes {
    fn add<H, T>(mut self, method: Method, path: &'static str, anonymous: bool, handler: H) -> Self
    where
        H: Handler<T, Mitra>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        self.table.push(RouteInfo {
            method,
            path: path.to_owned(),
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

    /// A `POST` route that takes a file upload: its body may be as large as the largest attachment (or the largest
    /// observation file the pages take, which is smaller).
    fn post_upload<H: Handler<T, Mitra>, T: 'static>(
        mut self,
        path: &'static str,
        handler: H,
    ) -> Self {
        self.table.push(RouteInfo {
            method: Method::POST,
            path: path.to_owned(),
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
}

fn pages() -> Routes {
    use ui::{
        account, admin, analytics, api_docs, cities, entries, feeds, home, interests,
        opportunities, orgs, partnerships, review, search, standards, submissions,
    };
    Routes::default()
        .get("/", home::show_home)
        .get("/cities", cities::list_cities)
        .get("/cities/{id}", cities::show_city)
        .get("/cities/{id}/assessment", analytics::show_assessment)
        .post("/cities/{id}/tier", cities::set_tier)
        .post_upload("/cities/{id}/observations/check", submissions::check_upload)
        .post("/cities/{id}/observations/write", submissions::write_upload)
        .post("/cities/{id}/observations/value", submissions::submit_value)
        .get("/cities/{id}/template.csv", submissions::template_csv)
        .get("/cities/{id}/partnerships", partnerships::show_city_report)
        .get("/partnerships", partnerships::list_partnerships)
        .get("/partnerships/new", partnerships::show_proposal_form)
        .post("/partnerships", partnerships::propose)
        .get("/partnerships/{id}", partnerships::show_partnership)
        .get("/partnerships/{id}/report", partnerships::show_report)
        .post("/partnerships/{id}/messages", partnerships::write_message)
        .post("/partnerships/{id}/actions", partnerships::act)
        .post("/partnerships/{id}/activities", partnerships::log_activity)
        .post("/partnerships/{id}/outcomes", partnerships::add_outcome)
        .post_upload("/partnerships/{id}/document", partnerships::upload_document)
        .get(
            "/partnerships/{id}/document",
            partnerships::download_document,
        )
        .get("/rankings", analytics::show_rankings)
        .get("/search", search::search)
        .get("/opportunities", opportunities::list_opportunities)
        .get("/entries/new", entries::show_new_entry)
        .post("/entries/new", entries::create_entry)
        .get("/entries/{id}", entries::show_entry)
        .get("/entries/{id}/edit", entries::show_edit_entry)
        .post("/entries/{id}/edit", entries::update_entry)
        .post("/entries/{id}/delete", entries::delete_entry)
        .post_upload("/entries/{id}/files", entries::attach)
        .get("/entries/{id}/files/{sha256}", entries::download)
        .post("/entries/{id}/files/{sha256}/delete", entries::detach)
        .post("/entries/{id}/enrolment", entries::enrol)
        .post("/entries/{id}/enrolment/withdraw", entries::withdraw)
        .post("/entries/{id}/interests", interests::express_interest)
        .get("/interests", interests::show_inbox)
        .get("/interests/{id}", interests::show_thread)
        .post("/interests/{id}/messages", interests::write_message)
        .post("/interests/{id}/decision", interests::decide)
        .get("/notifications", interests::show_notifications)
        .post("/notifications/read", interests::mark_read)
        .post("/notifications/settings", interests::save_mail_frequency)
        .get("/feeds/entries.atom", feeds::atom)
        .get("/feeds/calendar.ics", feeds::calendar)
        .get("/search/export.csv", feeds::export_csv)
        .get("/search/export.json", feeds::export_json)
        .get("/standards", standards::list_standards)
        .get("/standards/{id}", standards::show_standard)
        .get("/indicators/{id}", standards::show_indicator)
        .get("/crosswalk", standards::show_crosswalk)
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

/// The API's routes, each taken from its handler's `utoipa::path` annotation: the method and path routed are the
/// ones documented, so that a route cannot be added without its entry in the OpenAPI document.
#[derive(Default)]
pub(crate) struct ApiRoutes {
    router: Router<Mitra>,
    /// The documented paths, as the OpenAPI document lists them.
    pub(crate) paths: Paths,
    /// The schemas the documented paths refer to.
    pub(crate) schemas: Vec<(String, RefOr<Schema>)>,
    table: Vec<RouteInfo>,
}

impl ApiRoutes {
    /// Where the API is nested; every annotation's path starts with it.
    const PREFIX: &'static str = "/api/v1";

    /// Routes one handler. A `GET` is open to anonymous callers (the handler decides what they see); any other
    /// method is a write, which only a signed-in caller with write rights reaches, as its document says.
    fn route(mut self, (schemas, mut paths, handler): UtoipaMethodRouter<Mitra>) -> Self {
        for (path, item) in &mut paths.paths {
            let methods = methods_of(item);
            let anonymous = methods.iter().all(|m| *m == Method::GET);
            api::openapi::document_route(item, !anonymous);
            let handler = if anonymous {
                handler.clone()
            } else {
                handler
                    .clone()
                    .route_layer(middleware::from_fn(auth::require_writer))
            };
            // A path outside the prefix would be routed under it: the OpenAPI test then finds the two apart.
            let nested = path.strip_prefix(Self::PREFIX).unwrap_or(path);
            self.router = self.router.route(nested, handler);
            self.table
                .extend(methods.into_iter().map(|method| RouteInfo {
                    method,
                    path: format!("{}{nested}", Self::PREFIX),
                    anonymous,
                }));
        }
        self.paths.merge(paths);
        self.schemas.extend(schemas);
        self
    }
}

/// The methods a documented path item has operations for.
fn methods_of(item: &PathItem) -> Vec<Method> {
    [
        (Method::GET, &item.get),
        (Method::PUT, &item.put),
        (Method::POST, &item.post),
        (Method::DELETE, &item.delete),
        (Method::OPTIONS, &item.options),
        (Method::HEAD, &item.head),
        (Method::PATCH, &item.patch),
        (Method::TRACE, &item.trace),
    ]
    .into_iter()
    .filter(|(_, operation)| operation.is_some())
    .map(|(method, _)| method)
    .collect()
}

/// The API: one line per handler, grouped by resource; each handler's annotation gives its method and path.
pub(crate) fn api_routes() -> ApiRoutes {
    use api::{
        account, analytics, cities, entries, interests, matches, observations, openapi,
        opportunities, orgs, partners, partnerships, standards,
    };
    ApiRoutes::default()
        .route(routes!(cities::list_cities))
        .route(routes!(cities::cities_geojson))
        .route(routes!(cities::get_city))
        .route(routes!(cities::list_countries))
        .route(routes!(analytics::get_assessment))
        .route(routes!(analytics::get_benchmarks))
        .route(routes!(analytics::get_profile))
        .route(routes!(analytics::set_tier))
        .route(routes!(analytics::get_ranking))
        .route(routes!(standards::list_standards))
        .route(routes!(standards::get_standard))
        .route(routes!(standards::list_indicators))
        .route(routes!(standards::get_indicator))
        .route(routes!(standards::list_crosswalk))
        .route(routes!(standards::put_crosswalk))
        .route(routes!(standards::delete_crosswalk))
        .route(routes!(standards::crosswalk_csv))
        .route(routes!(standards::crosswalk_skos))
        .route(routes!(observations::list_observations))
        .route(routes!(observations::import_observations))
        .route(routes!(observations::review_observation))
        .route(routes!(orgs::list_organisations))
        .route(routes!(orgs::create_organisation))
        .route(routes!(orgs::get_organisation))
        .route(routes!(orgs::update_organisation))
        .route(routes!(orgs::approve_organisation))
        .route(routes!(orgs::reject_organisation))
        .route(routes!(orgs::invite_member))
        .route(routes!(account::get_me))
        .route(routes!(account::list_tokens))
        .route(routes!(account::create_token))
        .route(routes!(account::revoke_token))
        .route(routes!(account::list_audit))
        .route(routes!(entries::search))
        .route(routes!(entries::suggest))
        .route(routes!(entries::create_entry))
        .route(routes!(entries::import_entries))
        .route(routes!(entries::get_entry))
        .route(routes!(entries::update_entry))
        .route(routes!(entries::delete_entry))
        .route(routes!(entries::get_enrolment))
        .route(routes!(entries::enrol))
        .route(routes!(entries::withdraw))
        .route(routes!(entries::list_enrolments))
        .route(routes!(entries::approve_entry))
        .route(routes!(entries::reject_entry))
        .route(routes!(entries::list_attachments))
        .route(routes!(entries::attach))
        .route(routes!(entries::detach))
        .route(routes!(opportunities::list_opportunities))
        .route(routes!(matches::city_matches))
        .route(routes!(partners::city_partners))
        .route(routes!(partners::recorded_ties))
        .route(routes!(partnerships::list_partnerships))
        .route(routes!(partnerships::propose))
        .route(routes!(partnerships::export))
        .route(routes!(partnerships::get_partnership))
        .route(routes!(partnerships::write_message))
        .route(routes!(partnerships::act))
        .route(routes!(partnerships::log_activity))
        .route(routes!(partnerships::add_outcome))
        .route(routes!(partnerships::activities_ics))
        .route(routes!(partnerships::upload_document))
        .route(routes!(partnerships::download_document))
        .route(routes!(partnerships::partnership_report))
        .route(routes!(partnerships::city_report))
        .route(routes!(matches::entry_matches_of))
        .route(routes!(interests::express_interest))
        .route(routes!(interests::list_interests))
        .route(routes!(interests::get_interest))
        .route(routes!(interests::write_message))
        .route(routes!(interests::decide))
        .route(routes!(interests::list_notifications))
        .route(routes!(interests::mark_read))
        .route(routes!(
            interests::get_mail_settings,
            interests::set_mail_settings
        ))
        .route(routes!(openapi::get_openapi))
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
    let requests = std::sync::Arc::new(metrics::Requests::default());
    let pages = pages()
        .router
        .fallback(ui::not_found)
        .layer(middleware::from_fn_with_state(
            mitra.clone(),
            i18n::negotiate_language,
        ))
        .layer(middleware::from_fn(move |request, next| {
            throttle::limit(throttle.clone(), request, next)
        }));
    let api = api_routes()
        .router
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed);

    let mut app = Router::new()
        .nest("/api/v1", api)
        .merge(pages)
        .layer(middleware::from_fn_with_state(
            mitra.clone(),
            auth::identify,
        ))
        .route("/healthz", axum::routing::get(ops::healthz))
        .route("/readyz", axum::routing::get(ops::readyz))
        .route("/metrics", axum::routing::get(metrics::metrics))
        .route("/assets/{*path}", axum::routing::get(assets::get_asset));
    // Requests are counted only where someone may read the count.
    if mitra.metrics_token().is_some() {
        app = app.layer(middleware::from_fn_with_state(
            requests.clone(),
            metrics::count,
        ));
    }
    app.layer(axum::Extension(requests))
        .layer(axum::Extension(std::sync::Arc::new(
            ui::page_cache::PageCache::new(mitra.page_cache_pages()),
        )))
        .layer(middleware::from_fn(ops::security_headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(mitra)
}
