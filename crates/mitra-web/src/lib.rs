//! Mitra over HTTP: server-rendered pages for people, a JSON API for machines, and the operations endpoints.
//!
//! Handlers are thin: they extract the request, make one call on [`mitra_service::Mitra`] and turn the result into a
//! response. This crate must not contain SQL (it does not depend on the store), permission logic or audit calls.

mod api;
mod assets;
mod auth;
mod error;
mod files;
mod i18n;
mod metrics;
mod ops;
mod router;
mod throttle;
mod ui;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::connect_info::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use mitra_service::Mitra;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

pub use api::openapi::openapi_json;
pub use router::{RouteInfo, route_table, router};

/// How long a client may keep a connection waiting: a connection that has not sent a whole request head within
/// `header` (counted from when the server starts waiting for one, also between requests) is closed, and a body that
/// sends nothing for `body` is cut off. Stalled clients cannot hold connections open for ever.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// For a request's head (its line and headers), and for an idle kept-alive connection.
    pub header: Duration,
    /// For the next piece of a request's body.
    pub body: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header: Duration::from_secs(30),
            body: Duration::from_secs(60),
        }
    }
}

/// Serves `mitra` on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    mitra: Mitra,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, mitra, shutdown, Timeouts::default()).await
}

/// [`serve`] with the given timeouts.
pub async fn serve_with(
    listener: TcpListener,
    mitra: Mitra,
    shutdown: impl Future<Output = ()> + Send + 'static,
    timeouts: Timeouts,
) -> std::io::Result<()> {
    let app = router(mitra).layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        timeouts.body,
    ));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // A connection that failed while being accepted (reset, too many open files for a moment) is
                // that connection's problem, not the server's.
                Err(error) => {
                    tracing::warn!(error = %error, "server.accept_failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = shutdown.as_mut() => break,
        };
        // The peer address feeds the per-address limit on sign-in forms.
        let service = app.clone().map_request(
            move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                request.map(axum::body::Body::new)
            },
        );
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(timeouts.header)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(error = %error, "server.connection_ended");
            }
        });
    }
    drop(listener);
    // Requests in flight finish; idle connections close now.
    graceful.shutdown().await;
    Ok(())
}
