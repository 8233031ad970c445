//! A per-address limit on the forms that attackers hammer (sign-in, sign-up, password reset), on top of the
//! per-account lock-out. It is kept in memory per app node: enough to slow a single client down; a deployment
//! with several nodes gets a limit per node.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Attempts allowed per address in one window.
pub const ATTEMPTS_PER_WINDOW: u32 = 20;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(60);
/// The paths whose POSTs are limited.
const LIMITED: [&str; 4] = ["/login", "/signup", "/reset", "/reset/confirm"];

/// Counts attempts per address in fixed windows.
#[derive(Debug, Default, Clone)]
pub struct Throttle {
    attempts: Arc<Mutex<HashMap<IpAddr, (Instant, u32)>>>,
}

impl Throttle {
    /// Records an attempt from `address` at `now`; `Some(wait)` when it is over the limit.
    pub fn attempt(&self, address: IpAddr, now: Instant) -> Option<Duration> {
        let Ok(mut attempts) = self.attempts.lock() else {
            return None;
        };
        if attempts.len() > 100_000 {
            // Forget finished windows so the map cannot grow without bound.
            attempts.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = attempts.entry(address).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        (entry.1 > ATTEMPTS_PER_WINDOW).then(|| WINDOW.saturating_sub(now.duration_since(entry.0)))
    }
}

/// Refuses limited form posts over the limit with 429 and `Retry-After`.
pub async fn limit(throttle: Throttle, request: Request, next: Next) -> Response {
    let limited = request.method() == Method::POST && LIMITED.contains(&request.uri().path());
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let (true, Some(address)) = (limited, address)
        && let Some(wait) = throttle.attempt(address, Instant::now())
    {
        tracing::warn!(client = %address, "throttle.refused");
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many attempts; wait a minute and try again.",
        )
            .into_response();
        if let Ok(value) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_limited_within_a_window_and_free_again_after_it() {
        let throttle = Throttle::default();
        let address: IpAddr = [192, 0, 2, 1].into();
        let other: IpAddr = [192, 0, 2, 2].into();
        let start = Instant::now();
        for _ in 0..ATTEMPTS_PER_WINDOW {
            assert_eq!(throttle.attempt(address, start), None);
        }
        assert!(throttle.attempt(address, start).is_some(), "over the limit");
        assert_eq!(
            throttle.attempt(other, start),
            None,
            "other addresses are not affected"
        );
        assert_eq!(
            throttle.attempt(address, start + WINDOW),
            None,
            "a new window"
        );
    }
}
