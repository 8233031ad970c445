//! Contract for the migration runner's bookkeeping: each database keeps the checksum of every migration it applied,
//! records them on the first start of a database made before checksums were kept, and refuses to start when a
//! migration it applied has changed since.

use sha2::{Digest as _, Sha256};

use mitra_store::MIGRATION_NAMES;
use mitra_store::test_support::for_each_database;

use crate::execute;

/// Every row of `schema_migrations` as (name, checksum), by name.
async fn recorded(url: &str) -> Vec<(String, Option<String>)> {
    use sqlx::Connection as _;
    let sql = "select name, checksum from schema_migrations order by name";
    if url.starts_with("postgres") {
        let mut db = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query_as(sql)
            .fetch_all(&mut db)
            .await
            .expect("select")
    } else {
        let mut db = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query_as(sql)
            .fetch_all(&mut db)
            .await
            .expect("select")
    }
}

/// The SHA-256, in hex, of the shipped migration `name` for the backend of `url`.
fn shipped_checksum(url: &str, name: &str) -> String {
    let folder = if url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    let path = format!(
        "{}/migrations/{folder}/{name}.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    let sql = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Sha256::digest(&sql)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_database_records_the_checksum_of_each_migration_it_applies() {
    for_each_database(|url| async move {
        let store = mitra_store::connect(&url).await.expect("create");
        store.close().await;
        let expected: Vec<(String, Option<String>)> = MIGRATION_NAMES
            .iter()
            .map(|name| (name.to_string(), Some(shipped_checksum(&url, name))))
            .collect();
        assert_eq!(recorded(&url).await, expected);
    })
    .await;
}

#[tokio::test]
async fn a_database_made_before_checksums_were_kept_gets_them_on_its_next_start() {
    for_each_database(|url| async move {
        let store = mitra_store::connect(&url).await.expect("create");
        store.close().await;
        // The bookkeeping table as it was before checksums.
        execute(&url, "alter table schema_migrations drop column checksum").await;
        let store = mitra_store::connect(&url)
            .await
            .expect("start without checksums");
        store.ping().await.expect("ping");
        store.close().await;
        let checksums = recorded(&url).await;
        assert_eq!(checksums.len(), MIGRATION_NAMES.len());
        for (name, checksum) in checksums {
            assert_eq!(checksum, Some(shipped_checksum(&url, &name)), "{name}");
        }
        mitra_store::connect(&url)
            .await
            .expect("start again")
            .close()
            .await;
    })
    .await;
}

#[tokio::test]
async fn a_migration_changed_after_it_was_applied_stops_start_up_and_is_named() {
    for_each_database(|url| async move {
        let store = mitra_store::connect(&url).await.expect("create");
        store.close().await;
        // What the database sees when the shipped 0005_entries.sql is no longer the file it applied.
        execute(
            &url,
            "update schema_migrations set checksum = 'abc123' where name = '0005_entries'",
        )
        .await;
        let Err(err) = mitra_store::connect(&url).await else {
            panic!("a changed migration must stop start-up");
        };
        let message = err.to_string();
        assert!(
            message.contains("0005_entries.sql was changed after it was applied to this database"),
            "{message}"
        );
        assert!(message.contains("recorded checksum abc123"), "{message}");
        assert!(
            message.contains(&shipped_checksum(&url, "0005_entries")),
            "{message}"
        );
        assert!(message.contains("restore the shipped file"), "{message}");
    })
    .await;
}
