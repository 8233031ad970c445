//! Test support: runs a test body against every configured database, each fresh. SQLite always; PostgreSQL when
//! `MITRA_TEST_POSTGRES_URL` names a server where the user may create databases (each test gets its own, dropped
//! afterwards, even when the test panics). Only compiled with the `test-support` feature.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection as _;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A PostgreSQL database created for one test and dropped when this guard goes out of scope.
struct PostgresDatabase {
    admin_url: String,
    name: String,
}

impl PostgresDatabase {
    async fn create(admin_url: &str) -> (Self, String) {
        let name = format!(
            "mitra_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        );
        let mut admin = sqlx::PgConnection::connect(admin_url)
            .await
            .expect("connect to MITRA_TEST_POSTGRES_URL");
        sqlx::raw_sql(&format!("create database {name}"))
            .execute(&mut admin)
            .await
            .expect("create database");
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("the URL names a database");
        let url = format!("{base}/{name}");
        (
            Self {
                admin_url: admin_url.to_owned(),
                name,
            },
            url,
        )
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime; a fresh thread with its own runtime can block on the drop.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&url).await?;
                sqlx::raw_sql(&format!("drop database if exists {name} with (force)"))
                    .execute(&mut admin)
                    .await?;
                Ok::<_, sqlx::Error>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

/// Calls `body` with the URL of a fresh SQLite database, then of a fresh PostgreSQL database when
/// `MITRA_TEST_POSTGRES_URL` is set.
pub async fn for_each_database<F, Fut>(body: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temp dir");
    body(format!("sqlite://{}/mitra.db", dir.path().display())).await;
    if let Ok(admin_url) = std::env::var("MITRA_TEST_POSTGRES_URL") {
        let (_guard, url) = PostgresDatabase::create(&admin_url).await;
        body(url).await;
    }
}
