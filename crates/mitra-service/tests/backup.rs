//! PostgreSQL is backed up and restored with its own tools, as the README says: `pg_dump -Fc` of a database with
//! the demo, `pg_restore` into an empty one, and the copy holds the same change feed, the same entries and the same
//! search results. (SQLite's `mitra backup` and `mitra restore` are tested with the command line.)

use mitra_service::{Mitra, SearchRequest, test_support};
use mitra_store::test_support::Engine;

fn tool(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    })
}

#[tokio::test]
async fn postgres_restored_with_pg_restore_from_pg_dump_has_the_same_feed_entries_and_search() {
    let Some(engine) = Engine::postgres() else {
        eprintln!(
            "SKIPPED: no PostgreSQL configured (MITRA_TEST_POSTGRES_URL) for the pg_dump round trip"
        );
        return;
    };
    let (Some(pg_dump), Some(pg_restore)) = (tool("pg_dump"), tool("pg_restore")) else {
        panic!("PostgreSQL is configured for the tests, but pg_dump or pg_restore is not on PATH");
    };
    test_support::use_fast_password_hashing();
    let source = engine
        .from_template("demo", |url: String| async move {
            test_support::build_template(&url, true)
                .await
                .expect("template");
        })
        .await;
    let target = engine.fresh().await;
    let dump = source.dir().join("mitra.dump");
    let dumped = std::process::Command::new(pg_dump)
        .args(["-Fc", "-f"])
        .arg(&dump)
        .arg(&source.url)
        .output()
        .expect("run pg_dump");
    assert!(
        dumped.status.success(),
        "{}",
        String::from_utf8_lossy(&dumped.stderr)
    );
    let restored = std::process::Command::new(pg_restore)
        .args(["--no-owner", "-d", &target.url])
        .arg(&dump)
        .output()
        .expect("run pg_restore");
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );

    let original = Mitra::open(&source.url).await.expect("open the original");
    let copy = Mitra::open(&target.url).await.expect("open the copy");
    let state = |mitra: &Mitra| {
        let mitra = mitra.clone();
        async move {
            let head = mitra.operations().await.expect("operations").feed_head;
            let entries = mitra.prepare_search().await.expect("an index");
            let request = SearchRequest::default().words("flood").expect("a query");
            let found: Vec<String> = mitra
                .search(&request)
                .await
                .expect("search")
                .found
                .iter()
                .map(|f| f.hit.id.clone())
                .collect();
            (head, entries, found)
        }
    };
    let (head, entries, found) = state(&original).await;
    assert!(
        head > 0 && entries > 0 && !found.is_empty(),
        "the demo is there"
    );
    assert_eq!(state(&copy).await, (head, entries, found));
    original.close().await;
    copy.close().await;
}
