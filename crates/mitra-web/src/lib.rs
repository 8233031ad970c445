//! Mitra over HTTP: server-rendered pages for people, a JSON API for machines, and the operations endpoints.
//!
//! Handlers are thin: they extract the request, make one call on [`mitra_service::Mitra`] and turn the result into a
//! response. This crate must not contain SQL (it does not depend on the store), permission logic or audit calls.

mod api;
mod assets;
mod auth;
mod error;
mod i18n;
mod ops;
mod router;
mod throttle;
mod ui;

use std::future::Future;

use mitra_service::Mitra;
use tokio::net::TcpListener;

pub use api::openapi::openapi_json;
pub use router::{RouteInfo, route_table, router};

/// Serves `mitra` on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    mitra: Mitra,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address feeds the per-address limit on sign-in forms.
    let app = router(mitra).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
