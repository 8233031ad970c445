//! Runs a test body against every configured backend, each in a fresh database.

use std::future::Future;
use std::sync::Arc;

use mitra_domain::Actor;
use mitra_domain::access::AuditStamp;
use mitra_store::Store;

/// Calls `body` with a fresh store on each configured backend.
pub async fn for_each_backend<F, Fut>(body: F)
where
    F: Fn(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    mitra_store::test_support::for_each_database(|url| {
        let body = &body;
        async move {
            let store = mitra_store::connect(&url)
                .await
                .expect("open the test database");
            body(store).await;
        }
    })
    .await;
}

/// Loads the sample reference data and returns the change feed's position after it, from which a test follows
/// only its own changes.
pub async fn load_sample(store: &dyn Store) -> i64 {
    store
        .apply_reference(&crate::sample(), 1, "h")
        .await
        .expect("reference");
    store
        .list_changes_since(0, 10_000)
        .await
        .expect("feed")
        .last()
        .map_or(0, |c| c.seq)
}

/// The operator's audit stamp, under which the contract tests write: the store records whom a handle names, and
/// these tests make no permission checks of their own.
pub fn operator() -> AuditStamp {
    Actor::Operator
        .operator()
        .expect("the operator is the operator")
        .stamp()
        .clone()
}
