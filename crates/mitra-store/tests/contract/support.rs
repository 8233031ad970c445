//! Runs a test body against every configured backend, each in a fresh database.

use std::future::Future;
use std::sync::Arc;

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
